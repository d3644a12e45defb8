#include "rec.h"

#include <stdarg.h>
#include <stdio.h>

static char logbuf[1 << 16];
static size_t loglen;
static char taken[1 << 16];
static int next_ip;
int rec_formats;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logf_(const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
  va_end(ap);
  if (n > 0)
    loglen += (size_t)n;
  ASSERT(loglen < sizeof(logbuf) - 1);
}

const char *
rec_take(void)
{
  memcpy(taken, logbuf, loglen + 1);
  rec_clear();
  return taken;
}

void
rec_clear(void)
{
  loglen = 0;
  logbuf[0] = '\0';
}

static const char *const kinds[] = {
    "MSG",
    "JOIN",
    "PART",
    "QUIT",
    "NICK",
    "TOPIC",
    "MODE",
    "KICK",
    "INVITE",
    "AWAY",
    "ACCOUNT",
    "REALNAME",
    "HOST",
    "REDACT",
    "TAGMSG",
    "KILL",
    [REED_EV_READ_MARKER] = "READ",
    [REED_EV_PRESENCE] = "PRESENCE",
    [REED_EV_ANNOUNCE] = "ANNOUNCE",
    [REED_EV_AFFILIATION] = "AFF",
};

static const char *const aff_names[] = {"none", "outcast", "member", "admin",
                                        "owner"};

static const char *const mode_names[] = {
    "o", "v", "b", "e", "I", "k", "l", "m", "i", "t", "s", "n",
};

static void
log_modes(const reed_event_t *ev)
{
  for (size_t i = 0; i < ev->u.mode.n_modes; i++) {
    const reed_mode_change_t *c = &ev->u.mode.modes[i];
    logf_(" %c%s", c->set ? '+' : '-', mode_names[c->mode]);
    if (c->arg)
      logf_(" %s%s", c->account ? "account:" : "", c->arg);
  }
}

static void
log_body(const reed_event_t *ev)
{
  const char *where = ev->room ? ev->room : "-";

  switch (ev->kind) {
  case REED_EV_MESSAGE:
    if (ev->room)
      logf_(" %s", ev->room);
    else
      logf_(" >%s", ev->target);
    logf_(" %.*s", (int)ev->text_len, ev->text);
    if (ev->u.msg.msg_kind != REED_MSG_NORMAL)
      logf_(" kind=%d", ev->u.msg.msg_kind);
    if (ev->u.msg.reply_to)
      logf_(" reply=%llu", (unsigned long long)ev->u.msg.reply_to);
    break;
  case REED_EV_NICK:
    logf_(" %s", ev->target);
    break;
  case REED_EV_MODE:
    logf_(" %s", where);
    log_modes(ev);
    break;
  case REED_EV_KICK:
  case REED_EV_INVITE:
    logf_(" %s %s", where, ev->target);
    break;
  case REED_EV_KILL:
    logf_(" %s", ev->target);
    break;
  case REED_EV_ACCOUNT:
    logf_(" %s", ev->from.account ? ev->from.account : "*");
    break;
  case REED_EV_HOST:
    logf_(" %s@%s -> %s@%s", ev->from.user, ev->from.host, ev->target,
          ev->text);
    return;
  case REED_EV_PRESENCE:
    logf_(" %s %s", ev->target, ev->u.presence.online ? "on" : "off");
    if (ev->u.presence.online)
      logf_(" %s@%s", ev->from.user, ev->from.host);
    break;
  case REED_EV_REDACT:
    logf_(" %s %llu", ev->room ? ev->room : ev->target,
          (unsigned long long)ev->u.redact.ref_id);
    break;
  case REED_EV_TAGMSG:
    logf_(" %s", ev->room ? ev->room : ev->target);
    if (ev->u.msg.irc_client_tags)
      logf_(" %s", ev->u.msg.irc_client_tags);
    if (ev->u.msg.reply_to)
      logf_(" reply=%llu", (unsigned long long)ev->u.msg.reply_to);
    if (ev->u.msg.reaction)
      logf_(" react=%s", ev->u.msg.reaction);
    break;
  case REED_EV_AFFILIATION:
    logf_(" %s %s %s>%s", where, ev->target, aff_names[ev->u.aff.prev],
          aff_names[ev->u.aff.aff]);
    if (ev->u.aff.nick)
      logf_(" nick=%s", ev->u.aff.nick);
    break;
  case REED_EV_READ_MARKER:
    logf_(" %s%s %llu", ev->room ? "#" : "", ev->room ? ev->room : ev->target,
          (unsigned long long)ev->ts_ms);
    break;
  default:
    if (ev->room)
      logf_(" %s", ev->room);
    break;
  }
  if (ev->kind != REED_EV_MESSAGE && ev->text && ev->text[0])
    logf_(" :%.*s", (int)ev->text_len, ev->text);
}

