/* The degraded state (store.h): a commit that fails holds its batch and
 * writes it at the retry, changes that need a row are refused meanwhile,
 * and the store leaves the state on its own. SQLite errors are injected
 * at every commit point with a commit hook, and a full database with
 * max_page_count. */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>
#include <string.h>

/* A commit hook that refuses the commits numbered in [fail_from,
 * fail_to) (counting from 0), so COMMIT fails as it would on a full disk:
 * SQLite rolls the whole transaction back. */
typedef struct {
  int n, fail_from, fail_to;
} hook_t;

static int
commit_hook(void *ud)
{
  hook_t *h = ud;
  int n = h->n++;

  return n >= h->fail_from && n < h->fail_to;
}

static void
inject(pf_t *p, hook_t *h, int from, int to)
{
  *h = (hook_t){.fail_from = from, .fail_to = to};
  sqlite3_commit_hook(reed_store_sqlite(p->st), commit_hook, h);
}

TEST(degraded_failed_commit_holds_then_retries)
{
  pf_t p = {0};
  reed_session_t *s;
  uint64_t a = 0, b = 0;
  hook_t h;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  inject(&p, &h, 0, 2);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "one", 3, NULL, &a), 0);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "held topic"), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "two", 3, NULL, &b), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), REED_EIO);
  ASSERT(reed_store_degraded(p.st));
  ASSERT(reed_store_held(p.st));
  ASSERT(sf_logged(&p.f, "store degraded: commit"));
  /* Changes that need a row are refused before anyone sees them; the
   * others go on. */
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "no", 2, NULL, NULL),
            REED_EUNAVAILABLE);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "no"), REED_EUNAVAILABLE);
  ASSERT_EQ(reed_room_join(s, "Other", NULL), 0);
  /* Not yet due: still held. The retry (second commit) fails too. */
  ASSERT_EQ(reed_store_turn_end(p.st), REED_EUNAVAILABLE);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), REED_EUNAVAILABLE);
  ASSERT_EQ(h.n, 2);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 0);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(!reed_store_degraded(p.st));
  ASSERT(!reed_store_held(p.st));
  ASSERT(sf_logged(&p.f, "store recovered"));
  ASSERT(pf_stored(&p, a));
  ASSERT(pf_stored(&p, b));
  ASSERT_EQ(
      pf_count(&p, "SELECT count(*) FROM rooms WHERE topic = 'held topic'"), 1);
  /* The join's id was kept for the retry too. */
  ASSERT(pf_count(&p, "SELECT value FROM meta WHERE key = 'last_id'") >
         (long long)b);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "after", 5, NULL, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 3);
  pf_stop(&p);
  sf_cleanup(&p.f);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* The database is full at a row, not at COMMIT (SQLITE_FULL from an
 * INSERT): the batch fails as a whole and is written once there is room. */
TEST(degraded_full_database_at_a_row)
{
  pf_t p = {0};
  reed_session_t *s;
  uint64_t ids[40];
  char text[3000];
  sqlite3 *db;
  size_t n = 0;
  char sql[64];

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  db = reed_store_sqlite(p.st);
  snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
           sf_int(db, "PRAGMA page_count"));
  ASSERT_EQ(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  memset(text, 'x', sizeof(text));
  for (; n < REED_ARRAY_SIZE(ids); n++)
    ASSERT_EQ(reed_room_say(s, "Chat", 0, text, sizeof(text), NULL, &ids[n]),
              0);
  ASSERT_EQ(reed_store_turn_end(p.st), REED_EIO);
  ASSERT(reed_store_held(p.st));
  ASSERT(sf_logged(&p.f, "full"));
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL),
      SQLITE_OK);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  for (size_t i = 0; i < n; i++)
    ASSERT(pf_stored(&p, ids[i]));
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* Below the free space the store keeps, the first change of a turn that
 * needs a row enters the degraded state before anything fails: nothing is
 * held, since nothing was written. */
TEST(degraded_low_space_refuses_before_writing)
{
  pf_t p = {0};
  reed_session_t *s;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  reed_store_set_min_free(p.st, UINT64_MAX);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "no", 2, NULL, NULL),
            REED_EUNAVAILABLE);
  ASSERT(reed_store_degraded(p.st));
  ASSERT(!reed_store_held(p.st));
  ASSERT(sf_logged(&p.f, "bytes free in"));
  ASSERT_EQ(reed_room_part(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(reed_store_degraded(p.st)); /* still no room */
  reed_store_set_min_free(p.st, 1);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(!reed_store_degraded(p.st));
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "yes", 3, NULL, NULL), 0);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* A fixed scenario of turns and account changes, with the commit numbered
 * `k` failing: whatever was reported done is in the database at the end,
 * after the store recovers and a restart. */
typedef struct {
  uint64_t said[8];
  size_t n_said;
  bool email_set, account_made;
} outcome_t;

static void
say_turn(pf_t *p, reed_session_t *s, outcome_t *o, const char *text)
{
  uint64_t id = 0;

  if (reed_room_say(s, "Chat", 0, text, strlen(text), NULL, &id) == 0)
    o->said[o->n_said++] = id;
  /* A turn whose commit fails holds its output until the retry: its
   * message counts as acknowledged only once the store has written it,
   * which the final check asserts. */
  reed_store_turn_end(p->st);
}

