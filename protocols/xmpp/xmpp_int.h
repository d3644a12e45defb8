/* The XMPP core's internals: the [xmpp] settings, the module-wide state,
 * the per-connection core, and the tables stanza handlers add rows to
 * (protocols/xmpp/README.md explains how a new file plugs in). */
#ifndef REED_XMPP_INT_H
#define REED_XMPP_INT_H

#include "auth.h"
#include "model.h"
#include "xmpp.h"
#include "xmpp_jid.h"
#include "xmpp_xml.h"

#define REED_NS_STREAM_ERR "urn:ietf:params:xml:ns:xmpp-streams"
#define REED_NS_FRAMING "urn:ietf:params:xml:ns:xmpp-framing" /* RFC 7395 */
#define REED_NS_STANZA_ERR "urn:ietf:params:xml:ns:xmpp-stanzas"
#define REED_NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define REED_NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"
#define REED_NS_BIND "urn:ietf:params:xml:ns:xmpp-bind"
#define REED_NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"

/* ---- [xmpp] ---------------------------------------------------------------
 * Strings are the config's (reed_conf_set_str); NULL means "derived":
 * read them through reed__xmpp_domain and reed__xmpp_muc. */
typedef struct reed_xmpp_conf_s {
  char *domain;                    /* NULL: [server] name */
  char *muc;                       /* NULL: conference.<domain> */
  bool require_tls;                /* STARTTLS before anything else */
  size_t max_stanza_pre_auth;      /* bytes of one element before SASL */
  size_t max_stanza;               /* ... and after */
  int offline_max;                 /* stored messages per account */
  uint64_t resume_window_ms;       /* XEP-0198 resumption */
  int max_resume_queue;            /* XEP-0198 unacked stanzas kept */
  uint64_t negotiation_timeout_ms; /* header to bound resource; 0: none */
  uint64_t fast_expiry_ms;         /* XEP-0484 token lifetime */
  reed_strlist_t components;       /* XEP-0114 "domain:secret" entries */
} reed_xmpp_conf_t;

void reed__xmpp_conf_defaults(void *conf);

/* ---- Module-wide state (init) ---------------------------------------------
 * Bound resources by account, so a bind finds the session it replaces and
 * routing finds an account's resources. */
typedef struct reed_xmpp_core_s reed_xmpp_core_t;

typedef struct xmpp_reg_s {
  reed_xmpp_core_t **buckets;
  size_t n_buckets;
  size_t count;
} xmpp_reg_t;

typedef struct reed_xmpp_state_s {
  const reed_module_env_t *env;
  uint64_t boot_ms; /* wall clock at init: makes ids unique per run */
  uint64_t next_id; /* stream ids and generated resources */
  xmpp_reg_t reg;
  void *im; /* IM's module-wide state (xmpp_im.c: the store handle) */
  /* The module's tables (xmpp_store.h), opened at init when the host has
   * a store (NULL without one: handlers that need it answer with an
   * error). */
  struct reed_xstore_s *xs;
  /* XEP-0363: core/files' handle, opened at the first slot
   * (xmpp_upload.c). */
  struct reed_files_s *files;
  /* XEP-0114: the connected components (xmpp_component.c). */
  struct xcomp_s *components;
  /* XEP-0484: the key FAST tokens are derived with (xmpp_fast.c), kept
   * in a file of the data directory, not in the database. */
  uint8_t fast_key[32];
  bool fast_key_ready;
  /* XEP-0421's key (xmpp_muc_occid.c), from the store at first use. */
  uint8_t muc_secret[32];
  bool muc_secret_ready;
  /* The last occupant id made and its HMAC input: a fan-out renders one
   * sender's id for every recipient, so all but the first are a hit. */
  char occid_in[REED_ROOM_MAX + REED_ACCOUNT_MAX + 32];
  size_t occid_in_len;
  char occid[25];
  /* XEP-0444: each sender's reaction set per message (xmpp_react_set.c). */
  struct xmpp_react_sets_s *react_sets;
} reed_xmpp_state_t;

