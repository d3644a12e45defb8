/* reed's pure room and user model: accounts, persons, sessions, the one
 * nickname namespace, rooms, membership, topics, permissions and history.
 *
 * No I/O: it includes base.h and libc only, reads time only through
 * reed_clock_t, and speaks in domain terms (never IRC numerics or XML).
 * Protocols drive it with calls that return 0 or a REED_E* code, and learn
 * what happened through the listener each session registers. Listeners only
 * enqueue output; they never call back into the model.
 *
 * Identity rules (docs/design.md): an account name is reserved as a nick
 * for that account; a nick belongs to one person (an account, or one guest
 * session); several sessions of one account may share its nick. Rooms are
 * created by the first join. Every room change and every message passes
 * the sequencer, which gives it an id and a server time, then is applied.
 *
 * Strings passed in are copied; strings handed out in events and views are
 * borrowed for the duration of the call. */
#ifndef REED_MODEL_H
#define REED_MODEL_H

#include "base.h"

#include <stdbool.h>

typedef struct reed_model_s reed_model_t;
typedef struct reed_session_s reed_session_t;
typedef struct reed_room_s reed_room_t;

#define REED_NICK_MAX 32
#define REED_ACCOUNT_MAX 32
#define REED_ROOM_MAX 63
#define REED_KEY_MAX 32
#define REED_TOPIC_MAX 390
#define REED_REASON_MAX 390

/* ---- Names ---------------------------------------------------------------
 * `ascii` casemapping: A-Z fold to a-z, nothing else. */
void reed_casefold(char *dst, const char *src, size_t size);
int reed_casecmp(const char *a, const char *b);
bool reed_nick_valid(const char *nick);
bool reed_account_valid(const char *name);
bool reed_room_name_valid(const char *name);
bool reed_room_key_valid(const char *key);
/* Glob match ('*', '?', '\' escapes) under the casemapping. */
bool reed_mask_match(const char *mask, const char *subject);

/* ---- The model -----------------------------------------------------------
 */
typedef struct reed_change_s reed_change_t;

/* The sequencer seam: every room change and message is handed to `order`,
 * which stamps c->id and c->ts_ms and returns 0 to apply it now. The default
 * (in-process) sequencer counts ids up from the last one loaded. */
struct reed_change_s {
  uint64_t id;
  uint64_t ts_ms;
  int kind; /* reed_event_kind_t */
};
typedef struct reed_sequencer_s {
  int (*order)(void *s, reed_change_t *c);
  void *s;
} reed_sequencer_t;

typedef struct reed_model_opts_s {
  reed_clock_t *clock;
  reed_log_t *log;
  const char *server_name;  /* shown as the source of server changes */
  size_t room_history;      /* messages kept per room (default 1000) */
  size_t private_history;   /* per private conversation (default 200) */
  size_t max_rooms;         /* per session (default 100) */
  size_t max_list_entries;  /* per ban/except/invex list (default 100) */
  size_t max_dormant_rooms; /* empty rooms whose state is kept (10000) */
  size_t max_private_convs; /* private histories kept, LRU (10000) */
  size_t nick_history;      /* nicks gone out of use kept (default 1000) */
  size_t max_watches;       /* nicks a session may watch (default 100) */
  size_t max_msg_lines;     /* reed_msg_lines of a message (default 100) */
  size_t max_msg_bytes;     /* bytes of a message's text (default 4096) */
  bool default_topic_lock;  /* new rooms get the topic lock (IRC +t) */
} reed_model_opts_t;

int reed_model_new(const reed_model_opts_t *opts, reed_model_t **out);
/* Frees every room, person and session without emitting events. */
void reed_model_free(reed_model_t *m);
/* Rooms + persons + sessions alive, for leak checks in tests. */
size_t reed_model_live_objects(const reed_model_t *m);
void reed_model_set_sequencer(reed_model_t *m, const reed_sequencer_t *seq);
/* The sequencer in use (the default one unless set), so a sequencer set
 * in front of it (the store's, which refuses changes it cannot write) can
 * hand the changes it lets through to the one it replaced. */
void reed_model_sequencer(const reed_model_t *m, reed_sequencer_t *out);
/* Whether rooms created from now on get the topic lock (a reload). */
void reed_model_set_default_topic_lock(reed_model_t *m, bool on);
/* Message ids go up from here (the store's loader sets last id + 1). */
void reed_model_set_next_id(reed_model_t *m, uint64_t next);
reed_clock_t *reed_model_clock(const reed_model_t *m);

/* Accounts known to the model (names only: credentials live in auth and the
 * store). Registering reserves the name as a nick. Returns 0 or
 * REED_EBADACCOUNT / REED_EACCOUNTEXISTS / REED_ENOMEM. */
int reed_model_account_add(reed_model_t *m, const char *name);
/* Forgets an account; its live sessions become guests. 0 or ENOACCOUNT. */
int reed_model_account_del(reed_model_t *m, const char *name);
bool reed_model_account_exists(const reed_model_t *m, const char *name);
/* Calls cb with the name of every account the model knows, in no
 * particular order. cb must not add or delete accounts. */
void reed_model_each_account(const reed_model_t *m,
                             void (*cb)(void *ud, const char *name), void *ud);

/* Room affiliations, per account and room (see "Room affiliations" below
 * for what they mean and the calls). */
typedef enum {
  REED_AFF_NONE = 0,
  REED_AFF_OUTCAST,
  REED_AFF_MEMBER,
  REED_AFF_ADMIN,
  REED_AFF_OWNER,
} reed_affiliation_t;

/* ---- Events --------------------------------------------------------------
 */
typedef enum {
  REED_EV_MESSAGE,  /* room or private message; text, u.msg */
  REED_EV_JOIN,     /* from joined room */
  REED_EV_PART,     /* from left room; text = reason or NULL; u.part */
  REED_EV_QUIT,     /* from's last session left; text = reason */
  REED_EV_NICK,     /* from.nick is the old nick, target = new nick */
  REED_EV_TOPIC,    /* text = new topic ("" when cleared) */
  REED_EV_MODE,     /* u.mode.modes[n_modes] applied in room */
  REED_EV_KICK,     /* target kicked from room by from; text = reason */
  REED_EV_INVITE,   /* target invited to room by from */
  REED_EV_AWAY,     /* text = away message, NULL when back */
  REED_EV_ACCOUNT,  /* from.account logged in (or NULL: logged out) */
  REED_EV_REALNAME, /* text = new real name */
  REED_EV_HOST,     /* from.user/host as they were; target, text: new ones */
  REED_EV_REDACT,   /* u.redact.ref_id redacted in room (or private);
                       text = reason */
  REED_EV_TAGMSG,   /* no text; u.msg (typing, replies, reactions) */
  REED_EV_KILL,     /* this session is being removed: text = reason */
  /* draft/read-marker: the account's marker for room (or target, a nick)
   * moved to ts_ms. Goes to the account's own sessions only (a guest's:
   * its session); observers see it for accounts. Not sequenced. */
  REED_EV_READ_MARKER,
  REED_EV_PRESENCE, /* a watched nick (target) came into use or went out of
                       use (u.presence); to its watchers only */
  REED_EV_ANNOUNCE, /* an operator's announcement (text) to the sessions that
                       asked for them; not sequenced */
  /* An account's affiliation in room changed (see "Room affiliations"):
   * target = the account, text = the reason (or NULL), u.aff. Sequenced;
   * to the room's members and the observers. */
  REED_EV_AFFILIATION,
} reed_event_kind_t;

