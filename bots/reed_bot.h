/* reed's bot API: one C interface, three transports.
 *
 * A bot registers handlers with filters (libstrophe's xmpp_handler_add
 * shape): reed_bot_on(bot, filter, cb, ud). Every event the bot sees is
 * offered to each installed handler whose filter matches, in the order the
 * handlers were added. A handler returns REED_BOT_KEEP to stay installed
 * or REED_BOT_REMOVE to be removed. A handler added while events are being
 * dispatched first fires on the next event; a handler removed during a
 * dispatch (by itself or by another) is never called again.
 *
 * The same bot source runs
 *  - in-process, as a plugin shared object that reed loads with dlopen: the
 *    plugin exports reed_bot_plugin_init() and calls the reed_bot_*
 *    functions that the reed executable exports (it links against nothing);
 *  - networked, linked with libreed-bot (pkg-config reed-bot) and a small
 *    main that calls reed_bot_irc_new(): an IRC client on libuv for any
 *    IRC server, or reed_bot_xmpp_new(): an XMPP client (libstrophe) on
 *    libuv for any XMPP server.
 *
 * Rooms are named as IRC shows them, "#name", on every transport. Strings
 * handed to callbacks are borrowed for the duration of the call; strings
 * passed in are copied. Everything runs on one thread: the loop's. */
#ifndef REED_BOT_H
#define REED_BOT_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define REED_EXTERN __attribute__((visibility("default")))
#else
#define REED_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct reed_bot_s reed_bot_t;

/* Result codes. They have the values of reed's REED_E* codes, so a code
 * that comes from reed's model (not a member, no such room, ...) and has no
 * name here still prints with reed_bot_strerror. */
#define REED_BOT_OK 0
#define REED_BOT_ENOMEM (-1)       /* out of memory */
#define REED_BOT_EINVAL (-2)       /* bad argument: NULL, CR/LF/NUL, UTF-8 */
#define REED_BOT_EQUEUEFULL (-3)   /* the send queue is full: rate limited */
#define REED_BOT_ENOTFOUND (-5)    /* no such handler, timer or symbol */
#define REED_BOT_ETOOBIG (-8)      /* text or name too long */
#define REED_BOT_ETLS (-11)        /* TLS set-up failed (CA file?) */
#define REED_BOT_ECLOSED (-13)     /* not connected (or already quit) */
#define REED_BOT_EAUTH (-20)       /* SASL failed */
#define REED_BOT_EBADNICK (-40)    /* erroneous nickname */
#define REED_BOT_ENICKINUSE (-41)  /* nickname is already in use */
#define REED_BOT_ENOSUCHNICK (-42) /* no such nick */
#define REED_BOT_EBADROOM (-44)    /* invalid room name */
#define REED_BOT_ENOSUCHROOM (-45) /* no such room */
#define REED_BOT_ENOTMEMBER (-46)  /* the bot is not in that room */
#define REED_BOT_ENOPRIV (-53)     /* operator privileges needed */
#define REED_BOT_EBADTEXT (-56)    /* text refused by the server */

/* A static sentence for a result code. */
REED_EXTERN const char *reed_bot_strerror(int err);

/* ---- Events -------------------------------------------------------------
 */
typedef enum {
  REED_BOT_EV_ANY = 0,      /* in a filter: every kind */
  REED_BOT_EV_CONNECTED,    /* ready: registered (network) or loaded */
  REED_BOT_EV_DISCONNECTED, /* text = reason; retry_ms = 0 when final */
  REED_BOT_EV_MESSAGE,      /* room (room set) or private (room NULL) */
  REED_BOT_EV_ACTION,       /* CTCP ACTION / "/me" */
  REED_BOT_EV_NOTICE,
  REED_BOT_EV_COMMAND, /* a MESSAGE that starts with the prefix */
  REED_BOT_EV_JOIN,    /* nick joined room (self when it is the bot) */
  REED_BOT_EV_PART,    /* text = reason or NULL */
  REED_BOT_EV_QUIT,    /* room NULL; text = reason */
  REED_BOT_EV_NICK,    /* nick = old nick, target = new nick */
  REED_BOT_EV_TOPIC,   /* text = new topic ("" when cleared) */
  REED_BOT_EV_KICK,    /* nick kicked target; text = reason */
  REED_BOT_EV_INVITE,  /* nick invited the bot to room */
  REED_BOT_EV_KIND_COUNT
} reed_bot_event_kind_t;

