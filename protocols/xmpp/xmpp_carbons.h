/* XEP-0280 message carbons (xmpp_carbons.c) and XEP-0085 chat states
 * across protocols (xmpp_chatstate.c), on the IM files' helpers.
 *
 * Carbons ride on the model's copies: enabling them sets
 * reed_session_set_copies, so whatever the account's other sessions of
 * its person send (an XMPP resource, IRC PRIVMSG, AMP Tell) reaches this
 * resource as a `copy` delivery, shown as <sent/>. <received/> copies go
 * to the carbons-enabled resources that did not show the original: a
 * message to another full JID (xmpp_message.c after reed_tell), one the
 * model delivered to a resource that takes no bare-JID messages
 * (unavailable, negative priority; xmpp_msg_event.c), and bodyless chat
 * messages relayed between resources. Messages between resources of one
 * account get no carbons (every resource either is the recipient or saw
 * the copy the model made), nor do ones with <private/> or <no-copy/>. */
#ifndef REED_XMPP_CARBONS_H
#define REED_XMPP_CARBONS_H

#include "xmpp_im_int.h"

#define REED_NS_CARBONS "urn:xmpp:carbons:2"
#define REED_NS_FORWARD "urn:xmpp:forward:0"
#define REED_NS_HINTS "urn:xmpp:hints"
#define REED_NS_CHATSTATES "http://jabber.org/protocol/chatstates"

/* iq set <enable/> and <disable/>. */
void reed__xmpp_iq_carbons(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* Carbons on or off for a bound resource (the iq's work, and Bind2's
 * inline <enable/>); false without a model session. */
bool reed__xcarb_set(reed_xmpp_core_t *c, bool on);
bool reed__xcarb_on(reed_xmpp_core_t *c);
/* The message asks for no copies: <private/> (XEP-0280) or <no-copy/>
 * (XEP-0334). */
bool reed__xcarb_private(const reed_xml_el_t *msg);
/* XEP-0280 6: chat, and normal with a body, are copied. */
bool reed__xcarb_eligible(const char *type, bool body);

/* The model's copy of a private message the account's person sent from
 * another session: <sent/> to c. */
void reed__xcarb_ev_sent(reed_xmpp_core_t *c, const reed_event_t *ev);
/* A private message the model delivered to c, which c does not show (it
 * takes no bare-JID messages): <received/> when carbons are on. */
void reed__xcarb_ev_received(reed_xmpp_core_t *c, const reed_event_t *ev);
/* <received/> of `m` (addressed to `to`, a full JID of account `acct`) to
 * the account's carbons-enabled resources other than `skip`. */
void reed__xcarb_received_to(reed_xmpp_core_t *c, const char *acct,
                             reed_xmpp_core_t *skip, const xim_msg_t *m,
                             const char *to);
/* Carbons of a bodyless message relayed from resource c: `inner` is the
 * whole forwarded <message xmlns='jabber:client' ...>; <sent/> to c's
 * other resources, <received/> to those of `acct` that did not get it
 * (`full`: the one full JID it went to, NULL for the bare JID). */
void reed__xcarb_relayed(reed_xmpp_core_t *c, const char *acct,
                         reed_xmpp_core_t *full, reed_buf_t *inner);

/* ---- Chat states (xmpp_chatstate.c) --------------------------------------
 * A bodyless message's chat state to the person behind `nick` as IRC's
 * +typing (a TAGMSG through the model; its XMPP resources ignore it: the
 * stanza reaches them directly). */
void reed__xcs_to_model(reed_xmpp_core_t *c, const reed_xml_el_t *msg,
                        const char *nick);
/* TAGMSG from another protocol with +typing: a chat state to c. */
void reed__xmpp_ev_tagmsg(reed_xmpp_core_t *c, reed_session_t *s,
                          const reed_event_t *ev);

#endif
