/* reed's network host: the libuv loop, listeners, connections (TCP, unix
 * sockets, TLS through OpenSSL memory BIOs, STARTTLS), bounded read buffers
 * and send queues, the flush once per loop turn, per-IP and global
 * connection limits, signals, and reed_clock_t / reed_worker_t over libuv.
 *
 * Each connection owns one protocol core (protocols/proto.h) and is its
 * reed_transport_t. Connections are freed only in their uv_close callback;
 * whatever wants one gone marks it and a reaper acts at a safe point of the
 * loop, never inside a model fan-out. Module callbacks (conn_new, feed, eof,
 * shutdown, tls_ready, conn_free) are only called from the top of the loop.
 *
 * One loop turn ends (uv_check) with: deferred end-of-file notices and
 * re-feeds of resumed connections, then the turn-end hook (main points it at
 * the store, which commits the turn's rows), then every connection with
 * pending output is flushed with uv_try_write, a write request being queued
 * only for what remains.
 *
 * What a core can rely on (protocols/proto.h's interface, as net runs it):
 *   - conn_new gets an env that stays valid until conn_free; on SIGHUP its
 *     conf and server_conf are pointed at the new config, so read them
 *     through the env, never copy them. On an ssl listener conn_new runs
 *     after the TLS handshake (peer()->tls and cert_fp are already set) and
 *     tls_ready is not called.
 *   - feed is called only while not paused. What it does not consume is
 *     kept (up to `recvq` bytes, else the connection is cut) and fed again
 *     with the next bytes, or on resume; while paused nothing more is read
 *     from the socket. A negative return closes this connection, flushing
 *     what was written. Input is fed in slices of a few KiB (the feed
 *     contract lets it be split anywhere).
 *   - Back-pressure: once a connection's send queue passes half of
 *     `sendq`, net stops feeding and reading it until the queue drains
 *     to a quarter, so a client that pipelines requests without reading
 *     the answers is slowed (its requests wait in the kernel, its writes
 *     block), not cut. This pause and the core's pause_reading are
 *     independent: reading resumes only when neither holds.
 *   - write takes a reference; REED_EQUEUEFULL means the connection is
 *     being cut ("SendQ exceeded": output past the whole limit, such as a
 *     fan-out to a client that stopped reading). Writes after close return
 *     REED_ECLOSED. write2 queues its head beside the small writes and
 *     its body as write would, both or neither.
 *   - close(reason) flushes, then closes; eof is not called after it. When
 *     the peer goes or net cuts the connection, eof is called once, at the
 *     end of the loop turn (never inside another core's call).
 *   - start_tls: what was written before goes out in clear, what is
 *     written after is encrypted once the handshake is done; bytes after
 *     the command in the same feed (a pipelined ClientHello) are TLS.
 *     tls_ready follows the handshake.
 *   - shutdown(REED_SHUTDOWN_SERVER) on SIGTERM, then net closes; conn_free
 *     is called exactly once, from the connection's uv_close callback. */
#ifndef REED_NET_H
#define REED_NET_H

#include "proto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct reed_net_s reed_net_t;

/* Listener kinds, as in endpoint strings. */
enum { REED_LISTEN_TCP = 1, REED_LISTEN_SSL = 2, REED_LISTEN_UNIX = 3 };

#define REED_NET_EXEMPT_MAX 16

/* Limits that apply to every connection; 0 means "no limit" for the
 * counts, and the built-in default for the sizes and the timeout. A
 * refused connection gets its module's refusal bytes (proto.h) and a log
 * line; so does one cut for passing recvq ("Excess Flood"). */
typedef struct reed_net_limits_s {
  size_t recvq;              /* unconsumed input held per connection */
  size_t sendq;              /* output queued per connection before it is cut */
  unsigned max_per_ip;       /* concurrent connections from one address */
  unsigned max_connections;  /* concurrent connections in all */
  unsigned close_timeout_ms; /* time a closing connection gets to flush */
  unsigned handshake_timeout_ms; /* time a TLS handshake may take */
  /* New connections from one address (an IPv6 /64): connect_burst at
   * once, then connect_rate per 10 seconds; either 0: no rate limit. */
  unsigned connect_burst;
  unsigned connect_rate;
  /* Numeric addresses (an IPv6 one stands for its /64) that max_per_ip
   * and the connect rate do not apply to; "" ends the list. */
  char exempt[REED_NET_EXEMPT_MAX][46];
  /* A turn that dirties more connections than this lets the fan-out part
   * of their output wait a few milliseconds to share writes (net_int.h,
   * NET_LAZY_*); 0: REED_NET_DEFAULT_LAZY_MIN. Tests set it low. */
  unsigned lazy_min_conns;
} reed_net_limits_t;

