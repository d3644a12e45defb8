/* The [acme] section's keys (config.h, reed_acme_conf_t), its checks, and
 * the section descriptor the server adds to the module sections. */
#include "config_int.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define A(field) offsetof(reed_acme_conf_t, field)
#define FIELD(conf, d, type) ((type *)(void *)((char *)(conf) + (d)->offset))

static const char *const challenge_names[] = {"http-01", NULL};

/* double: a decimal fraction strictly between 0 and 1 ("0.6667"). */
static int
set_fraction(void *conf, const char *value, const reed_directive_t *d,
             reed_conf_err_t *err)
{
  char *end = NULL;
  double v = strtod(value, &end);

  if (end == value || *end != '\0' || !isfinite(v) || v <= 0.0 || v >= 1.0)
    return reed__conf_errf(err, "'%s' is not a fraction between 0 and 1",
                           value);
  *FIELD(conf, d, double) = v;
  return 0;
}

static const reed_directive_t acme_directives[] = {
    {.key = "directory",
     .set = reed_conf_set_str,
     .offset = A(directory),
     .max = 2048},
    {.key = "contact",
     .set = reed_conf_set_strlist,
     .offset = A(contact),
     .max = 255},
    {.key = "names",
     .set = reed_conf_set_strlist,
     .offset = A(names),
     .max = 253},
    {.key = "challenge",
     .set = reed_conf_set_enum,
     .offset = A(challenge),
     .names = challenge_names,
     .def = "http-01"},
    {.key = "ca_file",
     .set = reed_conf_set_str,
     .offset = A(ca_file),
     .max = 4095},
    {.key = "renew_fraction",
     .set = set_fraction,
     .offset = A(renew_fraction),
     .def = "0.6667"},
    {.key = "retry_min",
     .set = reed_conf_set_duration_ms,
     .offset = A(retry_min),
     .min = 1000,
     .max = 24 * 3600 * 1000L,
     .def = "1m"},
    {.key = "retry_max",
     .set = reed_conf_set_duration_ms,
     .offset = A(retry_max),
     .min = 1000,
     .max = 7 * 24 * 3600 * 1000L,
     .def = "1h"},
    {.key = NULL},
};

/* A DNS name http-01 can prove: LDH labels of 1-63 bytes, no wildcard
 * (RFC 8555 section 8.3 forbids http-01 for those). */
static bool
dns_name_ok(const char *n)
{
  size_t label = 0;

  if (*n == '\0' || *n == '.' || strlen(n) > 253)
    return false;
  for (const char *c = n; *c != '\0'; c++) {
    if (*c == '.') {
      if (label == 0 || c[-1] == '-')
        return false;
      label = 0;
      continue;
    }
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9') || (*c == '-' && label > 0)))
      return false;
    if (++label > 63)
      return false;
  }
  return label > 0 && n[strlen(n) - 1] != '-';
}

static int
acme_check(const void *conf, reed_conf_err_t *err)
{
  const reed_acme_conf_t *a = conf;

  if (a->directory == NULL) {
    reed_strlcpy(err->key, "directory", sizeof(err->key));
    return reed__conf_errf(err, "[acme] needs the directory URL");
  }
  if (strncasecmp(a->directory, "https://", 8) != 0) {
    reed_strlcpy(err->key, "directory", sizeof(err->key));
    return reed__conf_errf(err,
                           "'%s' is not an https:// URL (RFC 8555 "
                           "section 6.1)",
                           a->directory);
  }
  for (size_t i = 0; i < a->names.n; i++)
    if (!dns_name_ok(a->names.v[i])) {
      reed_strlcpy(err->key, "names", sizeof(err->key));
      return reed__conf_errf(err, "'%s' is not a DNS name http-01 can prove",
                             a->names.v[i]);
    }
  if (a->retry_min > a->retry_max) {
    reed_strlcpy(err->key, "retry_min", sizeof(err->key));
    return reed__conf_errf(err, "retry_min is longer than retry_max");
  }
  return 0;
}

static int
acme_check_listeners(const void *conf, const reed_listener_t *l, size_t n,
                     reed_conf_err_t *err)
{
  REED_UNUSED(conf);
  for (size_t i = 0; i < n; i++)
    if (strcmp(l[i].module, "acme") == 0) {
      reed_strlcpy(err->key, "listen", sizeof(err->key));
      return reed__conf_errf(err,
                             "[acme] takes no listen key: the http-01 "
                             "challenge is answered on the [http] listener");
    }
  return 0;
}

const reed_conf_section_t reed_config_acme_section = {
    .name = "acme",
    .directives = acme_directives,
    .conf_size = sizeof(reed_acme_conf_t),
    .check = acme_check,
    .check_listeners = acme_check_listeners,
};
