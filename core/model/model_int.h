/* The model's internal structures, shared by its files only.
 *
 * Persons are nick holders: an account's sessions that share a nick form one
 * person, a guest session is a person of its own. A member is a person in a
 * room; a join is one session of that person joined to the room. Every
 * container is an intrusive doubly linked list, so removal is O(1) and a
 * fan-out to N members walks N members and their joined sessions. */
#ifndef REED_MODEL_INT_H
#define REED_MODEL_INT_H

#include "model.h"

#include <string.h>

#define REED__TEXT_MAX 16384
#define REED__MASK_MAX 255
#define REED__FIELD_MAX 255
#define REED__FORMS 16
#define REED__OBSERVERS 8
/* Origins counted apart (metrics); the last slot takes the rest. */
#define REED__ORIGINS REED_MODEL_ORIGINS

/* A hint to fetch what a loop will read a few steps on. */
#if defined(__GNUC__) || defined(__clang__)
#define REED__PREFETCH(p) __builtin_prefetch(p)
#else
#define REED__PREFETCH(p) ((void)(p))
#endif

/* Intrusive doubly-linked lists: `first` and `last` are the list's ends,
 * `prev` and `next` the names of the node's link fields (a node is on
 * several lists through different fields). Unlinking clears the node's
 * links. The arguments are evaluated more than once: pass plain names. */
#define REED__DL_APPEND(first, last, node, prev, next)                         \
  do {                                                                         \
    (node)->next = NULL;                                                       \
    (node)->prev = (last);                                                     \
    if ((last) != NULL)                                                        \
      (last)->next = (node);                                                   \
    else                                                                       \
      (first) = (node);                                                        \
    (last) = (node);                                                           \
  } while (0)
#define REED__DL_UNLINK(first, last, node, prev, next)                         \
  do {                                                                         \
    if ((node)->prev != NULL)                                                  \
      (node)->prev->next = (node)->next;                                       \
    else                                                                       \
      (first) = (node)->next;                                                  \
    if ((node)->next != NULL)                                                  \
      (node)->next->prev = (node)->prev;                                       \
    else                                                                       \
      (last) = (node)->prev;                                                   \
    (node)->prev = (node)->next = NULL;                                        \
  } while (0)

/* ---- Hash map: open addressing, borrowed string keys --------------------
 */
typedef struct reed__slot_s {
  const char *key;
  uint32_t hash;
  void *val;
} reed__slot_t;

typedef struct reed__map_s {
  reed__slot_t *slots;
  size_t cap, n;
} reed__map_t;

/* Tables shrink when deletions leave them mostly empty, never below this
 * capacity. */
#define REED__MAP_MIN_CAP 64

/* Makes room for `extra` more keys, so a later put cannot fail (a delete
 * in between does not take that room away). */
int reed__map_reserve(reed__map_t *mp, size_t extra);
/* Inserts or replaces; the key must live as long as the entry. */
int reed__map_put(reed__map_t *mp, const char *key, void *val);
void *reed__map_get(const reed__map_t *mp, const char *key);
void *reed__map_del(reed__map_t *mp, const char *key);
void reed__map_cleanup(reed__map_t *mp);

/* ---- History rings --------------------------------------------------------
 */
typedef struct reed__hmsg_s {
  uint64_t id, ts_ms;
  int msg_kind;
  const char *nick, *account, *origin, *user, *host, *target, *target_account;
  const char *text, *irc_client_tags, *xmpp_payload;
  uint64_t reply_to;
  size_t text_len;
  uint64_t session_id;
  char *room;    /* NULL for private entries */
  bool redacted; /* a tombstone: text, tags and payload wiped */
} reed__hmsg_t;

typedef struct reed__ring_s {
  reed__hmsg_t **e;
  size_t cap, head, n, max;
  size_t n_dead; /* tombstones among the n */
} reed__ring_t;

