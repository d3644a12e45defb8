/* XEP-0045 multi-user chat on the model's rooms: every model room is a MUC
 * room `name@<muc domain>`, every member, whatever its protocol, an
 * occupant `room@<muc domain>/nick` (protocols/xmpp/README.md, "MUC").
 *
 * Files: xmpp_muc.c (addresses, the per-connection state, joins, parts,
 * nick changes), xmpp_muc_event.c (the model's room events as presence
 * and messages), xmpp_muc_msg.c (groupchat messages both ways, subject,
 * private messages, history), xmpp_muc_occ.c (occupant presence, roles,
 * XEP-0421 occupant ids), xmpp_muc_occid.c (XEP-0421 occupant ids),
 * xmpp_muc_disco.c (disco of the service and rooms, XEP-0410 self-ping,
 * bots), xmpp_muc_admin.c (roles, affiliation lists), xmpp_muc_aff.c
 * (affiliations on the model), xmpp_muc_owner.c (the configuration form),
 * xmpp_muc_invite.c (invitations, voice requests). */
#ifndef REED_XMPP_MUC_H
#define REED_XMPP_MUC_H

#include "xmpp_int.h"

#define REED_NS_MUC "http://jabber.org/protocol/muc"
#define REED_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define REED_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define REED_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define REED_NS_OCCUPANT_ID "urn:xmpp:occupant-id:0"
#define REED_NS_CONFERENCE "jabber:x:conference"

/* The format cache's variant of every MUC rendering (IM's is 0). */
#define XMUC_FORM 0x4d55u

/* ---- Addresses (xmpp_muc.c) ------------------------------------------------
 */
/* The MUC service's domain: [xmpp] muc, else conference.<domain>. */
void reed__xmuc_domain(const reed_xmpp_core_t *c, char *buf, size_t size);
/* Whether the JID is on the MUC service. */
bool reed__xmuc_is_muc(const reed_xmpp_core_t *c, const reed_jid_t *j);
/* A room's JID (the name case-folded, as JIDs compare) and an occupant's. */
void reed__xmuc_room_jid(const reed_xmpp_core_t *c, const char *room, char *buf,
                         size_t size);
void reed__xmuc_occ_jid(const reed_xmpp_core_t *c, const char *room,
                        const char *nick, char *buf, size_t size);
/* The model room a stanza addresses (the localpart), or NULL when the
 * stanza is not for a room of ours. */
