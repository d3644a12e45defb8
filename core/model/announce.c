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

int
reed_model_announce(reed_session_t *s, const char *text)
{
  reed_model_t *m = s->m;
  reed_event_t ev = {.kind = REED_EV_ANNOUNCE};
  reed_fmt_cache_t cache;
  size_t n = text != NULL ? strlen(text) : 0;

  if (!s->oper)
    return REED_ENOPRIV;
  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  if (n == 0 || n > REED_REASON_MAX || !reed__text_clean(text, n))
    return REED_EBADTEXT;
  reed__actor(s, &ev.from);
  ev.text = text;
  ev.text_len = n;
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  reed__fan_begin(m, &ev, &cache);
  reed__send(m, s, &ev);
  for (reed_session_t *o = m->s_first; o != NULL; o = o->all_next)
    if (o->announcements)
      reed__send(m, o, &ev);
  reed__fan_end(m, &cache);
  return 0;
}
