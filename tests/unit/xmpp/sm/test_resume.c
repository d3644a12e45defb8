/* XEP-0198 resumption: a dropped connection parks the session, a new
 * stream of the same account resumes it with the unacknowledged stanzas
 * (those that came while parked too), or the window ends it as eof would
 * have, with what was never acknowledged kept offline. */
#include "sm_fixture.h"

#include <stdio.h>
#include <string.h>

static reed_xmpp_state_t *
state(smw_t *w)
{
  return w->tw.module_state;
}

/* alice/a1 and bob/b1 online, a1 resumable; a1 sent one stanza, got
 * "one" (unacknowledged), then its connection dropped; "two" came while
 * parked. */
void
smw_parked(smw_t *w, tw_client_t **a1, tw_client_t **b1, char *id)
{
  char want[512], now[128];

  smw_init(w);
  smw_account(w, "alice");
  smw_account(w, "bob");
  *a1 = smw_login(w, "alice", "a1");
  *b1 = smw_login(w, "bob", "b1");
  smw_enable(*a1, id);
  smw_delay_now(w, w->delay, sizeof(w->delay));
  smw_say(*a1, "<presence/>",
          "<presence to='alice@reed.test/a1' from='alice@reed.test/a1'/>");
  smw_say(*b1, "<presence/>",
          "<presence to='bob@reed.test/b1' from='bob@reed.test/b1'/>");
  smw_chat(*b1, "one");
  SM_EXPECT(*a1, smw_chat_out(want, sizeof(want), "one", 1));
  tw_eof(*a1, "Connection reset by peer");
  tw_drop(*a1);
  ASSERT(((reed_xmpp_core_t *)(*a1)->core == NULL));
  smw_chat(*b1, "two");
  smw_delay_now(w, now, sizeof(now));
  ASSERT_STR_EQ(now, w->delay); /* no time passed: one stamp for all */
}

const char *
smw_resumed(char *buf, size_t size, const char *id, unsigned h,
            const char *delay)
{
  char one[384], two[384];

  snprintf(buf, size,
           "<resumed " SM_NS " h='%u' previd='%s'/><presence "
           "to='alice@reed.test/a1' from='alice@reed.test/a1'>%s</presence>"
           "%s%s" SM_R,
           h, id, delay,
           smw_chat_dated(one, sizeof(one), "a1", "one", 1, delay),
           smw_chat_dated(two, sizeof(two), "a1", "two", 2, delay));
  return buf;
}

void
smw_resume(tw_client_t *c, const char *id, unsigned h)
{
  char buf[128];

  snprintf(buf, sizeof(buf), "<resume " SM_NS " previd='%s' h='%u'/>", id, h);
  tw_send(c, buf);
}

TEST(xsm_resume_after_eof)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32], want[1024];
  reed_xmpp_core_t *core;

  smw_parked(&w, &a1, &b1, id);
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") != NULL);
  a = smw_auth(&w, "alice/again", "alice");
  smw_resume(a, id, 0);
  SM_EXPECT(a, smw_resumed(want, sizeof(want), id, 1, w.delay));
  core = a->core;
  ASSERT(core->bound);
  ASSERT_STR_EQ(core->full_jid, "alice@reed.test/a1");
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") == core);
  ASSERT(reed_session_ud(core->session) == core);
  /* The session goes on: counts continue, both ways. */
  smw_say(a, "<a " SM_NS " h='2'/>", "");
  ASSERT_EQ(smw_sm(a)->q_stanzas, 1);
  smw_say(a, "<a " SM_NS " h='3'/>", "");
  ASSERT_EQ(smw_sm(a)->q_stanzas, 0);
  smw_chat(b1, "three");
  ASSERT(strstr(tw_take(a), "<body>three</body>") != NULL);
  smw_say(a,
          "<message to='bob@reed.test/b1' type='chat'><body>back</body>"
          "</message>",
          "");
  ASSERT(strstr(tw_take(b1), "from='alice@reed.test/a1'") != NULL);
  smw_say(a, SM_R, "<a " SM_NS " h='2'/>");
  /* Nothing of the old one is left: the window's timer is gone. */
  fc_advance(w.tw.fc, smw_conf(&w)->resume_window_ms);
  ASSERT(reed__xmpp_reg_find(&state(&w)->reg, "alice", "a1") == core);
  smw_free(&w);
}

TEST(xsm_resume_live_connection)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32], want[512];

  smw_init(&w);
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  a1 = smw_login(&w, "alice", "a1");
  b1 = smw_login(&w, "bob", "b1");
  smw_enable(a1, id);
  smw_chat(b1, "one");
  SM_EXPECT(a1, smw_chat_out(want, sizeof(want), "one", 1));
  /* The client resumes before the server saw the old connection drop:
   * the old one is told and closed, the session moves. */
  a = smw_auth(&w, "alice/again", "alice");
  smw_resume(a, id, 1);
  snprintf(want, sizeof(want), "<resumed " SM_NS " h='0' previd='%s'/>", id);
  SM_EXPECT(a, want);
  SM_EXPECT(a1, "<stream:error><conflict "
                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Resumed by "
                "another stream</text></stream:error></stream:stream>");
  ASSERT(a1->ft->closed);
  /* net's eof and free of the old one change nothing. */
  tw_eof(a1, "Connection closed");
  tw_drop(a1);
  smw_chat(b1, "two");
  SM_EXPECT(a, smw_chat_out(want, sizeof(want), "two", 2));
  ASSERT(reed_session_ud(((reed_xmpp_core_t *)a->core)->session) == a->core);
  smw_free(&w);
}

/* A write that fails under us (net is cutting the connection: a full
 * send queue, a reset seen on write) is not a close of ours: the eof that
 * follows parks, and the stanza that failed is resent. */
TEST(xsm_park_after_failed_write)
{
  smw_t w;
  tw_client_t *a1, *b1, *a;
  char id[32], want[1024], one[384], delay[128];

  smw_init(&w);
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  a1 = smw_login(&w, "alice", "a1");
  b1 = smw_login(&w, "bob", "b1");
  smw_enable(a1, id);
  ft_set_full(a1->ft, 1);
  smw_delay_now(&w, delay, sizeof(delay));
  smw_chat(b1, "one");
  tw_eof(a1, "SendQ exceeded");
  tw_drop(a1);
  fc_advance(w.tw.fc, 5000); /* the stamp is when it was kept */
  a = smw_auth(&w, "alice/again", "alice");
  smw_resume(a, id, 0);
  snprintf(want, sizeof(want), "<resumed " SM_NS " h='0' previd='%s'/>%s" SM_R,
           id, smw_chat_dated(one, sizeof(one), "a1", "one", 1, delay));
  SM_EXPECT(a, want);
  smw_free(&w);
}
