/* A bounded table of failure counters in fixed windows (the throttle's
 * storage). Each entry counts within a window that starts when the entry is
 * made; entries sit on a list in the order they were made, which is the
 * order their windows end in, so expiry sweeps from the head and a full
 * table evicts the head (the oldest window): both O(1) per insert. Buckets
 * are chosen by SipHash under a random key, so names an attacker picks
 * cannot pile into one chain. */
#include "auth_int.h"

#include <sodium.h>
#include <string.h>

typedef struct entry_s {
  struct entry_s *chain;       /* bucket */
  struct entry_s *prev, *next; /* age, oldest first */
  reed__tcount_t c;
  char key[];
} entry_t;

struct reed__throttle_s {
  uint64_t window;
  size_t max, size, nbuckets;
  entry_t *head, *tail;
  entry_t **buckets;
  uint8_t seed[crypto_shorthash_KEYBYTES];
};

static size_t
bucket_of(const reed__throttle_t *t, const char *key)
{
  uint8_t h[crypto_shorthash_BYTES];
  uint64_t v;

  crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->seed);
  memcpy(&v, h, sizeof(v));
  return (size_t)(v & (t->nbuckets - 1));
}

int
reed__throttle_new(uint64_t window_ms, size_t max, const uint8_t *seed,
                   reed__throttle_t **out)
{
  reed__throttle_t *t = reed_calloc(1, sizeof(*t));

  *out = NULL;
  if (t == NULL)
    return REED_ENOMEM;
  t->nbuckets = 64;
  while (t->nbuckets < max && t->nbuckets < 65536)
    t->nbuckets *= 2;
  t->buckets = reed_calloc(t->nbuckets, sizeof(*t->buckets));
  if (t->buckets == NULL) {
    reed_free(t);
    return REED_ENOMEM;
  }
  memcpy(t->seed, seed, sizeof(t->seed));
  t->window = window_ms;
  t->max = max > 0 ? max : 1;
  *out = t;
  return 0;
}

static void
unlink_entry(reed__throttle_t *t, entry_t *e)
{
  entry_t **pp = &t->buckets[bucket_of(t, e->key)];

  while (*pp != e)
    pp = &(*pp)->chain;
  *pp = e->chain;
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    t->head = e->next;
  if (e->next != NULL)
    e->next->prev = e->prev;
  else
    t->tail = e->prev;
  reed_free(e);
  t->size--;
}

void
reed__throttle_free(reed__throttle_t *t)
{
  if (t == NULL)
    return;
  while (t->head != NULL)
    unlink_entry(t, t->head);
  reed_free(t->buckets);
  reed_free(t);
}

static bool
expired(const reed__throttle_t *t, const entry_t *e, uint64_t now)
{
  return now - e->c.start >= t->window;
}

/* Drops expired entries from the head, then the oldest while over max. */
static void
sweep(reed__throttle_t *t, uint64_t now, size_t max)
{
  while (t->head != NULL && expired(t, t->head, now))
    unlink_entry(t, t->head);
  while (t->size > max)
    unlink_entry(t, t->head);
}

void
reed__throttle_set(reed__throttle_t *t, uint64_t window_ms, size_t max)
{
  if (window_ms != 0)
    t->window = window_ms;
  if (max != 0)
    t->max = max;
  /* Every entry shares the window, so the list stays in order of ends. */
  while (t->size > t->max)
    unlink_entry(t, t->head);
}

static entry_t *
find(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t *e = t->buckets[bucket_of(t, key)];

  while (e != NULL && strcmp(e->key, key) != 0)
    e = e->chain;
  if (e != NULL && expired(t, e, now)) {
    unlink_entry(t, e);
    return NULL;
  }
  return e;
}

reed__tcount_t *
reed__throttle_get(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t *e = find(t, key, now);

  return e != NULL ? &e->c : NULL;
}

reed__tcount_t *
reed__throttle_touch(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t *e = find(t, key, now);
  size_t len = strlen(key), b;

  if (e != NULL)
    return &e->c;
  sweep(t, now, t->max - 1);
  e = reed_calloc(1, sizeof(*e) + len + 1);
  if (e == NULL)
    return NULL;
  memcpy(e->key, key, len + 1);
  e->c.start = now;
  b = bucket_of(t, key);
  e->chain = t->buckets[b];
  t->buckets[b] = e;
  e->prev = t->tail;
  if (t->tail != NULL)
    t->tail->next = e;
  else
    t->head = e;
  t->tail = e;
  t->size++;
  return &e->c;
}

void
reed__throttle_clear(reed__throttle_t *t, const char *key)
{
  entry_t *e = t->buckets[bucket_of(t, key)];

  while (e != NULL && strcmp(e->key, key) != 0)
    e = e->chain;
  if (e != NULL)
    unlink_entry(t, e);
}

void
reed__throttle_renew(reed__throttle_t *t, const char *key, uint64_t now)
{
  entry_t *e = find(t, key, now);

  if (e == NULL)
    return;
  e->c.start = now;
  if (e == t->tail)
    return;
  /* Off the age list, and back on at its end (now is the latest start). */
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    t->head = e->next;
  e->next->prev = e->prev;
  e->prev = t->tail;
  e->next = NULL;
  t->tail->next = e;
  t->tail = e;
}

size_t
reed__throttle_size(const reed__throttle_t *t)
{
  return t->size;
}
