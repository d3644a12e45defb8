/* XMPP over WebSocket (RFC 7395, env->framing = REED_FRAMING_WEBSOCKET):
 * <open/> and <close/> for the stream's ends, each write one message (the
 * fake transport ends each with "\n" here), stanzas and stream elements
 * carrying their namespaces, a loopback or TLS peer counting as
 * encryption, no STARTTLS; logins fed whole and at every chunk size. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <string.h>

#define FR_NS "xmlns='urn:ietf:params:xml:ns:xmpp-framing'"
#define C_OPEN "<open " FR_NS " to='reed.test' version='1.0'/>"
#define CLOSE "<close " FR_NS "/>"
#define SF_DECL " xmlns:stream='" NS_STREAMS "'"

/* Our <open/> of the n-th stream. */
static const char *
ws_hdr(char *buf, size_t size, unsigned n)
{
  snprintf(buf, size,
           "<open " FR_NS " id='18bcfe56be8-%x' from='reed.test' "
           "version='1.0' xml:lang='en'/>",
           n);
  return buf;
}

/* TCP's features with the stream prefix declared on them. */
static const char *
ws_features(char *buf, size_t size, const char *tcp)
{
  const char *tag = "<stream:features";

  ASSERT(strncmp(tcp, tag, strlen(tag)) == 0);
  snprintf(buf, size, "%s%s%s", tag, SF_DECL, tcp + strlen(tag));
  return buf;
}

static tw_client_t *
ws_client(xw_t *w, const char *name, const char *ip, bool tls)
{
  tw_client_t *c;

  w->tw.framing = REED_FRAMING_WEBSOCKET;
  c = xw_client(w, name, tls);
  reed_strlcpy(c->ft->peer.ip, ip, sizeof(c->ft->peer.ip));
  c->ft->sep = "\n";
  return c;
}

/* <open/>, PLAIN, <open/> again, bind; *n counts the world's streams. */
static void
ws_login(xw_t *w, tw_client_t *c, const char *user, unsigned *n)
{
  char h[256], f[1024], want[2048], b64[128], in[512];

  REED_UNUSED(w);
  tw_send(c, C_OPEN);
  snprintf(want, sizeof(want), "%s\n%s\n", ws_hdr(h, sizeof(h), ++*n),
           ws_features(f, sizeof(f), F_SASL));
  XW_EXPECT(c, want);
  xw_plain(user, "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in), "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, in);
  XW_EXPECT(c, "<success " SASL_NS "/>\n");
  tw_send(c, C_OPEN);
  snprintf(want, sizeof(want), "%s\n%s\n", ws_hdr(h, sizeof(h), ++*n),
           ws_features(f, sizeof(f), xw_f_bind()));
  XW_EXPECT(c, want);
  tw_send(c, "<iq xmlns='jabber:client' type='set' id='b1'><bind " BIND_NS
             "><resource>web</resource></bind></iq>");
  snprintf(want, sizeof(want),
           "<iq xmlns='jabber:client' to='%s@reed.test/web' type='result' "
           "id='b1'><bind " BIND_NS "><jid>%s@reed.test/web</jid></bind>"
           "</iq>\n",
           user, user);
  XW_EXPECT(c, want);
}

static void
s_ws_login(void *arg)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  REED_UNUSED(arg);
  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "a", "127.0.0.1", false);
  ws_login(&w, c, "alice", &n);
  ASSERT_EQ(c->ft->tls_requests, 0);
  /* A stanza without xmlns is jabber:client too (the primed stream's). */
  tw_send(c, "<iq type='get' id='p1' to='reed.test'><ping "
             "xmlns='urn:xmpp:ping'/></iq>");
  XW_EXPECT(c, "<iq xmlns='jabber:client' to='alice@reed.test/web' "
               "from='reed.test' type='result' id='p1'/>\n");
  tw_send(c, CLOSE);
  XW_EXPECT(c, CLOSE "\n");
  ASSERT(c->ft->closed);
  ASSERT(xw_session(c) == NULL);
  xw_free(&w);
}

TEST(ws_login_every_split)
{
  tw_run_chunked(s_ws_login, NULL);
}

/* The WebSocket's own TLS is encryption; a plain one from elsewhere is
 * not, and STARTTLS is never offered over it: require_tls refuses. */
TEST(ws_require_tls)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;
  char h[256], want[1024];

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "tls", "192.0.2.7", true);
  ws_login(&w, c, "alice", &n);
  tw_drop(c);
  c = ws_client(&w, "plain", "192.0.2.7", false);
  tw_send(c, C_OPEN);
  snprintf(want, sizeof(want),
           "%s\n<stream:features" SF_DECL "></stream:features>\n",
           ws_hdr(h, sizeof(h), ++n));
  XW_EXPECT(c, want);
  tw_send(c, "<auth " SASL_NS " mechanism='PLAIN'>AGEAYg==</auth>");
  XW_EXPECT(c, "<stream:error" SF_DECL "><policy-violation " SE_NS
               "/><text " SE_NS ">STARTTLS is required</text></stream:error>"
               "\n" CLOSE "\n");
  ASSERT(c->ft->closed);
  ASSERT_EQ(c->ft->tls_requests, 0);
  xw_free(&w);
}

/* What is not a stream's start is an error after our <open/>; each
 * error and its <close/> are two messages. */
