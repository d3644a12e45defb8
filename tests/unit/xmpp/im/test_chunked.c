/* The feed contract for IM: a subscription handshake, presence and a
 * message, fed whole and 1, 2, 3 and 7 bytes at a time, give the same
 * bytes to every client (tw_run_chunked compares the transcripts). */
#include "xim_fixture.h"

static void
scenario(void *arg)
{
  xim_t w;

  (void)arg;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  tw_client_t *b1 = xim_login(&w, "bob", "b1");
  xim_roster(a1);
  xim_roster(b1);
  xim_online(a1, NULL);
  xim_online(b1, NULL);
  tw_send(a1, "<presence to='bob@reed.test' type='subscribe'/>");
  tw_send(b1, "<presence to='alice@reed.test' type='subscribed'/>"
              "<presence><show>dnd</show></presence>");
  tw_send(a1, "<message to='bob@reed.test' id='m'><body>\xe2\x9c\x93 "
              "done</body></message>");
  tw_take(a1);
  tw_take(b1);
  tw_eof(b1, "gone");
  tw_take(a1);
  xim_free(&w);
}

TEST(xim_chunked)
{
  tw_run_chunked(scenario, NULL);
}
