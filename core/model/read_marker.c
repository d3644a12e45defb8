/* Read markers (draft/read-marker): per account, or per session for a
 * guest, and per target (a room or a nick under the casemapping), the time
 * of the last message the user has read. A marker only moves forward; a
 * set keeps at most REED_READ_MARKERS_MAX targets and forgets the one read
 * longest ago to make room. Only accounts' markers reach the observers
 * (the store keeps them); a guest's go with its session. */
#include "model_int.h"

#include <stdio.h>

#define OWNER_MAX (REED_ACCOUNT_MAX + 24)
#define TKEY_MAX (REED_ROOM_MAX + 2)

typedef struct {
  char key[TKEY_MAX];  /* "#" + folded room, or the folded nick */
  char name[TKEY_MAX]; /* as last set */
  bool is_room;
  uint64_t ts;
} marker_t;

typedef struct {
  char owner[OWNER_MAX];
  size_t n, cap;
  marker_t *e; /* grows up to REED_READ_MARKERS_MAX */
} markers_t;

static void
owner_of(const reed_session_t *s, char *out, size_t size)
{
  if (s->p->account[0] != '\0') {
    char fold[REED_ACCOUNT_MAX + 1];
    reed_casefold(fold, s->p->account, sizeof(fold));
    snprintf(out, size, "a:%s", fold);
  } else {
    snprintf(out, size, "g:%llu", (unsigned long long)s->id);
  }
}

static bool
target_key(const char *target, bool is_room, char *out, size_t size)
{
  if (target == NULL ||
      !(is_room ? reed_room_name_valid(target) : reed_nick_valid(target)))
    return false;
  if (is_room) {
    out[0] = '#';
    reed_casefold(out + 1, target, size - 1);
  } else {
    reed_casefold(out, target, size);
  }
  return true;
}

static markers_t *
set_of(reed_model_t *m, const char *owner, bool create)
{
  markers_t *set = reed__map_get(&m->markers, owner);

  if (set != NULL || !create)
    return set;
  if ((set = reed_calloc(1, sizeof(*set))) == NULL)
    return NULL;
  reed_strlcpy(set->owner, owner, sizeof(set->owner));
  if (reed__map_put(&m->markers, set->owner, set) != 0) {
    reed_free(set);
    return NULL;
  }
  return set;
}

static marker_t *
find(markers_t *set, const char *key)
{
  for (size_t i = 0; set != NULL && i < set->n; i++)
    if (strcmp(set->e[i].key, key) == 0)
      return &set->e[i];
  return NULL;
}

/* A new slot, forgetting the marker read longest ago when full; NULL on
 * ENOMEM. */
static marker_t *
slot(markers_t *set)
{
  size_t old = 0;

  if (set->n == set->cap && set->cap < REED_READ_MARKERS_MAX) {
    size_t cap = set->cap ? set->cap * 4 : 4;
    marker_t *e;
    if (cap > REED_READ_MARKERS_MAX)
      cap = REED_READ_MARKERS_MAX;
    if ((e = reed_realloc(set->e, cap * sizeof(*e))) == NULL)
      return NULL;
    set->e = e;
    set->cap = cap;
  }
  if (set->n < set->cap)
    return &set->e[set->n++];
  for (size_t i = 1; i < set->n; i++)
    if (set->e[i].ts < set->e[old].ts)
      old = i;
  return &set->e[old];
}

/* Moves the marker forward: 1 when it changed, 0 when not, or ENOMEM. */
static int
advance(markers_t *set, const char *key, const char *target, bool is_room,
        uint64_t ts)
{
  marker_t *mk = find(set, key);

  if (mk != NULL && mk->ts >= ts)
    return 0;
  if (mk == NULL) {
    if ((mk = slot(set)) == NULL)
      return REED_ENOMEM;
    reed_strlcpy(mk->key, key, sizeof(mk->key));
  }
  reed_strlcpy(mk->name, target, sizeof(mk->name));
  mk->is_room = is_room;
  mk->ts = ts;
  return 1;
}

static void
set_free(markers_t *set)
{
  if (set != NULL)
    reed_free(set->e);
  reed_free(set);
}

/* Every session of the account (or the guest session itself). */
static void
send_owner(reed_model_t *m, reed_session_t *s, const reed_event_t *ev)
{
  if (s->p->account[0] == '\0') {
    reed__send(m, s, ev);
    return;
  }
  for (reed_session_t *o = m->s_first; o; o = o->all_next)
    if (reed_casecmp(o->p->account, s->p->account) == 0)
      reed__send(m, o, ev);
}

static void
emit(reed_session_t *s, const char *target, bool is_room, uint64_t ts)
{
  reed_model_t *m = s->m;
  reed_event_t ev = {.kind = REED_EV_READ_MARKER, .ts_ms = ts};
  reed_fmt_cache_t cache;

  reed__actor(s, &ev.from);
  if (is_room)
    ev.room = target;
  else
    ev.target = target;
  if (ev.from.account != NULL)
    reed__observe(m, &ev);
  reed__fan_begin(m, &ev, &cache);
  send_owner(m, s, &ev);
  reed__fan_end(m, &cache);
}

int
reed_read_marker_set(reed_session_t *s, const char *target, bool is_room,
                     uint64_t ts_ms, uint64_t *out_ms)
{
  char owner[OWNER_MAX], key[TKEY_MAX];
  markers_t *set;
  int moved;

  if (ts_ms == 0 || !target_key(target, is_room, key, sizeof(key)))
    return REED_EINVAL;
  owner_of(s, owner, sizeof(owner));
  if ((set = set_of(s->m, owner, true)) == NULL)
    return REED_ENOMEM;
  if ((moved = advance(set, key, target, is_room, ts_ms)) < 0)
    return moved;
  if (out_ms != NULL)
    *out_ms = find(set, key)->ts;
  if (moved)
    emit(s, target, is_room, ts_ms);
  return 0;
}

uint64_t
reed_read_marker_get(reed_session_t *s, const char *target, bool is_room)
{
  char owner[OWNER_MAX], key[TKEY_MAX];
  marker_t *mk;

  if (!target_key(target, is_room, key, sizeof(key)))
    return 0;
  owner_of(s, owner, sizeof(owner));
  mk = find(set_of(s->m, owner, false), key);
  return mk ? mk->ts : 0;
}

int
reed_read_marker_load(reed_model_t *m, const char *account, const char *target,
                      bool is_room, uint64_t ts_ms)
{
  char owner[OWNER_MAX], key[TKEY_MAX], fold[REED_ACCOUNT_MAX + 1];
  markers_t *set;

  if (ts_ms == 0 || account == NULL || !reed_account_valid(account) ||
      !target_key(target, is_room, key, sizeof(key)))
    return REED_EINVAL;
  reed_casefold(fold, account, sizeof(fold));
  snprintf(owner, sizeof(owner), "a:%s", fold);
  if ((set = set_of(m, owner, true)) == NULL)
    return REED_ENOMEM;
  return advance(set, key, target, is_room, ts_ms) < 0 ? REED_ENOMEM : 0;
}

void
reed__read_markers_forget_session(reed_session_t *s)
{
  char owner[24];

  if (s->m->markers.n == 0)
    return;
  snprintf(owner, sizeof(owner), "g:%llu", (unsigned long long)s->id);
  set_free(reed__map_del(&s->m->markers, owner));
}

void
reed__read_markers_free_all(reed_model_t *m)
{
  for (size_t i = 0; i < m->markers.cap; i++)
    if (m->markers.slots[i].key != NULL)
      set_free(m->markers.slots[i].val);
  reed__map_cleanup(&m->markers);
}
