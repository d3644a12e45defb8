/* The IRC core's internals, shared by its files and its unit tests. */
#ifndef REED_IRC_INT_H
#define REED_IRC_INT_H

#include "model.h"
#include "irc.h"
#include "irc_numerics.h"

#include <stdbool.h>

/* ---- Config ([irc] section) ------------------------------------------------
 */
typedef struct reed_irc_conf_s {
  char *network;                /* NETWORK= and the welcome line */
  reed_strlist_t motd;          /* one entry per line; empty: 422 */
  uint64_t reg_timeout_ms;      /* registration must finish within this */
  uint64_t ping_interval_ms;    /* idle time before the server PINGs */
  uint64_t ping_timeout_ms;     /* then the time the client has to answer */
  int flood_burst;              /* commands at once */
  int flood_rate;               /* commands per 10 seconds after the burst */
  bool fakelag;                 /* delay flooders (else disconnect them) */
  reed_strlist_t flood_exempt;  /* IPs never throttled */
  int prereg_max_lines;         /* lines allowed before registering */
  reed_strlist_t opers;         /* "name password" pairs */
  char *server_name;            /* until the [server] name reaches us */
  bool register_before_connect; /* REGISTER before registration ends */
  bool register_requires_email; /* REGISTER needs an email address */
  char *password;               /* connection password (PASS); NULL: none */
  char *description;            /* LINKS and VERSION; NULL: built in */
  int sts_port;                 /* STS: the TLS port to upgrade to; 0 off */
  uint64_t sts_duration_ms;     /* STS: how long clients keep the policy */
  bool sts_preload;             /* STS: the policy may be preloaded */
  bool own_new_channels;        /* a logged-in creator owns the channel */
} reed_irc_conf_t;

void reed__irc_conf_defaults(void *conf);
void reed__irc_conf_cleanup(void *conf);
extern const reed_directive_t reed__irc_directives[];

/* ---- Capabilities ----------------------------------------------------------
 */
enum {
  IRC_CAP_ACCOUNT_NOTIFY = 1u << 0,
  IRC_CAP_ACCOUNT_TAG = 1u << 1,
  IRC_CAP_AWAY_NOTIFY = 1u << 2,
  IRC_CAP_CAP_NOTIFY = 1u << 3,
  IRC_CAP_CHGHOST = 1u << 4,
  IRC_CAP_ECHO_MESSAGE = 1u << 5,
  IRC_CAP_EXTENDED_JOIN = 1u << 6,
  IRC_CAP_INVITE_NOTIFY = 1u << 7,
  IRC_CAP_MESSAGE_TAGS = 1u << 8,
  IRC_CAP_MULTI_PREFIX = 1u << 9,
  IRC_CAP_SASL = 1u << 10,
  IRC_CAP_SERVER_TIME = 1u << 11,
  IRC_CAP_SETNAME = 1u << 12,
  IRC_CAP_USERHOST_IN_NAMES = 1u << 13,
  IRC_CAP_BATCH = 1u << 14,
  IRC_CAP_LABELED_RESPONSE = 1u << 15,
  IRC_CAP_CHATHISTORY = 1u << 16,
  IRC_CAP_ACCOUNT_REGISTRATION = 1u << 17,
  IRC_CAP_MESSAGE_REDACTION = 1u << 18,
  IRC_CAP_PRE_AWAY = 1u << 24,
  IRC_CAP_READ_MARKER = 1u << 25,
  IRC_CAP_MULTILINE = 1u << 26,
  IRC_CAP_EXTENDED_MONITOR = 1u << 19,
  IRC_CAP_NO_IMPLICIT_NAMES = 1u << 20,
};

/* The caps that change the bytes of a relayed event line: the variant of
 * the format-cache form whose owner is reed_irc_module. */
#define IRC_FORM_CAPS                                                          \
  (IRC_CAP_ACCOUNT_TAG | IRC_CAP_EXTENDED_JOIN | IRC_CAP_MESSAGE_TAGS |        \
   IRC_CAP_SERVER_TIME | IRC_CAP_AWAY_NOTIFY)