enum { REED_MSG_NORMAL, REED_MSG_ACTION, REED_MSG_NOTICE };

/* Room settings that every protocol maps onto its own terms. */
typedef enum {
  REED_RMODE_OP,     /* arg: nick */
  REED_RMODE_VOICE,  /* arg: nick */
  REED_RMODE_BAN,    /* arg: mask nick!user@host, or an account */
  REED_RMODE_EXCEPT, /* arg: mask or account */
  REED_RMODE_INVEX,  /* arg: mask or account */
  REED_RMODE_KEY,    /* arg: key (when set) */
  REED_RMODE_LIMIT,  /* arg: decimal limit (when set) */
  REED_RMODE_MODERATED,
  REED_RMODE_INVITEONLY,
  REED_RMODE_TOPICLOCK,
  REED_RMODE_SECRET,
  REED_RMODE_NOEXTERNAL,
} reed_room_mode_t;

typedef struct reed_mode_change_s {
  reed_room_mode_t mode;
  bool set;
  const char *arg;
  /* BAN, EXCEPT, INVEX: arg names an account, not a mask. An account
   * entry matches every session logged in to that account (compared
   * under the casemapping), whatever its nick, host or protocol: XMPP's
   * outcast list of bare JIDs, AMP's accounts, IRC's `$a:` extban. */
  bool account;
} reed_mode_change_t;

/* Who did something, as every protocol needs to show it. */
typedef struct reed_actor_s {
  const char *nick;
  const char *account; /* NULL for a guest */
  const char *origin;  /* "irc", "xmpp", "amp", "bot", or "server" */
  const char *user;    /* IRC ident, XMPP resource, AMP client name */
  const char *host;    /* what others see as the host */
  const char *realname;
  bool bot;
  uint64_t session_id; /* the acting session; 0 for the server */
} reed_actor_t;

/* Who in a room gets a message: everyone (the default), or only members
 * with voice or op, or only ops (IRC's STATUSMSG, `PRIVMSG @#room`). */
typedef enum {
  REED_AUDIENCE_ALL = 0,
  REED_AUDIENCE_VOICE, /* voice or op */
  REED_AUDIENCE_OP,
} reed_audience_t;

/* What a message carries besides its text.
 *
 * Neutral fields, which every protocol maps onto its own terms:
 * - reply_to: the message this one answers (IRCv3 `+draft/reply`, XMPP
 *   XEP-0461 `<reply id>`); kept in history. Ids are the model's, so a
 *   reply to something that is not one (another server's msgid) stays in
 *   the IRC tags instead.
 * - reaction: on TAGMSG only, one reaction (an emoji or a short text) to
 *   message reply_to (IRCv3 `+draft/react`, XMPP XEP-0444). It adds one
 *   reaction, as IRC does; XEP-0444 sends the sender's whole set each time,
 *   so an XMPP module sends the ones added; a removal (IRC's
 *   `+draft/unreact`, a smaller XEP-0444 set) is the same with `unreact`
 *   set (an addition). Not stored (neither is TAGMSG).
 * - label: the sender's token for matching its echo (IRC labeled-response;
 *   an XMPP stanza id would do the same); echoed to the sender only, not
 *   stored.
 * - audience, soft_breaks: see below.
 * IRC only: irc_client_tags, the client tags IRC has and the fields above
 * do not ("+key=escaped;+key2", IRC's syntax), carried unchanged to IRC
 * recipients and kept in history; other protocols ignore them.
 * XMPP only: xmpp_payload, the message's other children as XML (OMEMO's
 * <encrypted/>, receipts, markers, XEP-0308 <replace/>, hints), at most
 * REED_XMPP_PAYLOAD_MAX bytes, which the XMPP module chose and checked;
 * carried unchanged to XMPP recipients and kept in history; other
 * protocols ignore it. XMPP's last-message correction (XEP-0308) has no
 * IRC counterpart (ergo has none either): it travels only here. */
#define REED_REACTION_MAX 64
#define REED_XMPP_PAYLOAD_MAX 16384
typedef struct reed_msg_extra_s {
  const char *irc_client_tags; /* NULL or "+key=value;+key2" */
  const char *xmpp_payload;    /* NULL or serialized XML elements */
  uint64_t reply_to;           /* 0: none */
  const char *reaction;        /* TAGMSG; NULL: none */
  /* Addition: the reaction is withdrawn, not added (IRC's +draft/unreact,
   * a reaction gone from an XEP-0444 set). */
  bool unreact;
  const char *label; /* echoed back to the sender only */
  int audience;      /* reed_audience_t; rooms only */
  /* Offsets in the text, ascending, where the sender's client split a line
   * without a line feed (IRC draft/multiline-concat), at most
   * REED_SOFT_BREAKS_MAX: a protocol that shows lines may split there.
   * Carried on the live event only; history keeps the text alone. */
  const size_t *soft_breaks;
  size_t n_soft_breaks;
  /* reed_tell only: the one session of the target's person to deliver to
   * (XMPP's message to a full JID), 0 for all of them. A session that is
   * not the target person's is ENOSUCHNICK. */
  uint64_t to_session;
} reed_msg_extra_t;

#define REED_SOFT_BREAKS_MAX 128

/* The message bound every protocol gets: a message longer than the model's
 * max_msg_bytes, or of more than max_msg_lines lines counted by
 * reed_msg_lines, is refused with REED_ETOOBIG before it is sequenced.
 * Lines are counted as a line-based protocol shows them: the text splits at
 * every LF, CR or CRLF, a blank piece counts one line, and a piece longer
 * than REED_MSG_LINE_WIDTH bytes counts one line per started
 * REED_MSG_LINE_WIDTH bytes. The width is below the narrowest a relay cuts
 * a piece at (IRC: 510 bytes less the line's head, at most 216 with a
 * 32-byte nick and user, a 63-byte host, "@#" and a 63-byte room, and
 * CTCP ACTION's framing), so no relay shows a message in more lines than
 * it counts. */
#define REED_MSG_LINE_WIDTH 256
#define REED_MSG_LINES_DEFAULT 100
#define REED_MSG_BYTES_DEFAULT 4096
size_t reed_msg_lines(const char *text, size_t len);
/* The model's bound, for protocols that advertise it (IRC's multiline). */
size_t reed_model_max_msg_lines(const reed_model_t *m);
size_t reed_model_max_msg_bytes(const reed_model_t *m);
/* A reload's new bound, for messages from now on. 0 keeps a value. */
void reed_model_set_msg_limits(reed_model_t *m, size_t lines, size_t bytes);

typedef struct reed_fmt_cache_s reed_fmt_cache_t;

/* What each kind carries beyond the common fields of reed_event_t. A
 * listener reads the member of `u` its event's kind names, and no other:
 * they share storage. */
