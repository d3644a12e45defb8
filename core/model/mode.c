/* Room modes: a batch is planned in order against a simulated state (so a
 * change that repeats an earlier one in the batch is a no-op, and list
 * sizes count pending additions), stops at the first failure, then the
 * effective changes pass the sequencer and are applied and reported in one
 * MODE event. */
#include "model_int.h"

#include <stdio.h>
#include <stdlib.h>

#define REED__MODES_MAX 32
#define REED__LIMIT_MAX 1000000

typedef struct {
  reed_mode_change_t c;
  reed__member_t *mem;
  reed__mask_t *add;
  int list;
  char arg[REED__MASK_MAX + 1];
} plan_t;

typedef struct {
  bool moderated, invite_only, topic_lock, secret, no_external;
  char key[REED_KEY_MAX + 1];
  size_t limit;
  size_t list_n[REED__LISTS];
  plan_t plan[REED__MODES_MAX];
  size_t n;
} batch_t;

static bool *
flag_of(void *base, reed_room_mode_t mode, bool room)
{
  reed_room_t *r = base;
  batch_t *b = base;

  switch (mode) {
  case REED_RMODE_MODERATED:
    return room ? &r->moderated : &b->moderated;
  case REED_RMODE_INVITEONLY:
    return room ? &r->invite_only : &b->invite_only;
  case REED_RMODE_TOPICLOCK:
    return room ? &r->topic_lock : &b->topic_lock;
  case REED_RMODE_SECRET:
    return room ? &r->secret : &b->secret;
  case REED_RMODE_NOEXTERNAL:
    return room ? &r->no_external : &b->no_external;
  default:
    return NULL;
  }
}

static int
list_of(reed_room_mode_t mode)
{
  return mode == REED_RMODE_BAN      ? REED__LIST_BAN
         : mode == REED_RMODE_EXCEPT ? REED__LIST_EXCEPT
         : mode == REED_RMODE_INVEX  ? REED__LIST_INVEX
                                     : -1;
}

/* nick -> nick!*@*, user@host -> *!user@host, nick!user -> nick!user@*. */
static int
mask_normalize(const char *in, char *out, size_t size)
{
  bool bang, at;
  int n;

  if (!reed__field_valid(in, REED__MASK_MAX))
    return REED_EBADMODE;
  bang = strchr(in, '!') != NULL;
  at = strchr(in, '@') != NULL;
  if (!bang && !at)
    n = snprintf(out, size, "%s!*@*", in);
  else if (!bang)
    n = snprintf(out, size, "*!%s", in);
  else if (!at)
    n = snprintf(out, size, "%s@*", in);
  else
    n = snprintf(out, size, "%s", in);
  return (n < 0 || (size_t)n >= size) ? REED_EBADMODE : 0;
}

static void
batch_init(batch_t *b, const reed_room_t *r)
{
  b->moderated = r->moderated;
  b->invite_only = r->invite_only;
  b->topic_lock = r->topic_lock;
  b->secret = r->secret;
  b->no_external = r->no_external;
  memcpy(b->key, r->key, sizeof(b->key));
  b->limit = r->limit;
  for (int i = 0; i < REED__LISTS; i++)
    b->list_n[i] = r->lists[i].n;
  b->n = 0;
}

static bool
member_flag(const batch_t *b, const reed__member_t *mem, reed_room_mode_t md)
{
  bool v = md == REED_RMODE_OP ? mem->op : mem->voice;

  for (size_t i = 0; i < b->n; i++)
    if (b->plan[i].mem == mem && b->plan[i].c.mode == md)
      v = b->plan[i].c.set;
  return v;
}

