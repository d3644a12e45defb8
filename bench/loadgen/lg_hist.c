/* bench: log-linear latency histogram (see lg_hist.h). */
#include "lg_hist.h"

static unsigned
msb(uint64_t v)
{
  return 63u - (unsigned)__builtin_clzll(v);
}

unsigned
lg_hist_index(uint64_t us)
{
  unsigned shift, idx;

  if (us < 2 * LG_HIST_SUB)
    return (unsigned)us;
  shift = msb(us) - 6;
  idx = shift * LG_HIST_SUB + (unsigned)(us >> shift);
  return idx < LG_HIST_BUCKETS ? idx : LG_HIST_BUCKETS - 1;
}

uint64_t
lg_hist_low(unsigned index)
{
  unsigned shift;

  if (index < 2 * LG_HIST_SUB)
    return index;
  shift = index / LG_HIST_SUB - 1;
  return (uint64_t)(index - shift * LG_HIST_SUB) << shift;
}

void
lg_hist_add(lg_hist_t *h, uint64_t us)
{
  h->bucket[lg_hist_index(us)]++;
  h->count++;
  if (us > h->max)
    h->max = us;
}

uint64_t
lg_hist_quantile(const lg_hist_t *h, double q)
{
  uint64_t rank, seen = 0, mid;
  unsigned i;

  if (h->count == 0)
    return 0;
  rank = (uint64_t)(q * (double)(h->count - 1)) + 1;
  for (i = 0; i < LG_HIST_BUCKETS; i++) {
    seen += h->bucket[i];
    if (seen >= rank)
      break;
  }
  if (i + 1 >= LG_HIST_BUCKETS)
    return h->max;
  mid = (lg_hist_low(i) + lg_hist_low(i + 1)) / 2;
  return mid < h->max ? mid : h->max;
}
