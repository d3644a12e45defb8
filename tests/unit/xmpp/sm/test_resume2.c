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
  SM_EXPECT(a, smw_resumed(want, sizeof(want), id, 1));
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
  SM_EXPECT(a, smw_resumed(want, sizeof(want), id, 1));
  smw_say(a, "<a " SM_NS " h='3'/>" SM_R, "<a " SM_NS " h='1'/>");
  smw_free(&w);
}

TEST(xsm_resume_chunked)
{
  tw_run_chunked(scenario, NULL);
}

/* The window's end is the eof that did not happen: the account's other
 * resources see a1 go unavailable (xim's on_unbind), and nothing is kept
 * offline while one of them is there. */
TEST(xsm_expiry_unavailable_elsewhere)
{
  smw_t w;
  tw_client_t *a1, *a2, *b1;
  char id[32];

  smw_init(&w);
  w.sc.ping_interval = 3600000; /* no whitespace keepalive in the window */
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  a1 = smw_login(&w, "alice", "a1");
  a2 = smw_login(&w, "alice", "a2");
  b1 = smw_login(&w, "bob", "b1");
  smw_enable(a1, id);
  tw_send(a1, "<presence/>");
  tw_send(a2, "<presence/>");
  tw_take(a1);
  tw_take(a2);
  smw_chat(b1, "one");
  tw_take(a1);
  tw_eof(a1, "Connection reset by peer");
  tw_drop(a1);
  SM_EXPECT(a2, "");
  fc_advance(w.tw.fc, smw_conf(&w)->resume_window_ms);
  SM_EXPECT(a2, "<presence to='alice@reed.test/a2' from='alice@reed.test/a1' "
                "type='unavailable'/>");
  tw_turn_end(&w.tw);
  ASSERT_EQ(reed_xstore_offline_count(reed__xim_store(b1->core), "alice"), 0);
  smw_free(&w);
}
