/* The handle, the migrations, accounts and batching; reopening keeps every
 * family's rows. */
#include "harness.h"
#include "xs_test.h"

TEST(xs_migrate_and_open)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_xstore_t *xs = NULL;
  sqlite3 *raw;

  sf_init(&f);
  st = sf_open(&f);
  /* Not migrated yet: no handle. */
  ASSERT_EQ(reed_xstore_open(st, &f.log, &xs), REED_EINVAL);
  ASSERT_EQ(reed_xstore_open(NULL, &f.log, &xs), REED_EINVAL);
  ASSERT(xs == NULL);
  ASSERT_EQ(reed_store_migrate(st, "xmpp", reed__xmpp_migrations,
                               REED_XMPP_N_MIGRATIONS),
            0);
  ASSERT_EQ(reed_store_schema_version(st, "xmpp"),
            (long long)REED_XMPP_N_MIGRATIONS);
  /* Running them again does nothing. */
  ASSERT_EQ(reed_store_migrate(st, "xmpp", reed__xmpp_migrations,
                               REED_XMPP_N_MIGRATIONS),
            0);
  ASSERT_EQ(reed_xstore_open(st, &f.log, &xs), 0);
  raw = sf_raw(&f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM sqlite_master WHERE"
                        " type = 'table' AND name LIKE 'xmpp_%'"),
            11);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM sqlite_master WHERE"
                        " type = 'trigger' AND name LIKE 'xmpp_%'"),
            2);
  sqlite3_close(raw);
  reed_xstore_close(xs);
  reed_xstore_close(NULL);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}

static void
nop_str(void *ud, const char *s)
{
  (void)ud;
  (void)s;
}

/* Account names: folded as the store folds them, refused when malformed,
 * and a write for a name with no account writes nothing. */
TEST(xs_accounts_folded_and_checked)
{
  static const struct {
    const char *account;
    int add, match;
  } cases[] = {
      {"alice", 0, 1},
      {"ALICE", REED_EEXIST, 1},
      {"AlIcE", REED_EEXIST, 1},
      {"carol", REED_ENOACCOUNT, REED_ENOTFOUND},
      {"1bad", REED_EBADACCOUNT, REED_EBADACCOUNT},
      {"", REED_EBADACCOUNT, REED_EBADACCOUNT},
      {"a b", REED_EBADACCOUNT, REED_EBADACCOUNT},
      {NULL, REED_EBADACCOUNT, REED_EBADACCOUNT},
  };
  xs_fixture_t x;

  xf_open(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int m;
    ASSERT_EQ(reed_xstore_block_add(x.xs, cases[i].account, "eve@example.org"),
              cases[i].add);
    m = reed_xstore_block_match(x.xs, cases[i].account, "eve@example.org/r");
    ASSERT_EQ(m, cases[i].match == REED_ENOTFOUND ? 0 : cases[i].match);
  }
  ASSERT_EQ(reed_xstore_block_list(x.xs, "x y", nop_str, NULL),
            REED_EBADACCOUNT);
  ASSERT_EQ(reed_xstore_block_count(NULL, "alice"), REED_EINVAL);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "alice"), 1);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "carol"), 0);
  xf_close(&x);
}

/* A write opens the turn's batch and is seen by another connection only
 * once the turn ends; a refused write leaves the batch's other rows. */
TEST(xs_writes_join_the_batch)
{
  xs_fixture_t x;
  reed_xoffline_t m = {.from = "bob@example.org/p", .xml = "<message/>"};

  xf_open(&x);
  ASSERT(!reed_store_in_batch(x.st));
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 1, NULL), 0);
  ASSERT(reed_store_in_batch(x.st));
  /* Refused inside the same batch: the first row stays. */
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 1, NULL), REED_ELIMIT);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "eve@example.org"), 0);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "eve@example.org"),
            REED_EEXIST);
  /* Reads see the turn's own rows. */
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 1);
  ASSERT_EQ(xf_rows(&x, "xmpp_offline", "alice"), 0);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "alice"), 0);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_offline", "alice"), 1);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "alice"), 1);
  /* An account change commits the open batch first (store.h). */
  ASSERT_EQ(reed_xstore_block_add(x.xs, "bob", "eve@example.org"), 0);
  xf_account(&x, "carol");
  ASSERT(!reed_store_in_batch(x.st));
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "bob"), 1);
  xf_close(&x);
}

