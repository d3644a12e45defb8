/* XEP-0114 external components (jabber:component:accept).
 *
 * A component connects to a `component_listen` listener (env->role
 * "component"), opens a stream to its domain, and authenticates with
 * <handshake> = hex SHA-1(stream id + secret) (`component =
 * domain:secret` in [xmpp]). The connection is an XMPP core with
 * `component` set: the XML layer, limits, output and stream errors are the
 * client core's; the stream's header, the handshake and what its stanzas
 * mean are here. xmpp_component.c: the stream, the handshake, the table of
 * connected components; xmpp_component_route.c: stanzas both ways. */
#ifndef REED_XMPP_COMPONENT_H
#define REED_XMPP_COMPONENT_H

#include "xmpp_int.h"

/* The listener role (proto.h's env->role) of component connections. */
#define REED_XCOMP_ROLE "component"

/* One component connection (the XMPP_EXT_COMPONENT slot). */
typedef struct xcomp_s {
  reed_xmpp_core_t *core;
  char domain[REED_JID_PART_MAX + 1]; /* what its header's `to` named */
  bool authed;                        /* handshake done: in the table */
  struct xcomp_s *next;               /* the module's table */
} xcomp_t;

/* ---- Config (xmpp_component.c) -------------------------------------------
 * The secret of a configured component domain (case-blind), or NULL. */
const char *reed__xcomp_secret(const reed_xmpp_conf_t *conf,
                               const char *domain);
/* conf_check's part: each entry `domain:secret` with a domain name that is
 * neither [xmpp] domain nor muc and named once, and a non-empty secret.
 * 0 or REED_ECONFIG (err's key and msg; the secret never in it). */
int reed__xcomp_conf_check(const reed_xmpp_conf_t *conf, reed_conf_err_t *err);
/* conf_check_listeners' part: a tcp component listener on a loopback
 * interface (the handshake is in plain text); ssl and unix anywhere. */
int reed__xcomp_check_listeners(const reed_listener_t *l, size_t n,
                                reed_conf_err_t *err);

/* ---- The stream (xmpp_component.c) --------------------------------------- */
void reed__xcomp_stream_open(reed_xmpp_core_t *c, const reed_xml_el_t *hdr,
                             const char *default_ns);
void reed__xcomp_element(reed_xmpp_core_t *c, reed_xml_el_t *el);
/* The connection ends: it leaves the table (idempotent). */
void reed__xcomp_gone(reed_xmpp_core_t *c);
void reed__xcomp_free(reed_xmpp_core_t *c, void *p);
/* The connected component serving `domain` (case-blind), or NULL. */
reed_xmpp_core_t *reed__xcomp_find(const reed_xmpp_state_t *st,
                                   const char *domain);
/* disco#items of the server: an <item jid=.../> per connected component. */
void reed__xcomp_disco_items(reed_xmpp_core_t *c, xmpp_out_t *o);

/* ---- Routing (xmpp_component_route.c) ------------------------------------
 * A client's stanzas to a configured component's domain (or any JID at
 * it): rows of the message and presence chains, the iq table ("*" with
 * reed__xcomp_iq_accept) and the iq answer chain. To a component that is
 * not connected: service-unavailable for iq get/set and messages,
 * presence and answers dropped. */
bool reed__xcomp_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xcomp_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xcomp_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xcomp_iq(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xcomp_iq_answer(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* A stanza the authenticated component `c` sent: its `from` must be at
 * its domain (else <invalid-from/>); it goes to local accounts' XMPP
 * resources (blocking respected), to another connected component, or
 * back as a stanza error. */
void reed__xcomp_route(reed_xmpp_core_t *c, reed_xml_el_t *el);

#endif
