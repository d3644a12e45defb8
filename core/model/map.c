/* A small open-addressing hash map with linear probing and backward-shift
 * deletion, keyed by borrowed, already folded strings. The model keeps one
 * per namespace (nicks, accounts, rooms, sessions, conversations), so every
 * lookup is O(1) and no fan-out scans all sessions. */
#include "model_int.h"

static uint32_t
hash_str(const char *s)
{
  uint32_t h = 2166136261u; /* FNV-1a */

  for (; *s; s++) {
    h ^= (uint8_t)*s;
    h *= 16777619u;
  }
  return h;
}

static size_t
probe(const reed__map_t *mp, const char *key, uint32_t h)
{
  size_t mask = mp->cap - 1, i = h & mask;

  while (mp->slots[i].key != NULL) {
    if (mp->slots[i].hash == h && strcmp(mp->slots[i].key, key) == 0)
      return i;
    i = (i + 1) & mask;
  }
  return i;
}

static int
rehash(reed__map_t *mp, size_t cap)
{
  reed__slot_t *old = mp->slots;
  size_t old_cap = mp->cap;

  mp->slots = reed_calloc(cap, sizeof(*mp->slots));
  if (mp->slots == NULL) {
    mp->slots = old;
    return REED_ENOMEM;
  }
  mp->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key != NULL)
      mp->slots[probe(mp, old[i].key, old[i].hash)] = old[i];
  reed_free(old);
  return 0;
}

int
reed__map_reserve(reed__map_t *mp, size_t extra)
{
  size_t cap = mp->cap ? mp->cap : 8;

  while ((mp->n + extra) * 4 >= cap * 3)
    cap *= 2;
  if (cap == mp->cap)
    return 0;
  return rehash(mp, cap);
}

int
reed__map_put(reed__map_t *mp, const char *key, void *val)
{
  uint32_t h = hash_str(key);
  size_t i;

  if (reed__map_reserve(mp, 1) != 0)
    return REED_ENOMEM;
  i = probe(mp, key, h);
  if (mp->slots[i].key == NULL)
    mp->n++;
  mp->slots[i] = (reed__slot_t){.key = key, .hash = h, .val = val};
  return 0;
}

void *
reed__map_get(const reed__map_t *mp, const char *key)
{
  size_t i;

  if (mp->n == 0)
    return NULL;
  i = probe(mp, key, hash_str(key));
  return mp->slots[i].key ? mp->slots[i].val : NULL;
}

/* Closes the gap at `hole` by moving back later entries of the run whose
 * home slot is not between the hole and them. */
static void
shift_back(reed__map_t *mp, size_t hole)
{
  size_t mask = mp->cap - 1, j = hole;

  for (;;) {
    j = (j + 1) & mask;
    if (mp->slots[j].key == NULL)
      break;
    size_t home = mp->slots[j].hash & mask;
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      mp->slots[hole] = mp->slots[j];
      hole = j;
    }
  }
  mp->slots[hole] = (reed__slot_t){0};
}

/* Gives memory back after a peak: below 1/8 full, the table shrinks to
 * about 1/4 full (growth happens at 3/4, so a size that goes up and down
 * does not rehash every time). A failed shrink keeps the table as it is.
 * The smaller table still has room for one more key, so a put after a
 * reserve and a delete cannot fail. */
static void
maybe_shrink(reed__map_t *mp)
{
  size_t cap = REED__MAP_MIN_CAP;

  if (mp->cap <= REED__MAP_MIN_CAP || mp->n * 8 >= mp->cap)
    return;
  while (cap < 4 * mp->n)
    cap *= 2;
  if (cap < mp->cap)
    rehash(mp, cap);
}

void *
reed__map_del(reed__map_t *mp, const char *key)
{
  size_t i;
  void *val;

  if (mp->n == 0)
    return NULL;
  i = probe(mp, key, hash_str(key));
  if (mp->slots[i].key == NULL)
    return NULL;
  val = mp->slots[i].val;
  mp->n--;
  shift_back(mp, i);
  maybe_shrink(mp);
  return val;
}

void
reed__map_cleanup(reed__map_t *mp)
{
  reed_free(mp->slots);
  *mp = (reed__map_t){0};
}
