/* The protocol-module interface shared by server/net and the protocols
 * (docs/design.md, section 4). A module is a sans-IO core: bytes in via feed,
 * model calls out; model events in, bytes out through the transport.
 * protocols/README.md walks a module author through it: registration, the
 * module-wide hooks, write2, and reed_event_render for fan-outs. */
#ifndef REED_PROTO_H
#define REED_PROTO_H

#include "config.h"
#include "base.h"

#include <stdbool.h>
#include <sys/types.h>

typedef struct reed_model_s reed_model_t;
typedef struct reed_portal_s reed_portal_t;
typedef struct reed_store_s reed_store_t;
typedef struct reed_store_migration_s reed_store_migration_t; /* store.h */

/* What a connection knows about its peer. */
/* Addresses are INET6_ADDRSTRLEN (46) bytes: every connection keeps one. */
typedef struct reed_peer_s {
  char ip[46]; /* numeric address, "unix" for unix sockets */
  uint16_t port;
  uint16_t local_port; /* the listener's port; 0 on a unix socket */
  bool tls;
  /* SHA-256 of the client certificate on this TLS session, lowercase hex,
   * "" when none was presented; never NULL. (The hex lives with the TLS
   * state: a plain connection does not carry 65 bytes for it.) */
  const char *cert_fp;
} reed_peer_t;

/* Twisted ITransport; the real one lives in server/net, the fake one in
 * tests/support. */
typedef struct reed_transport_s {
  /* Takes a reference to buf; REED_EQUEUEFULL past the send-queue limit
   * (the connection is then being closed). */
  int (*write)(void *t, reed_buf_t *buf);
  /* The two-part write: head_len bytes of `head` (copied; borrowed for
   * the call) and then `body` (a reference is taken, as write does), both
   * or neither: REED_EQUEUEFULL and REED_ECLOSED queue nothing. It is
   * how one formatting reaches many recipients that each need a few bytes
   * of their own in front: XMPP's `<message to='full JID'` before the
   * stanza body every occupant shares, AMP's `_ask` tag before an event
   * box. A head is small (an address, a tag): the send queue copies it
   * beside the other small writes, so a fan-out allocates nothing per
   * recipient for it. head_len may be 0. */
  int (*write2)(void *t, const void *head, size_t head_len, reed_buf_t *body);
  /* Flushes what is queued, then closes; idempotent. */
  void (*close)(void *t, const char *reason);
  /* Back-pressure: stop or resume feeding this core. */
  void (*pause_reading)(void *t, bool paused);
  /* Begins a server-side TLS handshake after the bytes already written;
   * tls_ready is called when it completes. 0 or REED_ETLS. */
  int (*start_tls)(void *t);
  const reed_peer_t *(*peer)(void *t);
  /* Who is on this connection ("alice/acct alice"), for the line net logs
   * when it closes; a core sets it as it quits. May be NULL (test fakes). */
  void (*set_label)(void *t, const char *label);
  void *t;
  /* Channel binding data of this connection's TLS session (RFC 5056), for
   * SASL's -PLUS and HT-* mechanisms. `type` is "tls-exporter" (RFC 9266:
   * 32 bytes, defined for TLS 1.3, and for TLS 1.2 only with the extended
   * master secret) or "tls-server-end-point" (RFC 5929: the hash of the
   * server's certificate, by its signature's hash, SHA-256 for MD5 and
   * SHA-1). *len is out's size on entry (REED_CHANNEL_BINDING_MAX is always
   * enough) and the data's length on return. 0, or REED_EINVAL: no TLS
   * (yet), another type ("tls-unique" too: undefined for TLS 1.3), or a
   * session the type is undefined for. NULL in a transport without it. */
  int (*channel_binding)(void *t, const char *type, uint8_t *out, size_t *len);
} reed_transport_t;

/* Bytes of channel binding data at most (a SHA-512 certificate hash). */
#define REED_CHANNEL_BINDING_MAX 64

/* What the process host offers operators' commands (IRC REHASH and
 * STATS); server/main.c fills it. NULL where there is no host (unit
 * tests), and each member may be NULL. */
