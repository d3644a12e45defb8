/* The one nickname namespace: taking, changing and sharing nicks, logging
 * in, and the person-visible attributes that fan out like a nick change
 * (away, real name, host). */
#include "model_int.h"

reed__person_t *
reed__person_by_nick(const reed_model_t *m, const char *nick)
{
  char fold[REED_NICK_MAX + 1];

  if (nick == NULL || !reed_nick_valid(nick))
    return NULL;
  reed_casefold(fold, nick, sizeof(fold));
  return reed__map_get(&m->nicks, fold);
}

bool
reed__session_in_rooms(const reed__person_t *p)
{
  for (const reed_session_t *s = p->s_first; s; s = s->p_next)
    if (s->n_joins > 0)
      return true;
  return false;
}

static bool
same_account(const reed__person_t *a, const reed__person_t *b)
{
  return a->account[0] != '\0' && reed_casecmp(a->account, b->account) == 0;
}

/* Moves every session of `from` (in no room) to `to` and frees `from`;
 * each moved session that had a nick learns its new one. */
static void
merge_into(reed__person_t *from, reed__person_t *to)
{
  reed_model_t *m = from->m;
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_NICK, .target = to->nick};
  bool tell = from->nick[0] != '\0', same;
  char old[REED_NICK_MAX + 1];

  reed__actor(from->s_first, &ev.from);
  ev.from.nick = from->nick;
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__op_begin(m); /* quits asked for meanwhile wait until the end */
  reed__fan_begin(m, &ev, &cache);
  while (from->s_first != NULL) {
    reed_session_t *s = from->s_first;
    reed__person_remove_session(from, s);
    reed__person_add_session(to, s);
    if (tell)
      reed__send(m, s, &ev);
  }
  reed__fan_end(m, &cache);
  reed_strlcpy(old, from->nick, sizeof(old));
  same = strcmp(from->fold, to->fold) == 0;
  reed__person_free(from);
  if (tell && !same) /* from's nick is free now */
    reed__nick_gone(to->s_last, old);
  reed__op_end(m);
}

/* After a rename: the old nick went out of use and the new one came in,
 * unless only its case changed. */
static void
renamed(reed_session_t *s, const char *old)
{
  char fold[REED_NICK_MAX + 1];

  reed_casefold(fold, old, sizeof(fold));
  if (strcmp(fold, s->p->fold) == 0)
    return;
  reed__nick_gone(s, old);
  reed__nick_came(s);
}

/* Renames p to nick (free, or p's own in another case) after the
 * sequencer stamped the change; tells everyone who sees p. */
static int
rename_person(reed__person_t *p, reed_session_t *s, const char *nick)
{
  reed_model_t *m = p->m;
  char old[REED_NICK_MAX + 1], fold[REED_NICK_MAX + 1];
  reed_event_t ev = {.kind = REED_EV_NICK};
  int rc;

  reed_casefold(fold, nick, sizeof(fold));
  if (reed__map_reserve(&m->nicks, 1) != 0)
    return REED_ENOMEM;
  reed_strlcpy(old, p->nick, sizeof(old));
  if (old[0] != '\0') {
    reed__actor(s, &ev.from);
    ev.from.nick = old;
    ev.target = nick;
    if ((rc = reed__sequence(m, &ev)) != 0)
      return rc;
    reed__map_del(&m->nicks, p->fold);
  }
  reed_strlcpy(p->nick, nick, sizeof(p->nick));
  reed_strlcpy(p->fold, fold, sizeof(p->fold));
  reed__map_put(&m->nicks, p->fold, p); /* reserved above */
  reed__person_guest_floor(p);
  if (old[0] == '\0') {
    reed__nick_came(s);
    return 0;
  }
  ev.target = p->nick;
  reed__observe(m, &ev);
  reed__op_begin(m); /* s stays while the watchers learn of it */
  reed__emit_sharing(m, p, &ev, false);
  renamed(s, old);
  reed__op_end(m);
  return 0;
}

static int
take_held(reed_session_t *s, reed__person_t *holder)
{
  reed__person_t *p = s->p;

  if (!same_account(p, holder))
    return REED_ENICKINUSE;
  if (reed__session_in_rooms(p))
    return REED_ENICKMERGE;
  merge_into(p, holder);
  return 0;
}

