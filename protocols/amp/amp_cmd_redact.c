/* Redact (docs/amp.md): removes a message through the model's redaction
 * (reed_redact), the one IRC's REDACT and XMPP's retraction and
 * moderation use, so IRC, XMPP and AMP members see it gone. `room` names a
 * room this connection joined, `user` a private conversation (a nick, or
 * an account with an online session); exactly one of them. The model
 * decides who may: the sender, a room operator, a server operator. */
#include "amp_int.h"

#include <stdlib.h>
#include <string.h>

void reed__amp_cmd_redact(reed_amp_core_t *c, const amp_argv_t *a);

/* A message id as every protocol shows it: decimal, not 0. */
static uint64_t
parse_id(const char *s)
{
  char *end;
  unsigned long long v;

  if (s[0] < '1' || s[0] > '9')
    return 0;
  v = strtoull(s, &end, 10);
  return *end == '\0' ? (uint64_t)v : 0;
}

/* A private conversation's peer: a nick online, else an account's nick. */
static bool
peer_nick(reed_amp_core_t *c, const char *user, char *nick, size_t n)
{
  reed_person_view_t pv;

  if (reed_model_find_nick(c->env->model, user, &pv) != 0 &&
      reed_model_find_account(c->env->model, user, &pv) != 0)
    return false;
  reed_strlcpy(nick, pv.who.nick, n);
  return true;
}

static int
joined(reed_amp_core_t *c, const char *room)
{
  reed_room_t *r = reed_room_find(c->env->model, room);

  if (r == NULL)
    return REED_ENOSUCHROOM;
  return reed_room_has_session(r, c->session) ? 0 : REED_ENOTMEMBER;
}

void
reed__amp_cmd_redact(reed_amp_core_t *c, const amp_argv_t *a)
{
  char target[REED_NICK_MAX + REED_ROOM_MAX + 1];
  const char *reason = a->set[3] ? a->s[3] : NULL;
  uint64_t id = parse_id(a->s[2]);
  int rc;

  if (a->set[0] == a->set[1] || id == 0) {
    reed__amp_error(c, "BAD_REQUEST",
                    "give a decimal id and one of room or user");
    return;
  }
  if (a->set[0])
    reed_strlcpy(target, a->s[0], sizeof(target));
  else if (!peer_nick(c, a->s[1], target, sizeof(target))) {
    /* An account nobody is on with: the conversation kept under its
     * name (its XMPP clients get the redaction when they come back). */
    rc = reed_redact_account(c->session, a->s[1], id, reason);
    if (rc == REED_ENOACCOUNT)
      reed__amp_error(c, "NO_SUCH_USER", "no such nick or account online");
    else if (rc < 0)
      reed__amp_error_code(c, rc);
    else
      reed__amp_answer_empty(c);
    return;
  }
  if (a->set[0] && (rc = joined(c, target)) != 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  rc = reed_redact(c->session, target, id, reason);
  if (rc < 0)
    reed__amp_error_code(c, rc);
  else
    reed__amp_answer_empty(c);
}
