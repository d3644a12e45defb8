/* The model's hash table: growth, deletion with backward shift, and
 * shrinking after a peak (white box, through model_int.h). */
#include "harness.h"
#include "model_int.h"

#include <stdio.h>

#define N_KEYS 3000

TEST(map_grows_and_shrinks_after_a_peak)
{
  static char keys[N_KEYS][16];
  reed__map_t mp = {0};
  long live0 = reed_alloc_live();

  for (int i = 0; i < N_KEYS; i++) {
    snprintf(keys[i], sizeof(keys[i]), "key%d", i);
    ASSERT_EQ(reed__map_put(&mp, keys[i], keys[i]), 0);
  }
  ASSERT_EQ(mp.n, N_KEYS);
  ASSERT(mp.cap >= 4096);
  /* Delete all but 10: the table gives its memory back. */
  for (int i = 10; i < N_KEYS; i++)
    ASSERT(reed__map_del(&mp, keys[i]) == keys[i]);
  ASSERT_EQ(mp.n, 10);
  ASSERT_EQ(mp.cap, REED__MAP_MIN_CAP);
  for (int i = 0; i < N_KEYS; i++)
    ASSERT(reed__map_get(&mp, keys[i]) == (i < 10 ? keys[i] : NULL));
  /* A reserve, a delete and a put: the put needs no allocation. */
  ASSERT_EQ(reed__map_reserve(&mp, 1), 0);
  ASSERT(reed__map_del(&mp, keys[0]) == keys[0]);
  reed_alloc_fail_after(0);
  ASSERT_EQ(reed__map_put(&mp, keys[0], keys[0]), 0);
  reed_alloc_fail_after(-1);
  /* A shrink that cannot allocate keeps the table whole. */
  for (int i = 10; i < 600; i++)
    ASSERT_EQ(reed__map_put(&mp, keys[i], keys[i]), 0);
  size_t cap = mp.cap;
  reed_alloc_fail_after(0);
  for (int i = 10; i < 600; i++)
    ASSERT(reed__map_del(&mp, keys[i]) == keys[i]);
  reed_alloc_fail_after(-1);
  ASSERT_EQ(mp.cap, cap);
  for (int i = 0; i < 10; i++)
    ASSERT(reed__map_get(&mp, keys[i]) == keys[i]);
  ASSERT(reed__map_del(&mp, keys[5]) == keys[5]);
  ASSERT(mp.cap < cap);
  ASSERT(reed__map_get(&mp, keys[5]) == NULL);
  ASSERT(reed__map_get(&mp, keys[9]) == keys[9]);
  reed__map_cleanup(&mp);
  ASSERT_EQ(reed_alloc_live(), live0);
}