typedef struct reed_bot_event_s {
  reed_bot_event_kind_t kind;
  const char *nick;    /* who did it (NULL for CONNECTED/DISCONNECTED) */
  const char *account; /* their account when known, else NULL */
  const char *origin;  /* in-process: "irc", "xmpp", "amp" or "bot"; NULL
                          on the network (IRC does not tell) */
  const char *room;    /* "#name", or NULL (private, QUIT, NICK) */
  const char *target;  /* NICK: new nick; KICK: kicked nick */
  const char *text;    /* message, reason or topic; NULL when none */
  const char *command; /* COMMAND: the name without the prefix */
  const char *args;    /* COMMAND: the rest, spaces trimmed ("" if none) */
  int self;            /* 1 when the bot itself did it or is the target */
  uint64_t ts_ms;      /* time of the event, ms since the epoch */
  uint64_t retry_ms;   /* DISCONNECTED: delay before the reconnect */
} reed_bot_event_t;

/* A field left 0 or NULL matches anything. `room` "#name" matches events
 * in that room (case-insensitively); `nick` matches the actor; `command`
 * matches COMMAND events with that name (and implies kind COMMAND). */
typedef struct reed_bot_filter_s {
  reed_bot_event_kind_t kind;
  const char *room;
  const char *nick;
  const char *command;
} reed_bot_filter_t;

#define REED_BOT_REMOVE 0
#define REED_BOT_KEEP 1

typedef int (*reed_bot_handler_cb)(reed_bot_t *bot, const reed_bot_event_t *ev,
                                   void *ud);
typedef int (*reed_bot_timer_cb)(reed_bot_t *bot, void *ud);

/* Installs a handler for events matching `filter` (NULL: every event). The
 * filter's strings are copied. Handlers run in the order they were added;
 * one added during a dispatch first fires on the next event.
 *
 * Returns 0 or one of:
 * REED_BOT_EINVAL   bot or cb is NULL, or the kind is out of range
 * REED_BOT_ENOMEM   out of memory */
REED_EXTERN int reed_bot_on(reed_bot_t *bot, const reed_bot_filter_t *filter,
                            reed_bot_handler_cb cb, void *ud);

/* Removes every handler installed with this cb and ud. Safe during a
 * dispatch: the removed handlers are not called again.
 *
 * Returns 0 or one of:
 * REED_BOT_ENOTFOUND  no such handler */
REED_EXTERN int reed_bot_off(reed_bot_t *bot, reed_bot_handler_cb cb, void *ud);

/* Calls cb every `ms` milliseconds (at least 1) until it returns
 * REED_BOT_REMOVE or reed_bot_timer_off removes it. reed_bot_after calls it
 * once. Time comes from the transport's clock.
 *
 * Returns 0 or one of:
 * REED_BOT_EINVAL   bot or cb is NULL, or ms is 0
 * REED_BOT_ECLOSED  the bot has quit
 * REED_BOT_ENOMEM   out of memory */
REED_EXTERN int reed_bot_every(reed_bot_t *bot, uint64_t ms,
                               reed_bot_timer_cb cb, void *ud);
REED_EXTERN int reed_bot_after(reed_bot_t *bot, uint64_t ms,
                               reed_bot_timer_cb cb, void *ud);

/* Removes every timer with this cb and ud (safe from inside it).
 *
 * Returns 0 or one of:
 * REED_BOT_ENOTFOUND  no such timer */
REED_EXTERN int reed_bot_timer_off(reed_bot_t *bot, reed_bot_timer_cb cb,
                                   void *ud);

/* The command prefix (default "!"): a MESSAGE whose text starts with it
 * and a name is also dispatched as a COMMAND. 1 to 8 bytes, copied.
 *
 * Returns 0 or one of:
 * REED_BOT_EINVAL   empty, too long, or contains a space or control */
REED_EXTERN int reed_bot_set_prefix(reed_bot_t *bot, const char *prefix);

/* Commands per nick: at most `max` COMMAND events from one nick in any
 * `window_ms` (default 12 a minute, as Limnoria); past that, that nick's
 * commands are not dispatched until its window ends (its MESSAGE events
 * still are), so nobody can use the bot to flood. max 0 turns it off.
 *
 * Returns 0 or one of:
 * REED_BOT_EINVAL   bot is NULL, or window_ms is 0 while max is not */
REED_EXTERN int reed_bot_set_command_rate(reed_bot_t *bot, unsigned max,
                                          uint64_t window_ms);