typedef struct reed_ev_message_s { /* MESSAGE and TAGMSG */
  int msg_kind;                    /* MESSAGE: REED_MSG_* */
  /* In a room: reed_audience_t. A message for part of a room is sequenced
   * (it has an id and a time) but kept in no history and not reported to
   * observers, as ergo does with STATUSMSG. */
  int audience;
  const char *target_account;  /* private MESSAGE: the target's account */
  const char *irc_client_tags; /* IRC's own client tags (reed_msg_extra_t) */
  const char *xmpp_payload;    /* XMPP's own children (reed_msg_extra_t) */
  uint64_t reply_to;           /* the message answered, 0: none */
  const char *reaction;        /* TAGMSG: a reaction to reply_to */
  bool unreact;                /* addition: the reaction is withdrawn */
  /* MESSAGE: reed_msg_extra_t's soft breaks (live deliveries only). */
  const size_t *soft_breaks;
  size_t n_soft_breaks;
} reed_ev_message_t;

typedef struct reed_ev_mode_s { /* MODE: the changes applied in room */
  const reed_mode_change_t *modes;
  size_t n_modes;
} reed_ev_mode_t;

typedef struct reed_ev_redact_s { /* REDACT */
  uint64_t ref_id;                /* the message redacted */
} reed_ev_redact_t;

typedef struct reed_ev_kick_s { /* KICK */
  /* Addition: the room is being destroyed (reed_room_destroy): every
   * member gets its own KICK, with the reason and, when given, where to
   * go instead (an address, shown as given). */
  bool destroy;
  const char *venue; /* NULL: none */
} reed_ev_kick_t;

typedef struct reed_ev_part_s { /* PART */
  /* The session left because it quit (reed_session_quit) while its person
   * stays online through another session; the rooms it leaves are the
   * ones where it was the person's last joined session. */
  bool quitting;
} reed_ev_part_t;

typedef struct reed_ev_presence_s { /* PRESENCE */
  bool online; /* the nick came into use (else it went out of use) */
} reed_ev_presence_t;

typedef struct reed_ev_aff_s {  /* AFFILIATION */
  reed_affiliation_t aff, prev; /* now and before */
  /* The account's nick in the room when a member (its first member
   * person's), else NULL. */
  const char *nick;
} reed_ev_aff_t;

typedef struct reed_event_s {
  reed_event_kind_t kind;
  uint64_t id;    /* sequencer id (0 for events that are not sequenced) */
  uint64_t ts_ms; /* server time, ms since the epoch */
  reed_actor_t from;
  const char *room;   /* canonical room name, or NULL (private, global) */
  const char *target; /* private target / kicked / invited nick, new nick */
  const char *text;   /* message text, reason, topic (see the kinds) */
  size_t text_len;
  /* About this delivery, whatever the kind. */
  bool echo;               /* this delivery goes back to the actor */
  const char *label;       /* set on echo deliveries only */
  bool copy;               /* a copy of the person's own private message
                              (carbons) */
  reed_fmt_cache_t *cache; /* per fan-out format cache */
  /* This delivery reaches the session because it watches from.nick
   * (reed_session_watch), not through a shared room or its own person:
   * PRESENCE always; AWAY, ACCOUNT, REALNAME and HOST for a watcher that
   * shares no room with the person. */
  bool watch;
  union {
    reed_ev_message_t msg;       /* MESSAGE, TAGMSG */
    reed_ev_mode_t mode;         /* MODE */
    reed_ev_redact_t redact;     /* REDACT */
    reed_ev_part_t part;         /* PART */
    reed_ev_kick_t kick;         /* KICK */
    reed_ev_presence_t presence; /* PRESENCE */
    reed_ev_aff_t aff;           /* AFFILIATION */
  } u;
} reed_event_t;

/* Format cache: the first listener of an output form formats, the rest take
 * a reference. `form` is a protocol's key (protocol id and cap bits).
 * reed_event_cache_get returns a new reference or NULL; _put takes one
 * (keep your own with reed_buf_ref before putting). Deliveries that are
 * one session's alone (a labelled echo, a carbon copy) have no cache: get
 * returns NULL and put just drops the reference. A fan-out keeps up to 16
 * forms; the cache and its buffers live until the fan-out ends.
 *
 * Sequenced (id and ts from the sequencer, reported to observers once):
 * MESSAGE, JOIN, PART, QUIT, NICK, TOPIC, MODE, KICK, REDACT, AFFILIATION.
 * The others
 * (INVITE, AWAY, ACCOUNT, REALNAME, HOST, TAGMSG, KILL, PRESENCE) have id
 * 0 and the current wall time. The acting session gets its own MESSAGE
 * and TAGMSG with `echo` set (and its label); NICK, JOIN, PART, TOPIC, MODE
 * and KICK reach it as they reach everyone else. */
reed_buf_t *reed_event_cache_get(const reed_event_t *ev, uint32_t form);
void reed_event_cache_put(const reed_event_t *ev, uint32_t form,
                          reed_buf_t *buf);

/* An output form of the format cache: whose bytes (`owner`, an address only
 * that formatter uses: a protocol passes its own reed_protocol_module_t, so
 * two protocols' forms never meet and none picks a magic number) and which
 * variant of them (`variant`, the owner's own bits: IRC's caps that change
 * a relayed line). reed_event_cache_get/put use the owner NULL. */
typedef struct reed_form_s {
  const void *owner;
  uint32_t variant;
} reed_form_t;

/* Formats ev for one output form; a new buffer, or NULL (nothing to send,
 * or no memory). */
typedef reed_buf_t *(*reed_event_fmt_cb)(void *ctx, const reed_event_t *ev);

/* The format-cache dance in one call, for a listener's on_event: the
 * buffer that an earlier listener of this fan-out made for `form`, or
 * fmt(ctx, ev), which is then kept for the listeners after. A delivery
 * without a cache (a labelled echo, a carbon copy) just formats. Returns a
 * new reference (the caller unrefs it after writing) or NULL when fmt
 * returned NULL (nothing is cached then). */
reed_buf_t *reed_event_render(const reed_event_t *ev, reed_form_t form,
                              reed_event_fmt_cb fmt, void *ctx);

typedef struct reed_session_listener_s {
  void (*on_event)(void *ud, reed_session_t *s, const reed_event_t *ev);
} reed_session_listener_t;

/* A model-wide observer sees every sequenced change once (the store).
 * on_model_free (optional) is called from reed_model_free, after which the
 * observer must not use the model: an observer that outlives the model
 * (a store closed after it) learns there that it has nothing to detach. */
typedef struct reed_model_observer_s {
  void (*on_change)(void *ud, const reed_event_t *ev);
  void *ud;
  void (*on_model_free)(void *ud);
} reed_model_observer_t;
/* Adds an observer (copied). Returns 0 or one of: REED_EINVAL (no
 * on_change), REED_ELIMIT (8 observers already). */
int reed_model_add_observer(reed_model_t *m, const reed_model_observer_t *o);
/* Removes the first observer with the same on_change and ud (the store
 * does it when closed before the model is freed). Safe from inside an
 * observer: an observer removed during a change is not called for it
 * again, and one added during a change first sees the next change.
 * Returns 0 or one of: REED_EINVAL, REED_ENOTFOUND. */
int reed_model_remove_observer(reed_model_t *m, const reed_model_observer_t *o);

/* ---- Sessions --------------------------------------------------------------
 */
typedef struct reed_session_info_s {
  const char *origin;   /* "irc", "xmpp", "amp", "bot" (static string) */
  const char *user;     /* ident/resource; copied */
  const char *host;     /* shown host; copied */
  const char *ip;       /* real address, for bans and limits; copied */
  const char *realname; /* copied */
  const reed_session_listener_t *listener;
  void *ud;
} reed_session_info_t;

