/* Counters by session origin, pulled by the host for its metrics: sessions
 * open, messages accepted and deliveries, each per origin. Every count is
 * O(1) where it happens; a room's fan-out adds its deliveries once from
 * the room's joined sessions per origin rather than once per recipient. */
#include "model_int.h"

#include <string.h>

uint8_t
reed__origin_slot(reed_model_t *m, const char *origin)
{
  size_t i;

  for (i = 0; i < m->n_origins; i++)
    if (m->origins[i] == origin || strcmp(m->origins[i], origin) == 0)
      return (uint8_t)i;
  if (m->n_origins == REED__ORIGINS - 1) {
    m->origins[REED__ORIGINS - 1] = "other";
    m->n_origins = REED__ORIGINS;
    return REED__ORIGINS - 1;
  }
  if (i == REED__ORIGINS)
    return REED__ORIGINS - 1;
  m->origins[m->n_origins++] = origin;
  return (uint8_t)i;
}

void
reed__count_delivery(reed_model_t *m, const reed_session_t *s,
                     const reed_event_t *ev)
{
  if (ev->kind == REED_EV_MESSAGE && !ev->echo)
    m->origin_deliveries[s->origin_ix]++;
}

void
reed__count_room_deliveries(reed_model_t *m, const reed_room_t *r,
                            const reed_session_t *sender)
{
  for (size_t i = 0; i < m->n_origins; i++)
    m->origin_deliveries[i] += r->joins_by_origin[i];
  if (reed__join_of(r, sender) != NULL)
    m->origin_deliveries[sender->origin_ix]--;
}

size_t
reed_model_origins(const reed_model_t *m,
                   reed_model_origin_t out[REED_MODEL_ORIGINS])
{
  for (size_t i = 0; i < m->n_origins; i++)
    out[i] = (reed_model_origin_t){
        .origin = m->origins[i],
        .sessions = m->origin_sessions[i],
        .messages = m->origin_messages[i],
        .deliveries = m->origin_deliveries[i],
    };
  return m->n_origins;
}
