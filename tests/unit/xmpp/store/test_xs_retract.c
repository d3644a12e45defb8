/* Archived retractions: kept across a reopen and found by the message
 * they retract, bounded per scope (the oldest go), forgotten by scope;
 * bad arguments refused. And an offline copy deleted by its model id. */
#include "harness.h"
#include "xs_test.h"

#include <stdio.h>
#include <string.h>

static void
line_cb(void *ud, const reed_xretract_t *r)
{
  xf_add(ud, "%llu|%llu|%s|%llu|%s|%s|%s", (unsigned long long)r->id,
         (unsigned long long)r->ts_ms, r->scope, (unsigned long long)r->ref_id,
         r->nick, r->account ? r->account : "-", r->reason ? r->reason : "-");
}

TEST(xs_retract_archive)
{
  xs_fixture_t x;
  xf_lines_t l = {0};
  reed_xretract_t r = {.id = 7,
                       .ts_ms = 1000,
                       .scope = "#lobby",
                       .ref_id = 5,
                       .nick = "Bob",
                       .account = "bob",
                       .reason = "off topic"};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_retract_add(x.xs, &r), 0);
  r = (reed_xretract_t){
      .id = 9, .ts_ms = 2000, .scope = "alice bob", .ref_id = 8, .nick = "g"};
  ASSERT_EQ(reed_xstore_retract_add(x.xs, &r), 0);
  xf_commit(&x);
  xf_reopen(&x);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 5, line_cb, &l), 0);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 8, line_cb, &l), 0);
  ASSERT_STR_EQ(l.buf, "7|1000|#lobby|5|Bob|bob|off topic\n"
                       "9|2000|alice bob|8|g|-|-\n");
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 6, line_cb, &l), REED_ENOTFOUND);
  /* Bounded per scope: the newest REED_XSTORE_RETRACT_KEEP stay. */
  for (uint64_t i = 0; i <= REED_XSTORE_RETRACT_KEEP; i++) {
    r = (reed_xretract_t){.id = 100 + i,
                          .ts_ms = 3000,
                          .scope = "#big",
                          .ref_id = 10000 + i,
                          .nick = "n"};
    ASSERT_EQ(reed_xstore_retract_add(x.xs, &r), 0);
  }
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 10000, line_cb, &l), REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 10001, line_cb, &l), 0);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 5, line_cb, &l), 0); /* other scope */
  /* Forgotten by scope. */
  ASSERT_EQ(reed_xstore_retract_drop(x.xs, "#lobby"), 0);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 5, line_cb, &l), REED_ENOTFOUND);
  /* Bad arguments. */
  r = (reed_xretract_t){.id = 0, .scope = "#x", .ref_id = 1, .nick = "n"};
  ASSERT_EQ(reed_xstore_retract_add(x.xs, &r), REED_EINVAL);
  r = (reed_xretract_t){.id = 1, .scope = NULL, .ref_id = 1, .nick = "n"};
  ASSERT_EQ(reed_xstore_retract_add(x.xs, &r), REED_EINVAL);
  ASSERT_EQ(reed_xstore_retract_add(NULL, &r), REED_EINVAL);
  ASSERT_EQ(reed_xstore_retract_of(x.xs, 0, line_cb, &l), REED_EINVAL);
  xf_close(&x);
}

TEST(xs_offline_del_by_id)
{
  xs_fixture_t x;
  reed_xoffline_t m = {.id = "42", .from = "b@x/r", .xml = "<m/>"};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 10, NULL), 0);
  m.id = "43";
  ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 10, NULL), 0);
  ASSERT_EQ(reed_xstore_offline_del_id(x.xs, "ALICE", "42"), 1);
  ASSERT_EQ(reed_xstore_offline_del_id(x.xs, "alice", "42"), 0);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 1);
  ASSERT_EQ(reed_xstore_offline_del_id(x.xs, "alice", NULL), REED_EINVAL);
  xf_close(&x);
}