int reed_session_new(reed_model_t *m, const reed_session_info_t *info,
                     reed_session_t **out);
/* Leaves every room and frees the session; `s` is invalid afterwards.
 * When it was the person's last session, everyone sharing a room with the
 * person gets one QUIT; otherwise the rooms only this session was joined to
 * get a PART with the reason and `u.part.quitting` set. Safe from inside a
 * listener: the quit then runs when the current operation's fan-out is over
 * (the session gets no more events meanwhile). A reason that is not clean UTF-8
 * is dropped.
 */
void reed_session_quit(reed_session_t *s, const char *reason);
uint64_t reed_session_id(const reed_session_t *s);
reed_session_t *reed_model_session_by_id(reed_model_t *m, uint64_t id);
/* The session's nick, or NULL before it has one. */
const char *reed_session_nick(const reed_session_t *s);
const char *reed_session_account(const reed_session_t *s);
/* The session's user and host (as set_host or chghost left them). */
const char *reed_session_user(const reed_session_t *s);
const char *reed_session_host(const reed_session_t *s);
void *reed_session_ud(const reed_session_t *s);
/* Repoints the session's listener: a protocol that moves a session to
 * another connection (XMPP stream resumption, XEP-0198) gives it the new
 * connection's. Events from the next one on go there. */
void reed_session_set_listener(reed_session_t *s,
                               const reed_session_listener_t *listener,
                               void *ud);

/* Binds the session to an account after the portal said yes. The session
 * keeps its nick (if any); it shares the account's nick by setting it
 * afterwards while in no room. Returns 0 (also when already logged in to
 * that account), ENOACCOUNT, or EINVAL when logged in to another account.
 * Emits ACCOUNT to the person's sessions and shared rooms (if it has a
 * nick). */
int reed_session_login(reed_session_t *s, const char *account);
/* Sets or changes the nick (docs/design.md rules). Returns 0 or EBADNICK,
 * ENICKINUSE, ENICKRESERVED, ENICKMERGE. Emits NICK to everyone who shares a
 * room with the person, and to every session of the person. A session's
 * first nick emits nothing. Taking a nick another person of the same
 * account holds is allowed only while none of the caller's person's
 * sessions is in a room (ENICKMERGE otherwise): its sessions then join that
 * person, and each one that had a nick gets a NICK event. */
int reed_session_set_nick(reed_session_t *s, const char *nick);
/* A nick nobody may take, whoever asks (a protocol's service: IRC's
 * ChanServ): reed_session_set_nick answers ENICKRESERVED for it from now
 * on. Up to 4. Returns 0 (also when already reserved), EBADNICK or
 * ELIMIT. */
int reed_model_reserve_nick(reed_model_t *m, const char *nick);
/* REALNAME, HOST and AWAY go to the person's sessions and everyone sharing
 * a room with it (nobody while the session has no nick). Real names and
 * away texts are up to 390 bytes of UTF-8 without controls (EBADTEXT);
 * user and host are 1..255 bytes without spaces or controls (EINVAL). */
int reed_session_set_realname(reed_session_t *s, const char *realname);
int reed_session_set_host(reed_session_t *s, const char *user,
                          const char *host);
/* A server operator changes the host that others see for every session of
 * `nick`'s person (IRC CHGHOST); one HOST goes to its sessions and to
 * everyone sharing a room with it. 0, ENOPRIV (not an oper), ENOSUCHNICK,
 * EINVAL (host as for reed_session_set_host). */
int reed_session_chghost(reed_session_t *oper, const char *nick,
                         const char *host);
/* Away belongs to the person; NULL or "" clears it (no event when it was
 * not set). */
int reed_session_set_away(reed_session_t *s, const char *text);
/* The bot flag belongs to the person; no event. */
int reed_session_set_bot(reed_session_t *s, bool bot);
/* Sessions that ask for copies (XMPP carbons) get, with copy set, the
 * private messages their person's other sessions send. */
void reed_session_set_copies(reed_session_t *s, bool on);
/* Operator announcements (IRC WALLOPS): a session that asks for them gets
 * ANNOUNCE, whatever its protocol; off for a new session. */
void reed_session_set_announcements(reed_session_t *s, bool on);
bool reed_session_announcements(const reed_session_t *s);
/* An operator's announcement: ANNOUNCE to every session that asked for
 * them, and to the sender. 0, ENOPRIV (not an oper), EINVAL (no nick),
 * EBADTEXT (empty, over 390 bytes, controls, bad UTF-8). O(sessions): an
 * operator's tool, not a chat path. */
int reed_model_announce(reed_session_t *oper, const char *text);
/* The server's own announcement (no person behind it: from.nick is NULL),
 * to every session that asked for announcements: the store's degraded
 * state, say. Call it outside any model call. EBADTEXT as above. */
int reed_model_announce_server(reed_model_t *m, const char *text);
/* Server operator: may override room permissions and kill. */
void reed_session_set_oper(reed_session_t *s, bool oper);
/* Invisible (IRC +i): a WHO by mask lists the person only to those who
 * share a room with it (RFC 2812 3.6.1). */
void reed_session_set_invisible(reed_session_t *s, bool on);
/* Whether s is in a room with nick's person (or is that person). */
bool reed_session_shares_room(const reed_session_t *s, const char *nick);
bool reed_session_is_oper(const reed_session_t *s);
/* Removes every session of `nick`'s person: KILL to them, one QUIT to
 * everyone sharing a room. 0, ENOPRIV (killer not oper), ENOSUCHNICK,
 * EBADTEXT. The killer may kill itself; it is then freed on return. */
int reed_session_kill(reed_session_t *killer, const char *nick,
                      const char *reason);
/* Ends every session logged in to the account (`reed account del`): KILL
 * from the server (from.nick NULL) with the reason, which each protocol
 * shows as its own closing, then QUIT to whoever shares a room. Returns
 * the number of persons ended, or EBADTEXT. */
int reed_model_account_end(reed_model_t *m, const char *name,
                           const char *reason);

/* ---- Server bans (sban.c, sban_match.c) ------------------------------------
 * A server ban keeps someone off the whole server, whatever the protocol:
 * by IP address or CIDR block (IPv4 or IPv6; an IPv4 ban also matches an
 * IPv4-mapped IPv6 peer), by nick!user@host mask (matched against the
 * shown host and the real address), or by account. Each has a reason, a
 * setter and an optional expiry on the model's wall clock. Adding one
 * removes every matching session (a KILL from the server with "Banned:
 * <reason>"); protocols ask reed_model_sban_find at connection (the
 * address), at registration and at login (mask and account) and refuse
 * in their own terms. */
enum { REED_SBAN_IP = 1, REED_SBAN_MASK = 2, REED_SBAN_ACCOUNT = 3 };
#define REED_SBAN_TARGET_MAX 255

/* Who is being checked; any field may be NULL (not known yet). */
typedef struct reed_sban_who_s {
  const char *nick, *user, *host, *ip, *account;
} reed_sban_who_t;

typedef struct reed_sban_view_s {
  int kind;           /* REED_SBAN_* */
  const char *target; /* canonical: "10.0.0.0/8", "*!*@host", "alice" */
  const char *reason; /* "" when none given */
  const char *setter;
  uint64_t set_ms;
  uint64_t expires_ms; /* wall clock; 0: never */
} reed_sban_view_t;

