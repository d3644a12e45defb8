/* Bounded history: a ring per room (kept while the room is dormant) and per
 * private conversation (keyed by the sorted pair of persons, least
 * recently used evicted first), queried with CHATHISTORY's selectors. */
#include "model_int.h"

#include <stdio.h>
#include <stdlib.h>

static size_t
slen(const char *s)
{
  return s ? strlen(s) + 1 : 0;
}

/* Copies s into the block at *at; returns the copy or NULL for NULL. */
static const char *
put_str(char **at, const char *s, size_t len)
{
  char *dst = *at;

  if (s == NULL)
    return NULL;
  memcpy(dst, s, len);
  dst[len] = '\0';
  *at += len + 1;
  return dst;
}

reed__hmsg_t *
reed__hmsg_new(const reed_hist_entry_t *e)
{
  const reed_actor_t *a = &e->from;
  size_t n = sizeof(reed__hmsg_t) + slen(a->nick) + slen(a->account) +
             slen(a->origin) + slen(a->user) + slen(a->host) + slen(e->target) +
             slen(e->target_account) + e->text_len + 1 +
             slen(e->irc_client_tags) + slen(e->room) + slen(e->xmpp_payload);
  reed__hmsg_t *h = reed_malloc(n);
  char *at;

  if (h == NULL)
    return NULL;
  at = (char *)(h + 1);
  *h = (reed__hmsg_t){.id = e->id,
                      .ts_ms = e->ts_ms,
                      .reply_to = e->reply_to,
                      .msg_kind = e->msg_kind,
                      .text_len = e->text ? e->text_len : 0,
                      .session_id = a->session_id,
                      .redacted = e->redacted};
  h->nick = put_str(&at, a->nick, slen(a->nick) - (a->nick != NULL));
  h->account = put_str(&at, a->account, slen(a->account) - !!a->account);
  h->origin = put_str(&at, a->origin, slen(a->origin) - !!a->origin);
  h->user = put_str(&at, a->user, slen(a->user) - !!a->user);
  h->host = put_str(&at, a->host, slen(a->host) - !!a->host);
  h->target = put_str(&at, e->target, slen(e->target) - !!e->target);
  h->target_account = put_str(&at, e->target_account,
                              slen(e->target_account) - !!e->target_account);
  h->text = put_str(&at, e->text ? e->text : "", e->text ? e->text_len : 0);
  h->irc_client_tags = put_str(&at, e->irc_client_tags,
                               slen(e->irc_client_tags) - !!e->irc_client_tags);
  h->room = (char *)put_str(&at, e->room, slen(e->room) - !!e->room);
  h->xmpp_payload =
      put_str(&at, e->xmpp_payload, slen(e->xmpp_payload) - !!e->xmpp_payload);
  return h;
}

void
reed__hmsg_stamp(reed__hmsg_t *h, const reed_event_t *ev)
{
  h->id = ev->id;
  h->ts_ms = ev->ts_ms;
}

void
reed__hist_entry_of(const reed_event_t *ev, reed_hist_entry_t *e)
{
  *e = (reed_hist_entry_t){
      .id = ev->id,
      .ts_ms = ev->ts_ms,
      .from = ev->from,
      .room = ev->room,
      .target = ev->target,
      .target_account = ev->u.msg.target_account,
      .msg_kind = ev->u.msg.msg_kind,
      .text = ev->text,
      .text_len = ev->text_len,
      .irc_client_tags = ev->u.msg.irc_client_tags,
      .reply_to = ev->u.msg.reply_to,
      .xmpp_payload = ev->u.msg.xmpp_payload,
  };
}

static void
to_entry(const reed__hmsg_t *h, reed_hist_entry_t *e)
{
  *e = (reed_hist_entry_t){
      .id = h->id,
      .ts_ms = h->ts_ms,
      .from = {.nick = h->nick,
               .account = h->account,
               .origin = h->origin,
               .user = h->user,
               .host = h->host,
               .session_id = h->session_id},
      .room = h->room,
      .target = h->target,
      .target_account = h->target_account,
      .msg_kind = h->msg_kind,
      .text = h->text,
      .text_len = h->text_len,
      .irc_client_tags = h->irc_client_tags,
      .reply_to = h->reply_to,
      .xmpp_payload = h->xmpp_payload,
      .redacted = h->redacted,
  };
}

/* ---- Rings ------------------------------------------------------------- */