typedef struct reed__conv_s {
  char *key;
  reed__ring_t ring;
  struct reed__conv_s *prev, *next; /* LRU, most recent first */
} reed__conv_t;

/* ---- Accounts, persons, sessions, rooms ------------------------------------
 */
typedef struct reed__account_s {
  char name[REED_ACCOUNT_MAX + 1];
  char fold[REED_ACCOUNT_MAX + 1];
} reed__account_t;

typedef struct reed__member_s reed__member_t;
typedef struct reed__join_s reed__join_t;

/* ---- Watches (watch.c) and nick history (nick_history.c) ------------------
 * A watched nick is one map entry (keyed by its fold) with the list of
 * watches on it; a watch is on that list and on its session's list. */
typedef struct reed__watched_s reed__watched_t;
typedef struct reed__watch_s {
  reed_session_t *s;
  reed__watched_t *w;
  struct reed__watch_s *w_prev, *w_next; /* the watchers of one nick */
  struct reed__watch_s *s_prev, *s_next; /* one session's, order added */
  char nick[REED_NICK_MAX + 1];          /* as the session gave it */
} reed__watch_t;

struct reed__watched_s {
  char fold[REED_NICK_MAX + 1]; /* the map key */
  reed__watch_t *first, *last;
};

typedef struct reed__was_s reed__was_t;
typedef struct reed__was_ring_s {
  reed__was_t **e; /* allocated at the first entry, `max` slots */
  size_t max, head, n;
} reed__was_ring_t;

typedef struct reed__person_s {
  reed_model_t *m;
  char nick[REED_NICK_MAX + 1]; /* "" until the first nick */
  char fold[REED_NICK_MAX + 1];
  char account[REED_ACCOUNT_MAX + 1]; /* "" for a guest */
  reed_session_t *s_first, *s_last;
  size_t n_sessions;
  reed__member_t *mem_first, *mem_last;
  size_t n_members;
  char *away;
  bool bot;
  bool gone; /* killed: its sessions leave without further events */
  uint64_t signon_ms, idle_ms;
  /* A guest's private history is keyed by its nick, which others held
   * before: it sees only messages sequenced after this id (the last one
   * handed out when it took the nick or became a guest). */
  uint64_t hist_floor;
} reed__person_t;

struct reed_session_s {
  /* What every fan-out reads, in the first cache line. */
  const reed_session_listener_t *listener;
  void *ud;
  uint64_t mark;
  bool oper, dead, copies, queued, announcements, invisible;
  bool no_claim;     /* creates rooms without owning them (IRC's choice) */
  uint8_t origin_ix; /* m->origins[] slot of `origin` (the padding's byte) */
  reed_model_t *m;
  uint64_t id;
  char idkey[24];
  reed__person_t *p;
  reed_session_t *p_prev, *p_next;
  reed_session_t *all_prev, *all_next;
  const char *origin;
  /* One block: user, host, ip and realname back to back, each ending in
   * NUL, `user` at its start (reed__session_strings): an idle client pays
   * one allocation for the four, not four. */
  char *user, *host, *ip, *realname;
  char *quit_reason;
  reed_session_t *pending_next;
  reed__join_t *j_first, *j_last;
  size_t n_joins;
  reed__watch_t *w_first, *w_last;
  size_t n_watches;
};

struct reed__join_s {
  reed_session_t *s;
  reed__member_t *mem;
  reed__join_t *s_prev, *s_next; /* in the session, join order */
  reed__join_t *m_prev, *m_next; /* in the member, join order */
};

struct reed__member_s {
  reed_room_t *room;
  reed__person_t *p;
  reed__member_t *r_prev, *r_next; /* in the room, join order */
  reed__member_t *p_prev, *p_next; /* in the person */
  reed__join_t *j_first, *j_last;
  size_t n_joins;
  bool op, voice;
  uint64_t joined_ms;
};