int
reed_session_set_nick(reed_session_t *s, const char *nick)
{
  reed_model_t *m = s->m;
  reed__person_t *holder;
  char fold[REED_NICK_MAX + 1];

  if (!reed_nick_valid(nick))
    return REED_EBADNICK;
  reed_casefold(fold, nick, sizeof(fold));
  for (size_t i = 0; i < m->n_reserved; i++)
    if (strcmp(m->reserved[i], fold) == 0)
      return REED_ENICKRESERVED;
  holder = reed__person_by_nick(m, nick);
  if (holder == s->p) {
    if (strcmp(holder->nick, nick) == 0)
      return 0;
    return rename_person(s->p, s, nick);
  }
  if (holder != NULL)
    return take_held(s, holder);
  if (reed__map_get(&m->accounts, fold) != NULL &&
      reed_casecmp(s->p->account, nick) != 0)
    return REED_ENICKRESERVED;
  return rename_person(s->p, s, nick);
}

/* Tells the person's sessions and everyone sharing a room with it about a
 * change `s` made (nobody while the person has no nick). */
static void
announce(reed_session_t *s, reed_event_kind_t kind, const char *text)
{
  reed_event_t ev = {
      .kind = kind, .text = text, .text_len = text ? strlen(text) : 0};

  if (s->p->nick[0] == '\0')
    return;
  reed__actor(s, &ev.from);
  reed__emit_sharing(s->m, s->p, &ev, true);
}

/* Real names and away texts: up to 390 bytes of UTF-8 without controls. */
static bool
person_text_ok(const char *text)
{
  size_t n = strlen(text);

  return n <= REED_REASON_MAX && reed__text_clean(text, n);
}

int
reed_session_login(reed_session_t *s, const char *account)
{
  reed__account_t *a;
  char fold[REED_ACCOUNT_MAX + 1];

  if (!reed_account_valid(account))
    return REED_ENOACCOUNT;
  reed_casefold(fold, account, sizeof(fold));
  a = reed__map_get(&s->m->accounts, fold);
  if (a == NULL)
    return REED_ENOACCOUNT;
  if (s->p->account[0] != '\0')
    return reed_casecmp(s->p->account, a->name) == 0 ? 0 : REED_EINVAL;
  if (s->p->n_sessions > 1)
    return REED_EINVAL;
  if (s->p->account[0] == '\0')
    s->m->n_guests--;
  reed_strlcpy(s->p->account, a->name, sizeof(s->p->account));
  announce(s, REED_EV_ACCOUNT, NULL);
  return 0;
}

int
reed_session_set_realname(reed_session_t *s, const char *realname)
{
  char *old;
  int err;

  if (realname == NULL || !person_text_ok(realname))
    return REED_EBADTEXT;
  old = reed__session_strings(s, s->user, s->host, s->ip, realname, &err);
  if (err != 0)
    return err;
  reed_free(old);
  announce(s, REED_EV_REALNAME, s->realname);
  return 0;
}

/* Emits HOST for person p, as `as` was known before the change (the
 * actor's strings are borrowed: the caller frees the old ones after). */
static void
announce_host(reed_session_t *as, reed_actor_t *was, const char *user,
              const char *host)
{
  reed_event_t ev = {.kind = REED_EV_HOST,
                     .from = *was,
                     .target = user,
                     .text = host,
                     .text_len = strlen(host)};

  if (as->p->nick[0] != '\0')
    reed__emit_sharing(as->m, as->p, &ev, true);
}

int
reed_session_set_host(reed_session_t *s, const char *user, const char *host)
{
  char *old;
  reed_actor_t was;
  int err;

  if (!reed__field_valid(user, REED__FIELD_MAX) ||
      !reed__field_valid(host, REED__FIELD_MAX))
    return REED_EINVAL;
  reed__actor(s, &was); /* borrows the old block until the event is out */
  old = reed__session_strings(s, user, host, s->ip, s->realname, &err);
  if (err != 0)
    return err;
  announce_host(s, &was, s->user, s->host);
  reed_free(old);
  return 0;
}

