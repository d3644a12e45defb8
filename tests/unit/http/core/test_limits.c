/* The HTTP core's bounds: oversized and malformed requests, and the
 * header and keep-alive timeouts on the fake clock. */
#include "http_fixture.h"

#include <stdio.h>

static void
expect_refused(const char *req, size_t len, int status)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send_bytes(c, req, len);
  out = hx_take(c, NULL);
  if (hx_status(out) != status)
    reed__test_fail(__FILE__, __LINE__, "want %d: %.200s", status, out);
  ASSERT(strstr(out, "Connection: close\r\n") != NULL);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

TEST(limits_request_line)
{
  size_t n = REED_HTTP_MAX_LINE + 100;
  char *req = malloc(n + 64);

  memcpy(req, "GET /", 5);
  memset(req + 5, 'a', n);
  memcpy(req + 5 + n, " HTTP/1.1\r\nHost: h\r\n\r\n", 22);
  expect_refused(req, 5 + n + 22, 414);
  free(req);
}

TEST(limits_headers)
{
  char *req = malloc(64 * 1024);
  size_t n = (size_t)sprintf(req, "GET /hello HTTP/1.1\r\nHost: h\r\n");

  for (int i = 0; i < REED_HTTP_MAX_HEADERS; i++)
    n += (size_t)sprintf(req + n, "X-%d: y\r\n", i);
  n += (size_t)sprintf(req + n, "\r\n");
  expect_refused(req, n, 431); /* 65 with Host */
  n = (size_t)sprintf(req, "GET /hello HTTP/1.1\r\nHost: h\r\nX: ");
  memset(req + n, 'v', REED_HTTP_MAX_HEADER_BYTES);
  n += REED_HTTP_MAX_HEADER_BYTES;
  n += (size_t)sprintf(req + n, "\r\n\r\n");
  expect_refused(req, n, 431);
  free(req);
}

TEST(limits_malformed)
{
  static const char *const reqs[] = {
      "GET /hello HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost : h\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
      "GET\t/hello HTTP/1.1\r\n\r\n",
      "\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n", /* TLS */
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(reqs); i++)
    expect_refused(reqs[i], strlen(reqs[i]), 400);
  expect_refused("GET / HTTP/2.0\r\n\r\n", 18, 505);
}

/* A head that does not arrive within header_timeout: 408, closed. */
TEST(limits_header_timeout)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "GET /hello HTTP/1.1\r\nHo");
  fc_advance(x.w->fc, 9999);
  ASSERT(!c->ft->closed);
  fc_advance(x.w->fc, 1);
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 408);
  ASSERT(c->ft->closed);
  /* The first head is timed from the connection's start. */
  c = tw_client(x.w, "slow");
  fc_advance(x.w->fc, 6000);
  tw_send(c, "GET /hello HTTP/1.1\r\nHo");
  fc_advance(x.w->fc, 4000);
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 408);
  /* A later one from its own first byte. */
  c = tw_client(x.w, "later");
  tw_send(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  fc_advance(x.w->fc, 30000);
  tw_send(c, "GET /hello HTTP/1.1\r\nHo");
  fc_advance(x.w->fc, 9999);
  ASSERT(!c->ft->closed);
  fc_advance(x.w->fc, 1);
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 408);
  hx_free(&x);
}

/* A body that stops arriving for header_timeout: 408 (the clock restarts
 * with each piece that comes). */
TEST(limits_body_timeout)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nab");
  fc_advance(x.w->fc, 8000);
  tw_send(c, "cd");
  fc_advance(x.w->fc, 8000);
  ASSERT(!c->ft->closed);
  fc_advance(x.w->fc, 2000);
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 408);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

/* Between requests the keep-alive timeout runs; a connection that never
 * says anything is dropped after header_timeout. Both close silently. */
TEST(limits_idle_timeouts)
{
  hx_t x;
  tw_client_t *c, *quiet;

  hx_init(&x);
  hx_set(&x, "keepalive_timeout", "30s");
  c = tw_client(x.w, "c");
  quiet = tw_client(x.w, "quiet");
  tw_send(c, "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  fc_advance(x.w->fc, 10000);
  ASSERT(quiet->ft->closed);
  ASSERT_STR_EQ(quiet->ft->close_reason, "idle timeout");
  ASSERT_STR_EQ(hx_take(quiet, NULL), "");
  ASSERT(!c->ft->closed);
  fc_advance(x.w->fc, 20000);
  ASSERT(c->ft->closed);
  ASSERT_STR_EQ(c->ft->close_reason, "idle timeout");
  ASSERT_STR_EQ(hx_take(c, NULL), "");
  hx_free(&x);
}

/* SIGTERM closes an idle connection. */
TEST(limits_shutdown)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  reed_http_module.shutdown(c->core, REED_SHUTDOWN_SERVER);
  ASSERT(c->ft->closed);
  hx_free(&x);
}
