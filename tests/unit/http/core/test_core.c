/* The HTTP core through the fake transport: keep-alive, pipelining,
 * HEAD, bodies, routes, holds, client addresses and the web files. Each
 * scenario runs whole and at 1, 2, 3 and 7 bytes per read
 * (tw_run_chunked), which must give the same bytes. */
#include "http_fixture.h"

#define GET(path) "GET " path " HTTP/1.1\r\nHost: h\r\n\r\n"

static void
sc_keepalive(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/hello"));
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "\r\nContent-Length: 5\r\n\r\nhello") != NULL);
  ASSERT(strstr(out, "Date: Tue, 14 Nov 2023 22:13:21 GMT\r\n") != NULL);
  ASSERT(strstr(out, "Connection:") == NULL);
  ASSERT(!c->ft->closed);
  tw_send(c, GET("/hello"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  ASSERT(!c->ft->closed);
  hx_free(&x);
}

TEST(core_keepalive)
{
  tw_run_chunked(sc_keepalive, NULL);
}

/* Three requests in one read: three answers, in order. */
static void
sc_pipelined(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out, *a, *b, *d;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/hello") GET("/nothing-here") "POST /echo HTTP/1.1\r\n"
                                                "Host: h\r\nContent-Length: "
                                                "3\r\n\r\nabc" GET("/ip"));
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_count(out, "HTTP/1.1 "), 4);
  a = strstr(out, "HTTP/1.1 200");
  b = strstr(out, "HTTP/1.1 404");
  d = strstr(out, "\r\n\r\nabc");
  ASSERT(a != NULL && b != NULL && d != NULL);
  ASSERT(a < b && b < d && d < strstr(out, "127.0.0.1 loopback"));
  ASSERT(!c->ft->closed);
  hx_free(&x);
}

TEST(core_pipelined)
{
  tw_run_chunked(sc_pipelined, NULL);
}

static void
sc_close(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
             "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_count(out, "HTTP/1.1 "), 1); /* nothing after the close */
  ASSERT(strstr(out, "Connection: close\r\n") != NULL);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

TEST(core_connection_close)
{
  tw_run_chunked(sc_close, NULL);
}

TEST(core_http10)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  hx_init(&x);
  c = tw_client(x.w, "a");
  tw_send(c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "Connection: keep-alive\r\n") != NULL);
  ASSERT(!c->ft->closed);
  tw_send(c, "GET /hello HTTP/1.0\r\n\r\n"); /* no Host needed in 1.0 */
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "Connection: close\r\n") != NULL);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

static void
sc_head(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n" GET("/hello"));
  out = hx_take(c, NULL);
  /* The HEAD answer has GET's length and no body: the next response
   * follows its blank line at once. */
  ASSERT(strstr(out, "Content-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n") != NULL);
  ASSERT(strstr(out, "\r\n\r\nhello") != NULL);
  hx_free(&x);
}

TEST(core_head)
{
  tw_run_chunked(sc_head, NULL);
}

/* 404; 405 names the methods of the path; any method on a NULL row. */
TEST(core_not_found_and_method)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "DELETE /echo HTTP/1.1\r\nHost: h\r\n\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 405);
  ASSERT(strstr(out, "\r\nAllow: POST, PUT\r\n") != NULL);
  /* a body without a route is read and dropped: the connection stays */
  tw_send(c, "POST /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n"
             "abc");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 405);
  ASSERT(strstr(out, "\r\nAllow: GET, HEAD\r\n") != NULL);
  ASSERT(!c->ft->closed);
  tw_send(c, "PATCH /any/thing HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  tw_send(c, GET("/nothing.js"));
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 404);
  /* every response carries the security headers */
  ASSERT(strstr(out, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL);
  ASSERT(strstr(out, "\r\nReferrer-Policy: no-referrer\r\n") != NULL);
  ASSERT(strstr(out, "\r\nContent-Security-Policy: default-src 'none'") !=
         NULL);
  ASSERT(!c->ft->closed);
  tw_send(c, GET("/fail"));
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 500);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

static void
sc_bodies(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 16\r\n\r\n"
             "0123456789abcdef");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "\r\n\r\n0123456789abcdef") != NULL);
  /* Expect: 100-continue gets the interim answer first */
  tw_send(c, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
             "Expect: 100-continue\r\n\r\n");
  ASSERT_STR_EQ(hx_take(c, NULL), "HTTP/1.1 100 Continue\r\n\r\n");
  tw_send(c, "ok");
  ASSERT(strstr(hx_take(c, NULL), "\r\n\r\nok") != NULL);
  /* the route's max_body: 413, and the unread body ends the connection */
  tw_send(c, "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n"
             "0123456789abcdefg");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 413);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

TEST(core_bodies)
{
  tw_run_chunked(sc_bodies, NULL);
}

/* The module's default max_body for a route without its own. */
TEST(core_default_max_body)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  hx_set(&x, "max_body", "10");
  c = tw_client(x.w, "c");
  tw_send(c, "PUT /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n"
             "0123456789");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  tw_send(c, "PUT /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 413);
  hx_free(&x);
}

/* Requests refused for their framing: each answer closes. */
TEST(core_bad_framing)
{
  static const struct {
    const char *req;
    int status;
  } cases[] = {
      {"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
       411},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
       501},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
       "Content-Length: 3\r\n\r\nabc",
       400},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
       "Content-Length: 4\r\n\r\nabc",
       400},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: -3\r\n\r\n", 400},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3x\r\n\r\n", 400},
      {"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", 400},
      {"GET /hello HTTP/1.1\r\n\r\n", 400},
      {"GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET /hello HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n", 417},
      {"GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET /a/../hello HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET /./hello HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET /.. HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET hello HTTP/1.1\r\nHost: h\r\n\r\n", 400},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    hx_t x;
    tw_client_t *c;
    const char *out;

    hx_init(&x);
    c = tw_client(x.w, "c");
    tw_send(c, cases[i].req);
    out = hx_take(c, NULL);
    if (hx_status(out) != cases[i].status)
      reed__test_fail(__FILE__, __LINE__, "case %zu: %s", i, out);
    ASSERT(strstr(out, "Connection: close\r\n") != NULL);
    ASSERT(c->ft->closed);
    hx_free(&x);
  }
}

