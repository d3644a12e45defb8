/* What an XMPP message carries besides its body (xmpp_payload.c): its
 * other children reach XMPP recipients as sent (OMEMO, receipts, markers,
 * hints, corrections), the ones the server sets are dropped, an XEP-0461
 * reply to a model id becomes the neutral reply_to (and comes back from
 * IRC's +draft/reply); IRC sees the body alone, a bodyless message not at
 * all; MAM returns the payload. */
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>
#include <string.h>

#define A1 "alice@reed.test/a1"
#define B1 "bob@reed.test/b1"
#define SIDF "<stanza-id " XIM_SID " by='alice@reed.test' id='%d'/>"
#define OMEMO                                                                  \
  "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='7'>"         \
  "<key rid='9' prekey='true'>QUJD</key><iv>SVY=</iv></header>"                \
  "<payload>UEw=</payload></encrypted>"

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

TEST(xim_payload_table)
{
  static const struct {
    const char *sent; /* the children after <body>x</body> */
    const char *seen; /* what follows the stanza-id */
  } cases[] = {
      {OMEMO "<store xmlns='urn:xmpp:hints'/>",
       OMEMO "<store xmlns='urn:xmpp:hints'/>"},
      {"<request xmlns='urn:xmpp:receipts'/><markable "
       "xmlns='urn:xmpp:chat-markers:0'/>",
       "<request xmlns='urn:xmpp:receipts'/><markable "
       "xmlns='urn:xmpp:chat-markers:0'/>"},
      {"<x xmlns='jabber:x:oob'><url>https://e.test/a?b=1&amp;c</url></x>",
       "<x xmlns='jabber:x:oob'><url>https://e.test/a?b=1&amp;c</url></x>"},
      /* Set by the server, never by a client: dropped. */
      {"<stanza-id " XIM_SID " by='alice@reed.test' id='666'/><delay "
       "xmlns='urn:xmpp:delay' stamp='2000-01-01T00:00:00Z'/><addresses "
       "xmlns='http://jabber.org/protocol/address'/><private "
       "xmlns='urn:xmpp:carbons:2'/>",
       ""},
      /* The client's origin-id stays with its message. */
      {"<origin-id " XIM_SID " id='o-1'/>",
       "<origin-id " XIM_SID " id='o-1'/>"},
      /* A reply to a model id is the neutral reply_to; to anything else,
       * it stays as sent. */
      {"<reply xmlns='urn:xmpp:reply:0' id='1' to='bob@reed.test/b1'/>",
       "<reply xmlns='urn:xmpp:reply:0' id='1'/>"},
      {"<reply xmlns='urn:xmpp:reply:0' id='uuid-1'/>",
       "<reply xmlns='urn:xmpp:reply:0' id='uuid-1'/>"},
      {"<replace xmlns='urn:xmpp:message-correct:0' id='m1'/>",
       "<replace xmlns='urn:xmpp:message-correct:0' id='m1'/>"},
      {"<thread>t1</thread>", "<thread>t1</thread>"},
  };
  xim_t w;
  tw_client_t *a1, *b1;
  char in[1024], want[1024], sid[128];
  two(&w, &a1, &b1);

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    snprintf(in, sizeof(in),
             "<message to='alice@reed.test' type='chat' id='p%zu'><body>x"
             "</body>%s</message>",
             i, cases[i].sent);
    xim_say(b1, in, "");
    snprintf(sid, sizeof(sid), SIDF, (int)i + 1);
    snprintf(want, sizeof(want),
             "<message to='" A1 "' from='" B1 "' type='chat' id='p%zu'><body>"
             "x</body>%s%s</message>",
             i, sid, cases[i].seen);
    XIM_EXPECT(a1, want);
  }
  xim_free(&w);
}

TEST(xim_payload_bound)
{
  xim_t w;
  tw_client_t *a1, *b1;
  static char big[REED_XMPP_PAYLOAD_MAX + 200];
  two(&w, &a1, &b1);

  strcpy(big, "<message to='alice@reed.test' id='big'><body>x</body><p "
              "xmlns='urn:x'>");
  memset(big + strlen(big), 'y', REED_XMPP_PAYLOAD_MAX);
  strcpy(big + strlen(big), "</p></message>");
  xim_say(b1, big,
          "<message to='" B1 "' from='alice@reed.test' type='error' id='big'>"
          "<error type='modify'><policy-violation " XIM_STANZAS
          "/><text " XIM_STANZAS
          ">The message is too long</text></error></message>");
  XIM_EXPECT(a1, "");
  xim_free(&w);
}

/* IRC sees the body alone; a message without a body (OMEMO with no
 * fallback) reaches the XMPP resources and nothing on IRC. IRC's
 * +draft/reply to a model id reaches XMPP as XEP-0461. */
TEST(xim_payload_irc)
{
  xim_t w;
  xpeer_t irc;
  tw_client_t *a1, *b1;
  two(&w, &a1, &b1);
  xpeer_irc_login(&w.tw, &irc, "alice");

  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='e1'><body>I sent an "
          "OMEMO message</body>" OMEMO "</message>",
          "");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" B1 "' type='chat' id='e1'>"
                 "<body>I sent an OMEMO message</body>"
                 "<stanza-id " XIM_SID " by='alice@reed.test' id='1'/>" OMEMO
                 "</message>");
  ASSERT_STR_EQ(xpeer_take(&irc), "@msgid=1 :bob!bob@reed.test PRIVMSG alice "
                                  ":I sent an OMEMO message\r\n");
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='e2'>" OMEMO
          "</message>",
          "");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" B1 "' type='chat' id='e2'>" OMEMO
                 "</message>");
  ASSERT_STR_EQ(xpeer_take(&irc), "");
  xpeer_send(&irc, "@+draft/reply=1 PRIVMSG bob :seen\r\n");
  XIM_EXPECT(b1, "<message to='" B1 "' from='alice@reed.test/irc' "
                 "type='chat'><body>seen</body>"
                 "<stanza-id " XIM_SID " by='bob@reed.test' id='2'/>"
                 "<reply xmlns='urn:xmpp:reply:0' id='1'/></message>");
  xpeer_close(&irc);
  xim_free(&w);
}

/* MAM returns what was carried, in place after the stanza-id. */
TEST(xim_payload_mam)
{
  xim_t w;
  tw_client_t *a1, *b1;
  const char *out;
  two(&w, &a1, &b1);

  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='e1'><body>fb</body>"
          "<request xmlns='urn:xmpp:receipts'/>" OMEMO "</message>",
          "");
  tw_take(a1);
  tw_send(a1, "<iq type='set' id='q1'><query xmlns='urn:xmpp:mam:2'/></iq>");
  out = tw_take(a1);
  ASSERT(strstr(out, "<body>fb</body><stanza-id " XIM_SID
                     " by='alice@reed.test' id='1'/><request "
                     "xmlns='urn:xmpp:receipts'/>" OMEMO "</message>") != NULL);
  xim_free(&w);
}
