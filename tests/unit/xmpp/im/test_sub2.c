/* Subscriptions that wait (a request to an account with no available
 * resource, delivered at each initial presence until answered, and the
 * state kept across logins), pre-approval (RFC 6121 3.4), removal of an
 * item with what it implies (2.5.2), other domains, users that do not
 * exist, and directed presence (4.6). */
#include "xim_fixture.h"

#define A1 "alice@reed.test/a1"
#define A3 "alice@reed.test/a3"
#define B1 "bob@reed.test/b1"
#define B2 "bob@reed.test/b2"
#define C1 "carol@reed.test/c1"
#define ID "18bcfe56be8-"
#define Q "<query " XIM_ROSTER
#define PUSH(to, id, ver, item)                                                \
  "<iq to='" to "' type='set' id='" ID id "'>" Q " ver='" ver "'>" item        \
  "</query></iq>"
#define PRES(to, from, rest) "<presence to='" to "' from='" from "'" rest

TEST(xim_sub_waits_for_login)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  xim_roster(a1);
  xim_online(a1, NULL);
  xim_say(a1, "<presence to='bob@reed.test' type='subscribe'/>",
          PUSH(A1, "4", "1",
               "<item jid='bob@reed.test' subscription='none' "
               "ask='subscribe'/>"));
  /* Bob was away: the request is not in his roster (nothing to push), it
   * comes with his initial presence, and again next time. */
  tw_client_t *b1 = xim_login(&w, "bob", "b1");
  xim_say(b1, "<iq type='get' id='r'>" Q " ver=''/></iq>",
          "<iq to='" B1 "' type='result' id='r'>" Q " ver='0'></query></iq>");
  xim_online(b1, PRES(B1, "alice@reed.test", " type='subscribe'/>"));
  tw_eof(b1, "gone");
  tw_client_t *b2 = xim_login(&w, "bob", "b2");
  xim_online(b2, PRES(B2, "alice@reed.test", " type='subscribe'/>"));
  xim_say(b2, "<presence to='alice@reed.test' type='subscribed'/>", "");
  XIM_EXPECT(a1,
             PUSH(A1, "b", "2", "<item jid='bob@reed.test' subscription='to'/>")
                 PRES(A1, "bob@reed.test", " type='subscribed'/>")
                     PRES(A1, B2, "/>"));
  /* Alice has To, not From: her leaving is not Bob's business. */
  tw_eof(a1, "gone");
  XIM_EXPECT(b2, "");
  /* The state is the store's: a new login finds it, and its probe is
   * answered from Bob's resource. */
  tw_client_t *a3 = xim_login(&w, "alice", "a3");
  xim_say(a3, "<iq type='get' id='r'>" Q "/></iq>",
          "<iq to='" A3 "' type='result' id='r'>" Q
          "><item jid='bob@reed.test' subscription='to'/></query></iq>");
  xim_online(a3, PRES(A3, B2, "/>"));
  XIM_EXPECT(b2, "");
  xim_free(&w);
}

TEST(xim_sub_preapproved)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  tw_client_t *b1 = xim_login(&w, "bob", "b1");
  xim_roster(a1);
  xim_roster(b1);
  xim_online(a1, NULL);
  xim_online(b1, NULL);
  /* Approved before asked: kept on Bob's item, not sent. */
  xim_say(b1, "<presence to='alice@reed.test' type='subscribed'/>",
          PUSH(B1, "7", "1",
               "<item jid='alice@reed.test' subscription='none' "
               "approved='true'/>"));
  XIM_EXPECT(a1, "");
  /* Her request finds it: granted for Bob at once, never shown to him. */
  xim_say(
      a1, "<presence to='bob@reed.test' type='subscribe'/>",
      PUSH(A1, "8", "1",
           "<item jid='bob@reed.test' subscription='none' "
           "ask='subscribe'/>")
          PUSH(A1, "a", "2", "<item jid='bob@reed.test' subscription='to'/>")
              PRES(A1, "bob@reed.test", " type='subscribed'/>")
                  PRES(A1, B1, "/>"));
  XIM_EXPECT(b1, PUSH(B1, "9", "2",
                      "<item jid='alice@reed.test' subscription='from'/>"));
  xim_free(&w);
}

