/* XEP-0077 through the portal: the feature while [server] registration
 * is open, the form, creating an account and logging in with it,
 * conflict, the password policy's text, registration closed, the
 * password change after login, and <remove/> refused. */
#include "auth_fixture.h"

#include <stdio.h>
#include <string.h>

#define F_TLS_OPEN                                                             \
  "<stream:features><mechanisms " SASL_NS ">" M_SASL                           \
  "</mechanisms>" F_SASL2(M_SASL) F_REGISTER "</stream:features>"
#define SERR(type, cond, text)                                                 \
  "<error type='" type "'><" cond " " STANZA_NS "/><text " STANZA_NS ">" text  \
  "</text></error>"
#define REG_SET(id, user, pw)                                                  \
  "<iq type='set' id='" id "'><query " REG_NS "><username>" user               \
  "</username><password>" pw "</password></query></iq>"

static void
plain_ok(xw_t *w, const char *user, const char *pw, bool ok)
{
  tw_client_t *c = xw_client(w, "login", true);
  char b64[256], auth[512];
  unsigned n = 0;

  xa_open(c, &n);
  xw_plain(user, pw, b64, sizeof(b64));
  snprintf(auth, sizeof(auth), "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, auth);
  if (ok)
    XW_EXPECT(c, "<success " SASL_NS "/>");
  else
    XW_EXPECT(c, "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>"
                 "SASL authentication failed</text></failure>");
  tw_drop(c);
}

TEST(register_then_login)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  c = xw_client(&w, "c", true);
  ASSERT_STR_EQ(xa_open(c, &n), F_TLS_OPEN);
  tw_send(c, "<iq type='get' id='r1'><query " REG_NS "/></iq>");
  XW_EXPECT(c, "<iq type='result' id='r1'><query " REG_NS "><instructions>"
               "Choose a username and password to register with this server."
               "</instructions><username/><password/></query></iq>");
  tw_send(c, REG_SET("r2", "bill", "Calliope"));
  XW_EXPECT(c, "<iq type='result' id='r2'/>");
  ASSERT(reed_model_account_exists(w.tw.model, "bill"));
  plain_ok(&w, "bill", "Calliope", true);
  plain_ok(&w, "bill", "wrong", false);
  xw_free(&w);
}

TEST(register_refusals)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  reed_portal_set_password_min(w.tw.portal, 8);
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  tw_send(c, REG_SET("r1", "alice", "whatever1"));
  XW_EXPECT(c, "<iq type='error' id='r1'>" SERR(
                   "cancel", "conflict", "account already exists") "</iq>");
  tw_send(c, REG_SET("r2", "bob", "short"));
  XW_EXPECT(c, "<iq type='error' id='r2'>" SERR(
                   "modify", "not-acceptable",
                   "Password too short: at least 8 characters") "</iq>");
  tw_send(c, REG_SET("r3", "9bad", "longenough"));
  XW_EXPECT(c, "<iq type='error' id='r3'>" SERR(
                   "modify", "not-acceptable", "invalid account name") "</iq>");
  tw_send(c, "<iq type='set' id='r4'><query " REG_NS
             "><username>bob</username></query></iq>");
  XW_EXPECT(c, "<iq type='error' id='r4'>" SERR(
                   "modify", "not-acceptable",
                   "A username and a password are required") "</iq>");
  ASSERT(!reed_model_account_exists(w.tw.model, "bob"));
  /* Any other stanza before authentication still ends the stream. */
  tw_send(c, "<iq type='get' id='x'><ping xmlns='urn:xmpp:ping'/></iq>");
  XW_EXPECT(c, "<stream:error><not-authorized " SE_NS
               "/></stream:error></stream:stream>");
  xw_free(&w);
}

TEST(register_closed)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  w.sc.registration = REED_REGISTRATION_CLOSED;
  c = xw_client(&w, "c", true);
  ASSERT_STR_EQ(xa_open(c, &n),
                "<stream:features><mechanisms " SASL_NS ">" M_SASL
                "</mechanisms>" F_SASL2(M_SASL) "</stream:features>");
  tw_send(c, "<iq type='get' id='r1'><query " REG_NS "/></iq>");
  XW_EXPECT(c, "<iq type='error' id='r1'>" SERR(
                   "cancel", "not-allowed", "registration is closed") "</iq>");
  tw_send(c, REG_SET("r2", "bill", "Calliope"));
  XW_EXPECT(c, "<iq type='error' id='r2'>" SERR(
                   "cancel", "not-allowed", "registration is closed") "</iq>");
  ASSERT(!reed_model_account_exists(w.tw.model, "bill"));
  xw_free(&w);
}

TEST(register_password_change)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  reed_portal_set_password_min(w.tw.portal, 6);
  /* A password change needs no open registration (and xw_login expects
   * the features without it). */
  w.sc.registration = REED_REGISTRATION_CLOSED;
  c = xw_client(&w, "c", true);
  xw_login(&w, c, "alice", "secret", "home", &n);
  tw_send(c, "<iq type='get' id='g'><query " REG_NS "/></iq>");
  XW_EXPECT(c,
            "<iq to='alice@reed.test/home' type='result' id='g'><query " REG_NS
            "><registered/><username>alice</username><password/></query>"
            "</iq>");
  tw_send(c, REG_SET("p0", "bob", "another1"));
  XW_EXPECT(c,
            "<iq to='alice@reed.test/home' type='error' id='p0'>" SERR(
                "cancel", "not-allowed", "That is not your account") "</iq>");
  tw_send(c, REG_SET("p1", "alice", "tiny"));
  XW_EXPECT(c, "<iq to='alice@reed.test/home' type='error' id='p1'>" SERR(
                   "modify", "not-acceptable",
                   "Password too short: at least 6 characters") "</iq>");
  tw_send(c, "<iq type='set' id='p2' to='reed.test'>"
             "<query " REG_NS "><username>Alice</username>"
             "<password>n3w-pass</password></query></iq>");
  XW_EXPECT(c, "<iq to='alice@reed.test/home' from='reed.test' type='result' "
               "id='p2'/>");
  tw_send(c, "<iq type='set' id='p3'><query " REG_NS "><remove/></query></iq>");
  XW_EXPECT(c, "<iq to='alice@reed.test/home' type='error' id='p3'>" SERR(
                   "cancel", "not-allowed",
                   "Accounts are not removed in-band") "</iq>");
  plain_ok(&w, "alice", "secret", false);
  plain_ok(&w, "alice", "n3w-pass", true);
  xw_free(&w);
}

/* The portal hashes on the worker: input waits until it answers. */
TEST(register_waits_for_the_portal)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  memset(&w, 0, sizeof(w));
  xa_init(&w, false);
  w.tw.iw->deferred = true;
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  tw_send(c, REG_SET("r1", "bill",
                     "Calliope") "<iq type='get' id='r2'><query " REG_NS
                                 "/></iq>");
  XW_EXPECT(c, "");
  tw_resume(c);
  XW_EXPECT(
      c, "<iq type='result' id='r1'/><iq type='result' id='r2'><query " REG_NS
         "><instructions>Choose a username and password to register "
         "with this server.</instructions><username/><password/></query>"
         "</iq>");
  xw_free(&w);
}
