/* The sans-IO bot core: handler lists with filters, dispatch, commands,
 * timers over reed_clock_t, and the actions' argument checks. Both
 * transports (bot_irc.c, bot_local.c) plug in through reed__bot_ops_t. */
#include "bot_int.h"

#include <string.h>

_Static_assert(REED_BOT_ENOMEM == REED_ENOMEM, "codes match base.h");
_Static_assert(REED_BOT_EINVAL == REED_EINVAL, "codes match base.h");
_Static_assert(REED_BOT_EQUEUEFULL == REED_EQUEUEFULL, "codes match");
_Static_assert(REED_BOT_ENOTFOUND == REED_ENOTFOUND, "codes match");
_Static_assert(REED_BOT_ETOOBIG == REED_ETOOBIG, "codes match");
_Static_assert(REED_BOT_ECLOSED == REED_ECLOSED, "codes match");
_Static_assert(REED_BOT_ETLS == REED_ETLS, "codes match");
_Static_assert(REED_BOT_EAUTH == REED_EAUTH, "codes match");
_Static_assert(REED_BOT_EBADNICK == REED_EBADNICK, "codes match");
_Static_assert(REED_BOT_ENICKINUSE == REED_ENICKINUSE, "codes match");
_Static_assert(REED_BOT_ENOSUCHNICK == REED_ENOSUCHNICK, "codes match");
_Static_assert(REED_BOT_EBADROOM == REED_EBADROOM, "codes match");
_Static_assert(REED_BOT_ENOSUCHROOM == REED_ENOSUCHROOM, "codes match");
_Static_assert(REED_BOT_ENOTMEMBER == REED_ENOTMEMBER, "codes match");
_Static_assert(REED_BOT_ENOPRIV == REED_ENOPRIV, "codes match");
_Static_assert(REED_BOT_EBADTEXT == REED_EBADTEXT, "codes match");

#define COMMAND_MAX 32
#define ARGS_MAX 512

void
reed__bot_init(reed_bot_t *bot, const reed__bot_ops_t *ops, void *t,
               reed_clock_t *clock, reed_log_t *log)
{
  memset(bot, 0, sizeof(*bot));
  bot->ops = ops;
  bot->t = t;
  bot->clock = clock;
  bot->log = log;
  reed_strlcpy(bot->prefix, "!", sizeof(bot->prefix));
  bot->cmd_max = 12;
  bot->cmd_window_ms = 60000;
}

REED_EXTERN const char *
reed_bot_strerror(int err)
{
  return reed_strerror(err);
}

/* ---- Names and texts ------------------------------------------------------
 */
static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
same_name(const char *a, const char *b)
{
  while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
    a++;
    b++;
  }
  return *a == '\0' && *b == '\0';
}

int
reed__bot_text_ok(const char *text)
{
  size_t len;

  if (text == NULL)
    return 0;
  len = strlen(text);
  if (memchr(text, '\r', len) || memchr(text, '\n', len))
    return 0;
  return reed_utf8_valid((const uint8_t *)text, len);
}

int
reed__bot_room_ok(const char *room)
{
  size_t len;

  if (room == NULL || room[0] != '#')
    return 0;
  len = strlen(room);
  if (len < 2 || len > 64)
    return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)room[i];
    if (c <= ' ' || c == ',' || c == 0x7f)
      return 0;
  }
  return reed_utf8_valid((const uint8_t *)room, len);
}

static int
nick_ok(const char *nick)
{
  size_t len;

  if (nick == NULL || nick[0] == '\0' || nick[0] == '#' || nick[0] == ':')
    return 0;
  len = strlen(nick);
  if (len > 64)
    return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)nick[i];
    if (c <= ' ' || c == ',' || c == '!' || c == '@' || c >= 0x7f)
      return 0;
  }
  return 1;
}

/* Room keys: 1..32 bytes without space, comma or controls. */
static int
key_ok(const char *key)
{
  size_t len = strlen(key);

  if (len == 0 || len > 32)
    return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)key[i];
    if (c <= ' ' || c == ',' || c == 0x7f)
      return 0;
  }
  return 1;
}

static int
opt_text_ok(const char *text)
{
  return text == NULL || reed__bot_text_ok(text);
}

/* ---- Handlers -------------------------------------------------------------
 */
static void
handler_free(reed__bot_handler_t *h)
{
  reed_free(h->room);
  reed_free(h->nick);
  reed_free(h->command);
  reed_free(h);
}

