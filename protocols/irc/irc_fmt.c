/* The renderer: model events as IRC lines for this connection, on the
 * output primitives of irc_out.c. A relayed event is formatted once per
 * output form (IRC plus the caps that change its bytes) and shared through
 * the event's format cache; the form never depends on the recipient. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

/* ---- Events ----------------------------------------------------------------
 */

typedef struct {
  reed_irc_core_t *c;
  const reed_event_t *ev;
  uint32_t caps;
  reed_buf_t *b;
  char tags[REED_IRC_TAGS_MAX];
  size_t tags_len;
} render_t;

static void
tag_add(render_t *r, const char *key, const char *value)
{
  size_t room = sizeof(r->tags) - r->tags_len;
  int k;

  k = snprintf(r->tags + r->tags_len, room, "%s%s%s%s", r->tags_len ? ";" : "@",
               key, value ? "=" : "", value ? value : "");
  if (k > 0 && (size_t)k < room)
    r->tags_len += (size_t)k;
  else
    r->tags[r->tags_len] = '\0';
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return h;
}

/* The sequencer's id; a TAGMSG (which the model does not sequence) gets
 * one derived from what identifies it, the same for every recipient and
 * every output form. */
static bool
event_msgid(const reed_event_t *ev, char *v, size_t size)
{
  uint64_t h = 0xcbf29ce484222325ull;

  if (ev->id != 0) {
    snprintf(v, size, "%llu", (unsigned long long)ev->id);
    return true;
  }
  if (ev->kind != REED_EV_TAGMSG)
    return false;
  h = fnv1a(fnv1a(fnv1a(h, ev->u.msg.irc_client_tags), ev->room), ev->target);
  if (ev->u.msg.reply_to != 0 || ev->u.msg.reaction != NULL) {
    snprintf(v, size, "%llu", (unsigned long long)ev->u.msg.reply_to);
    h = fnv1a(fnv1a(fnv1a(h, v), ev->u.msg.reaction),
              ev->u.msg.unreact ? "-" : NULL);
  }
  snprintf(v, size, "t%llx-%llx-%llx", (unsigned long long)ev->ts_ms,
           (unsigned long long)ev->from.session_id, (unsigned long long)h);
  return true;
}

/* The neutral reply and reaction as IRCv3 client tags, then IRC's own. */
static void
client_tags(render_t *r)
{
  const reed_event_t *ev = r->ev;
  char v[REED_REACTION_MAX * 2 + 1];

  if (ev->u.msg.reply_to != 0) {
    snprintf(v, sizeof(v), "%llu", (unsigned long long)ev->u.msg.reply_to);
    tag_add(r, "+draft/reply", v);
  }
  if (ev->u.msg.reaction != NULL) {
    reed_irc_tag_escape(v, sizeof(v), ev->u.msg.reaction);
    tag_add(r, ev->u.msg.unreact ? "+draft/unreact" : "+draft/react", v);
  }
  if (ev->u.msg.irc_client_tags != NULL && ev->u.msg.irc_client_tags[0] != '\0')
    tag_add(r, ev->u.msg.irc_client_tags, NULL);
}

static void
build_tags(render_t *r)
{
  const reed_event_t *ev = r->ev;
  char v[64];

  r->tags_len = 0;
  r->tags[0] = '\0';
  if ((r->caps & IRC_CAP_SERVER_TIME) && ev->ts_ms != 0) {
    reed__irc_time_str(ev->ts_ms, v, sizeof(v));
    tag_add(r, "time", v);
  }
  if ((r->caps & IRC_CAP_MESSAGE_TAGS) &&
      (ev->kind == REED_EV_MESSAGE || ev->kind == REED_EV_TAGMSG) &&
      event_msgid(ev, v, sizeof(v)))
    tag_add(r, "msgid", v);
  if ((r->caps & IRC_CAP_ACCOUNT_TAG) && ev->from.account != NULL)
    tag_add(r, "account", ev->from.account);
  if ((r->caps & IRC_CAP_MESSAGE_TAGS) && ev->from.bot &&
      (ev->kind == REED_EV_MESSAGE || ev->kind == REED_EV_TAGMSG))
    tag_add(r, "bot", NULL);
  if ((r->caps & IRC_CAP_MESSAGE_TAGS) &&
      (ev->kind == REED_EV_MESSAGE || ev->kind == REED_EV_TAGMSG))
    client_tags(r);
  if (r->tags_len > 0)
    r->tags[r->tags_len++] = ' ';
  r->tags[r->tags_len] = '\0';
}

