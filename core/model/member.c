/* Membership: join, part, kick and invite, with the room's admission rules
 * (bans and exceptions, invite-only and invites, key, limit). A person is a
 * member while any of its sessions is joined; permissions belong to the
 * member (the person), never to one session. */
#include "model_int.h"

#include <stdio.h>

reed__member_t *
reed__member_of(const reed_room_t *r, const reed__person_t *p)
{
  for (reed__member_t *mem = p->mem_first; mem; mem = mem->p_next)
    if (mem->room == r)
      return mem;
  return NULL;
}

reed__join_t *
reed__join_of(const reed_room_t *r, const reed_session_t *s)
{
  for (reed__join_t *j = s->j_first; j; j = j->s_next)
    if (j->mem->room == r)
      return j;
  return NULL;
}

bool
reed__can_override(const reed_session_t *s)
{
  return s->oper;
}

bool
reed__is_op(const reed_room_t *r, const reed__person_t *p)
{
  reed__member_t *mem = reed__member_of(r, p);

  return mem != NULL && mem->op;
}

bool
reed__op_rights(const reed_room_t *r, const reed__person_t *p)
{
  return reed__is_op(r, p) || reed__aff_of(r, p) >= REED_AFF_ADMIN;
}

bool
reed__masklist_match(const reed__masklist_t *l, const reed_session_t *s)
{
  char a[REED_NICK_MAX + 2 * REED__FIELD_MAX + 4];
  char b[sizeof(a)];

  if (l->n == 0)
    return false;
  snprintf(a, sizeof(a), "%s!%s@%s", s->p->nick, s->user, s->host);
  snprintf(b, sizeof(b), "%s!%s@%s", s->p->nick, s->user, s->ip);
  for (const reed__mask_t *e = l->first; e; e = e->next) {
    if (e->account ? reed_casecmp(e->mask, s->p->account) == 0
                   : reed_mask_match(e->mask, a) || reed_mask_match(e->mask, b))
      return true;
  }
  return false;
}

/* Room in r->mems for one more member, taken before anything is linked
 * so that linking cannot fail. */
static int
mems_reserve(reed_room_t *r)
{
  size_t cap = r->mems_cap ? r->mems_cap * 2 : 4;
  reed__member_t **a;

  if (r->n_members < r->mems_cap)
    return 0;
  if ((a = reed_realloc(r->mems, cap * sizeof(*a))) == NULL)
    return REED_ENOMEM;
  r->mems = a;
  r->mems_cap = cap;
  return 0;
}

/* Takes mem out of r->mems, keeping the order; the array shrinks when
 * mostly empty and goes with the last member. */
static void
mems_remove(reed_room_t *r, const reed__member_t *mem)
{
  size_t n = r->n_members, i = n;
  reed__member_t **a;

  while (i > 0 && r->mems[i - 1] != mem)
    i--;
  if (i == 0)
    return;
  memmove(&r->mems[i - 1], &r->mems[i], (n - i) * sizeof(*r->mems));
  if (n == 1) {
    reed_free(r->mems);
    r->mems = NULL;
    r->mems_cap = 0;
  } else if (r->mems_cap > 16 && (n - 1) * 4 <= r->mems_cap &&
             (a = reed_realloc(r->mems, r->mems_cap / 2 * sizeof(*a)))) {
    r->mems = a;
    r->mems_cap /= 2;
  }
}

static void
member_unlink(reed__member_t *mem)
{
  reed_room_t *r = mem->room;
  reed__person_t *p = mem->p;

  mems_remove(r, mem);
  REED__DL_UNLINK(r->mem_first, r->mem_last, mem, r_prev, r_next);
  REED__DL_UNLINK(p->mem_first, p->mem_last, mem, p_prev, p_next);
  r->n_members--;
  p->n_members--;
}

