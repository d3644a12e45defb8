/* Fuzzes the HTTP request-head parser: the input is fed whole and again
 * split at a point the first byte chooses; both must end the same way
 * (same result; when done, the same bytes taken and the same fields),
 * and every field must lie inside the parser's buffer. */
#include "http_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  int rc;
  size_t used;
} res_t;

static res_t
feed(reed_http_head_t *h, const uint8_t *p, size_t len, size_t cut)
{
  res_t r = {HTTP_HEAD_MORE, 0};
  size_t used = 0;

  r.rc = reed__http_head_feed(h, p, cut, &used);
  r.used = used;
  if (r.rc == HTTP_HEAD_MORE && cut < len) {
    r.rc = reed__http_head_feed(h, p + cut, len - cut, &used);
    r.used += used;
  }
  return r;
}

static void
check_fields(const reed_http_head_t *h)
{
  if (h->method >= h->len || h->target >= h->len || h->n_headers > 64)
    abort();
  for (unsigned i = 0; i < h->n_headers; i++) {
    if (h->name[i] >= h->len || h->value[i] >= h->len)
      abort();
    if (strchr(HEAD_STR(h, h->value[i]), '\r') ||
        strchr(HEAD_STR(h, h->value[i]), '\n'))
      abort();
  }
  if (h->len > REED_HTTP_MAX_LINE + REED_HTTP_MAX_HEADER_BYTES + 8)
    abort();
}

static bool
same_fields(const reed_http_head_t *a, const reed_http_head_t *b)
{
  if (a->n_headers != b->n_headers || a->minor != b->minor ||
      strcmp(HEAD_STR(a, a->method), HEAD_STR(b, b->method)) != 0 ||
      strcmp(HEAD_STR(a, a->target), HEAD_STR(b, b->target)) != 0)
    return false;
  for (unsigned i = 0; i < a->n_headers; i++)
    if (strcmp(HEAD_STR(a, a->name[i]), HEAD_STR(b, b->name[i])) != 0 ||
        strcmp(HEAD_STR(a, a->value[i]), HEAD_STR(b, b->value[i])) != 0)
      return false;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_http_head_t a, b;
  res_t ra, rb;
  size_t cut;

  if (size < 1)
    return 0;
  cut = data[0] % size;
  data++;
  size--;
  if (cut > size)
    cut = size;
  reed__http_head_init(&a);
  reed__http_head_init(&b);
  ra = feed(&a, data, size, size);
  rb = feed(&b, data, size, cut);
  if (ra.rc != rb.rc || ra.used > size || rb.used > size)
    abort();
  if (ra.rc == HTTP_HEAD_DONE) {
    check_fields(&a);
    if (ra.used != rb.used || !same_fields(&a, &b))
      abort();
  }
  reed__http_head_cleanup(&a);
  reed__http_head_cleanup(&b);
  return 0;
}
