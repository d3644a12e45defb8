/* The in-process transport: a bot attached to reed's model. It owns a
 * session with origin "bot" and the bot flag; its listener copies model
 * events into a bounded queue, and a zero-delay timer hands them to the
 * handlers (a listener may not call the model back; a handler may). Actions
 * are model calls, so they return the model's answer. Rooms are "#name" to
 * the bot and "name" to the model. */
#include "bot_int.h"

#include "model.h"

#include <string.h>

#define QUEUE_MAX 4096
#define SEND_BURST 10
#define SEND_REFILL_MS 200

typedef struct local_ev_s {
  reed_bot_event_t ev; /* its strings live after the struct */
  struct local_ev_s *next;
} local_ev_t;

typedef struct local_s {
  reed_bot_t bot; /* first */
  reed_model_t *model;
  reed_session_t *session; /* NULL once quit or killed */
  uint64_t session_id;
  local_ev_t *head, *tail;
  size_t queued;
  unsigned long dropped;
  uint64_t flush_timer;
  unsigned tokens; /* messages the bot may send now */
  uint64_t tokens_ms;
} local_t;

/* ---- Event copies -----------------------------------------------------------
 */
typedef struct {
  const char *s;
  size_t len;
  int hash; /* prefix '#' (a room) */
} piece_t;

static piece_t
piece(const char *s, size_t len, int hash)
{
  return (piece_t){.s = s, .len = s ? len : 0, .hash = hash};
}

static piece_t
str_piece(const char *s, int hash)
{
  return piece(s, s ? strlen(s) : 0, hash);
}

static const char *
store_piece(char **at, piece_t p)
{
  char *start = *at;

  if (p.s == NULL)
    return NULL;
  if (p.hash)
    *(*at)++ = '#';
  memcpy(*at, p.s, p.len);
  *at += p.len;
  *(*at)++ = '\0';
  return start;
}

enum { P_NICK, P_ACCOUNT, P_ORIGIN, P_ROOM, P_TARGET, P_TEXT, P_COUNT };

/* One allocation: the event and copies of its strings. */
static local_ev_t *
copy_event(const reed_bot_event_t *tmpl, const piece_t p[P_COUNT])
{
  size_t size = sizeof(local_ev_t);
  local_ev_t *le;
  char *at;

  for (int i = 0; i < P_COUNT; i++)
    size += p[i].len + 2;
  le = reed_malloc(size);
  if (le == NULL)
    return NULL;
  le->ev = *tmpl;
  le->next = NULL;
  at = (char *)(le + 1);
  le->ev.nick = store_piece(&at, p[P_NICK]);
  le->ev.account = store_piece(&at, p[P_ACCOUNT]);
  le->ev.origin = store_piece(&at, p[P_ORIGIN]);
  le->ev.room = store_piece(&at, p[P_ROOM]);
  le->ev.target = store_piece(&at, p[P_TARGET]);
  le->ev.text = store_piece(&at, p[P_TEXT]);
  return le;
}

/* ---- The queue --------------------------------------------------------------
 */
static void flush(void *arg);

static void
push(local_t *l, local_ev_t *le)
{
  reed_clock_t *c = l->bot.clock;

  if (l->tail)
    l->tail->next = le;
  else
    l->head = le;
  l->tail = le;
  l->queued++;
  if (l->flush_timer == 0)
    l->flush_timer = c->call_later(c->c, 0, flush, l);
}

static void
enqueue(local_t *l, const reed_bot_event_t *tmpl, const piece_t p[P_COUNT])
{
  local_ev_t *le;

  if (l->queued >= QUEUE_MAX) {
    if (l->dropped++ == 0 && l->bot.log)
      reed_log(l->bot.log, REED_LOG_WARN,
               "bot: event queue full, dropping events");
    return;
  }
  le = copy_event(tmpl, p);
  if (le)
    push(l, le);
}

static local_ev_t *
pop(local_t *l)
{
  local_ev_t *le = l->head;

  l->head = le->next;
  if (l->head == NULL)
    l->tail = NULL;
  l->queued--;
  return le;
}

/* Dispatches the events queued before this turn; later ones get the next
 * timer (push schedules it), so one flush is bounded. */