/* Absolute-form targets and dot-free paths are fine. */
TEST(core_targets)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, "GET http://h/hello?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  tw_send(c, GET("/hello?a=/../b"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  tw_send(c, GET("/any/x..y/.z"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  hx_free(&x);
}

/* A held response pauses reading: the pipelined request after it waits
 * for the release, and answers stay in order. */
static void
sc_hold(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/hold") GET("/hello"));
  ASSERT_STR_EQ(hx_take(c, NULL), "");
  ASSERT(hx_held != NULL);
  ASSERT(c->ft->paused);
  fc_advance(x.w->fc, 60000); /* no timeout while held */
  ASSERT(!c->ft->closed);
  reed_buf_t *b = reed_buf_from("later", 5);
  ASSERT_EQ(reed_http_respond(hx_held, 200, "text/plain", b), 0);
  reed_buf_unref(b);
  reed_http_release(hx_held);
  ASSERT(!c->ft->paused);
  tw_resume(c);
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_count(out, "HTTP/1.1 200"), 2);
  ASSERT(strstr(out, "later") < strstr(out, "hello"));
  hx_free(&x);
}

TEST(core_hold)
{
  tw_run_chunked(sc_hold, NULL);
}

/* The connection goes while held: respond is a no-op, release frees. */
TEST(core_hold_after_close)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/hold"));
  ASSERT(hx_held != NULL);
  tw_eof(c, "Connection closed");
  tw_drop(c);
  ASSERT_EQ(reed_http_error(hx_held, 200, "late"), 0);
  reed_http_release(hx_held);
  hx_free(&x);
}

/* Released without a response: 500. */
TEST(core_hold_no_response)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/hold"));
  reed_http_release(hx_held);
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 500);
  hx_free(&x);
}

static const char *
ip_of(hx_t *x, const char *peer, const char *xff)
{
  static char got[128];
  tw_client_t *c = tw_client(x->w, "c");
  char req[256];
  const char *out;

  reed_strlcpy(c->ft->peer.ip, peer, sizeof(c->ft->peer.ip));
  snprintf(req, sizeof(req), "GET /ip HTTP/1.1\r\nHost: h\r\n%s\r\n", xff);
  tw_send(c, req);
  out = strstr(hx_take(c, NULL), "\r\n\r\n");
  ASSERT(out != NULL);
  reed_strlcpy(got, out + 4, sizeof(got));
  tw_drop(c);
  return got;
}

TEST(core_forwarded_for)
{
  hx_t x;

  hx_init(&x);
  /* no trusted proxy: the header is the client's word, ignored */
  ASSERT_STR_EQ(ip_of(&x, "127.0.0.1", "X-Forwarded-For: 203.0.113.7\r\n"),
                "127.0.0.1 loopback");
  hx_set(&x, "trusted_proxies", "127.0.0.1, 10.0.0.0/8");
  ASSERT_STR_EQ(ip_of(&x, "127.0.0.1", "X-Forwarded-For: 203.0.113.7\r\n"),
                "203.0.113.7 remote");
  ASSERT_STR_EQ(ip_of(&x, "127.0.0.1",
                      "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n"
                      "X-Forwarded-For: 10.1.1.1\r\n"),
                "203.0.113.7 remote");
  /* an untrusted peer's header is ignored however it reads */
  ASSERT_STR_EQ(ip_of(&x, "192.0.2.9", "X-Forwarded-For: 127.0.0.1\r\n"),
                "192.0.2.9 remote");
  ASSERT_STR_EQ(ip_of(&x, "127.0.0.1", ""), "127.0.0.1 loopback");
  hx_free(&x);
}

/* The embedded web client: index.html at /, its ETag and 304. */
TEST(core_web_files)
{
  hx_t x;
  tw_client_t *c;
  const reed_http_file_t *index = NULL;
  char req[256];
  const char *out;

  for (size_t i = 0; i < reed__http_n_files; i++)
    if (strcmp(reed__http_files[i].path, "index.html") == 0)
      index = &reed__http_files[i];
  ASSERT(index != NULL);
  hx_init(&x);
  c = tw_client(x.w, "c");
  tw_send(c, GET("/"));
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "\r\nContent-Type: text/html; charset=utf-8\r\n"));
  ASSERT(strstr(out, "\r\nCache-Control: no-cache\r\n"));
  ASSERT(strstr(out, "\r\nContent-Security-Policy: default-src 'self'; "));
  ASSERT_EQ(hx_count(out, "Content-Security-Policy"), 1);
  ASSERT(strstr(out, index->etag) != NULL);
  ASSERT_MEM_EQ(strstr(out, "\r\n\r\n") + 4, index->data, index->len);
  tw_send(c, GET("/index.html"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 200);
  snprintf(req, sizeof(req),
           "GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\", W/%s\r\n\r\n",
           index->etag);
  tw_send(c, req);
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 304);
  ASSERT(strstr(out, "Content-Length") == NULL);
  ASSERT(strstr(out, "\r\n\r\n")[4] == '\0');
  tw_send(c, GET("/%2e%2e/etc/passwd"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 404);
  tw_send(c, GET("/index.html%00"));
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 404);
  ASSERT(!c->ft->closed);
  hx_free(&x);
}