static int
dup_opt(const char *s, char **out)
{
  *out = NULL;
  if (s == NULL)
    return 0;
  *out = reed_strdup(s);
  return *out ? 0 : REED_ENOMEM;
}

static reed__bot_handler_t *
handler_new(const reed_bot_filter_t *f)
{
  reed__bot_handler_t *h = reed_calloc(1, sizeof(*h));

  if (h == NULL)
    return NULL;
  if (f == NULL)
    return h;
  h->kind = f->command ? REED_BOT_EV_COMMAND : f->kind;
  if (dup_opt(f->room, &h->room) || dup_opt(f->nick, &h->nick) ||
      dup_opt(f->command, &h->command)) {
    handler_free(h);
    return NULL;
  }
  return h;
}

REED_EXTERN int
reed_bot_on(reed_bot_t *bot, const reed_bot_filter_t *filter,
            reed_bot_handler_cb cb, void *ud)
{
  reed__bot_handler_t *h, **pp;

  if (bot == NULL || cb == NULL)
    return REED_EINVAL;
  if (filter && (filter->kind < 0 || filter->kind >= REED_BOT_EV_KIND_COUNT))
    return REED_EINVAL;
  h = handler_new(filter);
  if (h == NULL)
    return REED_ENOMEM;
  h->cb = cb;
  h->ud = ud;
  h->enabled = bot->depth == 0;
  for (pp = &bot->handlers; *pp; pp = &(*pp)->next)
    ;
  *pp = h;
  return 0;
}

/* Frees removed handlers and enables new ones, once no dispatch runs. */
static void
handlers_settle(reed_bot_t *bot)
{
  reed__bot_handler_t **pp = &bot->handlers;

  while (*pp) {
    reed__bot_handler_t *h = *pp;
    if (h->removed) {
      *pp = h->next;
      handler_free(h);
      continue;
    }
    h->enabled = 1;
    pp = &h->next;
  }
  bot->dirty = 0;
}

REED_EXTERN int
reed_bot_off(reed_bot_t *bot, reed_bot_handler_cb cb, void *ud)
{
  int found = 0;

  if (bot == NULL)
    return REED_EINVAL;
  for (reed__bot_handler_t *h = bot->handlers; h; h = h->next) {
    if (h->cb == cb && h->ud == ud && !h->removed) {
      h->removed = 1;
      found = 1;
    }
  }
  if (!found)
    return REED_ENOTFOUND;
  bot->dirty = 1;
  if (bot->depth == 0)
    handlers_settle(bot);
  return 0;
}

static int
handler_matches(const reed__bot_handler_t *h, const reed_bot_event_t *ev)
{
  if (!h->enabled || h->removed)
    return 0;
  if (h->kind != REED_BOT_EV_ANY && h->kind != ev->kind)
    return 0;
  if (h->room && (ev->room == NULL || !same_name(h->room, ev->room)))
    return 0;
  if (h->nick && (ev->nick == NULL || !same_name(h->nick, ev->nick)))
    return 0;
  if (h->command &&
      (ev->command == NULL || !same_name(h->command, ev->command)))
    return 0;
  return 1;
}

static void
dispatch_one(reed_bot_t *bot, const reed_bot_event_t *ev)
{
  bot->depth++;
  /* Handlers are never unlinked while depth > 0, so `next` stays valid
   * whatever a handler adds or removes. */
  for (reed__bot_handler_t *h = bot->handlers; h; h = h->next) {
    if (!handler_matches(h, ev))
      continue;
    if (h->cb(bot, ev, h->ud) == REED_BOT_REMOVE) {
      h->removed = 1;
      bot->dirty = 1;
    }
  }
  if (--bot->depth == 0)
    handlers_settle(bot);
}

/* ---- Commands -------------------------------------------------------------
 */
static const char *
skip_spaces(const char *p)
{
  while (*p == ' ')
    p++;
  return p;
}

/* "botnick: rest" or "botnick, rest" addresses the bot by name. */
static const char *
addressed_rest(const reed_bot_t *bot, const char *text)
{
  const char *nick = bot->ops && bot->ops->nick ? bot->ops->nick(bot->t) : 0;
  size_t n;

  if (nick == NULL || *nick == '\0')
    return NULL;
  n = strlen(nick);
  for (size_t i = 0; i < n; i++)
    if (text[i] == '\0' ||
        lower((unsigned char)text[i]) != lower((unsigned char)nick[i]))
      return NULL;
  if (text[n] != ':' && text[n] != ',')
    return NULL;
  return skip_spaces(text + n + 1);
}

