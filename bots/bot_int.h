/* Internal to bots/: the bot core shared by both transports. */
#ifndef REED_BOT_INT_H
#define REED_BOT_INT_H

#include "reed_bot.h"

#include "base.h"

enum { REED__BOT_MSG_NORMAL, REED__BOT_MSG_ACTION, REED__BOT_MSG_NOTICE };

/* What a transport does for the core. Arguments are already checked: rooms
 * start with '#', texts are clean UTF-8, optional strings may be NULL. */
typedef struct reed__bot_ops_s {
  int (*join)(void *t, const char *room, const char *key);
  int (*part)(void *t, const char *room, const char *reason);
  /* target is a room ("#name") or a nick. */
  int (*msg)(void *t, const char *target, int kind, const char *text);
  int (*set_topic)(void *t, const char *room, const char *topic);
  int (*kick)(void *t, const char *room, const char *nick, const char *reason);
  int (*set_nick)(void *t, const char *nick);
  int (*quit)(void *t, const char *reason);
  const char *(*nick)(void *t);
} reed__bot_ops_t;

typedef struct reed__bot_handler_s {
  reed_bot_event_kind_t kind;
  char *room, *nick, *command;
  reed_bot_handler_cb cb;
  void *ud;
  int enabled;
  int removed;
  struct reed__bot_handler_s *next;
} reed__bot_handler_t;

typedef struct reed__bot_timer_s {
  reed_bot_t *bot;
  uint64_t ms;
  int repeat;
  reed_bot_timer_cb cb;
  void *ud;
  uint64_t clock_id;
  int firing;
  int removed;
  struct reed__bot_timer_s *next;
} reed__bot_timer_t;

#define REED__BOT_RATE_SLOTS 32

/* Commands counted per nick in the current window (a small LRU table:
 * a nick not in it starts a fresh window). */
typedef struct reed__bot_rate_s {
  char nick[65];
  uint64_t start_ms;
  unsigned count;
} reed__bot_rate_t;

struct reed_bot_s {
  const reed__bot_ops_t *ops;
  void *t;
  reed_clock_t *clock;
  reed_log_t *log;
  reed__bot_handler_t *handlers;
  reed__bot_timer_t *timers;
  int depth;  /* nested dispatches in progress */
  int dirty;  /* handlers were removed during a dispatch */
  int closed; /* reed_bot_quit was called */
  char prefix[9];
  void *ud;
  unsigned cmd_max;
  uint64_t cmd_window_ms;
  reed__bot_rate_t rate[REED__BOT_RATE_SLOTS];
};

void reed__bot_init(reed_bot_t *bot, const reed__bot_ops_t *ops, void *t,
                    reed_clock_t *clock, reed_log_t *log);
/* Removes every handler and timer (cancelling clock calls). Not during a
 * dispatch of this bot. */
void reed__bot_cleanup(reed_bot_t *bot);
/* Cancels and frees every timer (safe from a timer callback). */
void reed__bot_stop_timers(reed_bot_t *bot);
/* Offers ev to the matching handlers; a MESSAGE that is a command is then
 * also offered as a COMMAND. */
void reed__bot_dispatch(reed_bot_t *bot, const reed_bot_event_t *ev);
/* Splits a command line: 1 when `text` is a command for this bot, with
 * name and args written (NUL-terminated, truncated to their sizes). */
int reed__bot_parse_command(const reed_bot_t *bot, const char *text, char *name,
                            size_t name_size, char *args, size_t args_size);
/* Clean text: not NULL, valid UTF-8, no CR or LF (IRC formatting codes
 * are allowed). */
int reed__bot_text_ok(const char *text);
/* "#name": 2..64 bytes without space, comma, BEL or controls. */
int reed__bot_room_ok(const char *room);

#endif
