/* The scheduling arithmetic: the renewal time at a fraction of the
 * lifetime, the backoff after failures, the delay from now. */
#include "acme_int.h"
#include "harness.h"

TEST(renew_at_fraction)
{
  static const struct {
    int64_t nb, na;
    double f;
    int64_t want;
  } cases[] = {
      {1000, 1300, 2.0 / 3.0, 1200},    /* a 300-second certificate */
      {0, 90 * 86400, 0.6667, 5184259}, /* 90 days: day 60 and 259 s */
      {1000, 1300, 0.05, 1015},
      {5000, 5000, 0.5, 5000}, /* no lifetime: renew at once */
      {5000, 4000, 0.5, 5000},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ASSERT_EQ(reed__acme_renew_at(cases[i].nb, cases[i].na, cases[i].f),
              cases[i].want);
}

TEST(backoff_doubles_to_ceiling)
{
  static const struct {
    unsigned failures;
    uint64_t want;
  } cases[] = {
      {0, 60000},   {1, 60000},   {2, 120000},    {3, 240000},
      {6, 1920000}, {7, 3600000}, {100, 3600000}, {4000000000u, 3600000},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ASSERT_EQ(reed__acme_backoff_ms(cases[i].failures, 60000, 3600000),
              cases[i].want);
  ASSERT_EQ(reed__acme_backoff_ms(5, 1000, 1000), 1000);
}

TEST(delay_from_now)
{
  ASSERT_EQ(reed__acme_delay_ms(100, 90), 0);
  ASSERT_EQ(reed__acme_delay_ms(100, 100), 0);
  ASSERT_EQ(reed__acme_delay_ms(100, 115), 15000);
  /* More than a day away: sleep a day, then look again. */
  ASSERT_EQ(reed__acme_delay_ms(0, 60 * 86400), 86400000);
}
