/* bench: the IRC load generator's shared state. One process, one libuv
 * loop, many client connections; see bench/README.md for the scenarios. */
#ifndef REED_BENCH_LG_H
#define REED_BENCH_LG_H

#include <stdint.h>
#include <uv.h>

#include "bamp.h"
#include "bline.h"
#include "lg_hist.h"

#define LG_LINE_MAX 2048

/* Which protocol a client speaks (--proto mixed: client i speaks
 * XMPP, IRC, AMP for i % 3 = 0, 1, 2; ircws: IRC over WebSocket). */
enum lg_proto { LG_IRC = 0, LG_AMP, LG_XMPP, LG_IRCWS };

typedef struct lg_scram_s lg_scram_t;

enum lg_state {
  LG_IDLE = 0,   /* not started */
  LG_CONNECTING, /* TCP connect, then NICK/USER until 001 */
  LG_READY,      /* registered */
  LG_DEAD        /* closed, by us or the server */
};

typedef struct lg_s lg_t;

typedef struct lg_client_s {
  uv_tcp_t tcp;
  uv_connect_t connect;
  lg_t *lg;
  uint32_t idx;
  uint8_t state;
  uint8_t closing;
  uint16_t inlen;
  uint8_t skipping; /* discarding the rest of an over-long line */
  uint8_t *abuf;    /* AMP, XMPP: a partial box or element, while one pends */
  uint32_t alen, acap;
  uint8_t proto;     /* enum lg_proto */
  uint8_t xstage;    /* XMPP: where the login is (lg_xmpp.c) */
  lg_scram_t *scram; /* XMPP: the SCRAM exchange, while it runs */
  char in[LG_LINE_MAX];
} lg_client_t;

typedef struct lg_opts_s {
  const char *proto;    /* irc, amp, xmpp or mixed */
  const char *password; /* amp, xmpp: each client's password */
  const char *host;
  int port;                /* the port of --proto (mixed: IRC's) */
  int port_amp, port_xmpp; /* mixed: the other protocols' ports */
  const char *domain;      /* xmpp: the stream's to and the accounts' domain */
  const char *muc;         /* xmpp: the room is <channel without #>@muc */
  const char *sasl;        /* xmpp: plain, scram or auto (PLAIN if offered) */
  const char
      *scram_cache;     /* xmpp: file of salted passwords (lg_xmpp_scram.c) */
  const char *scenario; /* connect, idle, room; xmpp also register */
  uint32_t clients;     /* connect and idle: connections to make */
  uint32_t inflight;    /* handshakes in flight at most */
  uint32_t senders;     /* room: members 0..senders-1 speak */
  uint32_t messages;    /* room: per sender */
  uint32_t window;      /* room, closed loop: unfinished messages per sender */
  double rate;          /* room: messages per second in all, 0 = closed loop */
  uint32_t size;        /* room: text length of each PRIVMSG */
  uint32_t spread;      /* bind sources over 127.0.0.2.. (0 = do not bind) */
  uint32_t stall_s;     /* give up after this long without progress */
  uint32_t deadline_s;  /* give up after this long in all (0 = never) */
  uint32_t hold_s;      /* room, idle: pause for a profiler */
  uint32_t join_inflight; /* room: JOINs in flight at most (0 = all at once) */
  int pid;                /* server PID for RSS, 0 = none */
  const char *prefix;     /* nick prefix */
  const char *channel;
  const char *oper;      /* "name:password" for senders, or NULL */
  const char *oper_mode; /* user mode senders set once opered, or NULL */
} lg_opts_t;

/* Counters for one room run: delivery bookkeeping, loss and order. */
typedef struct lg_room_s {
  uint64_t joins_seen, joins_expected;
  /* Who knows whom: bit j of row i is set once member i has seen member j
   * in a JOIN or in its NAMES reply; the join phase ends when every row is
   * full. This holds whatever the server's order, duplicates included. */
  uint64_t *known;
  uint32_t *nknown;
  uint32_t row_words, members_complete;
  uint64_t deliveries, expected;
  uint64_t order_errors, bad_payload, self_echo, foreign;
  uint32_t *last_seq; /* [receiver * senders + sender], seq + 1 of last */
  uint32_t *done;     /* [sender * messages + seq], receivers so far */
  uint32_t *sent, *complete;
  uint32_t opered;
  uint32_t next_join; /* with --join-inflight: the next client to join */
  uint64_t t_join_start, t_join_end, t_send_start, t_last_delivery;
  double join_server_cpu_s; /* -1 without --pid */
  uv_timer_t pace;
  uint64_t paced;
  int stage;
  int first_in; /* member 0 is in, the others were asked to join */
  lg_hist_t hist;
} lg_room_t;