/* Appends tags and ":source " to r->b. */
static int
head(render_t *r)
{
  int rc = reed_buf_append(&r->b, r->tags, r->tags_len);

  if (rc == 0)
    rc = reed_buf_append(&r->b, ":", 1);
  if (rc == 0 && r->ev->from.nick == NULL)
    rc = reed_buf_printf(&r->b, "%s ", IRC_SERVER(r->c));
  else if (rc == 0) {
    rc = reed__irc_append_mask(&r->b, &r->ev->from);
    if (rc == 0)
      rc = reed_buf_append(&r->b, " ", 1);
  }
  return rc;
}

/* Appends `text` cut to what is left of the line after `used` bytes. */
static int
append_cut(reed_buf_t **b, const char *text, size_t used)
{
  size_t len = text ? strlen(text) : 0;
  size_t max = used < IRC_BODY_MAX ? IRC_BODY_MAX - used : 0;

  return reed_buf_append(b, text ? text : "", reed_utf8_cut(text, len, max));
}

static int
crlf(render_t *r)
{
  return reed_buf_append(&r->b, "\r\n", 2);
}

/* One line: head, then `fmt` (the command and middle params), then an
 * optional trailing parameter cut to fit. */
static int line(render_t *r, const char *trailing, const char *fmt, ...)
    REED_PRINTF(3, 4);
static int
line(render_t *r, const char *trailing, const char *fmt, ...)
{
  size_t start = r->b->len;
  va_list ap;
  int rc = head(r);

  if (rc == 0) {
    char mid[600];
    va_start(ap, fmt);
    vsnprintf(mid, sizeof(mid), fmt, ap);
    va_end(ap);
    rc = reed_buf_append(&r->b, mid, strlen(mid));
  }
  if (rc == 0 && trailing != NULL) {
    size_t used = r->b->len - start - r->tags_len;
    rc = reed_buf_append(&r->b, " :", 2);
    if (rc == 0)
      rc = append_cut(&r->b, trailing, used + 2);
  }
  return rc == 0 ? crlf(r) : rc;
}

/* The message text, one line per CR/LF-separated piece, each cut into as
 * many lines as it needs: nothing from another protocol starts a line of
 * its own, and nothing is lost. */
static int
message_lines(render_t *r, const char *cmd, const char *target)
{
  const reed_event_t *ev = r->ev;
  bool action = ev->u.msg.msg_kind == REED_MSG_ACTION;
  const char *p = ev->text ? ev->text : "", *end = p + ev->text_len;
  int rc = 0;

  /* Text from an IRC client fit its own 512-byte line: relayed whole, as
   * ergo does, even when the source makes the line longer. */
  bool whole = ev->from.origin != NULL && strcmp(ev->from.origin, "irc") == 0;

  while (p < end && rc == 0) {
    size_t n = strcspn(p, "\r\n"), start = r->b->len, used, k;
    if (p + n > end)
      n = (size_t)(end - p);
    if (n == 0) {
      p++;
      continue;
    }
    rc = head(r);
    if (rc == 0)
      rc = reed_buf_printf(&r->b, "%s %s :%s", cmd, target,
                           action ? "\001ACTION " : "");
    used = r->b->len - start - r->tags_len + (action ? 1 : 0);
    k = reed_utf8_cut(p, n, used < IRC_BODY_MAX ? IRC_BODY_MAX - used : 0);
    if (k == 0 || whole)
      k = n; /* (k == 0 cannot happen with sane prefixes; never loop) */
    if (rc == 0)
      rc = reed_buf_append(&r->b, p, k);
    if (rc == 0 && action)
      rc = reed_buf_append(&r->b, "\001", 1);
    if (rc == 0)
      rc = crlf(r);
    p += k;
  }
  return rc;
}

