/* Presence watching (MONITOR): each session's bounded list of watched
 * nicks, indexed by folded nick so that a nick coming into or going out of
 * use reaches its watchers in O(watchers), and the PRESENCE events. */
#include "model_int.h"

static reed__watch_t *
find_own(const reed_session_t *s, const char *fold)
{
  for (reed__watch_t *w = s->w_first; w; w = w->s_next)
    if (strcmp(w->w->fold, fold) == 0)
      return w;
  return NULL;
}

/* The map entry for `fold`, made when missing; NULL on ENOMEM. */
static reed__watched_t *
watched_get(reed_model_t *m, const char *fold)
{
  reed__watched_t *wd = reed__map_get(&m->watched, fold);

  if (wd != NULL)
    return wd;
  wd = reed_calloc(1, sizeof(*wd));
  if (wd == NULL)
    return NULL;
  reed_strlcpy(wd->fold, fold, sizeof(wd->fold));
  if (reed__map_put(&m->watched, wd->fold, wd) != 0) {
    reed_free(wd);
    return NULL;
  }
  return wd;
}

int
reed_session_watch(reed_session_t *s, const char *nick)
{
  char fold[REED_NICK_MAX + 1];
  reed__watched_t *wd;
  reed__watch_t *w;

  if (nick == NULL || !reed_nick_valid(nick))
    return REED_EBADNICK;
  reed_casefold(fold, nick, sizeof(fold));
  if (find_own(s, fold) != NULL)
    return 0;
  if (s->n_watches >= s->m->max_watches)
    return REED_ELISTFULL;
  w = reed_calloc(1, sizeof(*w));
  if (w == NULL || (wd = watched_get(s->m, fold)) == NULL) {
    reed_free(w);
    return REED_ENOMEM;
  }
  *w = (reed__watch_t){.s = s, .w = wd};
  reed_strlcpy(w->nick, nick, sizeof(w->nick));
  REED__DL_APPEND(wd->first, wd->last, w, w_prev, w_next);
  REED__DL_APPEND(s->w_first, s->w_last, w, s_prev, s_next);
  s->n_watches++;
  return 0;
}

static void
watch_free(reed_model_t *m, reed__watch_t *w)
{
  reed__watched_t *wd = w->w;
  reed_session_t *s = w->s;

  REED__DL_UNLINK(wd->first, wd->last, w, w_prev, w_next);
  REED__DL_UNLINK(s->w_first, s->w_last, w, s_prev, s_next);
  s->n_watches--;
  reed_free(w);
  if (wd->first == NULL) {
    reed__map_del(&m->watched, wd->fold);
    reed_free(wd);
  }
}

int
reed_session_unwatch(reed_session_t *s, const char *nick)
{
  char fold[REED_NICK_MAX + 1];
  reed__watch_t *w;

  if (nick == NULL || !reed_nick_valid(nick))
    return REED_ENOTFOUND;
  reed_casefold(fold, nick, sizeof(fold));
  if ((w = find_own(s, fold)) == NULL)
    return REED_ENOTFOUND;
  watch_free(s->m, w);
  return 0;
}

void
reed_session_unwatch_all(reed_session_t *s)
{
  while (s->w_first != NULL)
    watch_free(s->m, s->w_first);
}

void
reed__watch_session_free(reed_session_t *s)
{
  reed_session_unwatch_all(s);
}

void
reed_session_each_watch(const reed_session_t *s,
                        void (*cb)(void *ud, const char *nick), void *ud)
{
  for (const reed__watch_t *w = s->w_first; w; w = w->s_next)
    cb(ud, w->nick);
}

size_t
reed_session_watch_count(const reed_session_t *s)
{
  return s->n_watches;
}

size_t
reed_model_watch_limit(const reed_model_t *m)
{
  return m->max_watches;
}

/* ---- Deliveries ------------------------------------------------------------
 */

void
reed__watch_send(reed_model_t *m, const char *fold, const reed_event_t *ev)
{
  reed__watched_t *wd = reed__map_get(&m->watched, fold);
  reed_event_t wev;

  if (wd == NULL)
    return;
  wev = *ev;
  wev.watch = true;
  /* Listeners never change watches (they do not call the model), so the
   * list holds still during the walk. */
  for (reed__watch_t *w = wd->first; w; w = w->w_next)
    reed__send(m, w->s, &wev);
}

/* PRESENCE about `nick` (held by s's person now, or until now) to the
 * watchers of its fold, in a fan-out of its own. */
static void
presence(reed_session_t *s, const char *nick, bool online)
{
  reed_model_t *m = s->m;
  char fold[REED_NICK_MAX + 1];
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_PRESENCE, .u.presence.online = online};

  reed_casefold(fold, nick, sizeof(fold));
  if (reed__map_get(&m->watched, fold) == NULL)
    return; /* nobody watches it: the common case costs one lookup */
  reed__actor(s, &ev.from);
  ev.from.nick = nick;
  ev.target = nick;
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, &ev, &cache);
  reed__watch_send(m, fold, &ev);
  reed__fan_end(m, &cache);
}

void
reed__nick_gone(reed_session_t *s, const char *nick)
{
  char held[REED_NICK_MAX + 1];

  reed_strlcpy(held, nick, sizeof(held)); /* nick may be p->nick */
  reed__nick_history_record(s, held);
  presence(s, held, false);
}

void
reed__nick_came(reed_session_t *s)
{
  presence(s, s->p->nick, true);
}