static void
scenario(pf_t *p, reed_session_t *s, outcome_t *o)
{
  reed_account_rec_t rec = {.name = "bob", .created_ms = 1};

  say_turn(p, s, o, "first");
  o->account_made = reed_store_account_create(p->st, &rec) == 0;
  say_turn(p, s, o, "second");
  o->email_set =
      reed_store_account_set_email(p->st, "alice", "a@example.org") == 0;
  fc_advance(&p->fc, REED_STORE_RETRY_MS);
  say_turn(p, s, o, "third");
  fc_advance(&p->fc, REED_STORE_RETRY_MS);
  say_turn(p, s, o, "fourth");
}

static void
check_outcome(pf_t *p, const outcome_t *o)
{
  for (size_t i = 0; i < o->n_said; i++)
    ASSERT(pf_stored(p, o->said[i]));
  if (o->account_made)
    ASSERT_EQ(pf_count(p, "SELECT count(*) FROM accounts WHERE folded='bob'"),
              1);
  if (o->email_set)
    ASSERT_EQ(pf_count(p, "SELECT count(*) FROM accounts"
                          " WHERE email = 'a@example.org'"),
              1);
}

TEST(degraded_error_at_every_commit_point)
{
  bool more = true;
  int k = 0;

  /* Until the scenario has no commit numbered k left. */
  for (; more; k++) {
    pf_t p = {0};
    reed_session_t *s;
    outcome_t o = {0};
    hook_t h;

    s = pf_start_in_chat(&p);
    ASSERT_EQ(reed_store_turn_end(p.st), 0);
    inject(&p, &h, k, k + 1);
    scenario(&p, s, &o);
    more = h.n > k;
    /* Whatever is still held is written at the next due retry. */
    fc_advance(&p.fc, REED_STORE_RETRY_MS);
    ASSERT_EQ(reed_store_turn_end(p.st), 0);
    ASSERT(!reed_store_degraded(p.st));
    sqlite3_commit_hook(reed_store_sqlite(p.st), NULL, NULL);
    pf_restart(&p);
    check_outcome(&p, &o);
    pf_stop(&p);
    sf_cleanup(&p.f);
  }
  ASSERT(k > 6); /* every turn and account change, and retries */
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A row the database refuses by rule (here a trigger) is not a full disk:
 * it is logged and skipped, and the rest of the batch commits. */
TEST(degraded_not_entered_for_a_refused_row)
{
  pf_t p = {0};
  reed_session_t *s;
  uint64_t good = 0;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(sqlite3_exec(reed_store_sqlite(p.st),
                         "CREATE TEMP TRIGGER no_boom BEFORE INSERT ON messages"
                         " WHEN CAST(NEW.text AS TEXT) = 'boom'"
                         " BEGIN SELECT RAISE(ABORT, 'refused'); END",
                         NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "boom", 4, NULL, NULL), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "fine", 4, NULL, &good), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(!reed_store_degraded(p.st));
  ASSERT(pf_stored(&p, good));
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 1);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* Read markers are not sequenced, so they are not refused: set while
 * degraded, they wait in the journal and are written at the retry. */
TEST(degraded_read_marker_written_at_recovery)
{
  pf_t p = {0};
  reed_session_t *s;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  reed_store_set_min_free(p.st, UINT64_MAX);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "no", 2, NULL, NULL),
            REED_EUNAVAILABLE);
  ASSERT_EQ(reed_read_marker_set(s, "Chat", true, 1700000000500ull, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM read_markers"), 0);
  reed_store_set_min_free(p.st, 0);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM read_markers"), 1);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* Allocation n fails while a turn's messages are journaled and the commit
 * fails: no crash, no leak, and the store still recovers. A change that
 * could not be journaled is logged (it cannot be written again). */
TEST(degraded_out_of_memory_while_journaling)
{
  bool clean = false;
  int lost = 0;

  for (long n = 0; n < 60 && !clean; n++) {
    pf_t p = {0};
    reed_session_t *s;
    hook_t h;
    int said = 0;

    /* A guest's room: nothing is journaled before the loop's messages
     * (a logged-in creator's ownership would be). */
    sf_init(&p.f);
    pf_start(&p);
    s = pf_session(&p, "Alice", NULL);
    ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
    ASSERT_EQ(reed_store_turn_end(p.st), 0);
    inject(&p, &h, 0, 1);
    reed_alloc_fail_after(n);
    for (int i = 0; i < 4; i++)
      said += reed_room_say(s, "Chat", 0, "text", 4, NULL, NULL) == 0;
    reed_alloc_fail_after(-1);
    ASSERT(reed_store_turn_end(p.st) != 0 || said == 0);
    clean = said == 4 && !sf_logged(&p.f, "not journaled");
    lost += sf_logged(&p.f, "not journaled");
    fc_advance(&p.fc, REED_STORE_RETRY_MS);
    ASSERT_EQ(reed_store_turn_end(p.st), 0);
    ASSERT(!reed_store_degraded(p.st));
    pf_stop(&p);
    sf_cleanup(&p.f);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT(clean);
  ASSERT(lost > 0);
}
