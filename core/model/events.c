/* Events: the sequencer seam, model observers, and the fan-out with its
 * per-fan-out format cache. A fan-out marks each recipient with the current
 * generation, so a session reached through several rooms gets one event and
 * the cost stays O(recipients). */
#include "model_int.h"

void
reed__actor(const reed_session_t *s, reed_actor_t *a)
{
  const reed__person_t *p = s->p;

  *a = (reed_actor_t){
      .nick = p->nick[0] ? p->nick : NULL,
      .account = p->account[0] ? p->account : NULL,
      .origin = s->origin,
      .user = s->user,
      .host = s->host,
      .realname = s->realname,
      .bot = p->bot,
      .session_id = s->id,
  };
}

int
reed__sequence(reed_model_t *m, reed_event_t *ev)
{
  reed_change_t c = {.kind = (int)ev->kind};
  int rc = m->seq.order(m->seq.s, &c);

  if (rc != 0)
    return rc;
  ev->id = c.id;
  ev->ts_ms = c.ts_ms;
  if (c.id > m->last_id)
    m->last_id = c.id;
  return 0;
}

/* Observers removed during a dispatch leave a hole (on_change NULL) so the
 * indexes of the loop stay valid; the outermost dispatch compacts. The
 * count is read once, so observers added meanwhile wait for the next
 * change. */
static void
compact_observers(reed_model_t *m)
{
  size_t n = 0;

  for (size_t i = 0; i < m->n_observers; i++)
    if (m->observers[i].on_change != NULL)
      m->observers[n++] = m->observers[i];
  m->n_observers = n;
  m->observer_holes = false;
}

void
reed__observe(reed_model_t *m, const reed_event_t *ev)
{
  size_t n = m->n_observers;

  m->observing++;
  for (size_t i = 0; i < n; i++)
    if (m->observers[i].on_change != NULL)
      m->observers[i].on_change(m->observers[i].ud, ev);
  if (--m->observing == 0 && m->observer_holes)
    compact_observers(m);
}

int
reed_model_add_observer(reed_model_t *m, const reed_model_observer_t *o)
{
  if (m == NULL || o == NULL || o->on_change == NULL)
    return REED_EINVAL;
  if (m->n_observers == REED__OBSERVERS && m->observer_holes &&
      m->observing == 0)
    compact_observers(m);
  if (m->n_observers == REED__OBSERVERS)
    return REED_ELIMIT;
  m->observers[m->n_observers++] = *o;
  return 0;
}

int
reed_model_remove_observer(reed_model_t *m, const reed_model_observer_t *o)
{
  if (m == NULL || o == NULL || o->on_change == NULL)
    return REED_EINVAL;
  for (size_t i = 0; i < m->n_observers; i++) {
    reed_model_observer_t *x = &m->observers[i];
    if (x->on_change != o->on_change || x->ud != o->ud)
      continue;
    x->on_change = NULL;
    m->observer_holes = true;
    if (m->observing == 0)
      compact_observers(m);
    return 0;
  }
  return REED_ENOTFOUND;
}

/* Tells the observers that want to know that the model is going away. */
void
reed__observers_model_free(reed_model_t *m)
{
  for (size_t i = 0; i < m->n_observers; i++)
    if (m->observers[i].on_change != NULL &&
        m->observers[i].on_model_free != NULL)
      m->observers[i].on_model_free(m->observers[i].ud);
  m->n_observers = 0;
}

void
reed__fan_begin(reed_model_t *m, reed_event_t *ev, reed_fmt_cache_t *cache)
{
  m->depth++;
  m->mark_gen++;
  cache->n = 0;
  ev->cache = cache;
}

/* Runs the quits that listeners asked for during a fan-out. */
void
reed__run_deferred(reed_model_t *m)
{
  if (m->running_deferred)
    return; /* the outer loop picks up what this quit queued */
  m->running_deferred = true;
  while (m->dying != NULL && m->depth == 0) {
    reed_session_t *s = m->dying;
    m->dying = s->pending_next;
    reed__session_do_quit(s, s->quit_reason);
  }
  m->running_deferred = false;
}

void
reed__op_begin(reed_model_t *m)
{
  m->depth++;
}

void
reed__op_end(reed_model_t *m)
{
  m->depth--;
  reed__run_deferred(m);
}

void
reed__fan_end(reed_model_t *m, reed_fmt_cache_t *cache)
{
  for (size_t i = 0; i < cache->n; i++)
    reed_buf_unref(cache->e[i].buf);
  cache->n = 0;
  m->depth--;
  reed__run_deferred(m);
}

void
reed__send(reed_model_t *m, reed_session_t *s, const reed_event_t *ev)
{
  if (s->dead || s->mark == m->mark_gen)
    return;
  s->mark = m->mark_gen;
  if (s->listener != NULL && s->listener->on_event != NULL)
    s->listener->on_event(s->ud, s, ev);
}

void
reed__send_echo(reed_model_t *m, reed_session_t *s, const reed_event_t *ev,
                const char *label)
{
  reed_event_t echo = *ev;

  echo.echo = true;
  echo.label = label;
  if (label != NULL)
    echo.cache = NULL; /* a labelled line is this session's alone */
  reed__send(m, s, &echo);
}

