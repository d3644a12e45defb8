/* FAST tokens: rotation, expiry, bounds, and the account triggers (a new
 * password ends the tokens; deleting the account deletes every xmpp row). */
#include "harness.h"
#include "xs_test.h"

#include <stdio.h>

static void
issue(xs_fixture_t *x, const char *acct, const char *client, const char *tok,
      uint64_t created, uint64_t expiry)
{
  reed_xfast_token_t t = {.mech = "HT-SHA-256-NONE",
                          .token = (const uint8_t *)tok,
                          .token_len = strlen(tok),
                          .created_ms = created,
                          .expiry_ms = expiry};

  ASSERT_EQ(reed_xstore_fast_issue(x->xs, acct, client, &t), 0);
}

static const char *
get(xs_fixture_t *x, const char *client, uint64_t now, xf_lines_t *l)
{
  int n;

  *l = (xf_lines_t){0};
  n = reed_xstore_fast_get(x->xs, "alice", client, now, xf_fast_cb, l);
  ASSERT_EQ(n, l->n);
  return l->buf;
}

TEST(xs_fast_rotation_and_expiry)
{
  xs_fixture_t x;
  xf_lines_t l;

  xf_open(&x);
  ASSERT_LINES(get(&x, "ua", 0, &l), "");
  issue(&x, "alice", "ua", "t1", 10, 1000);
  ASSERT_LINES(get(&x, "ua", 11, &l), "1|HT-SHA-256-NONE|t1|10|1000");
  issue(&x, "Alice", "ua", "t2", 20, 2000);
  ASSERT_LINES(get(&x, "ua", 21, &l), "1|HT-SHA-256-NONE|t2|20|2000\n"
                                      "0|HT-SHA-256-NONE|t1|10|1000");
  /* A third: the first goes. */
  issue(&x, "alice", "ua", "t3", 30, 3000);
  ASSERT_LINES(get(&x, "ua", 31, &l), "1|HT-SHA-256-NONE|t3|30|3000\n"
                                      "0|HT-SHA-256-NONE|t2|20|2000");
  /* Expired tokens are not reported. */
  ASSERT_LINES(get(&x, "ua", 2000, &l), "1|HT-SHA-256-NONE|t3|30|3000");
  ASSERT_LINES(get(&x, "ua", 3000, &l), "");
  /* The client used the current one: the previous one goes. */
  ASSERT_EQ(reed_xstore_fast_drop_previous(x.xs, "alice", "ua"), 0);
  ASSERT_LINES(get(&x, "ua", 31, &l), "1|HT-SHA-256-NONE|t3|30|3000");
  /* Another client, and bob's, are separate; an issue drops the
   * account's expired tokens. */
  issue(&x, "alice", "ub", "u1", 40, 50);
  issue(&x, "bob", "ua", "b1", 40, 50);
  issue(&x, "alice", "uc", "c1", 60, 5000);
  ASSERT_LINES(get(&x, "ub", 0, &l), "");
  ASSERT_LINES(get(&x, "ua", 61, &l), "1|HT-SHA-256-NONE|t3|30|3000");
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), 2);
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "bob"), 1);
  ASSERT_EQ(reed_xstore_fast_del_client(x.xs, "alice", "ua"), 0);
  ASSERT_LINES(get(&x, "ua", 61, &l), "");
  ASSERT_LINES(get(&x, "uc", 61, &l), "1|HT-SHA-256-NONE|c1|60|5000");
  ASSERT_EQ(reed_xstore_fast_del_account(x.xs, "alice"), 0);
  ASSERT_LINES(get(&x, "uc", 61, &l), "");
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), 0);
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "bob"), 1);
  xf_close(&x);
}

TEST(xs_fast_bad_arguments_and_client_bound)
{
  static const uint8_t big[REED_XFAST_TOKEN_MAX + 1] = {0};
  char client[REED_XFAST_CLIENT_MAX + 2];
  reed_xfast_token_t t = {.mech = "HT-SHA-256-NONE",
                          .token = big,
                          .token_len = REED_XFAST_TOKEN_MAX + 1,
                          .expiry_ms = 10};
  xs_fixture_t x;
  xf_lines_t l;

  xf_open(&x);
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", "ua", &t), REED_EINVAL);
  t.token_len = 0;
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", "ua", &t), REED_EINVAL);
  t.token_len = 4;
  t.mech = "";
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", "ua", &t), REED_EINVAL);
  t.mech = "HT-SHA-256-NONE";
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", "", &t), REED_EINVAL);
  memset(client, 'c', sizeof(client) - 1);
  client[sizeof(client) - 1] = '\0';
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", client, &t), REED_EINVAL);
  client[REED_XFAST_CLIENT_MAX] = '\0';
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "alice", client, &t), 0);
  ASSERT_EQ(reed_xstore_fast_issue(x.xs, "carol", "ua", &t), REED_ENOACCOUNT);
  ASSERT_EQ(reed_xstore_fast_get(x.xs, "alice", NULL, 0, xf_fast_cb, &l),
            REED_EINVAL);
  /* Past REED_XFAST_CLIENTS_MAX clients, the oldest go. */
  for (int i = 0; i < REED_XFAST_CLIENTS_MAX + 3; i++) {
    char id[16];
    snprintf(id, sizeof(id), "client%02d", i);
    issue(&x, "alice", id, "tok", (uint64_t)(100 + i), 100000);
  }
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), REED_XFAST_CLIENTS_MAX);
  ASSERT_LINES(get(&x, "client02", 1, &l), "");
  ASSERT_LINES(get(&x, "client03", 1, &l), "1|HT-SHA-256-NONE|tok|103|100000");
  xf_close(&x);
}

