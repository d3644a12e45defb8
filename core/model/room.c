/* Rooms: lookup, creation on first join, dormancy when empty (the settings
 * and history stay, keyed by the folded name, least recently emptied
 * evicted first), the loader, and the read-only views. */
#include "model_int.h"

#include <stdio.h>

reed_room_t *
reed__room_get(const reed_model_t *m, const char *name)
{
  char fold[REED_ROOM_MAX + 1];

  if (!reed_room_name_valid(name))
    return NULL;
  reed_casefold(fold, name, sizeof(fold));
  return reed__map_get(&m->rooms, fold);
}

reed_room_t *
reed_room_lookup(reed_model_t *m, const char *name)
{
  reed_room_t *r;

  return reed__room_fetch(m, name, &r) == 0 ? r : NULL;
}

reed_room_t *
reed_room_find(reed_model_t *m, const char *name)
{
  reed_room_t *r = reed__room_get(m, name);

  return (r != NULL && r->active) ? r : NULL;
}

static void
list_unlink(reed_room_t *r, reed_room_t **first, reed_room_t **last)
{
  REED__DL_UNLINK(*first, *last, r, prev, next);
}

static void
list_append(reed_room_t *r, reed_room_t **first, reed_room_t **last)
{
  REED__DL_APPEND(*first, *last, r, prev, next);
}

/* A new dormant room with the defaults of a fresh room. */
static reed_room_t *
room_new(reed_model_t *m, const char *name)
{
  reed_room_t *r = reed_calloc(1, sizeof(*r));

  if (r == NULL)
    return NULL;
  r->m = m;
  reed_strlcpy(r->name, name, sizeof(r->name));
  reed_casefold(r->fold, name, sizeof(r->fold));
  r->no_external = true;
  r->topic_lock = m->default_topic_lock;
  r->created_ms = m->clock->wall_ms(m->clock->c);
  r->hist.max = m->room_history;
  if (reed__map_put(&m->rooms, r->fold, r) != 0) {
    reed_free(r);
    return NULL;
  }
  list_append(r, &m->d_first, &m->d_last);
  m->n_dormant++;
  return r;
}

reed_room_t *
reed__room_get_or_new(reed_model_t *m, const char *name)
{
  reed_room_t *r = reed__room_get(m, name);

  return r != NULL ? r : room_new(m, name);
}

void
reed__masklist_clear(reed__masklist_t *l)
{
  while (l->first != NULL) {
    reed__mask_t *e = l->first;
    l->first = e->next;
    reed_free(e->mask);
    reed_free(e->by);
    reed_free(e);
  }
  l->n = 0;
}

/* Frees the room, its members and joins (teardown and eviction). */
void
reed__room_free(reed_room_t *r)
{
  while (r->mem_first != NULL) {
    reed__member_t *mem = r->mem_first;
    r->mem_first = mem->r_next;
    while (mem->j_first != NULL) {
      reed__join_t *j = mem->j_first;
      mem->j_first = j->m_next;
      reed_free(j);
    }
    reed_free(mem);
  }
  for (int i = 0; i < REED__LISTS; i++)
    reed__masklist_clear(&r->lists[i]);
  reed__masklist_clear(&r->invites);
  reed__aff_free_all(r);
  reed__ring_cleanup(&r->hist);
  reed_free(r->topic_by);
  reed_free(r->mems);
  reed_free(r);
}

/* Forgets a dormant room and everything it kept. */
static void
drop_dormant(reed_model_t *m, reed_room_t *r)
{
  list_unlink(r, &m->d_first, &m->d_last);
  reed__map_del(&m->rooms, r->fold);
  m->n_dormant--;
  reed__room_free(r);
}

void
reed__room_evict_dormant(reed_model_t *m)
{
  while (m->n_dormant > m->max_dormant && m->d_first != NULL)
    drop_dormant(m, m->d_first);
}