TEST(xim_sub_remove_item)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  tw_client_t *b1 = xim_login(&w, "bob", "b1");
  tw_send(a1, "<presence to='bob@reed.test' type='subscribe'/>");
  tw_send(b1, "<presence to='alice@reed.test' type='subscribed'/>");
  tw_send(b1, "<presence to='alice@reed.test' type='subscribe'/>");
  tw_send(a1, "<presence to='bob@reed.test' type='subscribed'/>");
  xim_roster(a1);
  xim_roster(b1);
  xim_online(a1, NULL);
  xim_online(b1, PRES(B1, A1, "/>"));
  XIM_EXPECT(a1, PRES(A1, B1, "/>"));
  /* Both, then Alice removes Bob: unsubscribe and unsubscribed for him,
   * and each one's presence gone for the other (2.5.2). Bob keeps her
   * item, with none. */
  xim_say(
      a1,
      "<iq type='set' id='rm'>" Q "><item jid='bob@reed.test' "
      "subscription='remove'/></query></iq>",
      PUSH(
          A1, "7", "5",
          "<item jid='bob@reed.test' subscription='remove'/>") "<iq to='" A1
                                                               "' "
                                                               "type='result' "
                                                               "id='rm'/>" PRES(
                                                                   A1, B1,
                                                                   " type='"
                                                                   "unavailable"
                                                                   "'/>"));
  XIM_EXPECT(
      b1,
      PRES(B1, A1, " type='unavailable'/>")
          PUSH(B1, "8", "4", "<item jid='alice@reed.test' subscription='to'/>")
              PRES(B1, "alice@reed.test", " type='unsubscribe'/>")
                  PUSH(B1, "9", "5",
                       "<item jid='alice@reed.test' "
                       "subscription='none'/>")
                      PRES(B1, "alice@reed.test", " type='unsubscribed'/>"));
  xim_free(&w);
}

TEST(xim_presence_elsewhere_and_directed)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "carol");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  tw_client_t *c1 = xim_login(&w, "carol", "c1");
  xim_roster(a1);
  xim_online(a1, NULL);
  xim_online(c1, NULL);
  /* No server-to-server: another domain is unreachable. */
  xim_say(a1, "<presence to='x@elsewhere.example' type='subscribe'/>",
          "<presence to='" A1 "' from='x@elsewhere.example' type='error'>"
          "<error type='cancel'><remote-server-not-found " XIM_STANZAS
          "/></error></presence>");
  /* No such user here: the request is refused for it (3.1.3). */
  xim_say(a1, "<presence to='nobody@reed.test' type='subscribe'/>",
          PUSH(A1, "7", "1",
               "<item jid='nobody@reed.test' subscription='none' "
               "ask='subscribe'/>")
              PUSH(A1, "8", "2",
                   "<item jid='nobody@reed.test' subscription='none'/>")
                  PRES(A1, "nobody@reed.test", " type='unsubscribed'/>"));
  /* Presence to a user that does not exist is ignored. */
  xim_say(a1, "<presence to='nobody@reed.test'/>", "");
  /* Directed presence to someone without a subscription, then
   * unavailable: it follows the directed one (4.6.3). */
  xim_say(a1,
          "<presence to='carol@reed.test/c1'><status>psst</status>"
          "</presence>",
          "");
  XIM_EXPECT(c1, PRES(C1, A1, "><status>psst</status></presence>"));
  xim_say(a1, "<presence type='unavailable'/>",
          PRES(A1, A1, " type='unavailable'/>"));
  XIM_EXPECT(c1, PRES(C1, A1, " type='unavailable'/>"));
  xim_free(&w);
}
