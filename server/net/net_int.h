/* server/net internals: the net, its listeners and connections, the pure
 * bounded queues, the clock's timer table and the TLS glue. */
#ifndef REED_NET_INT_H
#define REED_NET_INT_H

#include "net.h"

#include <openssl/ssl.h>
#include <stddef.h>
#include <uv.h>

/* ---- Bounded queues (outq.c, pure) ---------------------------------------
 * The send queue holds references to large shared buffers and copies small
 * ones (lines) into chunks of its own, so a turn's many lines leave in a
 * few large writes rather than one iovec each; the read buffer holds input
 * a core has not consumed yet. Both allocate on first use and free their
 * storage when they become empty. */
#define REED_OUTQ_COPY_MAX 1024   /* buffers up to this size are copied */
#define REED_OUTQ_CHUNK_MIN 256   /* a chunk's size when little is queued */
#define REED_OUTQ_CHUNK_MAX 16384 /* ... and when much is */

typedef struct reed_outq_ent_s {
  reed_buf_t *buf;
  size_t off;
} reed_outq_ent_t;

/* Spare chunks of REED_OUTQ_CHUNK_MIN bytes and rings of
 * REED_OUTQ_RING_MIN entries, which a net's queues take before malloc and
 * give back before free: a JOIN or message to a room of N members makes N
 * queues each take a ring and a chunk and free both once written in the
 * same turn, and those two malloc/free pairs per delivery were a sixth of a
 * big room's JOIN. At most REED_OUTQ_POOL_MAX of each (about 350 KiB). */
#define REED_OUTQ_RING_MIN 4
#define REED_OUTQ_POOL_MAX 1024

typedef struct reed_outq_pool_s {
  reed_buf_t *chunks[REED_OUTQ_POOL_MAX];
  struct reed_outq_ent_s *rings[REED_OUTQ_POOL_MAX];
  uint32_t n_chunks, n_rings;
} reed_outq_pool_t;

/* Frees what the pool holds. */
void reed__outq_pool_free(reed_outq_pool_t *pool);

typedef struct reed_outq_s {
  reed_outq_ent_t *ents; /* ring of cap entries, NULL when empty */
  uint32_t head, count, cap;
  size_t bytes;
  /* The last entry when it is a chunk of this queue, which small buffers
   * append to; its fill and size are mirrored here so that a push reads
   * nothing outside the connection (a fan-out touches thousands). */
  reed_buf_t *tail;
  uint32_t tail_len, tail_cap;
  reed_outq_pool_t *pool; /* the net's, or NULL: plain malloc and free */
} reed_outq_t;

typedef struct reed_iov_s {
  const uint8_t *base;
  size_t len;
} reed_iov_t;

/* Queues buf's bytes (a reference, or a copy into the queue's last chunk
 * for a small one); REED_EQUEUEFULL when the queue would pass `limit`
 * bytes (0: no limit), REED_ENOMEM. Empty buffers are skipped. The bytes
 * of a chunk already shown by peek never move: only its tail grows. */
int reed__outq_push(reed_outq_t *q, reed_buf_t *buf, size_t limit);
/* The two-part write (reed_transport_t.write2): a copy of head_len bytes
 * of `head` (into the last chunk, or a new one), then body as push queues
 * it. Both or neither against `limit`: REED_EQUEUEFULL leaves the queue as
 * it was; on REED_ENOMEM the head may be queued alone (the caller cuts the
 * connection either way). */
int reed__outq_push2(reed_outq_t *q, const void *head, size_t head_len,
                     reed_buf_t *body, size_t limit);
/* Fills at most `max` views of the queued bytes in order; returns how many. */
size_t reed__outq_peek(const reed_outq_t *q, reed_iov_t *iov, size_t max);
/* Drops the first n bytes (n <= bytes), unreferencing finished buffers. */
void reed__outq_consume(reed_outq_t *q, size_t n);
void reed__outq_clear(reed_outq_t *q);
size_t reed__outq_footprint(const reed_outq_t *q);

typedef struct reed_inbuf_s {
  uint8_t *p; /* NULL when empty */
  size_t len, cap;
} reed_inbuf_t;

