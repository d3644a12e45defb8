/* The networked transport's IRC client, sans-IO: input split into lines
 * and routed (registration to bot_irc_reg.c, events to bot_irc_events.c),
 * PING/PONG and a keepalive, bot actions turned into lines behind a token
 * bucket, the rooms to rejoin, and reconnects with backoff. Bytes come in
 * through reed__bot_irc_feed and go out through reed__bot_irc_io_t; time
 * is the bot's reed_clock_t. */
#include "bot_irc_int.h"

#include <stdio.h>
#include <string.h>

#define KEEPALIVE_MS 30000
#define PING_AFTER_MS 120000
#define DEAD_AFTER_MS 240000
#define STABLE_MS 60000

static const reed__bot_ops_t irc_ops;

static reed__bot_irc_t *
of_bot(void *t)
{
  return t;
}

uint64_t
reed__bot_irc_now(const reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;
  return c->now_ms(c->c);
}

int
reed__bot_irc_same(const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return 0;
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
    char y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

/* ---- Output -----------------------------------------------------------------
 * Registration, PONG and QUIT go straight out; actions wait in the queue
 * for a token (a burst of 5, then one a second). */
int
reed__bot_irc_write_now(reed__bot_irc_t *irc, const char *line)
{
  char buf[REED__BOT_IRC_LINE_BUDGET + 2];
  int n = snprintf(buf, sizeof(buf), "%s\r\n", line);

  if (n < 0 || (size_t)n >= sizeof(buf))
    return REED_ETOOBIG;
  return irc->io.write(irc->io.io, buf, (size_t)n);
}

static void drain(reed__bot_irc_t *irc);

static void
drain_fire(void *arg)
{
  reed__bot_irc_t *irc = arg;

  irc->drain_timer = 0;
  drain(irc);
}

static void
refill(reed__bot_irc_t *irc)
{
  uint64_t t = reed__bot_irc_now(irc);

  while (irc->tokens < REED__BOT_IRC_BURST &&
         t - irc->tokens_ms >= REED__BOT_IRC_REFILL_MS) {
    irc->tokens++;
    irc->tokens_ms += REED__BOT_IRC_REFILL_MS;
  }
  if (irc->tokens == REED__BOT_IRC_BURST)
    irc->tokens_ms = t;
}

static char *
queue_pop(reed__bot_irc_t *irc)
{
  char *line = irc->queue[irc->q_head];

  irc->queue[irc->q_head] = NULL;
  irc->q_head = (irc->q_head + 1) % REED__BOT_IRC_QUEUE_MAX;
  irc->q_len--;
  return line;
}

static void
drain(reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;

  if (irc->state != REED__BOT_IRC_READY)
    return;
  refill(irc);
  while (irc->q_len > 0 && irc->tokens > 0) {
    char *line = queue_pop(irc);
    irc->io.write(irc->io.io, line, strlen(line));
    reed_free(line);
    irc->tokens--;
  }
  if (irc->q_len > 0 && irc->drain_timer == 0)
    irc->drain_timer = c->call_later(
        c->c, irc->tokens_ms + REED__BOT_IRC_REFILL_MS - reed__bot_irc_now(irc),
        drain_fire, irc);
}

static void
queue_clear(reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;

  while (irc->q_len > 0)
    reed_free(queue_pop(irc));
  if (irc->drain_timer)
    c->cancel(c->c, irc->drain_timer);
  irc->drain_timer = 0;
}

/* Queues one line (without CR LF); 0 or EQUEUEFULL, ENOMEM. */
static int
enqueue(reed__bot_irc_t *irc, const char *line, size_t len)
{
  char *copy;

  if (irc->q_len == REED__BOT_IRC_QUEUE_MAX)
    return REED_EQUEUEFULL;
  copy = reed_malloc(len + 3);
  if (copy == NULL)
    return REED_ENOMEM;
  memcpy(copy, line, len);
  memcpy(copy + len, "\r\n", 3);
  irc->queue[(irc->q_head + irc->q_len) % REED__BOT_IRC_QUEUE_MAX] = copy;
  irc->q_len++;
  return 0;
}

int
reed__bot_irc_sendf(reed__bot_irc_t *irc, const char *fmt, ...)
{
  char line[REED__BOT_IRC_LINE_BUDGET + 1];
  va_list ap;
  int n, rc;

  if (irc->state != REED__BOT_IRC_READY)
    return REED_ECLOSED;
  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(line))
    return REED_ETOOBIG;
  rc = enqueue(irc, line, (size_t)n);
  if (rc == 0)
    drain(irc);
  return rc;
}