/* Formats through the cache, as a protocol would (form 1). */
static void
use_cache(const reed_event_t *ev)
{
  reed_buf_t *b = reed_event_cache_get(ev, 1);

  if (b == NULL) {
    rec_formats++;
    b = reed_buf_from(kinds[ev->kind], strlen(kinds[ev->kind]));
    ASSERT(b != NULL);
    reed_event_cache_put(ev, 1, reed_buf_ref(b));
  }
  reed_buf_unref(b);
}

static void
on_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  (void)s;
  ASSERT((size_t)ev->kind < REED_ARRAY_SIZE(kinds));
  use_cache(ev);
  logf_("%s %s %s", (const char *)ud, kinds[ev->kind],
        ev->from.nick ? ev->from.nick : "*");
  log_body(ev);
  if (ev->echo)
    logf_(" echo");
  if (ev->label)
    logf_(" label=%s", ev->label);
  if (ev->copy)
    logf_(" copy");
  if (ev->kind == REED_EV_PART && ev->u.part.quitting)
    logf_(" quitting");
  if (ev->watch)
    logf_(" watch");
  logf_("\n");
}

const reed_session_listener_t rec_listener = {.on_event = on_event};

void
fx_init_opts(fx_t *f, reed_model_opts_t *o)
{
  f->live0 = reed_alloc_live();
  fc_init(&f->fc);
  f->fc.wall_base = 1700000000000ull - f->fc.now;
  o->clock = &f->fc.clock;
  ASSERT_EQ(reed_model_new(o, &f->m), 0);
  rec_clear();
  rec_formats = 0;
  next_ip = 0;
}

void
fx_init(fx_t *f)
{
  reed_model_opts_t o = {
      .server_name = "test.server",
      .room_history = 8,
      .private_history = 4,
      .max_rooms = 3,
      .max_list_entries = 2,
  };
  fx_init_opts(f, &o);
}

void
fx_done(fx_t *f)
{
  reed_model_free(f->m);
  ASSERT_EQ(reed_alloc_live(), f->live0);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
}

reed_session_t *
sess(fx_t *f, const char *label, const char *origin, const char *nick)
{
  char host[64], ip[32];
  reed_session_t *s;
  reed_session_info_t info = {
      .origin = origin,
      .user = label,
      .host = host,
      .ip = ip,
      .realname = "Real Name",
      .listener = &rec_listener,
      .ud = (void *)label,
  };

  snprintf(host, sizeof(host), "%s.example", label);
  snprintf(ip, sizeof(ip), "10.0.0.%d", ++next_ip);
  ASSERT_EQ(reed_session_new(f->m, &info, &s), 0);
  if (nick != NULL)
    ASSERT_EQ(reed_session_set_nick(s, nick), 0);
  return s;
}

reed_session_t *
sess_acct(fx_t *f, const char *label, const char *account, const char *nick)
{
  reed_session_t *s = sess(f, label, "irc", NULL);

  if (!reed_model_account_exists(f->m, account))
    ASSERT_EQ(reed_model_account_add(f->m, account), 0);
  ASSERT_EQ(reed_session_login(s, account), 0);
  if (nick != NULL)
    ASSERT_EQ(reed_session_set_nick(s, nick), 0);
  return s;
}

int
say(reed_session_t *s, const char *room, const char *text)
{
  return reed_room_say(s, room, REED_MSG_NORMAL, text, strlen(text), NULL,
                       NULL);
}

int
tell(reed_session_t *s, const char *nick, const char *text)
{
  return reed_tell(s, nick, REED_MSG_NORMAL, text, strlen(text), NULL, NULL);
}

int
mode1(reed_session_t *s, const char *room, reed_room_mode_t md, bool set,
      const char *arg)
{
  reed_mode_change_t c = {.mode = md, .set = set, .arg = arg};

  return reed_room_set_modes(s, room, &c, 1, NULL);
}