/* Appends; REED_ETOOBIG when len would pass `limit`, REED_ENOMEM. */
int reed__inbuf_append(reed_inbuf_t *b, const uint8_t *p, size_t n,
                       size_t limit);
void reed__inbuf_consume(reed_inbuf_t *b, size_t n);
void reed__inbuf_clear(reed_inbuf_t *b);

/* ---- Connections ---------------------------------------------------------
 */
typedef union reed_stream_u {
  uv_handle_t h;
  uv_stream_t s;
  uv_tcp_t tcp;
  uv_pipe_t pipe;
} reed_stream_t;

typedef struct reed_lsock_s reed_lsock_t;
typedef struct reed_conn_s reed_conn_t;
typedef struct reed_tls_s reed_tls_t;

enum {
  CONN_CLOSING = 1 << 0,   /* no more input or writes; flush then close */
  CONN_ABORT = 1 << 1,     /* close without flushing */
  CONN_UVCLOSED = 1 << 2,  /* uv_close called */
  CONN_PAUSED = 1 << 3,    /* the core asked us to stop feeding */
  CONN_DIRTY = 1 << 4,     /* on the flush list */
  CONN_WORK = 1 << 5,      /* on the work list */
  CONN_NEED_EOF = 1 << 6,  /* tell the core its peer is gone */
  CONN_REFEED = 1 << 7,    /* resumed: feed held input again */
  CONN_REFUSED = 1 << 8,   /* refused by a limit: no core */
  CONN_COUNTED = 1 << 9,   /* counted in the per-IP table */
  CONN_NO_EOF = 1 << 10,   /* the core knows (it closed) or was told */
  CONN_STARTTLS = 1 << 11, /* TLS started on a plain connection */
  CONN_BACKLOG = 1 << 12,  /* send queue past its high-water mark */
  CONN_URGENT = 1 << 13,   /* output that must not wait (see NET_LAZY_*) */
  CONN_LAZY = 1 << 14      /* dirty, on the lazy list rather than flushed */
};

/* A turn that dirtied more than limits.lazy_min_conns connections pays a
 * write for each: a JOIN or message to a room of thousands. Such a connection
 * whose output is only others' fan-out (written while another connection's
 * input was fed) and is under NET_LAZY_BYTES waits up to NET_LAZY_MS, so
 * that the next turns' lines share its write; a direct reply, a timer's
 * output, a close, or a small room's fan-out never waits. */
#define NET_LAZY_BYTES 8192
#define NET_LAZY_MS 10

/* Not fed nor read: the core paused, or the client's answers back up
 * (the two are independent; reading resumes when neither holds). */
#define CONN_STOPPED (CONN_PAUSED | CONN_BACKLOG)

struct reed_conn_s {
  /* What a fan-out touches for every line it queues, first and together:
   * with thousands of connections each is a cache miss of its own. */
  reed_transport_t transport;
  reed_net_t *net;
  uint32_t flags;
  bool kind_tls; /* accepted on an ssl listener */
  reed_tls_t *tls;
  reed_outq_t outq;
  reed_conn_t *dirty_next, *work_next;
  const reed_protocol_module_t *module;
  void *core;
  uv_write_t *wreq; /* the write in flight, if any */
  size_t inflight;
  reed_conn_t *prev, *next; /* every connection */
  const char *reason;       /* static text or reason_buf */
  char *reason_buf;
  char *label;       /* set_label's text, or NULL */
  uint64_t deadline; /* closing: flush by then; handshaking: finish by then */
  reed_inbuf_t inbuf;
  reed_proto_env_t env;
  reed_peer_t peer;
  /* Last: a TCP connection is allocated without the tail of the union
   * that only a unix socket's uv_pipe_t uses (CONN_SIZE). */
  reed_stream_t io;
};

/* The bytes allocated for a connection of listener kind `kind`. */
#define CONN_SIZE(kind)                                                        \
  ((kind) == REED_LISTEN_UNIX ? sizeof(reed_conn_t)                            \
                              : offsetof(reed_conn_t, io) + sizeof(uv_tcp_t))