int
reed__room_fetch(reed_model_t *m, const char *name, reed_room_t **out)
{
  int rc;

  *out = reed__room_get(m, name);
  if (*out != NULL || m->room_src.load == NULL)
    return 0;
  rc = m->room_src.load(m->room_src.ud, m, name);
  *out = reed__room_get(m, name);
  if (rc == 0)
    return 0;
  /* Half a room (its bans missing, say) must not stay: the next join asks
   * the source again. */
  if (*out != NULL && !(*out)->active)
    drop_dormant(m, *out);
  *out = NULL;
  return rc;
}

void
reed_model_set_room_source(reed_model_t *m, const reed_room_source_t *src)
{
  if (src != NULL && src->load != NULL)
    m->room_src = *src;
  else
    m->room_src = (reed_room_source_t){0};
}

int
reed__room_activate(reed_model_t *m, const char *name, reed_room_t **out)
{
  reed_room_t *r = reed__room_get(m, name);

  if (r == NULL && (r = room_new(m, name)) == NULL)
    return REED_ENOMEM;
  if (!r->active) {
    list_unlink(r, &m->d_first, &m->d_last);
    m->n_dormant--;
    list_append(r, &m->r_first, &m->r_last);
    m->n_rooms++;
    r->active = true;
  }
  *out = r;
  return 0;
}

void
reed__room_deactivate(reed_room_t *r)
{
  reed_model_t *m = r->m;

  list_unlink(r, &m->r_first, &m->r_last);
  m->n_rooms--;
  r->active = false;
  reed__masklist_clear(&r->invites);
  list_append(r, &m->d_first, &m->d_last);
  m->n_dormant++;
  reed__room_evict_dormant(m);
}

void
reed__room_forget(reed_room_t *r)
{
  reed_model_t *m = r->m;

  r->has_topic = false;
  r->topic[0] = '\0';
  reed_free(r->topic_by);
  r->topic_by = NULL;
  r->topic_ms = 0;
  r->moderated = r->invite_only = r->secret = false;
  r->no_external = true;
  r->topic_lock = m->default_topic_lock;
  r->key[0] = '\0';
  r->limit = 0;
  for (int i = 0; i < REED__LISTS; i++)
    reed__masklist_clear(&r->lists[i]);
  reed__masklist_clear(&r->invites);
  reed__aff_free_all(r);
  r->forgotten = true;
}

/* An emptied room goes dormant; one nobody owns forgets its settings
 * first (its history stays), so nobody finds a +i room no one can open. */
void
reed__room_maybe_empty(reed_room_t *r)
{
  if (!r->active || r->n_members != 0)
    return;
  if (!reed_room_registered(r))
    reed__room_forget(r);
  reed__room_deactivate(r);
}

void
reed__room_maybe_sleep(reed_room_t *r)
{
  if (r->active && r->n_members == 0)
    reed__room_deactivate(r);
}

static bool
state_valid(const reed_room_state_t *st)
{
  if (st == NULL || !reed_room_name_valid(st->name))
    return false;
  if (st->key && st->key[0] && !reed_room_key_valid(st->key))
    return false;
  if (st->topic_by && strlen(st->topic_by) > REED__FIELD_MAX)
    return false;
  return st->topic == NULL || (strlen(st->topic) <= REED_TOPIC_MAX &&
                               reed__text_clean(st->topic, strlen(st->topic)));
}

static void
state_apply(reed_room_t *r, const reed_room_state_t *st, char *by)
{
  r->has_topic = st->topic != NULL && st->topic[0] != '\0';
  reed_strlcpy(r->topic, r->has_topic ? st->topic : "", sizeof(r->topic));
  reed_free(r->topic_by);
  r->topic_by = by;
  r->topic_ms = st->topic_ms;
  if (st->created_ms)
    r->created_ms = st->created_ms;
  r->moderated = st->moderated;
  r->invite_only = st->invite_only;
  r->topic_lock = st->topic_lock;
  r->secret = st->secret;
  r->no_external = st->no_external;
  reed_strlcpy(r->key, st->key ? st->key : "", sizeof(r->key));
  r->limit = st->limit;
}

