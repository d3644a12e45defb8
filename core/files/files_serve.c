/* How a file is served (pure): the Content-Type allow list, the
 * Content-Disposition, percent-encoding, and the public base URL. */
#include "files_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Types a browser shows without running anything. No text/html, no SVG
 * (scripts), no XML, no PDF (a viewer with scripts). */
static const char *const inline_types[] = {
    "image/png",  "image/jpeg", "image/gif",  "image/webp", "image/avif",
    "audio/mpeg", "audio/ogg",  "audio/opus", "audio/wav",  "audio/webm",
    "audio/flac", "audio/aac",  "audio/mp4",  "video/mp4",  "video/webm",
    "video/ogg",  "text/plain",
};

void
reed_files_served_type(const char *type, bool *inline_, char *out, size_t size)
{
  size_t n = strcspn(type, "; \t");

  for (size_t i = 0; i < REED_ARRAY_SIZE(inline_types); i++) {
    if (strlen(inline_types[i]) == n &&
        strncasecmp(type, inline_types[i], n) == 0) {
      *inline_ = true;
      /* text/plain keeps UTF-8 readable; no charset sniffing either. */
      snprintf(out, size, "%s%s", inline_types[i],
               strcmp(inline_types[i], "text/plain") == 0 ? "; charset=utf-8"
                                                          : "");
      return;
    }
  }
  *inline_ = false;
  snprintf(out, size, "application/octet-stream");
}

static bool
unreserved(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

void
reed_files_pct_encode(const char *s, char *out, size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;

  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (unreserved(*c)) {
      if (o + 1 >= size)
        break;
      out[o++] = (char)*c;
    } else {
      if (o + 3 >= size)
        break;
      out[o++] = '%';
      out[o++] = hex[*c >> 4];
      out[o++] = hex[*c & 15];
    }
  }
  if (size > 0)
    out[o] = '\0';
}

static int
hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int
reed_files_pct_decode(const char *s, size_t len, char *out, size_t size)
{
  size_t o = 0;

  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
      int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
      if (lo < 0 || (hi == 0 && lo == 0))
        return REED_EINVAL;
      c = hi * 16 + lo;
      i += 2;
    }
    if (o + 1 >= size)
      return REED_ETOOBIG;
    out[o++] = (char)c;
  }
  if (size == 0)
    return REED_ETOOBIG;
  out[o] = '\0';
  return 0;
}

void
reed_files_disposition(const char *name, bool inline_, char *out, size_t size)
{
  char plain[REED_FILES_NAME_MAX + 1], enc[REED_FILES_NAME_MAX * 3 + 1];
  size_t i = 0;

  for (; name[i] != '\0' && i < REED_FILES_NAME_MAX; i++) {
    unsigned char c = (unsigned char)name[i];
    plain[i] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ';')
                   ? '_'
                   : (char)c;
  }
  plain[i] = '\0';
  reed_files_pct_encode(name, enc, sizeof(enc));
  snprintf(out, size, "%s; filename=\"%s\"; filename*=UTF-8''%s",
           inline_ ? "inline" : "attachment", plain, enc);
}

typedef struct find_s {
  const reed_server_conf_t *sv;
  char *out;
  size_t size;
  int rc;
} find_t;

static bool
wildcard(const char *addr)
{
  return addr == NULL || addr[0] == '\0' || strcmp(addr, "0.0.0.0") == 0 ||
         strcmp(addr, "::") == 0;
}

static void
on_listener(void *cbud, const char *module, const char *kind, const char *addr,
            unsigned port)
{
  find_t *x = cbud;
  bool tls = strcmp(kind, "ssl") == 0;
  const char *host = wildcard(addr) ? x->sv->name : addr;
  bool v6 = strchr(host, ':') != NULL;
  char portstr[8] = "";

  if (x->rc != REED_ENOTFOUND || strcmp(module, "http") != 0 ||
      strcmp(kind, "unix") == 0)
    return;
  if (port != (tls ? 443u : 80u))
    snprintf(portstr, sizeof(portstr), ":%u", port);
  x->rc =
      (size_t)snprintf(x->out, x->size, "%s://%s%s%s%s", tls ? "https" : "http",
                       v6 ? "[" : "", host, v6 ? "]" : "", portstr) < x->size
          ? 0
          : REED_ETOOBIG;
}

int
reed_files_base_url(const reed_server_conf_t *sv,
                    void (*each_listener)(void *ud, reed_files_listener_cb cb,
                                          void *cbud),
                    void *ud, char *out, size_t size)
{
  find_t x = {.sv = sv, .out = out, .size = size, .rc = REED_ENOTFOUND};
  const char *url = sv->upload.url;

  if (url != NULL) {
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
      n--;
    if (n >= size)
      return REED_ETOOBIG;
    memcpy(out, url, n);
    out[n] = '\0';
    return 0;
  }
  if (each_listener != NULL)
    each_listener(ud, on_listener, &x);
  return x.rc;
}
