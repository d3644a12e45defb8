/* RFC 6121 IM and one-to-one messaging on the XMPP core's tables: rosters
 * (xmpp_roster.c, xmpp_roster_row.c), subscriptions (xmpp_sub.c, on the table
 * of xmpp_sub_state.c), presence (xmpp_presence.c), messages across protocols
 * (xmpp_message.c, xmpp_msg_event.c) and offline storage (xmpp_offline.c).
 * The shared helpers are in xmpp_im.c.
 *
 * Presence routing between XMPP sessions is the module's own business: it
 * walks the core's registry of bound resources (account -> cores) and the
 * per-connection state below. Messages with a body go through the model
 * (reed_tell), so IRC and AMP sessions of an account get them and the
 * private history keeps them with the model's id. */
#ifndef REED_XMPP_IM_INT_H
#define REED_XMPP_IM_INT_H

#include "xmpp_int.h"
#include "xmpp_store.h"
#include "xmpp_sub_int.h"

#define REED_NS_ROSTER "jabber:iq:roster"
#define REED_NS_ROSTERVER "urn:xmpp:features:rosterver"
#define REED_NS_DELAY "urn:xmpp:delay"
#define REED_NS_SID "urn:xmpp:sid:0"

/* Bounds on what one account or connection may make the server keep. */
#define REED_XIM_ROSTER_MAX 1000  /* rows per account */
#define REED_XIM_GROUPS_MAX 64    /* groups per item */
#define REED_XIM_NAME_MAX 1023    /* item name, group name, status bytes */
#define REED_XIM_DIRECTED_MAX 100 /* directed presences tracked */

/* ---- Per connection (the XMPP_EXT_PRESENCE slot) -------------------------
 */
typedef struct xim_conn_s {
  bool interested; /* fetched its roster: gets pushes (RFC 6121 2.1.6) */
  bool available;  /* initial presence sent, no unavailable since */
  int priority;    /* -128..127 */
  /* The children of the last available presence, serialized: probes and
   * new contacts get them. NULL when none. */
  reed_buf_t *show;
  /* JIDs (as written) that got directed available presence and are not
   * entitled to broadcasts: unavailable follows them (RFC 6121 4.6). */
  char **directed;
  size_t n_directed;
  /* Contacts' IRC and AMP persons shown to this resource as available
   * (xmpp_presence_peer.c): account and the full JID shown. */
  struct xim_peer_s *peers;
  size_t n_peers;
} xim_conn_t;

/* The connection's IM state, made on first use when `make` (NULL without
 * memory, or when it does not exist and !make). */
xim_conn_t *reed__xim_conn(reed_xmpp_core_t *c, bool make);
void reed__xim_conn_free(reed_xmpp_core_t *c, void *p);
/* Available (initial presence sent) and, for delivery to a bare JID,
 * with a non-negative priority. */
bool reed__xim_available(reed_xmpp_core_t *c);
bool reed__xim_receives_bare(reed_xmpp_core_t *c);

/* ---- Shared helpers (xmpp_im.c) ------------------------------------------
 */
reed_xstore_t *reed__xim_store(reed_xmpp_core_t *c);
/* Whether `account` names an account of this server (the model's or the
 * store's). */
bool reed__xim_account_exists(reed_xmpp_core_t *c, const char *account);
/* Where a JID points from this server's view. */
enum {
  XIM_JID_BAD = 0,
  XIM_JID_LOCAL,  /* local@<our domain>[/resource] */
  XIM_JID_SERVER, /* our domain itself (or a resource of it) */
  XIM_JID_MUC,    /* the MUC service or a room: not ours to route */
  XIM_JID_REMOTE, /* another domain: no s2s (remote-server-not-found) */
};
int reed__xim_jid_kind(reed_xmpp_core_t *c, const reed_jid_t *j);
/* "local@domain" into buf (REED_JID_MAX + 1 bytes). */
void reed__xim_bare(const reed_jid_t *j, char *buf, size_t size);
void reed__xim_account_jid(reed_xmpp_core_t *c, const char *account, char *buf,
                           size_t size);