typedef struct reed_host_s {
  /* Does what SIGHUP does (reload the config and certificates), from the
   * top of the loop soon after the call returns, never inside it. */
  void (*reload)(void *ud);
  /* Calls cb for each open listener: its module's name, "tcp", "ssl" or
   * "unix", and the bound address and port (the path and 0 for unix). */
  void (*each_listener)(void *ud,
                        void (*cb)(void *cbud, const char *module,
                                   const char *kind, const char *addr,
                                   unsigned port),
                        void *cbud);
  /* Open connections of the module named (registered or not). */
  size_t (*connections)(void *ud, const char *module);
  uint64_t started_ms; /* when the server started, on the wall clock */
  /* ---- Issue 19 (the web) ----
   * metrics: appends the whole process's metrics in the Prometheus text
   * format 0.0.4 to *out (server/metrics.c gathers them from net, the
   * model, the portal, the store and the modules; names reed_*, base
   * units, no per-user or per-room labels). 0 or REED_ENOMEM. */
  int (*metrics)(void *ud, reed_buf_t **out);
  /* inner: cores of another module on a transport the caller provides
   * (a WebSocket's): protocols never link each other, the host does it.
   * NULL where the host has none (unit tests give a fake). */
  const struct reed_inner_ops_s *inner;
  /* acme_http01: the key authorization for an ACME http-01 token the
   * ACME client is answering now (RFC 8555, 8.3), or NULL. */
  const char *(*acme_http01)(void *ud, const char *token);
  void *ud;
} reed_host_t;

/* How a connection's bytes are framed (reed_proto_env_t.framing). */
enum {
  REED_FRAMING_STREAM = 0, /* a byte stream: TCP, TLS, a unix socket */
  /* WebSocket messages. The carrier (protocols/http) feeds one message
   * per feed call. IRC (IRCv3 websocket): a message is one line; the
   * carrier adds the CRLF before feeding and splits the core's output
   * at CRLF into one message per line, so the IRC core needs nothing of
   * its own. XMPP (RFC 7395): the core writes <open/> and <close/> of the
   * framing namespace in place of the stream header and footer, parses
   * each message as one complete element, and makes each write or write2
   * call exactly one message (one stanza). */
  REED_FRAMING_WEBSOCKET = 1,
};

/* A core of module `module` running inside another connection (IRC or
 * XMPP over a WebSocket), made by the host with that module's config,
 * module state and counters, so it is a session like any other. */
typedef struct reed_inner_s reed_inner_t;
typedef struct reed_inner_ops_s {
  /* Makes the core: env->transport is `transport` (copied; its peer()
   * gives the real client address, after X-Forwarded-For), env->framing
   * is `framing`, env->role NULL. NULL when the module is not enabled or
   * out of memory (the caller refuses the upgrade). */
  reed_inner_t *(*open)(void *ud, const char *module,
                        const reed_transport_t *transport, unsigned framing);
  /* The module's feed, eof and conn_free (the last frees the handle). */
  ssize_t (*feed)(reed_inner_t *in, const uint8_t *p, size_t len);
  void (*eof)(reed_inner_t *in, const char *reason);
  void (*shutdown)(reed_inner_t *in, int why); /* REED_SHUTDOWN_* */
  void (*free)(reed_inner_t *in);
} reed_inner_ops_t;

/* All a core may touch: no globals. */
typedef struct reed_proto_env_s {
  reed_transport_t *transport;
  reed_clock_t *clock;
  reed_worker_t *worker;
  reed_model_t *model;
  reed_portal_t *portal;
  reed_store_t *store;
  const void *conf;        /* the module's own config struct */
  const void *server_conf; /* reed_config_t, read-only */
  reed_log_t *log;
  uint64_t conn_id;
  void *module_state;      /* what the module's init made; NULL without one */
  const reed_host_t *host; /* NULL without one */
  /* The listener's role: NULL for the section's `listen` endpoints, else
   * the listen_roles name whose `<name>_listen` key opened it (XMPP's
   * "component"): one module, two kinds of peer. */
  const char *role;
  unsigned framing; /* REED_FRAMING_*: STREAM except inside a WebSocket */
} reed_proto_env_t;