/* Every family's rows are there after a restart. */
TEST(xs_reopen_keeps_everything)
{
  xs_fixture_t x;
  const char *groups[] = {"Friends", "Work"};
  reed_xroster_item_t it = {.jid = "bob@example.org",
                            .name = "Bob",
                            .sub = REED_XSUB_BOTH,
                            .listed = true,
                            .groups = groups,
                            .n_groups = 2};
  reed_xoffline_t m = {.id = "m1",
                       .from = "bob@example.org/p",
                       .stamp_ms = 7,
                       .xml = "<message/>"};
  reed_xpep_conf_t conf = {
      .access = REED_XPEP_PRESENCE, .max_items = 5, .persist = true};
  reed_xpep_item_t item = {.id = "current", .xml = "<x/>", .published_ms = 9};
  reed_xfast_token_t tok = {.mech = "HT-SHA-256-NONE",
                            .token = (const uint8_t *)"secret",
                            .token_len = 6,
                            .created_ms = 10,
                            .expiry_ms = 1000};
  reed_xpep_conf_t got;
  xf_lines_t l = {0};
  uint64_t ver;

  xf_open(&x);
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "Alice", &it, NULL), 0);
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 10, NULL), 0);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "eve@example.org"), 0);
  ASSERT_EQ(reed_xstore_private_set(x.xs, "alice", "storage", "storage:bm",
                                    "<storage xmlns='storage:bm'/>"),
            0);
  ASSERT_EQ(reed_xstore_vcard_set(x.xs, "alice", "<vCard/>"), 0);
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "urn:xmpp:avatar", &conf),
            0);
  ASSERT_EQ(reed_xstore_pep_publish(x.xs, "alice", "urn:xmpp:avatar", &item),
            0);
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", "ua-1", &tok), 0);
  xf_reopen(&x);

  ASSERT_EQ(reed_xstore_roster_list(x.xs, "alice", false, xf_roster_cb, &l), 0);
  ASSERT_EQ(reed_xstore_roster_version(x.xs, "alice", &ver), 0);
  ASSERT_EQ(ver, 1);
  ASSERT_EQ(reed_xstore_offline_list(x.xs, "alice", xf_offline_cb, &l), 0);
  ASSERT_EQ(reed_xstore_block_list(x.xs, "alice", xf_str_cb, &l), 0);
  ASSERT_EQ(reed_xstore_private_get(x.xs, "alice", "storage", "storage:bm",
                                    xf_xml_cb, &l),
            0);
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "alice", xf_xml_cb, &l), 0);
  ASSERT_EQ(reed_xstore_pep_items(x.xs, "alice", "urn:xmpp:avatar", 0,
                                  xf_item_cb, &l),
            0);
  ASSERT_EQ(reed_xstore_fast_get(x.xs, "alice", "ua-1", 11, xf_fast_cb, &l), 1);
  ASSERT_LINES(l.buf, "bob@example.org|Bob|3|0|0|-|0|1|Friends,Work|1|0\n"
                      "1|m1|bob@example.org/p|7|<message/>\n"
                      "eve@example.org\n"
                      "<storage xmlns='storage:bm'/>\n"
                      "<vCard/>\n"
                      "current|<x/>|9\n"
                      "1|HT-SHA-256-NONE|secret|10|1000\n");
  ASSERT_EQ(reed_xstore_pep_node_get(x.xs, "alice", "urn:xmpp:avatar", &got),
            0);
  ASSERT_EQ(got.access, REED_XPEP_PRESENCE);
  ASSERT_EQ(got.max_items, 5);
  ASSERT(got.persist);
  xf_close(&x);
}

/* A call is atomic inside the batch: when a later statement of a roster
 * put fails (a trigger refuses the row), the version it bumped is undone
 * and the batch's earlier rows stay. */
TEST(xs_failed_call_undoes_its_own_rows)
{
  xs_fixture_t x;
  reed_xroster_item_t it = {.jid = "a@x.org", .listed = true};
  uint64_t ver = 0;

  xf_open(&x);
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, &ver), 0);
  ASSERT_EQ(ver, 1);
  ASSERT_EQ(sqlite3_exec(reed_store_sqlite(x.st),
                         "CREATE TEMP TRIGGER refuse BEFORE INSERT ON"
                         " xmpp_roster WHEN NEW.jid = 'b@x.org' BEGIN"
                         " SELECT RAISE(ABORT, 'refused'); END",
                         NULL, NULL, NULL),
            SQLITE_OK);
  it.jid = "b@x.org";
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, &ver), REED_EIO);
  ASSERT(x.f.nlines > 0);
  ASSERT_EQ(reed_xstore_roster_version(x.xs, "alice", &ver), 0);
  ASSERT_EQ(ver, 1);
  ASSERT(reed_store_in_batch(x.st));
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_roster", "alice"), 1);
  ASSERT_EQ(xf_rows(&x, "xmpp_roster_ver", "alice"), 1);
  xf_close(&x);
}

static int
refuse_commit(void *ud)
{
  (void)ud;
  return 1;
}

static void
nop_xml(void *ud, const char *xml, size_t len)
{
  (void)ud;
  (void)xml;
  (void)len;
}

/* When the turn's commit fails the store is degraded: the module's rows
 * of that turn are lost (they are not journaled), writes are refused
 * with REED_EUNAVAILABLE and write nothing, reads go on. */
TEST(xs_degraded_refuses_writes)
{
  xs_fixture_t x;
  reed_xoffline_t m = {.from = "bob@example.org", .xml = "<message/>"};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_vcard_set(x.xs, "alice", "<vCard/>"), 0);
  xf_commit(&x);
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 5, NULL), 0);
  sqlite3_commit_hook(reed_store_sqlite(x.st), refuse_commit, NULL);
  ASSERT_EQ(reed_store_turn_end(x.st), REED_EIO);
  sqlite3_commit_hook(reed_store_sqlite(x.st), NULL, NULL);
  ASSERT(reed_store_degraded(x.st));
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 5, NULL),
            REED_EUNAVAILABLE);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "x.org"), REED_EUNAVAILABLE);
  ASSERT(!reed_store_in_batch(x.st));
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "alice", nop_xml, NULL), 0);
  xf_close(&x);
}