/* Pure: classifies `in` and writes its canonical form: an address or CIDR
 * block (network address, "/bits" unless a single address), a mask
 * (user@host -> *!user@host, nick!user -> nick!user@*), else an account
 * name. 0 or EINVAL. */
int reed_sban_parse(const char *in, int *kind, char *out, size_t size);
/* Pure: an address with an optional "/bits" into 16 bytes (IPv4 as
 * ::ffff:a.b.c.d, prefix + 96) with the host bits cleared. 0 or EINVAL. */
int reed_sban_cidr_parse(const char *in, uint8_t addr[16], unsigned *prefix);
/* Pure: "ip", "mask" or "account" (how logs, STATS, `reed ban list` and
 * AMP's ServerBans name a kind); "?" for anything else. */
const char *reed_sban_kind_name(int kind);
/* Pure: whether `who` matches a canonical target of `kind`. */
bool reed_sban_matches(int kind, const char *target,
                       const reed_sban_who_t *who);

/* Pure: a duration as one or more <number><unit> (s, m, h, d, w), e.g.
 * "90s", "1h30m", "7d"; 1 s to 10 years. 0 or EINVAL. */
int reed_sban_duration_parse(const char *in, uint64_t *ms);
/* Pure: ms as the largest units first ("1d2h", "45m", "10s"), rounded up
 * to a second; "0s" for 0. */
void reed_sban_duration_format(uint64_t ms, char *out, size_t size);

/* Adds (or replaces, same canonical target) a ban and removes every
 * matching session. The view's target is parsed; kind is ignored. 0,
 * EINVAL (bad target, reason not clean text, no setter), ENOMEM. */
int reed_model_sban_add(reed_model_t *m, const reed_sban_view_t *ban);
/* 0 or ENOTFOUND (target parsed as for add; EINVAL when it cannot be). */
int reed_model_sban_del(reed_model_t *m, const char *target);
/* Bans in force (expired ones are dropped first), in the order set. */
void reed_model_sban_each(reed_model_t *m,
                          void (*cb)(void *ud, const reed_sban_view_t *b),
                          void *ud);
size_t reed_model_sban_count(reed_model_t *m);
/* The first ban in force matching `who`: true and *out (borrowed until the
 * next change of the list) filled, or false. */
bool reed_model_sban_find(reed_model_t *m, const reed_sban_who_t *who,
                          reed_sban_view_t *out);
/* The same for a session: its nick, user, shown host, address, account. */
bool reed_session_sban(reed_session_t *s, reed_sban_view_t *out);

/* ---- Rooms ---------------------------------------------------------------
 * All take the calling session; the room name is canonical or not yet
 * existing. A server operator passes every room permission check (bans,
 * key, limit, invite-only, op, voice, moderated, no-external, topic lock).
 * Reasons longer than REED_REASON_MAX are cut at a character boundary;
 * reasons with control characters or bad UTF-8 are EBADTEXT. */
/* Joins (creating the room, or waking its dormant state; the first member
 * of an empty room nobody owns becomes op, and a logged-in creator its
 * owner: see "Room affiliations"). When another session of the person is
 * already joined, only this session gets JOIN and no admission check runs.
 * Returns 0, EBADROOM, EINVAL (the session has no nick), EALREADYMEMBER,
 * ETOOMANYROOMS, EBANNED (unless excepted), EINVITEONLY (no invite, no
 * invex), EBADKEY, EROOMFULL, or the room source's error (see
 * reed_model_set_room_source). */
int reed_room_join(reed_session_t *s, const char *room, const char *key);
/* PART to the whole room when it was the person's last joined session,
 * else to this session alone. 0, ENOSUCHROOM, ENOTMEMBER, EBADTEXT. */
int reed_room_part(reed_session_t *s, const char *room, const char *reason);
/* Room message. On success *id_out (if not NULL) is its id. ENOSUCHROOM,
 * EBADTEXT (empty, NUL, not UTF-8, over 16 KiB), EINVAL (msg_kind, tags or
 * label with spaces or controls), ENOTMEMBER (another session of the
 * person is joined, this one is not), ENOEXTERNAL (not a member of a room
 * with no-external), EBANNED, EMODERATED (op and voice pass both). Every
 * joined session of every member gets it; the sender an echo. With
 * x->audience set, only the members with that status get it (and the
 * sender its echo); it is not kept in history (see reed_event_t). */
int reed_room_say(reed_session_t *s, const char *room, int msg_kind,
                  const char *text, size_t len, const reed_msg_extra_t *x,
                  uint64_t *id_out);
/* Private message to the person holding `nick`: every session of theirs
 * (or x->to_session alone), none of the sender's (the sender gets its
 * echo; its other sessions that asked for copies get one with `copy`).
 * ENOSUCHNICK, EBADTEXT, EINVAL (also when the sender has no nick). */
int reed_tell(reed_session_t *s, const char *nick, int msg_kind,
              const char *text, size_t len, const reed_msg_extra_t *x,
              uint64_t *id_out);
/* Private message to an account none of whose sessions is online
 * (XMPP's offline message): sequenced and kept in the private history
 * between the sender's person and the account (target: the account's
 * name), echoed to the sender and copied like reed_tell's, delivered to
 * nobody else. *id_out gets its id. ENOACCOUNT, EEXIST (a session of the
 * account is online: reed_tell), EINVAL (no nick, x->to_session set) and
 * reed_tell's text codes. */
int reed_tell_account(reed_session_t *s, const char *account, int msg_kind,
                      const char *text, size_t len, const reed_msg_extra_t *x,
                      uint64_t *id_out);
/* Client-only tags to a room or nick, checked like a message to it; not
 * sequenced or stored. EINVAL without any of x->irc_client_tags,
 * x->reply_to or x->reaction, or with a reaction but no reply_to or not
 * 1..REED_REACTION_MAX bytes of UTF-8 without spaces or controls; ENOSUCHROOM,
 * ENOSUCHNICK and the room message codes. */
int reed_tagmsg(reed_session_t *s, const char *target, bool is_room,
                const reed_msg_extra_t *x);
/* NULL or "" clears. ENOSUCHROOM, ENOTMEMBER, ENOPRIV (topic lock, not
 * op), EBADTOPIC (over 390 bytes, controls, bad UTF-8). */
int reed_room_set_topic(reed_session_t *s, const char *room, const char *topic);
/* Removes every session of the person; KICK to the room including them.
 * ENOSUCHROOM, ENOTMEMBER, ENOPRIV, ENOSUCHNICK, ETARGETNOTMEMBER,
 * EBADTEXT. */
int reed_room_kick(reed_session_t *s, const char *room, const char *nick,
                   const char *reason);
/* Lets the person in once past invite-only; INVITE to its sessions.
 * ENOSUCHROOM, ENOTMEMBER, ENOPRIV (invite-only and not op), ENOSUCHNICK,
 * EALREADYMEMBER. */
int reed_room_invite(reed_session_t *s, const char *room, const char *nick);
/* Applies changes in order; stops at the first failure and returns its code
 * (changes before it stay applied and are reported in one MODE event).
 * *applied (if not NULL) says how many were applied. Changes that change
 * nothing are skipped silently (counted as applied, not reported). Masks
 * are normalised (nick -> nick!*@*, user@host -> *!user@host, nick!user ->
 * nick!user@*); an account entry must be a valid account name (EBADMODE)
 * and is kept as given. ENOSUCHROOM, ENOTMEMBER, ENOPRIV, EINVAL (over 32
 * changes), EBADMODE (missing or bad argument, unknown mode, limit
 * not 1..1000000), ENOSUCHNICK, ETARGETNOTMEMBER, ELISTFULL. */
