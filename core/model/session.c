/* Sessions and persons: creation, quit, kill, login and the per-session and
 * per-person attributes (realname, host, away, bot, oper). */
#include "model_int.h"

#include <stdio.h>
#include <string.h>

reed__person_t *
reed__person_new(reed_model_t *m)
{
  reed__person_t *p = reed_calloc(1, sizeof(*p));

  if (p == NULL)
    return NULL;
  p->m = m;
  p->signon_ms = m->clock->wall_ms(m->clock->c);
  p->idle_ms = p->signon_ms;
  m->n_persons++;
  m->n_guests++; /* no account yet */
  return p;
}

void
reed__person_free(reed__person_t *p)
{
  if (p->nick[0] != '\0')
    reed__map_del(&p->m->nicks, p->fold);
  p->m->n_persons--;
  if (p->account[0] == '\0')
    p->m->n_guests--;
  reed_free(p->away);
  reed_free(p);
}

void
reed__person_add_session(reed__person_t *p, reed_session_t *s)
{
  s->p = p;
  REED__DL_APPEND(p->s_first, p->s_last, s, p_prev, p_next);
  p->n_sessions++;
}

void
reed__person_remove_session(reed__person_t *p, reed_session_t *s)
{
  REED__DL_UNLINK(p->s_first, p->s_last, s, p_prev, p_next);
  p->n_sessions--;
}

void
reed__person_guest_floor(reed__person_t *p)
{
  if (p->account[0] == '\0')
    p->hist_floor = p->m->last_id;
}

void
reed__person_hkey(const reed__person_t *p, char *out, size_t size)
{
  char fold[REED_NICK_MAX + 1];

  if (p->account[0] != '\0') {
    reed_casefold(fold, p->account, sizeof(fold));
    snprintf(out, size, "a:%s", fold);
  } else {
    snprintf(out, size, "n:%s", p->fold);
  }
}

static bool
info_valid(const reed_session_info_t *info)
{
  if (info == NULL || info->origin == NULL)
    return false;
  if (info->user && !reed__field_valid(info->user, REED__FIELD_MAX))
    return false;
  if (info->host && !reed__field_valid(info->host, REED__FIELD_MAX))
    return false;
  if (info->ip && !reed__field_valid(info->ip, REED__FIELD_MAX))
    return false;
  return info->realname == NULL ||
         (strlen(info->realname) <= REED_REASON_MAX &&
          reed__text_clean(info->realname, strlen(info->realname)));
}

static void
strings_free(reed_session_t *s)
{
  reed_free(s->user); /* the block of all four */
  reed_free(s->quit_reason);
}

char *
reed__session_strings_adopt(reed_session_t *s, char *block)
{
  char *old = s->user;

  s->user = block;
  s->host = s->user + strlen(s->user) + 1;
  s->ip = s->host + strlen(s->host) + 1;
  s->realname = s->ip + strlen(s->ip) + 1;
  return old;
}

char *
reed__session_strings(reed_session_t *s, const char *user, const char *host,
                      const char *ip, const char *realname, int *err)
{
  const char *src[4] = {user, host, ip, realname};
  size_t len[4], total = 0;
  char *block, *at;

  for (int i = 0; i < 4; i++)
    total += (len[i] = strlen(src[i])) + 1;
  if ((block = reed_malloc(total)) == NULL) {
    *err = REED_ENOMEM;
    return NULL;
  }
  at = block;
  for (int i = 0; i < 4; i++) {
    memcpy(at, src[i], len[i] + 1);
    at += len[i] + 1;
  }
  *err = 0;
  return reed__session_strings_adopt(s, block);
}

static int
strings_copy(reed_session_t *s, const reed_session_info_t *info)
{
  int err;

  reed__session_strings(s, info->user ? info->user : "unknown",
                        info->host ? info->host : "unknown",
                        info->ip ? info->ip : "0.0.0.0",
                        info->realname ? info->realname : "", &err);
  return err;
}

static void
link_session(reed_model_t *m, reed_session_t *s)
{
  REED__DL_APPEND(m->s_first, m->s_last, s, all_prev, all_next);
  m->n_sessions++;
}

int
reed_session_new(reed_model_t *m, const reed_session_info_t *info,
                 reed_session_t **out)
{
  reed_session_t *s;
  reed__person_t *p = NULL;

  *out = NULL;
  if (!info_valid(info))
    return REED_EINVAL;
  s = reed_calloc(1, sizeof(*s));
  if (s == NULL)
    return REED_ENOMEM;
  s->m = m;
  if (strings_copy(s, info) != 0 || (p = reed__person_new(m)) == NULL)
    goto fail;
  s->id = ++m->next_session_id;
  snprintf(s->idkey, sizeof(s->idkey), "%llu", (unsigned long long)s->id);
  if (reed__map_put(&m->sessions, s->idkey, s) != 0)
    goto fail;
  s->origin = info->origin;
  s->origin_ix = reed__origin_slot(m, info->origin);
  m->origin_sessions[s->origin_ix]++;
  s->listener = info->listener;
  s->ud = info->ud;
  reed__person_add_session(p, s);
  link_session(m, s);
  *out = s;
  return 0;
fail:
  if (p != NULL)
    reed__person_free(p);
  strings_free(s);
  reed_free(s);
  return REED_ENOMEM;
}

