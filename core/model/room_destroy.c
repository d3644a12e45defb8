/* Destroying a room (XEP-0045 10.9 and its counterparts): every member is
 * removed with a KICK that says so (u.kick.destroy, the reason and an
 * alternate venue), delivered to that member alone (each learns it is out;
 * nobody needs the others' departures from a room that ends), then the
 * room is unregistered, so it forgets its settings, lists, topic and
 * affiliations now that it is empty; its history stays, as for any
 * emptied room. */
#include "model_int.h"

#include <string.h>

static bool
may_destroy(const reed_session_t *s, const reed_room_t *r)
{
  if (reed__can_override(s) || reed__aff_of(r, s->p) == REED_AFF_OWNER)
    return true;
  /* A room nobody owns: its operators, who configure it too. */
  return !reed_room_registered(r) && reed__op_rights(r, s->p);
}

static bool
venue_valid(const char *v)
{
  size_t n = 0;

  for (; v != NULL && v[n] != '\0'; n++)
    if ((unsigned char)v[n] <= ' ' || v[n] == 0x7f)
      return false;
  return n <= 255;
}

/* One member out: its joined sessions get the KICK. */
static int
remove_member(reed_session_t *s, reed_room_t *r, reed__member_t *mem,
              const char *why, const char *venue)
{
  reed_model_t *m = s->m;
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_KICK};
  int rc;

  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.target = mem->p->nick;
  ev.text = why;
  ev.text_len = strlen(why);
  ev.u.kick.destroy = true;
  ev.u.kick.venue = venue != NULL && venue[0] != '\0' ? venue : NULL;
  if ((rc = reed__sequence(m, &ev)) != 0)
    return rc;
  reed__observe(m, &ev);
  reed__fan_begin(m, &ev, &cache);
  for (reed__join_t *j = mem->j_first; j != NULL; j = j->m_next)
    reed__send(m, j->s, &ev);
  reed__fan_end(m, &cache);
  reed__member_remove(mem);
  return 0;
}

int
reed_room_destroy(reed_session_t *s, const char *room, const char *reason,
                  const char *venue)
{
  reed_model_t *m = s->m;
  char why[REED_REASON_MAX + 1], name[REED_ROOM_MAX + 1];
  reed_room_t *r;
  int rc;

  if ((rc = reed__room_fetch(m, room, &r)) != 0)
    return rc;
  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (!may_destroy(s, r))
    return REED_ENOPRIV;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  if (!venue_valid(venue))
    return REED_EINVAL;
  reed_strlcpy(name, r->name, sizeof(name));
  reed__op_begin(m);
  /* Counted first: the last removal may let the room go (dormant state
   * evicted), so r is not read after it. */
  for (size_t left = r->n_members; rc == 0 && left > 0; left--)
    rc = remove_member(s, r, r->mem_first, why, venue);
  reed__op_end(m);
  if (rc != 0)
    return rc;
  /* Empty now (dormant while registered): owners, admins and members go,
   * and with the last owner the room forgets everything else. */
  if ((r = reed_room_lookup(m, name)) != NULL && reed_room_registered(r))
    rc = reed_room_unregister(s, name);
  return rc;
}
