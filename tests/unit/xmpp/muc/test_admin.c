/* XEP-0045 8-10 across protocols: kicks (307) and bans (301) both ways,
 * voice and moderation (roles visitor/participant), voice requests
 * (7.13), role and affiliation lists, affiliations on the model, and the
 * configuration form on the room modes (104 for IRC's MODE). */
#include "irc.h"
#include "xmuc_fixture.h"

#define ROOM "r@" MUC
#define ADMIN(id, type, items)                                                 \
  "<iq to='" ROOM "' type='" type "' id='" id                                  \
  "'><query xmlns='http://jabber.org/protocol/muc#admin'>" items "</query>"    \
  "</iq>"
#define RESULT(id) "<iq to='" A1 "' from='" ROOM "' type='result' id='" id "'/>"

/* alice (XMPP) creates #r, so owns it; bob (IRC) joins. */
static void
setup(xim_t *w, xpeer_t *bob, tw_client_t **a1)
{
  xmuc_init(w);
  *a1 = xim_login(w, "alice", "a1");
  ASSERT(strstr(xmuc_join(*a1, "r", "alice"), "<status code='201'/>"));
  xmuc_irc(w, bob, "bob", "r");
  tw_take(*a1);
}

TEST(muc_kick_both_ways)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  setup(&w, &bob, &a1);
  xmuc_say(a1,
           ADMIN("k1", "set",
                 "<item nick='bob' role='none'><reason>out &amp; about"
                 "</reason></item>"),
           "<presence to='" A1 "' from='" ROOM
           "/bob' type='unavailable'><x " MUC_USER
           "><item affiliation='none' role='none' jid='bob@reed.test/irc'>"
           "<actor nick='alice'/><reason>out &amp; about</reason></item>"
           "<status code='307'/></x></presence>" RESULT("k1"));
  xmuc_irc_expect(&bob, ":alice!alice@reed.test KICK #r bob :out & about\r\n");
  /* IRC kicks the XMPP user: 307 and 110. */
  xpeer_send(&bob, "JOIN #r\r\n");
  tw_take(a1);
  tw_send(a1, ADMIN("k2", "set", "<item nick='bob' role='moderator'/>"));
  tw_take(a1);
  xpeer_take(&bob);
  xpeer_send(&bob, "KICK #r alice :bye now\r\n");
  XMUC_EXPECT(a1,
              "<presence to='" A1 "' from='" ROOM "/alice' "
              "type='unavailable'><x " MUC_USER "><item affiliation='owner' "
              "role='none' jid='" A1 "'><actor nick='bob'/><reason>bye "
              "now</reason></item><status code='307'/><status "
              "code='110'/></x></presence>");
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(muc_ban_both_ways)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  const char *got;

  setup(&w, &bob, &a1);
  /* XMPP bans an IRC account: KICK to IRC, 301 to XMPP, the outcast list. */
  tw_send(a1, ADMIN("b1", "set",
                    "<item affiliation='outcast' jid='bob@reed.test'/>"));
  got = xmuc_take(a1);
  ASSERT(strstr(got, "from='" ROOM "/bob' type='unavailable'") != NULL);
  ASSERT(strstr(got, "<item affiliation='outcast' role='none'") != NULL);
  ASSERT(strstr(got, "<status code='301'/>") != NULL);
  ASSERT(strstr(got, RESULT("b1")) != NULL);
  ASSERT(strstr(xpeer_take(&bob), "KICK #r bob") != NULL);
  xpeer_send(&bob, "JOIN #r\r\n");
  ASSERT(strstr(xpeer_take(&bob), " 474 bob #r ") != NULL);
  xmuc_say(a1, ADMIN("b2", "get", "<item affiliation='outcast'/>"),
           "<iq to='" A1 "' from='" ROOM "' type='result' id='b2'><query "
           "xmlns='http://jabber.org/protocol/muc#admin'><item "
           "affiliation='outcast' jid='bob@reed.test'/></query></iq>");
  /* IRC bans an XMPP account ($a: extban) and kicks it: 301. */
  xmuc_say(a1,
           ADMIN("b3", "set", "<item affiliation='none' jid='bob@reed.test'/>"),
           RESULT("b3"));
  xpeer_send(&bob, "JOIN #r\r\n");
  tw_take(a1);
  c1 = xim_login(&w, "carol", "c1");
  xmuc_joined(c1, "r", "carol");
  tw_take(a1);
  xmuc_say(
      a1, ADMIN("b4", "set", "<item affiliation='admin' jid='bob@reed.test'/>"),
      "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
      "><item affiliation='admin' role='participant' "
      "jid='bob@reed.test/irc'/></x></presence>"
      "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
      "><item affiliation='admin' role='moderator' "
      "jid='bob@reed.test/irc'/></x></presence>" RESULT("b4"));
  xpeer_take(&bob);
  tw_take(c1);
  xpeer_send(&bob, "MODE #r +b $a:carol\r\nKICK #r carol :no\r\n");
  got = xmuc_take(c1);
  ASSERT(strstr(got, "<status code='301'/><status code='110'/>") != NULL);
  ASSERT(strstr(got, "<item affiliation='outcast' role='none'") != NULL);
  /* An admin may not ban the owner. */
  xpeer_take(&bob);
  xpeer_send(&bob, "MODE #r +b $a:alice\r\n");
  ASSERT(strstr(xpeer_take(&bob), "needs an owner") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}