typedef struct reed__mask_s {
  char *mask, *by;
  bool account; /* lists: mask is an account name */
  uint64_t ms;
  uint64_t seq; /* invites: the model's last id when it was given */
  struct reed__mask_s *next;
} reed__mask_t;

typedef struct reed__masklist_s {
  reed__mask_t *first;
  size_t n;
} reed__masklist_t;

enum { REED__LIST_BAN, REED__LIST_EXCEPT, REED__LIST_INVEX, REED__LISTS };

/* An OWNER, ADMIN or MEMBER affiliation (affiliation.c); OUTCAST is an
 * account entry of the room's BAN list. */
typedef struct reed__aff_s {
  char account[REED_ACCOUNT_MAX + 1]; /* as the model knows the account */
  reed_affiliation_t aff;
  char *by;
  uint64_t ms;
  struct reed__aff_s *next;
} reed__aff_t;

struct reed_room_s {
  reed_model_t *m;
  char name[REED_ROOM_MAX + 1];
  char fold[REED_ROOM_MAX + 1];
  bool active;
  reed_room_t *prev, *next; /* active list, or the dormant LRU list */
  reed__member_t *mem_first, *mem_last;
  size_t n_members;
  /* The members again, in join order, as an array (NULL when none): a
   * fan-out reads ahead through it, where the list would make every
   * member a cache miss waiting on the one before. */
  reed__member_t **mems;
  size_t mems_cap;
  bool has_topic;
  char topic[REED_TOPIC_MAX + 1];
  char *topic_by;
  uint64_t topic_ms, created_ms;
  bool moderated, invite_only, topic_lock, secret, no_external;
  char key[REED_KEY_MAX + 1];
  size_t limit;
  reed__masklist_t lists[REED__LISTS];
  reed__masklist_t invites; /* folded invitee keys, used once */
  reed__ring_t hist;
  reed__aff_t *affs; /* in the order set */
  size_t n_owners;
  bool forgotten; /* reset when it emptied: created anew at the next join */
  /* Joined sessions by origin slot: a message's fan-out counts its
   * deliveries per protocol from these, once, not per recipient. */
  uint32_t joins_by_origin[REED__ORIGINS];
};

struct reed_fmt_cache_s {
  size_t n;
  struct {
    const void *owner; /* reed_form_t's; NULL for reed_event_cache_get/put */
    uint32_t form;
    reed_buf_t *buf;
  } e[REED__FORMS];
};

struct reed_model_s {
  reed_clock_t *clock;
  reed_log_t *log;
  char *server_name;
  size_t room_history, private_history, max_rooms, max_list_entries;
  bool default_topic_lock;
  size_t max_dormant, max_convs;
  reed_sequencer_t seq;
  reed_room_source_t room_src;
  uint64_t next_id, next_session_id, mark_gen;
  uint64_t last_id; /* the highest id the sequencer handed out */
  reed_model_observer_t observers[REED__OBSERVERS];
  size_t n_observers;
  int observing;       /* reed__observe calls in progress */
  bool observer_holes; /* removed during a dispatch: compact afterwards */
  reed__map_t accounts, nicks, rooms, sessions, convs;
  reed__map_t markers; /* read markers by owner (read_marker.c) */
  size_t n_accounts, n_persons, n_sessions, n_rooms, n_dormant, n_convs;
  /* Kept as they change, for LUSERS at every registration (a walk over
   * every session there made registering O(clients)). */
  size_t n_opers, n_guests; /* oper sessions; persons without an account */
  reed_session_t *s_first, *s_last;
  reed_room_t *r_first, *r_last; /* active rooms, creation order */
  reed_room_t *d_first, *d_last; /* dormant rooms, oldest first */
  reed__conv_t *c_first, *c_last;
  int depth;             /* fan-outs in progress */
  bool running_deferred; /* reed__run_deferred is on the stack */
  reed_session_t *dying; /* quits deferred until the fan-out ends */
  reed__map_t watched;   /* folded nick -> reed__watched_t */
  size_t max_watches;
  size_t max_msg_lines, max_msg_bytes;
  reed__was_ring_t was;                /* nick history */
  char reserved[4][REED_NICK_MAX + 1]; /* service nicks, folded */
  size_t n_reserved;
  struct reed__sban_s *sbans; /* server bans (sban.c), in the order set */
  size_t n_sbans, cap_sbans;
  /* Counters by session origin (counters.c), for reed_model_origins. */
  const char *origins[REED__ORIGINS];
  size_t n_origins;
  size_t origin_sessions[REED__ORIGINS];
  uint64_t origin_messages[REED__ORIGINS], origin_deliveries[REED__ORIGINS];
};
void reed__sbans_free(reed_model_t *m);