int
reed_session_chghost(reed_session_t *oper, const char *nick, const char *host)
{
  reed__person_t *p;
  reed_session_t *s;
  reed_actor_t was;
  char **old;
  size_t n, i = 0;
  int err = 0;

  if (!oper->oper)
    return REED_ENOPRIV;
  p = reed__person_by_nick(oper->m, nick);
  if (p == NULL || p->gone)
    return REED_ENOSUCHNICK;
  if (!reed__field_valid(host, REED__FIELD_MAX))
    return REED_EINVAL;
  n = p->n_sessions;
  if ((old = reed_calloc(n, sizeof(*old))) == NULL)
    return REED_ENOMEM;
  reed__actor(p->s_first, &was);
  /* All or nothing: on ENOMEM the sessions changed so far get their old
   * blocks back. */
  for (s = p->s_first; s != NULL && err == 0; s = s->p_next, i++)
    old[i] = reed__session_strings(s, s->user, host, s->ip, s->realname, &err);
  if (err != 0) {
    for (s = p->s_first, i = 0; old[i] != NULL; s = s->p_next, i++)
      reed_free(reed__session_strings_adopt(s, old[i]));
    reed_free(old);
    return err;
  }
  announce_host(p->s_first, &was, p->s_first->user, p->s_first->host);
  for (i = 0; i < n; i++)
    reed_free(old[i]);
  reed_free(old);
  return 0;
}

int
reed_session_set_away(reed_session_t *s, const char *text)
{
  reed__person_t *p = s->p;
  char *copy = NULL;

  if (text != NULL && text[0] != '\0') {
    if (!person_text_ok(text))
      return REED_EBADTEXT;
    if ((copy = reed_strdup(text)) == NULL)
      return REED_ENOMEM;
  }
  if (copy == NULL && p->away == NULL)
    return 0;
  reed_free(p->away);
  p->away = copy;
  announce(s, REED_EV_AWAY, copy);
  return 0;
}

/* KILL to each of the person's sessions (from `killer`, or the server
 * when NULL), then each quits (QUIT to others when the last one goes).
 * Inside an operation: the sessions go at its end. */
static void
kill_person(reed_model_t *m, reed__person_t *p, reed_session_t *killer,
            const char *why)
{
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_KILL};

  if (killer != NULL)
    reed__actor(killer, &ev.from);
  ev.target = p->nick;
  ev.text = why;
  ev.text_len = strlen(why);
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, &ev, &cache);
  reed__send_person(m, p, &ev);
  reed__fan_end(m, &cache);
  p->gone = true;
  for (reed_session_t *s = p->s_first; s; s = s->p_next)
    s->dead = true;
  reed__quit_person(p->s_first, why);
  for (reed_session_t *s = p->s_first; s; s = s->p_next)
    reed__session_defer_quit(s, why);
}

int
reed_session_kill(reed_session_t *killer, const char *nick, const char *reason)
{
  reed_model_t *m = killer->m;
  reed__person_t *p;
  char why[REED_REASON_MAX + 1];

  if (!killer->oper)
    return REED_ENOPRIV;
  if ((p = reed__person_by_nick(m, nick)) == NULL)
    return REED_ENOSUCHNICK;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed__op_begin(m);
  kill_person(m, p, killer, why);
  reed__op_end(m);
  return 0;
}

int
reed_model_account_end(reed_model_t *m, const char *name, const char *reason)
{
  char fold[REED_ACCOUNT_MAX + 1], pf[REED_ACCOUNT_MAX + 1];
  char why[REED_REASON_MAX + 1];
  size_t n = 0;

  if (!reed_account_valid(name))
    return 0;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed_casefold(fold, name, sizeof(fold));
  reed__op_begin(m); /* sessions stay while the list is walked */
  for (reed_session_t *s = m->s_first; s; s = s->all_next) {
    reed__person_t *p = s->p;

    if (p->gone || p->account[0] == '\0')
      continue;
    reed_casefold(pf, p->account, sizeof(pf));
    if (strcmp(pf, fold) != 0)
      continue;
    kill_person(m, p, NULL, why);
    n++;
  }
  reed__op_end(m);
  return (int)n;
}

int
reed_model_reserve_nick(reed_model_t *m, const char *nick)
{
  char fold[REED_NICK_MAX + 1];

  if (!reed_nick_valid(nick))
    return REED_EBADNICK;
  reed_casefold(fold, nick, sizeof(fold));
  for (size_t i = 0; i < m->n_reserved; i++)
    if (strcmp(m->reserved[i], fold) == 0)
      return 0;
  if (m->n_reserved == REED_ARRAY_SIZE(m->reserved))
    return REED_ELIMIT;
  memcpy(m->reserved[m->n_reserved++], fold, sizeof(fold));
  return 0;
}