/* Writes `body` (" from=...>...</name>") to core `to`, behind its own
 * head "<name to='<its full JID>'". */
void reed__xim_write_to(reed_xmpp_core_t *to, const char *name,
                        reed_buf_t *body);
/* Calls cb for each bound core of the account. */
void reed__xim_each(reed_xmpp_core_t *c, const char *account,
                    void (*cb)(void *ud, reed_xmpp_core_t *o), void *ud);
/* An RFC 3339 UTC stamp with milliseconds ("2026-12-07T16:42:50.123Z"). */
void reed__xim_stamp(uint64_t ms, char *buf, size_t size);

/* ---- Roster (xmpp_roster.c) ----------------------------------------------
 * A roster row as the handlers hold it (copied out of the store). */
typedef struct xim_row_s {
  bool found;
  bool listed;
  bool approved;
  reed_xsm_state_t st;
  char *name;   /* NULL: none */
  char *groups; /* packed (REED_XROSTER_GROUP_SEP), "" or NULL: none */
  char *status; /* the pending request's status text, NULL: none */
} xim_row_t;

/* Reads the row of (account, jid); row->found says whether there was
 * one. 0 or a store code. */
int reed__xim_row_get(reed_xmpp_core_t *c, const char *account, const char *jid,
                      xim_row_t *row);
/* Writes it (deleting it when it holds nothing: no state, not listed) and
 * pushes it to the account's interested resources when `push`. */
int reed__xim_row_put(reed_xmpp_core_t *c, const char *account, const char *jid,
                      const xim_row_t *row, bool push);