static void
flush(void *arg)
{
  local_t *l = arg;
  size_t n = l->queued;

  l->flush_timer = 0;
  l->dropped = 0;
  while (n-- > 0 && l->head) {
    local_ev_t *le = pop(l);
    reed__bot_dispatch(&l->bot, &le->ev);
    reed_free(le);
  }
}

static void
queue_clear(local_t *l)
{
  reed_clock_t *c = l->bot.clock;

  while (l->head)
    reed_free(pop(l));
  if (l->flush_timer)
    c->cancel(c->c, l->flush_timer);
  l->flush_timer = 0;
}

/* ---- Model events to bot events ---------------------------------------------
 */
static reed_bot_event_kind_t
kind_of(const reed_event_t *ev)
{
  static const reed_bot_event_kind_t msg[] = {
      [REED_MSG_NORMAL] = REED_BOT_EV_MESSAGE,
      [REED_MSG_ACTION] = REED_BOT_EV_ACTION,
      [REED_MSG_NOTICE] = REED_BOT_EV_NOTICE,
  };

  switch (ev->kind) {
  case REED_EV_MESSAGE:
    if (ev->u.msg.msg_kind < 0 ||
        ev->u.msg.msg_kind >= (int)REED_ARRAY_SIZE(msg))
      return REED_BOT_EV_ANY;
    return msg[ev->u.msg.msg_kind];
  case REED_EV_JOIN:
    return REED_BOT_EV_JOIN;
  case REED_EV_PART:
    return REED_BOT_EV_PART;
  case REED_EV_QUIT:
    return REED_BOT_EV_QUIT;
  case REED_EV_NICK:
    return REED_BOT_EV_NICK;
  case REED_EV_TOPIC:
    return REED_BOT_EV_TOPIC;
  case REED_EV_KICK:
    return REED_BOT_EV_KICK;
  case REED_EV_INVITE:
    return REED_BOT_EV_INVITE;
  case REED_EV_KILL:
    return REED_BOT_EV_DISCONNECTED;
  case REED_EV_AFFILIATION: /* its op change comes as MODE; bots see neither */
  default:
    return REED_BOT_EV_ANY; /* not shown to bots */
  }
}

static int
is_self(const local_t *l, const reed_event_t *ev, reed_bot_event_kind_t k)
{
  const char *me = l->session ? reed_session_nick(l->session) : NULL;

  if (k == REED_BOT_EV_KICK)
    return me && ev->target && reed_casecmp(me, ev->target) == 0;
  return ev->from.session_id == l->session_id ||
         (me && ev->from.nick && reed_casecmp(me, ev->from.nick) == 0);
}

static void
on_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  local_t *l = ud;
  reed_bot_event_kind_t k = kind_of(ev);
  reed_bot_event_t tmpl = {.kind = k, .ts_ms = ev->ts_ms};
  piece_t p[P_COUNT] = {
      [P_NICK] = str_piece(ev->from.nick, 0),
      [P_ACCOUNT] = str_piece(ev->from.account, 0),
      [P_ORIGIN] = str_piece(ev->from.origin, 0),
      [P_ROOM] = str_piece(ev->room, 1),
      [P_TARGET] = str_piece(ev->target, 0),
      [P_TEXT] = piece(ev->text, ev->text_len, 0),
  };

  REED_UNUSED(s);
  if (k == REED_BOT_EV_ANY || ev->echo || ev->copy)
    return;
  tmpl.self = is_self(l, ev, k);
  if (k == REED_BOT_EV_DISCONNECTED) {
    /* The model frees the session after this event. */
    l->session = NULL;
    l->bot.closed = 1;
    for (int i = 0; i < P_COUNT; i++)
      if (i != P_TEXT)
        p[i] = str_piece(NULL, 0);
  }
  enqueue(l, &tmpl, p);
}

static const reed_session_listener_t listener = {.on_event = on_event};

/* ---- Actions ----------------------------------------------------------------
 */
static reed_session_t *
sess(void *t)
{
  return ((local_t *)t)->session;
}

static int
op_join(void *t, const char *room, const char *key)
{
  return sess(t) ? reed_room_join(sess(t), room + 1, key) : REED_ECLOSED;
}

