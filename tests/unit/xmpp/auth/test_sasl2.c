/* XEP-0388 SASL2 with XEP-0386 Bind2 through the portal: a PLAIN login
 * with Bind2 at every byte split (success with the bound full JID, the
 * features of the new stream, no restart), SCRAM with challenge and
 * additional data, failures with RFC 6120 conditions, and a second login
 * of one client replacing the first (Bind2's stable resource). */
#include "auth_fixture.h"

#include <stdio.h>
#include <string.h>

#define UA "d4565fa7-4d72-4749-b3d3-740edbf87770"
#define SASL_ERR(cond) "<" cond " xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
#define FAIL2(cond, text)                                                      \
  "<failure " SASL2_NS ">" SASL_ERR(cond) text "</failure>"
#define AUTH_FAILED "<text>SASL authentication failed</text>"

static void
authenticate(tw_client_t *c, const char *mech, const char *ir,
             const char *extra)
{
  char buf[2048];

  snprintf(buf, sizeof(buf),
           "<authenticate " SASL2_NS " mechanism='%s'>%s%s%s<user-agent id='" UA
           "'><software>AwesomeXMPP</software><device>Kiva&apos;s Phone"
           "</device></user-agent>%s</authenticate>",
           mech, ir ? "<initial-response>" : "", ir ? ir : "",
           ir ? "</initial-response>" : "", extra);
  tw_send(c, buf);
}

static void
plain_bind2(tw_client_t *c, const char *pw)
{
  char b64[256];

  xw_plain("alice", pw, b64, sizeof(b64));
  authenticate(c, "PLAIN", b64,
               "<bind " BIND2_NS "><tag>AwesomeXMPP</tag></bind>");
}

static void
s_sasl2_bind2(void *arg)
{
  xw_t w;
  tw_client_t *c;
  char res[64], want[1024];
  unsigned n = 0;

  REED_UNUSED(arg);
  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  ASSERT(strstr(xa_open(c, &n), F_SASL2(M_SASL)) != NULL);
  plain_bind2(c, "wrong");
  XW_EXPECT(c, FAIL2("not-authorized", AUTH_FAILED));
  plain_bind2(c, "secret");
  xa_bind2_res("AwesomeXMPP", "alice", UA, res, sizeof(res));
  snprintf(want, sizeof(want),
           "<success " SASL2_NS "><authorization-identifier>alice@reed.test/%s"
           "</authorization-identifier><bound " BIND2_NS "/></success>"
           "<stream:features><ver xmlns='urn:xmpp:features:rosterver'/>"
           "</stream:features>",
           res);
  XW_EXPECT(c, want);
  ASSERT(xw_session(c) != NULL);
  ASSERT_STR_EQ(reed_session_account(xw_session(c)), "alice");
  /* Stanzas flow at once: no restart, no bind iq. */
  tw_send(c, "<iq type='get' id='v'><query xmlns='urn:x:unknown'/></iq>");
  snprintf(want, sizeof(want),
           "<iq to='alice@reed.test/%s' type='error' id='v'><error "
           "type='cancel'><service-unavailable " STANZA_NS "/></error></iq>",
           res);
  XW_EXPECT(c, want);
  xw_free(&w);
}

TEST(sasl2_bind2_every_split)
{
  tw_run_chunked(s_sasl2_bind2, NULL);
}

TEST(sasl2_scram_without_bind2)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.gs2 = "n,,"};
  char b64[512], ch[512], v64[256], want[1024];
  unsigned n = 0;

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  xs_first(&s, "alice", "fyko+d2lbbFgONRv9qkxdawL", b64, sizeof(b64));
  authenticate(c, "SCRAM-SHA-256", b64, "");
  ASSERT(xa_text(tw_take(c), "challenge", ch, sizeof(ch)) != NULL);
  xs_final(&s, ch, "secret", b64, sizeof(b64));
  snprintf(want, sizeof(want), "<response " SASL2_NS ">%s</response>", b64);
  tw_send(c, want);
  reed_base64_encode((const uint8_t *)s.verifier, strlen(s.verifier), v64);
  snprintf(want, sizeof(want),
           "<success " SASL2_NS "><additional-data>%s</additional-data>"
           "<authorization-identifier>alice@reed.test"
           "</authorization-identifier></success>" F_BIND,
           v64, xw_f_bind());
  XW_EXPECT(c, want);
  ASSERT(xw_session(c) == NULL);
  tw_send(c, "<iq type='set' id='b'><bind " BIND_NS
             "><resource>r</resource></bind></iq>");
  XW_EXPECT(c, "<iq to='alice@reed.test/r' type='result' id='b'><bind " BIND_NS
               "><jid>alice@reed.test/r</jid></bind></iq>");
  xw_free(&w);
}

TEST(sasl2_failures)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  authenticate(c, "NOPE", "AA==", "");
  XW_EXPECT(c, FAIL2("invalid-mechanism", ""));
  authenticate(c, "HT-SHA-256-NONE", "AA==", ""); /* no store: no FAST */
  XW_EXPECT(c, FAIL2("invalid-mechanism", ""));
  tw_send(c, "<response " SASL2_NS ">AA==</response>");
  XW_EXPECT(c, FAIL2("malformed-request", ""));
  tw_send(c, "<abort " SASL2_NS "/>");
  XW_EXPECT(c, FAIL2("aborted", ""));
  /* No initial response: an empty challenge asks for one; abort ends it. */
  authenticate(c, "SCRAM-SHA-256", NULL, "");
  XW_EXPECT(c, "<challenge " SASL2_NS ">=</challenge>");
  tw_send(c, "<abort " SASL2_NS "/>");
  XW_EXPECT(c, FAIL2("aborted", ""));
  authenticate(c, "PLAIN", "!!!!", "");
  XW_EXPECT(c, FAIL2("incorrect-encoding", ""));
  /* An RFC 6120 <auth/> in the middle answers in its own namespace. */
  authenticate(c, "SCRAM-SHA-256", NULL, "");
  XW_EXPECT(c, "<challenge " SASL2_NS ">=</challenge>");
  tw_send(c, "<auth " SASL_NS " mechanism='SCRAM-SHA-256'/>");
  XW_EXPECT(c, "<challenge " SASL_NS ">=</challenge>");
  xw_free(&w);
}

/* The same client (user-agent id and tag) gets the same resource: its
 * second login replaces the first, as a bind of one full JID does. */
TEST(sasl2_bind2_same_client_replaces)
{
  xw_t w;
  tw_client_t *a, *b;
  unsigned n = 0;
  char res[64], want[512];

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  a = xw_client(&w, "a", true);
  xa_open(a, &n);
  plain_bind2(a, "secret");
  tw_take(a);
  b = xw_client(&w, "b", true);
  xa_open(b, &n);
  plain_bind2(b, "secret");
  XW_EXPECT(a, "<stream:error><conflict " SE_NS "/><text " SE_NS
               ">Replaced by new connection</text></stream:error>"
               "</stream:stream>");
  xa_bind2_res("AwesomeXMPP", "alice", UA, res, sizeof(res));
  snprintf(want, sizeof(want), "alice@reed.test/%s", res);
  ASSERT(strstr(tw_take(b), want) != NULL);
  xw_free(&w);
}
