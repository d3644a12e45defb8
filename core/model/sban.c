/* Server bans, the model's list: add (removing every matching session),
 * delete, list, and the check protocols make at connection, registration
 * and login. Expiry is on the model's wall clock; an expired ban is
 * dropped the next time the list is read. */
#include "model_int.h"

#include <stdio.h>
#include <string.h>

typedef struct reed__sban_s {
  int kind;
  char target[REED_SBAN_TARGET_MAX + 1];
  char *reason, *setter;
  uint64_t set_ms, expires_ms;
} reed__sban_t;

static void
entry_clear(reed__sban_t *e)
{
  reed_free(e->reason);
  reed_free(e->setter);
}

void
reed__sbans_free(reed_model_t *m)
{
  for (size_t i = 0; i < m->n_sbans; i++)
    entry_clear(&m->sbans[i]);
  reed_free(m->sbans);
  m->sbans = NULL;
  m->n_sbans = m->cap_sbans = 0;
}

static void
remove_at(reed_model_t *m, size_t i)
{
  entry_clear(&m->sbans[i]);
  memmove(&m->sbans[i], &m->sbans[i + 1],
          (m->n_sbans - i - 1) * sizeof(m->sbans[0]));
  m->n_sbans--;
}

static void
drop_expired(reed_model_t *m)
{
  uint64_t now = m->clock->wall_ms(m->clock->c);

  for (size_t i = 0; i < m->n_sbans;) {
    if (m->sbans[i].expires_ms != 0 && m->sbans[i].expires_ms <= now)
      remove_at(m, i);
    else
      i++;
  }
}

static reed__sban_t *
find_target(reed_model_t *m, const char *target)
{
  for (size_t i = 0; i < m->n_sbans; i++)
    if (reed_casecmp(m->sbans[i].target, target) == 0)
      return &m->sbans[i];
  return NULL;
}

static void
view_of(const reed__sban_t *e, reed_sban_view_t *v)
{
  *v = (reed_sban_view_t){.kind = e->kind,
                          .target = e->target,
                          .reason = e->reason,
                          .setter = e->setter,
                          .set_ms = e->set_ms,
                          .expires_ms = e->expires_ms};
}

static void
who_of(const reed_session_t *s, reed_sban_who_t *w)
{
  *w = (reed_sban_who_t){
      .nick = s->p->nick[0] != '\0' ? s->p->nick : NULL,
      .user = s->user,
      .host = s->host,
      .ip = s->ip,
      .account = s->p->account[0] != '\0' ? s->p->account : NULL,
  };
}

/* KILL from the server to this one session, then its quit (deferred to the
 * end of the caller's operation). */
static void
kill_session(reed_model_t *m, reed_session_t *s, const char *why)
{
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_KILL};

  ev.target = s->p->nick[0] != '\0' ? s->p->nick : NULL;
  ev.text = why;
  ev.text_len = strlen(why);
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, &ev, &cache);
  reed__send(m, s, &ev);
  reed__fan_end(m, &cache);
  reed__session_defer_quit(s, why);
}

static void
kill_matching(reed_model_t *m, const reed__sban_t *e)
{
  char why[REED_REASON_MAX + 1];
  reed_sban_who_t who;

  snprintf(why, sizeof(why), "Banned: %s",
           e->reason[0] != '\0' ? e->reason : "no reason given");
  reed__op_begin(m);
  for (reed_session_t *s = m->s_first; s != NULL; s = s->all_next) {
    if (s->dead || s->queued)
      continue;
    who_of(s, &who);
    if (reed_sban_matches(e->kind, e->target, &who))
      kill_session(m, s, why);
  }
  reed__op_end(m);
}

static int
entry_set(reed__sban_t *e, const reed_sban_view_t *ban, const char *reason)
{
  char *r = reed_strdup(reason), *by = reed_strdup(ban->setter);

  if (r == NULL || by == NULL) {
    reed_free(r);
    reed_free(by);
    return REED_ENOMEM;
  }
  entry_clear(e);
  e->reason = r;
  e->setter = by;
  e->set_ms = ban->set_ms;
  e->expires_ms = ban->expires_ms;
  return 0;
}

int
reed_model_sban_add(reed_model_t *m, const reed_sban_view_t *ban)
{
  char target[REED_SBAN_TARGET_MAX + 1], reason[REED_REASON_MAX + 1];
  reed__sban_t *e;
  int kind, rc;

  if (ban == NULL || ban->setter == NULL || ban->setter[0] == '\0' ||
      reed_sban_parse(ban->target, &kind, target, sizeof(target)) != 0 ||
      reed__reason_check(ban->reason, reason, sizeof(reason)) != 0)
    return REED_EINVAL;
  if (ban->reason == NULL)
    reason[0] = '\0';
  drop_expired(m);
  if ((e = find_target(m, target)) == NULL) {
    if (m->n_sbans == m->cap_sbans) {
      size_t cap = m->cap_sbans ? 2 * m->cap_sbans : 8;
      reed__sban_t *v = reed_calloc(cap, sizeof(*v));
      if (v == NULL)
        return REED_ENOMEM;
      if (m->n_sbans > 0)
        memcpy(v, m->sbans, m->n_sbans * sizeof(*v));
      reed_free(m->sbans);
      m->sbans = v;
      m->cap_sbans = cap;
    }
    e = &m->sbans[m->n_sbans];
    memset(e, 0, sizeof(*e));
    if ((rc = entry_set(e, ban, reason)) != 0)
      return rc;
    e->kind = kind;
    reed_strlcpy(e->target, target, sizeof(e->target));
    m->n_sbans++;
  } else if ((rc = entry_set(e, ban, reason)) != 0) {
    return rc;
  }
  if (e->expires_ms == 0 || e->expires_ms > m->clock->wall_ms(m->clock->c))
    kill_matching(m, e);
  return 0;
}

int
reed_model_sban_del(reed_model_t *m, const char *target)
{
  char canon[REED_SBAN_TARGET_MAX + 1];
  reed__sban_t *e;
  int kind;

  if (reed_sban_parse(target, &kind, canon, sizeof(canon)) != 0)
    return REED_EINVAL;
  if ((e = find_target(m, canon)) == NULL)
    return REED_ENOTFOUND;
  remove_at(m, (size_t)(e - m->sbans));
  return 0;
}

void
reed_model_sban_each(reed_model_t *m,
                     void (*cb)(void *ud, const reed_sban_view_t *b), void *ud)
{
  reed_sban_view_t v;

  drop_expired(m);
  for (size_t i = 0; i < m->n_sbans; i++) {
    view_of(&m->sbans[i], &v);
    cb(ud, &v);
  }
}

size_t
reed_model_sban_count(reed_model_t *m)
{
  drop_expired(m);
  return m->n_sbans;
}

bool
reed_model_sban_find(reed_model_t *m, const reed_sban_who_t *who,
                     reed_sban_view_t *out)
{
  drop_expired(m);
  for (size_t i = 0; i < m->n_sbans; i++) {
    if (reed_sban_matches(m->sbans[i].kind, m->sbans[i].target, who)) {
      view_of(&m->sbans[i], out);
      return true;
    }
  }
  return false;
}

bool
reed_session_sban(reed_session_t *s, reed_sban_view_t *out)
{
  reed_sban_who_t who;

  who_of(s, &who);
  return reed_model_sban_find(s->m, &who, out);
}