/* ---- The core --------------------------------------------------------------
 */
enum {
  IRC_ST_NICK = 1u << 0,    /* NICK given */
  IRC_ST_USER = 1u << 1,    /* USER given */
  IRC_ST_CAPNEG = 1u << 2,  /* CAP LS/REQ seen, END not yet */
  IRC_ST_REG = 1u << 3,     /* registered */
  IRC_ST_CLOSED = 1u << 4,  /* ERROR sent; input is ignored */
  IRC_ST_INVIS = 1u << 5,   /* user mode +i */
  IRC_ST_CLOSING = 1u << 6, /* writing the ERROR line */
  IRC_ST_PASS = 1u << 7,    /* PASS matched the connection password */
};

#define IRC_READ_MAX (REED_IRC_TAGS_MAX + REED_IRC_LINE_MAX)
#define IRC_BODY_MAX (REED_IRC_LINE_MAX - 2) /* a line without CRLF */
#define IRC_USER_MAX 16
#define IRC_HOST_MAX 46 /* a numeric IPv6 address, or "localhost" */
#define IRC_REALNAME_MAX 128

/* What a connection needs only while it registers or waits on the portal
 * (SASL, OPER, REGISTER): made at connect, or on demand after, and freed by
 * reed__irc_pend_release once the connection is registered and nothing in
 * it is open, so an idle registered client does not carry it. */
struct reed_irc_core_s;
typedef struct reed_irc_pend_s {
  /* From USER until registration completes; then only the session keeps
   * it. */
  char *realname;
  /* USER's name and the peer's host until registration ends; the session
   * keeps them after (reed__irc_user, reed__irc_host). */
  char user[IRC_USER_MAX + 1];
  char host[IRC_HOST_MAX + 1];
  char nick_wanted[REED_NICK_MAX + 1]; /* asked for before registering */
  char nick_tried[REED_NICK_MAX + 1];  /* the last NICK, even refused */
  unsigned long prereg_lines;
  uint64_t reg_timer;
  char *pre_away; /* draft/pre-away: AWAY text given before registering */
  /* SASL (irc_sasl.c). While `sasl_pending` the portal is working and
   * input is held back. */
  struct reed_sasl_s *sasl;
  char *sasl_buf; /* base64 collected so far */
  size_t sasl_len;
  bool sasl_pending, sasl_final, sasl_in_step, sasl_ready;
  int sasl_status;
  char sasl_account[REED_ACCOUNT_MAX + 1];
  void (*auth_fn)(struct reed_irc_core_s *c, int status, const char *account);
  char
      oper_name[REED_ACCOUNT_MAX + 1]; /* OPER's name while the portal checks */
} reed_irc_pend_t;

typedef struct reed_irc_core_s {
  const reed_proto_env_t *env; /* net's, valid for the core's life */
  reed_transport_t *tr;
  reed_clock_t *clock;
  reed_session_t *session; /* NULL once quit or killed */
  uint32_t state;
  uint32_t caps;
  int cap_version;
  /* A write failed (SendQ): later writes are dropped, and the entry point
   * closes through reed__irc_check_write. */
  bool write_failed;
  bool exempt, paused, ping_out;
  /* labeled-response: lines captured while a labeled command runs. Up here
   * with the fields every delivery reads, in the core's first cache line. */
  reed_buf_t *capture;
  /* Partial input line (lazy: NULL while no partial line is pending). */
  char *rbuf;
  size_t rlen;
  /* Flood control: a token bucket counted in milliseconds. */
  uint64_t credit_ms, credit_at;
  uint64_t lag_timer, ping_timer;
  uint64_t last_rx_ms;
  reed_irc_pend_t *pend; /* registering or waiting on the portal; or NULL */
  char *label;           /* labeled-response: escaped, while capture is set */
  unsigned batch_seq;
  bool sasl_done;           /* logged in by SASL (or REGISTER) */
  struct reed_irc_ml_s *ml; /* an open draft/multiline batch, or NULL */
  const char *cmd;          /* the command being dispatched, for FAIL replies */
} reed_irc_core_t;