static reed__hmsg_t *
at(const reed__ring_t *r, size_t i)
{
  return r->e[(r->head + i) % r->cap];
}

int
reed__ring_reserve(reed__ring_t *r)
{
  size_t cap;
  reed__hmsg_t **e;

  if (r->n < r->cap || r->n >= r->max)
    return 0;
  cap = r->cap ? r->cap * 2 : 8;
  if (cap > r->max)
    cap = r->max;
  e = reed_malloc(cap * sizeof(*e));
  if (e == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < r->n; i++)
    e[i] = at(r, i);
  reed_free(r->e);
  r->e = e;
  r->cap = cap;
  r->head = 0;
  return 0;
}

void
reed__ring_push(reed__ring_t *r, reed__hmsg_t *h)
{
  if (r->max == 0) {
    reed_free(h);
    return;
  }
  if (r->n == r->max) {
    if (r->e[r->head]->redacted)
      r->n_dead--;
    reed_free(r->e[r->head]);
    r->head = (r->head + 1) % r->cap;
    r->n--;
  }
  r->e[(r->head + r->n) % r->cap] = h;
  r->n++;
}

void
reed__ring_cleanup(reed__ring_t *r)
{
  for (size_t i = 0; i < r->n; i++)
    reed_free(at(r, i));
  reed_free(r->e);
  r->e = NULL;
  r->n = r->cap = r->head = r->n_dead = 0;
}

static size_t
ring_index(const reed__ring_t *r, uint64_t id)
{
  for (size_t i = 0; i < r->n; i++)
    if (at(r, i)->id == id)
      return i;
  return r->n;
}

reed__hmsg_t *
reed__ring_find(const reed__ring_t *r, uint64_t id)
{
  size_t i = ring_index(r, id);

  return i < r->n ? at(r, i) : NULL;
}

/* The text, tags and payload are wiped in place (they live in the entry's
 * own block): a redaction keeps nothing of what was said. */
bool
reed__ring_tombstone(reed__ring_t *r, uint64_t id)
{
  reed__hmsg_t *h = reed__ring_find(r, id);

  if (h == NULL || h->redacted)
    return false;
  memset((char *)h->text, 0, h->text_len);
  if (h->irc_client_tags != NULL)
    memset((char *)h->irc_client_tags, 0, strlen(h->irc_client_tags));
  if (h->xmpp_payload != NULL)
    memset((char *)h->xmpp_payload, 0, strlen(h->xmpp_payload));
  h->text_len = 0;
  h->irc_client_tags = h->xmpp_payload = NULL;
  h->reply_to = 0;
  h->redacted = true;
  r->n_dead++;
  return true;
}

/* ---- Queries ------------------------------------------------------------- */

typedef struct {
  bool set, is_id;
  uint64_t v;
} ref_t;

static ref_t
make_ref(uint64_t id, uint64_t ts)
{
  return (ref_t){.set = id || ts, .is_id = id != 0, .v = id ? id : ts};
}

static uint64_t
key_of(const reed__hmsg_t *h, const ref_t *ref)
{
  return ref->is_id ? h->id : h->ts_ms;
}

