/* When to act: the renewal time inside a certificate's lifetime, the
 * backoff after failures, and the delay from now, all pure arithmetic on
 * Unix seconds and milliseconds (the unit tests check it). */
#include "acme_int.h"

int64_t
reed__acme_renew_at(int64_t not_before, int64_t not_after, double fraction)
{
  double life;

  if (not_after <= not_before)
    return not_before;
  life = (double)(not_after - not_before);
  return not_before + (int64_t)(life * fraction + 0.5); /* rounded */
}

uint64_t
reed__acme_backoff_ms(unsigned failures, uint64_t min_ms, uint64_t max_ms)
{
  uint64_t d = min_ms;

  /* min, 2 min, 4 min, ... doubled at most 32 times, then the ceiling. */
  for (unsigned i = 1; i < failures && i < 32 && d < max_ms; i++)
    d *= 2;
  return d < max_ms ? d : max_ms;
}

uint64_t
reed__acme_delay_ms(int64_t now, int64_t at)
{
  if (at <= now)
    return 0;
  if (at - now > REED_ACME_MAX_SLEEP_S)
    return (uint64_t)REED_ACME_MAX_SLEEP_S * 1000u;
  return (uint64_t)(at - now) * 1000u;
}
