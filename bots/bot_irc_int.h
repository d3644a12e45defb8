/* Internal to bots/: the networked transport's IRC client, sans-IO. The
 * libuv adapter (bot_irc_uv.c) and the unit tests drive it through
 * reed__bot_irc_io_t and reed_clock_t. */
#ifndef REED_BOT_IRC_INT_H
#define REED_BOT_IRC_INT_H

#include "irc_line.h"
#include "bot_int.h"

/* ---- One IRC line, as the client reads it ------------------------------
 * The IRC module's own codec parses (protocols/irc/irc_line.h, base only,
 * compiled into libreed-bot); the client adds what it needs on top: the
 * source split into nick, user and host, and a plain command word. */
#define REED__BOT_IRC_LINE_MAX 8703 /* 8191 bytes of tags + 512 */
#define REED__BOT_IRC_PARAMS REED_IRC_PARAMS_MAX

typedef struct reed__bot_irc_msg_s {
  reed_irc_msg_t line; /* the parse; tags through reed__bot_irc_tag */
  const char *nick;    /* prefix: nick or server name; NULL when none */
  const char *user;    /* NULL when the prefix had no '!' */
  const char *host;    /* NULL when the prefix had no '@' */
  const char *command; /* line.command */
  const char *params[REED__BOT_IRC_PARAMS]; /* line.params */
  size_t n_params;
} reed__bot_irc_msg_t;

/* Parses one line without its CR LF (a trailing CR or LF is ignored).
 * Returns 0 or one of: REED_ETOOBIG (over REED__BOT_IRC_LINE_MAX),
 * REED_ESYNTAX (NUL, empty, no command, a bad prefix or command, a bad tag
 * section), REED_ELIMIT (more tags than the codec keeps). */
int reed__bot_irc_parse(const char *line, size_t len, reed__bot_irc_msg_t *m);
/* Copies the value of tag `key` (unescaped) into out; 1 when present. */
int reed__bot_irc_tag(const reed__bot_irc_msg_t *m, const char *key, char *out,
                      size_t size);

/* ---- The client -----------------------------------------------------------
 */
typedef struct reed__bot_irc_io_s {
  /* Writes bytes on the current connection; 0 or a negative code. */
  int (*write)(void *io, const char *data, size_t len);
  /* Starts a connection attempt; the adapter later calls
   * reed__bot_irc_connected or reed__bot_irc_closed. */
  int (*connect)(void *io);
  /* Closes the current connection after what was written (the adapter
   * then calls reed__bot_irc_closed). */
  void (*close)(void *io);
  void *io;
} reed__bot_irc_io_t;

enum {
  REED__BOT_IRC_IDLE,
  REED__BOT_IRC_CONNECTING,
  REED__BOT_IRC_REGISTERING,
  REED__BOT_IRC_READY,
  REED__BOT_IRC_WAITING, /* for the reconnect timer */
  REED__BOT_IRC_DONE,    /* quit, or a fatal error: no reconnect */
};

#define REED__BOT_IRC_QUEUE_MAX 256
#define REED__BOT_IRC_ROOMS_MAX 64
#define REED__BOT_IRC_BURST 5
#define REED__BOT_IRC_REFILL_MS 1000
#define REED__BOT_IRC_IN_MAX (REED__BOT_IRC_LINE_MAX + 2)

typedef struct reed__bot_irc_s {
  reed_bot_t bot; /* first: the core */
  reed__bot_irc_io_t io;
  int state;
  char *host, *user, *realname, *password, *sasl_user, *sasl_pass;
  uint16_t port;
  char want_nick[65];
  char nick[65];
  int nick_tries;
  int cap_sasl, cap_account; /* offered in CAP LS */
  char *in;                  /* REED__BOT_IRC_IN_MAX bytes */
  size_t in_len;
  int in_discard; /* dropping the rest of an over-long line */
  char *rooms[REED__BOT_IRC_ROOMS_MAX];
  char *queue[REED__BOT_IRC_QUEUE_MAX]; /* ring of lines with CR LF */
  size_t q_head, q_len;
  uint64_t tokens_ms; /* when the bucket was last full-equivalent */
  int tokens;
  uint64_t drain_timer, reconnect_timer, keepalive_timer;
  uint64_t last_rx_ms, ready_ms;
  int ping_sent;
  uint64_t delay_ms, delay_min_ms, delay_max_ms;
  int no_jitter;
  uint32_t rng;
  reed__bot_irc_msg_t msg; /* parse scratch */
} reed__bot_irc_t;

int reed__bot_irc_init(reed__bot_irc_t *irc, const reed_bot_irc_opts_t *o,
                       const reed__bot_irc_io_t *io, reed_clock_t *clock,
                       reed_log_t *log);
void reed__bot_irc_cleanup(reed__bot_irc_t *irc);
int reed__bot_irc_start(reed__bot_irc_t *irc);
/* The TCP connection is up: registration starts. */
void reed__bot_irc_connected(reed__bot_irc_t *irc);
/* Bytes from the server, split anywhere. */
void reed__bot_irc_feed(reed__bot_irc_t *irc, const char *data, size_t len);
/* The connection is gone (or the attempt failed): DISCONNECTED, and a
 * reconnect is scheduled unless the bot quit. */
void reed__bot_irc_closed(reed__bot_irc_t *irc, const char *reason);

/* ---- Shared by the client's files ----------------------------------------
 * bot_irc.c: output, rooms, timers; bot_irc_reg.c: registration;
 * bot_irc_events.c: server lines to bot events. */
#define REED__BOT_IRC_LINE_BUDGET 510

uint64_t reed__bot_irc_now(const reed__bot_irc_t *irc);
/* Nicks and rooms compared under ascii casemapping; 0 when either is NULL. */
int reed__bot_irc_same(const char *a, const char *b);
/* Registration, PONG and QUIT lines go out at once (CR LF added). */
int reed__bot_irc_write_now(reed__bot_irc_t *irc, const char *line);
/* Action lines wait for a token; 0 or ECLOSED, ETOOBIG, EQUEUEFULL. */
int reed__bot_irc_sendf(reed__bot_irc_t *irc, const char *fmt, ...)
    REED_PRINTF(2, 3);
/* A message split to fit lines, as the bot's msg action sends it. */
int reed__bot_irc_say(reed__bot_irc_t *irc, const char *target, int kind,
                      const char *text);
void reed__bot_irc_room_forget(reed__bot_irc_t *irc, const char *room);
void reed__bot_irc_keepalive_start(reed__bot_irc_t *irc);
void reed__bot_irc_stop_timers(reed__bot_irc_t *irc);

void reed__bot_irc_on_cap(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m);
/* AUTHENTICATE + from the server: the PLAIN response. */
void reed__bot_irc_on_authenticate(reed__bot_irc_t *irc);
void reed__bot_irc_on_numeric(reed__bot_irc_t *irc,
                              const reed__bot_irc_msg_t *m, int num);
/* A named command after registration; 1 when it was an event. */
int reed__bot_irc_on_event(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m);

#endif