static int
plan_member(reed_room_t *r, batch_t *b, const reed_mode_change_t *c, plan_t *pl)
{
  reed__person_t *p = reed__person_by_nick(r->m, c->arg);

  if (c->arg == NULL || !reed_nick_valid(c->arg))
    return REED_EBADMODE;
  if (p == NULL)
    return REED_ENOSUCHNICK;
  if ((pl->mem = reed__member_of(r, p)) == NULL)
    return REED_ETARGETNOTMEMBER;
  if (member_flag(b, pl->mem, c->mode) == c->set)
    return 1;
  pl->c.arg = p->nick;
  return 0;
}

/* An account entry and a mask entry are never the same entry (a
 * normalised mask has a '!', an account name never does). */
static bool
entry_is(const reed__mask_t *e, const char *mask, bool account)
{
  return e->account == account && reed_casecmp(e->mask, mask) == 0;
}

static bool
list_has(const reed_room_t *r, int l, const char *mask, bool account)
{
  for (const reed__mask_t *e = r->lists[l].first; e; e = e->next)
    if (entry_is(e, mask, account))
      return true;
  return false;
}

static bool
mask_present(const reed_room_t *r, const batch_t *b, int l, const char *mask,
             bool account)
{
  bool v = list_has(r, l, mask, account);

  for (size_t i = 0; i < b->n; i++)
    if (b->plan[i].list == l && b->plan[i].c.account == account &&
        reed_casecmp(b->plan[i].arg, mask) == 0)
      v = b->plan[i].c.set;
  return v;
}

/* The entry as kept: a normalised mask, or an account name as given. */
static int
entry_normalize(const char *in, bool account, char *out, size_t size)
{
  if (!account)
    return in == NULL ? REED_EBADMODE : mask_normalize(in, out, size);
  if (!reed_account_valid(in))
    return REED_EBADMODE;
  reed_strlcpy(out, in, size);
  return 0;
}

static reed__mask_t *
mask_new(const char *mask, bool account, const char *by)
{
  reed__mask_t *e = reed_calloc(1, sizeof(*e));

  if (e == NULL)
    return NULL;
  e->account = account;
  e->mask = reed_strdup(mask);
  e->by = reed_strdup(by);
  if (e->mask == NULL || e->by == NULL) {
    reed_free(e->mask);
    reed_free(e->by);
    reed_free(e);
    return NULL;
  }
  return e;
}

/* An account ban replaces the account's affiliation: an admin's or an
 * owner's needs an owner, and the last owner stays. */
static int
ban_aff_check(reed_session_t *s, reed_room_t *r, const char *account)
{
  const reed__aff_t *a = reed__aff_find(r, account);

  if (a == NULL || a->aff < REED_AFF_ADMIN)
    return 0;
  if (a->aff == REED_AFF_OWNER && r->n_owners == 1)
    return REED_ELASTOWNER;
  if (reed__can_override(s) || reed__aff_of(r, s->p) == REED_AFF_OWNER)
    return 0;
  return REED_ENOPRIV;
}

static int
plan_list(reed_session_t *s, reed_room_t *r, batch_t *b,
          const reed_mode_change_t *c, plan_t *pl)
{
  int l = list_of(c->mode);
  int rc;

  if (entry_normalize(c->arg, c->account, pl->arg, sizeof(pl->arg)) != 0)
    return REED_EBADMODE;
  if (l == REED__LIST_BAN && c->account && c->set &&
      (rc = ban_aff_check(s, r, pl->arg)) != 0)
    return rc;
  if (mask_present(r, b, l, pl->arg, c->account) == c->set)
    return 1;
  if (c->set && b->list_n[l] >= r->m->max_list_entries)
    return REED_ELISTFULL;
  if (c->set && (pl->add = mask_new(pl->arg, c->account, s->p->nick)) == NULL)
    return REED_ENOMEM;
  pl->c.account = c->account;
  b->list_n[l] += c->set ? 1 : (size_t)-1;
  pl->list = l;
  pl->c.arg = pl->arg;
  return 0;
}

