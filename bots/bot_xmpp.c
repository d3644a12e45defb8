/* The networked transport's XMPP client: the bot's actions as stanzas
 * behind a token bucket (as the IRC client's lines: a burst of 5, then one
 * a second, 256 waiting), the rooms to rejoin, a keepalive ping, and
 * reconnects with backoff. Stanzas from the server go to
 * bot_xmpp_events.c; the connection itself is libstrophe's, driven by
 * bot_xmpp_uv.c through reed__bot_xmpp_io_t. */
#include "bot_xmpp_int.h"

#include <stdio.h>
#include <string.h>

#define KEEPALIVE_MS 30000
#define PING_AFTER_MS 120000
#define DEAD_AFTER_MS 240000
#define STABLE_MS 60000

static const reed__bot_ops_t xmpp_ops;

static uint64_t
now_ms(const reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;
  return c->now_ms(c->c);
}

/* ---- Building stanzas -------------------------------------------------------
 */
static xmpp_stanza_t *
child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
  xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(parent));

  if (c == NULL)
    return NULL;
  xmpp_stanza_set_name(c, name);
  if (ns)
    xmpp_stanza_set_ns(c, ns);
  xmpp_stanza_add_child(parent, c);
  xmpp_stanza_release(c);
  return c;
}

static xmpp_stanza_t *
text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
  xmpp_stanza_t *c = child(parent, name, NULL);
  xmpp_stanza_t *t = c ? xmpp_stanza_new(xmpp_stanza_get_context(c)) : NULL;

  if (t == NULL)
    return NULL;
  xmpp_stanza_set_text(t, text);
  xmpp_stanza_add_child(c, t);
  xmpp_stanza_release(t);
  return c;
}

static xmpp_stanza_t *
presence_to(reed__bot_xmpp_t *x, const char *to, const char *type)
{
  xmpp_stanza_t *p = xmpp_presence_new(x->ctx);

  if (p == NULL)
    return NULL;
  if (to)
    xmpp_stanza_set_to(p, to);
  if (type)
    xmpp_stanza_set_type(p, type);
  return p;
}

/* ---- Output -------------------------------------------------------------- */
void
reed__bot_xmpp_send_now(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  if (x->state == REED__BOT_XMPP_READY)
    x->io.send(x->io.io, st);
}

static void drain(reed__bot_xmpp_t *x);

static void
drain_fire(void *arg)
{
  reed__bot_xmpp_t *x = arg;

  x->drain_timer = 0;
  drain(x);
}

static void
refill(reed__bot_xmpp_t *x)
{
  uint64_t t = now_ms(x);

  while (x->tokens < REED__BOT_XMPP_BURST &&
         t - x->tokens_ms >= REED__BOT_XMPP_REFILL_MS) {
    x->tokens++;
    x->tokens_ms += REED__BOT_XMPP_REFILL_MS;
  }
  if (x->tokens == REED__BOT_XMPP_BURST)
    x->tokens_ms = t;
}

static xmpp_stanza_t *
queue_pop(reed__bot_xmpp_t *x)
{
  xmpp_stanza_t *st = x->queue[x->q_head];

  x->queue[x->q_head] = NULL;
  x->q_head = (x->q_head + 1) % REED__BOT_XMPP_QUEUE_MAX;
  x->q_len--;
  return st;
}

static void
drain(reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;

  if (x->state != REED__BOT_XMPP_READY)
    return;
  refill(x);
  while (x->q_len > 0 && x->tokens > 0) {
    xmpp_stanza_t *st = queue_pop(x);
    x->io.send(x->io.io, st);
    xmpp_stanza_release(st);
    x->tokens--;
  }
  if (x->q_len > 0 && x->drain_timer == 0)
    x->drain_timer =
        c->call_later(c->c, x->tokens_ms + REED__BOT_XMPP_REFILL_MS - now_ms(x),
                      drain_fire, x);
}

static void
queue_clear(reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;

  while (x->q_len > 0)
    xmpp_stanza_release(queue_pop(x));
  if (x->drain_timer)
    c->cancel(c->c, x->drain_timer);
  x->drain_timer = 0;
}

/* Queues st (taking it over) behind the bucket; 0 or ECLOSED,
 * EQUEUEFULL, ENOMEM. */
