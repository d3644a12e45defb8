/* The WebSocket bridge through the HTTP core, with the real route table
 * and a fake host: its inner cores record what they are fed and write
 * what a test tells them, so the bridge's framing is seen byte for byte:
 * IRC lines in (CRLF added) and out (one message per line), the text
 * subprotocol's UTF-8, a CR or LF inside a message, pauses, shutdown and
 * eof; XMPP one message per write; the refusals; XEP-0156's documents. */
#include "http_fixture.h"

#include <stdio.h>

/* ---- A fake host and its inner cores ------------------------------------ */
struct reed_inner_s {
  reed_transport_t tp; /* the bridge's, copied as the real host does */
  char module[16];
  unsigned framing;
  bool pause_next; /* feed pauses after taking what it was given */
};

static reed_inner_t *cur;
static char fed[4096];
static bool refuse_open;

static void
logf_(const char *fmt, ...)
{
  size_t n = strlen(hx_log);
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(hx_log + n, sizeof(hx_log) - n, fmt, ap);
  va_end(ap);
}

static reed_inner_t *
f_open(void *ud, const char *module, const reed_transport_t *t,
       unsigned framing)
{
  reed_inner_t *in;

  REED_UNUSED(ud);
  if (refuse_open)
    return NULL;
  in = reed_calloc(1, sizeof(*in));
  in->tp = *t;
  reed_strlcpy(in->module, module, sizeof(in->module));
  in->framing = framing;
  cur = in;
  logf_("open %s %u %s;", module, framing, t->peer(t->t)->ip);
  return in;
}

static ssize_t
f_feed(reed_inner_t *in, const uint8_t *p, size_t len)
{
  strncat(fed, (const char *)p, len);
  if (in->pause_next) {
    in->pause_next = false;
    in->tp.pause_reading(in->tp.t, true);
  }
  return (ssize_t)len;
}

static void
f_eof(reed_inner_t *in, const char *reason)
{
  REED_UNUSED(in);
  logf_("eof %s;", reason);
}

static void
f_shutdown(reed_inner_t *in, int why)
{
  logf_("shutdown %d;", why);
  in->tp.close(in->tp.t, "bye");
}

static void
f_free(reed_inner_t *in)
{
  logf_("free;");
  if (cur == in)
    cur = NULL;
  reed_free(in);
}

static const reed_inner_ops_t f_ops = {.open = f_open,
                                       .feed = f_feed,
                                       .eof = f_eof,
                                       .shutdown = f_shutdown,
                                       .free = f_free};
static const reed_host_t f_host = {.inner = &f_ops};

/* The world with the real routes and the fake host. */
static void
init(hx_t *x)
{
  memset(x, 0, sizeof(*x));
  hx_log[0] = fed[0] = '\0';
  cur = NULL;
  refuse_open = false;
  for (const reed_directive_t *d = reed_http_module.directives; d->key; d++)
    if (d->def != NULL)
      hx_set(x, d->key, d->def);
  x->w = tw_new(&(tw_opts_t){.module = &reed_http_module, .conf = &x->conf});
  x->w->host = &f_host;
}

/* GET path with a key and `extra` header lines; the status. */
static int
upgrade(tw_client_t *c, const char *path, const char *extra, const char **out)
{
  char req[1024];

  snprintf(req, sizeof(req),
           "GET %s HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\n%s\r\n",
           path, extra);
  tw_send(c, req);
  *out = hx_take(c, NULL);
  return hx_status(*out);
}

static void
send_text(tw_client_t *c, const char *s)
{
  uint8_t buf[2048];

  tw_send_bytes(c, buf, hx_frame(buf, 0x81, s, strlen(s)));
}

/* The inner core writes s through the bridge. */
static int
core_write(const char *s)
{
  reed_buf_t *b = reed_buf_from(s, strlen(s));
  int rc = cur->tp.write(cur->tp.t, b);

  reed_buf_unref(b);
  return rc;
}

