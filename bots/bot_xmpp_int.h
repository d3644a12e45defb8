/* Internal to bots/: the networked XMPP transport. libstrophe owns the
 * connection (TCP, TLS, SASL, bind) and parses the stream; this client
 * turns the stanzas it hands over into bot events and the bot's actions
 * into stanzas. bot_xmpp_uv.c drives libstrophe on the bot's libuv loop;
 * the unit tests drive the client through reed__bot_xmpp_io_t, the fake
 * clock and stanzas built from strings. */
#ifndef REED_BOT_XMPP_INT_H
#define REED_BOT_XMPP_INT_H

#include <strophe.h>

#include "bot_int.h"

#define REED__BOT_XMPP_ROOMS_MAX 64
#define REED__BOT_XMPP_QUEUE_MAX 256
#define REED__BOT_XMPP_BURST 5
#define REED__BOT_XMPP_REFILL_MS 1000
#define REED__BOT_XMPP_PEERS 32 /* private correspondents remembered */
#define REED__BOT_XMPP_NICK 65  /* an API nick and its NUL */
#define REED__BOT_XMPP_JID 3072 /* node, domain and resource: 1023 each */

#define REED__BOT_NS_MUC "http://jabber.org/protocol/muc"
#define REED__BOT_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define REED__BOT_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define REED__BOT_NS_DELAY "urn:xmpp:delay"
#define REED__BOT_NS_CONFERENCE "jabber:x:conference"
#define REED__BOT_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define REED__BOT_NS_CAPS "http://jabber.org/protocol/caps"
#define REED__BOT_NS_PING "urn:xmpp:ping"
#define REED__BOT_NS_VERSION "jabber:iq:version"

/* What the client asks of the connection. */
typedef struct reed__bot_xmpp_io_s {
  /* Starts a connection attempt; the adapter later calls
   * reed__bot_xmpp_online or reed__bot_xmpp_closed. */
  int (*connect)(void *io);
  /* Sends one stanza on the session (borrowed: the io copies or refs). */
  void (*send)(void *io, xmpp_stanza_t *st);
  /* Ends the stream after what was sent (the adapter then calls
   * reed__bot_xmpp_closed, unless the bot quit). */
  void (*close)(void *io);
  void *io;
} reed__bot_xmpp_io_t;

enum {
  REED__BOT_XMPP_IDLE,
  REED__BOT_XMPP_CONNECTING, /* TCP, TLS, SASL and bind in libstrophe */
  REED__BOT_XMPP_READY,      /* bound: actions go out */
  REED__BOT_XMPP_WAITING,    /* for the reconnect timer */
  REED__BOT_XMPP_DONE,       /* quit, or a fatal error: no reconnect */
};

/* A room the bot is in or joining, and who is in it (occupant nicks as
 * XMPP spells them: joins and parts are told from this set). */
typedef struct reed__bot_xmpp_room_s {
  char *name; /* "#name" as the bot API shows it */
  char *jid;  /* its bare JID */
  char *key;  /* the room password, or NULL */
  int joined; /* self-presence (status 110) seen */
  int subject_seen;
  char **occ;
  size_t n_occ, cap_occ;
} reed__bot_xmpp_room_t;

/* Who wrote to the bot privately, so that a reply to that nick goes back
 * to the same JID (an occupant of a room, or an account). */
typedef struct reed__bot_xmpp_peer_s {
  char nick[REED__BOT_XMPP_NICK];
  char *jid;
} reed__bot_xmpp_peer_t;

typedef struct reed__bot_xmpp_s {
  reed_bot_t bot; /* first: the core */
  reed__bot_xmpp_io_t io;
  xmpp_ctx_t *ctx; /* builds stanzas; never runs its loop here */
  int state;
  char *jid;    /* as configured (bare or full) */
  char *domain; /* the account's domain */
  char *muc;    /* the MUC service rooms are on */
  char want_nick[REED__BOT_XMPP_NICK];
  char nick[REED__BOT_XMPP_NICK]; /* "" until online */
  reed__bot_xmpp_room_t *rooms[REED__BOT_XMPP_ROOMS_MAX];
  reed__bot_xmpp_peer_t peers[REED__BOT_XMPP_PEERS];
  unsigned peer_next;
  xmpp_stanza_t *queue[REED__BOT_XMPP_QUEUE_MAX];
  size_t q_head, q_len;
  int tokens;
  uint64_t tokens_ms;
  uint64_t drain_timer, reconnect_timer, keepalive_timer;
  uint64_t last_rx_ms, ready_ms;
  int ping_sent;
  uint64_t delay_ms, delay_min_ms, delay_max_ms;
  int no_jitter;
  uint32_t rng;
  unsigned long id_seq;
} reed__bot_xmpp_t;