static const char *
command_start(const reed_bot_t *bot, const char *text)
{
  size_t plen = strlen(bot->prefix);

  if (strncmp(text, bot->prefix, plen) == 0)
    return text + plen;
  return addressed_rest(bot, text);
}

int
reed__bot_parse_command(const reed_bot_t *bot, const char *text, char *name,
                        size_t name_size, char *args, size_t args_size)
{
  const char *p = text ? command_start(bot, text) : NULL;
  size_t n = 0, alen;

  if (p == NULL)
    return 0;
  while (p[n] && p[n] != ' ')
    n++;
  if (n == 0 || n >= name_size)
    return 0;
  memcpy(name, p, n);
  name[n] = '\0';
  p = skip_spaces(p + n);
  alen = strlen(p);
  while (alen > 0 && p[alen - 1] == ' ')
    alen--;
  if (alen >= args_size)
    alen = args_size - 1;
  while (alen > 0 && p[alen - 1] == ' ') /* the cut may end in spaces */
    alen--;
  memcpy(args, p, alen);
  args[alen] = '\0';
  return 1;
}

static reed__bot_rate_t *
rate_slot(reed_bot_t *bot, const char *nick)
{
  reed__bot_rate_t *victim = NULL;

  /* The nick's slot, else an empty one, else the oldest window. */
  for (size_t i = 0; i < REED__BOT_RATE_SLOTS; i++) {
    reed__bot_rate_t *r = &bot->rate[i];
    if (r->nick[0] && same_name(r->nick, nick))
      return r;
    if (victim == NULL ||
        (victim->nick[0] && (!r->nick[0] || r->start_ms < victim->start_ms)))
      victim = r;
  }
  memset(victim, 0, sizeof(*victim));
  reed_strlcpy(victim->nick, nick, sizeof(victim->nick));
  return victim;
}

/* 1 when this nick may run one more command now. */
static int
command_allowed(reed_bot_t *bot, const char *nick)
{
  uint64_t now;
  reed__bot_rate_t *r;

  if (bot->cmd_max == 0 || nick == NULL || bot->clock == NULL)
    return 1;
  now = bot->clock->now_ms(bot->clock->c);
  r = rate_slot(bot, nick);
  if (r->count == 0 || now - r->start_ms >= bot->cmd_window_ms) {
    r->start_ms = now;
    r->count = 0;
  }
  if (++r->count == bot->cmd_max + 1 && bot->log)
    reed_log(bot->log, REED_LOG_WARN, "bot: ignoring commands from %s", nick);
  return r->count <= bot->cmd_max;
}

REED_EXTERN int
reed_bot_set_command_rate(reed_bot_t *bot, unsigned max, uint64_t window_ms)
{
  if (bot == NULL || (max > 0 && window_ms == 0))
    return REED_EINVAL;
  bot->cmd_max = max;
  bot->cmd_window_ms = window_ms;
  memset(bot->rate, 0, sizeof(bot->rate));
  return 0;
}

void
reed__bot_dispatch(reed_bot_t *bot, const reed_bot_event_t *ev)
{
  char name[COMMAND_MAX + 1], args[ARGS_MAX];
  reed_bot_event_t cmd;

  dispatch_one(bot, ev);
  if (ev->kind != REED_BOT_EV_MESSAGE || ev->self ||
      !reed__bot_parse_command(bot, ev->text, name, sizeof(name), args,
                               sizeof(args)) ||
      !command_allowed(bot, ev->nick))
    return;
  cmd = *ev;
  cmd.kind = REED_BOT_EV_COMMAND;
  cmd.command = name;
  cmd.args = args;
  dispatch_one(bot, &cmd);
}

REED_EXTERN int
reed_bot_set_prefix(reed_bot_t *bot, const char *prefix)
{
  size_t len;

  if (bot == NULL || prefix == NULL)
    return REED_EINVAL;
  len = strlen(prefix);
  if (len == 0 || len >= sizeof(bot->prefix))
    return REED_EINVAL;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)prefix[i] <= ' ' || prefix[i] == 0x7f)
      return REED_EINVAL;
  memcpy(bot->prefix, prefix, len + 1);
  return 0;
}

/* ---- Timers ---------------------------------------------------------------
 */
static void timer_fire(void *arg);

static int
timer_schedule(reed__bot_timer_t *tm)
{
  reed_clock_t *c = tm->bot->clock;

  tm->clock_id = c->call_later(c->c, tm->ms, timer_fire, tm);
  return tm->clock_id ? 0 : REED_ENOMEM;
}