void
reed__join_remove(reed__join_t *j)
{
  reed__member_t *mem = j->mem;
  reed_session_t *s = j->s;

  REED__DL_UNLINK(s->j_first, s->j_last, j, s_prev, s_next);
  REED__DL_UNLINK(mem->j_first, mem->j_last, j, m_prev, m_next);
  s->n_joins--;
  mem->n_joins--;
  mem->room->joins_by_origin[s->origin_ix]--;
  reed_free(j);
  if (mem->n_joins == 0) {
    reed_room_t *r = mem->room;
    member_unlink(mem);
    reed_free(mem);
    reed__room_maybe_empty(r);
  }
}

void
reed__member_remove(reed__member_t *mem)
{
  while (mem->n_joins > 1)
    reed__join_remove(mem->j_first);
  reed__join_remove(mem->j_first); /* frees mem, maybe the room's state */
}

static void
link_member(reed_room_t *r, reed__member_t *mem)
{
  reed__person_t *p = mem->p;

  mem->room = r;
  r->mems[r->n_members] = mem; /* reserved by join_prepare */
  REED__DL_APPEND(r->mem_first, r->mem_last, mem, r_prev, r_next);
  REED__DL_APPEND(p->mem_first, p->mem_last, mem, p_prev, p_next);
  r->n_members++;
  p->n_members++;
}

static void
link_join(reed__member_t *mem, reed__join_t *j, reed_session_t *s)
{
  j->s = s;
  j->mem = mem;
  REED__DL_APPEND(s->j_first, s->j_last, j, s_prev, s_next);
  REED__DL_APPEND(mem->j_first, mem->j_last, j, m_prev, m_next);
  s->n_joins++;
  mem->n_joins++;
  mem->room->joins_by_origin[s->origin_ix]++;
}

/* Is this invite the person's? A guest's key is its nick, so an invite
 * given before the guest took the nick was for an earlier holder. */
static bool
invite_is_for(const reed__mask_t *e, const reed__person_t *p, const char *key)
{
  if (strcmp(e->mask, key) != 0)
    return false;
  return p->account[0] != '\0' || e->seq >= p->hist_floor;
}

/* Finds (and with `take`, removes) the invite of the person. */
static bool
invite_find(reed_room_t *r, const reed__person_t *p, bool take)
{
  char key[REED_NICK_MAX + 3];

  reed__person_hkey(p, key, sizeof(key));
  for (reed__mask_t **pp = &r->invites.first; *pp; pp = &(*pp)->next) {
    reed__mask_t *e = *pp;
    if (!invite_is_for(e, p, key))
      continue;
    if (take) {
      *pp = e->next;
      r->invites.n--;
      reed_free(e->mask);
      reed_free(e->by);
      reed_free(e);
    }
    return true;
  }
  return false;
}

/* The admission rules for a person not yet a member. */
static int
admit(reed_room_t *r, reed_session_t *s, const char *key)
{
  reed_affiliation_t aff = reed__aff_of(r, s->p);

  /* An owner always gets in (ergo's founder); admins and members pass
   * invite-only as an invex entry would (XEP-0045's members-only). */
  if (reed__can_override(s) || aff == REED_AFF_OWNER)
    return 0;
  if (reed__masklist_match(&r->lists[REED__LIST_BAN], s) &&
      !reed__masklist_match(&r->lists[REED__LIST_EXCEPT], s))
    return REED_EBANNED;
  if (r->invite_only && aff < REED_AFF_MEMBER && !invite_find(r, s->p, false) &&
      !reed__masklist_match(&r->lists[REED__LIST_INVEX], s))
    return REED_EINVITEONLY;
  if (r->key[0] != '\0' && (key == NULL || strcmp(key, r->key) != 0))
    return REED_EBADKEY;
  if (r->limit > 0 && r->n_members >= r->limit)
    return REED_EROOMFULL;
  return 0;
}

