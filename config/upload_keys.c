/* The [upload] section's keys (config.h, reed_upload_conf_t) and its
 * check. The loader routes [upload] items here like [server]'s. */
#include "config_int.h"

#include <stddef.h>
#include <string.h>

#define U(field) offsetof(reed_upload_conf_t, field)
#define MS 1000L

const reed_directive_t reed__upload_directives[] = {
    {.key = "enabled", .set = reed_conf_set_bool, .offset = U(enabled)},
    {.key = "max_size",
     .set = reed_conf_set_size,
     .offset = U(max_size),
     .min = 1024,
     .max = 1L << 30,
     .def = "10m"},
    {.key = "quota",
     .set = reed_conf_set_size,
     .offset = U(quota),
     .min = 1024,
     .max = 1L << 40,
     .def = "100m"},
    {.key = "expire",
     .set = reed_conf_set_duration_ms,
     .offset = U(expire),
     .min = 60 * MS,
     .max = 87600L * 3600 * MS,
     .def = "720h"},
    {.key = "url", .set = reed_conf_set_str, .offset = U(url), .max = 400},
    {.key = NULL},
};

static bool
url_ok(const char *url)
{
  const char *rest;

  if (strncmp(url, "http://", 7) == 0)
    rest = url + 7;
  else if (strncmp(url, "https://", 8) == 0)
    rest = url + 8;
  else
    return false;
  if (*rest == '\0' || *rest == '/')
    return false;
  for (const char *c = url; *c != '\0'; c++)
    if ((unsigned char)*c <= ' ' || *c == '?' || *c == '#' || *c == 0x7f)
      return false;
  return true;
}

int
reed__upload_check(reed_upload_conf_t *up, bool set_enabled,
                   const reed_listener_t *l, size_t n, reed_conf_err_t *err)
{
  bool http = false;

  for (size_t i = 0; i < n; i++)
    if (strcmp(l[i].module, "http") == 0 && l[i].role == NULL)
      http = true;
  if (!set_enabled)
    up->enabled = http;
  if (up->url != NULL && !url_ok(up->url)) {
    reed_strlcpy(err->key, "url", sizeof(err->key));
    return reed__conf_errf(err,
                           "'%s' is not an http:// or https:// URL without "
                           "query or fragment",
                           up->url);
  }
  if (up->enabled && !http) {
    reed_strlcpy(err->key, "enabled", sizeof(err->key));
    return reed__conf_errf(err, "needs an [http] listener to serve files");
  }
  if (up->quota < up->max_size) {
    reed_strlcpy(err->key, "quota", sizeof(err->key));
    return reed__conf_errf(err, "is smaller than max_size");
  }
  return 0;
}
