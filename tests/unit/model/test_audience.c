/* Messages for part of a room (IRC's STATUSMSG): only members with the
 * status get them, the sender its echo; they are sequenced but kept in no
 * history and not reported to observers. */
#include "rec.h"

static int observed;

static void
count_change(void *ud, const reed_event_t *ev)
{
  (void)ud;
  (void)ev;
  observed++;
}

static void
count_hist(void *ud, const reed_hist_entry_t *e)
{
  (void)e;
  (*(int *)ud)++;
}

TEST(audience_ops_and_voice)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");
  reed_session_t *c = sess(&f, "s3", "amp", "carol");
  reed_model_observer_t o = {.on_change = count_change};
  reed_msg_extra_t ops = {.audience = REED_AUDIENCE_OP};
  reed_msg_extra_t voice = {.audience = REED_AUDIENCE_VOICE};
  reed_msg_extra_t bad = {.audience = 7};
  reed_hist_query_t q = {.dir = REED_HIST_LATEST};
  uint64_t id = 0;
  int n = 0;

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_VOICE, true, "bob"), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &o), 0);
  rec_clear();
  observed = 0;
  ASSERT_EQ(reed_room_say(c, "r", 0, "to ops", 6, &ops, &id), 0);
  ASSERT(id != 0);
  ASSERT_LINES(rec_take(), "s3 MSG carol r to ops echo\n"
                           "s1 MSG carol r to ops");
  ASSERT_EQ(reed_room_say(c, "r", 0, "to voice", 8, &voice, NULL), 0);
  ASSERT_LINES(rec_take(), "s3 MSG carol r to voice echo\n"
                           "s1 MSG carol r to voice\n"
                           "s2 MSG carol r to voice");
  ASSERT_EQ(reed_room_say(c, "r", 0, "x", 1, &bad, NULL), REED_EINVAL);
  ASSERT_EQ(observed, 0);
  ASSERT_EQ(reed_history_room(a, "r", &q, count_hist, &n), 0);
  ASSERT_EQ(n, 0);
  /* The usual rules still apply: moderated, voice passes. */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_MODERATED, true, NULL), 0);
  ASSERT_EQ(reed_room_say(c, "r", 0, "x", 1, &ops, NULL), REED_EMODERATED);
  ASSERT_EQ(reed_room_say(b, "r", 0, "y", 1, &ops, NULL), 0);
  rec_clear();
  /* TAGMSG too. */
  ops.irc_client_tags = "+typing=active";
  ASSERT_EQ(reed_tagmsg(b, "r", true, &ops), 0);
  ASSERT_LINES(rec_take(), "s2 TAGMSG bob r +typing=active echo\n"
                           "s1 TAGMSG bob r +typing=active");
  ASSERT_EQ(reed_model_remove_observer(f.m, &o), 0);
  fx_done(&f);
}
