/* Operator accounts (schema step 8): set, clear, look up, count and list,
 * every error, case-insensitivity, and rows that go with their account. */
#include "harness.h"
#include "store_test.h"

#include <string.h>

static void
add(reed_store_t *st, const char *name)
{
  reed_account_rec_t rec;

  memset(&rec, 0, sizeof(rec));
  reed_strlcpy(rec.name, name, sizeof(rec.name));
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
}

static void
collect(void *ud, const char *name)
{
  char *out = ud;

  strcat(out, name);
  strcat(out, " ");
}

TEST(oper_accounts)
{
  store_fixture_t f;
  reed_store_t *st;
  char names[128] = "";

  sf_init(&f);
  st = sf_open(&f);
  add(st, "Alice");
  add(st, "bob");
  ASSERT_EQ(reed_store_oper_count(st), 0);
  ASSERT_EQ(reed_store_oper_is(st, "alice"), 0);
  ASSERT_EQ(reed_store_oper_set(st, "ALICE", true), 0);
  ASSERT_EQ(reed_store_oper_set(st, "alice", true), 0); /* already one */
  ASSERT_EQ(reed_store_oper_set(st, "bob", true), 0);
  ASSERT_EQ(reed_store_oper_set(st, "nobody", true), REED_ENOACCOUNT);
  ASSERT_EQ(reed_store_oper_set(st, "9bad", true), REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_oper_is(st, "Alice"), 1);
  ASSERT_EQ(reed_store_oper_is(st, "9bad"), 0);
  ASSERT_EQ(reed_store_oper_count(st), 2);
  ASSERT_EQ(reed_store_oper_list(st, collect, names), 0);
  ASSERT_STR_EQ(names, "Alice bob ");
  ASSERT_EQ(reed_store_oper_set(st, "BOB", false), 0);
  ASSERT_EQ(reed_store_oper_set(st, "bob", false), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_oper_is(st, "bob"), 0);
  /* A deleted account is no operator, even when the name comes back. */
  ASSERT_EQ(reed_store_account_delete(st, "alice"), 0);
  ASSERT_EQ(reed_store_oper_count(st), 0);
  add(st, "alice");
  ASSERT_EQ(reed_store_oper_is(st, "alice"), 0);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}
