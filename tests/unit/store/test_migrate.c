/* Opening, configuration and versioned migrations per owner. */
#include "harness.h"
#include "store_int.h"
#include "store_test.h"

#include <stdio.h>
#include <string.h>

TEST(open_fresh_is_wal)
{
  store_fixture_t f;
  reed_store_t *st;
  sqlite3 *raw;
  char mode[16];

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_schema_version(st, "store"), SF_STORE_VERSION);
  ASSERT_EQ(reed_store_schema_version(st, "irc"), 0);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "PRAGMA synchronous"), 1);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "PRAGMA busy_timeout"), 5000);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "PRAGMA journal_size_limit"),
            67108864);
  raw = sf_raw(&f);
  sf_text(raw, "PRAGMA journal_mode", mode, sizeof(mode));
  ASSERT_STR_EQ(mode, "wal");
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM sqlite_master WHERE name IN"
                        " ('accounts','certs','rooms','messages','meta',"
                        " 'room_lists', 'account_log')"),
            7);
  sqlite3_close(raw);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}

TEST(open_reopen_keeps_schema_and_data)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec = {.name = "Alice", .created_ms = 5}, got;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  reed_store_close(st);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_schema_version(st, "store"), SF_STORE_VERSION);
  ASSERT_EQ(reed_store_account_get(st, "alice", &got), 0);
  ASSERT_STR_EQ(got.name, "Alice");
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(open_errors)
{
  store_fixture_t f;
  reed_store_t *st = NULL;
  sqlite3 *raw;
  FILE *fp;

  sf_init(&f);
  ASSERT_EQ(reed_store_open(NULL, &f.log, &st), REED_EINVAL);
  reed_store_close(NULL);
  reed_alloc_fail_after(0);
  ASSERT_EQ(reed_store_open(f.path, &f.log, &st), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT(st == NULL);
  ASSERT_EQ(reed_alloc_live(), 0);
  ASSERT_EQ(reed_store_open("/nonexistent-dir/x/reed.db", &f.log, &st),
            REED_EIO);
  ASSERT(sf_logged(&f, "cannot open"));
  ASSERT(st == NULL);

  fp = fopen(f.path, "wb");
  ASSERT(fp != NULL);
  for (int i = 0; i < 64; i++)
    fputs("this is not a database file at all. ", fp);
  fclose(fp);
  f.nlines = 0;
  ASSERT_EQ(reed_store_open(f.path, &f.log, &st), REED_EIO);
  ASSERT(sf_logged(&f, "not a database"));
  ASSERT(st == NULL);
  sf_cleanup(&f);

  /* A schema from a newer build is refused, not clobbered. */
  sf_init(&f);
  st = sf_open(&f);
  reed_store_close(st);
  raw = sf_raw(&f);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE schema_version SET version = 99"
                         " WHERE owner = 'store'",
                         NULL, NULL, NULL),
            SQLITE_OK);
  sqlite3_close(raw);
  st = NULL;
  ASSERT_EQ(reed_store_open(f.path, &f.log, &st), REED_ECONFIG);
  ASSERT(st == NULL);
  ASSERT(sf_logged(&f, "version 99"));
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}

static const reed_store_migration_t irc_v3[] = {
    {.sql = "CREATE TABLE irc_a(x INTEGER)"},
    {.sql = "CREATE TABLE irc_b(y TEXT); INSERT INTO irc_b VALUES('two')"},
    {.sql = "CREATE TABLE irc_c(z BLOB)"},
};

