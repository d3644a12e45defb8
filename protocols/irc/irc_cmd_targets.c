/* CHATHISTORY TARGETS <timestamp> <timestamp> <limit> (draft/chathistory):
 * the private conversations of the caller's person and the channels this
 * session is in, each with the time of its latest message, when that time
 * lies strictly between the two bounds (in either order); oldest first, at
 * most `limit`, in a draft/chathistory-targets batch. */
#include "irc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IRC_TARGETS_MAX 20000 /* candidates kept; the model bounds them too */

typedef struct {
  char name[REED_ROOM_MAX + 2]; /* "#room" or a nick */
  uint64_t ts;
} target_t;

typedef struct {
  target_t *v;
  size_t n, cap;
  uint64_t lo, hi; /* exclusive bounds */
  reed_session_t *s;
} targets_t;

static void
add(targets_t *t, const char *prefix, const char *name, uint64_t ts)
{
  if (ts <= t->lo || ts >= t->hi || t->n == IRC_TARGETS_MAX)
    return;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16;
    target_t *v = reed_realloc(t->v, cap * sizeof(*v));
    if (v == NULL)
      return;
    t->v = v;
    t->cap = cap;
  }
  snprintf(t->v[t->n].name, sizeof(t->v[t->n].name), "%s%s", prefix, name);
  t->v[t->n++].ts = ts;
}

static void
add_private(void *ud, const char *peer, uint64_t last_ms)
{
  add(ud, "", peer, last_ms);
}

static void
latest_of(void *ud, const reed_hist_entry_t *e)
{
  *(uint64_t *)ud = e->ts_ms;
}

static void
add_room(void *ud, const reed_room_t *r)
{
  targets_t *t = ud;
  reed_room_view_t v;
  reed_hist_query_t q = {.dir = REED_HIST_LATEST, .limit = 1};
  uint64_t ts = 0;

  reed_room_view(r, &v);
  if (reed_history_room(t->s, v.name, &q, latest_of, &ts) == 0 && ts != 0)
    add(t, "#", v.name, ts);
}

static int
oldest_first(const void *a, const void *b)
{
  const target_t *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Both bounds are timestamps; the limit is 1..; false otherwise. */
static bool
parse(const reed_irc_msg_t *m, targets_t *t, size_t *limit)
{
  uint64_t id, a, b;
  char *end;
  long n;

  if (m->n_params < 4 || !reed__irc_parse_ref(m->params[1], false, &id, &a) ||
      id != 0 || !reed__irc_parse_ref(m->params[2], false, &id, &b) || id != 0)
    return false;
  n = strtol(m->params[3], &end, 10);
  if (*end != '\0' || n <= 0)
    return false;
  *limit = n > 100 ? 100 : (size_t)n;
  t->lo = a < b ? a : b;
  t->hi = a < b ? b : a;
  return true;
}

static void
send_batch(reed_irc_core_t *c, const targets_t *t, size_t limit)
{
  char id[16] = "", tag[32] = "", ts[64];

  if (c->caps & IRC_CAP_BATCH) {
    reed__irc_batch_id(c, id, sizeof(id));
    snprintf(tag, sizeof(tag), "@batch=%s ", id);
    reed__irc_send(c, ":%s BATCH +%s draft/chathistory-targets", IRC_SERVER(c),
                   id);
  }
  for (size_t i = 0; i < t->n && i < limit; i++) {
    reed__irc_time_str(t->v[i].ts, ts, sizeof(ts));
    reed__irc_send(c, "%s:%s CHATHISTORY TARGETS %s %s", tag, IRC_SERVER(c),
                   t->v[i].name, ts);
  }
  if (id[0] != '\0')
    reed__irc_send(c, ":%s BATCH -%s", IRC_SERVER(c), id);
}

void
reed__irc_chathistory_targets(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  targets_t t = {.s = c->session};
  size_t limit;

  if (!parse(m, &t, &limit)) {
    reed__irc_send(c,
                   ":%s FAIL CHATHISTORY INVALID_PARAMS TARGETS :Invalid "
                   "parameters",
                   IRC_SERVER(c));
    return;
  }
  reed_history_targets(c->session, t.lo, t.hi, 0, add_private, &t);
  reed_session_each_room(c->session, add_room, &t);
  if (t.n > 1)
    qsort(t.v, t.n, sizeof(*t.v), oldest_first);
  send_batch(c, &t, limit);
  reed_free(t.v);
}
