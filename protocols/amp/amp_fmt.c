/* Model events as AMP boxes (docs/amp.md section 8), the REED_E* to AMP
 * error table, and kind names. One formatting per fan-out: the box body
 * without _ask goes into the event's format cache, and each connection
 * sends its own _ask prefix before a reference to it. */
#include "amp_int.h"

#include <stdio.h>
#include <string.h>

/* The format-cache form of AMP bodies: one variant (every connection gets
 * the same bytes), owned by the module. */
static const reed_form_t amp_form = {.owner = &reed_amp_module};

/* ---- Errors ------------------------------------------------------------- */

static const struct {
  int err;
  const char *code;
} errmap[] = {
    {REED_EAUTH, "UNAUTHORIZED"},
    {REED_ENOACCOUNT, "UNAUTHORIZED"},
    {REED_ETHROTTLED, "RATE_LIMITED"},
    {REED_EREGTHROTTLED, "RATE_LIMITED"},
    {REED_EACCOUNTEXISTS, "ACCOUNT_EXISTS"},
    {REED_EREGCLOSED, "REGISTRATION_CLOSED"},
    {REED_EBADACCOUNT, "BAD_REQUEST"},
    {REED_EINVAL, "BAD_REQUEST"},
    {REED_EWEAKPASSWORD, "BAD_REQUEST"},
    {REED_EBADNICK, "BAD_REQUEST"},
    {REED_EBADROOM, "BAD_REQUEST"},
    {REED_EBADTEXT, "BAD_REQUEST"},
    {REED_EBADTOPIC, "BAD_REQUEST"},
    {REED_EBADKEY, "FORBIDDEN"},
    {REED_ENICKINUSE, "NICK_IN_USE"},
    {REED_ENICKRESERVED, "NICK_IN_USE"},
    {REED_ENICKMERGE, "NICK_IN_USE"},
    {REED_ENOSUCHROOM, "NO_SUCH_ROOM"},
    {REED_ENOTMEMBER, "NOT_A_MEMBER"},
    {REED_ENOSUCHNICK, "NO_SUCH_USER"},
    {REED_EBANNED, "FORBIDDEN"},
    {REED_EINVITEONLY, "FORBIDDEN"},
    {REED_EROOMFULL, "FORBIDDEN"},
    {REED_EMODERATED, "FORBIDDEN"},
    {REED_ENOPRIV, "FORBIDDEN"},
    {REED_ENOEXTERNAL, "FORBIDDEN"},
    {REED_ETOOMANYROOMS, "FORBIDDEN"},
    {REED_EUNAVAILABLE, "UNAVAILABLE"},
    {REED_ELISTFULL, "FORBIDDEN"},
    {REED_EBADMODE, "BAD_REQUEST"},
    {REED_ENOSUCHMSG, "NO_SUCH_MESSAGE"},
    {REED_ETOOBIG, "TOO_LONG"}, /* past the model's message bound */
    {REED_ELASTOWNER, "LAST_OWNER"},
};

void
reed__amp_error_code(reed_amp_core_t *c, int err)
{
  char buf[80];

  for (size_t i = 0; i < REED_ARRAY_SIZE(errmap); i++) {
    if (errmap[i].err == err) {
      const char *desc = err == REED_EAUTH || err == REED_ENOACCOUNT
                             ? "invalid username or password"
                             : reed_strerror(err);
      if (err == REED_EWEAKPASSWORD && c->env->portal != NULL) {
        snprintf(buf, sizeof(buf),
                 "password too short: at least %zu characters",
                 reed_portal_password_min(c->env->portal));
        desc = buf;
      }
      reed__amp_error(c, errmap[i].code, desc);
      return;
    }
  }
  /* An internal fault: UNKNOWN, then close, as Twisted does. */
  reed_log(c->env->log, REED_LOG_ERROR, "amp: internal error %s",
           reed_err_name(err));
  reed__amp_error(c, "UNKNOWN", "Unknown Error");
  reed__amp_close(c, "internal error");
}

const char *
reed__amp_kind_name(int msg_kind)
{
  switch (msg_kind) {
  case REED_MSG_ACTION:
    return "action";
  case REED_MSG_NOTICE:
    return "notice";
  default:
    return "message";
  }
}

/* ---- Event bodies ------------------------------------------------------- */

static void
put_who(reed_amp_enc_t *e, const char *nick_key, const reed_actor_t *a)
{
  reed_amp_enc_str(e, nick_key, a->nick ? a->nick : "");
  if (a->account)
    reed_amp_enc_str(e, "account", a->account);
}

