/* The request-head parser, table-driven: every case is fed whole, split
 * in two at every byte, and one byte at a time, and must give the same
 * result each way (the feed contract). */
#include "harness.h"
#include "http_int.h"

#include <stdio.h>

typedef struct {
  int rc;
  size_t used;
  char what[1024]; /* "METHOD TARGET minor|name=value|..." when done */
} outcome_t;

static void
summarize(const reed_http_head_t *h, outcome_t *o)
{
  size_t n;

  o->what[0] = '\0';
  if (o->rc != HTTP_HEAD_DONE)
    return;
  n = (size_t)snprintf(o->what, sizeof(o->what), "%s %s %d",
                       HEAD_STR(h, h->method), HEAD_STR(h, h->target),
                       h->minor);
  for (unsigned i = 0; i < h->n_headers && n < sizeof(o->what); i++)
    n += (size_t)snprintf(o->what + n, sizeof(o->what) - n, "|%s=%s",
                          HEAD_STR(h, h->name[i]), HEAD_STR(h, h->value[i]));
}

/* Feeds `in` in the pieces ending at each of cuts[] (the last is len). */
static void
run(const uint8_t *in, const size_t *cuts, size_t n_cuts, outcome_t *o)
{
  reed_http_head_t h;
  size_t at = 0;

  reed__http_head_init(&h);
  o->rc = HTTP_HEAD_MORE;
  o->used = 0;
  for (size_t i = 0; i < n_cuts && o->rc == HTTP_HEAD_MORE; i++) {
    size_t used = 0;
    o->rc = reed__http_head_feed(&h, in + at, cuts[i] - at, &used);
    o->used += used;
    at = cuts[i];
  }
  summarize(&h, o);
  reed__http_head_cleanup(&h);
}

static void
check_splits(const uint8_t *in, size_t len, const outcome_t *whole)
{
  size_t cuts[2];
  size_t *bytes = malloc((len + 1) * sizeof(*bytes));
  outcome_t o;

  for (size_t k = 0; k <= len; k++) {
    cuts[0] = k;
    cuts[1] = len;
    run(in, cuts, 2, &o);
    if (o.rc != whole->rc || strcmp(o.what, whole->what) != 0 ||
        (o.rc <= HTTP_HEAD_DONE && o.used != whole->used))
      reed__test_fail(__FILE__, __LINE__, "split at %zu: rc %d used %zu %s", k,
                      o.rc, o.used, o.what);
  }
  for (size_t k = 0; k < len; k++)
    bytes[k] = k + 1;
  run(in, bytes, len, &o);
  ASSERT_EQ(o.rc, whole->rc);
  if (o.rc <= HTTP_HEAD_DONE) /* an error's count is the connection's end */
    ASSERT_EQ(o.used, whole->used);
  ASSERT_STR_EQ(o.what, whole->what);
  free(bytes);
}

