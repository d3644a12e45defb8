/* WebSocket through the HTTP core: the opening handshake good and bad,
 * frames split across reads, masking, fragmentation, UTF-8, size limits,
 * ping floods and the close handshake, against a test-only echo route. */
#include "http_fixture.h"

/* RFC 6455's own example key and answer (section 1.3). */
#define ACCEPT "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"

TEST(ws_accept_key)
{
  char out[29];

  ASSERT_EQ(reed__ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out), 0);
  ASSERT_STR_EQ(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  ASSERT_EQ(reed__ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=", out), REED_EINVAL);
  ASSERT_EQ(reed__ws_accept_key("dGhlIHNhbXBsZSBub25jZUFB", out),
            REED_EINVAL); /* 18 bytes */
  ASSERT_EQ(reed__ws_accept_key("", out), REED_EINVAL);
}

static tw_client_t *
open_ws(hx_t *x, const char *extra)
{
  tw_client_t *c = tw_client(x->w, "c");
  const char *out;

  hx_upgrade(c, extra);
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 101);
  return c;
}

/* Sends a masked frame. */
static void
send_frame(tw_client_t *c, uint8_t b0, const void *p, size_t len)
{
  uint8_t buf[70000];

  tw_send_bytes(c, buf, hx_frame(buf, b0, p, len));
}

/* Asserts the output is exactly these server frames. */
static void
expect_bytes(tw_client_t *c, const void *want, size_t want_len)
{
  size_t len;
  const char *out = hx_take(c, &len);

  ASSERT_EQ(len, want_len);
  ASSERT_MEM_EQ(out, want, len);
}

static void
sc_handshake(void *arg)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  REED_UNUSED(arg);
  hx_init(&x);
  c = tw_client(x.w, "c");
  hx_upgrade(c, "Sec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: other, echo.test\r\n"
                "Origin: http://chat.example:8080\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 101);
  ASSERT(strstr(out, "\r\nUpgrade: websocket\r\n") != NULL);
  ASSERT(strstr(out, "\r\nConnection: Upgrade\r\n") != NULL);
  ASSERT(strstr(out, "\r\n" ACCEPT) != NULL);
  ASSERT(strstr(out, "\r\nSec-WebSocket-Protocol: echo.test\r\n") != NULL);
  ASSERT(strstr(out, "Content-Length") == NULL);
  fc_advance(x.w->fc, 3600 * 1000); /* no HTTP timer after the upgrade */
  ASSERT(!c->ft->closed);
  send_frame(c, 0x81, "hi there", 8);
  expect_bytes(c, "\x81\x08hi there", 10);
  send_frame(c, 0x82, "slice:\x00\x01", 8);
  expect_bytes(c, "\x82\x02\x00\x01", 4);
  ASSERT_STR_EQ(hx_log, "message text 8;message binary 8;");
  hx_free(&x);
  ASSERT_STR_EQ(hx_log, "message text 8;message binary 8;free;");
}

TEST(ws_handshake_and_echo)
{
  tw_run_chunked(sc_handshake, NULL);
}