#define REED_NET_DEFAULT_RECVQ (64u * 1024u)
#define REED_NET_DEFAULT_SENDQ (1024u * 1024u)
#define REED_NET_DEFAULT_CLOSE_TIMEOUT_MS 2000u
#define REED_NET_DEFAULT_HANDSHAKE_TIMEOUT_MS 10000u
/* Above fan1000's 1,000 members: rooms up to that size flush every turn. */
#define REED_NET_DEFAULT_LAZY_MIN 1024u

typedef struct reed_net_opts_s {
  reed_log_t *log; /* borrowed; must outlive the net */
  reed_net_limits_t limits;
  /* Called once at the end of every loop turn, before output is flushed. */
  void (*turn_end)(void *ud);
  /* Called on SIGHUP from the loop (reload config and certificates). */
  void (*reload)(void *ud);
  /* Called on SIGTERM or SIGINT from the loop, before the shutdown starts
   * (may be NULL). */
  void (*stopping)(void *ud);
  void *ud;
} reed_net_opts_t;

/* What every core's reed_proto_env_t carries besides its transport, clock
 * and worker. All borrowed; they must outlive the connections. */
typedef struct reed_net_services_s {
  reed_model_t *model;
  reed_portal_t *portal;
  reed_store_t *store;
  const void *server_conf;
  const reed_host_t *host; /* env->host of every core; may be NULL */
} reed_net_services_t;

/* One listener. Strings are copied. `address` is numeric IPv4 or IPv6
 * ("" or NULL: every IPv4 address); `path` is for unix sockets. An ssl
 * listener uses its own cert_file/key_file when both are given, else the
 * default certificate of reed_net_set_tls. */
typedef struct reed_net_listen_s {
  const reed_protocol_module_t *module;
  const void *module_conf; /* the module's config struct, borrowed */
  void *module_state;      /* env->module_state of its connections */
  const char *role;        /* env->role of its connections (static), or NULL */
  int kind;                /* REED_LISTEN_* */
  const char *address;
  uint16_t port; /* 0: an ephemeral port */
  const char *path;
  unsigned mode; /* unix socket permissions; 0: left as created */
  int backlog;   /* 0: 128 */
  const char *cert_file;
  const char *key_file;
  /* What names it for reed_net_unlisten ("irc ssl:6697"), or NULL. */
  const char *key;
} reed_net_listen_t;

typedef struct reed_net_stats_s {
  size_t connections;
  size_t queued_bytes; /* output waiting in send queues */
  size_t buffered_in;  /* input held in read buffers */
  size_t backlogged;   /* connections not read while their output backs up */
  size_t conn_memory;  /* bytes reed allocated for connections, cores aside */
  uint64_t refused;    /* connections refused by the limits */
  uint64_t cut_sendq;  /* connections cut at their send-queue limit */
  size_t pending_timers;
} reed_net_stats_t;

/* Creates the loop, the turn-end handles and the signal watchers.
 * Returns 0 or one of: REED_ENOMEM, REED_EIO. */
int reed_net_new(const reed_net_opts_t *opts, reed_net_t **out);
/* Closes every handle, runs the loop until it is empty and frees it. */
void reed_net_free(reed_net_t *net);

/* The clock and worker over this loop; valid until reed_net_free. */
reed_clock_t *reed_net_clock(reed_net_t *net);
reed_worker_t *reed_net_worker(reed_net_t *net);

void reed_net_set_services(reed_net_t *net, const reed_net_services_t *s);
/* New limits apply to new checks; open connections keep their buffers. */
void reed_net_set_limits(reed_net_t *net, const reed_net_limits_t *limits);
/* Points the env of every listener and connection of `module` at a new
 * config struct (after a reload), and every env at `server_conf`. Cores
 * must read env->conf through the env pointer they were given, which stays
 * valid for their life. */