/* Fetches ahead along member -> join -> session -> listener data, one
 * step of the chain per distance, so that a big room's cache misses
 * overlap instead of following each other. (A macro, not a function: GCC
 * finds such a function free of side effects and drops the call.) */
#define PREFETCH_MEMBER(r, i)                                                  \
  do {                                                                         \
    const reed__member_t *ahead_;                                              \
    if ((i) + 8 < (r)->n_members)                                              \
      REED__PREFETCH((r)->mems[(i) + 8]);                                      \
    if ((i) + 6 < (r)->n_members)                                              \
      REED__PREFETCH((r)->mems[(i) + 6]->j_first);                             \
    if ((i) + 4 < (r)->n_members &&                                            \
        (ahead_ = (r)->mems[(i) + 4])->j_first != NULL)                        \
      REED__PREFETCH(ahead_->j_first->s);                                      \
    if ((i) + 2 < (r)->n_members &&                                            \
        (ahead_ = (r)->mems[(i) + 2])->j_first != NULL)                        \
      REED__PREFETCH(ahead_->j_first->s->ud);                                  \
  } while (0)

void
reed__send_room(reed_model_t *m, reed_room_t *r, const reed_event_t *ev)
{
  /* Listeners only queue output: membership cannot change meanwhile. */
  for (size_t i = 0; i < r->n_members; i++) {
    PREFETCH_MEMBER(r, i);
    for (reed__join_t *j = r->mems[i]->j_first; j; j = j->m_next)
      reed__send(m, j->s, ev);
  }
}

void
reed__send_person(reed_model_t *m, reed__person_t *p, const reed_event_t *ev)
{
  for (reed_session_t *s = p->s_first; s; s = s->p_next)
    reed__send(m, s, ev);
}

void
reed__send_sharing(reed_model_t *m, reed__person_t *p, const reed_event_t *ev)
{
  for (reed__member_t *mem = p->mem_first; mem; mem = mem->p_next)
    reed__send_room(m, mem->room, ev);
  reed__send_person(m, p, ev);
}

int
reed__emit_room(reed_model_t *m, reed_room_t *r, reed_event_t *ev)
{
  reed_fmt_cache_t cache;
  int rc = reed__sequence(m, ev);

  if (rc != 0)
    return rc;
  reed__observe(m, ev);
  reed__fan_begin(m, ev, &cache);
  reed__send_room(m, r, ev);
  reed__fan_end(m, &cache);
  return 0;
}

void
reed__emit_sharing(reed_model_t *m, reed__person_t *p, reed_event_t *ev,
                   bool watchers)
{
  reed_fmt_cache_t cache;

  if (ev->ts_ms == 0)
    ev->ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, ev, &cache);
  reed__send_sharing(m, p, ev);
  if (watchers && p->nick[0] != '\0')
    reed__watch_send(m, p->fold, ev);
  reed__fan_end(m, &cache);
}

/* The cache's slot of (owner, form), or -1. */
static int
cache_find(const reed_fmt_cache_t *c, const void *owner, uint32_t form)
{
  for (size_t i = 0; i < c->n; i++)
    if (c->e[i].form == form && c->e[i].owner == owner)
      return (int)i;
  return -1;
}

static reed_buf_t *
cache_get(const reed_event_t *ev, const void *owner, uint32_t form)
{
  reed_fmt_cache_t *c = ev ? ev->cache : NULL;
  int i = c != NULL ? cache_find(c, owner, form) : -1;

  return i >= 0 ? reed_buf_ref(c->e[i].buf) : NULL;
}

static void
cache_put(const reed_event_t *ev, const void *owner, uint32_t form,
          reed_buf_t *buf)
{
  reed_fmt_cache_t *c = ev ? ev->cache : NULL;

  if (buf == NULL)
    return;
  if (c == NULL || c->n == REED__FORMS || cache_find(c, owner, form) >= 0) {
    reed_buf_unref(buf);
    return;
  }
  c->e[c->n].owner = owner;
  c->e[c->n].form = form;
  c->e[c->n].buf = buf;
  c->n++;
}

reed_buf_t *
reed_event_cache_get(const reed_event_t *ev, uint32_t form)
{
  return cache_get(ev, NULL, form);
}

void
reed_event_cache_put(const reed_event_t *ev, uint32_t form, reed_buf_t *buf)
{
  cache_put(ev, NULL, form, buf);
}

/* The first listener of a form formats; kept out of reed_event_render so
 * that the hit, which every other recipient of a fan-out takes, saves no
 * registers and makes no call but the reference. */
static reed_buf_t *__attribute__((noinline))
render_miss(const reed_event_t *ev, reed_form_t form, reed_event_fmt_cb fmt,
            void *ctx)
{
  reed_buf_t *b = fmt(ctx, ev);

  if (b != NULL)
    cache_put(ev, form.owner, form.variant, reed_buf_ref(b));
  return b;
}

reed_buf_t *
reed_event_render(const reed_event_t *ev, reed_form_t form,
                  reed_event_fmt_cb fmt, void *ctx)
{
  const reed_fmt_cache_t *c = ev != NULL ? ev->cache : NULL;

  for (size_t i = 0; c != NULL && i < c->n; i++)
    if (c->e[i].form == form.variant && c->e[i].owner == form.owner)
      return reed_buf_ref(c->e[i].buf);
  return render_miss(ev, form, fmt, ctx);
}
