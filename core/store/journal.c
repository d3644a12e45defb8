/* The batch journal: a copy of every change the turn's batch writes, kept
 * until the batch commits. When a commit fails, SQLite rolls the whole
 * transaction back; the journal is what the store writes again once it can
 * (store.h, the degraded state). Copies go into chunks that are reused from
 * turn to turn, so a turn costs no allocation once the journal has grown to
 * the size of a busy turn. */
#include "store_int.h"

#include <string.h>

#define CHUNK_MIN 4096
/* A journal that grew past this in a burst gives the memory back. */
#define KEEP_MAX (256 * 1024)

struct reed__jchunk_s {
  reed__jchunk_t *next;
  size_t used, cap;
  uint8_t data[];
};

/* Room for n bytes (aligned for pointers), or NULL. */
static void *
arena_alloc(reed__journal_t *j, size_t n)
{
  reed__jchunk_t *c = j->cur;
  size_t need = (n + 7) & ~(size_t)7;

  while (c != NULL && c->cap - c->used < need)
    c = j->cur = c->next;
  if (c == NULL) {
    /* Each new chunk doubles what the journal holds, so a big turn takes
     * a few allocations, not one per 4 KiB. */
    size_t cap = j->total > CHUNK_MIN ? j->total : CHUNK_MIN;
    if (cap < need)
      cap = need;
    c = reed_malloc(sizeof(*c) + cap);
    if (c == NULL)
      return NULL;
    *c = (reed__jchunk_t){.cap = cap};
    j->total += cap;
    /* New chunks go last, so a reset walks them in order again. */
    reed__jchunk_t **tail = &j->first;
    while (*tail != NULL)
      tail = &(*tail)->next;
    *tail = c;
    j->cur = c;
  }
  c->used += need;
  return c->data + c->used - need;
}

/* A copy of s (len bytes and a NUL) in the arena; NULL stays NULL. */
static const char *
copy_str(reed__journal_t *j, const char *s, size_t len, bool *ok)
{
  char *d;

  if (s == NULL)
    return NULL;
  if ((d = arena_alloc(j, len + 1)) == NULL) {
    *ok = false;
    return NULL;
  }
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

static const char *
dup_str(reed__journal_t *j, const char *s, bool *ok)
{
  return s ? copy_str(j, s, strlen(s), ok) : NULL;
}

static void
copy_actor(reed__journal_t *j, reed_actor_t *a, bool *ok)
{
  a->nick = dup_str(j, a->nick, ok);
  a->account = dup_str(j, a->account, ok);
  a->origin = dup_str(j, a->origin, ok);
  a->user = dup_str(j, a->user, ok);
  a->host = dup_str(j, a->host, ok);
  a->realname = NULL; /* never stored */
}

static const reed_mode_change_t *
copy_modes(reed__journal_t *j, const reed_ev_mode_t *mode, bool *ok)
{
  reed_mode_change_t *m;

  if (mode->n_modes == 0)
    return NULL;
  if ((m = arena_alloc(j, sizeof(*m) * mode->n_modes)) == NULL) {
    *ok = false;
    return NULL;
  }
  for (size_t i = 0; i < mode->n_modes; i++) {
    m[i] = mode->modes[i];
    m[i].arg = dup_str(j, mode->modes[i].arg, ok);
  }
  return m;
}

/* The kind's own payload: its strings and mode list copied. */
static void
copy_payload(reed__journal_t *j, reed_event_t *e, bool *ok)
{
  if (e->kind == REED_EV_MESSAGE || e->kind == REED_EV_TAGMSG) {
    reed_ev_message_t *msg = &e->u.msg;
    msg->target_account = dup_str(j, msg->target_account, ok);
    msg->irc_client_tags = dup_str(j, msg->irc_client_tags, ok);
    msg->reaction = dup_str(j, msg->reaction, ok);
    msg->soft_breaks = NULL;
    msg->n_soft_breaks = 0;
  } else if (e->kind == REED_EV_MODE) {
    e->u.mode.modes = copy_modes(j, &e->u.mode, ok);
  } else if (e->kind == REED_EV_AFFILIATION) {
    e->u.aff.nick = dup_str(j, e->u.aff.nick, ok);
  }
}

static int
grow(reed__journal_t *j)
{
  size_t cap = j->cap ? j->cap * 2 : 16;
  reed_event_t *evs = reed_realloc(j->evs, sizeof(*evs) * cap);

  if (evs == NULL)
    return REED_ENOMEM;
  j->evs = evs;
  j->cap = cap;
  return 0;
}

/* The copy keeps what persist() reads: no cache, label or soft breaks. */
const reed_event_t *
reed__journal_add(reed__journal_t *j, const reed_event_t *ev)
{
  reed_event_t *e;
  bool ok = true;

  if (j->n == j->cap && grow(j) != 0)
    return NULL;
  e = &j->evs[j->n];
  *e = (reed_event_t){
      .kind = ev->kind,
      .id = ev->id,
      .ts_ms = ev->ts_ms,
      .from = ev->from,
      .text_len = ev->text_len,
      .u = ev->u,
  };
  copy_actor(j, &e->from, &ok);
  e->room = dup_str(j, ev->room, &ok);
  e->target = dup_str(j, ev->target, &ok);
  e->text = copy_str(j, ev->text, ev->text_len, &ok);
  copy_payload(j, e, &ok);
  if (!ok)
    return NULL; /* the slot is reused by the next add */
  j->n++;
  return e;
}

void
reed__journal_reset(reed__journal_t *j)
{
  j->n = 0;
  for (reed__jchunk_t *c = j->first; c != NULL; c = c->next)
    c->used = 0;
  j->cur = j->first;
}

/* After a burst, an empty journal grown past KEEP_MAX goes back to its
 * first chunk. */
void
reed__journal_trim(reed__journal_t *j)
{
  reed__jchunk_t *c = j->first ? j->first->next : NULL;

  if (j->n != 0 || c == NULL || j->total <= KEEP_MAX)
    return;
  j->first->next = NULL;
  j->total = j->first->cap;
  while (c != NULL) {
    reed__jchunk_t *next = c->next;
    reed_free(c);
    c = next;
  }
  j->cur = j->first;
}

void
reed__journal_free(reed__journal_t *j)
{
  reed__jchunk_t *c = j->first;

  while (c != NULL) {
    reed__jchunk_t *next = c->next;
    reed_free(c);
    c = next;
  }
  reed_free(j->evs);
  *j = (reed__journal_t){0};
}