/* ---- Rooms to rejoin --------------------------------------------------------
 */
static int
room_index(const reed__bot_irc_t *irc, const char *room)
{
  for (int i = 0; i < REED__BOT_IRC_ROOMS_MAX; i++)
    if (irc->rooms[i] && reed__bot_irc_same(irc->rooms[i], room))
      return i;
  return -1;
}

static int
room_remember(reed__bot_irc_t *irc, const char *room)
{
  if (room_index(irc, room) >= 0)
    return 0;
  for (int i = 0; i < REED__BOT_IRC_ROOMS_MAX; i++) {
    if (irc->rooms[i] == NULL) {
      irc->rooms[i] = reed_strdup(room);
      return irc->rooms[i] ? 0 : REED_ENOMEM;
    }
  }
  return REED_ELIMIT;
}

void
reed__bot_irc_room_forget(reed__bot_irc_t *irc, const char *room)
{
  int i = room_index(irc, room);

  if (i >= 0) {
    reed_free(irc->rooms[i]);
    irc->rooms[i] = NULL;
  }
}

/* ---- Actions ----------------------------------------------------------------
 */
static int
op_join(void *t, const char *room, const char *key)
{
  reed__bot_irc_t *irc = of_bot(t);
  int rc = key ? reed__bot_irc_sendf(irc, "JOIN %s %s", room, key)
               : reed__bot_irc_sendf(irc, "JOIN %s", room);

  return rc ? rc : room_remember(irc, room);
}

static int
op_part(void *t, const char *room, const char *reason)
{
  reed__bot_irc_t *irc = of_bot(t);
  int rc = reason ? reed__bot_irc_sendf(irc, "PART %s :%s", room, reason)
                  : reed__bot_irc_sendf(irc, "PART %s", room);

  if (rc == 0)
    reed__bot_irc_room_forget(irc, room);
  return rc;
}

/* Bytes of text that fit one line after the prefix others will see. */
static size_t
text_budget(const reed__bot_irc_t *irc, const char *cmd, const char *target)
{
  size_t used = 1 + strlen(irc->nick) + 1 + strlen(irc->user) + 1 + 64 + 1 +
                strlen(cmd) + 1 + strlen(target) + 2 + 9;

  return used < REED__BOT_IRC_LINE_BUDGET - 16
             ? REED__BOT_IRC_LINE_BUDGET - used
             : 16;
}

static int
op_msg(void *t, const char *target, int kind, const char *text)
{
  reed__bot_irc_t *irc = of_bot(t);
  const char *cmd = kind == REED__BOT_MSG_NOTICE ? "NOTICE" : "PRIVMSG";
  const char *pre = kind == REED__BOT_MSG_ACTION ? "\001ACTION " : "";
  const char *post = kind == REED__BOT_MSG_ACTION ? "\001" : "";
  size_t max = text_budget(irc, cmd, target), len = strlen(text);
  int rc = 0;

  if (irc->state != REED__BOT_IRC_READY)
    return REED_ECLOSED;
  /* Cuts at character boundaries give up to 3 bytes less per line. */
  if ((len + max - 4) / (max - 3) > REED__BOT_IRC_QUEUE_MAX - irc->q_len)
    return REED_EQUEUEFULL;
  while (len > 0 && rc == 0) {
    /* text is valid UTF-8 (bot_core checked it) and max >= 16, so the
     * cut is never 0. */
    size_t n = reed_utf8_cut(text, len, max);
    rc = reed__bot_irc_sendf(irc, "%s %s :%s%.*s%s", cmd, target, pre, (int)n,
                             text, post);
    text += n;
    len -= n;
  }
  return rc;
}