static int
enqueue(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  int rc = 0;

  if (st == NULL)
    return REED_ENOMEM;
  if (x->state != REED__BOT_XMPP_READY)
    rc = REED_ECLOSED;
  else if (x->q_len == REED__BOT_XMPP_QUEUE_MAX)
    rc = REED_EQUEUEFULL;
  if (rc) {
    xmpp_stanza_release(st);
    return rc;
  }
  x->queue[(x->q_head + x->q_len) % REED__BOT_XMPP_QUEUE_MAX] = st;
  x->q_len++;
  drain(x);
  return 0;
}

/* The join presence: to room/nick, no history (the bot only answers what
 * is said while it is there), the room's password if any. */
static xmpp_stanza_t *
join_presence(reed__bot_xmpp_t *x, const reed__bot_xmpp_room_t *r)
{
  char to[REED__BOT_XMPP_JID];
  char nick[REED__BOT_XMPP_NICK * 3];
  xmpp_stanza_t *p, *mx, *h, *caps;

  if (reed__bot_xmpp_nick_from_api(x->want_nick, nick, sizeof(nick)) != 0 ||
      (size_t)snprintf(to, sizeof(to), "%s/%s", r->jid, nick) >= sizeof(to))
    return NULL;
  p = presence_to(x, to, NULL);
  mx = p ? child(p, "x", REED__BOT_NS_MUC) : NULL;
  h = mx ? child(mx, "history", NULL) : NULL;
  if (h == NULL || (r->key && text_child(mx, "password", r->key) == NULL) ||
      (h && xmpp_stanza_set_attribute(h, "maxstanzas", "0") != 0)) {
    if (p)
      xmpp_stanza_release(p);
    return NULL;
  }
  caps = reed__bot_xmpp_caps(x);
  if (caps) {
    xmpp_stanza_add_child(p, caps);
    xmpp_stanza_release(caps);
  }
  return p;
}

/* ---- Actions ----------------------------------------------------------------
 */
static reed__bot_xmpp_t *
of_bot(void *t)
{
  return t;
}

static int
op_join(void *t, const char *room, const char *key)
{
  reed__bot_xmpp_t *x = of_bot(t);
  char jid[REED__BOT_XMPP_JID];
  reed__bot_xmpp_room_t *r;
  int rc = reed__bot_xmpp_room_jid(x->muc, room, jid, sizeof(jid));

  if (rc == 0 && x->state != REED__BOT_XMPP_READY)
    rc = REED_ECLOSED;
  if (rc == 0)
    rc = reed__bot_xmpp_room_remember(x, room, jid, key, &r);
  return rc ? rc : enqueue(x, join_presence(x, r));
}

static int
op_part(void *t, const char *room, const char *reason)
{
  reed__bot_xmpp_t *x = of_bot(t);
  char jid[REED__BOT_XMPP_JID], to[REED__BOT_XMPP_JID];
  char nick[REED__BOT_XMPP_NICK * 3];
  reed__bot_xmpp_room_t *r;
  xmpp_stanza_t *p;
  int rc = reed__bot_xmpp_room_jid(x->muc, room, jid, sizeof(jid));

  if (rc == 0)
    rc = reed__bot_xmpp_nick_from_api(x->want_nick, nick, sizeof(nick));
  if (rc)
    return rc;
  if ((r = reed__bot_xmpp_room_by_jid(x, jid)) == NULL)
    return REED_ENOTMEMBER;
  if ((size_t)snprintf(to, sizeof(to), "%s/%s", jid, nick) >= sizeof(to))
    return REED_ETOOBIG;
  p = presence_to(x, to, "unavailable");
  if (p && reason && text_child(p, "status", reason) == NULL) {
    xmpp_stanza_release(p);
    p = NULL;
  }
  rc = enqueue(x, p);
  if (rc == 0)
    reed__bot_xmpp_room_forget(x, r);
  return rc;
}

