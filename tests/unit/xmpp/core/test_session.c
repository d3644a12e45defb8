/* A bound resource's life: conflicts, the end of a stream (eof, shutdown,
 * KILL, timeout), the stanza dispatch's defaults (service-unavailable, bad
 * iq, invalid-from) and the post-authentication stanza limit. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <string.h>

#define SE(cond) "<" cond " " SE_NS "/>"
#define SE_TEXT(cond, text)                                                    \
  "<" cond " " SE_NS "/><text " SE_NS ">" text "</text>"

static size_t
sessions(xw_t *w)
{
  reed_model_stats_t st;

  reed_model_stats(w->tw.model, &st);
  return st.sessions;
}

/* The same full JID bound again: the older stream gets <conflict/>, and
 * its session quits; the newer one is the account's. */
static void
s_conflict(void *arg)
{
  xw_t w;
  tw_client_t *a, *b;
  unsigned n = 0;

  REED_UNUSED(arg);
  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  b = xw_client(&w, "b", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  xw_login(&w, b, "alice", "pw", "laptop", &n);
  XW_EXPECT(
      a, "<stream:error>" SE_TEXT(
             "conflict",
             "Replaced by new connection") "</stream:error></stream:stream>");
  ASSERT(a->ft->closed);
  ASSERT(xw_session(a) == NULL);
  ASSERT(xw_session(b) != NULL);
  ASSERT_EQ(sessions(&w), 1);
  /* Another resource of the account is no conflict. */
  tw_drop(a);
  a = xw_client(&w, "a2", true);
  xw_login(&w, a, "alice", "pw", "phone", &n);
  XW_EXPECT(b, "");
  ASSERT_EQ(sessions(&w), 2);
  xw_free(&w);
}

TEST(resource_conflict_replaces_older)
{
  tw_run_chunked(s_conflict, NULL);
}

TEST(shutdown_sends_system_shutdown)
{
  xw_t w;
  tw_client_t *a, *g;
  unsigned n = 0;
  char h[256], want[512];

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  g = xw_client(&w, "g", false);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  reed_xmpp_module.shutdown(a->core, REED_SHUTDOWN_SERVER);
  XW_EXPECT(a, "<stream:error>" SE_TEXT(
                   "system-shutdown",
                   "Server shutting down") "</stream:error></stream:stream>");
  ASSERT(a->ft->closed);
  ASSERT_STR_EQ(a->ft->close_reason, "Server shutting down");
  ASSERT_EQ(sessions(&w), 0);
  /* Before any header: ours goes first. */
  reed_xmpp_module.shutdown(g->core, REED_SHUTDOWN_SERVER);
  snprintf(want, sizeof(want),
           "%s<stream:error>" SE_TEXT(
               "system-shutdown",
               "Server shutting down") "</stream:error></stream:stream>",
           xw_hdr(h, sizeof(h), 3));
  XW_EXPECT(g, want);
  /* A restart (REED_SHUTDOWN_RELOAD) says so, as IRC does. */
  a = xw_client(&w, "r", true);
  n = 3; /* g's stream was the third */
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  reed_xmpp_module.shutdown(a->core, REED_SHUTDOWN_RELOAD);
  XW_EXPECT(a, "<stream:error>" SE_TEXT(
                   "system-shutdown",
                   "Server restarting") "</stream:error></stream:stream>");
  xw_free(&w);
}

TEST(eof_quits_the_session)
{
  xw_t w;
  tw_client_t *a;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  ASSERT_EQ(sessions(&w), 1);
  tw_eof(a, "Connection reset by peer");
  XW_EXPECT(a, "");
  ASSERT_EQ(sessions(&w), 0);
  ASSERT(((reed_xmpp_core_t *)a->core)->st->reg.count == 0);
  xw_free(&w);
}

/* A KILL from the model (an operator, `reed account del`): a stream
 * error with the reason. */
TEST(kill_ends_the_stream)
{
  xw_t w;
  tw_client_t *a;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  ASSERT_EQ(reed_model_account_end(w.tw.model, "alice", "Account deleted"), 1);
  XW_EXPECT(a,
            "<stream:error>" SE_TEXT(
                "policy-violation",
                "Killed: Account deleted") "</stream:error></stream:stream>");
  ASSERT(a->ft->closed);
  ASSERT_EQ(sessions(&w), 0);
  xw_free(&w);
}

TEST(negotiation_timeout)
{
  xw_t w;
  tw_client_t *a, *b;
  unsigned n = 0;
  char h[256], want[512];

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  b = xw_client(&w, "b", true);
  tw_send(a, C_HDR);
  tw_take(a);
  n = 1; /* a's stream */
  xw_login(&w, b, "alice", "pw", "x", &n);
  fc_advance(w.tw.fc, 60000);
  snprintf(want, sizeof(want),
           "<stream:error>" SE(
               "connection-timeout") "</stream:error></stream:stream>");
  XW_EXPECT(a, want);
  ASSERT(a->ft->closed);
  XW_EXPECT(b, ""); /* bound in time */
  REED_UNUSED(h);
  xw_free(&w);
}

/* ---- Stanza dispatch ----------------------------------------------------- */

typedef struct {
  const char *name;
  const char *in;
  const char *out;
} stanza_case_t;

#define ME "alice@reed.test/laptop"
#define ERR(kind, attrs, type, cond)                                           \
  "<" kind " to='" ME "' type='error'" attrs "><error type='" type "'><" cond  \
  " " STANZA_NS "/></error></" kind ">"

static const stanza_case_t stanza_cases[] = {
    {"unknown iq get",
     "<iq type='get' id='q1'><query xmlns='urn:x:unknown'/></iq>",
     ERR("iq", " id='q1'", "cancel", "service-unavailable")},
    {"unknown iq set to the server",
     "<iq type='set' id='q2' to='reed.test'><x xmlns='urn:x'/></iq>",
     "<iq to='" ME "' from='reed.test' type='error' id='q2'><error "
     "type='cancel'><service-unavailable " STANZA_NS "/></error></iq>"},
    {"iq result to the server is dropped",
     "<iq type='result' id='r1'/><iq type='error' id='r2'/>", ""},
    {"iq without a child", "<iq type='get' id='q3'/>",
     ERR("iq", " id='q3'", "modify", "bad-request")},
    {"iq with two children",
     "<iq type='get' id='q4'><a xmlns='urn:a'/><b xmlns='urn:b'/></iq>",
     ERR("iq", " id='q4'", "modify", "bad-request")},
    {"iq without an id", "<iq type='get'><a xmlns='urn:a'/></iq>",
     ERR("iq", "", "modify", "bad-request")},
    {"iq of no type", "<iq id='q5'><a xmlns='urn:a'/></iq>",
     ERR("iq", " id='q5'", "modify", "bad-request")},
    {"bind twice", "<iq type='set' id='q6'><bind " BIND_NS "/></iq>",
     ERR("iq", " id='q6'", "cancel", "not-allowed")},
    {"message to an unknown account",
     "<message to='nobody@reed.test' id='m1'><body>hi</body></message>",
     "<message to='" ME "' from='nobody@reed.test' type='error' id='m1'>"
     "<error type='cancel'><service-unavailable " STANZA_NS
     "/></error></message>"},
    {"message to another domain",
     "<message to='x@elsewhere.test' id='m2'><body>hi</body></message>",
     "<message to='" ME "' from='x@elsewhere.test' type='error' id='m2'>"
     "<error type='cancel'><service-unavailable " STANZA_NS
     "/></error></message>"},
    {"message to a known account waits for its handler",
     "<message to='bob@reed.test' id='m3'><body>hi</body></message>", ""},
    {"an error is never answered",
     "<message to='nobody@reed.test' type='error' id='m4'/>", ""},
    {"malformed to", "<message to='a@b@c' id='m5'><body>hi</body></message>",
     "<message to='" ME "' from='a@b@c' type='error' id='m5'><error "
     "type='modify'><jid-malformed " STANZA_NS "/></error></message>"},
    {"presence is taken", "<presence/>",
     "<presence to='" ME "' from='" ME "'/>"},
    {"own bare from is fine",
     "<iq type='get' id='q7' from='alice@reed.test'><a xmlns='urn:a'/></iq>",
     ERR("iq", " id='q7'", "cancel", "service-unavailable")},
    {"someone else's from",
     "<message from='bob@reed.test/x' to='bob@reed.test'/>",
     "<stream:error>" SE("invalid-from") "</stream:error></stream:stream>"},
    {"an unknown top-level element", "<enable xmlns='urn:example:unknown'/>",
     "<stream:error>" SE(
         "unsupported-stanza-type") "</stream:error></stream:stream>"},
};

static void
s_stanza(void *arg)
{
  const stanza_case_t *k = arg;
  xw_t w;
  tw_client_t *a;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  tw_account(&w.tw, "bob", "pw");
  ASSERT_EQ(reed_model_account_add(w.tw.model, "bob"), 0);
  a = xw_client(&w, "a", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  tw_send(a, k->in);
  XW_EXPECT(a, k->out);
  xw_free(&w);
}

TEST(stanza_dispatch)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(stanza_cases); i++) {
    printf("# %s\n", stanza_cases[i].name);
    tw_run_chunked(s_stanza, (void *)&stanza_cases[i]);
  }
}