static int
op_set_topic(void *t, const char *room, const char *topic)
{
  return reed__bot_irc_sendf(of_bot(t), "TOPIC %s :%s", room, topic);
}

static int
op_kick(void *t, const char *room, const char *nick, const char *reason)
{
  reed__bot_irc_t *irc = of_bot(t);

  if (reason)
    return reed__bot_irc_sendf(irc, "KICK %s %s :%s", room, nick, reason);
  return reed__bot_irc_sendf(irc, "KICK %s %s", room, nick);
}

static int
op_set_nick(void *t, const char *nick)
{
  reed__bot_irc_t *irc = of_bot(t);

  int rc;

  if (strlen(nick) > 32)
    return REED_EBADNICK;
  rc = reed__bot_irc_sendf(irc, "NICK %s", nick);
  if (rc == 0)
    reed_strlcpy(irc->want_nick, nick, sizeof(irc->want_nick));
  return rc;
}

static int
op_quit(void *t, const char *reason)
{
  reed__bot_irc_t *irc = of_bot(t);
  int was = irc->state;
  reed_clock_t *c = irc->bot.clock;

  irc->state = REED__BOT_IRC_DONE;
  queue_clear(irc);
  reed__bot_irc_stop_timers(irc);
  if (irc->reconnect_timer)
    c->cancel(c->c, irc->reconnect_timer);
  irc->reconnect_timer = 0;
  if (was == REED__BOT_IRC_READY || was == REED__BOT_IRC_REGISTERING) {
    char line[REED__BOT_IRC_LINE_BUDGET];
    snprintf(line, sizeof(line), "QUIT :%s", reason ? reason : "bye");
    reed__bot_irc_write_now(irc, line);
    irc->io.close(irc->io.io);
  } else if (was == REED__BOT_IRC_CONNECTING) {
    irc->io.close(irc->io.io);
  }
  return 0;
}

static const char *
op_nick(void *t)
{
  reed__bot_irc_t *irc = of_bot(t);
  return irc->nick[0] ? irc->nick : NULL;
}

int
reed__bot_irc_say(reed__bot_irc_t *irc, const char *target, int kind,
                  const char *text)
{
  return op_msg(irc, target, kind, text);
}

static const reed__bot_ops_t irc_ops = {
    .join = op_join,
    .part = op_part,
    .msg = op_msg,
    .set_topic = op_set_topic,
    .kick = op_kick,
    .set_nick = op_set_nick,
    .quit = op_quit,
    .nick = op_nick,
};

static void
on_ping(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  char line[REED__BOT_IRC_LINE_BUDGET];

  snprintf(line, sizeof(line), "PONG :%s", m->n_params > 0 ? m->params[0] : "");
  reed__bot_irc_write_now(irc, line);
}