/* First index whose key is >= (or, with `strict`, >) the reference. */
static size_t
first_from(const reed__ring_t *r, const ref_t *ref, bool strict)
{
  size_t lo = 0, hi = r->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint64_t k = key_of(at(r, mid), ref);
    if (strict ? k <= ref->v : k < ref->v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static size_t
min_sz(size_t a, size_t b)
{
  return a < b ? a : b;
}

/* Up to lim entries centred on the reference, shifted to stay inside. */
static void
around_range(const reed__ring_t *r, const ref_t *a, size_t lim, size_t *lo,
             size_t *hi)
{
  size_t pivot = first_from(r, a, false);

  *lo = pivot - min_sz(lim / 2, pivot);
  *hi = min_sz(*lo + lim, r->n);
  *lo = *hi > lim ? *hi - lim : 0;
}

/* Strictly between two references: the earliest lim when the first is
 * older, else the latest lim (CHATHISTORY BETWEEN). */
static void
between_range(const reed__ring_t *r, const ref_t *a, const ref_t *b, size_t lim,
              size_t *lo, size_t *hi)
{
  bool up = first_from(r, a, false) <= first_from(r, b, false);

  *lo = first_from(r, up ? a : b, true);
  *hi = first_from(r, up ? b : a, false);
  if (*lo > *hi)
    *lo = *hi;
  if (up)
    *hi = min_sz(*lo + lim, *hi);
  else if (*hi - *lo > lim)
    *lo = *hi - lim;
}

/* Picks the range [*lo, *hi) a query selects. */
static int
select_range(const reed__ring_t *r, const reed_hist_query_t *q, size_t *lo,
             size_t *hi)
{
  ref_t a = make_ref(q->id, q->ts), b = make_ref(q->id2, q->ts2);
  size_t lim = q->limit ? q->limit : r->n;

  *lo = 0;
  *hi = r->n;
  if (q->dir != REED_HIST_LATEST && !a.set)
    return REED_EINVAL;
  switch (q->dir) {
  case REED_HIST_LATEST:
    *lo = a.set ? first_from(r, &a, true) : 0;
    break;
  case REED_HIST_BEFORE:
    *hi = first_from(r, &a, false);
    break;
  case REED_HIST_AFTER:
    *lo = first_from(r, &a, true);
    *hi = min_sz(*lo + lim, r->n);
    return 0;
  case REED_HIST_AROUND:
    around_range(r, &a, lim, lo, hi);
    return 0;
  case REED_HIST_BETWEEN:
    if (!b.set)
      return REED_EINVAL;
    between_range(r, &a, &b, lim, lo, hi);
    return 0;
  default:
    return REED_EINVAL;
  }
  if (*hi - *lo > lim)
    *lo = *hi - lim;
  return 0;
}

/* The live entries of a ring with tombstones, as a ring of their own
 * (borrowing the entries), so selectors and limits count only them. */
static int
live_view(const reed__ring_t *r, reed__ring_t *v)
{
  size_t k = 0;

  *v = (reed__ring_t){0};
  if (r->n == r->n_dead)
    return 0;
  if ((v->e = reed_malloc((r->n - r->n_dead) * sizeof(*v->e))) == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < r->n; i++)
    if (!at(r, i)->redacted)
      v->e[k++] = at(r, i);
  v->n = v->cap = v->max = k;
  return 0;
}

static int
query_ring(const reed__ring_t *r, const reed_hist_query_t *q, reed_hist_cb cb,
           void *ud)
{
  size_t lo, hi;
  int rc;

  if ((rc = select_range(r, q, &lo, &hi)) != 0)
    return rc;
  for (size_t i = lo; i < hi; i++) {
    reed_hist_entry_t e;
    to_entry(at(r, i), &e);
    cb(ud, &e);
  }
  return 0;
}

static int
query(const reed__ring_t *r, const reed_hist_query_t *q, reed_hist_cb cb,
      void *ud)
{
  reed__ring_t v;
  int rc;

  if (q == NULL || cb == NULL)
    return REED_EINVAL;
  if (r->n_dead == 0 || q->tombstones)
    return query_ring(r, q, cb, ud);
  if ((rc = live_view(r, &v)) != 0)
    return rc;
  rc = query_ring(&v, q, cb, ud);
  reed_free(v.e);
  return rc;
}

int
reed_history_room(reed_session_t *s, const char *room,
                  const reed_hist_query_t *q, reed_hist_cb cb, void *ud)
{
  reed_room_t *r = reed_room_find(s->m, room);

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (reed__join_of(r, s) == NULL)
    return REED_ENOTMEMBER;
  return query(&r->hist, q, cb, ud);
}

/* ---- Private conversations ----------------------------------------------- */

void
reed__conv_key(const char *a, const char *b, char *out, size_t size)
{
  if (strcmp(a, b) > 0) {
    const char *t = a;
    a = b;
    b = t;
  }
  snprintf(out, size, "%s %s", a, b);
}

static void
conv_unlink(reed_model_t *m, reed__conv_t *c)
{
  REED__DL_UNLINK(m->c_first, m->c_last, c, prev, next);
}

static void
conv_push_front(reed_model_t *m, reed__conv_t *c)
{
  c->next = m->c_first;
  if (m->c_first)
    m->c_first->prev = c;
  else
    m->c_last = c;
  m->c_first = c;
}

static void
conv_free(reed_model_t *m, reed__conv_t *c)
{
  conv_unlink(m, c);
  reed__map_del(&m->convs, c->key);
  reed__ring_cleanup(&c->ring);
  reed_free(c->key);
  reed_free(c);
  m->n_convs--;
}

static reed__conv_t *
conv_new(reed_model_t *m, const char *key)
{
  reed__conv_t *c = reed_calloc(1, sizeof(*c));

  if (c == NULL || (c->key = reed_strdup(key)) == NULL ||
      reed__map_put(&m->convs, c->key, c) != 0) {
    if (c)
      reed_free(c->key);
    reed_free(c);
    return NULL;
  }
  c->ring.max = m->private_history;
  conv_push_front(m, c);
  m->n_convs++;
  while (m->n_convs > m->max_convs && m->c_last != c)
    conv_free(m, m->c_last);
  return c;
}

reed__conv_t *
reed__conv_get(reed_model_t *m, const char *key, bool create)
{
  reed__conv_t *c = reed__map_get(&m->convs, key);

  if (c != NULL) {
    conv_unlink(m, c);
    conv_push_front(m, c);
    return c;
  }
  return create ? conv_new(m, key) : NULL;
}

void
reed__conv_free_all(reed_model_t *m)
{
  while (m->c_first != NULL)
    conv_free(m, m->c_first);
}

/* A party's key for an offline peer: its account if one has that name. */
static int
peer_key(reed_model_t *m, const char *nick, char *out, size_t size)
{
  reed__person_t *p = reed__person_by_nick(m, nick);
  char fold[REED_NICK_MAX + 1];

  if (p != NULL) {
    reed__person_hkey(p, out, size);
    return 0;
  }
  if (!reed_nick_valid(nick))
    return REED_ENOSUCHNICK;
  reed_casefold(fold, nick, sizeof(fold));
  snprintf(out, size, "%s:%s", reed_model_account_exists(m, nick) ? "a" : "n",
           fold);
  return 0;
}

/* Where a person's private history starts: a guest's at its floor. */
static uint64_t
floor_of(const reed__person_t *p)
{
  return p->account[0] == '\0' ? p->hist_floor : 0;
}

/* The part of a ring after `floor` (ids grow along a ring), as a view
 * that shares the ring's storage. */
static reed__ring_t
ring_after(const reed__ring_t *r, uint64_t floor)
{
  ref_t ref = {.set = true, .is_id = true, .v = floor};
  size_t k = floor ? first_from(r, &ref, true) : 0;
  reed__ring_t v = *r;

  if (r->cap > 0)
    v.head = (r->head + k) % r->cap;
  v.n = r->n - k;
  for (size_t i = 0; i < k; i++)
    v.n_dead -= at(r, i)->redacted;
  return v;
}

int
reed_history_private(reed_session_t *s, const char *nick,
                     const reed_hist_query_t *q, reed_hist_cb cb, void *ud)
{
  char me[REED_NICK_MAX + 3], peer[REED_NICK_MAX + 3];
  char key[REED__CONV_KEY_MAX];
  reed__conv_t *c;
  int rc;

  if (s->p->nick[0] == '\0' && s->p->account[0] == '\0')
    return REED_EINVAL;
  if ((rc = peer_key(s->m, nick, peer, sizeof(peer))) != 0)
    return rc;
  reed__person_hkey(s->p, me, sizeof(me));
  reed__conv_key(me, peer, key, sizeof(key));
  c = reed__conv_get(s->m, key, false);
  if (c == NULL) {
    reed__ring_t empty = {0};
    return query(&empty, q, cb, ud);
  }
  reed__ring_t mine = ring_after(&c->ring, floor_of(s->p));
  return query(&mine, q, cb, ud);
}

static void
party_key(const char *account, const char *nick, char *out, size_t size)
{
  char fold[REED_NICK_MAX + 1];
  bool acct = account != NULL && reed_account_valid(account);

  reed_casefold(fold, acct ? account : nick, sizeof(fold));
  snprintf(out, size, "%s:%s", acct ? "a" : "n", fold);
}

/* Does this conversation key (a sorted pair) include `me`? */
static bool
conv_has(const char *key, const char *me)
{
  size_t n = strlen(me);
  const char *sp = strchr(key, ' ');

  return (sp && (size_t)(sp - key) == n && strncmp(key, me, n) == 0) ||
         (sp && strcmp(sp + 1, me) == 0);
}

/* The other party's nick in a stored message of a conversation with me. */
static const char *
peer_of(const reed__hmsg_t *h, const char *me)
{
  char k[REED_NICK_MAX + 3];

  party_key(h->account, h->nick, k, sizeof(k));
  return strcmp(k, me) == 0 ? h->target : h->nick;
}

static int
newest_first(const void *a, const void *b)
{
  const reed__hmsg_t *x = *(const reed__hmsg_t *const *)a;
  const reed__hmsg_t *y = *(const reed__hmsg_t *const *)b;

  if (x->ts_ms != y->ts_ms)
    return x->ts_ms < y->ts_ms ? 1 : -1;
  return x->id < y->id ? 1 : (x->id > y->id ? -1 : 0);
}

/* The latest message of each conversation of `me` within the window. */
static size_t
latest_of_convs(reed_model_t *m, const char *me, uint64_t floor,
                uint64_t from_ms, uint64_t to_ms, const reed__hmsg_t **v)
{
  size_t n = 0;

  for (reed__conv_t *c = m->c_first; c; c = c->next) {
    const reed__hmsg_t *h;
    if (c->ring.n == 0 || !conv_has(c->key, me))
      continue;
    h = at(&c->ring, c->ring.n - 1);
    if (h->id <= floor)
      continue; /* a guest's: from before it held the nick */
    if ((from_ms && h->ts_ms < from_ms) || (to_ms && h->ts_ms > to_ms))
      continue;
    v[n++] = h;
  }
  return n;
}

int
reed_history_targets(reed_session_t *s, uint64_t from_ms, uint64_t to_ms,
                     size_t limit,
                     void (*cb)(void *ud, const char *peer, uint64_t last_ms),
                     void *ud)
{
  char me[REED_NICK_MAX + 3];
  const reed__hmsg_t **v;
  size_t n;

  if (cb == NULL || (s->p->nick[0] == '\0' && s->p->account[0] == '\0'))
    return REED_EINVAL;
  if (s->m->n_convs == 0)
    return 0;
  if ((v = reed_malloc(s->m->n_convs * sizeof(*v))) == NULL)
    return REED_ENOMEM;
  reed__person_hkey(s->p, me, sizeof(me));
  n = latest_of_convs(s->m, me, floor_of(s->p), from_ms, to_ms, v);
  qsort(v, n, sizeof(*v), newest_first);
  for (size_t i = 0; i < n && (limit == 0 || i < limit); i++)
    cb(ud, peer_of(v[i], me), v[i]->ts_ms);
  reed_free(v);
  return 0;
}

static int
entry_check(const reed_hist_entry_t *e)
{
  if (e == NULL || !reed_nick_valid(e->from.nick))
    return REED_EINVAL;
  if (e->xmpp_payload != NULL &&
      strlen(e->xmpp_payload) > REED_XMPP_PAYLOAD_MAX)
    return REED_EINVAL;
  if (!e->redacted && !reed__text_valid(e->text, e->text_len))
    return REED_EBADTEXT;
  if (e->room != NULL)
    return reed_room_name_valid(e->room) ? 0 : REED_EBADROOM;
  return reed_nick_valid(e->target) ? 0 : REED_EINVAL;
}

static reed__ring_t *
load_ring(reed_model_t *m, const reed_hist_entry_t *e)
{
  char a[REED_NICK_MAX + 3], b[REED_NICK_MAX + 3];
  char key[REED__CONV_KEY_MAX];
  reed__conv_t *c;
  reed_room_t *r;

  if (e->room != NULL) {
    r = reed__room_get_or_new(m, e->room);
    return r ? &r->hist : NULL;
  }
  party_key(e->from.account, e->from.nick, a, sizeof(a));
  party_key(e->target_account, e->target, b, sizeof(b));
  reed__conv_key(a, b, key, sizeof(key));
  c = reed__conv_get(m, key, true);
  return c ? &c->ring : NULL;
}

int
reed_history_load(reed_model_t *m, const reed_hist_entry_t *e)
{
  reed__ring_t *ring;
  reed__hmsg_t *h;
  bool dead;
  int rc;

  if ((rc = entry_check(e)) != 0)
    return rc;
  if ((ring = load_ring(m, e)) == NULL || reed__ring_reserve(ring) != 0)
    return REED_ENOMEM;
  if ((h = reed__hmsg_new(e)) == NULL)
    return REED_ENOMEM;
  if (h->redacted) { /* a stored tombstone keeps nothing but its head */
    h->text_len = 0;
    h->irc_client_tags = h->xmpp_payload = NULL;
  }
  dead = h->redacted;
  reed__ring_push(ring, h);
  ring->n_dead += dead && ring->max > 0;
  reed__room_evict_dormant(m);
  return 0;
}