static void
new_password(xs_fixture_t *x, const char *name, const char *hash)
{
  reed_account_rec_t rec;

  ASSERT_EQ(reed_store_account_get(x->st, name, &rec), 0);
  snprintf(rec.pwhash, sizeof(rec.pwhash), "%s", hash);
  ASSERT_EQ(reed_store_account_set_creds(x->st, &rec), 0);
}

/* A new password (here through the store's account call, which `reed
 * account passwd` uses) ends the account's tokens; the same credentials
 * written again do not. */
TEST(xs_fast_revoked_by_password_change)
{
  xs_fixture_t x;
  xf_lines_t l;

  xf_open(&x);
  issue(&x, "alice", "ua", "t1", 10, 1000);
  issue(&x, "alice", "ub", "t2", 10, 1000);
  issue(&x, "bob", "ua", "b1", 10, 1000);
  new_password(&x, "alice", "hash-of-Alice");
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), 2);
  new_password(&x, "ALICE", "a-new-hash");
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), 0);
  ASSERT_LINES(get(&x, "ua", 11, &l), "");
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "bob"), 1);
  /* A new SCRAM key alone counts too. */
  issue(&x, "alice", "ua", "t3", 10, 1000);
  {
    reed_account_rec_t rec;
    ASSERT_EQ(reed_store_account_get(x.st, "alice", &rec), 0);
    rec.scram_sha256.iterations = 4096;
    rec.scram_sha256.stored_key[0] = 1;
    ASSERT_EQ(reed_store_account_set_creds(x.st, &rec), 0);
  }
  ASSERT_EQ(xf_rows(&x, "xmpp_fast", "alice"), 0);
  xf_close(&x);
}

static const char *const tables[] = {
    "xmpp_roster",   "xmpp_roster_ver", "xmpp_offline",
    "xmpp_block",    "xmpp_private",    "xmpp_vcard",
    "xmpp_pep_node", "xmpp_pep_item",   "xmpp_fast",
};

static void
fill(xs_fixture_t *x, const char *acct)
{
  reed_xroster_item_t it = {.jid = "c@x.org", .listed = true};
  reed_xoffline_t m = {.from = "c@x.org", .xml = "<message/>"};
  reed_xpep_conf_t conf = {.max_items = 1};
  reed_xpep_item_t item = {.id = "i", .xml = "<i/>"};

  ASSERT_EQ(reed_xstore_roster_put(x->xs, acct, &it, NULL), 0);
  ASSERT_EQ(reed_xstore_offline_add(x->xs, acct, &m, 5, NULL), 0);
  ASSERT_EQ(reed_xstore_block_add(x->xs, acct, "spam.org"), 0);
  ASSERT_EQ(reed_xstore_private_set(x->xs, acct, "q", "p", "<q/>"), 0);
  ASSERT_EQ(reed_xstore_vcard_set(x->xs, acct, "<vCard/>"), 0);
  ASSERT_EQ(reed_xstore_pep_node_put(x->xs, acct, "n", &conf), 0);
  ASSERT_EQ(reed_xstore_pep_publish(x->xs, acct, "n", &item), 0);
  issue(x, acct, "ua", "t", 1, 1000);
}

/* Deleting an account (any process: `reed account del` uses the same
 * call) deletes every xmpp row it had, and nobody else's. */
TEST(xs_account_delete_deletes_rows)
{
  xs_fixture_t x;

  xf_open(&x);
  fill(&x, "Alice");
  fill(&x, "bob");
  xf_commit(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(tables); i++)
    ASSERT_EQ(xf_rows(&x, tables[i], "alice"), 1);
  ASSERT_EQ(reed_store_account_delete(x.st, "ALICE"), 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(tables); i++) {
    ASSERT_EQ(xf_rows(&x, tables[i], "alice"), 0);
    ASSERT_EQ(xf_rows(&x, tables[i], "bob"), 1);
  }
  /* A new account of that name starts empty. */
  xf_account(&x, "alice");
  ASSERT_EQ(reed_xstore_roster_count(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 0);
  xf_close(&x);
}
