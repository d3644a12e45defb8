/* The module-wide registry of bound resources: find by account (any case)
 * and resource, each over an account, growth past the first table, and
 * removal in any order. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <string.h>

#define N 300

static void
count_cb(void *ud, reed_xmpp_core_t *c)
{
  REED_UNUSED(c);
  (*(int *)ud)++;
}

TEST(registry)
{
  static reed_xmpp_core_t cores[N];
  static char res[N][16];
  xmpp_reg_t r = {0};
  int seen = 0;

  for (int i = 0; i < N; i++) {
    memset(&cores[i], 0, sizeof(cores[i]));
    snprintf(cores[i].account, sizeof(cores[i].account), "user%d", i % 50);
    snprintf(res[i], sizeof(res[i]), "r%d", i);
    cores[i].resource = res[i];
    ASSERT_EQ(reed__xmpp_reg_add(&r, &cores[i]), 0);
  }
  ASSERT_EQ(r.count, N);
  ASSERT(r.n_buckets >= N);
  for (int i = 0; i < N; i++) {
    char acct[16];
    snprintf(acct, sizeof(acct), "USER%d", i % 50);
    ASSERT(reed__xmpp_reg_find(&r, acct, res[i]) == &cores[i]);
  }
  ASSERT(reed__xmpp_reg_find(&r, "user1", "r0") == NULL);
  ASSERT(reed__xmpp_reg_find(&r, "nobody", "r0") == NULL);
  reed__xmpp_reg_each(&r, "User7", count_cb, &seen);
  ASSERT_EQ(seen, N / 50);
  for (int i = N - 1; i >= 0; i -= 2)
    reed__xmpp_reg_del(&r, &cores[i]);
  for (int i = 0; i < N; i += 2)
    reed__xmpp_reg_del(&r, &cores[i]);
  ASSERT_EQ(r.count, 0);
  ASSERT(reed__xmpp_reg_find(&r, "user0", "r0") == NULL);
  reed__xmpp_reg_del(&r, &cores[0]); /* not there: nothing happens */
  reed__xmpp_reg_cleanup(&r);
  ASSERT_EQ(reed_alloc_live(), 0);
}
