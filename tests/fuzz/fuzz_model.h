/* What the model's fuzz targets (fuzz_casemap.c, fuzz_sban.c) share: a
 * clock stopped at 0 for reed_model_new, a check that aborts (libFuzzer
 * reports it with the input), and the input as two strings split at its
 * first NUL. Header-only: each target is one file. */
#ifndef REED_FUZZ_MODEL_H
#define REED_FUZZ_MODEL_H

#include "base.h"

#include <stdlib.h>
#include <string.h>

/* The longest input taken, in bytes. */
#define FUZZ_MAX_IN 600

static inline uint64_t
fuzz_zero_ms(void *c)
{
  (void)c;
  return 0;
}

/* now and wall time are both 0: expiries and timestamps stay put. */
static inline reed_clock_t *
fuzz_clock(void)
{
  static reed_clock_t clock = {.now_ms = fuzz_zero_ms, .wall_ms = fuzz_zero_ms};

  return &clock;
}

static inline void
fuzz_check(int cond)
{
  if (!cond)
    abort();
}

/* a: the bytes before the first NUL; b: those after it, each cut at
 * FUZZ_MAX_IN input bytes in all and read as a C string (so b ends at the
 * next NUL). Both buffers hold FUZZ_MAX_IN + 1 bytes. */
static inline void
fuzz_split(const uint8_t *data, size_t size, char *a, char *b)
{
  const uint8_t *nul;
  size_t na, nb;

  if (size > FUZZ_MAX_IN)
    size = FUZZ_MAX_IN;
  nul = memchr(data, 0, size);
  na = nul ? (size_t)(nul - data) : size;
  memcpy(a, data, na);
  a[na] = '\0';
  nb = nul ? size - na - 1 : 0;
  memcpy(b, nul ? nul + 1 : data, nb);
  b[nb] = '\0';
}

#endif
