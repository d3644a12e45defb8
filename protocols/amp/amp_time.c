/* AMP DateTime: "YYYY-MM-DDTHH:MM:SS.uuuuuu+HH:MM", exactly 32 bytes.
 * Twisted writes UTC as "-00:00"; reed writes "+00:00" and reads any
 * offset. Civil-date arithmetic on the proleptic Gregorian calendar, so no
 * libc time zone state is touched. */
#include "amp.h"

#include <stdio.h>
#include <string.h>

#define US_PER_DAY (86400LL * 1000000LL)

/* Days since 1970-01-01 of a civil date (valid for years 1-9999). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
  int64_t era;
  unsigned doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

void
reed_amp_format_time(int64_t us, char out[REED_AMP_TIME_LEN + 1])
{
  int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
  unsigned m, d, secs;
  char tmp[80];
  int y;

  if (rem < 0) {
    rem += US_PER_DAY;
    days--;
  }
  civil_from_days(days, &y, &m, &d);
  secs = (unsigned)(rem / 1000000);
  /* A roomy buffer keeps the compiler's truncation check quiet; years are
   * kept to four digits, so the form is always 32 bytes. */
  snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02u:%02u:%02u.%06u+00:00",
           y % 10000, m, d, secs / 3600, secs / 60 % 60, secs % 60,
           (unsigned)(rem % 1000000));
  memcpy(out, tmp, REED_AMP_TIME_LEN);
  out[REED_AMP_TIME_LEN] = '\0';
}

/* Reads `n` decimal digits at p; -1 when any is not a digit. */
static long
digits(const uint8_t *p, size_t n)
{
  long v = 0;

  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

static bool
leap(long y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long
month_days(long y, long m)
{
  static const unsigned char len[12] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};

  return m == 2 && leap(y) ? 29 : len[m - 1];
}

static bool
separators_ok(const uint8_t *p)
{
  return p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' &&
         p[16] == ':' && p[19] == '.' && (p[26] == '+' || p[26] == '-') &&
         p[29] == ':';
}

int
reed_amp_parse_time(const uint8_t *p, size_t len, int64_t *us)
{
  long y, mo, d, h, mi, s, u, oh, om;
  int64_t days, off;

  if (len != REED_AMP_TIME_LEN || !separators_ok(p))
    return REED_ESYNTAX;
  y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
  h = digits(p + 11, 2), mi = digits(p + 14, 2), s = digits(p + 17, 2);
  u = digits(p + 20, 6), oh = digits(p + 27, 2), om = digits(p + 30, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
    return REED_ESYNTAX;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || u < 0 ||
      oh < 0 || oh > 23 || om < 0 || om > 59)
    return REED_ESYNTAX;
  days = days_from_civil(y, (unsigned)mo, (unsigned)d);
  off = (oh * 60 + om) * 60LL * 1000000LL;
  *us = days * US_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000000LL + u;
  *us += p[26] == '+' ? -off : off;
  return 0;
}