int reed__xmpp_init(const reed_module_env_t *env, void **state);
void reed__xmpp_cleanup(void *state);
/* IM's part of init and cleanup (xmpp_im.c). */
int reed__xim_init(reed_xmpp_state_t *st);
void reed__xim_cleanup(reed_xmpp_state_t *st);
/* The model observer that archives retractions and keeps them for offline
 * recipients (xmpp_retract_arch.c); nothing without a store. */
int reed__xmpp_retract_arch_init(reed_xmpp_state_t *st);
void reed__xmpp_retract_arch_cleanup(reed_xmpp_state_t *st);

/* Registry (xmpp_registry.c). add: 0 or REED_ENOMEM; the core must have
 * its account and resource set and stay registered until del. */
int reed__xmpp_reg_add(xmpp_reg_t *r, reed_xmpp_core_t *c);
void reed__xmpp_reg_del(xmpp_reg_t *r, reed_xmpp_core_t *c);
/* The bound core of account/resource (account compared case-blind), or
 * NULL. */
reed_xmpp_core_t *reed__xmpp_reg_find(const xmpp_reg_t *r, const char *account,
                                      const char *resource);
/* Calls cb for each bound core of the account; cb must not add or remove
 * cores of that account. */
void reed__xmpp_reg_each(const xmpp_reg_t *r, const char *account,
                         void (*cb)(void *ud, reed_xmpp_core_t *c), void *ud);
void reed__xmpp_reg_cleanup(xmpp_reg_t *r);

/* ---- Per-connection extension slots ---------------------------------------
 * State a stanza family keeps per connection without touching the core
 * struct: a file takes a slot here, stores its pointer with
 * reed__xmpp_ext_set, and adds its free function to
 * reed__xmpp_ext_free[] (xmpp_tables.c), which conn_free calls. */
enum {
  XMPP_EXT_ROSTER,
  XMPP_EXT_PRESENCE,
  XMPP_EXT_CARBONS,
  XMPP_EXT_SM,
  XMPP_EXT_CSI,
  XMPP_EXT_SASL2,
  XMPP_EXT_REGISTER,
  XMPP_EXT_BLOCK,
  XMPP_EXT_COMPONENT,
  XMPP_EXT_MUC,
  XMPP_EXT_REACT, /* xmpp_react.c: the reaction sets last sent */
  XMPP_EXT_MAX
};

/* ---- The per-connection core ---------------------------------------------*/
typedef struct xmpp_sasl_s {
  reed_sasl_t *ex; /* the exchange, NULL when none */
  int answer;      /* the portal's status, once ready */
  int failures;    /* failed exchanges on this stream */
  bool pending;    /* the portal is working: input held back */
  bool ready;      /* its answer came and waits to be handled */
  bool in_step;    /* inside a portal call (the answer may come inline) */
  char account[REED_AUTH_NAME_MAX + 1];
} xmpp_sasl_t;

struct reed_xmpp_core_s {
  /* Net's env for this connection; read config through it (a reload
   * repoints env->conf). */
  const reed_proto_env_t *env;
  reed_xmpp_state_t *st;
  reed_xml_stream_t *xml;
  bool header_in;   /* the client's header of the current stream came */
  bool header_out;  /* ours went out */
  bool secure;      /* TLS: a direct TLS listener, or STARTTLS done */
  bool tls_pending; /* <proceed/> sent: plaintext until tls_ready is dropped */
  bool authed;      /* SASL succeeded */
  bool bound;       /* a resource is bound (session exists) */
  bool restart;     /* reset the parser before the next byte */
  bool xml_paused;  /* the parser was paused: resume before feeding */
  bool read_paused; /* pause_reading(true) is in force */
  bool closed;      /* close requested: ignore further input */
  /* No connection: the stream dropped with XEP-0198 resumption on, and
   * the session waits for a new stream to resume it (xmpp_sm_park.c).
   * Its env is the module's copy: config is read through c->st->env. */
  bool parked;
  /* A component_listen connection: an XEP-0114 component, not a client
   * (xmpp_component.h); its state is in the XMPP_EXT_COMPONENT slot. */
  bool component;
  /* env->framing is REED_FRAMING_WEBSOCKET: RFC 7395 (xmpp_ws.c). */
  bool ws;
  bool ws_priming;     /* the synthetic header is being fed: not the client's */
  uint64_t timer;      /* negotiation timeout */
  uint64_t ka_timer;   /* whitespace keepalive, once bound */
  uint64_t last_rx_ms; /* when input last came */
  char stream_id[40];
  char account[REED_AUTH_NAME_MAX + 1]; /* canonical, once authed */
  char *resource;                       /* once bound */
  char *full_jid;                       /* account@domain/resource */
  reed_session_t *session;              /* once bound */
  xmpp_sasl_t sasl;
  reed_xmpp_core_t *reg_next; /* registry chain */
  void *ext[XMPP_EXT_MAX];
};

