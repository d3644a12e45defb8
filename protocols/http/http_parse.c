/* The request-head parser (RFC 9112, sections 2 to 5): a resumable
 * machine over the request line and the header lines, split anywhere.
 * Each line is copied into the head's buffer up to its LF and then
 * checked whole; a line past its bound is refused before its end arrives,
 * so memory stays within REED_HTTP_MAX_LINE + REED_HTTP_MAX_HEADER_BYTES.
 * Strict where leniency has let requests be smuggled: no obs-fold, no
 * space before a header's colon, no bare CR, no control bytes in values;
 * a bare LF ends a line as CRLF does (RFC 9112, 2.2 allows it). */
#include "http_int.h"

#include <string.h>
#include <strings.h>

enum { ST_REQLINE, ST_HEADERS, ST_DONE };

void
reed__http_head_init(reed_http_head_t *h)
{
  memset(h, 0, sizeof(*h));
}

void
reed__http_head_reset(reed_http_head_t *h)
{
  char *buf = h->buf;
  size_t cap = h->cap;

  memset(h, 0, sizeof(*h));
  h->buf = buf;
  h->cap = cap;
}

void
reed__http_head_cleanup(reed_http_head_t *h)
{
  reed_free(h->buf);
  memset(h, 0, sizeof(*h));
}

static bool
is_tchar(uint8_t ch)
{
  if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
      (ch >= 'A' && ch <= 'Z'))
    return true;
  return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* Room for `n` more bytes and a NUL. */
static int
reserve(reed_http_head_t *h, size_t n)
{
  size_t want = h->len + n + 1, cap = h->cap ? h->cap : 256;
  char *p;

  if (want <= h->cap)
    return 0;
  while (cap < want)
    cap *= 2;
  if ((p = reed_realloc(h->buf, cap)) == NULL)
    return REED_ENOMEM;
  h->buf = p;
  h->cap = cap;
  return 0;
}

/* Appends n bytes of the current line, refusing a line past its bound
 * (the CR a line may end with is allowed beyond it). */
static int
take(reed_http_head_t *h, const uint8_t *p, size_t n)
{
  size_t line_len = h->len - h->line + n;

  if (h->state == ST_REQLINE && line_len > REED_HTTP_MAX_LINE + 1)
    return 414;
  if (h->state == ST_HEADERS &&
      h->hdr_bytes + line_len > REED_HTTP_MAX_HEADER_BYTES)
    return 431;
  if (reserve(h, n) != 0)
    return 500;
  memcpy(h->buf + h->len, p, n);
  h->len += n;
  return 0;
}

/* "HTTP/1.1": the minor version, or 400 / 505. */
static int
parse_version(const char *v, int *minor)
{
  if (strlen(v) != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
      v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
    return 400;
  if (v[5] != '1')
    return 505;
  *minor = v[7] - '0';
  return 0;
}

/* method SP request-target SP HTTP-version */
static int
parse_reqline(reed_http_head_t *h, char *s)
{
  char *sp1, *sp2;

  for (sp1 = s; is_tchar((uint8_t)*sp1); sp1++)
    ;
  if (sp1 == s || *sp1 != ' ')
    return 400;
  for (sp2 = sp1 + 1; *sp2 > ' ' && *sp2 < 0x7f; sp2++)
    ;
  if (sp2 == sp1 + 1 || *sp2 != ' ')
    return 400;
  *sp1 = '\0';
  *sp2 = '\0';
  h->method = (uint32_t)(s - h->buf);
  h->target = (uint32_t)(sp1 + 1 - h->buf);
  return parse_version(sp2 + 1, &h->minor);
}

static bool
value_byte_ok(uint8_t ch)
{
  return ch == '\t' || (ch >= ' ' && ch != 0x7f);
}

/* field-name ":" OWS field-value OWS */
static int
parse_header(reed_http_head_t *h, char *s, size_t n)
{
  char *colon, *v, *end = s + n;

  for (colon = s; is_tchar((uint8_t)*colon); colon++)
    ;
  if (colon == s || *colon != ':')
    return 400; /* also obs-fold and a space before the colon */
  if (h->n_headers == REED_HTTP_MAX_HEADERS)
    return 431;
  for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
    ;
  while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  for (char *q = v; q < end; q++)
    if (!value_byte_ok((uint8_t)*q))
      return 400;
  *colon = '\0';
  *end = '\0';
  h->name[h->n_headers] = (uint32_t)(s - h->buf);
  h->value[h->n_headers] = (uint32_t)(v - h->buf);
  h->n_headers++;
  return 0;
}

/* The line buf[line..len) is complete (its LF dropped). */
static int
line_end(reed_http_head_t *h)
{
  char *s = h->buf + h->line;
  size_t n = h->len - h->line;
  int rc;

  if (h->state == ST_HEADERS)
    h->hdr_bytes += n + 1;
  if (n > 0 && s[n - 1] == '\r')
    n--;
  if (memchr(s, '\r', n) != NULL || memchr(s, '\0', n) != NULL)
    return 400;
  s[n] = '\0';
  h->len = h->line + n + 1;
  if (n == 0 && h->state == ST_REQLINE) {
    h->len = h->line; /* empty lines before a request are ignored */
    return HTTP_HEAD_MORE;
  }
  if (n == 0) {
    h->state = ST_DONE;
    return HTTP_HEAD_DONE;
  }
  rc = h->state == ST_REQLINE ? parse_reqline(h, s) : parse_header(h, s, n);
  h->state = ST_HEADERS;
  h->line = h->len;
  return rc;
}

int
reed__http_head_feed(reed_http_head_t *h, const uint8_t *p, size_t len,
                     size_t *used)
{
  size_t i = 0;

  while (i < len && h->state != ST_DONE) {
    const uint8_t *lf = memchr(p + i, '\n', len - i);
    size_t n = lf != NULL ? (size_t)(lf - (p + i)) : len - i;
    int rc = take(h, p + i, n);

    if (rc == 0 && lf != NULL)
      rc = line_end(h);
    i += n + (lf != NULL);
    if (rc != HTTP_HEAD_MORE) {
      *used = i;
      return rc;
    }
  }
  *used = i;
  return h->state == ST_DONE ? HTTP_HEAD_DONE : HTTP_HEAD_MORE;
}

const char *
reed__http_head_get(const reed_http_head_t *h, const char *name)
{
  for (unsigned i = 0; i < h->n_headers; i++)
    if (strcasecmp(HEAD_STR(h, h->name[i]), name) == 0)
      return HEAD_STR(h, h->value[i]);
  return NULL;
}
