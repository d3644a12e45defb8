/* Rosters (RFC 6121 2) and versioning (XEP-0237) through the core: get,
 * set, pushes to interested resources only, the checks of a set, removal,
 * and the versions a client at an older one catches up from. */
#include "xim_fixture.h"

#include <stdio.h>

#define A1 "alice@reed.test/a1"
#define A2 "alice@reed.test/a2"
#define ID "18bcfe56be8-"
#define Q "<query " XIM_ROSTER
#define SET(id, item) "<iq type='set' id='" id "'>" Q ">" item "</query></iq>"
#define BOB_ITEM                                                               \
  "<item jid='bob@reed.test' name='Bob' subscription='none'>"                  \
  "<group>Friends</group><group>&lt;b&gt;</group></item>"
#define ERR(to, id, type, cond)                                                \
  "<iq to='" to "' type='error' id='" id "'><error type='" type "'><" cond     \
  " " XIM_STANZAS "/></error></iq>"

TEST(xim_roster_get_set_push)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  tw_client_t *a2 = xim_login(&w, "alice", "a2");

  /* Empty, at version 0 for a client that versions (ver=''). */
  xim_say(a1, "<iq type='get' id='g1'>" Q " ver=''/></iq>",
          "<iq to='" A1 "' type='result' id='g1'>" Q " ver='0'></query></iq>");
  /* A set: the push to each interested resource (a1 fetched, a2 did not),
   * then the result; the JID is kept bare and normalised. */
  xim_say(a1,
          SET("s1", "<item jid='Bob@reed.test' name='Bob'><group>Friends"
                    "</group><group>&lt;b&gt;</group></item>"),
          "<iq to='" A1 "' type='set' id='" ID "7'>" Q " ver='1'>" BOB_ITEM
          "</query></iq><iq to='" A1 "' type='result' id='s1'/>");
  XIM_EXPECT(a2, "");
  /* Without ver, the whole roster and no version. */
  xim_say(a2, "<iq type='get' id='g2'>" Q "/></iq>",
          "<iq to='" A2 "' type='result' id='g2'>" Q ">" BOB_ITEM
          "</query></iq>");
  /* Now both are interested; the set's subscription is ignored (2.3.3). */
  tw_send(a2, SET("s2", "<item jid='bob@reed.test' subscription='both'/>"));
  XIM_EXPECT(a1, "<iq to='" A1 "' type='set' id='" ID "9'>" Q
                 " ver='2'><item jid='bob@reed.test' subscription='none'/>"
                 "</query></iq>");
  XIM_EXPECT(a2, "<iq to='" A2 "' type='set' id='" ID "8'>" Q
                 " ver='2'><item jid='bob@reed.test' subscription='none'/>"
                 "</query></iq><iq to='" A2 "' type='result' id='s2'/>");
  xim_free(&w);
}

TEST(xim_roster_set_checks)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  static const struct {
    const char *set, *want;
  } rows[] = {
      {SET("e1", "<item jid='b@reed.test'/><item jid='c@reed.test'/>"),
       ERR(A1, "e1", "modify", "bad-request")},
      {SET("e2", "<item name='x'/>"), ERR(A1, "e2", "modify", "bad-request")},
      {SET("e3", "<item jid='b@reed.test/r'/>"),
       ERR(A1, "e3", "modify", "jid-malformed")},
      {SET("e4", "<item jid='@@'/>"), ERR(A1, "e4", "modify", "jid-malformed")},
      {SET("e5", "<item jid='b@reed.test'><group/></item>"),
       ERR(A1, "e5", "modify", "not-acceptable")},
      {SET("e6", "<item jid='b@reed.test'><group>g</group><group>g</group>"
                 "</item>"),
       ERR(A1, "e6", "modify", "bad-request")},
      {SET("e7", "<item jid='alice@reed.test'/>"),
       ERR(A1, "e7", "cancel", "not-allowed")},
      {SET("e8", "<item jid='nobody@reed.test' subscription='remove'/>"),
       ERR(A1, "e8", "cancel", "item-not-found")},
  };

  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    xim_say(a1, rows[i].set, rows[i].want);
  /* Nothing was written. */
  xim_say(a1, "<iq type='get' id='g'>" Q " ver=''/></iq>",
          "<iq to='" A1 "' type='result' id='g'>" Q " ver='0'></query></iq>");
  xim_free(&w);
}

TEST(xim_roster_versions)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");

  xim_say(a1, SET("s1", "<item jid='b@reed.test'/>"),
          "<iq to='" A1 "' type='result' id='s1'/>"); /* not interested */
  xim_say(a1, SET("s2", "<item jid='c@reed.test' name='C'/>"),
          "<iq to='" A1 "' type='result' id='s2'/>");
  xim_say(a1, SET("s3", "<item jid='b@reed.test' subscription='remove'/>"),
          "<iq to='" A1 "' type='result' id='s3'/>");
  /* At version 1: an empty result, then each change since as a push, the
   * removal included (XEP-0237 2.4). */
  xim_say(a1, "<iq type='get' id='g1'>" Q " ver='1'/></iq>",
          "<iq to='" A1 "' type='result' id='g1'/>"
          "<iq to='" A1 "' type='set' id='" ID "4'>" Q
          " ver='2'><item jid='c@reed.test' name='C' subscription='none'/>"
          "</query></iq>"
          "<iq to='" A1 "' type='set' id='" ID "5'>" Q
          " ver='3'><item jid='b@reed.test' subscription='remove'/>"
          "</query></iq>");
  /* Up to date: empty. */
  xim_say(a1, "<iq type='get' id='g2'>" Q " ver='3'/></iq>",
          "<iq to='" A1 "' type='result' id='g2'/>");
  /* A version the server never gave, or not a number: the whole roster. */
  xim_say(a1, "<iq type='get' id='g3'>" Q " ver='99'/></iq>",
          "<iq to='" A1 "' type='result' id='g3'>" Q
          " ver='3'><item jid='c@reed.test' name='C' subscription='none'/>"
          "</query></iq>");
  xim_say(a1, "<iq type='get' id='g4'>" Q " ver='x1'/></iq>",
          "<iq to='" A1 "' type='result' id='g4'>" Q
          " ver='3'><item jid='c@reed.test' name='C' subscription='none'/>"
          "</query></iq>");
  xim_free(&w);
}
