/* Accounts changed by another process reach the running model through
 * reed_store_sync_accounts. */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>
#include <string.h>

/* `reed account add|del` in another process: its own store connection,
 * between two loop turns of the server (whose batch is committed). */
static void
other_add(pf_t *p, const char *name)
{
  reed_store_t *other;

  ASSERT_EQ(reed_store_turn_end(p->st), 0);
  other = sf_open(&p->f);
  reed_account_rec_t rec = {.created_ms = 9};

  reed_strlcpy(rec.name, name, sizeof(rec.name));
  ASSERT_EQ(reed_store_account_create(other, &rec), 0);
  reed_store_close(other);
}

static void
other_del(pf_t *p, const char *name)
{
  reed_store_t *other;

  ASSERT_EQ(reed_store_turn_end(p->st), 0);
  other = sf_open(&p->f);

  ASSERT_EQ(reed_store_account_delete(other, name), 0);
  reed_store_close(other);
}

TEST(sync_deleted_account_frees_its_name)
{
  pf_t p = {0};
  reed_session_t *a, *g;
  uint64_t id;

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  id = reed_session_id(a);
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  g = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(g, "Chat", NULL), 0);
  other_add(&p, "Bob");
  ASSERT_EQ(reed_store_sync_accounts(p.st, true), 0);
  ASSERT(reed_model_account_exists(p.m, "bob"));
  ASSERT_EQ(reed_session_set_nick(g, "bob"), REED_ENICKRESERVED);
  other_del(&p, "bob");
  other_del(&p, "ALICE");
  /* At most one look a second. */
  fc_advance(&p.fc, 999);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(reed_model_account_exists(p.m, "bob"));
  fc_advance(&p.fc, 1);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(!reed_model_account_exists(p.m, "bob"));
  ASSERT(!reed_model_account_exists(p.m, "alice"));
  ASSERT(sf_logged(&p.f, "account Bob was deleted"));
  /* The name is free, and alice's session was ended (reed account del
   * disconnects the account's users), not left logged in. */
  ASSERT_EQ(reed_session_set_nick(g, "bob"), 0);
  ASSERT(reed_model_session_by_id(p.m, id) == NULL);
  ASSERT(sf_logged(&p.f, "account alice was deleted; 1 of its users"));
  ASSERT_EQ(reed_room_say(g, "Chat", 0, "still here", 10, NULL, NULL), 0);
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(sync_added_account_reserves_its_name)
{
  pf_t p = {0};
  reed_session_t *g;

  sf_init(&p.f);
  pf_start(&p);
  g = pf_session(&p, "Guest", NULL);
  other_add(&p, "Carol");
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(reed_model_account_exists(p.m, "carol"));
  ASSERT_EQ(reed_session_set_nick(g, "CAROL"), REED_ENICKRESERVED);
  /* Nothing committed elsewhere since: the accounts are not compared
   * (a change through this very connection is the caller's to tell the
   * model), unless forced. */
  ASSERT_EQ(reed_store_account_create(
                p.st, &(reed_account_rec_t){.name = "Dave", .created_ms = 1}),
            0);
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(!reed_model_account_exists(p.m, "dave"));
  ASSERT_EQ(reed_store_sync_accounts(p.st, true), 0);
  ASSERT(reed_model_account_exists(p.m, "dave"));
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(sync_errors_and_out_of_memory)
{
  pf_t p = {0};
  reed_store_t *lone;
  int ok = 0, failures = 0;

  sf_init(&p.f);
  ASSERT_EQ(reed_store_sync_accounts(NULL, true), REED_EINVAL);
  lone = sf_open(&p.f);
  ASSERT_EQ(reed_store_sync_accounts(lone, true), REED_EINVAL);
  reed_store_close(lone);
  pf_start(&p);
  for (int i = 0; i < 150; i++) {
    char name[16];
    snprintf(name, sizeof(name), "user%03d", i);
    ASSERT_EQ(reed_model_account_add(p.m, name), 0);
    if (i % 3 != 0)
      other_add(&p, name);
  }
  other_add(&p, "newcomer");
  /* Allocation n fails: ENOMEM, nothing leaked, and a later sync still
   * brings the model to the table's picture. */
  for (long n = 0; n < 50 && !ok; n++) {
    int rc;
    reed_alloc_fail_after(n);
    rc = reed_store_sync_accounts(p.st, true);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    failures += rc == REED_ENOMEM;
    ok = rc == 0;
  }
  ASSERT(ok);
  ASSERT(failures >= 2);
  for (int i = 0; i < 150; i++) {
    char name[16];
    snprintf(name, sizeof(name), "user%03d", i);
    ASSERT(reed_model_account_exists(p.m, name) == (i % 3 != 0));
  }
  ASSERT(reed_model_account_exists(p.m, "newcomer"));
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

/* Deleted and created again between two looks: the old sessions are
 * logged out (the log keeps the order), and the name is reserved again. */
TEST(sync_replays_delete_then_create)
{
  pf_t p = {0};
  reed_session_t *a, *g;
  uint64_t id;
  sqlite3 *raw;

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  id = reed_session_id(a);
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  g = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(g, "Chat", NULL), 0);
  other_del(&p, "alice");
  other_add(&p, "Alice");
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(reed_model_session_by_id(p.m, id) == NULL);
  ASSERT(reed_model_account_exists(p.m, "alice"));
  ASSERT(sf_logged(&p.f, "account alice was deleted"));
  /* Applied rows go with the next batch. */
  raw = sf_raw(&p.f);
  ASSERT(sf_int(raw, "SELECT count(*) FROM account_log") >= 2);
  ASSERT_EQ(reed_room_say(g, "Chat", 0, "x", 1, NULL, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  /* All but the last: it keeps seq from starting over at 1. */
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM account_log"), 1);
  sqlite3_close(raw);
  /* Nothing new: nothing replayed, nothing changes. */
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(reed_model_account_exists(p.m, "alice"));
  /* A change after the prune is replayed too (its seq is past log_seq). */
  other_del(&p, "alice");
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(!reed_model_account_exists(p.m, "alice"));
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(sync_replay_out_of_memory_resumes)
{
  pf_t p = {0};
  int ok = 0, failures = 0;

  sf_init(&p.f);
  pf_start(&p);
  for (int i = 0; i < 40; i++) {
    char name[16];
    snprintf(name, sizeof(name), "user%02d", i);
    other_add(&p, name);
    if (i % 4 == 0)
      other_del(&p, name);
  }
  for (long n = 0; n < 100 && !ok; n++) {
    int rc;
    fc_advance(&p.fc, 1000);
    reed_alloc_fail_after(n);
    rc = reed_store_sync_accounts(p.st, false);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    failures += rc == REED_ENOMEM;
    ok = rc == 0;
  }
  ASSERT(ok);
  ASSERT(failures >= 2);
  for (int i = 0; i < 40; i++) {
    char name[16];
    snprintf(name, sizeof(name), "user%02d", i);
    ASSERT(reed_model_account_exists(p.m, name) == (i % 4 != 0));
  }
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}