/* Frees a session that is in no room (or during teardown). */
void
reed__session_free(reed_session_t *s)
{
  reed_model_t *m = s->m;
  reed__person_t *p = s->p;

  reed__map_del(&m->sessions, s->idkey);
  reed__read_markers_forget_session(s);
  reed__watch_session_free(s);
  REED__DL_UNLINK(m->s_first, m->s_last, s, all_prev, all_next);
  m->n_sessions--;
  m->origin_sessions[s->origin_ix]--;
  if (s->oper)
    m->n_opers--;
  reed__person_remove_session(p, s);
  if (p->n_sessions == 0)
    reed__person_free(p);
  strings_free(s);
  reed_free(s);
}

/* PART to rooms where this session was the person's last join while the
 * person stays online; the session itself is already dead. */
static void
part_rooms(reed_session_t *s, const char *reason)
{
  for (reed__join_t *j = s->j_first; j; j = j->s_next) {
    reed_event_t ev = {
        .kind = REED_EV_PART, .text = reason, .u.part.quitting = true};
    if (j->mem->n_joins != 1)
      continue;
    ev.room = j->mem->room->name;
    ev.text_len = reason ? strlen(reason) : 0;
    reed__actor(s, &ev.from);
    reed__emit_room(s->m, j->mem->room, &ev);
  }
}

void
reed__quit_person(reed_session_t *s, const char *reason)
{
  reed_model_t *m = s->m;
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_QUIT, .text = reason};

  ev.text_len = strlen(reason);
  reed__actor(s, &ev.from);
  if (reed__sequence(m, &ev) != 0)
    return; /* a quit cannot be refused: it just goes unrecorded */
  reed__observe(m, &ev);
  reed__fan_begin(m, &ev, &cache);
  reed__send_sharing(m, s->p, &ev);
  reed__fan_end(m, &cache);
}

void
reed__session_do_quit(reed_session_t *s, const char *reason)
{
  char why[REED_REASON_MAX + 1];
  reed_model_t *m = s->m;

  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    why[0] = '\0';
  s->dead = true;
  s->m->depth++; /* listeners' quits wait until this one is done */
  if (s->p->gone)
    ; /* killed: the person's QUIT has been sent */
  else if (s->p->n_sessions > 1)
    part_rooms(s, why);
  else if (s->p->nick[0] != '\0')
    reed__quit_person(s, why);
  while (s->j_first != NULL)
    reed__join_remove(s->j_first);
  if (s->p->n_sessions == 1 && s->p->nick[0] != '\0')
    reed__nick_gone(s, s->p->nick); /* the person goes with this session */
  s->m->depth--;
  reed__session_free(s);
  reed__run_deferred(m);
}

void
reed__session_defer_quit(reed_session_t *s, const char *reason)
{
  reed_session_t **pp = &s->m->dying;

  if (s->queued)
    return;
  s->queued = true;
  s->dead = true;
  s->quit_reason = reed__strdup0(reason);
  while (*pp != NULL)
    pp = &(*pp)->pending_next;
  *pp = s;
}

void
reed_session_quit(reed_session_t *s, const char *reason)
{
  if (s == NULL || s->queued || s->dead)
    return;
  if (s->m->depth > 0)
    reed__session_defer_quit(s, reason);
  else
    reed__session_do_quit(s, reason);
}

uint64_t
reed_session_id(const reed_session_t *s)
{
  return s->id;
}

reed_session_t *
reed_model_session_by_id(reed_model_t *m, uint64_t id)
{
  char key[24];

  snprintf(key, sizeof(key), "%llu", (unsigned long long)id);
  return reed__map_get(&m->sessions, key);
}

const char *
reed_session_nick(const reed_session_t *s)
{
  return s->p->nick[0] ? s->p->nick : NULL;
}

const char *
reed_session_account(const reed_session_t *s)
{
  return s->p->account[0] ? s->p->account : NULL;
}

const char *
reed_session_user(const reed_session_t *s)
{
  return s->user;
}

const char *
reed_session_host(const reed_session_t *s)
{
  return s->host;
}

void *
reed_session_ud(const reed_session_t *s)
{
  return s->ud;
}

void
reed_session_set_listener(reed_session_t *s,
                          const reed_session_listener_t *listener, void *ud)
{
  s->listener = listener;
  s->ud = ud;
}

void
reed_session_set_oper(reed_session_t *s, bool oper)
{
  if (s->oper != oper)
    s->m->n_opers += oper ? 1 : (size_t)-1;
  s->oper = oper;
}

void
reed_session_set_invisible(reed_session_t *s, bool on)
{
  s->invisible = on;
}

bool
reed_session_is_oper(const reed_session_t *s)
{
  return s->oper;
}

void
reed_session_set_copies(reed_session_t *s, bool on)
{
  s->copies = on;
}

int
reed_session_set_bot(reed_session_t *s, bool bot)
{
  s->p->bot = bot;
  return 0;
}

size_t
reed_model_sessions_of(const reed_model_t *m, const char *origin)
{
  size_t n = 0;

  for (const reed_session_t *s = m->s_first; s != NULL; s = s->all_next)
    if (!s->dead && strcmp(s->origin, origin) == 0)
      n++;
  return n;
}
