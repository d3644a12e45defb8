/* XEP-0280 carbons: enable and disable; <received/> for a message to
 * another full JID, <sent/> for one the account sends from another
 * resource (through the model's copies), bodyless chat messages copied
 * too, <private/> and <no-copy/> honoured, nothing between resources of
 * one account; copies of what the account's IRC session sends and of
 * what reaches it from IRC; an offline message's <sent/> carbon. */
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>

#define A1 "alice@reed.test/a1"
#define A2 "alice@reed.test/a2"
#define B1 "bob@reed.test/b1"
#define CARB "xmlns='urn:xmpp:carbons:2'"
#define FWD "<forwarded xmlns='urn:xmpp:forward:0'>"
#define ENABLE(id)                                                             \
  "<iq type='set' id='" id "'><enable xmlns='urn:xmpp:carbons:2'/></iq>"
#define SID(by, id) "<stanza-id " XIM_SID " by='" by "' id='" id "'/>"

static void
setup(xim_t *w, tw_client_t **a1, tw_client_t **a2, tw_client_t **b1)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  *a1 = xim_login(w, "alice", "a1");
  *a2 = xim_login(w, "alice", "a2");
  *b1 = xim_login(w, "bob", "b1");
  xim_online(*a1, NULL);
  xim_online(*a2, "<presence to='" A2 "' from='" A1 "'/>");
  tw_take(*a1);
  xim_online(*b1, NULL);
  xim_say(*a2, ENABLE("c1"), "<iq to='" A2 "' type='result' id='c1'/>");
}

TEST(carbons_enable_disable)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  setup(&w, &a1, &a2, &b1);

  /* Twice is no error; get is not a thing. */
  xim_say(a2, ENABLE("c2"), "<iq to='" A2 "' type='result' id='c2'/>");
  xim_say(a2,
          "<iq type='get' id='c3'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
          "<iq to='" A2 "' type='error' id='c3'><error type='cancel'>"
          "<service-unavailable " XIM_STANZAS "/></error></iq>");
  xim_say(a2,
          "<iq type='set' id='c4'><disable xmlns='urn:xmpp:carbons:2'/></iq>",
          "<iq to='" A2 "' type='result' id='c4'/>");
  /* Off: nothing for a message to another resource. */
  xim_say(b1,
          "<message to='" A1 "' type='chat' id='m1'><body>x</body></message>",
          "");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" B1
                 "' type='chat' id='m1'><body>x</body>" SID("alice@reed.test",
                                                            "1") "</message>");
  XIM_EXPECT(a2, "");
  xim_free(&w);
}

TEST(carbons_xmpp)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  setup(&w, &a1, &a2, &b1);

  /* To a1's full JID: a2 gets <received/>. */
  xim_say(b1,
          "<message to='" A1 "' type='chat' id='m1'><body>hi a1</body>"
          "</message>",
          "");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" B1
                 "' type='chat' id='m1'><body>hi a1</body>" SID(
                     "alice@reed.test", "1") "</message>");
  XIM_EXPECT(a2,
             "<message to='" A2 "' from='alice@reed.test' type='chat'>"
             "<received " CARB ">" FWD "<message xmlns='jabber:client' to='" A1
             "' from='" B1 "' type='chat' id='m1'><body>hi a1</body>" SID(
                 "alice@reed.test",
                 "1") "</message></forwarded></received></message>");
  /* To the bare JID: both have it, no carbon. */
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='m2'><body>both"
          "</body></message>",
          "");
  XIM_EXPECT(a1, "<message to='" A1 "' from='" B1
                 "' type='chat' id='m2'><body>both</body>" SID(
                     "alice@reed.test", "2") "</message>");
  XIM_EXPECT(a2, "<message to='" A2 "' from='" B1
                 "' type='chat' id='m2'><body>both</body>" SID(
                     "alice@reed.test", "2") "</message>");
  /* a1 sends: a2 gets <sent/>, with the 'to' a1 wrote. */
  xim_say(a1,
          "<message to='bob@reed.test' type='chat' id='m3'><body>from a1"
          "</body><origin-id " XIM_SID " id='o3'/></message>",
          "");
  XIM_EXPECT(b1, "<message to='" B1 "' from='" A1
                 "' type='chat' id='m3'><body>from a1</body>" SID(
                     "bob@reed.test", "3") "<origin-id " XIM_SID
                                           " id='o3'/></message>");
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<sent " CARB ">" FWD
                 "<message xmlns='jabber:client' to='bob@reed.test' from='" A1
                 "' type='chat' id='m3'><body>from a1</body>" SID(
                     "alice@reed.test", "3") "<origin-id " XIM_SID
                                             " id='o3'/></message>"
                                             "</forwarded></sent></message>");
  /* Between the account's own resources: no carbons. */
  xim_say(a1,
          "<message to='" A2 "' type='chat' id='m4'><body>self</body>"
          "</message>",
          "");
  XIM_EXPECT(a2, "<message to='" A2 "' from='" A1
                 "' type='chat' id='m4'><body>self</body>" SID(
                     "alice@reed.test", "4") "</message>");
  XIM_EXPECT(a1, "");
  /* A headline is not copied. */
  xim_say(a1,
          "<message to='bob@reed.test' type='headline'><body>news</body>"
          "</message>",
          "");
  XIM_EXPECT(a2, "");
  xim_free(&w);
}

