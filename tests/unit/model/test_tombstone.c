/* What a message carries for XMPP alone (xmpp_payload) and what a
 * redaction leaves: a tombstone that CHATHISTORY-style queries skip (their
 * limits count live messages only) and MAM-style queries (tombstones set)
 * see in place, with the text, tags and payload gone. */
#include "rec.h"

#include <stdio.h>

static char got[1024];

static void
collect(void *ud, const reed_hist_entry_t *e)
{
  size_t n = strlen(got);

  (void)ud;
  snprintf(got + n, sizeof(got) - n, "%llu:%s%.*s%s%s ",
           (unsigned long long)e->id, e->redacted ? "X" : "", (int)e->text_len,
           e->text, e->xmpp_payload ? "+" : "",
           e->xmpp_payload ? e->xmpp_payload : "");
}

static const char *
q(reed_session_t *s, const char *target, bool room, reed_hist_dir_t dir,
  uint64_t id, size_t limit, bool tombstones)
{
  reed_hist_query_t hq = {
      .dir = dir, .id = id, .limit = limit, .tombstones = tombstones};

  got[0] = '\0';
  if (room)
    ASSERT_EQ(reed_history_room(s, target, &hq, collect, NULL), 0);
  else
    ASSERT_EQ(reed_history_private(s, target, &hq, collect, NULL), 0);
  return got;
}

/* Five room messages, ids 2..6 (the join is 1). */
static reed_session_t *
five(fx_t *f)
{
  reed_session_t *a = sess(f, "s1", "irc", "alice");
  char text[8];

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  for (int i = 2; i <= 6; i++) {
    snprintf(text, sizeof(text), "m%d", i);
    ASSERT_EQ(say(a, "r", text), 0);
  }
  return a;
}

TEST(tombstone_selectors)
{
  static const struct {
    reed_hist_dir_t dir;
    uint64_t id;
    size_t limit;
    bool tomb;
    const char *want;
  } cases[] = {
      {REED_HIST_LATEST, 0, 0, false, "2:m2 3:m3 5:m5 6:m6 "},
      {REED_HIST_LATEST, 0, 0, true, "2:m2 3:m3 4:X 5:m5 6:m6 "},
      {REED_HIST_LATEST, 0, 3, false, "3:m3 5:m5 6:m6 "},
      {REED_HIST_LATEST, 0, 3, true, "4:X 5:m5 6:m6 "},
      {REED_HIST_BEFORE, 6, 2, false, "3:m3 5:m5 "},
      {REED_HIST_BEFORE, 6, 2, true, "4:X 5:m5 "},
      {REED_HIST_AFTER, 2, 2, false, "3:m3 5:m5 "},
      {REED_HIST_AFTER, 4, 1, false, "5:m5 "},
      {REED_HIST_AROUND, 4, 2, false, "3:m3 5:m5 "},
  };
  fx_t f;
  fx_init(&f);
  reed_session_t *a = five(&f);

  ASSERT_EQ(reed_redact(a, "r", 4, "oops"), 0);
  ASSERT_EQ(reed_redact(a, "r", 4, NULL), REED_ENOSUCHMSG);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_STR_EQ(q(a, "r", true, cases[i].dir, cases[i].id, cases[i].limit,
                    cases[i].tomb),
                  cases[i].want);
  fx_done(&f);
}

/* The ring's bound counts tombstones; one pushed out leaves no trace. */
TEST(tombstone_evicted_with_the_ring)
{
  fx_t f;
  fx_init(&f); /* rooms keep 8 */
  reed_session_t *a = five(&f);

  ASSERT_EQ(reed_redact(a, "r", 2, NULL), 0);
  for (int i = 0; i < 6; i++)
    ASSERT_EQ(say(a, "r", "n"), 0);
  /* The redaction took id 7. */
  ASSERT_STR_EQ(q(a, "r", true, REED_HIST_LATEST, 0, 2, false), "12:n 13:n ");
  ASSERT_STR_EQ(q(a, "r", true, REED_HIST_LATEST, 0, 0, true),
                "5:m5 6:m6 8:n 9:n 10:n 11:n 12:n 13:n ");
  ASSERT_STR_EQ(q(a, "r", true, REED_HIST_LATEST, 0, 0, false),
                "5:m5 6:m6 8:n 9:n 10:n 11:n 12:n 13:n ");
  fx_done(&f);
}

TEST(tombstone_private_and_payload)
{
  fx_t f;
  reed_msg_extra_t x = {.xmpp_payload = "<r xmlns='u'/>"};
  uint64_t id1, id2;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  sess_acct(&f, "b", "bob", "bob");

  ASSERT_EQ(reed_tell(a, "bob", REED_MSG_NORMAL, "hi", 2, &x, &id1), 0);
  ASSERT_EQ(reed_tell(a, "bob", REED_MSG_NORMAL, "yo", 2, &x, &id2), 0);
  ASSERT_STR_EQ(q(a, "bob", false, REED_HIST_LATEST, 0, 0, false),
                "1:hi+<r xmlns='u'/> 2:yo+<r xmlns='u'/> ");
  ASSERT_EQ(reed_redact(a, "bob", id1, NULL), 0);
  ASSERT_STR_EQ(q(a, "bob", false, REED_HIST_LATEST, 0, 0, true),
                "1:X 2:yo+<r xmlns='u'/> ");
  ASSERT_STR_EQ(q(a, "bob", false, REED_HIST_LATEST, 0, 0, false),
                "2:yo+<r xmlns='u'/> ");
  ASSERT_EQ(id1, 1);
  ASSERT_EQ(id2, 2);
  fx_done(&f);
}

TEST(payload_bounds)
{
  static char big[REED_XMPP_PAYLOAD_MAX + 2];
  static const struct {
    size_t len; /* of a payload of 'x's; 0: "" */
    int rc;
  } cases[] = {{0, REED_EINVAL},
               {1, 0},
               {REED_XMPP_PAYLOAD_MAX, 0},
               {REED_XMPP_PAYLOAD_MAX + 1, REED_EINVAL}};
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_msg_extra_t x = {.xmpp_payload = big};
    memset(big, 'x', cases[i].len);
    big[cases[i].len] = '\0';
    ASSERT_EQ(reed_room_say(a, "r", REED_MSG_NORMAL, "t", 1, &x, NULL),
              cases[i].rc);
  }
  fx_done(&f);
}

/* A stored tombstone loads as one, with no text needed. */
TEST(tombstone_load)
{
  fx_t f;
  reed_hist_entry_t e = {.id = 7,
                         .ts_ms = 1,
                         .from = {.nick = "alice"},
                         .room = "r",
                         .redacted = true};
  reed_hist_entry_t live = {.id = 8,
                            .ts_ms = 2,
                            .from = {.nick = "alice"},
                            .room = "r",
                            .text = "t",
                            .text_len = 1,
                            .xmpp_payload = "<p/>"};
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");

  ASSERT_EQ(reed_history_load(f.m, &e), 0);
  ASSERT_EQ(reed_history_load(f.m, &live), 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_STR_EQ(q(a, "r", true, REED_HIST_LATEST, 0, 0, true), "7:X 8:t+<p/> ");
  ASSERT_STR_EQ(q(a, "r", true, REED_HIST_LATEST, 0, 0, false), "8:t+<p/> ");
  ASSERT_EQ(reed_redact(a, "r", 7, NULL), REED_ENOSUCHMSG);
  fx_done(&f);
}