/* What a module's init gets: the process's services and the module's
 * config. The host keeps it at one address until cleanup and repoints conf
 * and server_conf on a SIGHUP reload (the old structs are then freed), so
 * module-wide state may keep the pointer and read config through it. */
typedef struct reed_module_env_s {
  reed_model_t *model;
  reed_portal_t *portal;
  reed_store_t *store;
  reed_clock_t *clock;
  reed_worker_t *worker;
  reed_log_t *log;
  const void *conf;        /* the module's own config struct */
  const void *server_conf; /* reed_config_t's server part, read-only */
} reed_module_env_t;

/* Why a session is shut down. */
enum { REED_SHUTDOWN_SERVER = 1, REED_SHUTDOWN_RELOAD = 2 };

typedef struct reed_protocol_module_s {
  const char *name;                     /* "irc": INI section, log tag */
  const char *const *default_endpoints; /* NULL-terminated */
  const reed_directive_t *directives;   /* the [name] section's keys */
  size_t conf_size;
  void (*conf_defaults)(void *conf);
  int (*conf_check)(const void *conf, reed_conf_err_t *err);
  /* Optional: after conf_check, with every listener of the config (each
   * names its module): XMPP allows require_tls = no on loopback only. */
  int (*conf_check_listeners)(const void *conf, const reed_listener_t *l,
                              size_t n, reed_conf_err_t *err);
  void (*conf_cleanup)(void *conf);
  /* ---- Module-wide (each optional) ----
   * Run by the host (server/modhost.h) once per process for a module the
   * config enables; a reload runs none of them.
   * migrations: the module's own tables, steps[0..n) under the owner
   * `name`, run at start-up by the store's migration runner
   * (reed_store_migrate: each step once, in order, in its own
   * transaction). Append steps; never edit one that has shipped.
   * init: after the migrations, before any listener opens; makes the
   * process-wide state (XMPP's MUC service, its stream-id secret) that
   * every connection's env->module_state then points at. `env` is valid
   * until cleanup. Returns 0, or an error that stops start-up (the
   * modules started before get their cleanup).
   * cleanup: at exit, after every connection of every module is freed and
   * before the model and the store are; gets what init made. */
  const reed_store_migration_t *migrations;
  size_t n_migrations;
  int (*init)(const reed_module_env_t *env, void **state);
  void (*cleanup)(void *state);
  /* Creates a core for a new connection; may write a greeting. The core
   * may keep `env` for the life of the connection and must read its config
   * through env->conf and env->server_conf each time: net repoints them on
   * a SIGHUP reload, and the old structs are freed. */
  int (*conn_new)(const reed_proto_env_t *env, void **core);
  /* Returns len, or fewer bytes while paused (the adapter keeps the rest and
   * feeds it again on resume), or < 0 (REED_EFATAL class): close this
   * connection only. Input split at any byte gives identical results. */
  ssize_t (*feed)(void *core, const uint8_t *in, size_t len);
  void (*tls_ready)(void *core);
  /* The connection is gone: the peer closed it, or net cut it (a read
   * or write error, a full send queue, a deadline). `reason` says which,
   * as a user may read it ("Connection closed", "SendQ exceeded", ...);
   * the core quits its session with it. */
  void (*eof)(void *core, const char *reason);
  void (*shutdown)(void *core, int why); /* SIGTERM: polite goodbye */
  void (*conn_free)(void *core);
  /* The bytes a connection gets when net refuses it (a connection limit,
   * the connect rate; no core exists) or cuts it for flooding its input
   * buffer ("Excess Flood"; the core is then told with eof): IRC's
   * `ERROR :Closing link: <reason>`, AMP's Closing box, XMPP's stream
   * error. A new buffer or NULL; a NULL hook (or result) closes without a
   * word. `reason` is the sentence net logs. */
  reed_buf_t *(*refusal)(const char *reason);
  /* Optional listener roles, NULL-terminated (reed_conf_section_t's
   * listen_roles): `<name>_listen = ENDPOINT` keys of the section open
   * listeners whose connections get env->role = name. */
  const char *const *listen_roles;
} reed_protocol_module_t;

#endif