reed_room_t *reed__xmuc_room_of(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* Whether this connection's session is joined to `room`. */
bool reed__xmuc_joined(reed_xmpp_core_t *c, const char *room);

/* ---- Per-connection state (XMPP_EXT_MUC) -----------------------------------
 * The stanza being sent into a room, so its echo carries the client's id
 * (XEP-0045 7.4: the sender gets its message back as everyone does). */
typedef struct xmuc_conn_s {
  uint64_t say_session; /* the sending session; 0: none in flight */
  const char *say_id;   /* the stanza's id, or NULL */
} xmuc_conn_t;

xmuc_conn_t *reed__xmuc_conn(reed_xmpp_core_t *c);
void reed__xmuc_conn_free(reed_xmpp_core_t *c, void *p);

/* ---- Occupants (xmpp_muc_occ.c) -------------------------------------------
 */
enum {
  XMUC_ST_NONANON = 100,
  XMUC_ST_SELF = 110,
  XMUC_ST_CREATED = 201,
  XMUC_ST_BANNED = 301,
  XMUC_ST_NICK = 303,
  XMUC_ST_KICKED = 307,
  XMUC_ST_CONFIG = 104,
};

/* What one occupant presence shows. */
typedef struct xmuc_pres_s {
  const char *room;             /* model room name */
  const char *nick;             /* the occupant */
  const char *type;             /* NULL or "unavailable" */
  const reed_member_view_t *mv; /* its member view (NULL: role none) */
  const reed_actor_t *who;      /* the person (jid, occupant id) */
  const char *new_nick;         /* 303: the nick taken */
  const char *status;           /* <status/> text, or NULL */
  const char *actor;            /* kick/ban: the moderator's nick, or NULL */
  const char *reason;           /* kick/ban reason, or NULL */
  int codes[4];                 /* status codes, 0 ends */
} xmuc_pres_t;

/* ` from='room@muc/nick'[ type]>...</presence>` (a body for
 * reed__xim_write_to's head). NULL on allocation failure. */
reed_buf_t *reed__xmuc_pres_body(reed_xmpp_core_t *c, const xmuc_pres_t *p);
void reed__xmuc_send_pres(reed_xmpp_core_t *c, const xmuc_pres_t *p);
/* XEP-0045 roles and affiliations from a member view. */
const char *reed__xmuc_role(const reed_room_t *r, const reed_member_view_t *mv);
const char *reed__xmuc_affiliation(const reed_room_t *r,
                                   const reed_member_view_t *mv);
/* The real JID others see (non-anonymous rooms): an XMPP session's full
 * JID, else account@domain/origin (a guest: nick@domain/origin), as IM
 * shows senders. */
void reed__xmuc_real_jid(reed_xmpp_core_t *c, const reed_actor_t *a, char *buf,
                         size_t size);
/* Every occupant but this connection's own person, then its own presence
 * with 110 (and 100, and 201 for a room it created). */
void reed__xmuc_send_occupants(reed_xmpp_core_t *c, reed_room_t *r,
                               bool created);

/* ---- Messages (xmpp_muc_msg.c) ---------------------------------------------
 * One groupchat message as it is shown (live or from history). */
typedef struct xmuc_msg_s {
  const char *room;        /* model room name (occupant id) */
  const reed_actor_t *who; /* the sender (occupant id), or NULL */
  const char *from;        /* room@muc/nick */
  const char *id;          /* the sender's id (its echo), or NULL */
  const char *text;
  size_t len;
  int msg_kind;        /* REED_MSG_*: ACTION shows as "/me " (XEP-0245) */
  uint64_t sid;        /* the model's id, XEP-0359 stanza-id; 0: none */
  const char *by;      /* the room's JID */
  const char *delay;   /* XEP-0203 stamp (history), or NULL */
  uint64_t reply_to;   /* XEP-0461 as a model id; 0: none */
  const char *payload; /* the other children (xmpp_payload.h), or NULL */
} xmuc_msg_t;

/* ` from=... type='groupchat'>...</message>`: the one rendering of a
 * groupchat message, live and from history. */
void reed__xmuc_msg_format(reed_xmpp_core_t *c, xmpp_out_t *o,
                           const xmuc_msg_t *m);
/* History as XEP-0045 7.2.14 asks (`<history/>` of the join's <x/>, else
 * the latest 20), then the subject. */
void reed__xmuc_send_history(reed_xmpp_core_t *c, reed_room_t *r,
                             const reed_xml_el_t *x);
void reed__xmuc_send_subject(reed_xmpp_core_t *c, reed_room_t *r);
/* The message chain's row: stanzas to the MUC service. */
bool reed__xmuc_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

/* ---- Occupant ids (xmpp_muc_occid.c) ---------------------------------------
 * The person's id in room (base64, 24 characters) into out (25+ bytes);
 * false when there is none to give (no key yet, an actor without account
 * or session). */
bool reed__xmuc_occupant_id(reed_xmpp_core_t *c, const char *room,
                            const reed_actor_t *who, char *out, size_t size);
/* <occupant-id/> when there is one. */
void reed__xmuc_out_occupant_id(reed_xmpp_core_t *c, xmpp_out_t *o,
                                const char *room, const reed_actor_t *who);

/* ---- Disco, ping, bots (xmpp_muc_disco.c) ----------------------------------
 * Whether an iq is to the MUC service (the iq rows' accept). */
bool reed__xmuc_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmuc_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmuc_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmuc_iq_ping(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* The service as an item of the server's disco#items (6.1). */
void reed__xmuc_service_item(reed_xmpp_core_t *c, xmpp_out_t *o);
/* A bot occupant's XEP-0115 <c/> (identity client/bot). */
void reed__xmuc_out_bot_caps(xmpp_out_t *o);
/* A presence carrying <c node='urn:reed:bot'/> makes the person a bot. */
void reed__xmuc_bot_declared(reed_xmpp_core_t *c,
                             const reed_xml_el_t *presence);

/* ---- Roles and affiliations (xmpp_muc_admin.c, xmpp_muc_aff.c) -------------
 */
void reed__xmuc_iq_admin(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* A model code as the stanza error XEP-0045 names for it. */
void reed__xmuc_admin_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                            int rc);
/* The account a bare JID of our domain names. */
bool reed__xmuc_jid_account(reed_xmpp_core_t *c, const char *jid, char *out,
                            size_t size);
/* Sets account's affiliation ("owner", "admin", "member", "outcast",
 * "none") in room as this session: 0 or a model code. */
int reed__xmuc_set_aff(reed_xmpp_core_t *c, const char *room,
                       const char *account, const char *aff,
                       const char *reason);
/* The <item/>s of one affiliation's list into o: 0, or EINVAL for a name
 * that is not one. */
int reed__xmuc_aff_list(reed_xmpp_core_t *c, reed_room_t *r, const char *aff,
                        xmpp_out_t *o);
const char *reed__xmuc_aff_name(reed_affiliation_t aff);
void reed__xmuc_ev_affiliation(reed_xmpp_core_t *c, reed_session_t *s,
                               const reed_event_t *ev);
/* The room keeps its settings when it empties (it has an owner). */
bool reed__xmuc_persistent(const reed_room_t *r);
/* Whether this member may use the configuration form. */
bool reed__xmuc_may_configure(const reed_room_t *r,
                              const reed_member_view_t *mv);

/* ---- Owner (xmpp_muc_owner.c)
 * ------------------------------------------------
 */
void reed__xmuc_iq_owner(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

/* ---- Invitations and voice requests (xmpp_muc_invite.c) --------------------
 */
bool reed__xmuc_mediated_invite(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                                const char *room);
/* The message chain's row for XEP-0249 invitations to local accounts. */
bool reed__xmuc_direct_invite(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmuc_ev_invite(reed_xmpp_core_t *c, reed_session_t *s,
                          const reed_event_t *ev);
bool reed__xmuc_voice_request(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                              reed_room_t *r, const char *room);

/* ---- Presence (xmpp_muc.c) ------------------------------------------------
 */
bool reed__xmuc_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

/* ---- Model events (xmpp_muc_event.c) ---------------------------------------
 */
void reed__xmuc_ev_message(reed_xmpp_core_t *c, reed_session_t *s,
                           const reed_event_t *ev);
void reed__xmuc_ev_join(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
void reed__xmuc_ev_part(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
void reed__xmuc_ev_quit(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
void reed__xmuc_ev_nick(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
void reed__xmuc_ev_topic(reed_xmpp_core_t *c, reed_session_t *s,
                         const reed_event_t *ev);
void reed__xmuc_ev_kick(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
void reed__xmuc_ev_mode(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);
/* 7.7: AWAY as the occupant's presence in the rooms this session shares
 * with the person. */
void reed__xmuc_ev_away(reed_xmpp_core_t *c, reed_session_t *s,
                        const reed_event_t *ev);

#endif