int reed__bot_xmpp_init(reed__bot_xmpp_t *x, const reed_bot_xmpp_opts_t *o,
                        const reed__bot_xmpp_io_t *io, xmpp_ctx_t *ctx,
                        reed_clock_t *clock, reed_log_t *log);
void reed__bot_xmpp_cleanup(reed__bot_xmpp_t *x);
int reed__bot_xmpp_start(reed__bot_xmpp_t *x);
/* The session is bound: presence, rejoins, CONNECTED. */
void reed__bot_xmpp_online(reed__bot_xmpp_t *x);
/* A stanza from the server (borrowed). */
void reed__bot_xmpp_stanza(reed__bot_xmpp_t *x, xmpp_stanza_t *st);
/* The connection is gone (or the attempt failed): DISCONNECTED, and a
 * reconnect is scheduled unless the bot quit or `final` (a refused
 * login: retrying the same password will not help). */
void reed__bot_xmpp_closed(reed__bot_xmpp_t *x, const char *reason, int final);

/* ---- Names (bot_xmpp_names.c) ---------------------------------------------
 * Rooms: "#name" is name@<muc service>, "#name@service" a room elsewhere;
 * the room's localpart is escaped as XEP-0106 says. Nicks: an XMPP nick
 * the bot API can carry as it is stays as it is; other bytes (space, '@',
 * ',', '!', '\', controls, non-ASCII) become "\hh" (hex), so the API nick
 * turns back into the same XMPP nick. Each returns 0, or REED_EBADROOM /
 * REED_EINVAL / REED_ETOOBIG. */
int reed__bot_xmpp_room_jid(const char *muc, const char *room, char *out,
                            size_t size);
int reed__bot_xmpp_room_name(const char *muc, const char *bare, char *out,
                             size_t size);
int reed__bot_xmpp_nick_to_api(const char *nick, char *out, size_t size);
int reed__bot_xmpp_nick_from_api(const char *nick, char *out, size_t size);
/* Splits a JID: copies its bare part (node@domain or domain) and points
 * *resource at what follows the first '/', or NULL. 0 or ETOOBIG. */
int reed__bot_xmpp_split(const char *jid, char *bare, size_t size,
                         const char **resource);
/* Whether two JIDs (or parts) are the same, ASCII case folded. */
int reed__bot_xmpp_same(const char *a, const char *b);

/* ---- Shared by the client's files -----------------------------------------
 */
reed__bot_xmpp_room_t *reed__bot_xmpp_room_by_jid(reed__bot_xmpp_t *x,
                                                  const char *bare);
/* Sends now (iq answers), when online. */
void reed__bot_xmpp_send_now(reed__bot_xmpp_t *x, xmpp_stanza_t *st);
/* bot_xmpp_rooms.c: remembers the JID a private nick writes from, and
 * finds the JID a private message to an API nick goes to. */
void reed__bot_xmpp_peer_remember(reed__bot_xmpp_t *x, const char *nick,
                                  const char *jid);
int reed__bot_xmpp_peer_jid(reed__bot_xmpp_t *x, const char *nick, char *out,
                            size_t size);
/* The room, found or added (0, ELIMIT, ENOMEM); its key replaced. */
int reed__bot_xmpp_room_remember(reed__bot_xmpp_t *x, const char *name,
                                 const char *jid, const char *key,
                                 reed__bot_xmpp_room_t **out);
void reed__bot_xmpp_room_forget(reed__bot_xmpp_t *x, reed__bot_xmpp_room_t *r);
void reed__bot_xmpp_room_free(reed__bot_xmpp_room_t *r);
/* Forgets the occupants (and that the room was joined). */
void reed__bot_xmpp_occ_clear(reed__bot_xmpp_room_t *r);
int reed__bot_xmpp_occ_has(const reed__bot_xmpp_room_t *r, const char *nick);
int reed__bot_xmpp_occ_add(reed__bot_xmpp_room_t *r, const char *nick);
void reed__bot_xmpp_occ_del(reed__bot_xmpp_room_t *r, const char *nick);
void reed__bot_xmpp_on_presence(reed__bot_xmpp_t *x, xmpp_stanza_t *st);
void reed__bot_xmpp_on_message(reed__bot_xmpp_t *x, xmpp_stanza_t *st);
void reed__bot_xmpp_on_iq(reed__bot_xmpp_t *x, xmpp_stanza_t *st);
/* The bot's identity and features (disco#info, and XEP-0115's hash of
 * them in every presence): the bot flag, as XMPP shows it. */
xmpp_stanza_t *reed__bot_xmpp_caps(reed__bot_xmpp_t *x);
xmpp_stanza_t *reed__bot_xmpp_disco_info(reed__bot_xmpp_t *x,
                                         xmpp_stanza_t *iq);

#endif