const reed_xmpp_conf_t *reed__xmpp_conf(const reed_xmpp_core_t *c);
/* The served domain: [xmpp] domain, else [server] name, else the model's
 * server name. */
const char *reed__xmpp_domain(const reed_xmpp_core_t *c);
/* The same from the module state (a model observer has no core). */
const char *reed__xmpp_st_domain(const reed_xmpp_state_t *st);
/* A new id for a stream or a generated resource; `buf` gets at most
 * size - 1 characters of [0-9a-f-]. */
void reed__xmpp_new_id(reed_xmpp_core_t *c, char *buf, size_t size);

void *reed__xmpp_ext_get(const reed_xmpp_core_t *c, int slot);
void reed__xmpp_ext_set(reed_xmpp_core_t *c, int slot, void *p);

/* ---- Output (xmpp_out.c) --------------------------------------------------
 * A builder with a sticky error: append freely, then send once. */
typedef struct xmpp_out_s {
  reed_buf_t *b;
  int err;
  unsigned stanzas; /* started with reed__xmpp_out_stanza: the hook's n */
} xmpp_out_t;

void reed__xmpp_out_init(xmpp_out_t *o);
void reed__xmpp_out_cleanup(xmpp_out_t *o);
/* Appends trusted markup as is (never text from a client). */
void reed__xmpp_out_raw(xmpp_out_t *o, const char *s);
/* Appends text escaped (client data goes here or in attributes). */
void reed__xmpp_out_text(xmpp_out_t *o, const char *s, size_t len);
/* ` name='value'` escaped; nothing when value is NULL. */
void reed__xmpp_out_attr(xmpp_out_t *o, const char *name, const char *value);
void reed__xmpp_out_el(xmpp_out_t *o, const reed_xml_el_t *el,
                       const char *parent_ns);
/* "<name" and the to, from, type and id attributes that are not NULL; the
 * caller closes the start tag (">" or "/>"). A top-level stanza only: it
 * counts one for stream management (nested ones are written raw). */
void reed__xmpp_out_stanza(xmpp_out_t *o, const char *name, const char *to,
                           const char *from, const char *type, const char *id);
/* Writes what was built and empties the builder (it can be reused). After
 * an allocation failure nothing is written and the stream ends with
 * internal-server-error. Returns 0 or a REED_E* code. */