static void
timer_unlink(reed__bot_timer_t *tm)
{
  reed__bot_timer_t **pp = &tm->bot->timers;

  while (*pp && *pp != tm)
    pp = &(*pp)->next;
  if (*pp)
    *pp = tm->next;
  reed_free(tm);
}

static void
timer_fire(void *arg)
{
  reed__bot_timer_t *tm = arg;
  int rc;

  tm->clock_id = 0;
  tm->firing = 1;
  rc = tm->cb(tm->bot, tm->ud);
  tm->firing = 0;
  if (tm->removed || !tm->repeat || rc == REED_BOT_REMOVE ||
      timer_schedule(tm) != 0)
    timer_unlink(tm);
}

static int
timer_add(reed_bot_t *bot, uint64_t ms, int repeat, reed_bot_timer_cb cb,
          void *ud)
{
  reed__bot_timer_t *tm;

  if (bot == NULL || cb == NULL || ms == 0)
    return REED_EINVAL;
  if (bot->closed)
    return REED_ECLOSED;
  tm = reed_calloc(1, sizeof(*tm));
  if (tm == NULL)
    return REED_ENOMEM;
  *tm = (reed__bot_timer_t){
      .bot = bot, .ms = ms, .repeat = repeat, .cb = cb, .ud = ud};
  if (timer_schedule(tm) != 0) {
    reed_free(tm);
    return REED_ENOMEM;
  }
  tm->next = bot->timers;
  bot->timers = tm;
  return 0;
}

REED_EXTERN int
reed_bot_every(reed_bot_t *bot, uint64_t ms, reed_bot_timer_cb cb, void *ud)
{
  return timer_add(bot, ms, 1, cb, ud);
}

REED_EXTERN int
reed_bot_after(reed_bot_t *bot, uint64_t ms, reed_bot_timer_cb cb, void *ud)
{
  return timer_add(bot, ms, 0, cb, ud);
}

/* A firing timer is only marked: timer_fire frees it when cb returns. */
static void
timer_remove(reed__bot_timer_t *tm)
{
  reed_clock_t *c = tm->bot->clock;

  tm->removed = 1;
  if (tm->firing)
    return;
  if (tm->clock_id)
    c->cancel(c->c, tm->clock_id);
  timer_unlink(tm);
}

REED_EXTERN int
reed_bot_timer_off(reed_bot_t *bot, reed_bot_timer_cb cb, void *ud)
{
  reed__bot_timer_t *tm, *next;
  int found = 0;

  if (bot == NULL)
    return REED_EINVAL;
  for (tm = bot->timers; tm; tm = next) {
    next = tm->next;
    if (tm->cb == cb && tm->ud == ud && !tm->removed) {
      found = 1;
      timer_remove(tm);
    }
  }
  return found ? 0 : REED_ENOTFOUND;
}

void
reed__bot_stop_timers(reed_bot_t *bot)
{
  reed__bot_timer_t *tm, *next;

  for (tm = bot->timers; tm; tm = next) {
    next = tm->next;
    if (!tm->removed)
      timer_remove(tm);
  }
}

void
reed__bot_cleanup(reed_bot_t *bot)
{
  reed__bot_stop_timers(bot);
  for (reed__bot_handler_t *h = bot->handlers; h; h = h->next)
    h->removed = 1;
  handlers_settle(bot);
}

/* ---- Small accessors -------------------------------------------------------
 */
REED_EXTERN const char *
reed_bot_nick(const reed_bot_t *bot)
{
  if (bot == NULL || bot->ops == NULL || bot->ops->nick == NULL)
    return NULL;
  return bot->ops->nick(bot->t);
}

REED_EXTERN uint64_t
reed_bot_wall_ms(const reed_bot_t *bot)
{
  if (bot == NULL || bot->clock == NULL)
    return 0;
  return bot->clock->wall_ms(bot->clock->c);
}

REED_EXTERN void
reed_bot_set_ud(reed_bot_t *bot, void *ud)
{
  if (bot)
    bot->ud = ud;
}

REED_EXTERN void *
reed_bot_ud(const reed_bot_t *bot)
{
  return bot ? bot->ud : NULL;
}

/* ---- Actions --------------------------------------------------------------
 * Each checks its arguments, then hands over to the transport. */
static int
usable(const reed_bot_t *bot)
{
  if (bot == NULL)
    return REED_EINVAL;
  return bot->closed ? REED_ECLOSED : 0;
}