static int
op_part(void *t, const char *room, const char *reason)
{
  return sess(t) ? reed_room_part(sess(t), room + 1, reason) : REED_ECLOSED;
}

/* A token bucket, so that a buggy bot cannot flood a room: one token per
 * message, SEND_BURST at most, one more every SEND_REFILL_MS. */
static int
take_token(local_t *l)
{
  reed_clock_t *c = l->bot.clock;
  uint64_t now = c->now_ms(c->c);

  while (l->tokens < SEND_BURST && now - l->tokens_ms >= SEND_REFILL_MS) {
    l->tokens++;
    l->tokens_ms += SEND_REFILL_MS;
  }
  if (l->tokens == SEND_BURST)
    l->tokens_ms = now;
  if (l->tokens == 0)
    return 0;
  l->tokens--;
  return 1;
}

static int
op_msg(void *t, const char *target, int kind, const char *text)
{
  reed_session_t *s = sess(t);

  if (s == NULL)
    return REED_ECLOSED;
  if (!take_token(t))
    return REED_EQUEUEFULL;
  if (target[0] == '#')
    return reed_room_say(s, target + 1, kind, text, strlen(text), NULL, NULL);
  return reed_tell(s, target, kind, text, strlen(text), NULL, NULL);
}

static int
op_set_topic(void *t, const char *room, const char *topic)
{
  if (sess(t) == NULL)
    return REED_ECLOSED;
  return reed_room_set_topic(sess(t), room + 1, topic);
}

static int
op_kick(void *t, const char *room, const char *nick, const char *reason)
{
  if (sess(t) == NULL)
    return REED_ECLOSED;
  return reed_room_kick(sess(t), room + 1, nick, reason);
}

static int
op_set_nick(void *t, const char *nick)
{
  return sess(t) ? reed_session_set_nick(sess(t), nick) : REED_ECLOSED;
}

static int
op_quit(void *t, const char *reason)
{
  local_t *l = t;

  if (l->session == NULL)
    return REED_ECLOSED;
  reed_session_quit(l->session, reason ? reason : "bot quit");
  l->session = NULL;
  return 0;
}

static const char *
op_nick(void *t)
{
  return sess(t) ? reed_session_nick(sess(t)) : NULL;
}

static const reed__bot_ops_t local_ops = {
    .join = op_join,
    .part = op_part,
    .msg = op_msg,
    .set_topic = op_set_topic,
    .kick = op_kick,
    .set_nick = op_set_nick,
    .quit = op_quit,
    .nick = op_nick,
};

/* ---- Construction -----------------------------------------------------------
 */
int
reed_bot_local_new(struct reed_model_s *model, struct reed_clock_s *clock,
                   struct reed_log_s *log, reed_bot_t **out)
{
  reed_session_info_t info = {.origin = "bot",
                              .user = "bot",
                              .host = "reed/bot",
                              .ip = "127.0.0.1",
                              .realname = "reed bot",
                              .listener = &listener};
  reed_bot_event_t connected = {.kind = REED_BOT_EV_CONNECTED, .self = 1};
  piece_t none[P_COUNT] = {{0}};
  local_t *l;
  int rc;

  if (model == NULL || clock == NULL || out == NULL)
    return REED_EINVAL;
  l = reed_calloc(1, sizeof(*l));
  if (l == NULL)
    return REED_ENOMEM;
  reed__bot_init(&l->bot, &local_ops, l, clock, log);
  l->model = model;
  l->tokens = SEND_BURST;
  l->tokens_ms = clock->now_ms(clock->c);
  info.ud = l;
  rc = reed_session_new(model, &info, &l->session);
  if (rc != 0) {
    reed_free(l);
    return rc;
  }
  l->session_id = reed_session_id(l->session);
  reed_session_set_bot(l->session, true);
  connected.ts_ms = clock->wall_ms(clock->c);
  enqueue(l, &connected, none);
  *out = &l->bot;
  return 0;
}

void
reed_bot_local_free(reed_bot_t *bot)
{
  local_t *l = (local_t *)bot;

  if (l == NULL)
    return;
  reed__bot_cleanup(&l->bot);
  queue_clear(l);
  if (l->session)
    reed_session_quit(l->session, "bot unloaded");
  reed_free(l);
}
