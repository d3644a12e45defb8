/* Server secrets: the first candidate is kept, later ones are replaced by
 * it, across a reopen; sizes are checked. */
#include "harness.h"
#include "xs_test.h"

#include <string.h>

TEST(xs_secret_made_once)
{
  xs_fixture_t x;
  uint8_t a[32], b[32], first[32];

  xf_open(&x);
  memset(a, 0xa5, sizeof(a));
  memcpy(first, a, sizeof(a));
  ASSERT_EQ(reed_xstore_secret(x.xs, "k", a, sizeof(a)), 0);
  ASSERT_MEM_EQ(a, first, sizeof(a));
  xf_commit(&x);
  xf_reopen(&x);
  memset(b, 0x11, sizeof(b));
  ASSERT_EQ(reed_xstore_secret(x.xs, "k", b, sizeof(b)), 0);
  ASSERT_MEM_EQ(b, first, sizeof(b));
  /* Another name is another secret; a stored one of another size is
   * refused, as are bad sizes and no store. */
  memset(b, 0x22, sizeof(b));
  ASSERT_EQ(reed_xstore_secret(x.xs, "other", b, sizeof(b)), 0);
  ASSERT(b[0] == 0x22);
  ASSERT_EQ(reed_xstore_secret(x.xs, "k", b, 16), REED_EINVAL);
  ASSERT_EQ(reed_xstore_secret(x.xs, "k", b, 0), REED_EINVAL);
  ASSERT_EQ(reed_xstore_secret(x.xs, "k", b, 65), REED_EINVAL);
  ASSERT_EQ(reed_xstore_secret(NULL, "k", b, 32), REED_EINVAL);
  xf_commit(&x);
  xf_close(&x);
}