static int
room_arg(const char *room)
{
  if (room == NULL)
    return REED_EINVAL;
  return reed__bot_room_ok(room) ? 0 : REED_EBADROOM;
}

REED_EXTERN int
reed_bot_join(reed_bot_t *bot, const char *room, const char *key)
{
  int rc = usable(bot);

  if (rc == 0)
    rc = room_arg(room);
  if (rc == 0 && key && !key_ok(key))
    rc = REED_EINVAL;
  return rc ? rc : bot->ops->join(bot->t, room, key);
}

REED_EXTERN int
reed_bot_part(reed_bot_t *bot, const char *room, const char *reason)
{
  int rc = usable(bot);

  if (rc == 0)
    rc = room_arg(room);
  if (rc == 0 && !opt_text_ok(reason))
    rc = REED_EINVAL;
  return rc ? rc : bot->ops->part(bot->t, room, reason);
}

static int
send_msg(reed_bot_t *bot, const char *target, int kind, const char *text)
{
  int rc = usable(bot);

  if (rc == 0 && target == NULL)
    rc = REED_EINVAL;
  if (rc == 0 && target[0] == '#')
    rc = room_arg(target);
  else if (rc == 0 && !nick_ok(target))
    rc = REED_EINVAL;
  if (rc == 0 && (!reed__bot_text_ok(text) || text[0] == '\0'))
    rc = REED_EINVAL;
  return rc ? rc : bot->ops->msg(bot->t, target, kind, text);
}

REED_EXTERN int
reed_bot_say(reed_bot_t *bot, const char *room, const char *text)
{
  if (room == NULL || room[0] != '#')
    return room ? REED_EBADROOM : REED_EINVAL;
  return send_msg(bot, room, REED__BOT_MSG_NORMAL, text);
}

REED_EXTERN int
reed_bot_tell(reed_bot_t *bot, const char *nick, const char *text)
{
  if (nick == NULL || nick[0] == '#')
    return REED_EINVAL;
  return send_msg(bot, nick, REED__BOT_MSG_NORMAL, text);
}

REED_EXTERN int
reed_bot_act(reed_bot_t *bot, const char *target, const char *text)
{
  return send_msg(bot, target, REED__BOT_MSG_ACTION, text);
}

REED_EXTERN int
reed_bot_notice(reed_bot_t *bot, const char *target, const char *text)
{
  return send_msg(bot, target, REED__BOT_MSG_NOTICE, text);
}

REED_EXTERN int
reed_bot_reply(reed_bot_t *bot, const reed_bot_event_t *ev, const char *text)
{
  if (ev == NULL)
    return REED_EINVAL;
  if (ev->room)
    return reed_bot_say(bot, ev->room, text);
  if (ev->nick)
    return reed_bot_tell(bot, ev->nick, text);
  return REED_EINVAL;
}

REED_EXTERN int
reed_bot_set_topic(reed_bot_t *bot, const char *room, const char *topic)
{
  int rc = usable(bot);

  if (rc == 0)
    rc = room_arg(room);
  if (rc == 0 && !reed__bot_text_ok(topic))
    rc = REED_EINVAL;
  return rc ? rc : bot->ops->set_topic(bot->t, room, topic);
}

REED_EXTERN int
reed_bot_kick(reed_bot_t *bot, const char *room, const char *nick,
              const char *reason)
{
  int rc = usable(bot);

  if (rc == 0)
    rc = room_arg(room);
  if (rc == 0 && (!nick_ok(nick) || !opt_text_ok(reason)))
    rc = REED_EINVAL;
  return rc ? rc : bot->ops->kick(bot->t, room, nick, reason);
}

REED_EXTERN int
reed_bot_set_nick(reed_bot_t *bot, const char *nick)
{
  int rc = usable(bot);

  if (rc == 0 && nick == NULL)
    rc = REED_EINVAL;
  if (rc == 0 && !nick_ok(nick))
    rc = REED_EBADNICK;
  return rc ? rc : bot->ops->set_nick(bot->t, nick);
}

REED_EXTERN int
reed_bot_quit(reed_bot_t *bot, const char *reason)
{
  int rc = usable(bot);

  if (rc == 0 && !opt_text_ok(reason))
    rc = REED_EINVAL;
  if (rc)
    return rc;
  bot->closed = 1;
  reed__bot_stop_timers(bot);
  return bot->ops->quit(bot->t, reason);
}