int reed_room_set_modes(reed_session_t *s, const char *room,
                        const reed_mode_change_t *changes, size_t n,
                        size_t *applied);
/* Redacts a message the caller's person sent (or any, for a room operator
 * or server operator). `target` names a room the caller is joined to, else
 * a nick (private conversation). ENOSUCHMSG (not in the kept history, or
 * redacted already), ENOPRIV, ENOTMEMBER, ENOSUCHNICK, EBADTEXT. REDACT
 * goes to the room, or to both persons' sessions. The history keeps a
 * tombstone in its place (reed_hist_entry_t.redacted). */
int reed_redact(reed_session_t *s, const char *target, uint64_t msg_id,
                const char *reason);
/* Addition: reed_redact in the private conversation with an account none
 * of whose sessions is online (the conversation reed_tell_account keeps):
 * the caller's own message only; the tombstone and a sequenced REDACT
 * (target = the account, as the observers see it) as reed_redact makes,
 * delivered to the caller's person alone. ENOACCOUNT, EEXIST (a session
 * of the account is online: reed_redact), ENOSUCHMSG, ENOPRIV, EBADTEXT,
 * EINVAL (no nick), the sequencer's error. */
int reed_redact_account(reed_session_t *s, const char *account, uint64_t msg_id,
                        const char *reason);

/* ---- Read-only views -----------------------------------------------------
 */
typedef struct reed_member_view_s {
  reed_actor_t who;
  bool op, voice;
  reed_affiliation_t aff; /* the member's account's (NONE: a guest) */
  const char *away;       /* NULL when present */
  uint64_t joined_ms;
} reed_member_view_t;

typedef struct reed_room_view_s {
  const char *name;
  const char *topic; /* NULL when none */
  const char *topic_by;
  uint64_t topic_ms;
  uint64_t created_ms;
  size_t members;
  bool moderated, invite_only, topic_lock, secret, no_external;
  const char *key; /* NULL when none */
  size_t limit;    /* 0 when none */
} reed_room_view_t;

reed_room_t *reed_room_find(reed_model_t *m, const char *name);
void reed_room_view(const reed_room_t *r, reed_room_view_t *v);
/* Calls cb for each member in join order. */
void reed_room_each_member(const reed_room_t *r,
                           void (*cb)(void *ud, const reed_member_view_t *mv),
                           void *ud);
/* Calls cb for each member in join order with only its nick ("*" before it
 * has one) and prefixes: a plain member list of a big room reads far less
 * memory than through reed_room_each_member. */
void reed_room_each_nick(const reed_room_t *r,
                         void (*cb)(void *ud, const char *nick, bool op,
                                    bool voice),
                         void *ud);
/* Calls cb for each room, in creation order. */
void reed_model_each_room(reed_model_t *m,
                          void (*cb)(void *ud, const reed_room_t *r), void *ud);
/* An entry of a list mode (BAN, EXCEPT, INVEX). */
typedef struct reed_list_entry_s {
  const char *mask; /* nick!user@host, or the account name when `account` */
  bool account;
  const char *by; /* the setter's nick; "" when unknown */
  uint64_t ms;    /* when it was set */
} reed_list_entry_t;
/* Calls cb for each entry of a list mode, in the order they were set. */
void reed_room_each_list(const reed_room_t *r, reed_room_mode_t which,
                         void (*cb)(void *ud, const reed_list_entry_t *e),
                         void *ud);
/* Is session s joined to room? Is nick a member? Member view of nick. */
bool reed_room_has_session(const reed_room_t *r, const reed_session_t *s);
int reed_room_member(const reed_room_t *r, const char *nick,
                     reed_member_view_t *out);
/* Rooms the session has joined, in join order. */
void reed_session_each_room(const reed_session_t *s,
                            void (*cb)(void *ud, const reed_room_t *r),
                            void *ud);

typedef struct reed_person_view_s {
  reed_actor_t who; /* of the earliest session */
  const char *away;
  bool oper;
  bool invisible; /* one of its sessions is */
  size_t sessions;
  uint64_t signon_ms;
  uint64_t idle_since_ms; /* last message sent by any of its sessions */
} reed_person_view_t;
/* Fills the view of whoever holds `nick`; 0 or ENOSUCHNICK. */
int reed_model_find_nick(reed_model_t *m, const char *nick,
                         reed_person_view_t *out);
/* Fills the view of an online person logged in to `account`, whatever
 * nick its sessions use (when several persons share the account, the one
 * of its earliest session); 0 or ENOSUCHNICK (no such account online, or
 * not a valid account name). */
int reed_model_find_account(reed_model_t *m, const char *account,
                            reed_person_view_t *out);
/* Every online person once, in no particular order; cb must not change
 * the model. */
void reed_model_each_person(reed_model_t *m,
                            void (*cb)(void *ud, const reed_person_view_t *pv),
                            void *ud);
/* Rooms a nick's person is in (any of its sessions). */
void reed_model_each_room_of(reed_model_t *m, const char *nick,
                             void (*cb)(void *ud, const reed_room_t *r),
                             void *ud);
/* Counts for LUSERS-like replies. */
typedef struct reed_model_stats_s {
  size_t sessions, persons, guests, rooms, opers, accounts;
  size_t dormant; /* registered rooms nobody is in, kept in memory */
} reed_model_stats_t;
void reed_model_stats(const reed_model_t *m, reed_model_stats_t *st);
/* Sessions of one origin ("irc", "amp", ...); O(sessions), for STATS. */
size_t reed_model_sessions_of(const reed_model_t *m, const char *origin);

/* Counters per session origin, for metrics (the host pulls them): the
 * sessions open now, the messages accepted from sessions of that origin
 * (room and private, sequenced), and the deliveries to sessions of that
 * origin (a message event handed to a session; the sender's own echo is
 * its answer, not a delivery). Kept as they happen, in O(1): a room's
 * fan-out adds its deliveries once, from the room's joined sessions per
 * origin. The first REED_MODEL_ORIGINS - 1 origins seen have a slot each;
 * the others share the last, "other". */
#define REED_MODEL_ORIGINS 8
typedef struct reed_model_origin_s {
  const char *origin;
  size_t sessions;
  uint64_t messages, deliveries;
} reed_model_origin_t;
/* Fills out[] with every origin seen since the model was made, in the
 * order first seen; returns how many. */
size_t reed_model_origins(const reed_model_t *m,
                          reed_model_origin_t out[REED_MODEL_ORIGINS]);

/* ---- History -------------------------------------------------------------
 * Bounded rings per room and per private conversation, with the same ids
 * every protocol shows. A query selects messages strictly before/after an
 * id or a time, or the latest, oldest first in the callback. */
