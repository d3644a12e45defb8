/* The room as an entity: the muc#roomconfig form on the model's modes
 * (both ways with IRC's MODE), disco of the service and rooms, XEP-0410
 * self-ping, invitations (XEP-0249, mediated, IRC's INVITE), XEP-0421
 * occupant ids, bots. */
#include "irc.h"
#include "xmuc_fixture.h"

#define ROOM "r@" MUC
#define OWNER(id, type, body)                                                  \
  "<iq to='" ROOM "' type='" type "' id='" id                                  \
  "'><query xmlns='http://jabber.org/protocol/muc#owner'>" body "</query>"     \
  "</iq>"
#define FIELD(var, v) "<field var='" var "'><value>" v "</value></field>"
#define CFG(var, v) FIELD("muc#roomconfig_" var, v)
#define SUBMIT(fields)                                                         \
  "<x xmlns='jabber:x:data' type='submit'>" FIELD(                             \
      "FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig") fields "</x>"

static void
setup(xim_t *w, xpeer_t *bob, tw_client_t **a1)
{
  xmuc_init(w);
  *a1 = xim_login(w, "alice", "a1");
  xmuc_joined(*a1, "r", "alice");
  xmuc_irc(w, bob, "bob", "r");
  tw_take(*a1);
}

/* The value of field var in a form, "" when absent. */
static const char *
value_of(const char *form, const char *var)
{
  static char buf[256];
  char key[128];
  const char *p, *v, *e;

  buf[0] = '\0';
  snprintf(key, sizeof(key), "var='%s'", var);
  if ((p = strstr(form, key)) == NULL)
    return buf;
  if ((v = strstr(p, "<value>")) == NULL ||
      (e = strstr(v, "</value>")) == NULL || strstr(p, "</field>") < v)
    return buf;
  snprintf(buf, sizeof(buf), "%.*s", (int)(e - v - 7), v + 7);
  return buf;
}