/* Closes a listener (already off net->listeners) and frees it. */
void reed__lsock_close(reed_lsock_t *l);

struct reed_lsock_s {
  reed_stream_t io;
  reed_net_t *net;
  reed_lsock_t *next;
  const reed_protocol_module_t *module;
  const void *module_conf;
  void *module_state;
  const char *role; /* env->role of its connections, or NULL */
  int kind;
  uint16_t port; /* bound, once listening (tcp and ssl) */
  char *cert_file, *key_file;
  SSL_CTX *ctx; /* own context, or NULL for the net's default */
  char *path;   /* unix socket path, unlinked at close */
  char *key;    /* reed_net_listen_t's key, or NULL */
};

/* ---- The clock's timers (clock_uv.c) --------------------------------------
 */
typedef struct reed_uvtimer_s reed_uvtimer_t;

/* Every timer is a small entry, found by id in a chained hash table and
 * ordered by due time in a binary heap; one uv_timer_t waits for the
 * earliest. (A uv_timer_t each cost an idle IRC client, whose ping timer
 * is always pending, 150 bytes more.) */
typedef struct reed_timer_table_s {
  reed_uvtimer_t **buckets;
  size_t nbuckets, count;
  uint64_t next_id;
  reed_uvtimer_t **heap; /* count entries, earliest first */
  size_t heap_cap;
  uv_timer_t uv;
  bool closed; /* after reed__clock_close_all: no new timers */
} reed_timer_table_t;

#define REED_NET_IP_BUCKETS 256

typedef struct reed_net_gate_s {
  reed_net_t *net;
  uint64_t last_ms; /* when the last line was logged */
  uint64_t folded;  /* events since then, not logged */
  bool armed;       /* a timer will log the folded count */
  int level;
  char msg[200]; /* the latest folded event */
} reed_net_gate_t;

enum { NET_RUNNING = 0, NET_SHUTTING = 1, NET_DONE = 2 };

struct reed_net_s {
  uv_loop_t loop;
  uv_check_t check;
  uv_idle_t idle;
  uv_signal_t sig_hup, sig_term, sig_int;
  uv_timer_t sweep; /* close deadlines */
  reed_log_t *log;
  reed_net_limits_t limits;
  void (*turn_end)(void *ud);
  void (*reload)(void *ud);
  void (*stopping)(void *ud);
  void *ud;
  reed_net_services_t services;
  reed_clock_t clock;
  reed_worker_t worker;
  reed_timer_table_t timers;
  reed_conn_t *conns;
  size_t nconns;
  reed_conn_t *dirty, *work;
  reed_conn_t *lazy;    /* deferred flushes (dirty_next links them) */
  reed_conn_t *feeding; /* whose input is being fed, or NULL */
  size_t ndirty;        /* connections put on the dirty list this turn */
  bool lazy_urgent;     /* a lazy connection got output that cannot wait */
  uv_timer_t lazy_timer;
  reed_lsock_t *listeners;
  SSL_CTX *ctx;
  char *cert_file, *key_file;
  struct reed_ipcount_s **ips;    /* REED_NET_IP_BUCKETS chains, lazily */
  struct reed_connrate_s **rates; /* the same, for connect rates */
  size_t n_rates, rates_swept;
  size_t fd_budget; /* reed__fd_budget, once computed */
  /* Refusal and accept-failure log lines: at most one a second each,
   * with a count of what the second folded. */
  reed_net_gate_t refuse_gate, accept_gate;
  uint64_t next_conn_id;
  uint64_t refused, cut_sendq, cut_flood;
  reed_hist_t loop_lag; /* timer lateness (clock_uv.c) */
  size_t workers_pending;
  int state;
  bool idle_on;
  bool hold; /* reed_net_hold_output */
  reed_outq_pool_t outq_pool;
  uint8_t rbuf[64 * 1024];
};