/* After login the limit is max_stanza (here 2048 bytes). */
TEST(stream_error_oversized_after_auth)
{
  xw_t w;
  tw_client_t *a;
  unsigned n = 0;
  char big[3000];

  xw_init(&w, false);
  xw_conf(&w)->max_stanza = 2048;
  xw_conf(&w)->max_stanza_pre_auth = 1024;
  tw_account(&w.tw, "alice", "pw");
  ASSERT_EQ(reed_model_account_add(w.tw.model, "bob"), 0);
  a = xw_client(&w, "a", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  /* 1500 bytes pass (past the pre-auth limit), 3000 do not. */
  tw_send(a, "<message to='bob@reed.test'><body>");
  tw_send_bytes(a, big, 1500);
  tw_send(a, "</body></message>");
  XW_EXPECT(a, "");
  tw_send(a, "<message to='bob@reed.test'><body>");
  tw_send(a, big);
  XW_EXPECT(a, "<stream:error>" SE(
                   "policy-violation") "</stream:error></stream:stream>");
  ASSERT(a->ft->closed);
  ASSERT_EQ(sessions(&w), 0);
  xw_free(&w);
}

/* The refusal net sends a connection it will not serve. */
TEST(refusal_is_a_stream_error)
{
  reed_buf_t *b = reed_xmpp_module.refusal("Too many connections");

  ASSERT(b != NULL);
  ASSERT_EQ(
      b->len,
      strlen("<?xml version='1.0'?><stream:stream "
             "xmlns='jabber:client' xmlns:stream='" NS_STREAMS
             "' version='1.0'><stream:error>" SE_TEXT(
                 "policy-violation",
                 "Too many connections") "</stream:error></stream:stream>"));
  ASSERT(memcmp(b->data,
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                "xmlns:stream='" NS_STREAMS
                "' version='1.0'><stream:error>" SE_TEXT(
                    "policy-violation",
                    "Too many connections") "</stream:error></stream:stream>",
                b->len) == 0);
  reed_buf_unref(b);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A space after [server] ping_interval (here the default, 120 s) of
 * silence from the client; input puts it off. */
TEST(whitespace_keepalive)
{
  xw_t w;
  tw_client_t *a;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "pw");
  a = xw_client(&w, "a", true);
  xw_login(&w, a, "alice", "pw", "laptop", &n);
  fc_advance(w.tw.fc, 119999);
  XW_EXPECT(a, "");
  fc_advance(w.tw.fc, 1);
  XW_EXPECT(a, " ");
  fc_advance(w.tw.fc, 60000);
  tw_send(a, " "); /* the client's own keepalive counts as input */
  fc_advance(w.tw.fc, 60000);
  XW_EXPECT(a, "");
  fc_advance(w.tw.fc, 60000);
  XW_EXPECT(a, " ");
  xw_free(&w);
}

/* Allocation n fails, for each n across a pipelined login: no crash, no
 * leak (xw_free checks), and no stall: the stream either ends or answers
 * the last iq. */
TEST(failmalloc_login)
{
  char b64[128], in[1024];

  xw_plain("alice", "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           C_HDR "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>" C_HDR
                 "<iq type='set' id='1'><bind " BIND_NS
                 "><resource>r</resource></bind></iq>"
                 "<message to='nobody@reed.test' id='m'><body>x</body>"
                 "</message><iq type='set' id='2'><session "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
           b64);
  for (long n = 0; n < 500; n++) {
    xw_t w;
    tw_client_t *a;
    const char *out;

    xw_init(&w, false);
    tw_account(&w.tw, "alice", "pw");
    a = xw_client(&w, "a", true);
    reed_alloc_fail_after(n);
    tw_send(a, in);
    reed_alloc_fail_after(-1);
    out = tw_take(a);
    if (!a->ft->closed && strstr(out, "id='2'") == NULL)
      reed__test_fail(__FILE__, __LINE__, "n=%ld: stalled: %s", n, out);
    xw_free(&w);
  }
}

/* The fan-out writer: a head goes in front of the shared body, which
 * keeps its one reference; a full send queue stops later writes. */
TEST(fanout_writes)
{
  xw_t w;
  tw_client_t *a;
  reed_buf_t *body = reed_buf_from(" from='x'/>", 11);
  reed_xmpp_core_t *c;

  xw_init(&w, false);
  a = xw_client(&w, "a", true);
  c = a->core;
  reed__xmpp_write2(c, "<presence to='me'", 17, body);
  reed__xmpp_write2(c, "<presence to='you'", 18, body);
  XW_EXPECT(a, "<presence to='me' from='x'/><presence to='you' from='x'/>");
  ASSERT_EQ(a->ft->writes2, 2);
  ft_set_full(a->ft, 1);
  reed__xmpp_write2(c, "<presence to='me'", 17, body);
  ASSERT(c->closed);
  ft_set_full(a->ft, 0);
  reed__xmpp_write2(c, "<presence to='me'", 17, body);
  XW_EXPECT(a, "");
  ASSERT_EQ(body->refs, 1);
  reed_buf_unref(body);
  xw_free(&w);
}
