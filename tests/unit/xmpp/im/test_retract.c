/* XEP-0424 retraction in one-to-one chats on the model's redaction: by
 * the sender's origin-id or by the model id; only the sender may; the
 * recipients' XMPP resources get the retraction (with the id the client
 * named), IRC clients with draft/message-redaction a REDACT, and an IRC
 * REDACT reaches XMPP as a retraction naming the model id; MAM keeps a
 * tombstone in the message's place. */
#include "amp.h"
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>
#include <string.h>

#define A1 "alice@reed.test/a1"
#define B1 "bob@reed.test/b1"
#define RNS "xmlns='urn:xmpp:message-retract:1'"
#define TOMB "<retracted " RNS " stamp='2023-11-14T22:13:21.000Z'/>"
#define RETRACT(to, id)                                                        \
  "<message to='" to "' type='chat' id='r'><retract " RNS " id='" id "'/>"     \
  "<body>fallback</body></message>"
#define SEEN_OPEN(to, from, id)                                                \
  "<message to='" to "' from='" from "' type='chat'><retract " RNS " id='" id  \
  "'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'"  \
  "/><body>This person attempted to retract a previous message, but it's "     \
  "unsupported by your client.</body><store xmlns='urn:xmpp:hints'/>"
#define SEEN(to, from, id) SEEN_OPEN(to, from, id) "</message>"

static void
two(xim_t *w, tw_client_t **a1, tw_client_t **b1)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  *a1 = xim_login(w, "alice", "a1");
  *b1 = xim_login(w, "bob", "b1");
  xim_online(*a1, NULL);
  xim_online(*b1, NULL);
}

static void
said(tw_client_t *from, tw_client_t *to, const char *dest, const char *oid)
{
  char in[256];

  snprintf(in, sizeof(in),
           "<message to='%s' type='chat'><body>words</body><origin-id "
           "xmlns='urn:xmpp:sid:0' id='%s'/></message>",
           dest, oid);
  xim_say(from, in, "");
  tw_take(to);
}

TEST(xim_retract_rules)
{
  static const struct {
    const char *who; /* "a" or "b" retracts */
    const char *id;
    const char *back;  /* to the retracting client */
    const char *other; /* what the other party sees */
  } cases[] = {
      /* Someone else's message, by model id or by its origin-id. */
      {"a", "1", "forbidden", ""},
      {"a", "o-1", "item-not-found", ""},
      {"b", "nope", "item-not-found", ""},
      {"b", "o-1", "", SEEN(A1, B1, "o-1")},
      {"b", "o-1", "item-not-found", ""}, /* gone already */
      {"b", "2", "", SEEN(A1, B1, "2")},  /* by the model id */
  };
  xim_t w;
  tw_client_t *a1, *b1;
  char in[256];
  two(&w, &a1, &b1);

  said(b1, a1, "alice@reed.test", "o-1");
  said(b1, a1, "alice@reed.test", "o-2");
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    bool b = cases[i].who[0] == 'b';
    tw_client_t *me = b ? b1 : a1, *them = b ? a1 : b1;
    const char *out;
    snprintf(in, sizeof(in), RETRACT("%s", "%s"),
             b ? "alice@reed.test" : "bob@reed.test", cases[i].id);
    tw_send(me, in);
    out = tw_take(me);
    if (cases[i].back[0] == '\0')
      ASSERT_STR_EQ(out, "");
    else
      ASSERT(strstr(out, cases[i].back) != NULL);
    XIM_EXPECT(them, cases[i].other);
  }
  xim_free(&w);
}

/* IRC's REDACT of its own message reaches XMPP as a retraction of the
 * model id; XMPP's retraction reaches IRC as REDACT. MAM shows both
 * messages as tombstones. */
