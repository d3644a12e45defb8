/* draft/read-marker: MARKREAD <target> [timestamp=...] gets or moves the
 * account's read marker for a channel or a nick (kept by the model, stored
 * for accounts, shared by every session of the account in any protocol),
 * and the MARKREAD line this session's marker makes: the answer and the
 * one after a JOIN's names. The model's READ_MARKER event is rendered in
 * irc_fmt.c. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

static void
fail(reed_irc_core_t *c, const char *code, const char *args, const char *text)
{
  reed__irc_send(c, ":%s FAIL MARKREAD %s %s%s:%s", IRC_SERVER(c), code, args,
                 args[0] ? " " : "", text);
}

void
reed__irc_send_markread(reed_irc_core_t *c, const char *target, bool is_room)
{
  char v[80];

  reed__irc_marker_str(reed_read_marker_get(c->session, target, is_room), v,
                       sizeof(v));
  reed__irc_send(c, ":%s MARKREAD %s%s %s", IRC_SERVER(c), is_room ? "#" : "",
                 target, v);
}

/* The model's name for an IRC target: a room without its '#', or a nick. */
static const char *
model_target(const char *target, bool *is_room)
{
  const char *room = reed__irc_room_of(target);

  *is_room = room != NULL;
  if (room != NULL)
    return room;
  return reed_nick_valid(target) ? target : NULL;
}

static void
markread_set(reed_irc_core_t *c, const char *target, bool is_room,
             const char *param, const char *shown)
{
  uint64_t id, ts, now = c->clock->wall_ms(c->clock->c), before, after = 0;
  char args[REED_IRC_LINE_MAX];

  if (!reed__irc_parse_ref(param, false, &id, &ts) || id != 0 || ts == 0) {
    snprintf(args, sizeof(args), "%.64s %.100s", shown, param);
    fail(c, "INVALID_PARAMS", args, "Invalid timestamp");
    return;
  }
  if (ts > now)
    ts = now; /* nobody has read a message from the future */
  before = reed_read_marker_get(c->session, target, is_room);
  if (reed_read_marker_set(c->session, target, is_room, ts, &after) < 0) {
    fail(c, "INTERNAL_ERROR", shown, "The read timestamp could not be set");
    return;
  }
  /* A marker that moved reached this session as READ_MARKER already. */
  if (after == before || !(c->caps & IRC_CAP_READ_MARKER))
    reed__irc_send_markread(c, target, is_room);
}

void
reed__irc_cmd_markread(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *target;
  bool is_room;

  if (m->n_params < 1 || m->params[0][0] == '\0') {
    fail(c, "NEED_MORE_PARAMS", "", "Missing parameters");
    return;
  }
  if ((target = model_target(m->params[0], &is_room)) == NULL) {
    char args[80];
    snprintf(args, sizeof(args), "%.64s", m->params[0]);
    fail(c, "INVALID_PARAMS", args, "Invalid target");
    return;
  }
  if (m->n_params < 2)
    reed__irc_send_markread(c, target, is_room);
  else
    markread_set(c, target, is_room, m->params[1], m->params[0]);
}
