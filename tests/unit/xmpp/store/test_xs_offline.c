/* Offline messages: bounded per account, oldest first, deleted once
 * delivered. */
#include "harness.h"
#include "xs_test.h"

#include <stdio.h>

TEST(xs_offline_bound_order_delete)
{
  xs_fixture_t x;
  xf_lines_t l = {0};
  uint64_t seq[4] = {0};
  char xml[64];

  xf_open(&x);
  for (int i = 0; i < 3; i++) {
    reed_xoffline_t m = {.id = i == 1 ? NULL : "id",
                         .from = "bob@example.org/phone",
                         .stamp_ms = (uint64_t)(100 + i),
                         .xml = xml};
    snprintf(xml, sizeof(xml), "<message><body>%d &amp; &lt;</body></message>",
             i);
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "Alice", &m, 3, &seq[i]), 0);
  }
  ASSERT(seq[0] < seq[1] && seq[1] < seq[2]);
  {
    reed_xoffline_t m = {.from = "bob@example.org", .xml = "<message/>"};
    /* Full at 3: nothing written. */
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 3, &seq[3]),
              REED_ELIMIT);
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 0, NULL), REED_ELIMIT);
    /* Bob's bound is his own. */
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "bob", &m, 1, NULL), 0);
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "carol", &m, 1, NULL),
              REED_ENOACCOUNT);
    m.xml = NULL;
    ASSERT_EQ(reed_xstore_offline_add(x.xs, "alice", &m, 9, NULL), REED_EINVAL);
  }
  ASSERT_EQ(seq[3], 0);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 3);
  ASSERT_EQ(reed_xstore_offline_list(x.xs, "alice", xf_offline_cb, &l), 0);
  {
    char want[512];
    snprintf(want, sizeof(want),
             "%llu|id|bob@example.org/phone|100|<message><body>0 &amp; "
             "&lt;</body></message>\n"
             "%llu||bob@example.org/phone|101|<message><body>1 &amp; "
             "&lt;</body></message>\n"
             "%llu|id|bob@example.org/phone|102|<message><body>2 &amp; "
             "&lt;</body></message>",
             (unsigned long long)seq[0], (unsigned long long)seq[1],
             (unsigned long long)seq[2]);
    ASSERT_LINES(l.buf, want);
  }
  /* Delivered up to the second: the third stays, and room is made. */
  ASSERT_EQ(reed_xstore_offline_del_upto(x.xs, "alice", seq[1]), 2);
  ASSERT_EQ(reed_xstore_offline_del_upto(x.xs, "alice", seq[1]), 0);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 1);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "bob"), 1);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_offline", "alice"), 1);
  /* Deleting past the last leaves bob's alone. */
  ASSERT_EQ(reed_xstore_offline_del_upto(x.xs, "alice", UINT32_MAX), 1);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_offline_count(x.xs, "bob"), 1);
  xf_close(&x);
}