static int
op_msg(void *t, const char *target, int kind, const char *text)
{
  reed__bot_xmpp_t *x = of_bot(t);
  char to[REED__BOT_XMPP_JID];
  int room = target[0] == '#';
  int rc = room ? reed__bot_xmpp_room_jid(x->muc, target, to, sizeof(to))
                : reed__bot_xmpp_peer_jid(x, target, to, sizeof(to));
  xmpp_stanza_t *m;
  char *body;

  if (rc)
    return rc;
  if (room && reed__bot_xmpp_room_by_jid(x, to) == NULL)
    return REED_ENOTMEMBER;
  if (x->state != REED__BOT_XMPP_READY)
    return REED_ECLOSED;
  m = xmpp_message_new(x->ctx, room ? "groupchat" : "chat", to, NULL);
  body = reed_malloc(strlen(text) + 5);
  if (m && body) {
    snprintf(body, strlen(text) + 5, "%s%s",
             kind == REED__BOT_MSG_ACTION ? "/me " : "", text);
    if (xmpp_message_set_body(m, body) != XMPP_EOK) {
      xmpp_stanza_release(m);
      m = NULL;
    }
  }
  reed_free(body);
  return enqueue(x, m);
}

static int
op_set_topic(void *t, const char *room, const char *topic)
{
  reed__bot_xmpp_t *x = of_bot(t);
  char to[REED__BOT_XMPP_JID];
  int rc = reed__bot_xmpp_room_jid(x->muc, room, to, sizeof(to));
  xmpp_stanza_t *m;

  if (rc)
    return rc;
  if (x->state != REED__BOT_XMPP_READY)
    return REED_ECLOSED;
  m = xmpp_message_new(x->ctx, "groupchat", to, NULL);
  if (m && text_child(m, "subject", topic) == NULL) {
    xmpp_stanza_release(m);
    m = NULL;
  }
  return enqueue(x, m);
}

/* XEP-0045 section 8.2: a moderator sets the occupant's role to none. */
static int
op_kick(void *t, const char *room, const char *nick, const char *reason)
{
  reed__bot_xmpp_t *x = of_bot(t);
  char to[REED__BOT_XMPP_JID], id[32], name[REED__BOT_XMPP_NICK * 3];
  int rc = reed__bot_xmpp_room_jid(x->muc, room, to, sizeof(to));
  xmpp_stanza_t *iq, *q, *item;

  if (rc == 0)
    rc = reed__bot_xmpp_nick_from_api(nick, name, sizeof(name));
  if (rc)
    return rc;
  if (x->state != REED__BOT_XMPP_READY)
    return REED_ECLOSED;
  snprintf(id, sizeof(id), "kick%lu", ++x->id_seq);
  iq = xmpp_iq_new(x->ctx, "set", id);
  if (iq)
    xmpp_stanza_set_to(iq, to);
  q = iq ? child(iq, "query", REED__BOT_NS_MUC_ADMIN) : NULL;
  item = q ? child(q, "item", NULL) : NULL;
  if (item == NULL || xmpp_stanza_set_attribute(item, "nick", name) ||
      xmpp_stanza_set_attribute(item, "role", "none") ||
      (reason && text_child(item, "reason", reason) == NULL)) {
    if (iq)
      xmpp_stanza_release(iq);
    iq = NULL;
  }
  return enqueue(x, iq);
}

/* A new nick in every room the bot is in (XEP-0045 section 7.6); the
 * first join uses it when the bot is in none. */
static int
op_set_nick(void *t, const char *nick)
{
  reed__bot_xmpp_t *x = of_bot(t);
  int rc = 0;

  if (strlen(nick) >= sizeof(x->want_nick))
    return REED_EBADNICK;
  if (x->state != REED__BOT_XMPP_READY)
    return REED_ECLOSED;
  reed_strlcpy(x->want_nick, nick, sizeof(x->want_nick));
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX && rc == 0; i++)
    if (x->rooms[i] && x->rooms[i]->joined)
      rc = enqueue(x, join_presence(x, x->rooms[i]));
  return rc;
}

static void
stop_timers(reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;

  if (x->keepalive_timer)
    c->cancel(c->c, x->keepalive_timer);
  x->keepalive_timer = 0;
}

/* Unavailable presence with a status, to a room (its occupant JID) or,
 * with r NULL, to everyone; sent at once. */