/* The bot's current nick (valid until the next call into the bot), or NULL
 * before it has one. */
REED_EXTERN const char *reed_bot_nick(const reed_bot_t *bot);
/* Milliseconds since the epoch, from the transport's clock. */
REED_EXTERN uint64_t reed_bot_wall_ms(const reed_bot_t *bot);
/* A per-bot pointer for the bot's own use. */
REED_EXTERN void reed_bot_set_ud(reed_bot_t *bot, void *ud);
REED_EXTERN void *reed_bot_ud(const reed_bot_t *bot);

/* ---- Actions --------------------------------------------------------------
 * Texts are UTF-8 without CR, LF or NUL (REED_BOT_EINVAL otherwise). The
 * network transport queues the line behind a flood-safe token bucket (a
 * burst of 5, then one line per second) and returns 0 once it is queued;
 * the in-process transport calls reed's model and returns its answer, and
 * lets a bot send a burst of 10 messages, then 5 a second (more return
 * REED_BOT_EQUEUEFULL). Long texts are split into several lines on the
 * network. Every action returns REED_BOT_ECLOSED when the bot is not
 * connected. */

/* Joins a room ("#name"); key may be NULL. The network transport rejoins
 * the rooms it is in after a reconnect.
 * Returns 0 or one of: EINVAL, EBADROOM, ECLOSED, EQUEUEFULL, ENOMEM, or a
 * model refusal in-process (banned, invite only, wrong key, room full). */
REED_EXTERN int reed_bot_join(reed_bot_t *bot, const char *room,
                              const char *key);
/* Leaves a room; reason may be NULL.
 * Returns 0 or one of: EINVAL, EBADROOM, ECLOSED, EQUEUEFULL, ENOSUCHROOM,
 * ENOTMEMBER. */
REED_EXTERN int reed_bot_part(reed_bot_t *bot, const char *room,
                              const char *reason);
/* A message to a room.
 * Returns 0 or one of: EINVAL, EBADROOM, ECLOSED, EQUEUEFULL, ENOSUCHROOM,
 * ENOTMEMBER, EBADTEXT (in-process: refused by the room). */
REED_EXTERN int reed_bot_say(reed_bot_t *bot, const char *room,
                             const char *text);
/* A private message to a nick.
 * Returns 0 or one of: EINVAL, ECLOSED, EQUEUEFULL, ENOSUCHNICK. */
REED_EXTERN int reed_bot_tell(reed_bot_t *bot, const char *nick,
                              const char *text);
/* A CTCP ACTION ("/me") or a NOTICE to a room ("#name") or a nick.
 * Returns what reed_bot_say or reed_bot_tell returns. */
REED_EXTERN int reed_bot_act(reed_bot_t *bot, const char *target,
                             const char *text);
REED_EXTERN int reed_bot_notice(reed_bot_t *bot, const char *target,
                                const char *text);
/* Answers an event: in its room, or privately to its nick when it was
 * private. Returns what reed_bot_say or reed_bot_tell returns, or EINVAL
 * for an event with neither room nor nick. */
REED_EXTERN int reed_bot_reply(reed_bot_t *bot, const reed_bot_event_t *ev,
                               const char *text);
/* Sets (or with "" clears) a room's topic.
 * Returns 0 or one of: EINVAL, EBADROOM, ECLOSED, EQUEUEFULL, ENOPRIV,
 * ENOTMEMBER, ENOSUCHROOM. */
REED_EXTERN int reed_bot_set_topic(reed_bot_t *bot, const char *room,
                                   const char *topic);
/* Kicks nick from room; reason may be NULL.
 * Returns 0 or one of: EINVAL, EBADROOM, ECLOSED, EQUEUEFULL, ENOPRIV,
 * ENOSUCHNICK, ENOTMEMBER. */
REED_EXTERN int reed_bot_kick(reed_bot_t *bot, const char *room,
                              const char *nick, const char *reason);
/* Changes the bot's nick (the first nick in-process).
 * Returns 0 or one of: EINVAL, EBADNICK, ENICKINUSE, ECLOSED, EQUEUEFULL. */
REED_EXTERN int reed_bot_set_nick(reed_bot_t *bot, const char *nick);
/* Leaves the server for good: no reconnect, no more actions (ECLOSED), no
 * DISCONNECTED event. Its timers are removed; handlers stay installed
 * until the bot is freed. Lines still waiting in the network transport's
 * queue are dropped. Returns 0 or ECLOSED (already quit). */