struct lg_s {
  uv_loop_t *loop;
  lg_opts_t opt;
  lg_client_t *clients;
  uint32_t nclients;
  uint32_t next, inflight, registered, failed, disconnects, pongs;
  uint64_t t0_ns, t_start, t_registered, last_progress;
  uint64_t server_errors;
  long rss_before_kb, rss_after_kb;
  /* CPU seconds of the server (--pid) and of this process at the mark:
   * the start, or for a room the first message; the RESULT line gives
   * what each used from there, the machine's load aside. */
  double cpu_server0, cpu_self0;
  int phase;
  int result;    /* exit status */
  int timed_out; /* stopped by the stall or deadline limit */
  uv_timer_t tick, settle;
  char last_error[256];
  lg_room_t room;
};

/* Microseconds since the run started (uv_hrtime, not cached). */
uint64_t lg_now_us(lg_t *lg);
void lg_progress(lg_t *lg);
/* Sets the CPU mark (lg_main.c); the server's CPU seconds since it, or
 * -1 without --pid. */
void lg_cpu_mark(lg_t *lg);
double lg_server_cpu_since_mark(lg_t *lg);

/* lg_conn.c */
void lg_conn_start_more(lg_t *lg);
int lg_send(lg_client_t *c, const char *p, size_t len);
int lg_sendf(lg_client_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lg_conn_close_all(lg_t *lg);
/* Closes one client, counting it failed or disconnected. */
void lg_conn_kill(lg_client_t *c, const char *why);

/* lg_main.c: called by lg_conn.c for each line a client receives. */
void lg_on_line(lg_client_t *c, const bench_line_t *m);
void lg_on_registered(lg_client_t *c);
void lg_on_dead(lg_client_t *c, const char *why);
void lg_on_pong(lg_client_t *c);
/* A server error for this client (text for the report); a client still
 * registering is closed and counted as failed. */
void lg_on_error(lg_client_t *c, bench_view_t what, bench_view_t text);

/* The protocol seam: each scenario step in IRC or AMP terms. */
void lg_proto_register(lg_client_t *c);
void lg_proto_ping(lg_client_t *c);
void lg_proto_join(lg_client_t *c);
void lg_proto_say(lg_client_t *c, const char *text, size_t len);

/* lg_amp.c */
void lg_amp_register(lg_client_t *c);
void lg_amp_ping(lg_client_t *c);
void lg_amp_join(lg_client_t *c);
void lg_amp_say(lg_client_t *c, const char *text, size_t len);
void lg_amp_feed(lg_client_t *c, const char *p, size_t n);
void lg_amp_free(lg_client_t *c);

/* lg_xmpp.c */
/* lg_ws.c: IRC over WebSocket (--proto ircws); lg_conn.c's IRC side. */
void lg_ws_register(lg_client_t *c);
int lg_ws_send(lg_client_t *c, const char *p, size_t len);
void lg_ws_feed(lg_client_t *c, const char *p, size_t n);
int lg_send_raw(lg_client_t *c, const char *p, size_t len);
void lg_irc_line(lg_client_t *c, const char *p, size_t len);
void lg_proto_register_irc(lg_client_t *c);

void lg_xmpp_register(lg_client_t *c);
void lg_xmpp_ping(lg_client_t *c);
void lg_xmpp_join(lg_client_t *c);
void lg_xmpp_say(lg_client_t *c, const char *text, size_t len);
void lg_xmpp_feed(lg_client_t *c, const char *p, size_t n);
void lg_xmpp_free(lg_client_t *c);
int lg_xmpp_init(lg_t *lg);
void lg_xmpp_cleanup(lg_t *lg);
void lg_xmpp_report(lg_t *lg);

/* lg_room.c */
int lg_room_init(lg_t *lg);
void lg_room_cleanup(lg_t *lg);
void lg_room_start(lg_t *lg);
void lg_room_on_line(lg_client_t *c, const bench_line_t *m);
/* Protocol-neutral room events: a member seen (JOIN, NAMES, Joined,
 * members), a join counted, a message text received. */
void lg_room_learn(lg_client_t *c, bench_view_t nick);
void lg_room_joined(lg_client_t *c, bench_view_t nick);
/* The client's own JOIN was answered (IRC 366, AMP's members answer): with
 * --join-inflight the next client joins. */
void lg_room_join_answered(lg_client_t *c);
void lg_room_message(lg_client_t *c, bench_view_t text);
/* XMPP rooms are joined by member 0 first (it may have to configure a new
 * room); its protocol calls this once it is in, and the others join. */
void lg_room_first_in(lg_t *lg);
int lg_room_check(lg_t *lg);
void lg_room_report(lg_t *lg);
/* 1 when a delivery was lost, duplicated, out of order or malformed. */
int lg_room_bad(lg_t *lg);

#endif