/* STATUSMSG: a message for part of a room keeps its "@#chan" target. */
static const char *
status_prefix(const reed_event_t *ev)
{
  if (ev->u.msg.audience == REED_AUDIENCE_OP)
    return "@";
  return ev->u.msg.audience == REED_AUDIENCE_VOICE ? "+" : "";
}

static int
render_message(render_t *r)
{
  const reed_event_t *ev = r->ev;
  const char *cmd =
      ev->u.msg.msg_kind == REED_MSG_NOTICE ? "NOTICE" : "PRIVMSG";
  char target[REED_ROOM_MAX + 3];

  if (ev->room != NULL)
    snprintf(target, sizeof(target), "%s#%s", status_prefix(ev), ev->room);
  else
    reed_strlcpy(target, ev->target ? ev->target : "*", sizeof(target));
  if (reed__irc_is_multiline(ev))
    return reed__irc_render_multiline(r->c, ev, r->caps, r->tags, r->tags_len,
                                      target, &r->b);
  return message_lines(r, cmd, target);
}

static int
render_join(render_t *r)
{
  const reed_event_t *ev = r->ev;
  reed_person_view_t pv;
  int rc;

  if (r->caps & IRC_CAP_EXTENDED_JOIN)
    rc = line(r, ev->from.realname ? ev->from.realname : "", "JOIN #%s %s",
              ev->room, ev->from.account ? ev->from.account : "*");
  else
    rc = line(r, NULL, "JOIN #%s", ev->room);
  /* away-notify: someone away who joins is announced as away at once. */
  if (rc == 0 && (r->caps & IRC_CAP_AWAY_NOTIFY) && ev->from.nick != NULL &&
      reed_model_find_nick(r->c->env->model, ev->from.nick, &pv) == 0 &&
      pv.away != NULL)
    rc = line(r, pv.away, "AWAY");
  return rc;
}

static int
render_mode(render_t *r)
{
  static const char letters[] = "ovbeIklmitsn";
  const reed_event_t *ev = r->ev;
  char modes[64], args[420];
  size_t nm = 0, na = 0;
  int sign = -1;

  for (size_t i = 0; i < ev->u.mode.n_modes && nm + 3 < sizeof(modes); i++) {
    const reed_mode_change_t *mc = &ev->u.mode.modes[i];
    if ((int)mc->set != sign) {
      modes[nm++] = mc->set ? '+' : '-';
      sign = mc->set;
    }
    modes[nm++] = letters[mc->mode];
    if (mc->arg != NULL && na + strlen(mc->arg) + 5 < sizeof(args))
      na += (size_t)snprintf(args + na, sizeof(args) - na, " %s%s",
                             mc->account ? IRC_EXTBAN_ACCOUNT : "", mc->arg);
  }
  modes[nm] = '\0';
  args[na] = '\0';
  return line(r, NULL, "MODE #%s %s%s", ev->room, modes, args);
}

/* AFFILIATION as the modes IRC has for it: `q` (owner) and `a` (admin) on
 * the account's member nick, `b $a:account` for an outcast; a member's
 * standing has no mode (nothing is sent), nor has a change for an account
 * not in the room, except an outcast's ban. */