int
reed_room_load(reed_model_t *m, const reed_room_state_t *st)
{
  reed_room_t *r;
  char *by = NULL;

  if (!state_valid(st))
    return st && !reed_room_name_valid(st->name) ? REED_EBADROOM : REED_EINVAL;
  if (st->topic_by && (by = reed_strdup(st->topic_by)) == NULL)
    return REED_ENOMEM;
  r = reed__room_get(m, st->name);
  if (r == NULL && (r = room_new(m, st->name)) == NULL) {
    reed_free(by);
    return REED_ENOMEM;
  }
  state_apply(r, st, by);
  reed__room_evict_dormant(m);
  return 0;
}

void
reed_room_view(const reed_room_t *r, reed_room_view_t *v)
{
  *v = (reed_room_view_t){
      .name = r->name,
      .topic = r->has_topic ? r->topic : NULL,
      .topic_by = r->has_topic ? r->topic_by : NULL,
      .topic_ms = r->has_topic ? r->topic_ms : 0,
      .created_ms = r->created_ms,
      .members = r->n_members,
      .moderated = r->moderated,
      .invite_only = r->invite_only,
      .topic_lock = r->topic_lock,
      .secret = r->secret,
      .no_external = r->no_external,
      .key = r->key[0] ? r->key : NULL,
      .limit = r->limit,
  };
}

static void
member_view(const reed__member_t *mem, reed_member_view_t *mv)
{
  *mv = (reed_member_view_t){
      .op = mem->op,
      .voice = mem->voice,
      .aff = reed__aff_of(mem->room, mem->p),
      .away = mem->p->away,
      .joined_ms = mem->joined_ms,
  };
  reed__actor(mem->j_first->s, &mv->who);
}

void
reed_room_each_member(const reed_room_t *r,
                      void (*cb)(void *ud, const reed_member_view_t *mv),
                      void *ud)
{
  for (const reed__member_t *mem = r->mem_first; mem; mem = mem->r_next) {
    reed_member_view_t mv;
    member_view(mem, &mv);
    cb(ud, &mv);
  }
}

void
reed_room_each_nick(const reed_room_t *r,
                    void (*cb)(void *ud, const char *nick, bool op, bool voice),
                    void *ud)
{
  for (size_t i = 0; i < r->n_members; i++) {
    const reed__member_t *mem = r->mems[i];
    if (i + 8 < r->n_members)
      REED__PREFETCH(r->mems[i + 8]);
    if (i + 4 < r->n_members)
      REED__PREFETCH(r->mems[i + 4]->p);
    cb(ud, mem->p->nick[0] ? mem->p->nick : "*", mem->op, mem->voice);
  }
}

void
reed_room_each_nick_aff(const reed_room_t *r,
                        void (*cb)(void *ud, const char *nick, bool op,
                                   bool voice, reed_affiliation_t aff),
                        void *ud)
{
  for (size_t i = 0; i < r->n_members; i++) {
    const reed__member_t *mem = r->mems[i];
    if (i + 8 < r->n_members)
      REED__PREFETCH(r->mems[i + 8]);
    if (i + 4 < r->n_members)
      REED__PREFETCH(r->mems[i + 4]->p);
    cb(ud, mem->p->nick[0] ? mem->p->nick : "*", mem->op, mem->voice,
       reed__aff_of(r, mem->p));
  }
}

void
reed_model_each_room(reed_model_t *m,
                     void (*cb)(void *ud, const reed_room_t *r), void *ud)
{
  for (const reed_room_t *r = m->r_first; r; r = r->next)
    cb(ud, r);
}

void
reed_room_each_list(const reed_room_t *r, reed_room_mode_t which,
                    void (*cb)(void *ud, const reed_list_entry_t *e), void *ud)
{
  int i = which == REED_RMODE_BAN      ? REED__LIST_BAN
          : which == REED_RMODE_EXCEPT ? REED__LIST_EXCEPT
          : which == REED_RMODE_INVEX  ? REED__LIST_INVEX
                                       : -1;

  if (i < 0)
    return;
  for (const reed__mask_t *e = r->lists[i].first; e; e = e->next) {
    reed_list_entry_t v = {e->mask, e->account, e->by, e->ms};
    cb(ud, &v);
  }
}