/* The server's frames since the last take, as "op:payload|" each. */
static const char *
frames(tw_client_t *c)
{
  static char s[4096];
  size_t len, i = 0;
  const uint8_t *p = (const uint8_t *)hx_take(c, &len);

  s[0] = '\0';
  while (i + 2 <= len) {
    size_t n = p[i + 1] & 0x7f, h = 2;
    if (n == 126) {
      n = (size_t)p[i + 2] << 8 | p[i + 3];
      h = 4;
    }
    ASSERT(i + h + n <= len);
    snprintf(s + strlen(s), sizeof(s) - strlen(s), "%x:", p[i] & 0x0f);
    if ((p[i] & 0x0f) == 8 && n >= 2) {
      snprintf(s + strlen(s), sizeof(s) - strlen(s), "%u ",
               (unsigned)p[i + h] << 8 | p[i + h + 1]);
      strncat(s, (const char *)p + i + h + 2, n - 2);
    } else {
      strncat(s, (const char *)p + i + h, n);
    }
    strcat(s, "|");
    i += h + n;
  }
  ASSERT_EQ(i, len);
  return s;
}

TEST(irc_lines_both_ways)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  ASSERT_EQ(upgrade(c, "/irc",
                    "Sec-WebSocket-Protocol: binary.ircv3.net, "
                    "text.ircv3.net\r\nX-Forwarded-For: 203.0.113.9\r\n",
                    &out),
            101);
  ASSERT(strstr(out, "Sec-WebSocket-Protocol: binary.ircv3.net\r\n"));
  /* The real address: no trusted proxy, so the peer's. */
  ASSERT_STR_EQ(hx_log, "open irc 1 127.0.0.1;");
  send_text(c, "NICK a");
  send_text(c, "USER a 0 * :a\r\n"); /* a legacy trailing CRLF */
  ASSERT_STR_EQ(fed, "NICK a\r\nUSER a 0 * :a\r\n");
  ASSERT_EQ(core_write(":s 001 a :hi\r\n:s 002 a :x\r\npart"), 0);
  ASSERT_EQ(core_write("ial\r\n"), 0);
  ASSERT_STR_EQ(frames(c), "2::s 001 a :hi|2::s 002 a :x|2:partial|");
  tw_eof(c, "Connection closed");
  tw_drop(c);
  ASSERT_STR_EQ(hx_log, "open irc 1 127.0.0.1;eof Connection closed;free;");
  hx_free(&x);
}

TEST(irc_text_is_utf8)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  /* No subprotocol: text, as legacy clients expect. */
  ASSERT_EQ(upgrade(c, "/irc", "", &out), 101);
  ASSERT(strstr(out, "Sec-WebSocket-Protocol") == NULL);
  ASSERT_EQ(core_write("bad \xff byte\r\ncaf\xc3\xa9\r\n"), 0);
  ASSERT_STR_EQ(frames(c), "1:bad \xef\xbf\xbd byte|1:caf\xc3\xa9|");
  hx_free(&x);
}

TEST(irc_crlf_inside_refused)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  ASSERT_EQ(
      upgrade(c, "/irc", "Sec-WebSocket-Protocol: text.ircv3.net\r\n", &out),
      101);
  send_text(c, "PING :a\r\nPRIVMSG #x :smuggled");
  ASSERT_STR_EQ(fed, "");
  ASSERT_STR_EQ(frames(c), "1:ERROR :Closing link: a WebSocket message must "
                           "be one IRC line|8:1008 CR or LF inside a message|");
  ASSERT_STR_EQ(
      hx_log, "open irc 1 127.0.0.1;eof CR or LF inside a WebSocket message;");
  /* The core is told once; what follows is not fed. */
  send_text(c, "PING :b");
  ASSERT_STR_EQ(fed, "");
  tw_drop(c);
  ASSERT_STR_EQ(hx_log, "open irc 1 127.0.0.1;eof CR or LF inside a "
                        "WebSocket message;free;");
  hx_free(&x);
}

/* A core that pauses gets nothing more until it resumes; then what it
 * left is fed from the clock, and the WebSocket reads again. */