static int
render_aff(render_t *r)
{
  const reed_event_t *ev = r->ev;
  reed_affiliation_t was = ev->u.aff.prev, now = ev->u.aff.aff;
  const char *nick = ev->u.aff.nick;
  char modes[8];
  size_t n = 0;

  if (was == REED_AFF_OUTCAST || now == REED_AFF_OUTCAST)
    return line(r, NULL, "MODE #%s %cb %s%s", ev->room,
                now == REED_AFF_OUTCAST ? '+' : '-', IRC_EXTBAN_ACCOUNT,
                ev->target);
  if (nick == NULL)
    return 0;
  if (was >= REED_AFF_ADMIN) {
    modes[n++] = '-';
    modes[n++] = was == REED_AFF_OWNER ? 'q' : 'a';
  }
  if (now >= REED_AFF_ADMIN) {
    modes[n++] = '+';
    modes[n++] = now == REED_AFF_OWNER ? 'q' : 'a';
  }
  modes[n] = '\0';
  if (n == 0)
    return 0;
  return line(r, NULL, "MODE #%s %s %s%s%s", ev->room, modes, nick,
              n > 2 ? " " : "", n > 2 ? nick : "");
}

static bool
for_me(const render_t *r, const char *nick)
{
  const char *mine = r->c->session ? reed_session_nick(r->c->session) : NULL;

  return nick != NULL && mine != NULL && reed_casecmp(nick, mine) == 0;
}

static bool
by_me(const render_t *r)
{
  return r->c->session != NULL &&
         r->ev->from.session_id == reed_session_id(r->c->session);
}

/* A destroyed room (reed_room_destroy) removes each member with a KICK
 * from the destroyer; the reason says so, and where to go instead. */
static int
render_destroyed(render_t *r)
{
  const reed_event_t *ev = r->ev;
  const char *venue = ev->u.kick.venue;
  char why[REED_REASON_MAX + 300];

  snprintf(why, sizeof(why), "%s%s%s%s",
           ev->text && ev->text[0] ? ev->text : "Room destroyed",
           venue ? " (moved to " : "", venue ? venue : "", venue ? ")" : "");
  return line(r, why, "KICK #%s %s", ev->room, ev->target);
}

static int
render_other(render_t *r)
{
  const reed_event_t *ev = r->ev;

  switch (ev->kind) {
  case REED_EV_PART:
    return line(r, ev->text && ev->text[0] ? ev->text : NULL, "PART #%s",
                ev->room);
  case REED_EV_QUIT:
    return line(r, ev->text ? ev->text : "", "QUIT");
  case REED_EV_NICK:
    return line(r, ev->target, "NICK");
  case REED_EV_TOPIC:
    return line(r, ev->text ? ev->text : "", "TOPIC #%s", ev->room);
  case REED_EV_KICK:
    if (ev->u.kick.destroy)
      return render_destroyed(r);
    return line(r, ev->text ? ev->text : ev->target, "KICK #%s %s", ev->room,
                ev->target);
  case REED_EV_INVITE:
    return line(r, NULL, "INVITE %s #%s", ev->target, ev->room);
  case REED_EV_AWAY:
    return line(r, ev->text && ev->text[0] ? ev->text : NULL, "AWAY");
  case REED_EV_ACCOUNT:
    return line(r, NULL, "ACCOUNT %s",
                ev->from.account ? ev->from.account : "*");
  case REED_EV_REALNAME:
    return line(r, ev->text ? ev->text : "", "SETNAME");
  case REED_EV_HOST:
    return line(r, NULL, "CHGHOST %s %s", ev->target, ev->text);
  case REED_EV_ANNOUNCE:
    return line(r, ev->text, "WALLOPS");
  case REED_EV_AFFILIATION:
    return render_aff(r);
  case REED_EV_TAGMSG:
    if (ev->room != NULL)
      return line(r, NULL, "TAGMSG %s#%s", status_prefix(ev), ev->room);
    return line(r, NULL, "TAGMSG %s", ev->target ? ev->target : "*");
  case REED_EV_REDACT:
    if (ev->room != NULL)
      return line(r, ev->text, "REDACT #%s %llu", ev->room,
                  (unsigned long long)ev->u.redact.ref_id);
    return line(r, ev->text, "REDACT %s %llu", ev->target ? ev->target : "*",
                (unsigned long long)ev->u.redact.ref_id);
  default:
    return 0;
  }
}