TEST(migrate_module_steps_once)
{
  static const reed_store_migration_t xmpp_v1[] = {
      {.sql = "CREATE TABLE xmpp_roster(jid TEXT)"},
  };
  store_fixture_t f;
  reed_store_t *st;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 2), 0);
  ASSERT_EQ(reed_store_schema_version(st, "irc"), 2);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM irc_b"), 1);
  /* Running again is a no-op: a rerun step would fail (table exists). */
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 2), 0);
  reed_store_close(st);

  st = sf_open(&f);
  ASSERT_EQ(reed_store_schema_version(st, "irc"), 2);
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 3), 0);
  ASSERT_EQ(reed_store_schema_version(st, "irc"), 3);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM irc_b"), 1);
  ASSERT_EQ(sf_int(reed_store_sqlite(st),
                   "SELECT count(*) FROM sqlite_master WHERE name = 'irc_c'"),
            1);
  /* Owners are independent; a build knowing fewer steps is refused. */
  ASSERT_EQ(reed_store_migrate(st, "xmpp", xmpp_v1, 1), 0);
  ASSERT_EQ(reed_store_schema_version(st, "xmpp"), 1);
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 1), REED_ECONFIG);
  ASSERT_EQ(reed_store_schema_version(st, "store"), SF_STORE_VERSION);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(migrate_failed_step_rolls_back)
{
  static const reed_store_migration_t steps[] = {
      {.sql = "CREATE TABLE amp_a(x)"},
      {.sql = "CREATE TABLE amp_half(x); CREATE TABL oops(y)"},
  };
  store_fixture_t f;
  reed_store_t *st;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_migrate(st, "amp", steps, 2), REED_EIO);
  ASSERT(sf_logged(&f, "syntax error"));
  ASSERT(sf_logged(&f, "migration amp 2 failed"));
  ASSERT_EQ(reed_store_schema_version(st, "amp"), 1);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM sqlite_master"
                                          " WHERE name = 'amp_half'"),
            0);
  ASSERT(sqlite3_get_autocommit(reed_store_sqlite(st)));
  /* The store still works after the failure. */
  ASSERT_EQ(reed_store_migrate(st, "amp", steps, 1), 0);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(migrate_bad_arguments)
{
  static const reed_store_migration_t null_step[] = {{.sql = NULL}};
  static const struct {
    const char *owner;
    int rc;
  } cases[] = {
      {NULL, REED_EINVAL},  {"", REED_EINVAL},
      {"IRC", REED_EINVAL}, {"irc-x", REED_EINVAL},
      {"a b", REED_EINVAL}, {"abcdefghijklmnopqrstuvwxyz0123456", REED_EINVAL},
      {"irc_x2", 0},
  };
  store_fixture_t f;
  reed_store_t *st;

  sf_init(&f);
  st = sf_open(&f);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_EQ(reed_store_migrate(st, cases[i].owner, irc_v3, 1), cases[i].rc);
  ASSERT_EQ(reed_store_migrate(st, "bots", null_step, 1), REED_EINVAL);
  ASSERT_EQ(reed_store_migrate(st, "bots", NULL, 1), REED_EINVAL);
  ASSERT_EQ(reed_store_migrate(st, "bots", NULL, 0), 0);
  ASSERT_EQ(reed_store_schema_version(st, "bots"), 0);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(batch_commits_at_turn_end)
{
  store_fixture_t f;
  reed_store_t *st;
  sqlite3 *raw;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 1), 0);
  raw = sf_raw(&f);
  ASSERT(!reed_store_in_batch(st));
  ASSERT_EQ(reed_store_turn_end(st), 0);
  ASSERT_EQ(reed_store_batch_begin(st), 0);
  ASSERT_EQ(reed_store_batch_begin(st), 0);
  ASSERT(reed_store_in_batch(st));
  ASSERT_EQ(sqlite3_exec(reed_store_sqlite(st),
                         "INSERT INTO irc_a VALUES(1),(2)", NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM irc_a"), 0);
  ASSERT_EQ(reed_store_turn_end(st), 0);
  ASSERT(!reed_store_in_batch(st));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM irc_a"), 2);
  sqlite3_close(raw);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(close_commits_pending_batch)
{
  store_fixture_t f;
  reed_store_t *st;
  sqlite3 *raw;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_migrate(st, "irc", irc_v3, 1), 0);
  ASSERT_EQ(reed_store_batch_begin(st), 0);
  ASSERT_EQ(sqlite3_exec(reed_store_sqlite(st), "INSERT INTO irc_a VALUES(7)",
                         NULL, NULL, NULL),
            SQLITE_OK);
  reed_store_close(st);
  raw = sf_raw(&f);
  ASSERT_EQ(sf_int(raw, "SELECT x FROM irc_a"), 7);
  sqlite3_close(raw);
  sf_cleanup(&f);
}

/* A database made by a build that knew only step 1 of the store's schema
 * is brought up to date with its rows kept. */
TEST(migrate_store_from_version_1)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t got;
  sqlite3 *raw;

  sf_init(&f);
  ASSERT_EQ(sqlite3_open(f.path, &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TABLE schema_version(owner TEXT PRIMARY KEY,"
                         " version INTEGER NOT NULL) WITHOUT ROWID;"
                         "INSERT INTO schema_version VALUES('store', 1);",
                         NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, reed__store_schema[0].sql, NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "INSERT INTO accounts(folded, name, created_ms,"
                         " pwhash) VALUES('old', 'Old', 3, 'h');"
                         "INSERT INTO rooms(folded, name) VALUES('r', 'R');",
                         NULL, NULL, NULL),
            SQLITE_OK);
  sqlite3_close(raw);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_schema_version(st, "store"), SF_STORE_VERSION);
  ASSERT_EQ(reed_store_account_get(st, "old", &got), 0);
  ASSERT_STR_EQ(got.name, "Old");
  ASSERT_EQ(got.created_ms, 3);
  ASSERT_STR_EQ(got.pwhash, "h");
  ASSERT_STR_EQ(got.email, "");
  ASSERT_EQ(reed_store_account_set_email(st, "old", "old@example.org"), 0);
  ASSERT_EQ(reed_store_account_get(st, "OLD", &got), 0);
  ASSERT_STR_EQ(got.email, "old@example.org");
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM rooms"), 1);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM room_lists"),
            0);
  /* Accounts made after the migration are logged; older ones are not. */
  ASSERT_EQ(reed_store_account_create(
                st, &(reed_account_rec_t){.name = "New", .created_ms = 1}),
            0);
  ASSERT_EQ(sf_int(reed_store_sqlite(st),
                   "SELECT count(*) FROM account_log WHERE op = 'add'"
                   " AND name = 'New'"),
            1);
  ASSERT_EQ(sf_int(reed_store_sqlite(st), "SELECT count(*) FROM account_log"),
            1);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}