void reed_net_update_conf(reed_net_t *net, const void *server_conf,
                          const reed_protocol_module_t *module,
                          const void *module_conf);

/* Loads the default certificate and key (PEM) for ssl listeners and
 * STARTTLS; called again on reload, it swaps the context for new handshakes
 * only and also reloads every listener's own files. On error the old
 * context stays. Returns 0 or REED_ETLS (logged with the reason). */
int reed_net_set_tls(reed_net_t *net, const char *cert_file,
                     const char *key_file);

/* Binds and starts one listener and logs
 * `listening <module> <tcp|ssl|unix> <address> <port>` (`-` for a unix
 * socket's port; `<module>/<role>` for a listener with a role). Returns 0 or
 * one of: REED_EINVAL, REED_EIO (bind or listen failed, logged), REED_ETLS (an
 * ssl listener without a usable certificate), REED_ENOMEM. */
int reed_net_listen(reed_net_t *net, const reed_net_listen_t *spec);
/* A reload: whether a listener with this key is open, and closing it (its
 * accepted connections stay). Unlisten returns 0 or REED_ENOTFOUND. */
bool reed_net_has_listener(const reed_net_t *net, const char *key);
int reed_net_unlisten(reed_net_t *net, const char *key);

/* Runs the loop until a shutdown has finished. Returns 0. */
int reed_net_run(reed_net_t *net);
/* What SIGTERM and SIGINT do: stop listening, call every core's shutdown,
 * flush, close (connections that do not drain in time are cut), then let
 * reed_net_run return. Safe to call more than once. */
void reed_net_shutdown(reed_net_t *net);

void reed_net_stats(const reed_net_t *net, reed_net_stats_t *st);
/* The open listeners, as reed_host_t.each_listener reports them, and the
 * open connections of one module (info.c). */
void reed_net_each_listener(reed_net_t *net,
                            void (*cb)(void *ud, const char *module,
                                       const char *kind, const char *addr,
                                       unsigned port),
                            void *ud);
size_t reed_net_connections_of(const reed_net_t *net, const char *module);

/* Sessions that are not net's sockets (the host's inner cores: IRC or
 * XMPP over a WebSocket) under the address `ip` their carrier reports
 * (after X-Forwarded-For). admit applies the connect rate and
 * max_per_ip as an accepted connection gets them (limits.exempt too):
 * 1 when the connection being fed now has that address, whose own slot
 * then stands for both (nothing taken); 0 when a slot was taken (give
 * it back with reed_net_release); REED_ELIMIT when refused (logged as a
 * refusal). next_conn_id: a connection id no connection has. */
int reed_net_admit(reed_net_t *net, const char *ip);
void reed_net_release(reed_net_t *net, const char *ip);
uint64_t reed_net_next_conn_id(reed_net_t *net);

/* While held, no connection's output is written: it stays queued (up to
 * the send queue limit), and is flushed at the first turn end after the
 * hold is lifted. The turn-end hook sets it when the store could not
 * commit the rows the turn's output depends on (a shutdown meanwhile
 * closes connections without their held output). */
void reed_net_hold_output(reed_net_t *net, bool hold);

/* Ensures `dir`/cert.pem and `dir`/key.pem exist: when either is missing,
 * generates an EC P-256 key (mode 0600) and a self-signed certificate for
 * CN=`cn` valid ten years. Paths are written to cert_out/key_out (size
 * bytes each). Returns 0 or one of: REED_EINVAL, REED_EIO, REED_ETLS. */
int reed_net_selfsigned(const char *dir, const char *cn, char *cert_out,
                        char *key_out, size_t size);

/* For --check-config: loads a certificate and its key as a listener would
 * (both readable PEM, the key the certificate's). 0 with *days_left until
 * it expires (negative once expired), or REED_EIO / REED_ETLS with the
 * reason (OpenSSL's first error) in msg. */
int reed_net_check_cert(const char *cert, const char *key, int *days_left,
                        char *msg, size_t size);

#endif