/* A private message to one's own nick: the echo is also the delivery. */
static bool
to_self(const render_t *r)
{
  return r->ev->room == NULL && for_me(r, r->ev->target);
}

/* Whether this connection shows the event at all. */
static bool
wanted(const render_t *r)
{
  const reed_event_t *ev = r->ev;
  uint32_t caps = r->caps;

  if (!(r->c->state & IRC_ST_REG))
    return false;
  if (ev->watch && !(caps & IRC_CAP_EXTENDED_MONITOR))
    return false; /* only extended-monitor shows what watching brings */
  if (ev->echo && !(caps & IRC_CAP_ECHO_MESSAGE) &&
      (ev->kind == REED_EV_MESSAGE || ev->kind == REED_EV_TAGMSG) &&
      !to_self(r))
    return false;
  switch (ev->kind) {
  case REED_EV_INVITE:
    return for_me(r, ev->target) || (caps & IRC_CAP_INVITE_NOTIFY);
  case REED_EV_AWAY:
    return (caps & IRC_CAP_AWAY_NOTIFY) && !by_me(r);
  case REED_EV_ACCOUNT: /* the session that logged in has its 900 */
    return (caps & IRC_CAP_ACCOUNT_NOTIFY) && !by_me(r);
  case REED_EV_REALNAME:
    return (caps & IRC_CAP_SETNAME) != 0;
  case REED_EV_TAGMSG:
    return (caps & IRC_CAP_MESSAGE_TAGS) != 0;
  case REED_EV_REDACT:
    return (caps & IRC_CAP_MESSAGE_REDACTION) != 0;
  case REED_EV_READ_MARKER:
    return (caps & IRC_CAP_READ_MARKER) != 0;
  case REED_EV_HOST:
    return (caps & IRC_CAP_CHGHOST) != 0;
  case REED_EV_KILL:
    return false;
  default:
    return true;
  }
}

/* draft/read-marker: READ_MARKER as MARKREAD, without tags. */
static int
markread_line(reed_irc_core_t *c, const reed_event_t *ev, reed_buf_t **b)
{
  char v[80];

  reed__irc_marker_str(ev->ts_ms, v, sizeof(v));
  if (ev->room != NULL)
    return reed_buf_printf(b, ":%s MARKREAD #%s %s\r\n", IRC_SERVER(c),
                           ev->room, v);
  return reed_buf_printf(b, ":%s MARKREAD %s %s\r\n", IRC_SERVER(c),
                         ev->target ? ev->target : "*", v);
}

/* MONITOR: PRESENCE as 730 / 731. The numeric names the recipient, so it
 * is formatted per watcher (a nick has few watchers) rather than through
 * the fan-out's cache. */
static void
on_presence(reed_irc_core_t *c, const reed_event_t *ev)
{
  char mask[IRC_MASK_MAX];

  if (!(c->state & IRC_ST_REG) || (c->state & IRC_ST_CLOSED) ||
      ev->target == NULL)
    return;
  if (ev->u.presence.online) {
    reed__irc_mask_str(&ev->from, mask, sizeof(mask));
    reed__irc_num(c, RPL_MONONLINE, ":%s", mask);
  } else {
    reed__irc_num(c, RPL_MONOFFLINE, ":%s", ev->target);
  }
}

/* The render state lives on the stack: an 8 KiB block allocated and freed
 * per relayed event made glibc grow and trim the heap top (a brk call) for
 * nearly every message. */
static reed_buf_t *
render(reed_irc_core_t *c, const reed_event_t *ev, uint32_t caps)
{
  render_t rs = {.c = c, .ev = ev, .caps = caps, .b = reed_buf_new(256)};
  render_t *r = &rs;
  reed_buf_t *b = NULL;
  int rc;

  if (r->b != NULL) {
    build_tags(r);
    if (ev->kind == REED_EV_READ_MARKER)
      rc = markread_line(c, ev, &r->b); /* no tags */
    else
      rc = ev->kind == REED_EV_MESSAGE ? render_message(r)
           : ev->kind == REED_EV_JOIN  ? render_join(r)
           : ev->kind == REED_EV_MODE  ? render_mode(r)
                                       : render_other(r);
    if (rc == 0 && r->b->len > 0)
      b = r->b;
    else
      reed_buf_unref(r->b);
  }
  return b;
}