static int
plan_key(batch_t *b, const reed_mode_change_t *c, plan_t *pl)
{
  if (!c->set) {
    if (b->key[0] == '\0')
      return 1;
    b->key[0] = '\0';
    pl->c.arg = NULL;
    return 0;
  }
  if (!reed_room_key_valid(c->arg))
    return REED_EBADMODE;
  if (strcmp(b->key, c->arg) == 0)
    return 1;
  reed_strlcpy(b->key, c->arg, sizeof(b->key));
  reed_strlcpy(pl->arg, c->arg, sizeof(pl->arg));
  pl->c.arg = pl->arg;
  return 0;
}

static int
plan_limit(batch_t *b, const reed_mode_change_t *c, plan_t *pl)
{
  unsigned long v;
  char *end;

  if (!c->set) {
    if (b->limit == 0)
      return 1;
    b->limit = 0;
    pl->c.arg = NULL;
    return 0;
  }
  if (c->arg == NULL || c->arg[0] < '0' || c->arg[0] > '9')
    return REED_EBADMODE;
  v = strtoul(c->arg, &end, 10);
  if (*end != '\0' || v == 0 || v > REED__LIMIT_MAX)
    return REED_EBADMODE;
  if (v == b->limit)
    return 1;
  b->limit = v;
  snprintf(pl->arg, sizeof(pl->arg), "%lu", v);
  pl->c.arg = pl->arg;
  return 0;
}

/* Plans one change: 0 effective, 1 no-op, or an error. */
static int
plan_one(reed_session_t *s, reed_room_t *r, batch_t *b,
         const reed_mode_change_t *c)
{
  plan_t *pl = &b->plan[b->n];
  bool *flag;

  *pl = (plan_t){.c = {.mode = c->mode, .set = c->set}, .list = -1};
  switch (c->mode) {
  case REED_RMODE_OP:
  case REED_RMODE_VOICE:
    return plan_member(r, b, c, pl);
  case REED_RMODE_BAN:
  case REED_RMODE_EXCEPT:
  case REED_RMODE_INVEX:
    return plan_list(s, r, b, c, pl);
  case REED_RMODE_KEY:
    return plan_key(b, c, pl);
  case REED_RMODE_LIMIT:
    return plan_limit(b, c, pl);
  default:
    if ((flag = flag_of(b, c->mode, false)) == NULL)
      return REED_EBADMODE;
    if (*flag == c->set)
      return 1;
    *flag = c->set;
    return 0;
  }
}

static void
list_remove(reed__masklist_t *l, const char *mask, bool account)
{
  for (reed__mask_t **pp = &l->first; *pp; pp = &(*pp)->next) {
    reed__mask_t *e = *pp;
    if (!entry_is(e, mask, account))
      continue;
    *pp = e->next;
    l->n--;
    reed_free(e->mask);
    reed_free(e->by);
    reed_free(e);
    return;
  }
}

static void
list_append(reed__masklist_t *l, reed__mask_t *e)
{
  reed__mask_t **pp = &l->first;

  while (*pp != NULL)
    pp = &(*pp)->next;
  *pp = e;
  e->next = NULL;
  l->n++;
}

static void
apply_one(reed_room_t *r, const batch_t *b, plan_t *pl, uint64_t ts)
{
  const reed_mode_change_t *c = &pl->c;

  if (c->mode == REED_RMODE_OP)
    pl->mem->op = c->set;
  else if (c->mode == REED_RMODE_VOICE)
    pl->mem->voice = c->set;
  else if (pl->list >= 0 && c->set) {
    if (pl->list == REED__LIST_BAN && c->account)
      reed__aff_drop(r, pl->arg); /* OUTCAST now */
    pl->add->ms = ts;
    list_append(&r->lists[pl->list], pl->add);
    pl->add = NULL;
  } else if (pl->list >= 0)
    list_remove(&r->lists[pl->list], pl->arg, c->account);
  else if (c->mode == REED_RMODE_KEY)
    memcpy(r->key, b->key, sizeof(r->key));
  else if (c->mode == REED_RMODE_LIMIT)
    r->limit = b->limit;
  else
    *flag_of(r, c->mode, true) = c->set;
}

