/* Room and message commands: Join, Leave, Say, Tell, SetTopic, Ban, Unban.
 * Each checks the calling session's own join where docs/amp.md says so, then
 * asks the
 * model, whose result code maps through one table (amp_fmt.c). */
#include "amp_int.h"

#include <stdio.h>
#include <string.h>

void reed__amp_cmd_join(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_leave(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_say(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_tell(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_set_topic(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_ban(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_unban(reed_amp_core_t *c, const amp_argv_t *a);

/* ---- Join --------------------------------------------------------------- */

typedef struct {
  reed_buf_t *list;
  const char *self; /* listed first, so it is there even when cut */
  bool more;
  int err;
} members_acc_t;

static void
add_member_nick(void *ud, const reed_member_view_t *mv)
{
  members_acc_t *acc = ud;
  int rc;

  if (acc->more || acc->err || reed_casecmp(mv->who.nick, acc->self) == 0)
    return;
  rc = reed_amp_list_add(&acc->list, mv->who.nick, strlen(mv->who.nick));
  if (rc == REED_ETOOBIG)
    acc->more = true;
  else if (rc < 0)
    acc->err = rc;
}

static void
answer_join(reed_amp_core_t *c, reed_room_t *r)
{
  reed_room_view_t v;
  members_acc_t acc = {.self = reed_session_nick(c->session)};
  reed_amp_enc_t e;

  reed_room_view(r, &v);
  acc.err = reed_amp_list_add(&acc.list, acc.self, strlen(acc.self));
  reed_room_each_member(r, add_member_nick, &acc);
  if (acc.err) {
    reed_buf_unref(acc.list);
    reed__amp_error_code(c, acc.err);
    return;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "room", v.name);
  reed_amp_enc_str(&e, "topic", v.topic ? v.topic : "");
  reed_amp_enc_put(&e, "members", acc.list ? acc.list->data : NULL,
                   acc.list ? acc.list->len : 0);
  reed_amp_enc_bool(&e, "more", acc.more);
  if (acc.list)
    reed_buf_unref(acc.list);
  reed__amp_answer(c, &e);
}

void
reed__amp_cmd_join(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_t *r = reed_room_find(c->env->model, a->s[0]);
  int rc;

  if (r != NULL && reed_room_has_session(r, c->session)) {
    answer_join(c, r); /* already in: same answer, no events */
    return;
  }
  if (r == NULL && !reed__amp_conf(c)->create_rooms) {
    reed__amp_error(c, "NO_SUCH_ROOM", "no such room");
    return;
  }
  rc = reed_room_join(c->session, a->s[0], a->set[1] ? a->s[1] : NULL);
  if (rc < 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  if ((r = reed_room_find(c->env->model, a->s[0])) == NULL) {
    reed__amp_error_code(c, REED_EFATAL);
    return;
  }
  answer_join(c, r);
}

/* ---- Membership checks shared by Leave, Say, SetTopic ------------------ */

/* The room, when it exists and this session has joined it; otherwise the
 * error is answered and NULL returned. */
reed_room_t *
reed__amp_joined_room(reed_amp_core_t *c, const char *name)
{
  reed_room_t *r = reed_room_find(c->env->model, name);

  if (r == NULL) {
    reed__amp_error(c, "NO_SUCH_ROOM", "no such room");
    return NULL;
  }
  if (!reed_room_has_session(r, c->session)) {
    reed__amp_error(c, "NOT_A_MEMBER", "you are not in that room");
    return NULL;
  }
  return r;
}

/* The view of a room the caller is joined to (its canonical name for the
 * model's calls), or false after answering the error. */
static bool
joined_view(reed_amp_core_t *c, const char *name, reed_room_view_t *v)
{
  reed_room_t *r = reed__amp_joined_room(c, name);

  if (r != NULL)
    reed_room_view(r, v);
  return r != NULL;
}

/* An empty answer, or the model's error. */
static void
answer_rc(reed_amp_core_t *c, int rc)
{
  if (rc < 0)
    reed__amp_error_code(c, rc);
  else
    reed__amp_answer_empty(c);
}

void
reed__amp_cmd_leave(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_view_t v;

  if (joined_view(c, a->s[0], &v))
    answer_rc(c,
              reed_room_part(c->session, v.name, a->set[1] ? a->s[1] : NULL));
}

void
reed__amp_cmd_set_topic(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_view_t v;

  if (joined_view(c, a->s[0], &v))
    answer_rc(c, reed_room_set_topic(c->session, v.name, a->s[1]));
}

/* ---- Ban and Unban ------------------------------------------------------ */

/* AMP names people by account: a ban is the model's account entry, so it
 * keeps the account out through every protocol (IRC shows `$a:NAME`). */
static void
ban_account(reed_amp_core_t *c, const amp_argv_t *a, bool set)
{
  reed_mode_change_t ch = {
      .mode = REED_RMODE_BAN, .set = set, .arg = a->s[1], .account = true};
  reed_room_view_t v;

  if (joined_view(c, a->s[0], &v))
    answer_rc(c, reed_room_set_modes(c->session, v.name, &ch, 1, NULL));
}

void
reed__amp_cmd_ban(reed_amp_core_t *c, const amp_argv_t *a)
{
  ban_account(c, a, true);
}

void
reed__amp_cmd_unban(reed_amp_core_t *c, const amp_argv_t *a)
{
  ban_account(c, a, false);
}

/* ---- Say and Tell ------------------------------------------------------- */

static void
answer_sent(reed_amp_core_t *c, uint64_t id)
{
  reed_amp_enc_t e;
  char ids[24];

  int64_t us = c->echo_id == id ? (int64_t)c->echo_ts_ms * 1000
                                : (int64_t)reed__amp_now_us(c);

  snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "id", ids);
  reed_amp_enc_time(&e, "time", us);
  reed__amp_answer(c, &e);
}

static int
msg_kind(const amp_argv_t *a, size_t k)
{
  return a->set[k] ? (int)a->i[k] : REED_MSG_NORMAL;
}

void
reed__amp_cmd_say(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_view_t v;
  uint64_t id = 0;
  int rc;

  if (!joined_view(c, a->s[0], &v))
    return;
  rc = reed_room_say(c->session, v.name, msg_kind(a, 2), a->s[1], a->len[1],
                     NULL, &id);
  if (rc < 0)
    reed__amp_error_code(c, rc);
  else
    answer_sent(c, id);
}

/* Resolves Tell's `user`: a nick online through any protocol, then an
 * account with an online session, whatever nick that session uses. */
static bool
resolve_user(reed_amp_core_t *c, const char *user, char *nick, size_t n)
{
  reed_person_view_t pv;

  if (reed_model_find_nick(c->env->model, user, &pv) != 0 &&
      reed_model_find_account(c->env->model, user, &pv) != 0)
    return false;
  reed_strlcpy(nick, pv.who.nick, n);
  return true;
}

void
reed__amp_cmd_tell(reed_amp_core_t *c, const amp_argv_t *a)
{
  char nick[REED_NICK_MAX + 1];
  uint64_t id = 0;
  int rc;

  if (!resolve_user(c, a->s[0], nick, sizeof(nick))) {
    reed__amp_error(c, "NO_SUCH_USER", "no such nick or account online");
    return;
  }
  rc = reed_tell(c->session, nick, msg_kind(a, 2), a->s[1], a->len[1], NULL,
                 &id);
  if (rc == REED_ENOSUCHNICK)
    reed__amp_error(c, "NO_SUCH_USER", "no such nick or account online");
  else if (rc < 0)
    reed__amp_error_code(c, rc);
  else
    answer_sent(c, id);
}