/* Upgrades refused: the route answers 400 (or 403 for the Origin). */
TEST(ws_handshake_refused)
{
  static const struct {
    const char *extra;
    int status;
    const char *header;
  } cases[] = {
      {"Sec-WebSocket-Version: 8\r\n", 400, "Sec-WebSocket-Version: 13\r\n"},
      {"", 400, "Sec-WebSocket-Version: 13\r\n"},
      {"Sec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n", 403,
       NULL},
      {"Sec-WebSocket-Version: 13\r\nOrigin: null\r\n", 403, NULL},
      {"Sec-WebSocket-Version: 13\r\nOrigin: http://chat.example:9090\r\n", 403,
       NULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    hx_t x;
    tw_client_t *c;
    const char *out;

    hx_init(&x);
    c = tw_client(x.w, "c");
    hx_upgrade(c, cases[i].extra);
    out = hx_take(c, NULL);
    if (hx_status(out) != cases[i].status)
      reed__test_fail(__FILE__, __LINE__, "case %zu: %s", i, out);
    if (cases[i].header != NULL)
      ASSERT(strstr(out, cases[i].header) != NULL);
    ASSERT(strstr(out, "Sec-WebSocket-Accept") == NULL);
    hx_free(&x);
  }
}

TEST(ws_handshake_bad_requests)
{
  static const char *const reqs[] = {
      /* no key */
      "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
      /* a key that is not 16 bytes */
      "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: c2hvcnQ=\r\n\r\n",
      /* no Upgrade */
      "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      /* Connection without upgrade */
      "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
      "Connection: keep-alive\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      /* HTTP/1.0 */
      "GET /ws HTTP/1.0\r\nHost: h\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(reqs); i++) {
    hx_t x;
    tw_client_t *c;

    hx_init(&x);
    c = tw_client(x.w, "c");
    tw_send(c, reqs[i]);
    if (hx_status(hx_take(c, NULL)) != 400)
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
    hx_free(&x);
  }
}

/* Origins: none, the Host's own, loopback names by default; a list
 * replaces the loopback default. */
TEST(ws_origins)
{
  static const struct {
    const char *list, *origin;
    int status;
  } cases[] = {
      {NULL, NULL, 101},
      {NULL, "http://chat.example:8080", 101},
      {NULL, "HTTP://CHAT.EXAMPLE:8080", 101},
      {NULL, "http://localhost:3000", 101},
      {NULL, "http://127.0.0.1:3000", 101},
      {NULL, "http://[::1]:3000", 101},
      {NULL, "https://chat.example", 403},
      {"https://app.example", "https://app.example", 101},
      {"https://app.example", "https://app.example.evil", 403},
      {"https://app.example", "http://localhost:3000", 403},
      {"https://app.example", "http://chat.example:8080", 101},
      {"https://a.example, https://b.example", "https://b.example", 101},
      {"*", "https://anything.example", 101},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    hx_t x;
    tw_client_t *c;
    char extra[256];

    hx_init(&x);
    if (cases[i].list != NULL)
      hx_set(&x, "ws_origins", cases[i].list);
    c = tw_client(x.w, "c");
    snprintf(extra, sizeof(extra), "Sec-WebSocket-Version: 13\r\n%s%s%s",
             cases[i].origin ? "Origin: " : "",
             cases[i].origin ? cases[i].origin : "",
             cases[i].origin ? "\r\n" : "");
    hx_upgrade(c, extra);
    if (hx_status(hx_take(c, NULL)) != cases[i].status)
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
    hx_free(&x);
  }
}

/* A fragmented text message with a ping between its frames: the pong
 * goes at once, the message whole at its end. */
static void
sc_fragments(void *arg)
{
  hx_t x;
  tw_client_t *c;

  REED_UNUSED(arg);
  hx_init(&x);
  c = open_ws(&x, NULL);
  send_frame(c, 0x01, "caf", 3);
  send_frame(c, 0x89, "p", 1);
  expect_bytes(c, "\x8a\x01p", 3);
  send_frame(c, 0x00, "\xc3", 1); /* a character split across frames */
  send_frame(c, 0x80, "\xa9!", 2);
  expect_bytes(c,
               "\x81\x06"
               "caf\xc3\xa9!",
               8);
  send_frame(c, 0x8a, "unsolicited", 11); /* a pong is ignored */
  expect_bytes(c, "", 0);
  ASSERT_STR_EQ(hx_log, "message text 6;");
  hx_free(&x);
}

TEST(ws_fragments)
{
  tw_run_chunked(sc_fragments, NULL);
}

/* Frames the client must not send close the connection with a code. */
TEST(ws_protocol_errors)
{
  static const struct {
    uint8_t frames[32];
    size_t len;
    const char *close; /* the close frame expected */
    size_t close_len;
  } cases[] = {
      /* unmasked */
      {{0x81, 0x02, 'h', 'i'}, 4, "\x88\x1a\x03\xea", 4},
      /* a continuation with nothing to continue */
      {{0x80, 0x80, 0, 0, 0, 0}, 6, "\x88\x1a\x03\xea", 4},
      /* a new message inside a fragmented one */
      {{0x01, 0x80, 0, 0, 0, 0, 0x81, 0x80, 0, 0, 0, 0},
       12,
       "\x88\x1a\x03\xea",
       4},
      /* invalid UTF-8 in a text message */
      {{0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28}, 8, "\x88\x21\x03\xef", 4},
      /* a close frame with a one-byte body */
      {{0x88, 0x81, 0, 0, 0, 0, 0x03}, 7, "\x88\x1a\x03\xea", 4},
      /* a close code no one may send */
      {{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xed}, 8, "\x88\x1a\x03\xea", 4},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    hx_t x;
    tw_client_t *c;
    size_t len;
    const char *out;

    hx_init(&x);
    c = open_ws(&x, NULL);
    tw_send_bytes(c, cases[i].frames, cases[i].len);
    out = hx_take(c, &len);
    if (len < 4 || memcmp(out, cases[i].close, cases[i].close_len) != 0)
      reed__test_fail(__FILE__, __LINE__, "case %zu: %zu bytes", i, len);
    ASSERT_EQ(len, 2 + (size_t)(uint8_t)out[1]);
    ASSERT(c->ft->closed);
    ASSERT(strstr(hx_log, "closed ") != NULL);
    hx_free(&x);
  }
}

/* ws_max_message bounds a message, fragments added up: 1009. */
TEST(ws_message_size)
{
  hx_t x;
  tw_client_t *c;
  char big[300];
  size_t len;
  const char *out;

  memset(big, 'x', sizeof(big));
  hx_init(&x);
  hx_set(&x, "ws_max_message", "200");
  c = open_ws(&x, NULL);
  send_frame(c, 0x81, big, 200);
  hx_take(c, &len);
  ASSERT_EQ(len, 4 + 200);
  send_frame(c, 0x01, big, 150);
  send_frame(c, 0x80, big, 51);
  out = hx_take(c, &len);
  ASSERT_MEM_EQ(out, "\x88\x11\x03\xf1", 4);
  ASSERT(c->ft->closed);
  ASSERT_STR_EQ(hx_log, "message text 200;closed message too big;");
  hx_free(&x);
}

/* Pings beyond the bucket (10 at once, one more a second) close with
 * 1008; a patient pinger is fine (and leaves 9 in the bucket). */
TEST(ws_ping_flood)
{
  hx_t x;
  tw_client_t *c;
  size_t len;
  const char *out;

  hx_init(&x);
  c = open_ws(&x, NULL);
  for (int i = 0; i < 30; i++) {
    fc_advance(x.w->fc, 1000);
    send_frame(c, 0x89, "", 0);
  }
  hx_take(c, &len);
  ASSERT_EQ(len, 30 * 2);
  ASSERT(!c->ft->closed);
  for (int i = 0; i < 9; i++)
    send_frame(c, 0x89, "", 0);
  hx_take(c, &len);
  ASSERT_EQ(len, 9 * 2);
  send_frame(c, 0x89, "", 0);
  out = hx_take(c, &len);
  ASSERT_MEM_EQ(out, "\x88\x0c\x03\xf0ping flood", 14);
  ASSERT(c->ft->closed);
  hx_free(&x);
}

/* The client closes: its code is echoed and the connection closed. */
static void
sc_client_close(void *arg)
{
  hx_t x;
  tw_client_t *c;

  REED_UNUSED(arg);
  hx_init(&x);
  c = open_ws(&x, NULL);
  send_frame(c, 0x88,
             "\x03\xe8"
             "done",
             6);
  expect_bytes(c, "\x88\x02\x03\xe8", 4);
  ASSERT(c->ft->closed);
  ASSERT_STR_EQ(hx_log, "closed Connection closed;");
  hx_free(&x);
}

TEST(ws_client_close)
{
  tw_run_chunked(sc_client_close, NULL);
}

/* The route closes: our close frame, then we wait for the client's
 * (and give up after a while). */
TEST(ws_server_close)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = open_ws(&x, NULL);
  send_frame(c, 0x81, "close-me", 8);
  expect_bytes(c,
               "\x88\x05\x03\xe8"
               "bye",
               7);
  ASSERT(!c->ft->closed);
  send_frame(c, 0x81, "late", 4); /* dropped: we are closing */
  send_frame(c, 0x88, "\x03\xe8", 2);
  ASSERT(c->ft->closed);
  expect_bytes(c, "", 0);
  ASSERT_STR_EQ(hx_log, "message text 8;closed Connection closed;");
  tw_drop(c);
  c = open_ws(&x, NULL);
  hx_log[0] = '\0';
  send_frame(c, 0x81, "close-me", 8);
  fc_advance(x.w->fc, 4999);
  ASSERT(!c->ft->closed);
  fc_advance(x.w->fc, 1);
  ASSERT(c->ft->closed);
  ASSERT_STR_EQ(hx_log, "message text 8;closed Connection closed;");
  hx_free(&x);
}

