/* Allocation through one door, so tests can make it fail and count it.
 * The counters are process-wide: reed runs its logic on one thread, and
 * the worker's pure jobs allocate with plain malloc. */
#include "base.h"

#include <stdlib.h>
#include <string.h>

static long fail_after = -1;
static long live;

static int
should_fail(void)
{
  if (fail_after < 0)
    return 0;
  if (fail_after == 0)
    return 1;
  fail_after--;
  return 0;
}

void
reed_alloc_fail_after(long n)
{
  fail_after = n;
}

long
reed_alloc_live(void)
{
  return live;
}

void *
reed_malloc(size_t n)
{
  void *p;

  if (should_fail())
    return NULL;
  p = malloc(n ? n : 1);
  if (p)
    live++;
  return p;
}

void *
reed_calloc(size_t count, size_t n)
{
  void *p;

  if (should_fail())
    return NULL;
  p = calloc(count ? count : 1, n ? n : 1);
  if (p)
    live++;
  return p;
}

void *
reed_realloc(void *p, size_t n)
{
  void *q;

  if (p == NULL)
    return reed_malloc(n);
  if (should_fail())
    return NULL;
  q = realloc(p, n ? n : 1);
  return q;
}

int
reed_array_grow(void *array, size_t *cap, size_t n, size_t elem, size_t first)
{
  size_t want;
  void *v, *grown;

  if (n < *cap)
    return 0;
  want = *cap ? 2 * *cap : first;
  if (want < *cap || elem == 0 || want > SIZE_MAX / elem)
    return REED_ENOMEM;
  /* The caller's T * is read and written as bytes: no aliasing of T ** as
   * void **. */
  memcpy(&v, array, sizeof(v));
  if ((grown = reed_realloc(v, want * elem)) == NULL)
    return REED_ENOMEM;
  memcpy(array, &grown, sizeof(grown));
  *cap = want;
  return 0;
}

void
reed_free(void *p)
{
  if (p == NULL)
    return;
  live--;
  free(p);
}

char *
reed_strndup(const char *s, size_t n)
{
  size_t len = strnlen(s, n);
  char *d = reed_malloc(len + 1);

  if (d == NULL)
    return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

char *
reed_strdup(const char *s)
{
  return reed_strndup(s, strlen(s));
}