TEST(xim_retract_irc_and_mam)
{
  xim_t w;
  xpeer_t irc;
  tw_client_t *a1, *b1;
  const char *out;
  two(&w, &a1, &b1);
  xim_account(&w, "carol");
  xpeer_irc_login(&w.tw, &irc, "carol");
  xpeer_send(&irc, "CAP REQ :draft/message-redaction\r\n");
  xpeer_take(&irc);

  xpeer_send(&irc, "PRIVMSG alice :from irc\r\n");
  tw_take(a1);
  xpeer_send(&irc, "REDACT alice 1\r\n");
  XIM_EXPECT(a1, SEEN(A1, "carol@reed.test/irc", "1"));
  ASSERT_STR_EQ(xpeer_take(&irc), ":carol!~carol@127.0.0.1 REDACT alice 1\r\n");
  said(a1, b1, "carol@reed.test", "o-9");
  xpeer_take(&irc);
  xim_say(a1, RETRACT("carol@reed.test", "o-9"), "");
  ASSERT_STR_EQ(xpeer_take(&irc), ":alice!alice@reed.test REDACT carol 3\r\n");
  tw_send(a1, "<iq type='set' id='q'><query xmlns='urn:xmpp:mam:2'/></iq>");
  out = tw_take(a1);
  ASSERT(strstr(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' "
                          "by='alice@reed.test' id='1'/>") != NULL);
  ASSERT(strstr(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' "
                          "by='alice@reed.test' id='3'/>") != NULL);
  ASSERT(strstr(out, "words") == NULL && strstr(out, "from irc") == NULL);
  xpeer_close(&irc);
  xim_free(&w);
}

/* AMP's Redact of its own Tell reaches XMPP as a retraction; XMPP's
 * retraction reaches AMP as Redacted; someone else's message is
 * FORBIDDEN, an unknown one NO_SUCH_MESSAGE. */