/* Moderation: +m makes unvoiced occupants visitors (and says 104); a
 * visitor may not speak, asks for voice (IRC's op gets a NOTICE, XMPP
 * moderators the form); voice by role or by IRC's +v. */
TEST(muc_voice_and_moderation)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  const char *got;

  setup(&w, &bob, &a1);
  c1 = xim_login(&w, "carol", "c1");
  xmuc_joined(c1, "r", "carol");
  tw_take(a1);
  xpeer_take(&bob);
  xpeer_send(&bob, "MODE #r +o bob\r\n"); /* not an op: refused */
  xpeer_take(&bob);
  xmuc_say(a1, ADMIN("v0", "set", "<item nick='bob' role='moderator'/>"),
           "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
           "><item affiliation='none' role='moderator' "
           "jid='bob@reed.test/irc'/></x></presence>" RESULT("v0"));
  xpeer_take(&bob);
  tw_take(c1);
  xpeer_send(&bob, "MODE #r +m\r\n");
  got = xmuc_take(c1);
  ASSERT(strstr(got, "from='" ROOM "/carol'><x " MUC_USER
                     "><item affiliation='none' role='visitor' "
                     "jid='carol@reed.test/c1'/><status code='110'/>") != NULL);
  ASSERT(strstr(got, "<status code='104'/>") != NULL);
  tw_take(a1);
  tw_send(c1, "<message to='" ROOM "' type='groupchat' id='m1'><body>hi"
              "</body></message>");
  ASSERT(strstr(tw_take(c1), "<forbidden ") != NULL);
  /* The voice request. */
  tw_send(c1, "<message to='" ROOM "'><x xmlns='jabber:x:data' "
              "type='submit'><field var='FORM_TYPE'><value>"
              "http://jabber.org/protocol/muc#request</value></field>"
              "<field var='muc#role'><value>participant</value></field>"
              "</x></message>");
  ASSERT(strstr(xpeer_take(&bob),
                ":carol!carol@reed.test NOTICE bob :asks for voice in r\r\n") !=
         NULL);
  got = tw_take(a1);
  ASSERT(strstr(got, "<message to='" A1 "' from='" ROOM
                     "'><x xmlns='jabber:x:data' type='form'><title>Voice "
                     "request</title>") != NULL);
  ASSERT(strstr(got, "<field var='muc#roomnick' type='text-single' "
                     "label='Room Nickname'><value>carol</value>") != NULL);
  /* alice approves. */
  tw_send(a1, "<message to='" ROOM "'><x xmlns='jabber:x:data' "
              "type='submit'><field var='FORM_TYPE'><value>"
              "http://jabber.org/protocol/muc#request</value></field>"
              "<field var='muc#role'><value>participant</value></field>"
              "<field var='muc#roomnick'><value>carol</value></field>"
              "<field var='muc#request_allow'><value>true</value></field>"
              "</x></message>");
  ASSERT(strstr(tw_take(c1), "role='participant' jid='carol@reed.test/c1'/>"
                             "<status code='110'/>") != NULL);
  ASSERT(strstr(xpeer_take(&bob), "MODE #r +v carol") != NULL);
  /* Visitor again by role; the role lists. */
  tw_take(a1);
  xmuc_say(a1, ADMIN("v1", "set", "<item nick='carol' role='visitor'/>"),
           "<presence to='" A1 "' from='" ROOM "/carol'><x " MUC_USER
           "><item affiliation='none' role='visitor' "
           "jid='carol@reed.test/c1'/></x></presence>" RESULT("v1"));
  xmuc_say(a1, ADMIN("v2", "get", "<item role='moderator'/>"),
           "<iq to='" A1 "' from='" ROOM "' type='result' id='v2'><query "
           "xmlns='http://jabber.org/protocol/muc#admin'><item "
           "affiliation='owner' jid='" A1 "' nick='alice' role='moderator'/>"
           "<item affiliation='none' jid='bob@reed.test/irc' nick='bob' "
           "role='moderator'/></query></iq>");
  /* A participant may not ask for lists or kick. */
  tw_take(c1);
  tw_send(c1, "<iq to='" ROOM "' type='get' id='v3'><query "
              "xmlns='http://jabber.org/protocol/muc#admin'><item "
              "role='moderator'/></query></iq>");
  ASSERT(strstr(tw_take(c1), "<forbidden ") != NULL);
  tw_send(c1, "<iq to='" ROOM "' type='set' id='v4'><query "
              "xmlns='http://jabber.org/protocol/muc#admin'><item "
              "nick='alice' role='none'/></query></iq>");
  ASSERT(strstr(tw_take(c1), "<forbidden ") != NULL);
  xpeer_close(&bob);
  xim_free(&w);
}
