/* IRC and AMP persons in XMPP rosters (xmpp_presence_peer.c): alice has
 * dave and erin with To; dave on IRC and erin on AMP show to her
 * available resources as dave@reed.test/irc-dave and erin@reed.test/amp-erin:
 * when they log in, at her initial presence (the probe), away and back,
 * and unavailable when they leave. */
#include "xim_fixture.h"

#include "amp.h"
#include "irc.h"

#include <string.h>

#define A1 "alice@reed.test/a1"
#define DAVE "dave@reed.test/irc-dave"
#define ERIN "erin@reed.test/amp-erin"

static void
subscribe_to(tw_client_t *c, const char *jid)
{
  reed_xroster_item_t it = {.jid = jid, .sub = REED_XSUB_TO, .listed = true};

  ASSERT_EQ(
      reed_xstore_roster_put(reed__xim_store(c->core), "alice", &it, NULL), 0);
}

TEST(xim_peer_presence)
{
  xim_t w;
  xpeer_t dave, erin, carol;
  tw_client_t *a1, *a2;
  const char *out;

  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "dave");
  xim_account(&w, "erin");
  xim_account(&w, "carol");
  a1 = xim_login(&w, "alice", "a1");
  subscribe_to(a1, "dave@reed.test");
  subscribe_to(a1, "erin@reed.test");
  xim_online(a1, NULL);
  /* dave logs in through IRC: available, away with a text, back. */
  xpeer_irc_login(&w.tw, &dave, "dave");
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" DAVE "'/>");
  xpeer_send(&dave, "AWAY :out <to> lunch\r\n");
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" DAVE "'><show>away</show>"
                 "<status>out &lt;to&gt; lunch</status></presence>");
  xpeer_send(&dave, "AWAY\r\n");
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" DAVE "'/>");
  xpeer_send(&dave, "AWAY :brb\r\n");
  tw_take(a1);
  /* carol has no subscription of alice's: nothing of her. */
  xpeer_irc_login(&w.tw, &carol, "carol");
  XIM_EXPECT(a1, "");
  /* erin through AMP. */
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" ERIN "'/>");
  /* A second resource's initial presence: the server's probe answers
   * with both, dave still away. */
  a2 = xim_login(&w, "alice", "a2");
  tw_send(a2, "<presence/>");
  out = tw_take(a2);
  ASSERT(strstr(out,
                "<presence to='alice@reed.test/a2' from='" DAVE
                "'><show>away</show><status>brb</status></presence>") != NULL);
  ASSERT(strstr(out, "<presence to='alice@reed.test/a2' from='" ERIN "'/>") !=
         NULL);
  tw_take(a1);
  /* They leave: unavailable to both resources. */
  xpeer_close(&dave);
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" DAVE "' type='unavailable'/>");
  XIM_EXPECT(a2, "<presence to='alice@reed.test/a2' from='" DAVE
                 "' type='unavailable'/>");
  xpeer_close(&erin);
  XIM_EXPECT(a1, "<presence to='" A1 "' from='" ERIN "' type='unavailable'/>");
  xpeer_close(&carol);
  XIM_EXPECT(a1, "");
  xim_free(&w);
}