typedef struct reed_hist_entry_s {
  uint64_t id, ts_ms;
  reed_actor_t from;  /* nick, account, origin, user, host */
  const char *room;   /* or NULL */
  const char *target; /* private: the other nick */
  int msg_kind;
  const char *text;
  size_t text_len;
  const char *irc_client_tags;
  uint64_t reply_to;          /* the message answered, 0: none */
  const char *target_account; /* private: the other party's account */
  const char *xmpp_payload;   /* XMPP's own children, or NULL */
  /* A tombstone: the message was redacted; text, tags and payload are
   * gone, id, time and sender stay (XEP-0424's archive marks it). Only
   * queries with `tombstones` set see them. */
  bool redacted;
} reed_hist_entry_t;

typedef enum {
  REED_HIST_LATEST, /* newest `limit`, bounded by after_* when set */
  REED_HIST_BEFORE,
  REED_HIST_AFTER,
  REED_HIST_AROUND,
  REED_HIST_BETWEEN,
} reed_hist_dir_t;

typedef struct reed_hist_query_s {
  reed_hist_dir_t dir;
  uint64_t id, id2; /* 0 when selecting by time */
  uint64_t ts, ts2; /* ms; used when the id is 0 */
  size_t limit;
  /* Redacted messages are left out (CHATHISTORY, AMP History); with this
   * set they are selected and counted as tombstones (XMPP MAM). */
  bool tombstones;
} reed_hist_query_t;

typedef void (*reed_hist_cb)(void *ud, const reed_hist_entry_t *e);
/* A limit of 0 means everything kept. BEFORE, AFTER and AROUND need a
 * reference, BETWEEN two (EINVAL otherwise); AROUND includes the
 * reference; BETWEEN excludes both and, when the first reference is the
 * later one, returns the latest `limit` before it.
 * Room history: the caller must be joined (ENOSUCHROOM, ENOTMEMBER). */
int reed_history_room(reed_session_t *s, const char *room,
                      const reed_hist_query_t *q, reed_hist_cb cb, void *ud);
/* Private history between the caller's person and `nick`'s (an account
 * name also works when the peer is offline). */
int reed_history_private(reed_session_t *s, const char *nick,
                         const reed_hist_query_t *q, reed_hist_cb cb, void *ud);
/* CHATHISTORY TARGETS: the private conversations of the caller's person
 * whose latest message is within [from_ms, to_ms] (0: unbounded), newest
 * first, at most `limit` (0: all). `peer` is the other party's nick as
 * the latest message shows it. 0 or EINVAL (no nick, no callback). */
int reed_history_targets(
    reed_session_t *s, uint64_t from_ms, uint64_t to_ms, size_t limit,
    void (*cb)(void *ud, const char *peer, uint64_t last_ms), void *ud);
/* Loader: appends a stored message (oldest first) without events. */
int reed_history_load(reed_model_t *m, const reed_hist_entry_t *e);

/* ---- Read markers (draft/read-marker) ------------------------------------
 * Per account (a guest: per session) and per target, a room or a nick
 * compared under the casemapping: the time (ms) of the last message the
 * user has read. A marker never goes back. At most REED_READ_MARKERS_MAX
 * targets per account: past that, the one read longest ago is forgotten.
 * Markers are private: no other person ever sees them. */
#define REED_READ_MARKERS_MAX 256
/* Moves the marker of `target` to ts_ms unless it is there or later
 * already; *out_ms (if not NULL) is the marker after the call. When it
 * moved, READ_MARKER goes to every session of the account (the caller's
 * included) and, for an account, to the observers. Returns 0 or one of:
 * REED_EINVAL (ts_ms 0, not a valid room name or nick), REED_ENOMEM. */
int reed_read_marker_set(reed_session_t *s, const char *target, bool is_room,
                         uint64_t ts_ms, uint64_t *out_ms);
/* The marker of `target` for the caller's account (or guest session), 0
 * when there is none. */
uint64_t reed_read_marker_get(reed_session_t *s, const char *target,
                              bool is_room);
/* Loader: an account's stored marker, without events (a later one wins).
 * Returns 0 or one of: REED_EINVAL, REED_ENOMEM. */
int reed_read_marker_load(reed_model_t *m, const char *account,
                          const char *target, bool is_room, uint64_t ts_ms);

/* ---- Nick history (WHOWAS) --------------------------------------------------
 * A bounded, server-wide record of nicks that went out of use: the
 * person's last session quit or was killed, a nick change away from it (a
 * change of case is not one), or a merge of a person into another person
 * of its account. opts.nick_history entries are kept (default 1000), the
 * oldest evicted first. An entry that cannot be allocated is not kept. */
typedef struct reed_nick_was_s {
  reed_actor_t who; /* the nick as held; account, origin, user, host,
                       realname of the session that let it go */
  uint64_t ts_ms;   /* when it went out of use */
} reed_nick_was_t;
/* Calls cb for the entries of `nick` (casefolded), newest first, at most
 * `limit` of them (0: all). Entries are borrowed for the call; cb must not
 * change the model. Returns 0, or REED_ENOSUCHNICK when there is none (also
 * for a string that is not a valid nick). */
int reed_model_nick_history(const reed_model_t *m, const char *nick,
                            size_t limit,
                            void (*cb)(void *ud, const reed_nick_was_t *e),
                            void *ud);

/* ---- Presence watching (MONITOR) --------------------------------------------
 * A session may watch up to opts.max_watches nicks (default 100), held or
 * not, by any protocol's person. Each watching session gets PRESENCE with
 * `watch` set when a watched nick comes into use (a person's first nick, a
 * nick change to it) or goes out of use (the person's last session quits
 * or is killed, a nick change away from it, a merge into another person):
 * target is the nick as held, `u.presence.online` says which, and `from` is the
 * holder (its user and host when online). A change of case is neither.
 * While the nick is held, the holder's AWAY, ACCOUNT, REALNAME and HOST
 * reach its watchers too, with `watch` set, once per session: a watcher
 * that shares a room with the person gets the room's delivery instead.
 * Watchers are found through a map keyed by the folded nick, never by a
 * scan of sessions. Watches are freed with the session. */
/* Adds `nick` (kept as given). Returns 0 (also when already watched) or
 * one of: REED_EBADNICK, REED_ELISTFULL (the session watches the limit),
 * REED_ENOMEM. */
int reed_session_watch(reed_session_t *s, const char *nick);
/* Removes `nick` (casefolded). Returns 0 or REED_ENOTFOUND. */
int reed_session_unwatch(reed_session_t *s, const char *nick);
void reed_session_unwatch_all(reed_session_t *s);
/* Calls cb with each watched nick, as given, in the order added. */
void reed_session_each_watch(const reed_session_t *s,
                             void (*cb)(void *ud, const char *nick), void *ud);
size_t reed_session_watch_count(const reed_session_t *s);
size_t reed_model_watch_limit(const reed_model_t *m);

