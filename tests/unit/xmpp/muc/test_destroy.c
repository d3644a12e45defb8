/* XEP-0045 10.9: an owner destroys a room. Each occupant, whatever its
 * protocol, is removed: XMPP gets its own unavailable presence with
 * <destroy/> (the alternate venue and the reason), IRC a KICK from the
 * owner whose reason says where to go, AMP a Left with kind destroy and
 * the venue. The room forgets its registration, affiliations, settings
 * and topic; a non-owner is refused. */
#include "amp.h"
#include "irc.h"
#include "xmuc_fixture.h"

#include <string.h>

#define DEN "den@" MUC
#define DESTROY(id, reason)                                                    \
  "<iq type='set' id='" id "' to='" DEN "'><query xmlns='http://jabber.org/"   \
  "protocol/muc#owner'><destroy jid='lobby@" MUC "'><reason>" reason           \
  "</reason></destroy></query></iq>"

TEST(muc_destroy)
{
  xim_t w;
  xpeer_t bob, erin;
  tw_client_t *a1, *c1;
  reed_room_t *r;
  xmuc_init(&w);
  xim_account(&w, "erin");

  a1 = xim_login(&w, "alice", "a1"); /* creates den: its owner */
  xmuc_joined(a1, "den", "alice");
  xmuc_irc(&w, &bob, "bob", "den");
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  xpeer_box(&erin, (const char *const[]){"_command", "Join", "_ask", "2",
                                         "room", "den", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  c1 = xim_login(&w, "carol", "c1");
  xmuc_joined(c1, "den", "carol");
  /* Settings to forget: bob made a moderator sets a key and the topic. */
  tw_send(a1, "<iq type='set' id='k' to='" DEN "'><query xmlns='http://"
              "jabber.org/protocol/muc#admin'><item nick='bob' "
              "role='moderator'/></query></iq>");
  xpeer_send(&bob, "MODE #den +k sesame\r\nTOPIC #den :plans\r\n");
  tw_take(a1);
  tw_take(c1);
  xpeer_take(&bob);
  xpeer_take(&erin);

  /* Not an owner: refused (bob is a moderator, the room has an owner). */
  tw_send(c1, DESTROY("d0", "no"));
  ASSERT(strstr(tw_take(c1), "<forbidden ") != NULL);
  /* The owner. */
  tw_send(a1, DESTROY("d1", "moving &amp; on"));
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" DEN "/alice' type="
                  "'unavailable'><x " MUC_USER "><item affiliation='none' "
                  "role='none'/><destroy jid='lobby@" MUC "'><reason>moving "
                  "&amp; on</reason></destroy><status code='110'/></x>"
                  "</presence><iq to='" A1 "' from='" DEN "' type='result' "
                  "id='d1'/>");
  XMUC_EXPECT(c1, "<presence to='carol@reed.test/c1' from='" DEN "/carol' "
                  "type='unavailable'><x " MUC_USER "><item affiliation="
                  "'none' role='none'/><destroy jid='lobby@" MUC "'><reason>"
                  "moving &amp; on</reason></destroy><status code='110'/></x>"
                  "</presence>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test KICK #den bob :moving & on "
                        "(moved to lobby@" MUC ")\r\n");
  ASSERT(xpeer_saw(&erin, "lobby@" MUC)); /* Left, kind destroy, venue */
  /* Gone: no owner, no settings, no topic; the next creator owns it. */
  r = reed_room_lookup(w.tw.model, "den");
  ASSERT(r == NULL || !reed_room_registered(r));
  xmuc_joined(c1, "den", "carol");
  r = reed_room_find(w.tw.model, "den");
  ASSERT(r != NULL);
  ASSERT_EQ(reed_room_affiliation(r, "alice"), REED_AFF_NONE);
  ASSERT_EQ(reed_room_affiliation(r, "carol"), REED_AFF_OWNER);
  {
    reed_room_view_t v;
    reed_room_view(r, &v);
    ASSERT(v.topic == NULL && v.key == NULL);
  }
  xpeer_close(&bob);
  xpeer_close(&erin);
  xim_free(&w);
}