static void
send_unavailable(reed__bot_xmpp_t *x, const reed__bot_xmpp_room_t *r,
                 const char *status)
{
  char to[REED__BOT_XMPP_JID], nick[REED__BOT_XMPP_NICK * 3];
  xmpp_stanza_t *p;

  if (r &&
      (reed__bot_xmpp_nick_from_api(x->nick, nick, sizeof(nick)) != 0 ||
       (size_t)snprintf(to, sizeof(to), "%s/%s", r->jid, nick) >= sizeof(to)))
    return;
  p = presence_to(x, r ? to : NULL, "unavailable");
  if (p && text_child(p, "status", status))
    x->io.send(x->io.io, p);
  if (p)
    xmpp_stanza_release(p);
}

static int
op_quit(void *t, const char *reason)
{
  reed__bot_xmpp_t *x = of_bot(t);
  int was = x->state;
  reed_clock_t *c = x->bot.clock;

  queue_clear(x);
  stop_timers(x);
  if (x->reconnect_timer)
    c->cancel(c->c, x->reconnect_timer);
  x->reconnect_timer = 0;
  /* Each room first, then everyone: a server need not pass the status of
   * the broadcast on to the rooms (XEP-0045 leaves it to the client). */
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX && was == REED__BOT_XMPP_READY;
       i++)
    if (x->rooms[i] && x->rooms[i]->joined)
      send_unavailable(x, x->rooms[i], reason ? reason : "bye");
  if (was == REED__BOT_XMPP_READY)
    send_unavailable(x, NULL, reason ? reason : "bye");
  x->state = REED__BOT_XMPP_DONE;
  if (was == REED__BOT_XMPP_READY || was == REED__BOT_XMPP_CONNECTING)
    x->io.close(x->io.io);
  return 0;
}

static const char *
op_nick(void *t)
{
  reed__bot_xmpp_t *x = of_bot(t);
  return x->nick[0] ? x->nick : NULL;
}

static const reed__bot_ops_t xmpp_ops = {
    .join = op_join,
    .part = op_part,
    .msg = op_msg,
    .set_topic = op_set_topic,
    .kick = op_kick,
    .set_nick = op_set_nick,
    .quit = op_quit,
    .nick = op_nick,
};

/* ---- Session ------------------------------------------------------------- */
void
reed__bot_xmpp_stanza(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  const char *name = xmpp_stanza_get_name(st);

  x->last_rx_ms = now_ms(x);
  x->ping_sent = 0;
  if (x->state != REED__BOT_XMPP_READY || name == NULL)
    return;
  if (strcmp(name, "message") == 0)
    reed__bot_xmpp_on_message(x, st);
  else if (strcmp(name, "presence") == 0)
    reed__bot_xmpp_on_presence(x, st);
  else if (strcmp(name, "iq") == 0)
    reed__bot_xmpp_on_iq(x, st);
}

/* Idle for PING_AFTER_MS: a XEP-0199 ping to the server (any answer,
 * even an error, counts as traffic); idle for DEAD_AFTER_MS: the
 * connection is dead, so close it and reconnect. */
static void
keepalive_fire(void *arg)
{
  reed__bot_xmpp_t *x = arg;
  reed_clock_t *c = x->bot.clock;
  uint64_t idle = now_ms(x) - x->last_rx_ms;

  x->keepalive_timer = 0;
  if (idle >= DEAD_AFTER_MS) {
    x->io.close(x->io.io);
    return;
  }
  if (idle >= PING_AFTER_MS && !x->ping_sent) {
    xmpp_stanza_t *iq = xmpp_iq_new(x->ctx, "get", "keepalive");
    if (iq && child(iq, "ping", REED__BOT_NS_PING)) {
      xmpp_stanza_set_to(iq, x->domain);
      reed__bot_xmpp_send_now(x, iq);
    }
    if (iq)
      xmpp_stanza_release(iq);
    x->ping_sent = 1;
  }
  x->keepalive_timer = c->call_later(c->c, KEEPALIVE_MS, keepalive_fire, x);
}

static void
send_initial_presence(reed__bot_xmpp_t *x)
{
  xmpp_stanza_t *p = presence_to(x, NULL, NULL);
  xmpp_stanza_t *caps = p ? reed__bot_xmpp_caps(x) : NULL;

  if (caps) {
    xmpp_stanza_add_child(p, caps);
    xmpp_stanza_release(caps);
  }
  if (p) {
    x->io.send(x->io.io, p);
    xmpp_stanza_release(p);
  }
}