static void
batch_free(batch_t *b)
{
  for (size_t i = 0; i < b->n; i++) {
    reed__mask_t *e = b->plan[i].add;
    if (e != NULL) {
      reed_free(e->mask);
      reed_free(e->by);
      reed_free(e);
    }
  }
}

/* Sequences, applies and reports the planned changes. */
static int
batch_commit(reed_session_t *s, reed_room_t *r, batch_t *b)
{
  reed_mode_change_t modes[REED__MODES_MAX];
  reed_event_t ev = {.kind = REED_EV_MODE};
  int rc;

  if (b->n == 0)
    return 0;
  for (size_t i = 0; i < b->n; i++)
    modes[i] = b->plan[i].c;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.u.mode.modes = modes;
  ev.u.mode.n_modes = b->n;
  if ((rc = reed__sequence(s->m, &ev)) != 0)
    return rc;
  for (size_t i = 0; i < b->n; i++)
    apply_one(r, b, &b->plan[i], ev.ts_ms);
  reed__observe(s->m, &ev);
  reed_fmt_cache_t cache;
  reed__fan_begin(s->m, &ev, &cache);
  reed__send_room(s->m, r, &ev);
  reed__fan_end(s->m, &cache);
  return 0;
}

int
reed_room_set_modes(reed_session_t *s, const char *room,
                    const reed_mode_change_t *changes, size_t n,
                    size_t *applied)
{
  reed_room_t *r = reed_room_find(s->m, room);
  batch_t *b;
  size_t i;
  int rc = 0, crc;

  if (applied != NULL)
    *applied = 0;
  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (n > REED__MODES_MAX || (n > 0 && changes == NULL))
    return REED_EINVAL;
  if (n == 0)
    return 0;
  if ((rc = reed__need_op(s, r)) != 0)
    return rc;
  if ((b = reed_malloc(sizeof(*b))) == NULL)
    return REED_ENOMEM;
  batch_init(b, r);
  for (i = 0; i < n && rc == 0; i++) {
    rc = plan_one(s, r, b, &changes[i]);
    if (rc == 0)
      b->n++;
    rc = rc == 1 ? 0 : rc;
  }
  crc = batch_commit(s, r, b);
  if (crc != 0)
    rc = crc;
  else if (applied != NULL)
    *applied = rc ? i - 1 : i;
  batch_free(b);
  reed_free(b);
  return rc;
}

/* ---- The loader ------------------------------------------------------------
 */
static int
load_list_check(const reed_model_t *m, reed_room_t *r, int l, const char *mask,
                bool account)
{
  if (list_has(r, l, mask, account))
    return REED_EEXIST;
  if (r->lists[l].n >= m->max_list_entries)
    return REED_ELISTFULL;
  return 0;
}

int
reed_room_load_list(reed_model_t *m, const char *room, reed_room_mode_t which,
                    const char *mask, bool account, const char *by, uint64_t ms)
{
  char norm[REED__MASK_MAX + 1];
  int l = list_of(which);
  reed_room_t *r;
  reed__mask_t *e;
  int rc;

  if (!reed_room_name_valid(room))
    return REED_EBADROOM;
  if (l < 0 || entry_normalize(mask, account, norm, sizeof(norm)) != 0)
    return REED_EINVAL;
  if (by != NULL && by[0] != '\0' && !reed__field_valid(by, REED__FIELD_MAX))
    return REED_EINVAL;
  if ((r = reed__room_get_or_new(m, room)) == NULL)
    return REED_ENOMEM;
  rc = load_list_check(m, r, l, norm, account);
  if (rc == 0 && (e = mask_new(norm, account, by ? by : "")) == NULL)
    rc = REED_ENOMEM;
  if (rc == 0) {
    e->ms = ms;
    list_append(&r->lists[l], e);
  }
  reed__room_evict_dormant(m);
  return rc;
}
