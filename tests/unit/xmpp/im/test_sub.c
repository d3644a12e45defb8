/* Subscriptions between two local accounts (RFC 6121 3) and the presence
 * that follows them (4): the handshake to Both with every push and
 * delivery, probes answered for a new resource, broadcasts, unavailable
 * at the end of a stream, cancellation; requests waiting for a login;
 * other domains and users that do not exist. */
#include "xim_fixture.h"

#define A1 "alice@reed.test/a1"
#define A2 "alice@reed.test/a2"
#define B1 "bob@reed.test/b1"
#define ID "18bcfe56be8-"
#define Q "<query " XIM_ROSTER
#define PUSH(to, id, ver, item)                                                \
  "<iq to='" to "' type='set' id='" ID id "'>" Q " ver='" ver "'>" item        \
  "</query></iq>"
#define PRES(to, from, rest) "<presence to='" to "' from='" from "'" rest

static void
two(xim_t *w, tw_client_t **a1, tw_client_t **b1)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  *a1 = xim_login(w, "alice", "a1");
  *b1 = xim_login(w, "bob", "b1");
  xim_roster(*a1);
  xim_roster(*b1);
  xim_online(*a1, NULL);
  xim_online(*b1, NULL);
}

TEST(xim_sub_handshake)
{
  xim_t w;
  tw_client_t *a1, *b1;
  two(&w, &a1, &b1);

  /* Alice asks: her item shows ask; Bob gets the request (her bare JID,
   * its status), and no push: she is not in his roster yet. */
  xim_say(a1,
          "<presence to='bob@reed.test/b1' type='subscribe'>"
          "<status>hi</status></presence>",
          PUSH(A1, "7", "1",
               "<item jid='bob@reed.test' subscription='none' "
               "ask='subscribe'/>"));
  XIM_EXPECT(b1, PRES(B1, "alice@reed.test",
                      " type='subscribe'><status>hi</status></presence>"));
  /* Bob approves: his push (from), hers (to), the approval delivered to
   * her and his presence after it (3.1.5, 3.1.6). */
  xim_say(
      b1, "<presence to='alice@reed.test' type='subscribed'/>",
      PUSH(B1, "8", "1", "<item jid='alice@reed.test' subscription='from'/>"));
  XIM_EXPECT(a1,
             PUSH(A1, "9", "2", "<item jid='bob@reed.test' subscription='to'/>")
                 PRES(A1, "bob@reed.test", " type='subscribed'/>")
                     PRES(A1, B1, "/>"));
  /* And back: Both on both sides. */
  xim_say(b1, "<presence to='alice@reed.test' type='subscribe'/>",
          PUSH(B1, "a", "2",
               "<item jid='alice@reed.test' subscription='from' "
               "ask='subscribe'/>"));
  XIM_EXPECT(a1, PRES(A1, "bob@reed.test", " type='subscribe'/>"));
  xim_say(
      a1, "<presence to='bob@reed.test' type='subscribed'/>",
      PUSH(A1, "b", "4", "<item jid='bob@reed.test' subscription='both'/>"));
  XIM_EXPECT(b1, PUSH(B1, "c", "3",
                      "<item jid='alice@reed.test' subscription='both'/>")
                     PRES(B1, "alice@reed.test", " type='subscribed'/>")
                         PRES(B1, A1, "/>"));
  /* A second resource: its own presence, the probe of Bob answered from
   * his resource, the other resource's; both others get it (4.2.2). */
  tw_client_t *a2 = xim_login(&w, "alice", "a2");
  xim_say(a2, "<presence><show>away</show></presence>",
          PRES(A2, A2, "><show>away</show></presence>") PRES(A2, B1, "/>")
              PRES(A2, A1, "/>"));
  XIM_EXPECT(a1, PRES(A1, A2, "><show>away</show></presence>"));
  XIM_EXPECT(b1, PRES(B1, A2, "><show>away</show></presence>"));
  /* Its stream ends: unavailable to both (4.5.2). */
  tw_eof(a2, "gone");
  XIM_EXPECT(a1, PRES(A1, A2, " type='unavailable'/>"));
  XIM_EXPECT(b1, PRES(B1, A2, " type='unavailable'/>"));
  /* Alice cancels hers: Both -> From for her, To for him; his
   * presence goes unavailable for her (3.3). */
  xim_say(a1, "<presence to='bob@reed.test' type='unsubscribe'/>",
          PUSH(A1, "10", "5", "<item jid='bob@reed.test' subscription='from'/>")
              PRES(A1, B1, " type='unavailable'/>"));
  XIM_EXPECT(
      b1, PUSH(B1, "11", "4", "<item jid='alice@reed.test' subscription='to'/>")
              PRES(B1, "alice@reed.test", " type='unsubscribe'/>"));
  /* Withdrawing what no longer stands changes nothing (A.3.4, From). */
  xim_say(b1, "<presence to='alice@reed.test' type='unsubscribed'/>", "");
  XIM_EXPECT(a1, "");
  xim_free(&w);
}