void
reed__bot_xmpp_online(reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;
  reed_bot_event_t ev = {.kind = REED_BOT_EV_CONNECTED};

  if (x->state != REED__BOT_XMPP_CONNECTING)
    return;
  x->state = REED__BOT_XMPP_READY;
  x->ready_ms = x->last_rx_ms = now_ms(x);
  x->tokens = REED__BOT_XMPP_BURST;
  x->tokens_ms = x->ready_ms;
  reed_strlcpy(x->nick, x->want_nick, sizeof(x->nick));
  send_initial_presence(x);
  /* Rejoins go out at once: they are the bot's own, not its flood. */
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX; i++) {
    xmpp_stanza_t *p = x->rooms[i] ? join_presence(x, x->rooms[i]) : NULL;
    if (p) {
      x->io.send(x->io.io, p);
      xmpp_stanza_release(p);
    }
  }
  x->keepalive_timer = c->call_later(c->c, KEEPALIVE_MS, keepalive_fire, x);
  ev.ts_ms = reed_bot_wall_ms(&x->bot);
  reed__bot_dispatch(&x->bot, &ev);
}

static void
reconnect_fire(void *arg)
{
  reed__bot_xmpp_t *x = arg;

  x->reconnect_timer = 0;
  if (x->state != REED__BOT_XMPP_WAITING)
    return;
  x->state = REED__BOT_XMPP_CONNECTING;
  if (x->io.connect(x->io.io) != 0)
    reed__bot_xmpp_closed(x, "connect failed", 0);
}

/* As the IRC client: doubled each time up to the cap, +/-20% jitter, back
 * to the minimum after a connection that lasted STABLE_MS. */
static uint64_t
next_delay(reed__bot_xmpp_t *x, int was_ready)
{
  uint64_t d;

  if (was_ready && now_ms(x) - x->ready_ms >= STABLE_MS)
    x->delay_ms = 0;
  d = x->delay_ms ? x->delay_ms * 2 : x->delay_min_ms;
  if (d > x->delay_max_ms)
    d = x->delay_max_ms;
  x->delay_ms = d;
  if (x->no_jitter)
    return d;
  x->rng = x->rng * 1103515245u + 12345u;
  return d - d / 5 + (uint64_t)((x->rng >> 8) % 1000) * (2 * d / 5) / 1000;
}

void
reed__bot_xmpp_closed(reed__bot_xmpp_t *x, const char *reason, int final)
{
  reed_clock_t *c = x->bot.clock;
  reed_bot_event_t ev = {.kind = REED_BOT_EV_DISCONNECTED, .text = reason};
  int was_ready = x->state == REED__BOT_XMPP_READY;

  stop_timers(x);
  queue_clear(x);
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX; i++)
    if (x->rooms[i])
      reed__bot_xmpp_occ_clear(x->rooms[i]);
  if (x->state == REED__BOT_XMPP_DONE || x->state == REED__BOT_XMPP_IDLE)
    return;
  ev.ts_ms = reed_bot_wall_ms(&x->bot);
  if (final) {
    /* As the IRC client's refused SASL: the bot is done, its timers go. */
    reed_log(x->bot.log, REED_LOG_ERROR, "bot: %s", reason);
    x->state = REED__BOT_XMPP_DONE;
    x->bot.closed = 1;
    reed__bot_stop_timers(&x->bot);
    reed__bot_dispatch(&x->bot, &ev);
    return;
  }
  ev.retry_ms = next_delay(x, was_ready);
  x->state = REED__BOT_XMPP_WAITING;
  x->reconnect_timer = c->call_later(c->c, ev.retry_ms, reconnect_fire, x);
  reed__bot_dispatch(&x->bot, &ev);
}

int
reed__bot_xmpp_start(reed__bot_xmpp_t *x)
{
  if (x->state == REED__BOT_XMPP_DONE)
    return REED_ECLOSED;
  if (x->state != REED__BOT_XMPP_IDLE)
    return 0;
  x->state = REED__BOT_XMPP_CONNECTING;
  if (x->io.connect(x->io.io) != 0)
    reed__bot_xmpp_closed(x, "connect failed", 0);
  return 0;
}