bool
reed_room_has_session(const reed_room_t *r, const reed_session_t *s)
{
  return reed__join_of(r, s) != NULL;
}

int
reed_room_member(const reed_room_t *r, const char *nick,
                 reed_member_view_t *out)
{
  reed__person_t *p = reed__person_by_nick(r->m, nick);
  reed__member_t *mem;

  if (p == NULL)
    return REED_ENOSUCHNICK;
  if ((mem = reed__member_of(r, p)) == NULL)
    return REED_ETARGETNOTMEMBER;
  member_view(mem, out);
  return 0;
}

void
reed_session_each_room(const reed_session_t *s,
                       void (*cb)(void *ud, const reed_room_t *r), void *ud)
{
  for (const reed__join_t *j = s->j_first; j; j = j->s_next)
    cb(ud, j->mem->room);
}

void
reed_model_each_room_of(reed_model_t *m, const char *nick,
                        void (*cb)(void *ud, const reed_room_t *r), void *ud)
{
  reed__person_t *p = reed__person_by_nick(m, nick);

  if (p == NULL)
    return;
  for (const reed__member_t *mem = p->mem_first; mem; mem = mem->p_next)
    cb(ud, mem->room);
}

static void
person_view(const reed__person_t *p, reed_person_view_t *out)
{
  *out = (reed_person_view_t){
      .away = p->away,
      .sessions = p->n_sessions,
      .signon_ms = p->signon_ms,
      .idle_since_ms = p->idle_ms,
  };
  reed__actor(p->s_first, &out->who);
  for (const reed_session_t *s = p->s_first; s; s = s->p_next) {
    out->oper = out->oper || s->oper;
    out->invisible = out->invisible || s->invisible;
  }
}

void
reed_model_each_person(reed_model_t *m,
                       void (*cb)(void *ud, const reed_person_view_t *pv),
                       void *ud)
{
  reed_person_view_t pv;

  /* A person's first session stands for it: each person once. */
  for (const reed_session_t *s = m->s_first; s; s = s->all_next) {
    if (s->p == NULL || s->p->s_first != s)
      continue;
    person_view(s->p, &pv);
    cb(ud, &pv);
  }
}

bool
reed_session_shares_room(const reed_session_t *s, const char *nick)
{
  reed__person_t *p = reed__person_by_nick(s->m, nick);

  if (p == NULL)
    return false;
  if (p == s->p)
    return true;
  for (const reed__member_t *mem = p->mem_first; mem; mem = mem->p_next)
    if (reed_room_has_session(mem->room, s))
      return true;
  return false;
}

int
reed_model_find_nick(reed_model_t *m, const char *nick, reed_person_view_t *out)
{
  reed__person_t *p = reed__person_by_nick(m, nick);

  if (p == NULL)
    return REED_ENOSUCHNICK;
  person_view(p, out);
  return 0;
}

/* The person of the earliest live session logged in to the account. */
static reed__person_t *
person_by_account(const reed_model_t *m, const char *account)
{
  for (const reed_session_t *s = m->s_first; s; s = s->all_next) {
    const reed__person_t *p = s->p;
    if (!s->dead && !p->gone && p->account[0] != '\0' &&
        reed_casecmp(p->account, account) == 0)
      return s->p;
  }
  return NULL;
}

int
reed_model_find_account(reed_model_t *m, const char *account,
                        reed_person_view_t *out)
{
  reed__person_t *p;

  if (account == NULL || !reed_account_valid(account))
    return REED_ENOSUCHNICK;
  if ((p = person_by_account(m, account)) == NULL)
    return REED_ENOSUCHNICK;
  person_view(p, out);
  return 0;
}