static void
body_receive(reed_amp_enc_t *e, const reed_event_t *ev)
{
  char id[24];

  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->id);
  reed_amp_enc_str(e, "_command", "Receive");
  if (ev->room)
    reed_amp_enc_str(e, "room", ev->room);
  put_who(e, "sender", &ev->from);
  reed_amp_enc_str(e, "origin", ev->from.origin ? ev->from.origin : "server");
  reed_amp_enc_put(e, "text", ev->text, ev->text_len);
  if (ev->u.msg.msg_kind != REED_MSG_NORMAL)
    reed_amp_enc_str(e, "kind", reed__amp_kind_name(ev->u.msg.msg_kind));
  reed_amp_enc_time(e, "time", (int64_t)ev->ts_ms * 1000);
  reed_amp_enc_str(e, "id", id);
}

static void
body_joined(reed_amp_enc_t *e, const reed_event_t *ev)
{
  reed_amp_enc_str(e, "_command", "Joined");
  reed_amp_enc_str(e, "room", ev->room);
  put_who(e, "user", &ev->from);
  reed_amp_enc_str(e, "origin", ev->from.origin ? ev->from.origin : "server");
}

static void
body_left(reed_amp_enc_t *e, const reed_event_t *ev, const char *room)
{
  /* A PART caused by a session quitting (its person stays online) is the
   * quitting of that connection: docs/amp.md shows it as quit. */
  bool destroyed = ev->kind == REED_EV_KICK && ev->u.kick.destroy;
  const char *kind = ev->kind == REED_EV_PART && !ev->u.part.quitting ? "part"
                     : destroyed                ? "destroy"
                     : ev->kind == REED_EV_KICK ? "kick"
                                                : "quit";

  reed_amp_enc_str(e, "_command", "Left");
  reed_amp_enc_str(e, "room", room);
  reed_amp_enc_str(e, "user",
                   ev->kind == REED_EV_KICK
                       ? ev->target
                       : (ev->from.nick ? ev->from.nick : ""));
  reed_amp_enc_str(e, "kind", kind);
  if (ev->text != NULL)
    reed_amp_enc_put(e, "reason", ev->text, ev->text_len);
  if (ev->kind == REED_EV_KICK && ev->from.nick)
    reed_amp_enc_str(e, "by", ev->from.nick);
  if (destroyed && ev->u.kick.venue != NULL)
    reed_amp_enc_str(e, "venue", ev->u.kick.venue);
}

static void
body_topic(reed_amp_enc_t *e, const reed_event_t *ev)
{
  reed_amp_enc_str(e, "_command", "TopicChanged");
  reed_amp_enc_str(e, "room", ev->room);
  reed_amp_enc_str(e, "user", ev->from.nick ? ev->from.nick : "");
  reed_amp_enc_put(e, "topic", ev->text ? ev->text : "", ev->text_len);
  reed_amp_enc_time(e, "time", (int64_t)ev->ts_ms * 1000);
}

static void
body_nick(reed_amp_enc_t *e, const reed_event_t *ev)
{
  reed_amp_enc_str(e, "_command", "NickChanged");
  reed_amp_enc_str(e, "old", ev->from.nick ? ev->from.nick : "");
  reed_amp_enc_str(e, "new", ev->target ? ev->target : "");
  if (ev->from.account)
    reed_amp_enc_str(e, "account", ev->from.account);
  reed_amp_enc_str(e, "origin", ev->from.origin ? ev->from.origin : "server");
}

/* A message removed (REDACT): in a room, or in a private conversation
 * with the remover (room absent). */
static void
body_redacted(reed_amp_enc_t *e, const reed_event_t *ev)
{
  char id[24];

  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->u.redact.ref_id);
  reed_amp_enc_str(e, "_command", "Redacted");
  if (ev->room)
    reed_amp_enc_str(e, "room", ev->room);
  reed_amp_enc_str(e, "by", ev->from.nick ? ev->from.nick : "");
  reed_amp_enc_str(e, "id", id);
  if (ev->text != NULL && ev->text_len > 0)
    reed_amp_enc_put(e, "reason", ev->text, ev->text_len);
}

/* A reaction (IRC +draft/react, XEP-0444) to message `id`: one added, or
 * withdrawn (`removed`); in a room, or in your private conversation with
 * `user`. A TAGMSG without a reaction (typing) is not shown. */
static bool
body_reacted(reed_amp_enc_t *e, const reed_event_t *ev)
{
  char id[24];

  if (ev->u.msg.reaction == NULL || ev->u.msg.reply_to == 0)
    return false;
  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->u.msg.reply_to);
  reed_amp_enc_str(e, "_command", "Reacted");
  if (ev->room)
    reed_amp_enc_str(e, "room", ev->room);
  reed_amp_enc_str(e, "user", ev->from.nick ? ev->from.nick : "");
  reed_amp_enc_str(e, "id", id);
  reed_amp_enc_str(e, "reaction", ev->u.msg.reaction);
  if (ev->u.msg.unreact)
    reed_amp_enc_bool(e, "removed", true);
  return true;
}

