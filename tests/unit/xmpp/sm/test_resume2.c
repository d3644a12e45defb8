/* Resumption's other ends: the window passing (the session quits, what
 * was never acknowledged goes offline), ids and counts refused, and the
 * resume exchange cut at every byte and fed in every chunk size. */
#include "sm_fixture.h"

#include <stdio.h>
#include <string.h>

#define NOT_FOUND "<failed " SM_NS "><item-not-found " SM_STANZAS "/></failed>"

static reed_xmpp_state_t *
state(smw_t *w)
{
  return w->tw.module_state;
}

TEST(xsm_expiry_quits_and_keeps_offline)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32];
  const char *out;

  smw_parked(&w, &a1, &b1, id);
  fc_advance(w.tw.fc, smw_conf(&w)->resume_window_ms - 1);
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") != NULL);
  fc_advance(w.tw.fc, 1);
  /* Quit as at eof: no resource, no model session of the account. */
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") == NULL);
  ASSERT(reed_model_session_by_id(w.tw.model, 1) == NULL);
  tw_turn_end(&w.tw);
  ASSERT_EQ(reed_xstore_offline_count(reed__xim_store(b1->core), "alice"), 2);
  /* The id is gone; the next login gets both, delayed. */
  a = smw_auth(&w, "alice/later", "alice");
  smw_resume(a, id, 0);
  SM_EXPECT(a, NOT_FOUND);
  smw_bind(a, "alice", "a2");
  tw_send(a, "<presence/>");
  out = tw_take(a);
  ASSERT(strstr(out, "<body>one</body>") != NULL);
  ASSERT(strstr(out, "<body>two</body>") != NULL);
  ASSERT(strstr(out, "<delay xmlns='urn:xmpp:delay'") != NULL);
  smw_free(&w);
}

TEST(xsm_resume_refused)
{
  smw_t w;
  tw_client_t *a1, *b1, *a, *b, *c;
  char id[32], buf[256];

  smw_parked(&w, &a1, &b1, id);
  /* An unknown id; another account naming alice's id. */
  a = smw_auth(&w, "alice/x", "alice");
  smw_say(a, "<resume " SM_NS " previd='nope' h='0'/>", NOT_FOUND);
  b = smw_auth(&w, "bob/x", "bob");
  smw_resume(b, id, 0);
  SM_EXPECT(b, NOT_FOUND);
  /* No h; after bind. */
  snprintf(buf, sizeof(buf), "<resume " SM_NS " previd='%s'/>", id);
  smw_say(a, buf, "<failed " SM_NS "><bad-request " SM_STANZAS "/></failed>");
  smw_bind(b, "bob", "b2");
  smw_resume(b, id, 0);
  SM_EXPECT(b,
            "<failed " SM_NS "><unexpected-request " SM_STANZAS "/></failed>");
  /* h above what was sent: refused with our h, and the parked session
   * ends (XEP-0198 4). */
  smw_resume(a, id, 4);
  SM_EXPECT(a, "<failed " SM_NS " h='1'><undefined-condition " SM_STANZAS
               "/></failed>");
  fc_advance(w.tw.fc, 0);
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") == NULL);
  c = smw_auth(&w, "alice/y", "alice");
  smw_resume(c, id, 0);
  SM_EXPECT(c, NOT_FOUND);
  smw_free(&w);
}

/* The resume element cut in two at byte `cut` (0: whole). */
static void
resume_cut(size_t cut)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32], in[128], want[1024];

  smw_parked(&w, &a1, &b1, id);
  a = smw_auth(&w, "alice/again", "alice");
  snprintf(in, sizeof(in), "<resume " SM_NS " previd='%s' h='0'/>", id);
  if (cut > 0) {
    tw_send_bytes(a, in, cut);
    SM_EXPECT(a, "");
  }
  tw_send_bytes(a, in + cut, strlen(in) - cut);
  SM_EXPECT(a, smw_resumed(want, sizeof(want), id, 1, w.delay));
  smw_free(&w);
}