REED_EXTERN int reed_bot_quit(reed_bot_t *bot, const char *reason);

/* ---- Networked transport: libreed-bot ------------------------------------
 */
struct uv_loop_s;

typedef struct reed_bot_irc_opts_s {
  const char *host;      /* name or address */
  uint16_t port;         /* 6667 when 0 */
  const char *nick;      /* required */
  const char *user;      /* ident; nick when NULL */
  const char *realname;  /* "reed bot" when NULL */
  const char *password;  /* server PASS, or NULL */
  const char *sasl_user; /* SASL PLAIN when set (with sasl_pass) */
  const char *sasl_pass;
  int tls;                   /* 1: TLS (verified unless tls_insecure) */
  const char *tls_ca_file;   /* PEM CAs to trust; NULL: the system's */
  int tls_insecure;          /* 1: no certificate check (logged loudly) */
  uint64_t reconnect_min_ms; /* first reconnect delay (default 1000) */
  uint64_t reconnect_max_ms; /* cap (default 300000) */
  int no_jitter;             /* 1: exact delays (tests) */
} reed_bot_irc_opts_t;

/* Creates a networked bot on `loop`; it starts connecting when
 * reed_bot_irc_start is called. Options are copied.
 * Returns 0 or one of: REED_BOT_EINVAL (no host or a bad nick),
 * REED_BOT_ETLS (the TLS context or CA file could not be set up),
 * REED_BOT_ENOMEM. With TLS, the server's certificate must chain to a
 * trusted CA and name the host (or IP address) given; a failed check is a
 * DISCONNECTED whose text says why, and the bot retries with backoff. */
REED_EXTERN int reed_bot_irc_new(struct uv_loop_s *loop,
                                 const reed_bot_irc_opts_t *opts,
                                 reed_bot_t **out);
/* Starts connecting (and reconnecting with backoff: 1 s, doubling up to 5
 * minutes, +/-20% jitter, reset after a connection that lasted a minute).
 * Returns 0 or REED_BOT_ECLOSED after reed_bot_quit. */
REED_EXTERN int reed_bot_irc_start(reed_bot_t *bot);
/* Frees a networked bot: closes its connection and timers. The memory goes
 * when the loop has run the close callbacks (run the loop once more). Must
 * not be called from a handler or timer of that bot. */
REED_EXTERN void reed_bot_irc_free(reed_bot_t *bot);

/* ---- Networked transport: XMPP (libreed-bot, on libstrophe) -------------
 * The same bot on any XMPP server: it logs in with a JID and password
 * (libstrophe's TLS and SASL), joins rooms as a XEP-0045 occupant and
 * answers one-to-one chats. Room "#name" is name@<muc service> (the
 * localpart escaped as XEP-0106 says), "#name@service" a room elsewhere.
 * Nicks are occupant nicks in rooms; a one-to-one correspondent of the
 * bot's own domain is its account name, one of another domain its bare
 * JID; bytes an API nick cannot carry (space, '@', non-ASCII, ...) show
 * as "\hh" and are turned back when the bot answers. NOTICE is sent as a
 * normal message (XMPP has none); headline messages arrive as NOTICE. */
typedef struct reed_bot_xmpp_opts_s {
  const char *jid;           /* "name@domain" (a "/resource" may follow) */
  const char *password;      /* required */
  const char *nick;          /* room nick; the JID's localpart when NULL */
  const char *host;          /* where to connect; the JID's domain when NULL */
  uint16_t port;             /* 5222 (STARTTLS) or 5223 (direct TLS) when 0 */
  const char *muc;           /* MUC service; "conference.<domain>" when NULL */
  int direct_tls;            /* 1: TLS from the first byte (XEP-0368) */
  const char *tls_ca_file;   /* PEM CAs to trust; NULL: the system's */
  int tls_insecure;          /* 1: no certificate check (tests only) */
  uint64_t reconnect_min_ms; /* first reconnect delay (default 1000) */
  uint64_t reconnect_max_ms; /* cap (default 300000) */
  int no_jitter;             /* 1: exact delays (tests) */
} reed_bot_xmpp_opts_t;

/* Creates an XMPP bot on `loop`; it connects when reed_bot_xmpp_start is
 * called. Options are copied. TLS is always required (STARTTLS, or direct
 * TLS); the server's certificate must chain to a trusted CA and name the
 * JID's domain unless tls_insecure. Reconnects as the IRC transport does;
 * a refused login is final (DISCONNECTED with retry_ms 0).
 * Returns 0 or one of: REED_BOT_EINVAL (no JID, no password, a bad nick
 * or MUC service), REED_BOT_ENOMEM. */
