/* What an XMPP message carries besides its body, through the model
 * (reed_msg_extra_t.xmpp_payload) to XMPP recipients, the history, the
 * store and MAM; and the neutral fields some of its children map onto
 * (XEP-0461 replies). xmpp_payload.c builds it; xmpp_msg_event.c and
 * xmpp_mam_page.c write it back out. */
#ifndef REED_XMPP_PAYLOAD_H
#define REED_XMPP_PAYLOAD_H

#include "xmpp_ext.h"

#define REED_NS_REPLY "urn:xmpp:reply:0"
#define REED_NS_RETRACT "urn:xmpp:message-retract:1"
#define REED_NS_MODERATE "urn:xmpp:message-moderate:1"

typedef struct xmpp_payload_s {
  xmpp_out_t o;
  const char *xml;   /* NULL: nothing to carry; else a C string in o */
  uint64_t reply_to; /* an XEP-0461 <reply id> that is a model id, or 0 */
} xmpp_payload_t;

/* Collects the children of <message/> `msg` that travel with it: every
 * child but the body and those the server itself sets or acts on
 * (stanza-id, delay, addresses, carbons, MUC user data,
 * MAM results, forwarded, errors), serialized as sent in the
 * jabber:client default namespace. A <reply/> whose id is a model id
 * (decimal, not 0) becomes p->reply_to instead. Returns 0 (p->xml may
 * be NULL), REED_ETOOBIG past REED_XMPP_PAYLOAD_MAX bytes or REED_ENOMEM;
 * reed__xmpp_payload_cleanup in every case. */
int reed__xmpp_payload_build(const reed_xml_el_t *msg, xmpp_payload_t *p);
void reed__xmpp_payload_cleanup(xmpp_payload_t *p);
/* Writes what a message carries after its body and stanza-id: the reply
 * (XEP-0461, as a model id) and the payload, as given. The sender's
 * origin-id is in the payload (it is the client's, and a retraction in a
 * one-to-one chat names it). */
void reed__xmpp_payload_put(xmpp_out_t *o, uint64_t reply_to,
                            const char *payload);

/* A model id as XMPP shows it (stanza-id): decimal digits, no sign or
 * leading zero, not 0; else 0. */
uint64_t reed__xmpp_model_id(const char *v);

/* ---- Retraction (xmpp_retract.c) -----------------------------------------
 * XEP-0424 on the model's redaction: the message chain's row for a
 * <retract/> (before the IM row), and REED_EV_REDACT shown to a resource. */
extern const xmpp_disco_var_t reed__xmpp_disco_retract[];
bool reed__xmpp_message_retract(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_ev_redact(reed_xmpp_core_t *c, reed_session_t *s,
                          const reed_event_t *ev);
/* The model id of one of c's own messages to `peer` (a nick) that
 * carried origin-id `id`; 0 when none is kept. */
uint64_t reed__xmpp_by_origin_id(reed_xmpp_core_t *c, const char *peer,
                                 const char *id);
/* <retract id/> (by: a moderator's occupant JID, XEP-0425, with the
 * reason), the fallback body and the store hint: the children of every
 * retraction we send, live, offline and archived. */
void reed__xmpp_retract_put(xmpp_out_t *o, const char *id, const char *by,
                            const char *reason, size_t reason_len);
/* ` from=... type='chat'>`, those children and `</message>`: a
 * one-to-one retraction (a body for reed__xim_write_to's head). */
void reed__xmpp_retract_chat(xmpp_out_t *o, const char *from, const char *id);

/* ---- Reactions (xmpp_react.c) --------------------------------------------
 * XEP-0444 in a bodyless message to `nick`: what the set adds goes to the
 * model as +draft/react TAGMSGs. */
void reed__xmpp_react_to_model(reed_xmpp_core_t *c, const reed_xml_el_t *msg,
                               const char *nick);
/* The TAGMSG row: typing (xmpp_chatstate.c), then a reaction from another
 * protocol as XEP-0444. */
void reed__xmpp_ev_tagmsg_all(reed_xmpp_core_t *c, reed_session_t *s,
                              const reed_event_t *ev);
void reed__xmpp_react_free(reed_xmpp_core_t *c, void *p);

/* ---- Reaction sets (xmpp_react_set.c) ------------------------------------
 * Each sender's set per message, module-wide, for the latest pairs:
 * XEP-0444 sends whole sets, the model one change (reaction or unreact)
 * at a time. A set is the reactions, each followed by a NUL. */
#define REED_NS_REACTIONS "urn:xmpp:reactions:0"
#define XMPP_REACT_SET_MAX 256
/* The set's key: the sender's folded account, or "~" and its nick. */
void reed__xmpp_react_who(const reed_actor_t *a, char *out, size_t size);
bool reed__xmpp_react_in(const char *set, size_t len, const char *v);
/* The kept set of `who` for message id into set; its length (0: none). */
size_t reed__xmpp_react_get(reed_xmpp_state_t *st, uint64_t id, const char *who,
                            char *set, size_t size);
/* A TAGMSG's change applied to its sender's set (idempotent). */
void reed__xmpp_react_apply(reed_xmpp_state_t *st, const reed_event_t *ev);
/* <reactions id><reaction/>...</reactions>: from's whole set for id. */
void reed__xmpp_react_put(reed_xmpp_state_t *st, xmpp_out_t *o, uint64_t id,
                          const reed_actor_t *from);
void reed__xmpp_react_sets_free(reed_xmpp_state_t *st);

/* ---- Reactions in rooms (xmpp_react_room.c) ------------------------------
 * A groupchat with <reactions/> (no body): true when it was one. */
bool reed__xmuc_react(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                      const char *room);
/* A room TAGMSG with a reaction, as the sender's set. */
void reed__xmuc_ev_react(reed_xmpp_core_t *c, const reed_event_t *ev);

/* XEP-0425 (xmpp_moderate.c): a moderator's <moderate/> iq to a room. */
void reed__xmpp_iq_moderate(reed_xmpp_core_t *c, const xmpp_stanza_t *st);

#endif