TEST(xim_retract_amp)
{
  xim_t w;
  xpeer_t erin;
  tw_client_t *a1, *b1;
  two(&w, &a1, &b1);
  xim_account(&w, "erin");
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  xpeer_box(&erin,
            (const char *const[]){"_command", "Tell", "_ask", "2", "user",
                                  "alice", "text", "from amp", NULL});
  tw_take(a1);
  xpeer_take(&erin);
  xpeer_box(&erin, (const char *const[]){"_command", "Redact", "_ask", "3",
                                         "user", "alice", "id", "1", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  XIM_EXPECT(a1, SEEN(A1, "erin@reed.test/amp", "1"));
  said(a1, b1, "erin@reed.test", "o-5");
  xpeer_take(&erin);
  xpeer_box(&erin, (const char *const[]){"_command", "Redact", "_ask", "4",
                                         "user", "alice", "id", "3", NULL});
  ASSERT(xpeer_saw(&erin, "FORBIDDEN"));
  xpeer_box(&erin, (const char *const[]){"_command", "Redact", "_ask", "5",
                                         "user", "alice", "id", "99", NULL});
  ASSERT(xpeer_saw(&erin, "NO_SUCH_MESSAGE"));
  xim_say(a1, RETRACT("erin@reed.test", "o-5"), "");
  ASSERT(xpeer_saw(&erin, "Redacted"));
  xpeer_close(&erin);
  xim_free(&w);
}

/* The other party is offline (item 6 of issue 17): the conversation kept
 * under its account name takes the retraction. A message still waiting
 * in offline storage is deleted (nobody saw it); one already delivered
 * gets the retraction kept offline, dated, from the retracting resource
 * with the id it named. An IRC REDACT to an account nobody is on with
 * does the same. MAM keeps each retraction message after its tombstone,
 * with its own id and time (XEP-0424's archive). */
TEST(xim_retract_offline)
{
  xim_t w;
  xpeer_t irc;
  tw_client_t *a1, *b1, *b2;
  const char *out;
  two(&w, &a1, &b1);
  xim_account(&w, "carol");
  xpeer_irc_login(&w.tw, &irc, "carol");
  xpeer_send(&irc, "CAP REQ :draft/message-redaction\r\n");
  xpeer_take(&irc);

  said(a1, b1, "bob@reed.test", "o-1"); /* 1: bob saw it */
  /* 2 is carol's, 3 bob's quit, 4 "later", 5 and 6 alice's retractions */
  xpeer_send(&irc, "PRIVMSG bob :hi bob\r\n");
  tw_take(b1);
  tw_eof(b1, "gone");
  xim_say(a1,
          "<message to='bob@reed.test' type='chat'><body>later</body>"
          "<origin-id xmlns='urn:xmpp:sid:0' id='o-2'/></message>",
          "");
  xim_say(a1, RETRACT("bob@reed.test", "o-1"), "");
  xim_say(a1, RETRACT("bob@reed.test", "o-2"), "");
  xim_say(a1, RETRACT("bob@reed.test", "o-2"),
          "<message to='" A1 "' from='bob@reed.test' type='error' id='r'>"
          "<error type='cancel'><item-not-found " XIM_STANZAS
          "/><text " XIM_STANZAS ">No such message is kept</text></error>"
          "</message>");
  xpeer_send(&irc, "REDACT bob 2\r\n");
  ASSERT_STR_EQ(xpeer_take(&irc), ":carol!~carol@127.0.0.1 REDACT bob 2\r\n");
  b2 = xim_login(&w, "bob", "b2");
#define DELAY                                                                  \
  "<delay xmlns='urn:xmpp:delay' from='reed.test' "                            \
  "stamp='2023-11-14T22:13:21.000Z'/></message>"
  /* o-2 never reaches bob; o-1's and carol's retractions wait for him. */
  xim_online(b2, SEEN_OPEN("bob@reed.test/b2", A1, "o-1") DELAY SEEN_OPEN(
                     "bob@reed.test/b2", "carol@reed.test/irc", "2") DELAY);
  /* MAM: each retraction message after its tombstone, with its own id. */
  tw_send(a1, "<iq type='set' id='q'><query xmlns='urn:xmpp:mam:2'/></iq>");
  out = tw_take(a1);
  ASSERT(strstr(out, "<retract " RNS " id='1'/>") != NULL);

  ASSERT(strstr(out, "later") == NULL);
  ASSERT(strstr(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' "
                          "by='alice@reed.test' id='4'/>") != NULL);
#define ARCHIVED(ref, id)                                                      \
  "<message xmlns='jabber:client' from='alice@reed.test' to='bob@reed.test' "  \
  "type='chat'><retract " RNS " id='" ref "'/><fallback xmlns='urn:xmpp:"      \
  "fallback:0' for='urn:xmpp:message-retract:1'/><body>This person attempted " \
  "to retract a previous message, but it's unsupported by your client."        \
  "</body><store xmlns='urn:xmpp:hints'/><stanza-id xmlns='urn:xmpp:sid:0' "   \
  "by='alice@reed.test' id='" id "'/></message>"
  ASSERT(strstr(out, ARCHIVED("1", "5")) != NULL);
  ASSERT(strstr(out, ARCHIVED("4", "6")) != NULL);
  xpeer_close(&irc);
  xim_free(&w);
}

/* AMP's Redact to an account nobody is on with: the same. */
TEST(xim_retract_offline_amp)
{
  xim_t w;
  xpeer_t erin;
  tw_client_t *a1, *b1, *b2;
  two(&w, &a1, &b1);
  xim_account(&w, "erin");
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  xpeer_box(&erin,
            (const char *const[]){"_command", "Tell", "_ask", "2", "user",
                                  "bob", "text", "from amp", NULL});
  tw_take(b1);
  xpeer_take(&erin);
  tw_eof(b1, "gone");
  xpeer_box(&erin, (const char *const[]){"_command", "Redact", "_ask", "3",
                                         "user", "bob", "id", "1", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  xpeer_box(&erin, (const char *const[]){"_command", "Redact", "_ask", "4",
                                         "user", "nobody", "id", "1", NULL});
  ASSERT(xpeer_saw(&erin, "NO_SUCH_USER"));
  b2 = xim_login(&w, "bob", "b2");
  xim_online(b2,
             SEEN_OPEN("bob@reed.test/b2", "erin@reed.test/amp", "1") DELAY);
  xpeer_close(&erin);
  xim_free(&w);
}
