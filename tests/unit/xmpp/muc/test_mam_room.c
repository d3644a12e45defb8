/* One history and one redaction in a room seen from XMPP and IRC: MAM on
 * the room's JID from the model's room history (the room's stanza-id is
 * IRC's msgid, RSM pages, #extended metadata, occupants only), XEP-0424
 * retraction of one's own message, XEP-0425 moderation by an operator,
 * IRC REDACT shown to XMPP, and tombstones in the archive. */
#include "irc.h"
#include "xmuc_fixture.h"

#include <stdio.h>
#include <string.h>

#define ROOM "lobby@" MUC
#define RNS "xmlns='urn:xmpp:message-retract:1'"
#define HAS(out, s) ASSERT(strstr((out), (s)) != NULL)
#define FALLBACK                                                               \
  "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"   \
  "<body>This person attempted to retract a previous message, but it's "       \
  "unsupported by your client.</body><store xmlns='urn:xmpp:hints'/>"

/* bob (IRC, the room's first member: op) and alice (XMPP) in lobby. */
static tw_client_t *
lobby(xim_t *w, xpeer_t *bob)
{
  tw_client_t *a1;

  xmuc_init(w);
  xmuc_irc(w, bob, "bob", "lobby");
  xpeer_send(bob, "CAP REQ :draft/message-redaction draft/chathistory "
                  "batch\r\n");
  xpeer_take(bob);
  a1 = xim_login(w, "alice", "a1");
  xmuc_joined(a1, "lobby", "alice");
  xpeer_take(bob);
  return a1;
}

static void
say(tw_client_t *a1, xpeer_t *bob, const char *text)
{
  char in[256];

  snprintf(in, sizeof(in),
           "<message to='" ROOM "' type='groupchat'><body>%s</body></message>",
           text);
  tw_send(a1, in);
  tw_take(a1);
  xpeer_take(bob);
}

static const char *
mam(tw_client_t *a1, const char *rsm)
{
  char in[512];

  snprintf(in, sizeof(in),
           "<iq type='set' id='q' to='" ROOM "'><query xmlns='urn:xmpp:mam:2'"
           " queryid='f'>%s</query></iq>",
           rsm);
  tw_send(a1, in);
  return tw_take(a1);
}