TEST(ws_stream_errors)
{
  static const struct {
    const char *in, *cond;
  } rows[] = {
      {"<iq type='get' id='1'/>", "bad-format"},
      {"<open " FR_NS " to='elsewhere.test' version='1.0'/>", "host-unknown"},
      {"<open " FR_NS " to='reed.test'/>", "unsupported-version"},
      {"<open " FR_NS " to='reed.test' version='1.0'/><open " FR_NS
       " to='reed.test' version='1.0'/>",
       "bad-format"},
      {"<iq type='get' id='1'></message>", "not-well-formed"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    xw_t w;
    tw_client_t *c;
    char h[256];
    const char *out, *err, *close;

    xw_init(&w, false);
    c = ws_client(&w, "a", "127.0.0.1", false);
    tw_send(c, rows[i].in);
    out = tw_take(c);
    ws_hdr(h, sizeof(h), 1);
    ASSERT(strncmp(out, h, strlen(h)) == 0 && out[strlen(h)] == '\n');
    err = strstr(out, "<stream:error" SF_DECL "><");
    ASSERT(err != NULL);
    ASSERT(strncmp(err + strlen("<stream:error" SF_DECL "><"), rows[i].cond,
                   strlen(rows[i].cond)) == 0);
    close = strstr(err, "</stream:error>\n" CLOSE "\n");
    ASSERT(close != NULL);
    ASSERT_STR_EQ(close + strlen("</stream:error>\n" CLOSE "\n"), "");
    ASSERT(c->ft->closed);
    xw_free(&w);
  }
}

/* A write of several top-level elements leaves as one message each, with
 * jabber:client declared; write2's head takes the declaration (the shared
 * body is not copied). */
TEST(ws_one_message_per_element)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;
  reed_buf_t *b;
  size_t writes, writes2;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "a", "::1", false);
  ws_login(&w, c, "alice", &n);
  b = reed_buf_from("<presence from='x@reed.test/r'/> <message from='y' "
                    "type='chat'><body>a &lt;b/&gt;</body></message>"
                    "<iq xmlns='jabber:client' type='get' id='q'/>",
                    strlen("<presence from='x@reed.test/r'/> <message "
                           "from='y' type='chat'><body>a &lt;b/&gt;</body>"
                           "</message><iq xmlns='jabber:client' type='get' "
                           "id='q'/>"));
  ASSERT(b != NULL);
  writes = c->ft->writes;
  reed__xmpp_transport_write(c->core, NULL, 0, b);
  reed_buf_unref(b);
  XW_EXPECT(c, "<presence xmlns='jabber:client' from='x@reed.test/r'/>\n"
               "<message xmlns='jabber:client' from='y' type='chat'><body>a "
               "&lt;b/&gt;</body></message>\n"
               "<iq xmlns='jabber:client' type='get' id='q'/>\n");
  ASSERT_EQ(c->ft->writes - writes, 3);
  b = reed_buf_from(" from='r@conference.reed.test/n' type='groupchat'>"
                    "<body>hi</body></message>",
                    strlen(" from='r@conference.reed.test/n' "
                           "type='groupchat'><body>hi</body></message>"));
  writes2 = c->ft->writes2;
  reed__xmpp_write2(c->core, "<message to='alice@reed.test/web'",
                    strlen("<message to='alice@reed.test/web'"), b);
  reed_buf_unref(b);
  XW_EXPECT(c, "<message xmlns='jabber:client' to='alice@reed.test/web' "
               "from='r@conference.reed.test/n' type='groupchat'><body>hi"
               "</body></message>\n");
  ASSERT_EQ(c->ft->writes2 - writes2, 1);
  xw_free(&w);
}

/* SIGTERM: the error and <close/>, two messages. */
TEST(ws_shutdown)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "a", "127.0.0.1", false);
  ws_login(&w, c, "alice", &n);
  reed_xmpp_module.shutdown(c->core, REED_SHUTDOWN_SERVER);
  XW_EXPECT(c, "<stream:error" SF_DECL "><system-shutdown " SE_NS
               "/><text " SE_NS ">Server shutting down</text></stream:error>"
               "\n" CLOSE "\n");
  ASSERT(c->ft->closed);
  xw_free(&w);
}

/* No whitespace between messages: the keepalive is an XEP-0199 ping. */
TEST(ws_keepalive_is_a_ping)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;
  const char *out;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "a", "127.0.0.1", false);
  ws_login(&w, c, "alice", &n);
  fc_advance(w.tw.fc, 120000);
  out = tw_take(c);
  ASSERT(strncmp(out,
                 "<iq xmlns='jabber:client' to='alice@reed.test/web' "
                 "from='reed.test' type='get' id='",
                 strlen("<iq xmlns='jabber:client' to='alice@reed.test/web' "
                        "from='reed.test' type='get' id='")) == 0);
  ASSERT(strstr(out, "'><ping xmlns='urn:xmpp:ping'/></iq>\n") != NULL);
  /* Its result, to the server, is dropped. */
  tw_send(c, "<iq type='result' id='x' to='reed.test'/>");
  XW_EXPECT(c, "");
  xw_free(&w);
}

/* Stream management counts the core's writes, one stanza a message. */
TEST(ws_stream_management)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  c = ws_client(&w, "a", "127.0.0.1", false);
  ws_login(&w, c, "alice", &n);
  tw_send(c, "<enable xmlns='urn:xmpp:sm:3'/>");
  ASSERT(strncmp(tw_take(c), "<enabled xmlns='urn:xmpp:sm:3'",
                 strlen("<enabled xmlns='urn:xmpp:sm:3'")) == 0);
  tw_send(c, "<iq type='get' id='p1' to='reed.test'><ping "
             "xmlns='urn:xmpp:ping'/></iq>");
  tw_take(c);
  tw_send(c, "<r xmlns='urn:xmpp:sm:3'/>");
  XW_EXPECT(c, "<a xmlns='urn:xmpp:sm:3' h='1'/>\n");
  xw_free(&w);
}