reed_buf_t *
reed__irc_render(reed_irc_core_t *c, const reed_event_t *ev)
{
  return render(c, ev, c->caps);
}

/* reed_event_render's formatter: ctx is the core. */
static reed_buf_t *
render_cb(void *ctx, const reed_event_t *ev)
{
  return reed__irc_render(ctx, ev);
}

/* The formatter of a connection with multiline or batch, whose form has
 * those caps too. Only a message of several lines (a batch, or not) needs
 * them: one of a single line is the same with or without, so it comes from
 * the form without them, and the form with them keeps it as well. Each
 * later connection with these caps then finds it at once instead of
 * looking through the text for line breaks again. */
static reed_buf_t *
render_ml_cb(void *ctx, const reed_event_t *ev)
{
  reed_irc_core_t *c = ctx;
  reed_form_t one_line = {&reed_irc_module, c->caps & IRC_FORM_CAPS};

  if (reed__irc_is_multiline(ev))
    return reed__irc_render(c, ev);
  return reed_event_render(ev, one_line, render_cb, c);
}

/* Writes around a labeled response being collected: a message to oneself
 * is a delivery, not part of the command's answer. */
static void
write_delivery(reed_irc_core_t *c, reed_buf_t *b)
{
  reed_buf_t *capture = c->capture;

  c->capture = NULL;
  reed__irc_write_buf(c, b);
  if ((c->state & IRC_ST_CLOSED) || c->write_failed)
    reed_buf_unref(capture);
  else
    c->capture = capture;
}

static void
on_kill(reed_irc_core_t *c, const reed_event_t *ev)
{
  char why[REED_REASON_MAX + 80];

  snprintf(why, sizeof(why), "Killed (%s (%s))",
           ev->from.nick ? ev->from.nick : IRC_SERVER(c),
           ev->text ? ev->text : "");
  reed__irc_label_conn(c, c->session);
  c->session = NULL; /* the model removes it after this event */
  reed__irc_close(c, why);
}

static void
deliver(reed_irc_core_t *c, const reed_event_t *ev)
{
  reed_form_t form = {&reed_irc_module, c->caps & IRC_FORM_CAPS};
  render_t probe = {.c = c, .ev = ev, .caps = c->caps};
  reed_event_fmt_cb fmt = render_cb;
  reed_buf_t *b;

  if (ev->kind == REED_EV_KILL) {
    on_kill(c, ev);
    return;
  }
  if (ev->kind == REED_EV_PRESENCE) {
    on_presence(c, ev);
    return;
  }
  if ((c->state & IRC_ST_CLOSED) || !wanted(&probe))
    return;
  if (c->caps & (IRC_CAP_MULTILINE | IRC_CAP_BATCH)) {
    form.variant |= c->caps & (IRC_CAP_MULTILINE | IRC_CAP_BATCH);
    fmt = render_ml_cb;
  }
  if ((b = reed_event_render(ev, form, fmt, c)) == NULL)
    return;
  if (ev->echo && to_self(&probe)) {
    /* A message to oneself: the model sends it once, as the echo. It is
     * the delivery, and with echo-message the echo too. */
    write_delivery(c, b);
    if ((c->caps & IRC_CAP_ECHO_MESSAGE) && !c->write_failed)
      reed__irc_write_buf(c, b);
  } else {
    reed__irc_write_buf(c, b);
  }
  reed_buf_unref(b);
}

void
reed__irc_on_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  reed_irc_core_t *c = ud;

  REED_UNUSED(s);
  deliver(c, ev);
  reed__irc_check_write(c);
}
