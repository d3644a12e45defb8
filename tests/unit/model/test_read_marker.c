/* Read markers: per account (per session for a guest), per target under
 * the casemapping, never going back, bounded, sent to the account's own
 * sessions (any protocol) and to observers for accounts only. */
#include "rec.h"

#include <stdio.h>

static int observed;

static void
count_change(void *ud, const reed_event_t *ev)
{
  (void)ud;
  observed += ev->kind == REED_EV_READ_MARKER;
}

TEST(read_marker_account_sessions)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b = sess(&f, "s3", "xmpp", "bob");
  reed_model_observer_t o = {.on_change = count_change};
  uint64_t out = 0;

  ASSERT_EQ(reed_model_add_observer(f.m, &o), 0);
  ASSERT_EQ(reed_room_join(b, "Room", NULL), 0);
  rec_clear();
  observed = 0;
  ASSERT_EQ(reed_read_marker_get(a1, "room", true), 0);
  ASSERT_EQ(reed_read_marker_set(a1, "Room", true, 5000, &out), 0);
  ASSERT_EQ(out, 5000);
  ASSERT_LINES(rec_take(), "a1 READ alice #Room 5000\n"
                           "a2 READ alice #Room 5000");
  ASSERT_EQ(observed, 1);
  /* Never backwards, nothing sent; the same target in another case. */
  ASSERT_EQ(reed_read_marker_set(a2, "ROOM", true, 4000, &out), 0);
  ASSERT_EQ(out, 5000);
  ASSERT_EQ(reed_read_marker_set(a2, "room", true, 5000, &out), 0);
  ASSERT_LINES(rec_take(), "");
  ASSERT_EQ(observed, 1);
  ASSERT_EQ(reed_read_marker_get(a2, "rOOm", true), 5000);
  /* A nick is another target than a room of the same name. */
  ASSERT_EQ(reed_read_marker_get(a2, "room", false), 0);
  ASSERT_EQ(reed_read_marker_set(a2, "bob", false, 6000, NULL), 0);
  ASSERT_LINES(rec_take(), "a1 READ alice bob 6000\n"
                           "a2 READ alice bob 6000");
  /* Nobody else sees them. */
  ASSERT_EQ(reed_read_marker_get(b, "room", true), 0);
  ASSERT_EQ(reed_read_marker_set(a1, "bad room", true, 1, NULL), REED_EINVAL);
  ASSERT_EQ(reed_read_marker_set(a1, "1bad", false, 1, NULL), REED_EINVAL);
  ASSERT_EQ(reed_read_marker_set(a1, "room", true, 0, NULL), REED_EINVAL);
  ASSERT_EQ(reed_model_remove_observer(f.m, &o), 0);
  fx_done(&f);
}

TEST(read_marker_guest_and_bound)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *g = sess(&f, "s1", "amp", "guest");
  reed_model_observer_t o = {.on_change = count_change};
  char room[16];

  ASSERT_EQ(reed_model_add_observer(f.m, &o), 0);
  observed = 0;
  rec_clear();
  ASSERT_EQ(reed_read_marker_set(g, "r", true, 10, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 READ guest #r 10");
  ASSERT_EQ(observed, 0); /* a guest's markers are not stored */
  for (int i = 0; i < REED_READ_MARKERS_MAX + 3; i++) {
    snprintf(room, sizeof(room), "x%d", i);
    ASSERT_EQ(reed_read_marker_set(g, room, true, 100 + (uint64_t)i, NULL), 0);
  }
  rec_clear();
  /* The oldest went first: "r", then x0..x2. */
  ASSERT_EQ(reed_read_marker_get(g, "r", true), 0);
  ASSERT_EQ(reed_read_marker_get(g, "x2", true), 0);
  ASSERT_EQ(reed_read_marker_get(g, "x3", true), 103);
  /* Loaded markers are the account's, the later one wins. */
  ASSERT_EQ(reed_read_marker_load(f.m, "carol", "r", true, 50), 0);
  ASSERT_EQ(reed_read_marker_load(f.m, "carol", "R", true, 40), 0);
  ASSERT_EQ(reed_read_marker_load(f.m, "no such", "r", true, 1), REED_EINVAL);
  reed_session_t *c = sess_acct(&f, "s2", "carol", "carol");
  ASSERT_EQ(reed_read_marker_get(c, "r", true), 50);
  ASSERT_EQ(reed_model_remove_observer(f.m, &o), 0);
  fx_done(&f);
}