/* The connection's user and host as IRC shows them: USER's ("*" before
 * it) and the peer's while registering, the session's after; the host
 * may be written into buf[IRC_HOST_MAX + 1] (a killed connection's). */
const char *reed__irc_user(const reed_irc_core_t *c);
const char *reed__irc_host(const reed_irc_core_t *c, char *buf);
/* The pending state, made if need be: NULL on ENOMEM. */
reed_irc_pend_t *reed__irc_pend(reed_irc_core_t *c);
/* Frees the pending state once the connection is registered and no SASL
 * exchange, portal call or timer in it is open. */
void reed__irc_pend_release(reed_irc_core_t *c);
/* Whether the portal is working for this connection (input waits). */
#define IRC_PORTAL_WAITING(c) ((c)->pend != NULL && (c)->pend->sasl_pending)

/* The config is read through the env on every use: a reload points the
 * env at a new struct. */
#define IRC_CONF(c) ((const reed_irc_conf_t *)(c)->env->conf)
#define IRC_SERVER(c) reed__irc_server_name(c)
/* An account entry of a ban/exception/invite list as IRC shows it
 * (ISUPPORT EXTBAN=$,a and ACCOUNTEXTBAN=a): `$a:NAME`. */
#define IRC_EXTBAN_ACCOUNT "$a:"
const char *reed__irc_server_name(const reed_irc_core_t *c);
/* Effective timeouts: [irc] when set, else [server], else built in. */
uint64_t reed__irc_reg_timeout(const reed_irc_core_t *c);
uint64_t reed__irc_ping_interval(const reed_irc_core_t *c);
uint64_t reed__irc_ping_timeout(const reed_irc_core_t *c);

/* irc_core.c */
/* Makes the model session if there is none yet: 0 or REED_ENOMEM. */
int reed__irc_ensure_session(reed_irc_core_t *c);
/* The nick this connection has, or asked for before registering. */
const char *reed__irc_own_nick(const reed_irc_core_t *c);
int reed__irc_conn_new(const reed_proto_env_t *env, void **core);
ssize_t reed__irc_feed(void *core, const uint8_t *in, size_t len);
void reed__irc_eof(void *core, const char *reason);
void reed__irc_shutdown(void *core, int why);
void reed__irc_conn_free(void *core);
void reed__irc_tls_ready(void *core);
/* Sends "ERROR :<reason>", quits the model session and closes. */
void reed__irc_close(reed_irc_core_t *c, const char *reason);
/* Compares a configured secret with what a client gave, in time that does
 * not depend on where they differ. */
bool reed__irc_secret_eq(const char *secret, const char *given);
/* Completes registration once NICK and USER are in and CAP is done. */
void reed__irc_try_register(reed_irc_core_t *c);
const char *reed__irc_nick(const reed_irc_core_t *c);

/* Resumes reading once nothing holds input back (fakelag, SASL). */
void reed__irc_resume(reed_irc_core_t *c);

/* irc_batch.c: batches and labeled-response. */
void reed__irc_batch_id(reed_irc_core_t *c, char *id, size_t size);
/* Writes each CRLF line of `lines`, adding `tag` (NULL: none) to each. */
void reed__irc_write_lines(reed_irc_core_t *c, const reed_buf_t *lines,
                           const char *tag);
