/* Topics: set by a joined session, by ops only under topic lock; a server
 * operator overrides both. */
#include "model_int.h"

static int
topic_check(const char *topic)
{
  size_t n = topic ? strlen(topic) : 0;

  if (n > REED_TOPIC_MAX || !reed__text_clean(topic ? topic : "", n))
    return REED_EBADTOPIC;
  return 0;
}

int
reed_room_set_topic(reed_session_t *s, const char *room, const char *topic)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed_event_t ev = {.kind = REED_EV_TOPIC};
  char *by;
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (!reed__can_override(s)) {
    if (reed__join_of(r, s) == NULL)
      return REED_ENOTMEMBER;
    if (r->topic_lock && !reed__op_rights(r, s->p))
      return REED_ENOPRIV;
  }
  if ((rc = topic_check(topic)) != 0)
    return rc;
  if ((by = reed_strdup(s->p->nick)) == NULL)
    return REED_ENOMEM;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.text = topic ? topic : "";
  ev.text_len = strlen(ev.text);
  if ((rc = reed__sequence(m, &ev)) != 0) {
    reed_free(by);
    return rc;
  }
  r->has_topic = ev.text_len > 0;
  reed_strlcpy(r->topic, ev.text, sizeof(r->topic));
  reed_free(r->topic_by);
  r->topic_by = by;
  r->topic_ms = ev.ts_ms;
  ev.text = r->topic;
  reed__observe(m, &ev);
  reed_fmt_cache_t cache;
  reed__fan_begin(m, &ev, &cache);
  reed__send_room(m, r, &ev);
  reed__fan_end(m, &cache);
  return 0;
}