/* counters.c: the origin slot of a new session's origin (a static
 * string: compared by address first); past REED__ORIGINS - 1 origins
 * the last slot, "other". */
uint8_t reed__origin_slot(reed_model_t *m, const char *origin);
/* A message event handed to session s (echoes are the sender's answer,
 * not a delivery): one count, for the paths that reach few sessions. */
void reed__count_delivery(reed_model_t *m, const reed_session_t *s,
                          const reed_event_t *ev);
/* A room fan-out of a message to every joined session but `sender`'s
 * own (which got the echo): counted once from the room's counts. */
void reed__count_room_deliveries(reed_model_t *m, const reed_room_t *r,
                                 const reed_session_t *sender);

/* msg_limit.c: 0, or REED_ETOOBIG past the model's message bound. */
int reed__msg_bound(const reed_model_t *m, const char *text, size_t len);

/* ---- Strings ------------------------------------------------------------- */
/* 1 if the bytes are UTF-8 without controls (C0, DEL, C1). */
bool reed__text_clean(const char *s, size_t len);
/* Valid message text: non-empty, no NUL, UTF-8, bounded. */
bool reed__text_valid(const char *s, size_t len);
/* Reasons: NULL ok, else UTF-8 without controls; truncated to the limit. */
int reed__reason_check(const char *in, char *out, size_t size);
/* strdup of a bounded field without controls or spaces; NULL on ENOMEM. */
bool reed__field_valid(const char *s, size_t max);
char *reed__strdup0(const char *s);

/* ---- Events (events.c) ----------------------------------------------------
 */
void reed__actor(const reed_session_t *s, reed_actor_t *a);
/* Stamps ev through the sequencer; 0 or its error. */
int reed__sequence(reed_model_t *m, reed_event_t *ev);
void reed__observe(reed_model_t *m, const reed_event_t *ev);
/* Calls each observer's on_model_free and forgets them all. */
void reed__observers_model_free(reed_model_t *m);
void reed__fan_begin(reed_model_t *m, reed_event_t *ev,
                     reed_fmt_cache_t *cache);
void reed__fan_end(reed_model_t *m, reed_fmt_cache_t *cache);
/* Brackets an operation that touches its objects after a fan-out, so a
 * listener's quit waits until the operation is done. */
void reed__op_begin(reed_model_t *m);
void reed__op_end(reed_model_t *m);
/* Runs the quits listeners asked for during fan-outs, once none is open. */
void reed__run_deferred(reed_model_t *m);
void reed__send(reed_model_t *m, reed_session_t *s, const reed_event_t *ev);
void reed__send_echo(reed_model_t *m, reed_session_t *s, const reed_event_t *ev,
                     const char *label);
void reed__send_room(reed_model_t *m, reed_room_t *r, const reed_event_t *ev);
void reed__send_person(reed_model_t *m, reed__person_t *p,
                       const reed_event_t *ev);
/* Every session that shares a room with p, and p's own sessions. */
void reed__send_sharing(reed_model_t *m, reed__person_t *p,
                        const reed_event_t *ev);