/* A route that pauses reading gets no further message until it resumes. */
TEST(ws_pause)
{
  hx_t x;
  tw_client_t *c;
  uint8_t buf[64];
  size_t n = 0;

  hx_init(&x);
  c = open_ws(&x, NULL);
  n += hx_frame(buf + n, 0x81, "pause", 5);
  n += hx_frame(buf + n, 0x81, "next", 4);
  tw_send_bytes(c, buf, n);
  ASSERT(c->ft->paused);
  ASSERT_STR_EQ(hx_log, "message text 5;");
  const reed_transport_t *t = reed_ws_transport(hx_ws);
  t->pause_reading(t->t, false);
  tw_resume(c);
  ASSERT_STR_EQ(hx_log, "message text 5;message text 4;");
  expect_bytes(c, "\x81\x04next", 6);
  hx_free(&x);
}

/* SIGTERM: the route hears shutdown, and a close 1001 goes out. */
TEST(ws_shutdown_and_eof)
{
  hx_t x;
  tw_client_t *c;

  hx_init(&x);
  c = open_ws(&x, NULL);
  reed_http_module.shutdown(c->core, REED_SHUTDOWN_SERVER);
  expect_bytes(c, "\x88\x16\x03\xe9Server shutting down", 24);
  tw_eof(c, "Connection reset");
  ASSERT_STR_EQ(hx_log, "shutdown 1;closed Connection reset;");
  hx_free(&x);
}