TEST(mam_room_ids_and_paging)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  const char *out;
  a1 = lobby(&w, &bob);

  say(a1, &bob, "one"); /* 4: the joins and the owner's op come first */
  xpeer_send(&bob, "PRIVMSG #lobby :two\r\n");
  tw_take(a1);
  say(a1, &bob, "three");
  out = mam(a1, "<set xmlns='http://jabber.org/protocol/rsm'><max>2</max>"
                "</set>");
  HAS(out, "<message to='" A1 "' from='" ROOM "'><result xmlns='urn:xmpp:"
           "mam:2' queryid='f' id='4'><forwarded xmlns='urn:xmpp:forward:0'>");
  HAS(out, "<message xmlns='jabber:client' from='" ROOM "/bob' type="
           "'groupchat'><body>two</body><stanza-id xmlns='urn:xmpp:sid:0' "
           "by='" ROOM "' id='5'/></message>");
  ASSERT(strstr(out, "three") == NULL);
  HAS(out, "<fin xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/"
           "protocol/rsm'><first>4</first><last>5</last><count>3</count>");
  out = mam(a1, "<set xmlns='http://jabber.org/protocol/rsm'><max>2</max>"
                "<before/></set>");
  HAS(out, "<first>5</first><last>6</last>");
  /* IRC's CHATHISTORY: the same messages with the same ids. */
  xpeer_send(&bob, "CHATHISTORY LATEST #lobby * 10\r\n");
  out = xpeer_take(&bob);
  HAS(out, "msgid=4");
  HAS(out, "msgid=5");
  HAS(out, "msgid=6");
  /* #extended metadata: the first and the last. */
  tw_send(a1, "<iq type='get' id='m' to='" ROOM
              "'><metadata xmlns='urn:xmpp:mam:2'/></iq>");
  out = tw_take(a1);
  HAS(out, "<metadata xmlns='urn:xmpp:mam:2'><start id='4' timestamp=");
  HAS(out, "<end id='6' timestamp=");
  /* Only occupants read the archive. */
  c1 = xim_login(&w, "carol", "c1");
  tw_send(c1, "<iq type='set' id='q' to='" ROOM
              "'><query xmlns='urn:xmpp:mam:2'/></iq>");
  HAS(tw_take(c1), "<forbidden ");
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(mam_room_retract_and_moderate)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *out;
  a1 = lobby(&w, &bob);

  say(a1, &bob, "oops");                        /* 3 */
  xpeer_send(&bob, "PRIVMSG #lobby :rude\r\n"); /* 5 */
  tw_take(a1);
  /* Not one's own: refused, by XEP-0424 and by XEP-0425 alike. */
  tw_send(a1, "<message to='" ROOM "' type='groupchat'><retract " RNS
              " id='5'/></message>");
  HAS(tw_take(a1), "<forbidden ");
  tw_send(a1, "<iq type='set' id='mod' to='" ROOM "'><moderate id='5' "
              "xmlns='urn:xmpp:message-moderate:1'><retract " RNS
              "/></moderate></iq>");
  HAS(tw_take(a1), "<forbidden ");
  ASSERT_STR_EQ(xpeer_take(&bob), "");
  /* One's own: every occupant sees it from the occupant, IRC a REDACT. */
  tw_send(a1, "<message to='" ROOM "' type='groupchat'><retract " RNS
              " id='4'/></message>");
  ASSERT_STR_EQ(tw_take(a1), "<message to='" A1 "' from='" ROOM
                             "/alice' type='groupchat'><retract " RNS
                             " id='4'/>" FALLBACK "</message>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test REDACT #lobby 4\r\n");
  /* IRC's REDACT of its own message. */
  xpeer_send(&bob, "REDACT #lobby 5\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" ROOM
                 "/bob' type='groupchat'><retract " RNS " id='5'/>" FALLBACK
                 "</message>");
  xpeer_take(&bob);
  /* An operator moderates: alice gets op from bob, then removes his. */
  xpeer_send(&bob, "MODE #lobby +o alice\r\nPRIVMSG #lobby :spam\r\n");
  tw_take(a1);
  xpeer_take(&bob);
  tw_send(a1, "<iq type='set' id='mod' to='" ROOM "'><moderate id='9' "
              "xmlns='urn:xmpp:message-moderate:1'><retract " RNS
              "/><reason>no spam</reason></moderate></iq>");
  out = tw_take(a1);
  HAS(out, "<message to='" A1 "' from='" ROOM "' type='groupchat'><retract " RNS
           " id='9'><moderated xmlns='urn:xmpp:message-moderate:1' by='" ROOM
           "/alice'/><reason>no spam</reason></retract>" FALLBACK "</message>");
  HAS(out, "type='result' id='mod'");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test REDACT #lobby 9 :no spam\r\n");
  /* The archive keeps tombstones; CHATHISTORY leaves them out. */
  out = mam(a1, "");