static const struct {
  const char *in;
  size_t len; /* 0: strlen(in) */
  int rc;
  const char *what; /* when done */
  size_t left;      /* bytes after the head */
} cases[] = {
    {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 1, "GET / 1|Host=a", 0},
    {"GET /x?y=1 HTTP/1.0\nHost: a\n\n", 0, 1, "GET /x?y=1 0|Host=a", 0},
    {"\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0, 1, "GET / 1", 0},
    {"GET / HTTP/1.1\r\nX-A:  b c \t\r\n\r\n", 0, 1, "GET / 1|X-A=b c", 0},
    {"GET / HTTP/1.1\r\nX-A:\r\nX-B: \r\n\r\n", 0, 1, "GET / 1|X-A=|X-B=", 0},
    {"GET / HTTP/1.1\r\nA: b\tc\r\n\r\n", 0, 1, "GET / 1|A=b\tc", 0},
    {"GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n", 0, 1, "GET / 1|A=caf\xc3\xa9",
     0},
    {"GET / HTTP/1.2\r\n\r\n", 0, 1, "GET / 2", 0},
    {"PUT /u HTTP/1.1\r\nContent-Length: 4\r\n\r\nBODY", 0, 1,
     "PUT /u 1|Content-Length=4", 4},
    {"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0, 1, "GET / 1", 18},
    {"M-._~!#$%&'*+^`|9 * HTTP/1.1\r\n\r\n", 0, 1, "M-._~!#$%&'*+^`|9 * 1", 0},
    /* incomplete */
    {"GET / HTTP/1.1\r\nHost: a\r\n", 0, 0, NULL, 0},
    {"GET / HTTP/1.1\r\nHost: a\r\n\r", 0, 0, NULL, 0},
    {"", 0, 0, NULL, 0},
    /* refused */
    {"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 0, 400, NULL, 0}, /* obs-fold */
    {"GET / HTTP/1.1\r\nA : b\r\n\r\n", 0, 400, NULL, 0},      /* space */
    {"GET / HTTP/1.1\r\n: b\r\n\r\n", 0, 400, NULL, 0},        /* no name */
    {"GET / HTTP/1.1\r\nA b\r\n\r\n", 0, 400, NULL, 0},        /* no colon */
    {"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 0, 400, NULL, 0},    /* bare CR */
    {"GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 0, 400, NULL, 0},   /* CTL */
    {"GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", 0, 400, NULL, 0},   /* DEL */
    {"GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 26, 400, NULL, 0},   /* NUL */
    {"GET / HTTP/1.1\r\nA\x01: b\r\n\r\n", 0, 400, NULL, 0},   /* name */
    {"GET / HTTP/2.0\r\n\r\n", 0, 505, NULL, 0},
    {"GET / HTTP/1.1x\r\n\r\n", 0, 400, NULL, 0},
    {"GET / http/1.1\r\n\r\n", 0, 400, NULL, 0},
    {"GET / HTTP/11\r\n\r\n", 0, 400, NULL, 0},
    {"GET  / HTTP/1.1\r\n\r\n", 0, 400, NULL, 0},
    {"GET / HTTP/1.1 \r\n\r\n", 0, 400, NULL, 0},
    {"GET /\r\n\r\n", 0, 400, NULL, 0},
    {"GET\r\n\r\n", 0, 400, NULL, 0},
    {"G(T / HTTP/1.1\r\n\r\n", 0, 400, NULL, 0},
    {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", 0, 400, NULL, 0},
    {"GET /\r HTTP/1.1\r\n\r\n", 0, 400, NULL, 0},
    {"GET / HTTP/1.1\r\r\n\r\n", 0, 400, NULL, 0},
    {" GET / HTTP/1.1\r\n\r\n", 0, 400, NULL, 0},
};

TEST(parse_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    const uint8_t *in = (const uint8_t *)cases[i].in;
    size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
    size_t cut = len;
    outcome_t o;

    run(in, &cut, 1, &o);
    if (o.rc != cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu: rc %d, want %d", i, o.rc,
                      cases[i].rc);
    if (cases[i].rc == HTTP_HEAD_DONE) {
      ASSERT_STR_EQ(o.what, cases[i].what);
      ASSERT_EQ(o.used, len - cases[i].left);
    }
    if (cases[i].rc == HTTP_HEAD_MORE)
      ASSERT_EQ(o.used, len);
    check_splits(in, len, &o);
  }
}

/* A request line of exactly the limit is read; one byte more is 414,
 * refused before its end arrives. */
TEST(parse_request_line_limit)
{
  size_t n = REED_HTTP_MAX_LINE;
  char *s = malloc(n + 64);
  outcome_t o;
  size_t cut;

  memcpy(s, "GET /", 5);
  memset(s + 5, 'a', n - 5 - 9);
  memcpy(s + n - 9, " HTTP/1.1\r\n\r\n", 13);
  cut = n + 4;
  run((uint8_t *)s, &cut, 1, &o);
  ASSERT_EQ(o.rc, HTTP_HEAD_DONE);
  memset(s + 5, 'a', n - 4);
  cut = n + 1; /* no LF yet: refused all the same */
  run((uint8_t *)s, &cut, 1, &o);
  ASSERT_EQ(o.rc, 414);
  check_splits((uint8_t *)s, cut, &o);
  free(s);
}

static char *
with_headers(size_t count, size_t value_len, size_t *len)
{
  char *s = malloc(64 + count * (value_len + 16));
  size_t n = (size_t)sprintf(s, "GET / HTTP/1.1\r\n");

  for (size_t i = 0; i < count; i++) {
    n += (size_t)sprintf(s + n, "H%03zu: ", i);
    memset(s + n, 'v', value_len);
    n += value_len;
    n += (size_t)sprintf(s + n, "\r\n");
  }
  n += (size_t)sprintf(s + n, "\r\n");
  *len = n;
  return s;
}

TEST(parse_header_count_limit)
{
  size_t len;
  char *s = with_headers(REED_HTTP_MAX_HEADERS, 1, &len);
  outcome_t o;

  run((uint8_t *)s, &len, 1, &o);
  ASSERT_EQ(o.rc, HTTP_HEAD_DONE);
  free(s);
  s = with_headers(REED_HTTP_MAX_HEADERS + 1, 1, &len);
  run((uint8_t *)s, &len, 1, &o);
  ASSERT_EQ(o.rc, 431);
  free(s);
}

/* Header lines (with their CRLF and the empty line) of exactly 16 KiB are
 * read; a byte more is 431. */
static char *
one_header(size_t value_len, size_t *len)
{
  char *s = malloc(value_len + 64);
  size_t n = (size_t)sprintf(s, "GET / HTTP/1.1\r\nX: ");

  memset(s + n, 'v', value_len);
  n += value_len;
  n += (size_t)sprintf(s + n, "\r\n\r\n");
  *len = n;
  return s;
}

TEST(parse_header_bytes_limit)
{
  /* "X: " + value + CRLF, then the empty line's CRLF */
  size_t v = REED_HTTP_MAX_HEADER_BYTES - 7, len;
  char *s = one_header(v, &len);
  outcome_t o;

  ASSERT_EQ(len - 16, (size_t)REED_HTTP_MAX_HEADER_BYTES);
  run((uint8_t *)s, &len, 1, &o);
  ASSERT_EQ(o.rc, HTTP_HEAD_DONE);
  free(s);
  s = one_header(v + 1, &len);
  run((uint8_t *)s, &len, 1, &o);
  ASSERT_EQ(o.rc, 431);
  check_splits((uint8_t *)s, len, &o);
  free(s);
}

TEST(parse_header_lookup)
{
  static const char in[] = "GET / HTTP/1.1\r\nHost: a\r\nx-forwarded-for: "
                           "1.2.3.4\r\nHOST: b\r\n\r\n";
  reed_http_head_t h;
  size_t used;

  reed__http_head_init(&h);
  ASSERT_EQ(reed__http_head_feed(&h, (const uint8_t *)in, strlen(in), &used),
            HTTP_HEAD_DONE);
  ASSERT_STR_EQ(reed__http_head_get(&h, "host"), "a");
  ASSERT_STR_EQ(reed__http_head_get(&h, "X-Forwarded-For"), "1.2.3.4");
  ASSERT(reed__http_head_get(&h, "Origin") == NULL);
  reed__http_head_cleanup(&h);
  ASSERT_EQ(reed_alloc_live(), 0);
}