/* Sequences, observes and fans out to the room in one step. */
int reed__emit_room(reed_model_t *m, reed_room_t *r, reed_event_t *ev);
/* Fans out a non-sequenced event to p's sharers (no observer), and with
 * `watchers` to the watchers of p's nick in the same fan-out. */
void reed__emit_sharing(reed_model_t *m, reed__person_t *p, reed_event_t *ev,
                        bool watchers);

/* ---- Persons and sessions (session.c, nick.c) ---------------------------- */
reed__person_t *reed__person_new(reed_model_t *m);
void reed__person_free(reed__person_t *p);
void reed__person_add_session(reed__person_t *p, reed_session_t *s);
void reed__person_remove_session(reed__person_t *p, reed_session_t *s);
reed__person_t *reed__person_by_nick(const reed_model_t *m, const char *nick);
bool reed__session_in_rooms(const reed__person_t *p);
void reed__session_do_quit(reed_session_t *s, const char *reason);
/* Queues a quit to run once no fan-out or operation is open. */
void reed__session_defer_quit(reed_session_t *s, const char *reason);
/* QUIT for the whole person, to everyone who shares a room with it. */
void reed__quit_person(reed_session_t *s, const char *reason);
void reed__session_free(reed_session_t *s);
/* Points s's user, host, ip and realname at a new block holding copies of
 * the four given strings (which may be s's own) and returns the old block
 * (NULL at first), for the caller to free once no event borrows it; NULL
 * on ENOMEM with s unchanged (*err set). */
char *reed__session_strings(reed_session_t *s, const char *user,
                            const char *host, const char *ip,
                            const char *realname, int *err);
/* Points s's four strings into `block` (laid out as above) and returns the
 * block they were in. */
char *reed__session_strings_adopt(reed_session_t *s, char *block);
/* The sorted key of the persons of two parties for private history. */
void reed__person_hkey(const reed__person_t *p, char *out, size_t size);
/* A guest's history starts now (it took a nick, or lost its account). */
void reed__person_guest_floor(reed__person_t *p);

/* ---- Presence (watch.c, nick_history.c) ----------------------------------
 */
/* `s` let go of `nick` (its person keeps no session with it, or changed
 * away): records it in the nick history and tells the nick's watchers. */
void reed__nick_gone(reed_session_t *s, const char *nick);
/* `s`'s person now holds its nick: tells the nick's watchers. */
void reed__nick_came(reed_session_t *s);
/* Sends ev, with `watch` set, to the watchers of the nick folded as
 * `fold`; inside a fan-out, so a session already reached is skipped. */
void reed__watch_send(reed_model_t *m, const char *fold,
                      const reed_event_t *ev);
void reed__watch_session_free(reed_session_t *s);
/* Keeps an entry for `nick` with s's user, host, realname and account. */
void reed__nick_history_record(reed_session_t *s, const char *nick);
void reed__nick_history_free(reed_model_t *m);

/* ---- Rooms and members (room.c, member.c) ---------------------------------
 */
reed_room_t *reed__room_get(const reed_model_t *m, const char *name);
int reed__room_activate(reed_model_t *m, const char *name, reed_room_t **out);
void reed__room_deactivate(reed_room_t *r);
void reed__room_free(reed_room_t *r);
void reed__room_evict_dormant(reed_model_t *m);
reed__member_t *reed__member_of(const reed_room_t *r, const reed__person_t *p);
reed__join_t *reed__join_of(const reed_room_t *r, const reed_session_t *s);
/* Removes one session's join; frees the member when it was the last. */
void reed__join_remove(reed__join_t *j);
/* Removes a member and all its joins. */
void reed__member_remove(reed__member_t *mem);
void reed__room_maybe_empty(reed_room_t *r);
/* A room a failed join woke goes back to sleep as it was. */
void reed__room_maybe_sleep(reed_room_t *r);

/* ---- Affiliations (affiliation.c) ------------------------------------------
 */
/* The OWNER/ADMIN/MEMBER entry of the account (compared under the
 * casemapping), or NULL. */