TEST(xsm_resume_every_split)
{
  char id[] = "xxxxxxxxxxxxxxxxxxxxxxxx";
  char in[128];
  size_t n = (size_t)snprintf(in, sizeof(in),
                              "<resume " SM_NS " previd='%s' h='0'/>", id);

  for (size_t cut = 0; cut < n; cut++)
    resume_cut(cut);
}

static void
scenario(void *arg)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32], want[1024];

  (void)arg;
  smw_parked(&w, &a1, &b1, id);
  a = smw_auth(&w, "alice/again", "alice");
  smw_resume(a, id, 0);
  SM_EXPECT(a, smw_resumed(want, sizeof(want), id, 1, w.delay));
  smw_say(a, "<a " SM_NS " h='3'/>" SM_R, "<a " SM_NS " h='1'/>");
  smw_free(&w);
}

TEST(xsm_resume_chunked)
{
  tw_run_chunked(scenario, NULL);
}

/* The window's end is the eof that did not happen: the account's other
 * resources see a1 go unavailable (xim's on_unbind). What a1 never
 * acknowledged is treated as sent to a resource that is gone (XEP-0198
 * 5, as Prosody's mod_smacks): the message to a1's full JID goes, dated,
 * to a2, which did not see it (a3 has carbons and got a copy then),
 * nothing is kept offline while they are there, and an iq from bob's
 * resource gets <recipient-unavailable/> back. */
TEST(xsm_expiry_unacked_elsewhere)
{
  smw_t w;
  tw_client_t *a1, *a2, *a3, *b1;
  reed_xmpp_core_t *parked;
  char id[32], delay[128], want[768], one[384];
  xmpp_out_t o;

  smw_init(&w);
  w.sc.ping_interval = 3600000; /* no whitespace keepalive in the window */
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  a1 = smw_login(&w, "alice", "a1");
  a2 = smw_login(&w, "alice", "a2");
  a3 = smw_login(&w, "alice", "a3");
  b1 = smw_login(&w, "bob", "b1");
  smw_enable(a1, id);
  smw_say(a3, "<iq type='set' id='c'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
          "<iq to='alice@reed.test/a3' type='result' id='c'/>");
  tw_send(a1, "<presence/>");
  tw_send(a2, "<presence/>");
  tw_send(a3, "<presence/>");
  tw_take(a1);
  tw_take(a2);
  tw_take(a3);
  smw_delay_now(&w, delay, sizeof(delay));
  smw_chat(b1, "one");
  tw_take(a1);
  ASSERT(strstr(tw_take(a3), "<received xmlns='urn:xmpp:carbons:2'>") != NULL);
  SM_EXPECT(a2, "");
  tw_eof(a1, "Connection reset by peer");
  tw_drop(a1);
  /* An iq from bob's resource reaches the parked a1 (as a routed one
   * would), and is kept. */
  parked = reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1");
  ASSERT(parked != NULL && parked->parked);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "iq", "alice@reed.test/a1", "bob@reed.test/b1",
                        "get", "q1");
  reed__xmpp_out_raw(&o, "><query xmlns='jabber:iq:version'/></iq>");
  reed__xmpp_send(parked, &o);
  reed__xmpp_out_cleanup(&o);
  fc_advance(w.tw.fc, 5000);
  SM_EXPECT(a2, "");
  fc_advance(w.tw.fc, smw_conf(&w)->resume_window_ms);
  snprintf(want, sizeof(want),
           "%s<presence to='alice@reed.test/a2' from='alice@reed.test/a1' "
           "type='unavailable'/>",
           smw_chat_dated(one, sizeof(one), "a2", "one", 1, delay));
  SM_EXPECT(a2, want);
  SM_EXPECT(a3, "<presence to='alice@reed.test/a3' from='alice@reed.test/a1' "
                "type='unavailable'/>");
  SM_EXPECT(b1, "<iq type='error' to='bob@reed.test/b1' "
                "from='alice@reed.test/a1' id='q1'><error type='cancel'>"
                "<recipient-unavailable " SM_STANZAS "/></error></iq>");
  tw_turn_end(&w.tw);
  ASSERT_EQ(reed_xstore_offline_count(reed__xim_store(b1->core), "alice"), 0);
  smw_free(&w);
}
