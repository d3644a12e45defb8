/* bench: a latency histogram with about 1.5% resolution (64 sub-buckets per
 * power of two), in microseconds, so percentiles of millions of deliveries
 * cost a fixed 20 KiB. */
#ifndef REED_BENCH_LG_HIST_H
#define REED_BENCH_LG_HIST_H

#include <stdint.h>

#define LG_HIST_SUB 64
#define LG_HIST_BUCKETS (LG_HIST_SUB * 40)

typedef struct lg_hist_s {
  uint64_t count;
  uint64_t max;
  uint64_t bucket[LG_HIST_BUCKETS];
} lg_hist_t;

void lg_hist_add(lg_hist_t *h, uint64_t us);
/* The value at quantile q (0..1), the middle of its bucket; 0 when empty. */
uint64_t lg_hist_quantile(const lg_hist_t *h, double q);

/* Exposed for tests: a value's bucket and a bucket's lowest value. */
unsigned lg_hist_index(uint64_t us);
uint64_t lg_hist_low(unsigned index);

#endif