static void
body_aff(reed_amp_enc_t *e, const reed_event_t *ev)
{
  reed_amp_enc_str(e, "_command", "AffiliationChanged");
  reed_amp_enc_str(e, "room", ev->room);
  reed_amp_enc_str(e, "account", ev->target ? ev->target : "");
  reed_amp_enc_str(e, "affiliation", reed__amp_aff_name(ev->u.aff.aff));
  reed_amp_enc_str(e, "previous", reed__amp_aff_name(ev->u.aff.prev));
  reed_amp_enc_str(e, "by", ev->from.nick ? ev->from.nick : "");
  if (ev->u.aff.nick != NULL)
    reed_amp_enc_str(e, "nick", ev->u.aff.nick);
  if (ev->text != NULL)
    reed_amp_enc_put(e, "reason", ev->text, ev->text_len);
}

/* Encodes the body of `ev` (room: for Left) or returns NULL when this kind
 * is not shown over AMP. */
static reed_buf_t *
format(const reed_event_t *ev, const char *room)
{
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;

  reed_amp_enc_init(&e);
  switch (ev->kind) {
  case REED_EV_MESSAGE:
    body_receive(&e, ev);
    break;
  case REED_EV_JOIN:
    body_joined(&e, ev);
    break;
  case REED_EV_PART:
  case REED_EV_QUIT:
  case REED_EV_KICK:
    body_left(&e, ev, room);
    break;
  case REED_EV_TOPIC:
    body_topic(&e, ev);
    break;
  case REED_EV_NICK:
    body_nick(&e, ev);
    break;
  case REED_EV_REDACT:
    body_redacted(&e, ev);
    break;
  case REED_EV_AFFILIATION:
    body_aff(&e, ev);
    break;
  case REED_EV_TAGMSG:
    if (body_reacted(&e, ev))
      break;
    reed_amp_enc_cleanup(&e);
    return NULL;
  default:
    reed_amp_enc_cleanup(&e);
    return NULL;
  }
  return reed_amp_enc_finish(&e, &b) == 0 ? b : NULL;
}

/* reed_event_render's formatter: the body for the event's own room. */
static reed_buf_t *
format_cb(void *ctx, const reed_event_t *ev)
{
  REED_UNUSED(ctx);
  return format(ev, ev->room);
}

/* Sends the cached body when this fan-out already formatted it. */
static void
send_cached(reed_amp_core_t *c, const reed_event_t *ev)
{
  reed_buf_t *b = reed_event_render(ev, amp_form, format_cb, NULL);

  if (b == NULL)
    return;
  reed__amp_send_event(c, b);
  reed_buf_unref(b);
}

typedef struct {
  reed_amp_core_t *c;
  const reed_event_t *ev;
} quit_ctx_t;

static void
quit_room(void *ud, const reed_room_t *r)
{
  quit_ctx_t *q = ud;
  reed_member_view_t mv;
  reed_room_view_t v;
  reed_buf_t *b;

  if (q->ev->from.nick == NULL ||
      reed_room_member(r, q->ev->from.nick, &mv) != 0)
    return;
  reed_room_view(r, &v);
  if ((b = format(q->ev, v.name)) != NULL) {
    reed__amp_send_event(q->c, b);
    reed_buf_unref(b);
  }
}

static void
on_kill(reed_amp_core_t *c, const reed_event_t *ev)
{
  char reason[REED_REASON_MAX + 32];

  reed__amp_label_conn(c, c->session);
  c->session = NULL; /* the model removes it after this fan-out */
  snprintf(reason, sizeof(reason), "Killed: %.*s", (int)ev->text_len,
           ev->text ? ev->text : "");
  reed__amp_closing(c, reason);
}

static void
on_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  reed_amp_core_t *c = ud;

  if (ev->kind == REED_EV_KILL) {
    on_kill(c, ev);
    return;
  }
  /* The acting session learns the outcome from its answer, which carries
   * the message's own server time. */
  if (ev->echo && ev->kind == REED_EV_MESSAGE) {
    c->echo_id = ev->id;
    c->echo_ts_ms = ev->ts_ms;
  }
  if (c->closed || ev->echo || ev->from.session_id == reed_session_id(s))
    return;
  if (ev->kind == REED_EV_QUIT) {
    quit_ctx_t q = {.c = c, .ev = ev};
    reed_session_each_room(s, quit_room, &q);
    return;
  }
  send_cached(c, ev);
}

const reed_session_listener_t reed__amp_listener = {
    .on_event = on_event,
};