void reed__irc_label_begin(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* Sends what the labeled command produced: ACK, one line or a batch. */
void reed__irc_label_end(reed_irc_core_t *c);

/* irc_sasl.c: the portal's asynchronous answers. begin returns the
 * callback to pass to the portal; end says whether the call is waiting for
 * it (input is held back until it comes). */
typedef void (*reed_irc_auth_fn)(reed_irc_core_t *c, int status,
                                 const char *account);
typedef void (*reed_irc_portal_cb)(void *ud, uint64_t req_id, int status,
                                   const char *account);
reed_irc_portal_cb reed__irc_portal_begin(reed_irc_core_t *c,
                                          reed_irc_auth_fn fn);
void reed__irc_portal_end(reed_irc_core_t *c, bool waiting);
/* Binds the account, then 900 and 903 (SASL). */
void reed__irc_logged_in(reed_irc_core_t *c, const char *account);
/* Logs the session (made now if need be) in as `account` and sends 900
 * RPL_LOGGEDIN, the one place it is built (SASL, REGISTER and VERIFY).
 * Returns 0, or the model's error with nothing sent. */
int reed__irc_bind_account(reed_irc_core_t *c, const char *account);
void reed__irc_cmd_authenticate(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* Cancels a portal request in flight and frees the exchange. */
void reed__irc_sasl_cleanup(reed_irc_core_t *c);

/* irc_cap.c */
void reed__irc_cmd_cap(reed_irc_core_t *c, const reed_irc_msg_t *m);

/* irc_cmds.c: the table and the dispatcher. */
typedef void (*reed_irc_cmd_fn)(reed_irc_core_t *c, const reed_irc_msg_t *m);
enum { IRC_NEED_REG = 1, IRC_PRE_REG = 2 };
typedef struct reed_irc_cmd_s {
  const char *name;
  reed_irc_cmd_fn fn;
  unsigned flags;
  unsigned min_params;
  unsigned penalty; /* in commands' worth of flood credit */
} reed_irc_cmd_t;
const reed_irc_cmd_t *reed__irc_cmd_find(const char *name);
size_t reed__irc_cmd_count(void);
const reed_irc_cmd_t *reed__irc_cmd_at(size_t i);
/* Runs one parsed line: 451/461/421, then the handler. */
void reed__irc_dispatch(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* The same inside a labeled response when the line has a label. */
void reed__irc_dispatch_labeled(reed_irc_core_t *c, const reed_irc_msg_t *m);

/* Error codes to numerics through one table. `ctx` distinguishes the few
 * codes whose numeric depends on what was tried (sending vs joining). */
enum { IRC_CTX_ANY = 0, IRC_CTX_SEND, IRC_CTX_JOIN };
void reed__irc_reply_err(reed_irc_core_t *c, int err, int ctx,
                         const char *subject, const char *subject2);

/* The same, choosing the subjects for a room command: the nick for
 * 401/432, nick and channel for 441/443, else the channel. */
void reed__irc_reply_room_err(reed_irc_core_t *c, int err, int ctx,
                              const char *chan, const char *nick);

/* irc_out.c: output primitives. */
/* Writes one line (CRLF added; the non-tag part cut at 510 bytes on a UTF-8
 * boundary). */
void reed__irc_send(reed_irc_core_t *c, const char *fmt, ...) REED_PRINTF(2, 3);
/* ":<server> <num> <nick or *> " + fmt. */
void reed__irc_num(reed_irc_core_t *c, const char *num, const char *fmt, ...)
    REED_PRINTF(3, 4);
/* Writes b (or captures it for labeled-response). A failed write sets
 * c->write_failed and nothing else: from then on writes are dropped.
 * Inline, with the capture out of line, because every delivery of a room's
 * fan-out comes through here. */
void reed__irc_write_capture(reed_irc_core_t *c, reed_buf_t *b);
static inline void
reed__irc_write_buf(reed_irc_core_t *c, reed_buf_t *b)
{
  if ((c->state & IRC_ST_CLOSED) || c->write_failed)
    return;
  if (c->capture != NULL)
    reed__irc_write_capture(c, b);
  else if (c->tr->write(c->tr->t, b) < 0)
    c->write_failed = true;
}
/* Closes with "SendQ exceeded" when a write failed. Every entry point into
 * the core that may write calls it once its work is done: feed, the model
 * listener, the ping timer, a portal answer. */
static inline void
reed__irc_check_write(reed_irc_core_t *c)
{
  if (c->write_failed)
    reed__irc_close(c, "SendQ exceeded");
}
/* "nick!user@host" for an actor (sanitized) into out; returns its length.
 * reed__irc_append_mask appends the same to a buffer. */
#define IRC_MASK_MAX 200
/* A member's prefixes (PREFIX=(qaov)~&@+: owner, admin, op, voice),
 * highest first: all of them with multi-prefix, else the highest. Writes
 * up to 4 bytes and a NUL; returns the count. */
size_t reed__irc_prefixes(bool multi, reed_affiliation_t aff, bool op,
                          bool voice, char out[5]);
size_t reed__irc_mask_str(const reed_actor_t *a, char *out, size_t size);
int reed__irc_append_mask(reed_buf_t **b, const reed_actor_t *a);
/* Room names: "#name" <-> "name"; NULL when not a valid IRC channel. */
const char *reed__irc_room_of(const char *chan);
/* "YYYY-MM-DDThh:mm:ss.sssZ" (server-time's form); out holds 64 bytes. */
void reed__irc_time_str(uint64_t ms, char *out, size_t size);
/* A read marker as MARKREAD shows it: "timestamp=..." or "*" (0: none);
 * out holds 80 bytes. */
void reed__irc_marker_str(uint64_t ts, char *out, size_t size);

/* irc_fmt.c: the renderer. */
/* Formats an event as this connection shows it (a new buffer, or NULL). */
reed_buf_t *reed__irc_render(reed_irc_core_t *c, const reed_event_t *ev);
/* The model listener: renders an event for this connection (PRESENCE as
 * MONITOR's 730/731, READ_MARKER as MARKREAD, KILL as a close). */
void reed__irc_on_event(void *ud, reed_session_t *s, const reed_event_t *ev);

/* Welcome burst and informational replies (irc_cmd_info.c). */
void reed__irc_send_welcome(reed_irc_core_t *c);
void reed__irc_send_isupport(reed_irc_core_t *c);
void reed__irc_send_lusers(reed_irc_core_t *c);
void reed__irc_send_motd(reed_irc_core_t *c);

/* Splits a comma list into at most `max` items (in a copy held by buf). */
size_t reed__irc_split(char *buf, size_t size, const char *list, char **items,
                       size_t max);

/* STATUSMSG prefixes ("@#chan", "+#chan") of a message target: sets
 * *audience (reed_audience_t) and returns the target without them
 * (irc_cmd_msg.c). */
const char *reed__irc_statusmsg(const char *target, int *audience);

/* Channel helpers used by JOIN (irc_cmd_chan.c). */
void reed__irc_send_topic(reed_irc_core_t *c, const char *room, bool quiet);
void reed__irc_send_names(reed_irc_core_t *c, const char *room);

/* draft/read-marker (irc_cmd_markread.c): MARKREAD with this session's
 * marker of a room (name without '#') or nick. */
void reed__irc_send_markread(reed_irc_core_t *c, const char *target,
                             bool is_room);
void reed__irc_cmd_markread(reed_irc_core_t *c, const reed_irc_msg_t *m);

/* draft/multiline (irc_multiline.c, irc_multiline_fmt.c). */
#define IRC_ML_MAX_BYTES 4096
#define IRC_ML_MAX_LINES 100
/* The cap's max-bytes and max-lines: the model's message bound (every
 * protocol's), within the compile-time buffer above. */
size_t reed__irc_ml_max_bytes(const reed_irc_core_t *c);
size_t reed__irc_ml_max_lines(const reed_irc_core_t *c);
/* A line of an open batch (tagged batch=ref): collected, or refused with
 * FAIL BATCH; true when the line was taken (not to be dispatched). */
bool reed__irc_multiline_take(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_multiline_free(reed_irc_core_t *c);
void reed__irc_cmd_batch(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* A MESSAGE with more than one line (LF, CR or soft breaks). */
bool reed__irc_is_multiline(const reed_event_t *ev);
/* Appends the lines of such a message: `tags` is the first line's tag
 * section ("" or "@...; " with its space), target the IRC target. */
int reed__irc_render_multiline(reed_irc_core_t *c, const reed_event_t *ev,
                               uint32_t caps, const char *tags, size_t tags_len,
                               const char *target, reed_buf_t **b);
/* A line's client-only tags (with message-tags) as the model takes them
 * (irc_cmd_msg.c): `+draft/reply` naming a model id (decimal) is reply_to,
 * and on a TAGMSG a `+draft/react` beside it the reaction (`+draft/unreact`:
 * withdrawn); everything else (a reply to another server's msgid included)
 * stays IRC's own, "+key=escaped;+key2". */
typedef struct reed_irc_ctags_s {
  char irc[REED_IRC_CLIENT_TAGS_MAX + 1];
  char react[REED_REACTION_MAX + 1];
  bool unreact;
  uint64_t reply_to;
} reed_irc_ctags_t;
void reed__irc_ctags_parse(const reed_irc_core_t *c, const reed_irc_msg_t *m,
                           bool tagmsg, reed_irc_ctags_t *t);
/* Points x's irc_client_tags (NULL when empty), reply_to and reaction at
 * t; true when any of them is set. */
bool reed__irc_ctags_extra(const reed_irc_ctags_t *t, reed_msg_extra_t *x);

/* Command handlers, one per table row. */
void reed__irc_cmd_redact(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_help(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_admin(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_register(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* PRIVMSG NickServ: REGISTER and IDENTIFY; true when it was for NickServ. */
bool reed__irc_nickserv(reed_irc_core_t *c, const char *target,
                        const char *text);
void reed__irc_cmd_chathistory(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* "msgid=N", "timestamp=YYYY-MM-DDThh:mm:ss[.sss]Z" or "*" (when star_ok):
 * false when the reference is none of those (irc_cmd_history.c). */
bool reed__irc_parse_ref(const char *s, bool star_ok, uint64_t *id,
                         uint64_t *ts);
/* CHATHISTORY TARGETS (irc_cmd_targets.c). */
void reed__irc_chathistory_targets(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_away(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* Applies a pre-registration AWAY once registered (irc_cmd_user.c). */
void reed__irc_apply_pre_away(reed_irc_core_t *c);
void reed__irc_cmd_info(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_invite(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_ison(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_join(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_kick(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_kill(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* irc_cmd_ban.c: UBAN, and the refusal of a banned address (at
 * connection) or session (at registration and login): 465, then ERROR and
 * the close. Each returns true when it refused. */
void reed__irc_cmd_uban(reed_irc_core_t *c, const reed_irc_msg_t *m);
bool reed__irc_refuse_banned_ip(reed_irc_core_t *c);
bool reed__irc_refuse_banned(reed_irc_core_t *c);
/* A ban's expiry as RFC 3339 UTC, or "never". */
void reed__irc_ban_expiry(const reed_sban_view_t *b, char *out, size_t size);
/* irc_cmd_stats.c: REHASH and STATS. */
void reed__irc_cmd_rehash(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_stats(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* Names the user of session s in net's close line ("nick", "nick/acct
 * NAME"); called as the core lets go of its session. */
void reed__irc_label_conn(reed_irc_core_t *c, const reed_session_t *s);
void reed__irc_cmd_chghost(reed_irc_core_t *c, const reed_irc_msg_t *m);
/* irc_chanserv.c: CS / CHANSERV <command> ..., and PRIVMSG ChanServ (true
 * when the message was for ChanServ). */
void reed__irc_cmd_cs(reed_irc_core_t *c, const reed_irc_msg_t *m);
bool reed__irc_chanserv(reed_irc_core_t *c, const char *target,
                        const char *text);
void reed__irc_cmd_links(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_wallops(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_list(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_lusers(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_mode(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_motd(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_names(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_nick(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_notice(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_oper(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_part(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_pass(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_ping(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_pong(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_privmsg(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_quit(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_setname(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_tagmsg(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_time(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_topic(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_user(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_userhost(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_version(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_who(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_whois(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_whowas(reed_irc_core_t *c, const reed_irc_msg_t *m);
void reed__irc_cmd_monitor(reed_irc_core_t *c, const reed_irc_msg_t *m);

#define IRC_VERSION "reed-0.1"

#endif