REED_EXTERN int reed_bot_xmpp_new(struct uv_loop_s *loop,
                                  const reed_bot_xmpp_opts_t *opts,
                                  reed_bot_t **out);
/* Starts connecting. Returns 0 or REED_BOT_ECLOSED after reed_bot_quit. */
REED_EXTERN int reed_bot_xmpp_start(reed_bot_t *bot);
/* Frees an XMPP bot (as reed_bot_irc_free: run the loop once more for the
 * memory to go). Not from a handler or timer of that bot. */
REED_EXTERN void reed_bot_xmpp_free(reed_bot_t *bot);

/* ---- In-process plugins --------------------------------------------------
 * A plugin exports this function; reed calls it once after dlopen with a
 * bot already attached to its model (no nick yet: set one, then join rooms
 * from a CONNECTED handler or directly). A negative return refuses the
 * load (its handlers and timers are removed). */
typedef int (*reed_bot_plugin_init_fn)(reed_bot_t *bot);
#define REED_BOT_PLUGIN_INIT "reed_bot_plugin_init"

/* ---- Host side: the reed executable --------------------------------------
 * Not for plugins (reed does not export these). */
struct reed_model_s;
struct reed_clock_s;
struct reed_log_s;
typedef struct reed_bot_plugin_s reed_bot_plugin_t;

/* Creates an in-process bot: a model session with origin "bot" and the bot
 * flag, whose events reach the bot's handlers from a zero-delay timer (so
 * handlers may call the model: listeners may not). Dispatches CONNECTED
 * from that timer too. The model and clock must outlive the bot; log may be
 * NULL. Returns 0 or one of: REED_BOT_EINVAL, REED_BOT_ENOMEM. */
int reed_bot_local_new(struct reed_model_s *model, struct reed_clock_s *clock,
                       struct reed_log_s *log, reed_bot_t **out);
/* Removes the bot's handlers and timers, quits its session and frees it.
 * Must not be called from a handler or timer of that bot. */
void reed_bot_local_free(reed_bot_t *bot);

/* dlopens `path` (RTLD_NOW | RTLD_LOCAL), creates an in-process bot and
 * calls the plugin's reed_bot_plugin_init with it. On any failure nothing
 * stays loaded and the reason is logged.
 * Returns 0 or one of: REED_BOT_EINVAL (NULL argument), REED_BOT_ENOTFOUND
 * (dlopen failed or no init symbol), REED_BOT_ENOMEM, or the negative value
 * the plugin's init returned. */
int reed_bot_plugin_load(const char *path, struct reed_model_s *model,
                         struct reed_clock_s *clock, struct reed_log_s *log,
                         reed_bot_plugin_t **out);
/* Removes the plugin's handlers and timers, quits its bot's session, then
 * dlcloses it. NULL is ignored. Not from inside one of its callbacks. */
void reed_bot_plugin_unload(reed_bot_plugin_t *p);
/* The plugin's bot (for tests and logs). */
reed_bot_t *reed_bot_plugin_bot(reed_bot_plugin_t *p);

/* The plugins named in reed's config, as one set: what the reed executable
 * keeps from start to exit. */
typedef struct reed_bot_host_s reed_bot_host_t;

/* An empty set. Returns 0 or one of: REED_BOT_EINVAL, REED_BOT_ENOMEM. */
int reed_bot_host_new(struct reed_model_s *model, struct reed_clock_s *clock,
                      struct reed_log_s *log, reed_bot_host_t **out);
/* At start and on SIGHUP: unloads every plugin of the set (each one's
 * handlers and timers go before its code), then loads `paths` in order. A
 * plugin that fails to load is logged and left out; the others load.
 * Returns 0, or the code of the first plugin that failed (see
 * reed_bot_plugin_load), or REED_BOT_ENOMEM (nothing loaded). */
int reed_bot_host_reload(reed_bot_host_t *h, const char *const *paths,
                         size_t n);
/* Plugins loaded now. */
size_t reed_bot_host_count(const reed_bot_host_t *h);
/* Unloads everything and frees the set (before the model is freed). */
void reed_bot_host_free(reed_bot_host_t *h);

#ifdef __cplusplus
}
#endif

#endif