static int
join_check(reed_session_t *s, const char *room, reed_room_t **r,
           reed__member_t **mem)
{
  if (!reed_room_name_valid(room))
    return REED_EBADROOM;
  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  *r = reed__room_get(s->m, room);
  *mem = NULL;
  if (*r != NULL && (*r)->active) {
    if (reed__join_of(*r, s) != NULL)
      return REED_EALREADYMEMBER;
    *mem = reed__member_of(*r, s->p);
  }
  if (s->n_joins >= s->m->max_rooms)
    return REED_ETOOMANYROOMS;
  if (*r == NULL)
    return reed__room_fetch(s->m, room, r);
  return 0;
}

/* Links the session (and, when new, the member) into the room and sends
 * JOIN: to the whole room for a new member, else to the session alone. */
static void
join_apply(reed_room_t *r, reed_session_t *s, reed__member_t *mem,
           reed__join_t *j, reed_event_t *ev)
{
  reed_model_t *m = s->m;
  reed_fmt_cache_t cache;
  bool fresh = mem->room == NULL;

  if (fresh) {
    if (r->n_members == 0 && !reed_room_registered(r)) {
      if (r->forgotten)
        r->created_ms = ev->ts_ms;
      r->forgotten = false;
      reed__aff_claim(s, r);
    }
    mem->op = reed__op_on_join(r, s->p);
    mem->joined_ms = ev->ts_ms;
    link_member(r, mem);
    invite_find(r, s->p, true);
  }
  link_join(mem, j, s);
  reed__observe(m, ev);
  reed__fan_begin(m, ev, &cache);
  if (fresh)
    reed__send_room(m, r, ev);
  else
    reed__send(m, s, ev);
  reed__fan_end(m, &cache);
}

/* Frees what a join allocated; a member not linked yet is the join's own.
 * A room it woke goes back to sleep. */
static void
join_undo(reed_room_t *r, reed__member_t *mem, reed__join_t *j)
{
  reed_free(j);
  if (mem != NULL && mem->room == NULL)
    reed_free(mem);
  if (r != NULL)
    reed__room_maybe_sleep(r);
}

/* Allocates the join (and the member, when new) and wakes the room. */
static int
join_prepare(reed_session_t *s, const char *room, reed_room_t **r,
             reed__member_t **mem, reed__join_t **j)
{
  *j = reed_calloc(1, sizeof(**j));
  if (*mem == NULL)
    *mem = reed_calloc(1, sizeof(**mem));
  if (*j != NULL && *mem != NULL && reed__room_activate(s->m, room, r) == 0 &&
      ((*mem)->room != NULL || mems_reserve(*r) == 0))
    return 0;
  join_undo(*r, *mem, *j);
  return REED_ENOMEM;
}

int
reed_room_join(reed_session_t *s, const char *room, const char *key)
{
  reed_room_t *r;
  reed__member_t *mem;
  reed__join_t *j;
  reed_event_t ev = {.kind = REED_EV_JOIN};
  int rc;

  if ((rc = join_check(s, room, &r, &mem)) != 0)
    return rc;
  if (mem == NULL && r != NULL && (rc = admit(r, s, key)) != 0)
    return rc;
  if ((rc = join_prepare(s, room, &r, &mem, &j)) != 0)
    return rc;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  if ((rc = reed__sequence(s->m, &ev)) != 0) {
    join_undo(r, mem, j);
    return rc;
  }
  mem->p = s->p;
  join_apply(r, s, mem, j, &ev);
  return 0;
}

int
reed_room_part(reed_session_t *s, const char *room, const char *reason)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed__join_t *j;
  char why[REED_REASON_MAX + 1];
  reed_event_t ev = {.kind = REED_EV_PART};
  reed_fmt_cache_t cache;
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if ((j = reed__join_of(r, s)) == NULL)
    return REED_ENOTMEMBER;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.text = reason ? why : NULL;
  ev.text_len = strlen(why);
  if ((rc = reed__sequence(m, &ev)) != 0)
    return rc;
  reed__observe(m, &ev);
  reed__op_begin(m);
  reed__fan_begin(m, &ev, &cache);
  if (j->mem->n_joins == 1)
    reed__send_room(m, r, &ev);
  else
    reed__send(m, s, &ev);
  reed__fan_end(m, &cache);
  reed__join_remove(j);
  reed__op_end(m);
  return 0;
}