int reed__xmpp_send(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_send_raw(reed_xmpp_core_t *c, const char *s);
/* For fan-outs: this recipient's own `head` ("<message to='full JID'")
 * before a `body` shared by many recipients (the caller keeps its
 * reference). Nothing once the connection is closing. */
void reed__xmpp_write2(reed_xmpp_core_t *c, const char *head, size_t head_len,
                       reed_buf_t *body);
/* Every write above passes the output hook (xmpp_tables.c names it):
 * CSI holds presence back, stream management counts and keeps stanzas
 * (xmpp_csi.c, xmpp_sm.c). What leaves now goes through
 * reed__xmpp_transport_write (REED_ECLOSED once closing). NULL: straight
 * to the transport. `head` may be NULL when head_len is 0. `n` is the
 * number of top-level stanzas the write holds, as its writer knows it:
 * send's builder counts reed__xmpp_out_stanza, send_raw writes none (our
 * nonzas), write2's head starts one. */
typedef int (*xmpp_out_hook_fn)(reed_xmpp_core_t *c, const void *head,
                                size_t head_len, reed_buf_t *body, int n);
extern const xmpp_out_hook_fn reed__xmpp_out_hook;
int reed__xmpp_transport_write(reed_xmpp_core_t *c, const void *head,
                               size_t head_len, reed_buf_t *body);
/* Writes our stream header (once per stream): <open/> over WebSocket. */
void reed__xmpp_send_header(reed_xmpp_core_t *c, const char *to);
/* RFC 6120 4.9: our header first when it has not gone out, then
 * <stream:error> with `cond` (and `text` when not NULL), </stream:stream>,
 * and the connection closes; the session quits. */
void reed__xmpp_stream_error(reed_xmpp_core_t *c, const char *cond,
                             const char *text);
/* Closes the connection (idempotent); the session quits with `reason`. */
void reed__xmpp_close(reed_xmpp_core_t *c, const char *reason);

/* ---- Stanzas (xmpp_stanza.c) ----------------------------------------------
 * Where a stanza is addressed, as bits so a table row can accept several. */
enum {
  XMPP_TO_NONE = 1u << 0,      /* no 'to' */
  XMPP_TO_SERVER = 1u << 1,    /* our domain */
  XMPP_TO_SELF_BARE = 1u << 2, /* the user's own bare JID */
  XMPP_TO_SELF_FULL = 1u << 3, /* this connection's full JID */
  XMPP_TO_OTHER = 1u << 4,     /* anything else */
};

typedef struct xmpp_stanza_s {
  reed_xml_el_t *el;        /* the whole stanza, valid during the call */
  const char *id;           /* NULL when absent */
  const char *type;         /* NULL when absent */
  const char *to;           /* the 'to' as written, NULL when absent */
  const reed_jid_t *to_jid; /* parsed 'to', NULL when absent */
  unsigned target;          /* XMPP_TO_* */
  reed_xml_el_t *payload;   /* iq get/set: its one child; else NULL */
} xmpp_stanza_t;

/* The reply that RFC 6120 8.2.3 requires: <iq type='result'> with the
 * stanza's id, `payload` (trusted markup built with xmpp_out, or NULL) as
 * its content. */
void reed__xmpp_iq_result(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                          xmpp_out_t *payload);
/* RFC 6120 8.3: the stanza back with type='error' and <error type=...>
 * holding `cond` (a defined condition: "service-unavailable") and `text`
 * when not NULL. Nothing for a stanza that is itself an error. */
void reed__xmpp_stanza_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                             const char *type, const char *cond,
                             const char *text);
/* The same with `extra` (trusted markup: an application-specific
 * condition, XEP-0363's <file-too-large/>) after the text; NULL: none. */
void reed__xmpp_stanza_error_ext(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                                 const char *type, const char *cond,
                                 const char *text, const char *extra);

/* ---- The tables (xmpp_tables.c): one row per handler -----------------------
 * IQ handlers by the (name, namespace) of the iq's child. */
enum { XMPP_IQ_GET = 1u << 0, XMPP_IQ_SET = 1u << 1 };
enum {
  XMPP_IQ_PREBIND = 1u << 0, /* allowed after SASL, before bind */
};