TEST(muc_config_form)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *form;

  setup(&w, &bob, &a1);
  tw_send(a1, OWNER("c1", "get", ""));
  form = xmuc_take(a1);
  ASSERT(strstr(form, "<x xmlns='jabber:x:data' type='form'>") != NULL);
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_membersonly"), "0");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_publicroom"), "1");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_maxusers"), "0");
  /* Submitted: one MODE on IRC, 104 to XMPP occupants. */
  xmuc_say(a1,
           OWNER("c2", "set",
                 SUBMIT(CFG("membersonly", "1") CFG("moderatedroom", "true")
                            CFG("passwordprotectedroom", "1")
                                CFG("roomsecret", "s3cret")
                                    CFG("maxusers", "20") CFG("publicroom", "0")
                                        CFG("changesubject", "0"))),
           "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
           "><item affiliation='none' role='visitor' "
           "jid='bob@reed.test/irc'/></x></presence>"
           "<message to='" A1 "' from='" ROOM "' type='groupchat'><x " MUC_USER
           "><status code='104'/></x></message>"
           "<iq to='" A1 "' from='" ROOM "' type='result' id='c2'/>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test MODE #r +simtkl s3cret 20\r\n");
  tw_send(a1, OWNER("c3", "get", ""));
  form = xmuc_take(a1);
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_membersonly"), "1");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_moderatedroom"), "1");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_roomsecret"), "s3cret");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_maxusers"), "20");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_publicroom"), "0");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_changesubject"), "0");
  /* IRC's MODE shows in the form (and as 104). */
  tw_send(a1, "<iq to='" ROOM "' type='set' id='o1'><query "
              "xmlns='http://jabber.org/protocol/muc#admin'><item nick='bob' "
              "role='moderator'/></query></iq>");
  tw_take(a1);
  xpeer_send(&bob, "MODE #r -ik s3cret\r\n");
  XMUC_EXPECT(a1, "<message to='" A1 "' from='" ROOM
                  "' type='groupchat'><x " MUC_USER
                  "><status code='104'/></x></message>");
  tw_send(a1, OWNER("c4", "get", ""));
  form = xmuc_take(a1);
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_membersonly"), "0");
  ASSERT_STR_EQ(value_of(form, "muc#roomconfig_passwordprotectedroom"), "0");
  /* Bad values, a cancel, a non-owner. */
  tw_send(a1, OWNER("c5", "set", SUBMIT(CFG("maxusers", "lots"))));
  ASSERT(strstr(xmuc_take(a1), "<bad-request ") != NULL);
  xmuc_say(a1, OWNER("c6", "set", "<x xmlns='jabber:x:data' type='cancel'/>"),
           "<iq to='" A1 "' from='" ROOM "' type='result' id='c6'/>");
  {
    tw_client_t *c1 = xim_login(&w, "carol", "c1");
    xmuc_joined(c1, "r", "carol");
    tw_send(c1, "<iq to='" ROOM "' type='get' id='c7'><query "
                "xmlns='http://jabber.org/protocol/muc#owner'/></iq>");
    ASSERT(strstr(tw_take(c1), "<forbidden ") != NULL);
  }
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(muc_disco_and_ping)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *got;

  setup(&w, &bob, &a1);
  xpeer_send(&bob, "JOIN #hidden\r\nMODE #hidden +s\r\n");
  tw_send(a1, "<iq to='" MUC "' type='get' id='d1'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  got = tw_take(a1);
  ASSERT(strstr(got, "<identity category='conference' type='text' "
                     "name='Rooms'/>") != NULL);
  ASSERT(strstr(got, "<feature var='http://jabber.org/protocol/muc'/>") !=
         NULL);
  xmuc_say(a1,
           "<iq to='" MUC "' type='get' id='d2'><query "
           "xmlns='http://jabber.org/protocol/disco#items'/></iq>",
           "<iq to='" A1 "' from='" MUC "' type='result' id='d2'><query "
           "xmlns='http://jabber.org/protocol/disco#items'><item jid='" ROOM
           "' name='r'/></query></iq>");
  tw_send(a1, "<iq to='" ROOM "' type='get' id='d3'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  got = tw_take(a1);
  ASSERT(strstr(got, "<identity category='conference' type='text' "
                     "name='r'/>") != NULL);
  ASSERT(strstr(got, "<feature var='muc_persistent'/>") != NULL);
  ASSERT(strstr(got, "<feature var='muc_open'/>") != NULL);
  ASSERT(strstr(got, "<feature var='muc_unmoderated'/>") != NULL);
  ASSERT(strstr(got, "<feature var='muc_nonanonymous'/>") != NULL);
  ASSERT(strstr(got, "<feature var='urn:xmpp:occupant-id:0'/>") != NULL);
  ASSERT(strstr(got, "<field var='muc#roominfo_occupants' label='Number of "
                     "occupants'><value>2</value></field>") != NULL);
  tw_send(a1, "<iq to='nope@" MUC "' type='get' id='d4'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  ASSERT(strstr(tw_take(a1), "<item-not-found ") != NULL);
  /* XEP-0410. */
  xmuc_say(a1,
           "<iq to='" ROOM "/alice' type='get' id='p1'><ping "
           "xmlns='urn:xmpp:ping'/></iq>",
           "<iq to='" A1 "' from='" ROOM "/alice' type='result' id='p1'/>");
  tw_send(a1, "<iq to='hidden@" MUC "/alice' type='get' id='p2'><ping "
              "xmlns='urn:xmpp:ping'/></iq>");
  ASSERT(strstr(tw_take(a1), "<not-acceptable ") != NULL);
  tw_send(a1, "<presence to='" ROOM "/alice' type='unavailable'/>");
  tw_take(a1);
  tw_send(a1, "<iq to='" ROOM "/alice' type='get' id='p3'><ping "
              "xmlns='urn:xmpp:ping'/></iq>");
  ASSERT(strstr(tw_take(a1), "<not-acceptable ") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(muc_invitations)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  const char *got;

  setup(&w, &bob, &a1);
  c1 = xim_login(&w, "carol", "c1");
  xmuc_say(a1,
           "<iq to='" ROOM "' type='set' id='i0'><query "
           "xmlns='http://jabber.org/protocol/muc#owner'><x "
           "xmlns='jabber:x:data' type='submit'>" CFG("membersonly",
                                                      "1") "</x></query></iq>",
           "<message to='" A1 "' from='" ROOM "' type='groupchat'><x " MUC_USER
           "><status code='104'/></x></message>"
           "<iq to='" A1 "' from='" ROOM "' type='result' id='i0'/>");
  /* Mediated (7.8.2): carol gets it from the room, and may join. */
  xmuc_say(a1,
           "<message to='" ROOM "'><x " MUC_USER "><invite "
           "to='carol@reed.test'><reason>come</reason></invite></x>"
           "</message>",
           "");
  XMUC_EXPECT(c1, "<message to='carol@reed.test/c1' from='" ROOM
                  "'><x " MUC_USER "><invite from='" A1 "'/></x><x "
                  "xmlns='jabber:x:conference' jid='" ROOM "'/></message>");
  xmuc_joined(c1, "r", "carol");
  /* XEP-0249 to an IRC user: IRC's INVITE. */
  xpeer_send(&bob, "PART #r\r\n");
  xpeer_take(&bob);
  tw_take(a1);
  tw_send(a1, "<message to='bob@reed.test'><x xmlns='jabber:x:conference' "
              "jid='" ROOM "'/></message>");
  ASSERT(strstr(xpeer_take(&bob), ":alice!alice@reed.test INVITE bob #r\r\n") !=
         NULL);
  xpeer_send(&bob, "JOIN #r\r\n");
  got = tw_take(a1);
  ASSERT(strstr(got, "from='" ROOM "/bob'>") != NULL);
  /* IRC's INVITE reaching an XMPP user: a mediated invitation. */
  tw_take(c1);
  xpeer_send(&bob, "JOIN #other\r\nINVITE carol #other\r\n");
  XMUC_EXPECT(c1,
              "<message to='carol@reed.test/c1' from='other@" MUC
              "'><x " MUC_USER "><invite from='bob@reed.test/irc'/></x><x "
              "xmlns='jabber:x:conference' jid='other@" MUC "'/></message>");
  /* Someone not online: item-not-found. */
  tw_send(a1, "<message to='" ROOM "'><x " MUC_USER "><invite "
              "to='dave@reed.test'/></x></message>");
  ASSERT(strstr(tw_take(a1), "<item-not-found ") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}

/* The id in s after `from`'s occupant presence, "" when none. */
static const char *
oid_after(const char *s, const char *from)
{
  static char buf[64];
  const char *p = strstr(s, from), *q;

  buf[0] = '\0';
  if (p == NULL || (q = strstr(p, "<occupant-id ")) == NULL ||
      (q = strstr(q, "id='")) == NULL)
    return buf;
  snprintf(buf, sizeof(buf), "%.*s", 24, q + 4);
  return buf;
}

/* XEP-0421: one id per account and room, whatever resource or nick; IRC
 * members have one too; other rooms other ids. */
TEST(muc_occupant_ids)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *a2, *c1;
  char alice_r[32], bob_r[32];
  const char *got;

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  xpeer_send(&bob, "JOIN #s\r\n");
  a1 = xim_login(&w, "alice", "a1");
  tw_send(a1, "<presence to='" ROOM "/alice'/>");
  got = tw_take(a1);
  snprintf(bob_r, sizeof(bob_r), "%s", oid_after(got, "from='" ROOM "/bob'"));
  snprintf(alice_r, sizeof(alice_r), "%s",
           oid_after(got, "from='" ROOM "/alice'"));
  ASSERT_EQ(strlen(bob_r), 24);
  ASSERT_EQ(strlen(alice_r), 24);
  ASSERT(strcmp(bob_r, alice_r) != 0);
  /* Another resource of alice's: the same id; carol sees both. */
  a2 = xim_login(&w, "alice", "a2");
  tw_send(a2, "<presence to='" ROOM "/alice'/>");
  got = tw_take(a2);
  ASSERT_STR_EQ(oid_after(got, "from='" ROOM "/alice'"), alice_r);
  ASSERT_STR_EQ(oid_after(got, "from='" ROOM "/bob'"), bob_r);
  c1 = xim_login(&w, "carol", "c1");
  tw_send(c1, "<presence to='" ROOM "/carol'/>");
  got = tw_take(c1);
  ASSERT_STR_EQ(oid_after(got, "from='" ROOM "/alice'"), alice_r);
  /* In messages too; in another room, another id. */
  xpeer_send(&bob, "PRIVMSG #r :hi\r\n");
  ASSERT_STR_EQ(oid_after(tw_take(c1), "from='" ROOM "/bob'"), bob_r);
  tw_send(c1, "<presence to='s@" MUC "/carol'/>");
  got = tw_take(c1);
  ASSERT(strlen(oid_after(got, "from='s@" MUC "/bob'")) == 24);
  ASSERT(strcmp(oid_after(got, "from='s@" MUC "/bob'"), bob_r) != 0);
  xpeer_close(&bob);
  xim_free(&w);
}

/* A bot (the person's bot flag): XEP-0115 caps with identity client/bot
 * in its presence, and disco#info of its occupant JID says so. */
TEST(muc_bot_occupant)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *got;

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  xpeer_send(&bob, "MODE bob +B\r\n");
  a1 = xim_login(&w, "alice", "a1");
  got = xmuc_join(a1, "r", "alice");
  ASSERT(strstr(got, "jid='bob@reed.test/irc'/></x><c "
                     "xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                     "node='urn:reed:bot' ver='") != NULL);
  tw_send(a1, "<iq to='" ROOM "/bob' type='get' id='q1'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  ASSERT(strstr(tw_take(a1), "<identity category='client' type='bot' "
                             "name='bot'/>") != NULL);
  tw_send(a1, "<iq to='" ROOM "/alice' type='get' id='q2'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  ASSERT(strstr(tw_take(a1), "<service-unavailable ") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}

/* A bot logged in over XMPP (reed's bot library announces <c
 * node='urn:reed:bot'/>): its person is a bot for every protocol. IRC's
 * WHOIS says so and its messages carry the bot tag; XMPP occupants get
 * the client/bot caps in its presence. */
TEST(muc_bot_over_xmpp)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  const char *got;

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  a1 = xim_login(&w, "alice", "a1");
  xmuc_joined(a1, "r", "alice");
  c1 = xim_login(&w, "carol", "c1");
  tw_send(c1, "<presence to='" ROOM "/carol'><x " MUC_NS "><history "
              "maxstanzas='0'/></x><c xmlns='http://jabber.org/protocol/caps'"
              " hash='sha-1' node='urn:reed:bot' ver='x'/></presence>");
  tw_take(c1);
  got = xmuc_take(a1);
  ASSERT(strstr(got, "jid='carol@reed.test/c1'/></x><c "
                     "xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                     "node='urn:reed:bot' ver='") != NULL);
  xpeer_take(&bob);
  xpeer_send(&bob, "WHOIS carol\r\n");
  ASSERT(strstr(xpeer_take(&bob), " 335 bob carol :is a bot") != NULL);
  tw_send(c1, "<message to='" ROOM "' type='groupchat'><body>beep</body>"
              "</message>");
  got = xpeer_take(&bob);
  ASSERT(strstr(got, ";bot") != NULL || strstr(got, "@bot") != NULL);
  ASSERT(strstr(got, "PRIVMSG #r :beep") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}
