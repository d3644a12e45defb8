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
#define RETRACT(to, id)                                                        \
  "<message to='" to "' type='chat' id='r'><retract " RNS " id='" id "'/>"     \
  "<body>fallback</body></message>"
#define SEEN(to, from, id)                                                     \
  "<message to='" to "' from='" from "' type='chat'><retract " RNS " id='" id  \
  "'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'"  \
  "/><body>This person attempted to retract a previous message, but it's "     \
  "unsupported by your client.</body><store xmlns='urn:xmpp:hints'/>"          \
  "</message>"

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
  ASSERT(strstr(out, "<retracted " RNS "/><stanza-id xmlns='urn:xmpp:sid:0' "
                     "by='alice@reed.test' id='1'/>") != NULL);
  ASSERT(strstr(out, "<retracted " RNS "/><stanza-id xmlns='urn:xmpp:sid:0' "
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