typedef void (*xmpp_stanza_fn)(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

typedef struct xmpp_iq_handler_s {
  const char *name; /* the child's local name */
  const char *ns;   /* the child's namespace */
  unsigned types;   /* XMPP_IQ_GET | XMPP_IQ_SET */
  unsigned targets; /* XMPP_TO_* accepted */
  unsigned flags;   /* XMPP_IQ_PREBIND */
  xmpp_stanza_fn fn;
  /* NULL, or a finer test on the stanza: the row is skipped (later rows
   * are tried) when it returns false. PEP and disco take iqs to another
   * local account's bare JID this way and leave full JIDs to routing. */
  bool (*accept)(const reed_xmpp_core_t *c, const xmpp_stanza_t *st);
} xmpp_iq_handler_t;

extern const xmpp_iq_handler_t reed__xmpp_iq_handlers[]; /* NULL name ends */

/* Message and presence chains: each function returns true when it handled
 * the stanza; the next runs otherwise. The last row of the message chain
 * answers what nobody took with service-unavailable. */
typedef bool (*xmpp_chain_fn)(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
extern const xmpp_chain_fn reed__xmpp_message_chain[]; /* NULL ends */
extern const xmpp_chain_fn reed__xmpp_presence_chain[];
/* iq result and error a client sends (nothing takes them by default). */
extern const xmpp_chain_fn reed__xmpp_iq_answer_chain[];

/* Top-level elements that are not stanzas (nonzas: <starttls/>, <auth/>,
 * XEP-0198's <r/>...), by name and namespace, with the stream states that
 * accept them. */
enum {
  XMPP_NZ_PLAIN = 1u << 0,   /* before TLS (also when TLS is required) */
  XMPP_NZ_PREAUTH = 1u << 1, /* before SASL success */
  XMPP_NZ_AUTHED = 1u << 2,  /* after SASL success, bound or not */
};

typedef void (*xmpp_el_fn)(reed_xmpp_core_t *c, reed_xml_el_t *el);

typedef struct xmpp_nonza_s {
  const char *name;
  const char *ns;
  unsigned when;
  xmpp_el_fn fn;
} xmpp_nonza_t;

extern const xmpp_nonza_t reed__xmpp_nonzas[]; /* NULL name ends */

/* Stream features: each row appends its feature (or nothing) to the
 * <stream:features> being built, in table order. */
typedef void (*xmpp_feature_fn)(reed_xmpp_core_t *c, xmpp_out_t *o);
extern const xmpp_feature_fn reed__xmpp_features[]; /* NULL ends */

/* Hooks at the session's two ends: after a resource is bound (the model
 * session exists), and before the session quits (the stream is ending;
 * nothing may be written when c->closed). */
typedef void (*xmpp_hook_fn)(reed_xmpp_core_t *c);
extern const xmpp_hook_fn reed__xmpp_on_bound[];  /* NULL ends */
extern const xmpp_hook_fn reed__xmpp_on_unbind[]; /* NULL ends */

/* Model events by kind (NULL: ignored). Listeners only write. */
typedef void (*xmpp_event_fn)(reed_xmpp_core_t *c, reed_session_t *s,
                              const reed_event_t *ev);
#define XMPP_EV_KINDS (REED_EV_AFFILIATION + 1)
extern const xmpp_event_fn reed__xmpp_event_handlers[XMPP_EV_KINDS];
/* Filters run before the handler of any kind (not for KILL): one that
 * returns true drops the event for this connection (XEP-0191 blocking). */
typedef bool (*xmpp_event_filter_fn)(reed_xmpp_core_t *c, reed_session_t *s,
                                     const reed_event_t *ev);
extern const xmpp_event_filter_fn reed__xmpp_event_filters[]; /* NULL ends */

/* Frees a slot's pointer at conn_free (NULL: nothing to free). */
typedef void (*xmpp_ext_free_fn)(reed_xmpp_core_t *c, void *p);
extern const xmpp_ext_free_fn reed__xmpp_ext_free[XMPP_EXT_MAX];

/* ---- The core's own rows ---------------------------------------------------
 * xmpp_stream.c: STARTTLS. */
void reed__xmpp_feature_starttls(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_nz_starttls(reed_xmpp_core_t *c, reed_xml_el_t *el);
/* xmpp_sasl.c */
void reed__xmpp_feature_mechanisms(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_nz_auth(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_response(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_abort(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_sasl_cleanup(reed_xmpp_core_t *c);
/* xmpp_bind.c */
void reed__xmpp_feature_bind(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_iq_bind(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_session(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_ev_kill(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
/* Ends the model session (on_unbind hooks, registry, quit); idempotent. */
void reed__xmpp_unbind(reed_xmpp_core_t *c, const char *reason);
extern const reed_session_listener_t reed__xmpp_listener;
/* xmpp_stanza.c: the message chain's last row. */
bool reed__xmpp_message_unrouted(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

/* ---- Stream (xmpp_stream.c) ------------------------------------------------
 */
void reed__xmpp_on_stream_open(void *ud, const reed_xml_el_t *hdr,
                               const char *default_ns);
void reed__xmpp_on_element(void *ud, reed_xml_el_t *el);
void reed__xmpp_on_stream_close(void *ud);
/* Stops the parser after the current element (a restart, or the portal
 * working) . */
void reed__xmpp_pause_parser(reed_xmpp_core_t *c);
/* Holds back or lets in input (pause_reading), once each way. */
void reed__xmpp_hold_input(reed_xmpp_core_t *c, bool hold);
/* The stream restarts at the next byte (after TLS, after SASL). */
void reed__xmpp_restart(reed_xmpp_core_t *c);
/* <stream:features> as the rows build them (also after SASL2 success). */
void reed__xmpp_send_features(reed_xmpp_core_t *c);
/* xmpp_stanza.c */
void reed__xmpp_dispatch_stanza(reed_xmpp_core_t *c, reed_xml_el_t *el);

/* Stream management's hooks in the core (xmpp_sm.c, xmpp_sm_park.c):
 * sm_in counts a stanza the client sent (XEP-0198's h); sm_park, at eof,
 * keeps a resumable session (true: the core stays bound, parked, and is
 * not unbound); sm_keep, at conn_free, takes a parked core over (true:
 * the module frees it later); sm_cleanup, at module cleanup, ends the
 * parked sessions. */
void reed__xmpp_sm_in(reed_xmpp_core_t *c);
bool reed__xmpp_sm_park(reed_xmpp_core_t *c, const char *reason);
bool reed__xmpp_sm_keep(reed_xmpp_core_t *c);
void reed__xmpp_sm_cleanup(reed_xmpp_state_t *st);

/* The core's side of the module struct (xmpp_core.c). */
int reed__xmpp_conn_new(const reed_proto_env_t *env, void **core);
ssize_t reed__xmpp_feed(void *core, const uint8_t *in, size_t len);
void reed__xmpp_tls_ready(void *core);
void reed__xmpp_eof(void *core, const char *reason);
void reed__xmpp_shutdown(void *core, int why);
void reed__xmpp_conn_free(void *core);
/* Sends a single space after [server] ping_interval of silence from the
 * client, from bind on (RFC 6120 4.6.1): a dead peer then fails a write. */
void reed__xmpp_keepalive_start(reed_xmpp_core_t *c);

/* ---- WebSocket framing (xmpp_ws.c, RFC 7395) -------------------------------
 * prime: feeds the parser the synthetic stream header the client's
 * messages then sit in (at conn_new and after each reset); 0 or
 * REED_ENOMEM. secure: the WebSocket's own TLS, or a loopback peer, counts
 * as encryption (require_tls; no STARTTLS over WebSocket). element: takes
 * <open/>, <close/> and what comes before <open/>; true when it did.
 * ws_open (xmpp_stream.c): the client's <open/>, as a stream header.
 * ws_write: one transport write per top-level element (the output hook's
 * last step in this framing). stream_end: "</stream:stream>", or <close/>
 * over WebSocket. */
int reed__xmpp_ws_prime(reed_xmpp_core_t *c);
bool reed__xmpp_ws_secure(const reed_xmpp_core_t *c);
bool reed__xmpp_ws_element(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_ws_open(reed_xmpp_core_t *c, const reed_xml_el_t *open);
int reed__xmpp_ws_write(reed_xmpp_core_t *c, const void *head, size_t head_len,
                        reed_buf_t *body);
const char *reed__xmpp_stream_end(const reed_xmpp_core_t *c);

#include "xmpp_auth.h"

#endif