/* ---- Construction -----------------------------------------------------------
 */
static int
opts_ok(const reed_bot_xmpp_opts_t *o)
{
  const char *at;

  if (o == NULL || o->jid == NULL || o->password == NULL ||
      o->password[0] == '\0')
    return 0;
  at = strchr(o->jid, '@');
  if (at == NULL || at == o->jid || at[1] == '\0' || at[1] == '/' ||
      strlen(o->jid) >= REED__BOT_XMPP_JID)
    return 0;
  if (o->muc && (o->muc[0] == '\0' || strpbrk(o->muc, "@/ ")))
    return 0;
  if (o->nick) {
    char api[REED__BOT_XMPP_NICK * 3];
    if (o->nick[0] == '\0' ||
        reed__bot_xmpp_nick_to_api(o->nick, api, sizeof(api)) != 0 ||
        strlen(api) >= REED__BOT_XMPP_NICK)
      return 0;
  }
  return 1;
}

/* The account's domain, and the nick (the localpart unless given). */
static int
identity(reed__bot_xmpp_t *x, const reed_bot_xmpp_opts_t *o)
{
  char bare[REED__BOT_XMPP_JID], node[REED__BOT_XMPP_JID];
  char *at;
  int rc = reed__bot_xmpp_split(o->jid, bare, sizeof(bare), NULL);

  if (rc)
    return rc;
  at = strchr(bare, '@');
  x->domain = reed_strdup(at + 1);
  memcpy(node, bare, (size_t)(at - bare));
  node[at - bare] = '\0';
  rc = reed__bot_xmpp_nick_to_api(o->nick ? o->nick : node, x->want_nick,
                                  sizeof(x->want_nick));
  if (rc)
    return REED_EINVAL;
  return x->domain ? 0 : REED_ENOMEM;
}

static int
muc_service(reed__bot_xmpp_t *x, const reed_bot_xmpp_opts_t *o)
{
  size_t len = strlen(x->domain) + sizeof("conference.");

  if (o->muc) {
    x->muc = reed_strdup(o->muc);
  } else if ((x->muc = reed_malloc(len)) != NULL) {
    snprintf(x->muc, len, "conference.%s", x->domain);
  }
  return x->muc ? 0 : REED_ENOMEM;
}

int
reed__bot_xmpp_init(reed__bot_xmpp_t *x, const reed_bot_xmpp_opts_t *o,
                    const reed__bot_xmpp_io_t *io, xmpp_ctx_t *ctx,
                    reed_clock_t *clock, reed_log_t *log)
{
  int rc;

  memset(x, 0, sizeof(*x));
  if (!opts_ok(o))
    return REED_EINVAL;
  reed__bot_init(&x->bot, &xmpp_ops, x, clock, log);
  x->io = *io;
  x->ctx = ctx;
  x->delay_min_ms = o->reconnect_min_ms ? o->reconnect_min_ms : 1000;
  x->delay_max_ms = o->reconnect_max_ms ? o->reconnect_max_ms : 300000;
  x->no_jitter = o->no_jitter;
  x->rng = (uint32_t)clock->now_ms(clock->c) ^ 0x9e3779b9u;
  x->jid = reed_strdup(o->jid);
  rc = x->jid ? identity(x, o) : REED_ENOMEM;
  if (rc == 0)
    rc = muc_service(x, o);
  if (rc)
    reed__bot_xmpp_cleanup(x);
  return rc;
}

void
reed__bot_xmpp_cleanup(reed__bot_xmpp_t *x)
{
  reed_clock_t *c = x->bot.clock;

  if (c) {
    queue_clear(x);
    stop_timers(x);
    if (x->reconnect_timer)
      c->cancel(c->c, x->reconnect_timer);
    x->reconnect_timer = 0;
    reed__bot_cleanup(&x->bot);
  }
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX; i++)
    if (x->rooms[i])
      reed__bot_xmpp_room_free(x->rooms[i]);
  for (int i = 0; i < REED__BOT_XMPP_PEERS; i++)
    reed_free(x->peers[i].jid);
  reed_free(x->jid);
  reed_free(x->domain);
  reed_free(x->muc);
  memset(x, 0, sizeof(*x));
}