/* The caller's standing in a room it wants to manage: joined, then op
 * (a server operator passes both). */
int
reed__need_op(reed_session_t *s, reed_room_t *r)
{
  if (reed__can_override(s))
    return 0;
  if (reed__join_of(r, s) == NULL)
    return REED_ENOTMEMBER;
  return reed__op_rights(r, s->p) ? 0 : REED_ENOPRIV;
}

int
reed_room_kick(reed_session_t *s, const char *room, const char *nick,
               const char *reason)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed__person_t *p;
  reed__member_t *mem;
  char why[REED_REASON_MAX + 1];
  reed_event_t ev = {.kind = REED_EV_KICK};
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if ((rc = reed__need_op(s, r)) != 0)
    return rc;
  if ((p = reed__person_by_nick(m, nick)) == NULL)
    return REED_ENOSUCHNICK;
  if ((mem = reed__member_of(r, p)) == NULL)
    return REED_ETARGETNOTMEMBER;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.target = p->nick;
  ev.text = why;
  ev.text_len = strlen(why);
  reed__op_begin(m);
  if ((rc = reed__emit_room(m, r, &ev)) == 0)
    reed__member_remove(mem);
  reed__op_end(m);
  return rc;
}

/* Drops an earlier nick holder's invite under the same key. */
static void
invite_drop_stale(reed_room_t *r, const char *key)
{
  for (reed__mask_t **pp = &r->invites.first; *pp; pp = &(*pp)->next) {
    reed__mask_t *e = *pp;
    if (strcmp(e->mask, key) != 0)
      continue;
    *pp = e->next;
    r->invites.n--;
    reed_free(e->mask);
    reed_free(e->by);
    reed_free(e);
    return;
  }
}

static int
invite_add(reed_room_t *r, const reed__person_t *p, const char *by)
{
  char key[REED_NICK_MAX + 3];
  reed__mask_t *e, **pp;

  if (invite_find(r, p, false))
    return 0;
  reed__person_hkey(p, key, sizeof(key));
  invite_drop_stale(r, key);
  e = reed_calloc(1, sizeof(*e));
  if (e == NULL || (e->mask = reed_strdup(key)) == NULL ||
      (e->by = reed_strdup(by)) == NULL) {
    if (e)
      reed_free(e->mask);
    reed_free(e);
    return REED_ENOMEM;
  }
  e->seq = r->m->last_id;
  for (pp = &r->invites.first; *pp; pp = &(*pp)->next)
    ;
  *pp = e;
  if (++r->invites.n > r->m->max_list_entries) { /* forget the oldest */
    reed__mask_t *old = r->invites.first;
    r->invites.first = old->next;
    r->invites.n--;
    reed_free(old->mask);
    reed_free(old->by);
    reed_free(old);
  }
  return 0;
}

int
reed_room_invite(reed_session_t *s, const char *room, const char *nick)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed__person_t *p;
  reed_event_t ev = {.kind = REED_EV_INVITE};
  reed_fmt_cache_t cache;
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (!reed__can_override(s) && reed__join_of(r, s) == NULL)
    return REED_ENOTMEMBER;
  if (r->invite_only && (rc = reed__need_op(s, r)) != 0)
    return rc;
  if ((p = reed__person_by_nick(m, nick)) == NULL)
    return REED_ENOSUCHNICK;
  if (reed__member_of(r, p) != NULL)
    return REED_EALREADYMEMBER;
  if ((rc = invite_add(r, p, s->p->nick)) != 0)
    return rc;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.target = p->nick;
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, &ev, &cache);
  reed__send_person(m, p, &ev);
  reed__fan_end(m, &cache);
  return 0;
}