#define TOMB "<retracted " RNS " stamp='2023-11-14T22:13:21.000Z'/>"
  HAS(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='4'/>");
  HAS(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='5'/>");
  HAS(out, TOMB "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='9'/>");
  ASSERT(strstr(out, "oops") == NULL && strstr(out, "spam</body>") == NULL);
  xpeer_send(&bob, "CHATHISTORY LATEST #lobby * 10\r\n");
  out = xpeer_take(&bob);
  ASSERT(strstr(out, "msgid=4") == NULL && strstr(out, "msgid=9") == NULL);
  xpeer_close(&bob);
  xim_free(&w);
}

/* A groupchat message carries its other children to the occupants and
 * into the archive; a reply to the room's stanza-id is the neutral
 * reply_to, which IRC shows as +draft/reply. */
TEST(mam_room_payload_and_reply)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *out;
  a1 = lobby(&w, &bob);

  say(a1, &bob, "first"); /* 4 */
  tw_send(a1, "<message to='" ROOM "' type='groupchat' id='g'><body>re"
              "</body><reply xmlns='urn:xmpp:reply:0' id='4' to='" ROOM
              "/alice'/><x xmlns='urn:example:x'>e&amp;f</x></message>");
  out = tw_take(a1); /* the occupant-id (XEP-0421) sits between */
  HAS(out, "<message to='" A1 "' from='" ROOM "/alice' type='groupchat' "
           "id='g'><body>re</body>");
  HAS(out, "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM
           "' id='5'/><reply xmlns='urn:xmpp:reply:0' id='4'/><x "
           "xmlns='urn:example:x'>e&amp;f</x></message>");
  HAS(xpeer_take(&bob), "+draft/reply=4");
  out = mam(a1, "");
  HAS(out, "<body>re</body><stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM
           "' id='5'/><reply xmlns='urn:xmpp:reply:0' id='4'/><x "
           "xmlns='urn:example:x'>e&amp;f</x></message>");
  xpeer_close(&bob);
  xim_free(&w);
}

/* XEP-0424's archive: the retraction message itself is kept after the
 * tombstone, with its own id and time, so a client that synced before
 * the retraction learns of it by paging after its last id: the sender's
 * own from its occupant JID, an operator's (here from IRC) from the room
 * as XEP-0425's moderation with the reason. The tombstone carries the
 * retraction's time. */
TEST(mam_room_retraction_archived)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *out;
  a1 = lobby(&w, &bob);

  say(a1, &bob, "one"); /* 4 */
  say(a1, &bob, "two"); /* 5 */
  tw_send(a1, "<message to='" ROOM "' type='groupchat'><retract " RNS
              " id='4'/></message>"); /* 6 */
  tw_take(a1);
  xpeer_take(&bob);
  xpeer_send(&bob, "REDACT #lobby 5 :off topic\r\n"); /* 7 */
  tw_take(a1);
  out = mam(a1, "<set xmlns='http://jabber.org/protocol/rsm'><after>5"
                "</after></set>");
#define RESULT(id)                                                             \
  "<message to='" A1 "' from='" ROOM "'><result xmlns='urn:xmpp:mam:2' "       \
  "queryid='f' id='" id "'><forwarded xmlns='urn:xmpp:forward:0'><delay "      \
  "xmlns='urn:xmpp:delay' stamp='2023-11-14T22:13:21.000Z'/>"
#define SID(id) "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='" id "'/>"
  ASSERT_STR_EQ(
      out,
      RESULT(
          "6") "<message xmlns='jabber:client' from='" ROOM "/alice' type="
               "'groupchat'><retract " RNS " id='4'/>" FALLBACK
                   SID("6") "</message></forwarded></result></message>" RESULT(
                       "7") "<message xmlns='jabber:client' from='" ROOM
                            "' type='groupchat'><retract " RNS
                            " id='5'><moderated "
                            "xmlns='urn:xmpp:message-moderate:1' by='" ROOM
                            "/bob'/><reason>off "
                            "topic</reason></retract>" FALLBACK SID(
                                "7") "</message></forwarded></result></"
                                     "message><iq to='" A1 "' from='" ROOM
                                     "' type='result' id='q'><fin "
                                     "xmlns='urn:xmpp:mam:2' complete='true'>"
                                     "<set "
                                     "xmlns='http://jabber.org/protocol/"
                                     "rsm'><first>6</first><last>7"
                                     "</last><count>2</count></set></fin></"
                                     "iq>");
  /* The tombstones say when. */
  out = mam(a1, "<set xmlns='http://jabber.org/protocol/rsm'><max>2</max>"
                "</set>");
  HAS(out, "<retracted " RNS " stamp='2023-11-14T22:13:21.000Z'/>" SID("4"));
  HAS(out, "<retracted " RNS " stamp='2023-11-14T22:13:21.000Z'/>" SID("5"));
  xpeer_close(&bob);
  xim_free(&w);
}