TEST(carbons_bodyless_and_private)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  setup(&w, &a1, &a2, &b1);

  /* A chat state from a1: a2 gets it as <sent/>. */
  xim_say(a1,
          "<message to='bob@reed.test' type='chat' id='s1'><composing "
          "xmlns='http://jabber.org/protocol/chatstates'/></message>",
          "");
  XIM_EXPECT(b1, "<message to='" B1 "' from='" A1
                 "' type='chat' id='s1'><composing "
                 "xmlns='http://jabber.org/protocol/chatstates'/></message>");
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<sent " CARB ">" FWD
                 "<message xmlns='jabber:client' to='bob@reed.test' from='" A1
                 "' type='chat' id='s1'><composing "
                 "xmlns='http://jabber.org/protocol/chatstates'/></message>"
                 "</forwarded></sent></message>");
  /* A receipt to a1's full JID: a2 gets <received/>. */
  xim_say(b1,
          "<message to='" A1 "' type='chat' id='r1'><received "
          "xmlns='urn:xmpp:receipts' id='m0'/></message>",
          "");
  tw_take(a1);
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<received " CARB ">" FWD
                 "<message xmlns='jabber:client' to='" A1 "' from='" B1
                 "' type='chat' id='r1'><received xmlns='urn:xmpp:receipts' "
                 "id='m0'/></message></forwarded></received></message>");
  /* <private/> and <no-copy/>: no carbons either way. */
  xim_say(a1,
          "<message to='bob@reed.test' type='chat' id='p1'><body>secret"
          "</body><private " CARB "/></message>",
          "");
  tw_take(b1);
  XIM_EXPECT(a2, "");
  xim_say(b1,
          "<message to='" A1 "' type='chat' id='p2'><body>psst</body>"
          "<no-copy xmlns='urn:xmpp:hints'/></message>",
          "");
  tw_take(a1);
  XIM_EXPECT(a2, "");
  xim_say(b1,
          "<message to='" A1 "' type='chat' id='p3'><composing "
          "xmlns='http://jabber.org/protocol/chatstates'/><private " CARB
          "/></message>",
          "");
  tw_take(a1);
  XIM_EXPECT(a2, "");
  /* A bodyless normal message is not copied. */
  xim_say(b1, "<message to='" A1 "' id='n1'><x xmlns='urn:x'/></message>", "");
  tw_take(a1);
  XIM_EXPECT(a2, "");
  xim_free(&w);
}

TEST(carbons_irc_and_offline)
{
  xim_t w;
  xpeer_t airc, dave;
  tw_client_t *a1, *a2, *b1;
  setup(&w, &a1, &a2, &b1);
  xim_account(&w, "dave");
  xim_account(&w, "frank");
  /* The server's store loads every account into the model at start; the
   * world's store learns of frank only here. */
  ASSERT_EQ(reed_model_account_add(w.tw.model, "frank"), 0);
  xpeer_irc_login(&w.tw, &airc, "alice");
  xpeer_irc_login(&w.tw, &dave, "dave");
  tw_take(a1);
  tw_take(a2);

  /* Alice's IRC session sends: a2 (carbons on) gets <sent/>, a1 not. */
  xpeer_send(&airc, "PRIVMSG dave :from irc\r\n");
  xpeer_take(&dave);
  XIM_EXPECT(a1, "");
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<sent " CARB ">" FWD
                 "<message xmlns='jabber:client' to='dave@reed.test' "
                 "from='alice@reed.test/irc' type='chat'><body>from irc"
                 "</body>" SID("alice@reed.test",
                               "1") "</message></forwarded></sent></message>");
  /* a1 to frank, who has no session: kept with its id, a2's <sent/>. */
  xim_say(a1,
          "<message to='frank@reed.test' type='chat' id='f1'><body>later"
          "</body></message>",
          "");
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<sent " CARB ">" FWD
                 "<message xmlns='jabber:client' to='frank@reed.test' from='" A1
                 "' type='chat' id='f1'><body>later</body>" SID(
                     "alice@reed.test",
                     "2") "</message></forwarded></sent></message>");
  tw_client_t *f1 = xim_login(&w, "frank", "f1");
  xim_online(f1, "<message to='frank@reed.test/f1' from='" A1
                 "' type='chat' id='f1'><body>later</body>" SID(
                     "frank@reed.test",
                     "2") "<delay xmlns='urn:xmpp:delay' from='reed.test' "
                          "stamp='2023-11-14T22:13:21.000Z'/></message>");
  /* ...and in the private history IRC shows, with the same id. */
  xpeer_send(&airc, "CHATHISTORY LATEST frank * 10\r\n");
  ASSERT(strstr(xpeer_take(&airc), "msgid=2") != NULL);
  /* From IRC to a2 at negative priority: <received/> instead. */
  tw_send(a2, "<presence><priority>-1</priority></presence>");
  tw_take(a2);
  tw_take(a1);
  tw_take(b1);
  xpeer_send(&dave, "PRIVMSG alice :to alice\r\n");
  xpeer_take(&airc);
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><body>to alice</body>" SID("alice@reed.test",
                                                         "3") "</message>");
  XIM_EXPECT(a2, "<message to='" A2 "' from='alice@reed.test' type='chat'>"
                 "<received " CARB ">" FWD
                 "<message xmlns='jabber:client' to='alice@reed.test' "
                 "from='dave@reed.test/irc' type='chat'><body>to alice"
                 "</body>" SID("alice@reed.test",
                               "3") "</message>"
                                    "</forwarded></received></message>");
  xpeer_close(&airc);
  xpeer_close(&dave);
  xim_free(&w);
}
