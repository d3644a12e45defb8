/* XEP-0045 7.7 presence updates on the model's away (per person, as IRC
 * has it): an occupant's show away, xa or dnd is away (its status the
 * text) for IRC members with away-notify and shows to every XMPP occupant
 * as <show>away</show> with the text, the sender's own with 110; an IRC
 * AWAY shows the same way; coming back (no show) clears it. A later join
 * sees the away occupants as away. */
#include "xmuc_fixture.h"

#include <string.h>

#define ROOM "lobby@" MUC

TEST(muc_presence_updates)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;
  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "lobby");
  xpeer_send(&bob, "CAP REQ :away-notify\r\n");
  xpeer_take(&bob);
  a1 = xim_login(&w, "alice", "a1");
  xmuc_joined(a1, "lobby", "alice");
  xpeer_take(&bob);

  tw_send(a1, "<presence to='" ROOM "/alice'><show>dnd</show><status>busy "
              "&amp; away</status></presence>");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM "/alice'><show>away"
                  "</show><status>busy &amp; away</status><x " MUC_USER
                  "><item affiliation='none' role='participant' jid='" A1
                  "'/><status code='110'/></x></presence>");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test AWAY :busy & away\r\n");
  /* IRC's AWAY. */
  xpeer_send(&bob, "AWAY :lunch\r\n");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM "/bob'><show>away"
                  "</show><status>lunch</status><x " MUC_USER
                  "><item affiliation='owner' role='moderator' "
                  "jid='bob@reed.test/irc'/></x></presence>");
  xpeer_take(&bob);
  /* A later join sees both as away. */
  c1 = xim_login(&w, "carol", "c1");
  {
    const char *out = xmuc_join(c1, "lobby", "carol");
    ASSERT(strstr(out, "from='" ROOM "/bob'><show>away</show><status>lunch"
                       "</status>") != NULL);
    ASSERT(strstr(out, "from='" ROOM "/alice'><show>away</show><status>busy "
                       "&amp; away</status>") != NULL);
  }
  tw_take(a1);
  xpeer_take(&bob);
  /* Back: no show. */
  xpeer_send(&bob, "AWAY\r\n");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM "/bob'><x " MUC_USER
                  "><item affiliation='owner' role='moderator' "
                  "jid='bob@reed.test/irc'/></x></presence>");
  xpeer_take(&bob);
  tw_send(a1, "<presence to='" ROOM "/alice'/>");
  tw_take(a1);
  xmuc_irc_expect(&bob, ":alice!alice@reed.test AWAY\r\n");
  xpeer_close(&bob);
  xim_free(&w);
}