/* loop.c */
void reed__net_mark_dirty(reed_conn_t *c);
/* Takes c off the lazy list (its close callback). */
void reed__net_unlazy(reed_conn_t *c);
void reed__net_mark_work(reed_conn_t *c);
void reed__net_wake(reed_net_t *net);
void reed__net_arm_sweep(reed_net_t *net, uint64_t deadline);
void reed__conn_set_deadline(reed_conn_t *c, uint64_t ms);

/* conn.c */
void reed__conn_accept(reed_lsock_t *lst);
void reed__conn_uvclose(reed_conn_t *c);
void reed__conn_close(reed_conn_t *c, const char *reason, bool tell_core);
void reed__conn_abort(reed_conn_t *c, const char *reason);
void reed__conn_flush(reed_conn_t *c);
/* Bytes waiting to go out: the send queue and TLS plaintext not yet
 * encrypted (what the send-queue limit counts). */
size_t reed__conn_queued(const reed_conn_t *c);
void reed__conn_do_work(reed_conn_t *c);
void reed__conn_deliver(reed_conn_t *c, const uint8_t *p, size_t n);
int reed__conn_start_core(reed_conn_t *c);
size_t reed__conn_footprint(const reed_conn_t *c);

/* ipcount.c: concurrent connections per address. reed__ip_key writes the
 * counting key of a numeric address: IPv4 as is, IPv4-mapped IPv6 as IPv4,
 * other IPv6 as its /64 ("2001:db8:1:2::/64"). 0 or REED_EINVAL. */
int reed__ip_key(const char *ip, char *key, size_t size);
int reed__ip_acquire(reed_net_t *net, const char *ip, unsigned max);
void reed__ip_release(reed_net_t *net, const char *ip);
void reed__ip_free_all(reed_net_t *net);

/* connrate.c: the connect rate per address. take: 0, or REED_ELIMIT when
 * the address has no credit left (REED_ENOMEM). exempt: the address is in
 * limits.exempt. free_all is called by reed__ip_free_all. */
int reed__rate_take(reed_net_t *net, const char *ip);
bool reed__rate_exempt(const reed_net_t *net, const char *ip);
void reed__rate_free_all(reed_net_t *net);
/* Connections allowed by the descriptor limit (RLIMIT_NOFILE less a spare
 * of 64, or half of a limit under 256), read once. */
size_t reed__fd_budget(reed_net_t *net);

/* gate.c: logs at most one line a second per gate; what comes within the
 * second is counted and logged with the count when the second is over
 * ("... (and 41 more in the last second)"). */
void reed__gate_log(reed_net_t *net, reed_net_gate_t *g, int level,
                    const char *fmt, ...) REED_PRINTF(4, 5);

/* tls.c */
SSL_CTX *reed__tls_ctx_new(reed_log_t *log, const char *cert, const char *key);
int reed__tls_conn_start(reed_conn_t *c, SSL_CTX *ctx);
void reed__tls_conn_free(reed_conn_t *c);
void reed__tls_input(reed_conn_t *c, const uint8_t *p, size_t n);
void reed__tls_pump(reed_conn_t *c);
int reed__tls_write(reed_conn_t *c, reed_buf_t *buf);
int reed__tls_write2(reed_conn_t *c, const void *head, size_t head_len,
                     reed_buf_t *body);
/* Encrypts what was written (once the handshake is done) into the send
 * queue. 0 or REED_ETLS. */
int reed__tls_encrypt(reed_conn_t *c);
size_t reed__tls_queued(const reed_conn_t *c);
int reed__tls_drain(reed_conn_t *c, size_t limit);
void reed__tls_close_notify(reed_conn_t *c);
/* reed_transport_t.channel_binding over the TLS session: 0, or
 * REED_EINVAL before the handshake ends, on a plain connection, for an
 * unknown type or one undefined for this session. */
int reed__tls_channel_binding(const reed_conn_t *c, const char *type,
                              uint8_t *out, size_t *len);
bool reed__tls_handshaking(const reed_conn_t *c);
size_t reed__tls_footprint(const reed_conn_t *c);

/* clock_uv.c, worker_uv.c */
void reed__clock_init(reed_net_t *net);
void reed__clock_close_all(reed_net_t *net);
void reed__worker_init(reed_net_t *net);

#endif
