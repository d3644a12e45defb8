/* XEP-0045 7.2 (entering), 7.4 (groupchat), 7.14 (leaving) with an IRC
 * member in the same model room: occupant presences of every member, the
 * own presence with 110 (100: non-anonymous; 201: a new room), the
 * subject last; messages both ways with the room's stanza-id; parts. */
#include "irc.h"
#include "xmuc_fixture.h"

#define ROOM "lobby@" MUC
#define SID(id) "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='" id "'/>"

TEST(muc_join_irc_both_ways)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "lobby");
  a1 = xim_login(&w, "alice", "a1");
  ASSERT_STR_EQ(xmuc_join(a1, "lobby", "alice"),
                "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
                "><item affiliation='none' role='moderator' "
                "jid='bob@reed.test/irc'/></x></presence>"
                "<presence to='" A1 "' from='" ROOM "/alice'><x " MUC_USER
                "><item affiliation='none' role='participant' jid='" A1
                "'/><status code='100'/><status code='110'/></x>"
                "</presence>"
                "<message to='" A1 "' from='" ROOM
                "' type='groupchat'><subject/>"
                "</message>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test JOIN #lobby\r\n");

  /* XMPP -> room: the echo with the client's id, IRC's PRIVMSG. */
  xmuc_say(a1,
           "<message to='" ROOM "' type='groupchat' id='m1'><body>hi &amp; "
           "&lt;all&gt;</body></message>",
           "<message to='" A1 "' from='" ROOM "/alice' type='groupchat' "
           "id='m1'><body>hi &amp; &lt;all&gt;</body>" SID("3") "</message>");
  xmuc_irc_expect(&bob,
                  ":alice!alice@reed.test PRIVMSG #lobby :hi & <all>\r\n");

  /* IRC -> room. */
  xpeer_send(&bob, "PRIVMSG #lobby :back \xc3\xa9\r\n");
  XMUC_EXPECT(a1, "<message to='" A1 "' from='" ROOM "/bob' type='groupchat'>"
                  "<body>back \xc3\xa9</body>" SID("4") "</message>");

  /* IRC parts, then the XMPP user. */
  xpeer_send(&bob, "PART #lobby :bye\r\n");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM "/bob' "
                  "type='unavailable'><status>bye</status><x " MUC_USER
                  "><item affiliation='none' role='none' "
                  "jid='bob@reed.test/irc'/></x>"
                  "</presence>");
  xpeer_send(&bob, "JOIN #lobby\r\n");
  tw_take(a1);
  xpeer_take(&bob);
  xmuc_say(a1, "<presence to='" ROOM "/alice' type='unavailable'/>",
           "<presence to='" A1 "' from='" ROOM "/alice' type='unavailable'>"
           "<x " MUC_USER "><item affiliation='none' role='none' jid='" A1
           "'/><status code='110'/></x>"
           "</presence>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test PART #lobby\r\n");
  xpeer_close(&bob);
  xim_free(&w);
}