reed__aff_t *reed__aff_find(const reed_room_t *r, const char *account);
/* The person's affiliation ("" account: NONE). */
reed_affiliation_t reed__aff_of(const reed_room_t *r, const reed__person_t *p);
/* Drops the entry of the account (an account ban replaced it). */
void reed__aff_drop(reed_room_t *r, const char *account);
void reed__aff_free_all(reed_room_t *r);
/* Sets the room's settings, lists and invites to a new room's (an
 * unregistered room that emptied). */
void reed__room_forget(reed_room_t *r);
/* member.c: the first member gets op only in a room without an owner;
 * owners and admins always. */
bool reed__op_on_join(const reed_room_t *r, const reed__person_t *p);
/* A logged-in session creating the room becomes its owner (before its
 * JOIN is applied). */
void reed__aff_claim(reed_session_t *s, reed_room_t *r);
/* The account's canonical name as the model knows it, or NULL. */
const char *reed__account_name(const reed_model_t *m, const char *name);
bool reed__can_override(const reed_session_t *s);
/* Joined and op, or a server operator: 0, ENOTMEMBER or ENOPRIV. */
int reed__need_op(reed_session_t *s, reed_room_t *r);
bool reed__is_op(const reed_room_t *r, const reed__person_t *p);
/* Op, or an owner's or admin's affiliation: what an op may do. */
bool reed__op_rights(const reed_room_t *r, const reed__person_t *p);
void reed__masklist_clear(reed__masklist_t *l);
/* 1 if the person's nick!user@host or nick!user@ip matches the list. */
bool reed__masklist_match(const reed__masklist_t *l, const reed_session_t *s);

/* ---- History (history.c) --------------------------------------------------
 */
/* A stored copy of an entry (id and time included); NULL on ENOMEM. */
reed__hmsg_t *reed__hmsg_new(const reed_hist_entry_t *e);
void reed__hmsg_stamp(reed__hmsg_t *h, const reed_event_t *ev);
void reed__hist_entry_of(const reed_event_t *ev, reed_hist_entry_t *e);
/* Makes sure the next push cannot fail. */
int reed__ring_reserve(reed__ring_t *r);
void reed__ring_push(reed__ring_t *r, reed__hmsg_t *h);
void reed__ring_cleanup(reed__ring_t *r);
reed__hmsg_t *reed__ring_find(const reed__ring_t *r, uint64_t id);
/* Turns the live message `id` into a tombstone; false when there is no
 * such live message. */
bool reed__ring_tombstone(reed__ring_t *r, uint64_t id);
void reed__conv_free_all(reed_model_t *m);
/* The private conversation key of two party keys (a sorted pair). */
void reed__conv_key(const char *a, const char *b, char *out, size_t size);
reed__conv_t *reed__conv_get(reed_model_t *m, const char *key, bool create);
#define REED__CONV_KEY_MAX (2 * (REED_NICK_MAX + 2) + 2)
/* message.c, for tell_account.c: a private message kept in conversation
 * `key` with its echo and copies, delivered to no recipient. */
int reed__tell_kept(reed_session_t *s, const char *key, const char *target,
                    const char *target_account, int msg_kind, const char *text,
                    size_t len, const reed_msg_extra_t *x, uint64_t *id_out);

/* ---- Read markers (read_marker.c) ----------------------------------------
 */
/* Drops a guest session's markers (when the session is freed). */
void reed__read_markers_forget_session(reed_session_t *s);
void reed__read_markers_free_all(reed_model_t *m);

/* room.c: the room with that name; when the model does not hold it, the
 * room source (if any) may load it first. 0 with *out NULL for a room
 * nobody knows, or the source's error. */
int reed__room_fetch(reed_model_t *m, const char *name, reed_room_t **out);
/* room.c: the room with that name, made dormant if it does not exist. */
reed_room_t *reed__room_get_or_new(reed_model_t *m, const char *name);

#endif
