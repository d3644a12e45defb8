/* Operator announcements (IRC WALLOPS): one operator's text to every
 * session that asked for them, whatever its protocol. */
#include "model_int.h"

#include <string.h>

void
reed_session_set_announcements(reed_session_t *s, bool on)
{
  s->announcements = on;
}

bool
reed_session_announcements(const reed_session_t *s)
{
  return s->announcements;
}

static bool
text_ok(const char *text, size_t n)
{
  return n > 0 && n <= REED_REASON_MAX && reed__text_clean(text, n);
}

/* To `s` (the sender, or NULL) and every session that asked. */
static void
fan_out(reed_model_t *m, reed_session_t *s, reed_event_t *ev)
{
  reed_fmt_cache_t cache;

  ev->ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, ev, &cache);
  if (s != NULL)
    reed__send(m, s, ev);
  for (reed_session_t *o = m->s_first; o != NULL; o = o->all_next)
    if (o->announcements)
      reed__send(m, o, ev);
  reed__fan_end(m, &cache);
}

int
reed_model_announce(reed_session_t *s, const char *text)
{
  reed_event_t ev = {.kind = REED_EV_ANNOUNCE};
  size_t n = text != NULL ? strlen(text) : 0;

  if (!s->oper)
    return REED_ENOPRIV;
  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  if (!text_ok(text, n))
    return REED_EBADTEXT;
  reed__actor(s, &ev.from);
  ev.text = text;
  ev.text_len = n;
  fan_out(s->m, s, &ev);
  return 0;
}

int
reed_model_announce_server(reed_model_t *m, const char *text)
{
  reed_event_t ev = {.kind = REED_EV_ANNOUNCE};
  size_t n = text != NULL ? strlen(text) : 0;

  if (!text_ok(text, n))
    return REED_EBADTEXT;
  ev.text = text;
  ev.text_len = n;
  fan_out(m, NULL, &ev);
  return 0;
}
