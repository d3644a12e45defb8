/* The blocklist and XEP-0191's matching. */
#include "harness.h"
#include "xs_test.h"

/* Entries of every form, and which senders they block. */
TEST(xs_block_match_table)
{
  static const char *const entries[] = {
      "eve@evil.org",      /* a bare JID: every resource */
      "mallory@x.org/bot", /* a full JID: that resource only */
      "spam.example",      /* a domain: everyone there */
      "svc.example/res",   /* domain/resource */
  };
  static const struct {
    const char *from;
    int blocked;
  } cases[] = {
      {"eve@evil.org", 1},
      {"eve@evil.org/phone", 1},
      {"eve@evil.org/a/b@c", 1},
      {"evil.org", 0},
      {"adam@evil.org/phone", 0},
      {"mallory@x.org/bot", 1},
      {"mallory@x.org", 0},
      {"mallory@x.org/other", 0},
      {"spam.example", 1},
      {"a@spam.example", 1},
      {"a@spam.example/r", 1},
      {"spam.example/r", 1},
      {"sub.spam.example", 0},
      {"svc.example/res", 1},
      {"svc.example", 0},
      {"svc.example/other", 0},
      {"u@svc.example/res", 1},
      {"u@svc.example", 0},
      {"", 0},
  };
  xs_fixture_t x;

  xf_open(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(entries); i++)
    ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", entries[i]), 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int got = reed_xstore_block_match(x.xs, "alice", cases[i].from);
    if (got != cases[i].blocked)
      reed__test_fail(__FILE__, __LINE__, "%s: got %d", cases[i].from, got);
    /* Bob blocks nobody. */
    ASSERT_EQ(reed_xstore_block_match(x.xs, "bob", cases[i].from), 0);
  }
  ASSERT_EQ(reed_xstore_block_match(x.xs, "alice", NULL), REED_EINVAL);
  xf_close(&x);
}

TEST(xs_block_add_del_clear_list)
{
  xs_fixture_t x;
  xf_lines_t l = {0};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "b@x.org"), 0);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "a@x.org"), 0);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "x.org"), 0);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", "a@x.org"), REED_EEXIST);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "alice", ""), REED_EINVAL);
  ASSERT_EQ(reed_xstore_block_add(x.xs, "bob", "a@x.org"), 0);
  ASSERT_EQ(reed_xstore_block_count(x.xs, "alice"), 3);
  ASSERT_EQ(reed_xstore_block_list(x.xs, "alice", xf_str_cb, &l), 0);
  ASSERT_LINES(l.buf, "a@x.org\nb@x.org\nx.org");
  ASSERT_EQ(reed_xstore_block_del(x.xs, "alice", "b@x.org"), 0);
  ASSERT_EQ(reed_xstore_block_del(x.xs, "alice", "b@x.org"), REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_block_clear(x.xs, "alice"), 2);
  ASSERT_EQ(reed_xstore_block_clear(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_block_count(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_block_count(x.xs, "bob"), 1);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "alice"), 0);
  ASSERT_EQ(xf_rows(&x, "xmpp_block", "bob"), 1);
  xf_close(&x);
}