TEST(irc_pause_holds_messages)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  ASSERT_EQ(upgrade(c, "/irc", "", &out), 101);
  cur->pause_next = true;
  send_text(c, "ONE");
  ASSERT_STR_EQ(fed, "ONE\r\n");
  send_text(c, "TWO");
  ASSERT_STR_EQ(fed, "ONE\r\n");
  cur->tp.pause_reading(cur->tp.t, false);
  ASSERT_STR_EQ(fed, "ONE\r\n"); /* not inside the core's own call */
  fc_advance(x.w->fc, 0);
  tw_resume(c);
  ASSERT_STR_EQ(fed, "ONE\r\nTWO\r\n");
  send_text(c, "THREE");
  ASSERT_STR_EQ(fed, "ONE\r\nTWO\r\nTHREE\r\n");
  hx_free(&x);
}

TEST(irc_shutdown_and_eof)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  ASSERT_EQ(upgrade(c, "/irc", "", &out), 101);
  reed_http_module.shutdown(c->core, REED_SHUTDOWN_SERVER);
  /* The core closed itself (its goodbye): no eof for it. */
  ASSERT_STR_EQ(frames(c), "8:1000 bye|");
  ASSERT_EQ(core_write("late\r\n"), REED_ECLOSED);
  tw_drop(c);
  ASSERT_STR_EQ(hx_log, "open irc 1 127.0.0.1;shutdown 1;free;");
  hx_free(&x);
}

TEST(not_served_is_503)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  refuse_open = true;
  ASSERT_EQ(upgrade(c, "/irc", "", &out), 503);
  refuse_open = false;
  /* A bad Origin: the core opened is freed, 403. */
  c = tw_client(x.w, "d");
  ASSERT_EQ(upgrade(c, "/irc", "Origin: http://evil.example\r\n", &out), 403);
  ASSERT_STR_EQ(hx_log, "open irc 1 127.0.0.1;free;");
  hx_free(&x);
}

TEST(xmpp_one_message_per_write)
{
  hx_t x;
  tw_client_t *c;
  const char *out;
  reed_buf_t *b;

  init(&x);
  c = tw_client(x.w, "c");
  ASSERT_EQ(upgrade(c, "/xmpp-websocket", "", &out), 400);
  ASSERT_STR_EQ(hx_log, "");
  c = tw_client(x.w, "d");
  ASSERT_EQ(
      upgrade(c, "/xmpp-websocket", "Sec-WebSocket-Protocol: xmpp\r\n", &out),
      101);
  ASSERT(strstr(out, "Sec-WebSocket-Protocol: xmpp\r\n"));
  ASSERT_STR_EQ(hx_log, "open xmpp 1 127.0.0.1;");
  send_text(c, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  ASSERT_STR_EQ(fed, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
  ASSERT_EQ(core_write("<a/>"), 0);
  b = reed_buf_from(" from='x'/>", 11);
  ASSERT_EQ(cur->tp.write2(cur->tp.t, "<message to='y'", 15, b), 0);
  reed_buf_unref(b);
  ASSERT_STR_EQ(frames(c), "1:<a/>|1:<message to='y' from='x'/>|");
  hx_free(&x);
}

TEST(host_meta)
{
  hx_t x;
  tw_client_t *c;
  const char *out;

  init(&x);
  c = tw_client(x.w, "c");
  tw_send(c,
          "GET /.well-known/host-meta HTTP/1.1\r\nHost: chat.example\r\n\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "Content-Type: application/xrd+xml"));
  ASSERT(strstr(out, "Access-Control-Allow-Origin: *\r\n"));
  ASSERT(strstr(out, "<Link rel='urn:xmpp:alt-connections:websocket' "
                     "href='ws://chat.example/xmpp-websocket'/>"));
  tw_send(c, "GET /.well-known/host-meta.json HTTP/1.1\r\n"
             "Host: [::1]:8080\r\n\r\n");
  out = hx_take(c, NULL);
  ASSERT_EQ(hx_status(out), 200);
  ASSERT(strstr(out, "{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:"
                     "websocket\",\"href\":\"ws://[::1]:8080/xmpp-websocket\""
                     "}]}"));
  tw_send(c, "GET /.well-known/host-meta HTTP/1.1\r\nHost: a'b\r\n\r\n");
  ASSERT_EQ(hx_status(hx_take(c, NULL)), 400);
  hx_free(&x);
}