/* ---- Room affiliations -----------------------------------------------------
 * Per account and room, persistent (the store saves them), in XEP-0045's
 * terms. A room with an owner is "registered": it keeps its settings, lists
 * and topic when it empties and across restarts; nobody gets op by arriving
 * first in it; owners and admins get op (every protocol) when they join. A
 * room without an owner forgets its settings when it empties (history may
 * stay). A room created by a logged-in session is owned by its account.
 * OUTCAST is the account ban: the room's BAN list entry with `account` set,
 * so reed_room_set_modes with an account ban and an OUTCAST affiliation are
 * one thing, enforced on every protocol.
 *
 * Beyond that (additions to the shared interface):
 * - Admission: an owner gets in past bans, invite-only, key and limit;
 *   an admin or member passes invite-only (as an invex entry would:
 *   XEP-0045's members-only room).
 * - A room's first member gets op only when the room has no owner. When a
 *   logged-in session creates a room (joins one nobody is in and nobody
 *   owns), AFFILIATION (OWNER, nick NULL) is emitted before its JOIN.
 * - An account ban set through reed_room_set_modes on an account that is
 *   an admin or owner needs an owner (or server operator): ENOPRIV; it
 *   replaces that account's affiliation (MODE is the only event then).
 * - Registration: in a room without an owner, a joined op that is logged
 *   in may make its own account OWNER (IRC's ChanServ REGISTER).
 * - Member views (reed_member_view_t.aff) and reed_room_each_nick_aff say
 *   each member's affiliation.
 * - An owner or admin joined to the room has an op's rights (mode, kick,
 *   topic lock, invite) even without op, so it can take op back. */

/* The account's affiliation in room (NONE for NULL, a guest, or none). */
reed_affiliation_t reed_room_affiliation(const reed_room_t *r,
                                         const char *account);
/* Sets (or with NONE removes) an account's affiliation, as s. Who may:
 * an owner (or server operator) changes anyone's, also to or from OWNER
 * (an owner may not remove the last owner: ELASTOWNER); an admin sets
 * MEMBER, OUTCAST or NONE for accounts that are neither admin nor owner.
 * Online members of that account get or lose op as their new
 * affiliation says (OWNER/ADMIN: op; an OUTCAST is kicked with `reason`).
 * Emits REED_EV_AFFILIATION to the room (sequenced: room, target = the
 * account, u.aff). Returns 0, ENOSUCHROOM, ENOPRIV, ENOACCOUNT (no such
 * account), ELASTOWNER, EBADTEXT, ENOMEM.
 * Also (additions): the room may be dormant (an empty registered room; the
 * room source is asked for one the model does not hold); setting what is
 * already set is 0 without an event; the op change is a MODE event from s
 * after AFFILIATION (+o/-o), the kick a KICK; EINVAL for an affiliation
 * out of range; ELISTFULL when OUTCAST finds the ban list full; the
 * sequencer's error (the store's gate while degraded). */
int reed_room_set_affiliation(reed_session_t *s, const char *room,
                              const char *account, reed_affiliation_t aff,
                              const char *reason);
/* Each account with affiliation `which` (NONE: every affiliation), in the
 * order set (with NONE: owners, admins and members in the order set, then
 * outcasts in the order of the ban list). */
typedef struct reed_aff_entry_s {
  const char *account;
  reed_affiliation_t aff;
  const char *by; /* the setter's account or nick; "" when unknown */
  uint64_t ms;
} reed_aff_entry_t;
void reed_room_each_affiliation(const reed_room_t *r, reed_affiliation_t which,
                                void (*cb)(void *ud, const reed_aff_entry_t *e),
                                void *ud);
/* Has an owner. */
bool reed_room_registered(const reed_room_t *r);
/* Loader for the store: without events; makes the room (dormant) when the
 * model does not know it. (OUTCAST loads an account ban; EINVAL for a bad
 * account name, setter or affiliation, EBADROOM, ENOMEM, ELISTFULL.) */
int reed_room_load_affiliation(reed_model_t *m, const char *room,
                               const char *account, reed_affiliation_t aff,
                               const char *by, uint64_t ms);
/* Addition: unregisters a room, as one of its owners (or a server
 * operator): every OWNER, ADMIN and MEMBER affiliation goes (one
 * AFFILIATION each, owners last, with op taken as for
 * reed_room_set_affiliation); outcasts stay. The room then forgets its
 * settings when it empties. 0, ENOSUCHROOM, ENOPRIV (not an owner),
 * EINVAL (not registered), the sequencer's error. */
int reed_room_unregister(reed_session_t *s, const char *room);
/* Addition: destroys a room (XEP-0045 10.9), as one of its owners, a
 * server operator, or in a room nobody owns one of its operators: each
 * member is removed with a KICK from s that only its own joined sessions
 * get (u.kick.destroy set, text = the reason, u.kick.venue), then the
 * room is unregistered (AFFILIATION events, owners last) and, empty and
 * ownerless, forgets its settings, lists, topic and affiliations; its
 * history stays. `venue` is NULL or up to 255 bytes without spaces or
 * controls. 0, ENOSUCHROOM, ENOPRIV, EBADTEXT, EINVAL (venue), the
 * sequencer's error. */
int reed_room_destroy(reed_session_t *s, const char *room, const char *reason,
                      const char *venue);
/* Addition: the room by that name, joined or dormant (an empty registered
 * room keeps its state); when the model holds none, the room source is
 * asked first (a registered room not loaded since the start). NULL when
 * there is none, or the source failed. Not from a listener or observer
 * for a room the change was not about. reed_room_find finds joined rooms
 * only. */
reed_room_t *reed_room_lookup(reed_model_t *m, const char *name);
/* Addition: whether a room this session creates while logged in becomes
 * its account's (on for a new session). A protocol where channels are
 * registered on request turns it off (IRC's `[irc] own_new_channels =
 * no`): the creator is then a plain first op, as with a guest. */
void reed_session_set_room_claims(reed_session_t *s, bool on);
/* Addition: reed_room_each_nick with each member's affiliation. */
void reed_room_each_nick_aff(const reed_room_t *r,
                             void (*cb)(void *ud, const char *nick, bool op,
                                        bool voice, reed_affiliation_t aff),
                             void *ud);

/* Persistent room settings the store saves and restores. */
typedef struct reed_room_state_s {
  const char *name, *topic, *topic_by;
  uint64_t topic_ms, created_ms;
  bool moderated, invite_only, topic_lock, secret, no_external;
  const char *key;
  size_t limit;
} reed_room_state_t;
int reed_room_load(reed_model_t *m, const reed_room_state_t *st);
/* A room the model does not hold (never loaded, or its dormant state was
 * evicted: max_dormant_rooms) may still have saved state. Before a join
 * creates such a room, the model calls `load` with its name; the source
 * brings the room in with the loaders (reed_room_load,
 * reed_room_load_list, reed_history_load) and returns 0, also when it has
 * nothing. Any other return fails the join with that code. `load` must
 * not call anything else of the model. NULL (or a NULL load) removes the
 * source. The store sets itself as the source when attached. */
typedef struct reed_room_source_s {
  int (*load)(void *ud, reed_model_t *m, const char *room);
  void *ud;
} reed_room_source_t;
void reed_model_set_room_source(reed_model_t *m, const reed_room_source_t *src);
/* Loader: appends an entry to a room's BAN, EXCEPT or INVEX list without
 * events, as set by `by` (a nick; NULL or "" when unknown) at `ms`. The
 * room is made (dormant) when the model does not know it yet. The mask is
 * normalised as reed_room_set_modes does; with `account` it is an account
 * name instead (kept as given). Entries keep the order they are
 * loaded in; the list's bound (max_list_entries) applies. Returns 0 or one
 * of: REED_EBADROOM, REED_EINVAL (not a list mode, bad mask or setter),
 * REED_EEXIST (the list has that mask, in any case), REED_ELISTFULL,
 * REED_ENOMEM. */
int reed_room_load_list(reed_model_t *m, const char *room,
                        reed_room_mode_t which, const char *mask, bool account,
                        const char *by, uint64_t ms);

#endif
