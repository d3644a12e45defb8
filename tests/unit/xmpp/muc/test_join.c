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
                "><item affiliation='owner' role='moderator' "
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
           "id='m1'><body>hi &amp; &lt;all&gt;</body>" SID("4") "</message>");
  xmuc_irc_expect(&bob,
                  ":alice!alice@reed.test PRIVMSG #lobby :hi & <all>\r\n");

  /* IRC -> room. */
  xpeer_send(&bob, "PRIVMSG #lobby :back \xc3\xa9\r\n");
  XMUC_EXPECT(a1, "<message to='" A1 "' from='" ROOM "/bob' type='groupchat'>"
                  "<body>back \xc3\xa9</body>" SID("5") "</message>");

  /* IRC parts, then the XMPP user. */
  xpeer_send(&bob, "PART #lobby :bye\r\n");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM "/bob' "
                  "type='unavailable'><status>bye</status><x " MUC_USER
                  "><item affiliation='owner' role='none' "
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

/* 7.2.6-7.2.10 and the nick rules: each refusal as its condition, after
 * IRC's op (bob, the room's creator and owner) set the room up. */
typedef struct {
  const char *irc;  /* bob's lines in #r first ("" for none) */
  const char *join; /* alice's presence */
  const char *want; /* in the answer */
} join_row_t;

#define JOIN(to) "<presence to='" to "'><x " MUC_NS "/></presence>"
#define JOIN_PW(to, pw)                                                        \
  "<presence to='" to "'><x " MUC_NS "><password>" pw "</password></x>"        \
  "</presence>"
#define ERR(type, cond) "type='" type "'><" cond " " STANZAS "/>"

static const join_row_t join_rows[] = {
    {"MODE #r +b $a:alice\r\n", JOIN("r@" MUC "/alice"),
     ERR("auth", "forbidden")},
    {"MODE #r +i\r\n", JOIN("r@" MUC "/alice"),
     ERR("auth", "registration-required")},
    {"MODE #r +k sekrit\r\n", JOIN("r@" MUC "/alice"),
     ERR("auth", "not-authorized")},
    {"MODE #r +k sekrit\r\n", JOIN_PW("r@" MUC "/alice", "wrong"),
     ERR("auth", "not-authorized")},
    {"MODE #r +l 1\r\n", JOIN("r@" MUC "/alice"),
     ERR("wait", "service-unavailable")},
    {"", JOIN("r@" MUC "/bob"), ERR("cancel", "conflict")},
    {"", JOIN("r@" MUC "/Bob"), ERR("cancel", "conflict")},
    {"", JOIN("r@" MUC "/9lives"), ERR("modify", "jid-malformed")},
    {"", JOIN("r@" MUC), ERR("modify", "jid-malformed")},
    {"", JOIN("a,b@" MUC "/alice"), ERR("modify", "jid-malformed")},
    /* Admitted: the key, an invitation, an account's own name. */
    {"MODE #r +k sekrit\r\n", JOIN_PW("r@" MUC "/alice", "sekrit"),
     "<status code='110'/>"},
    {"MODE #r +i\r\nINVITE alice #r\r\n", JOIN("r@" MUC "/alice"),
     "<status code='110'/>"},
    {"", JOIN("r@" MUC "/ally"), "<status code='110'/>"},
};

TEST(muc_join_refusals)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(join_rows); i++) {
    const join_row_t *row = &join_rows[i];
    xim_t w;
    xpeer_t bob;
    tw_client_t *a1;
    const char *got;

    xmuc_init(&w);
    xmuc_irc(&w, &bob, "bob", "r");
    a1 = xim_login(&w, "alice", "a1");
    if (row->irc[0] != '\0')
      xpeer_send(&bob, row->irc);
    tw_take(a1);
    tw_send(a1, row->join);
    got = xmuc_take(a1);
    if (strstr(got, row->want) == NULL)
      reed__test_fail(__FILE__, __LINE__, "row %zu: %s", i, got);
    xpeer_close(&bob);
    xim_free(&w);
  }
}

/* One nick everywhere: the first join takes the nick asked for (IRC sees
 * it), a join with another nick while in a room is refused, and a nick
 * change inside a room (7.6) changes it everywhere (IRC's NICK, 303). */
TEST(muc_one_nick)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  a1 = xim_login(&w, "alice", "a1");
  xmuc_joined(a1, "r", "ally");
  xmuc_irc_expect(&bob, ":ally!alice@reed.test JOIN #r\r\n");
  xmuc_say(a1, JOIN("s@" MUC "/alice"),
           "<presence to='" A1 "' from='s@" MUC "/alice' type='error'>"
           "<x " MUC_NS "/><error by='s@" MUC
           "' type='modify'><not-acceptable " STANZAS "/><text " STANZAS
           ">You already use another nickname in rooms; one nickname "
           "everywhere</text></error></presence>");
  xmuc_joined(a1, "s", "ally");
  xmuc_say(a1, "<presence to='r@" MUC "/alison'/>",
           "<presence to='" A1 "' from='r@" MUC "/ally' type='unavailable'>"
           "<x " MUC_USER "><item affiliation='none' role='none' jid='" A1
           "' nick='alison'/><status code='303'/><status code='110'/></x>"
           "</presence>"
           "<presence to='" A1 "' from='r@" MUC "/alison'><x " MUC_USER
           "><item affiliation='none' role='participant' jid='" A1
           "'/><status code='110'/></x></presence>"
           "<presence to='" A1 "' from='s@" MUC "/ally' type='unavailable'>"
           "<x " MUC_USER "><item affiliation='owner' role='none' jid='" A1
           "' nick='alison'/><status code='303'/><status code='110'/></x>"
           "</presence>"
           "<presence to='" A1 "' from='s@" MUC "/alison'><x " MUC_USER
           "><item affiliation='owner' role='moderator' jid='" A1
           "'/><status code='110'/></x></presence>");
  xmuc_irc_expect(&bob, ":ally!alice@reed.test NICK :alison\r\n");
  /* A nick someone holds is a conflict. */
  xmuc_say(a1, "<presence to='r@" MUC "/bob'/>",
           "<presence to='" A1 "' from='r@" MUC "/bob' type='error'>"
           "<x " MUC_NS "/><error by='r@" MUC
           "' type='cancel'><conflict " STANZAS "/><text " STANZAS
           ">That nickname is in use</text></error></presence>");
  xpeer_close(&bob);
  xim_free(&w);
}