/* Registration commands come before READY; events only after it. */
static void
on_line(reed__bot_irc_t *irc, const char *line, size_t len)
{
  reed__bot_irc_msg_t *m = &irc->msg;
  const char *c;

  if (reed__bot_irc_parse(line, len, m) != 0)
    return;
  c = m->command;
  if (strcmp(c, "PING") == 0)
    on_ping(irc, m);
  else if (strcmp(c, "CAP") == 0)
    reed__bot_irc_on_cap(irc, m);
  else if (strcmp(c, "AUTHENTICATE") == 0 && irc->sasl_user &&
           m->n_params > 0 && strcmp(m->params[0], "+") == 0)
    reed__bot_irc_on_authenticate(irc);
  else if (c[0] >= '0' && c[0] <= '9' && strlen(c) == 3)
    reed__bot_irc_on_numeric(
        irc, m, (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0'));
  else if (irc->state == REED__BOT_IRC_READY)
    reed__bot_irc_on_event(irc, m);
}

void
reed__bot_irc_feed(reed__bot_irc_t *irc, const char *data, size_t len)
{
  irc->last_rx_ms = reed__bot_irc_now(irc);
  irc->ping_sent = 0;
  for (size_t i = 0; i < len; i++) {
    if (irc->state == REED__BOT_IRC_DONE || irc->in == NULL)
      return;
    if (data[i] == '\n') {
      if (!irc->in_discard)
        on_line(irc, irc->in, irc->in_len);
      irc->in_len = 0;
      irc->in_discard = 0;
    } else if (irc->in_len < REED__BOT_IRC_IN_MAX) {
      irc->in[irc->in_len++] = data[i];
    } else {
      irc->in_discard = 1; /* an over-long line is dropped whole */
    }
  }
}

/* ---- Keepalive and reconnect -------------------------------------------
 */
static void
keepalive_fire(void *arg)
{
  reed__bot_irc_t *irc = arg;
  reed_clock_t *c = irc->bot.clock;
  uint64_t idle = reed__bot_irc_now(irc) - irc->last_rx_ms;

  irc->keepalive_timer = 0;
  if (idle >= DEAD_AFTER_MS) {
    irc->io.close(irc->io.io);
    return;
  }
  if (idle >= PING_AFTER_MS && !irc->ping_sent) {
    reed__bot_irc_write_now(irc, "PING :reed-bot");
    irc->ping_sent = 1;
  }
  irc->keepalive_timer = c->call_later(c->c, KEEPALIVE_MS, keepalive_fire, irc);
}

void
reed__bot_irc_keepalive_start(reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;

  irc->keepalive_timer = c->call_later(c->c, KEEPALIVE_MS, keepalive_fire, irc);
}

void
reed__bot_irc_stop_timers(reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;

  if (irc->keepalive_timer)
    c->cancel(c->c, irc->keepalive_timer);
  irc->keepalive_timer = 0;
}

static void
reconnect_fire(void *arg)
{
  reed__bot_irc_t *irc = arg;

  irc->reconnect_timer = 0;
  if (irc->state != REED__BOT_IRC_WAITING)
    return;
  irc->state = REED__BOT_IRC_CONNECTING;
  if (irc->io.connect(irc->io.io) != 0)
    reed__bot_irc_closed(irc, "connect failed");
}

/* The next delay: doubled each time up to the cap, +/-20% jitter, back to
 * the minimum after a connection that lasted STABLE_MS. */
static uint64_t
next_delay(reed__bot_irc_t *irc, int was_ready)
{
  uint64_t d;

  if (was_ready && reed__bot_irc_now(irc) - irc->ready_ms >= STABLE_MS)
    irc->delay_ms = 0;
  d = irc->delay_ms ? irc->delay_ms * 2 : irc->delay_min_ms;
  if (d > irc->delay_max_ms)
    d = irc->delay_max_ms;
  irc->delay_ms = d;
  if (irc->no_jitter)
    return d;
  irc->rng = irc->rng * 1103515245u + 12345u;
  return d - d / 5 + (uint64_t)((irc->rng >> 8) % 1000) * (2 * d / 5) / 1000;
}

void
reed__bot_irc_closed(reed__bot_irc_t *irc, const char *reason)
{
  reed_clock_t *c = irc->bot.clock;
  reed_bot_event_t ev = {.kind = REED_BOT_EV_DISCONNECTED, .text = reason};
  int was_ready = irc->state == REED__BOT_IRC_READY;

  reed__bot_irc_stop_timers(irc);
  queue_clear(irc);
  if (irc->state == REED__BOT_IRC_DONE || irc->state == REED__BOT_IRC_IDLE)
    return;
  ev.retry_ms = next_delay(irc, was_ready);
  ev.ts_ms = reed_bot_wall_ms(&irc->bot);
  irc->state = REED__BOT_IRC_WAITING;
  irc->reconnect_timer = c->call_later(c->c, ev.retry_ms, reconnect_fire, irc);
  reed__bot_dispatch(&irc->bot, &ev);
}

int
reed__bot_irc_start(reed__bot_irc_t *irc)
{
  if (irc->state == REED__BOT_IRC_DONE)
    return REED_ECLOSED;
  if (irc->state != REED__BOT_IRC_IDLE)
    return 0;
  irc->state = REED__BOT_IRC_CONNECTING;
  if (irc->io.connect(irc->io.io) != 0)
    reed__bot_irc_closed(irc, "connect failed");
  return 0;
}

/* ---- Construction -----------------------------------------------------------
 */
static int
dup_or_null(const char *s, char **out)
{
  *out = s ? reed_strdup(s) : NULL;
  return s && *out == NULL ? REED_ENOMEM : 0;
}

static int
opts_ok(const reed_bot_irc_opts_t *o)
{
  if (o == NULL || o->host == NULL || o->nick == NULL || o->nick[0] == '\0')
    return 0;
  if (strlen(o->nick) > 32 || strpbrk(o->nick, " \r\n,!@#:"))
    return 0;
  if ((o->sasl_user == NULL) != (o->sasl_pass == NULL))
    return 0;
  if (o->sasl_user && strlen(o->sasl_user) + strlen(o->sasl_pass) > 290)
    return 0;
  for (const char *s = o->user ? o->user : ""; *s; s++)
    if ((unsigned char)*s <= ' ')
      return 0;
  return (o->realname == NULL || reed__bot_text_ok(o->realname)) &&
         (o->password == NULL || !strpbrk(o->password, " \r\n"));
}

int
reed__bot_irc_init(reed__bot_irc_t *irc, const reed_bot_irc_opts_t *o,
                   const reed__bot_irc_io_t *io, reed_clock_t *clock,
                   reed_log_t *log)
{
  memset(irc, 0, sizeof(*irc));
  if (!opts_ok(o))
    return REED_EINVAL;
  reed__bot_init(&irc->bot, &irc_ops, irc, clock, log);
  irc->io = *io;
  irc->port = o->port ? o->port : 6667;
  reed_strlcpy(irc->want_nick, o->nick, sizeof(irc->want_nick));
  irc->delay_min_ms = o->reconnect_min_ms ? o->reconnect_min_ms : 1000;
  irc->delay_max_ms = o->reconnect_max_ms ? o->reconnect_max_ms : 300000;
  irc->no_jitter = o->no_jitter;
  irc->rng = (uint32_t)clock->now_ms(clock->c) ^ 0x9e3779b9u;
  irc->in = reed_malloc(REED__BOT_IRC_IN_MAX);
  if (irc->in == NULL || dup_or_null(o->host, &irc->host) ||
      dup_or_null(o->user ? o->user : o->nick, &irc->user) ||
      dup_or_null(o->realname ? o->realname : "reed bot", &irc->realname) ||
      dup_or_null(o->password, &irc->password) ||
      dup_or_null(o->sasl_user, &irc->sasl_user) ||
      dup_or_null(o->sasl_pass, &irc->sasl_pass)) {
    reed__bot_irc_cleanup(irc);
    return REED_ENOMEM;
  }
  return 0;
}

void
reed__bot_irc_cleanup(reed__bot_irc_t *irc)
{
  reed_clock_t *c = irc->bot.clock;

  if (c) {
    queue_clear(irc);
    reed__bot_irc_stop_timers(irc);
    if (irc->reconnect_timer)
      c->cancel(c->c, irc->reconnect_timer);
    irc->reconnect_timer = 0;
    reed__bot_cleanup(&irc->bot);
  }
  for (int i = 0; i < REED__BOT_IRC_ROOMS_MAX; i++)
    reed_free(irc->rooms[i]);
  reed_free(irc->in);
  reed_free(irc->host);
  reed_free(irc->user);
  reed_free(irc->realname);
  reed_free(irc->password);
  reed_free(irc->sasl_user);
  reed_free(irc->sasl_pass);
  memset(irc, 0, sizeof(*irc));
}