void reed__xim_row_free(xim_row_t *row);
/* A store row into *(xim_row_t *)ud (a reed_xroster_cb). */
void reed__xim_row_of(void *ud, const reed_xroster_item_t *it);
/* <item .../> of a row, and the <query> start tag (with ver when asked). */
void reed__xim_put_item(xmpp_out_t *o, const char *jid, const xim_row_t *row);
void reed__xim_put_query(xmpp_out_t *o, uint64_t ver, bool with_ver);
typedef struct xim_push_s {
  const char *account;
  const char *jid;
  const xim_row_t *row; /* NULL: a removal */
  uint64_t ver;
} xim_push_t;
/* One push to one resource, if it is interested. */
void reed__xim_push_to(reed_xmpp_core_t *o, const xim_push_t *p);
void reed__xmpp_iq_roster(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_feature_rosterver(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Pushes a removal of jid at version ver. */
void reed__xim_push_remove(reed_xmpp_core_t *c, const char *account,
                           const char *jid, uint64_t ver);

/* ---- Subscriptions (xmpp_sub.c) ------------------------------------------
 */
/* The presence chain's row for subscribe, subscribed, unsubscribe and
 * unsubscribed. */
bool reed__xmpp_presence_sub(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* The contact's side of one stanza of `type` from `from_acct` to
 * `to_acct` (both local accounts): its row, its push, delivery to its
 * resources, the auto-reply. `stanza` is the one sent (its children go
 * along: a <status/>), or NULL for one the server generates. */
void reed__xim_sub_inbound(reed_xmpp_core_t *c, const char *from_acct,
                           const char *to_acct, reed_xsm_type_t type,
                           const reed_xml_el_t *stanza);
/* The requests waiting for the account's answer, to this resource (at
 * initial presence). */
void reed__xim_sub_pending(reed_xmpp_core_t *c);

/* ---- Presence (xmpp_presence.c) ------------------------------------------
 */
bool reed__xmpp_presence_im(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xim_on_unbind(reed_xmpp_core_t *c);
/* The account's available resources' presence (or, !avail, unavailable
 * from each) to every available resource of `to_acct`. */
void reed__xim_presence_between(reed_xmpp_core_t *c, const char *from_acct,
                                const char *to_acct, bool avail);

/* ---- IRC and AMP persons in rosters (xmpp_presence_peer.c) ---------------
 * A contact (To or Both) whose account is online through IRC or AMP and
 * has no XMPP session first shows as the resource "<origin>-<nick>"
 * (bob@domain/irc-bob): at c's initial presence (the server's probe), when
 * the subscription is approved, when the person comes online or goes
 * (the model's watch of the account's nick), and when it goes away or
 * comes back (<show>away</show> and the away text as <status/>). */
typedef struct xim_peer_s {
  char *account;
  char *jid; /* the full JID shown */
} xim_peer_t;
/* Watches `acct` for c and shows its IRC or AMP person to c now. */
void reed__xim_peer_probe(reed_xmpp_core_t *c, const char *acct);
/* The same for every available resource of `to_acct` (avail), or
 * unavailable to those that were shown acct's person (!avail: the
 * subscription ended). */
void reed__xim_peer_between(reed_xmpp_core_t *c, const char *acct,
                            const char *to_acct, bool avail);
void reed__xim_peers_clear(xim_conn_t *x);
void reed__xmpp_ev_presence(reed_xmpp_core_t *c, reed_session_t *s,
                            const reed_event_t *ev);
void reed__xmpp_ev_away(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);

/* ---- Messages (xmpp_message.c, xmpp_msg_event.c) -------------------------
 * What the sending core says about the message the model is fanning out
 * (listeners run inside reed_tell): the model carries no XMPP ids. */
typedef struct xim_sending_s {
  uint64_t session_id; /* the sender's session; 0: nothing in flight */
  const char *from;    /* the sender's full JID */
  const char *id;      /* the stanza's id attribute, or NULL */
  const char *origin_id;
  const char *type;       /* "chat" or "normal" */
  bool to_full;           /* addressed to one full JID */
  size_t shown;           /* XMPP resources that showed it */
  const char *to;         /* the 'to' as written (the <sent/> carbon's) */
  bool no_carbons;        /* <private/> or <no-copy/> (XEP-0280 9) */
  const char *retract_id; /* a retraction: the id the client named */
} xim_sending_t;

/* One message with a body as it is shown to a resource. */
typedef struct xim_msg_s {
  const char *from, *type, *id; /* id: the sender's, or NULL */
  const char *text;
  size_t len;
  int msg_kind;          /* REED_MSG_ACTION gets XEP-0245's "/me " */
  const char *by;        /* the recipient's bare JID (stanza-id by) */
  uint64_t sid;          /* the model's id; 0: none */
  const char *origin_id; /* the sender's XEP-0359 origin-id, or NULL */
  const char *delay_from, *delay_stamp; /* offline: XEP-0203 */
  uint64_t reply_to;                    /* XEP-0461 as a model id; 0: none */
  const char *payload; /* the other children (xmpp_payload.h), or NULL */
} xim_msg_t;

/* ' from=... type=... id=...><body>...</body>...</message>'. */
void reed__xim_msg_format(xmpp_out_t *o, const xim_msg_t *m);
/* The fields of a model event as resource c shows it; from and by are
 * the caller's buffers (REED_JID_MAX + 1 bytes). */
void reed__xim_msg_of_event(reed_xmpp_core_t *c, const reed_event_t *ev,
                            xim_msg_t *m, char *from, size_t from_size,
                            char *by, size_t by_size);

bool reed__xmpp_message_im(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_ev_message(reed_xmpp_core_t *c, reed_session_t *s,
                           const reed_event_t *ev);
xim_sending_t *reed__xim_sending(reed_xmpp_core_t *c);
/* The same from the module state (a model observer has no core). */
xim_sending_t *reed__xim_st_sending(reed_xmpp_state_t *st);

/* ---- Offline messages (xmpp_offline.c) -----------------------------------
 * Stores a message for an account with no available resource (its
 * delay fields are set here); 0,
 * REED_ELIMIT ([xmpp] offline_max reached) or a store code. */
int reed__xim_offline_put(reed_xmpp_core_t *c, const char *account,
                          const xim_msg_t *m);
/* Delivers what is stored to this resource with <delay/>, then forgets
 * it (at initial presence). */
void reed__xim_offline_deliver(reed_xmpp_core_t *c);

#endif
