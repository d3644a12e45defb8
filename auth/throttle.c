/* Failed-login throttling: a chained hash of keys ("a:account", "i:ip"),
 * each with a failure count in a fixed window that starts at its first
 * failure. Bounded: at most `max` keys; when full, expired windows are
 * swept and, if none expired, the oldest window is evicted. */
#include "auth_int.h"

#include <string.h>

#define NBUCKETS 256

typedef struct entry_s {
  struct entry_s *next;
  uint64_t start;
  unsigned count;
  char key[];
} entry_t;

struct reed__throttle_s {
  unsigned limit;
  uint64_t window;
  size_t max, size;
  entry_t *buckets[NBUCKETS];
};

static unsigned
hash(const char *key)
{
  unsigned h = 2166136261u;

  for (; *key; key++)
    h = (h ^ (unsigned char)*key) * 16777619u;
  return h % NBUCKETS;
}

int
reed__throttle_new(unsigned limit, uint64_t window_ms, size_t max,
                   reed__throttle_t **out)
{
  reed__throttle_t *t = reed_calloc(1, sizeof(*t));

  *out = t;
  if (t == NULL)
    return REED_ENOMEM;
  t->limit = limit;
  t->window = window_ms;
  t->max = max;
  return 0;
}

void
reed__throttle_set(reed__throttle_t *t, unsigned limit, uint64_t window_ms)
{
  if (limit != 0)
    t->limit = limit;
  if (window_ms != 0)
    t->window = window_ms;
}

static void
unlink_entry(reed__throttle_t *t, entry_t **pp)
{
  entry_t *e = *pp;

  *pp = e->next;
  reed_free(e);
  t->size--;
}

void
reed__throttle_free(reed__throttle_t *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < NBUCKETS; i++)
    while (t->buckets[i] != NULL)
      unlink_entry(t, &t->buckets[i]);
  reed_free(t);
}

static bool
expired(const reed__throttle_t *t, const entry_t *e, uint64_t now)
{
  return now - e->start >= t->window;
}

static entry_t **
find(reed__throttle_t *t, const char *key)
{
  entry_t **pp = &t->buckets[hash(key)];

  while (*pp != NULL && strcmp((*pp)->key, key) != 0)
    pp = &(*pp)->next;
  return pp;
}

int
reed__throttle_blocked(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t **pp = find(t, key);

  if (*pp == NULL)
    return 0;
  if (expired(t, *pp, now)) {
    unlink_entry(t, pp);
    return 0;
  }
  return (*pp)->count >= t->limit;
}

/* Makes room for one more key: sweep expired ones, else evict the oldest. */
static void
make_room(reed__throttle_t *t, uint64_t now)
{
  entry_t **oldest = NULL;

  for (size_t i = 0; i < NBUCKETS; i++) {
    entry_t **pp = &t->buckets[i];
    while (*pp != NULL) {
      if (expired(t, *pp, now)) {
        unlink_entry(t, pp);
        continue;
      }
      if (oldest == NULL || (*pp)->start < (*oldest)->start)
        oldest = pp;
      pp = &(*pp)->next;
    }
  }
  if (t->size >= t->max && oldest != NULL)
    unlink_entry(t, oldest);
}

int
reed__throttle_fail(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t **pp = find(t, key), *e;
  size_t len = strlen(key);

  if (*pp != NULL && !expired(t, *pp, now)) {
    (*pp)->count++;
    return 0;
  }
  if (*pp != NULL)
    unlink_entry(t, pp);
  if (t->size >= t->max)
    make_room(t, now);
  e = reed_malloc(sizeof(*e) + len + 1);
  if (e == NULL)
    return REED_ENOMEM;
  memcpy(e->key, key, len + 1);
  e->start = now;
  e->count = 1;
  pp = &t->buckets[hash(key)];
  e->next = *pp;
  *pp = e;
  t->size++;
  return 0;
}

void
reed__throttle_clear(reed__throttle_t *t, const char *key)
{
  entry_t **pp = find(t, key);

  if (*pp != NULL)
    unlink_entry(t, pp);
}

size_t
reed__throttle_size(const reed__throttle_t *t)
{
  return t->size;
}
