/* The AMP chat core's internals: one core per connection, the command
 * table with argument schemas, replies, and model events as boxes. */
#ifndef REED_AMP_INT_H
#define REED_AMP_INT_H

#include "auth.h"
#include "model.h"
#include "amp.h"

/* [amp] settings (docs/amp.md sections 6 and 10). */
typedef struct reed_amp_conf_s {
  uint64_t login_timeout_ms; /* close a connection not logged in by then */
  int flood_burst;           /* token bucket size */
  int flood_rate;            /* tokens refilled per second */
  int flood_limit;           /* refusals in a row before Closing */
  int max_login_failures;    /* per connection */
  bool create_rooms;         /* Join creates missing rooms */
  bool starttls;             /* StartTLS offered */
} reed_amp_conf_t;

void reed__amp_conf_defaults(reed_amp_conf_t *c);

/* ---- Argument schemas --------------------------------------------------- */
enum { AMP_T_UNICODE, AMP_T_STRING, AMP_T_INT, AMP_T_BOOL };
enum {
  AMP_SYN_ANY,     /* any value of the type */
  AMP_SYN_ACCOUNT, /* account-name grammar */
  AMP_SYN_NICK,    /* IRC nick grammar */
  AMP_SYN_ROOM,    /* room name; one leading '#' stripped */
  AMP_SYN_KEY,     /* no space, comma or control character */
  AMP_SYN_TEXT,    /* no CR (NUL is refused by Unicode already) */
  AMP_SYN_LINE,    /* no CR or LF */
  AMP_SYN_KIND,    /* message | action | notice */
};

#define AMP_MAX_ARGS 4

typedef struct amp_arg_s {
  const char *key;
  uint8_t type;
  uint8_t syntax;
  bool opt;
  uint16_t min, max; /* bytes; max 0 = no limit */
} amp_arg_t;

/* Parsed arguments, by schema index. Strings are NUL-terminated copies. */
typedef struct amp_argv_s {
  bool set[AMP_MAX_ARGS];
  char *s[AMP_MAX_ARGS];
  size_t len[AMP_MAX_ARGS];
  long long i[AMP_MAX_ARGS]; /* Integer, Boolean, and a kind's REED_MSG_* */
} amp_argv_t;

typedef struct reed_amp_core_s reed_amp_core_t;
typedef void (*amp_handler_fn)(reed_amp_core_t *c, const amp_argv_t *a);

enum {
  AMP_CMD_LOGIN = 1u << 0,  /* needs a logged-in connection */
  AMP_CMD_PRE = 1u << 1,    /* only before login (Login, Register) */
  AMP_CMD_NOCOST = 1u << 2, /* takes no flood token (Ping) */
};

typedef struct amp_cmd_s {
  const char *name;
  amp_handler_fn handler;
  unsigned flags;
  amp_arg_t args[AMP_MAX_ARGS];
} amp_cmd_t;

/* The command whose name is exactly `name` (len bytes), or NULL. */
const amp_cmd_t *reed__amp_cmd_find(const uint8_t *name, size_t len);

/* ---- The per-connection core ------------------------------------------- */
struct reed_amp_core_s {
  /* The connection's env, owned by net for the connection's life; read
   * through this pointer because a reload replaces env->conf. */
  const reed_proto_env_t *env;
  reed_amp_decoder_t dec;
  reed_session_t *session; /* NULL until Login */
  uint64_t login_timer;
  uint64_t event_tag;   /* last _ask tag the server used */
  uint64_t answered;    /* answers to our events seen (matched) */
  uint64_t stray;       /* answers with tags we never used (ignored) */
  uint64_t echo_id;     /* the last own message the model echoed ... */
  uint64_t echo_ts_ms;  /* ... and its server time, for Say/Tell answers */
  uint64_t tokens;      /* flood bucket, in thousandths of a command */
  uint64_t refill_ms;   /* when tokens were last refilled */
  int refused;          /* RATE_LIMITED answers in a row */
  int failures;         /* failed Login/Register attempts */
  const uint8_t *ask;   /* the current request's _ask (borrowed) ... */
  size_t ask_len;       /* ... valid while has_ask */
  bool has_ask;         /* the current request wants an answer */
  bool auth_pending;    /* Login/Register on the worker: input paused */
  bool paused;          /* pause_reading(true) was called */
  bool closed;          /* close requested: ignore further input */
  bool tls_started;     /* StartTLS answered */
  uint8_t *pending_ask; /* the paused request's _ask (owned), or NULL */
  size_t pending_ask_len;
  bool pending_has_ask;
  char *pending_nick; /* nick asked for by the paused Login/Register */
  bool pending_register;
};

/* Replies to the current request (nothing when it carried no _ask). The
 * encoder may hold response keys; it is consumed. */
/* amp_cmd_aff.c: "owner", "admin", "member", "outcast" or "none". */
const char *reed__amp_aff_name(reed_affiliation_t aff);
void reed__amp_answer(reed_amp_core_t *c, reed_amp_enc_t *e);
void reed__amp_answer_empty(reed_amp_core_t *c);
void reed__amp_error(reed_amp_core_t *c, const char *code, const char *desc);
/* Maps a REED_E* code to its AMP error; internal faults send UNKNOWN and
 * close the connection. */
void reed__amp_error_code(reed_amp_core_t *c, int err);
/* Sends Closing{reason} and closes. */
void reed__amp_closing(reed_amp_core_t *c, const char *reason);
/* Names the user of session s in net's close line ("nick/acct NAME"). */
void reed__amp_label_conn(reed_amp_core_t *c, const reed_session_t *s);
void reed__amp_close(reed_amp_core_t *c, const char *reason);
/* Writes a finished box (takes the caller's reference). */
void reed__amp_write(reed_amp_core_t *c, reed_buf_t *b);
/* Sends a server event: an _ask prefix, then `body` (a pre-encoded box
 * without _ask, shared: the caller keeps its reference). */
void reed__amp_send_event(reed_amp_core_t *c, reed_buf_t *body);

/* Login and Register completion (also used synchronously). */
void reed__amp_auth_done(reed_amp_core_t *c, int status, const char *account);
/* Creates the model session for an account and takes the nick. */
int reed__amp_session_start(reed_amp_core_t *c, const char *account,
                            const char *nick);
uint64_t reed__amp_now_us(const reed_amp_core_t *c);
/* The [amp] settings in force (the defaults when there is no section). */
const reed_amp_conf_t *reed__amp_conf(const reed_amp_core_t *c);

/* After a login: makes s a server operator when `account` is an operator
 * account in the store, with an audit line (amp_cmd_oper.c). */
bool reed__amp_oper_login(reed_amp_core_t *c, reed_session_t *s,
                          const char *account);

/* The room `name` when this session has joined it; otherwise NULL, with
 * NO_SUCH_ROOM or NOT_A_MEMBER answered. */
reed_room_t *reed__amp_joined_room(reed_amp_core_t *c, const char *name);

/* The core's side of the module struct (amp_core.c). */
int reed__amp_conn_new(const reed_proto_env_t *env, void **core);
ssize_t reed__amp_feed(void *core, const uint8_t *in, size_t len);
void reed__amp_tls_ready(void *core);
void reed__amp_eof(void *core, const char *reason);
void reed__amp_shutdown(void *core, int why);
void reed__amp_conn_free(void *core);

/* The model listener (amp_fmt.c). */
extern const reed_session_listener_t reed__amp_listener;

/* Names as docs/amp.md writes them. */
const char *reed__amp_kind_name(int msg_kind);

#endif
