/* The MUC tests' world: the IM tests' world (xim_fixture.h: domain
 * reed.test, so rooms are room@conference.reed.test) with accounts alice,
 * bob, carol and dave (password "pw"), and IRC peers beside the XMPP
 * clients. Outputs are compared as exact strings. */
#ifndef REED_TEST_XMUC_FIXTURE_H
#define REED_TEST_XMUC_FIXTURE_H

#include "xim_fixture.h"

#define MUC "conference.reed.test"
#define MUC_NS "xmlns='http://jabber.org/protocol/muc'"
#define MUC_USER "xmlns='http://jabber.org/protocol/muc#user'"
#define STANZAS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define A1 "alice@reed.test/a1"
#define B1 "bob@reed.test/b1"

void xmuc_init(xim_t *w);
/* The client's output since the last take without its XEP-0421
 * <occupant-id/> elements (test_occid.c checks those). */
const char *xmuc_take(tw_client_t *c);
#define XMUC_EXPECT(c, want) ASSERT_STR_EQ(xmuc_take(c), (want))
/* Sends `stanza`; what comes back (occupant ids cut) is exactly `want`. */
void xmuc_say(tw_client_t *c, const char *stanza, const char *want);
/* A join of room@MUC/nick with `<history maxstanzas='0'/>`; what comes
 * back is returned (all of it taken, occupant ids cut). */
const char *xmuc_join(tw_client_t *c, const char *room, const char *nick);
/* A joined XMPP client: the join's answer checked for the own presence
 * (110) and taken. */
void xmuc_joined(tw_client_t *c, const char *room, const char *nick);
/* An IRC peer logged in to `user` that joined #room (its output taken). */
void xmuc_irc(xim_t *w, xpeer_t *p, const char *user, const char *room);
/* Asserts the IRC peer's output since the last take is exactly `want`,
 * its message tags (msgid, time) cut away. */
void xmuc_irc_expect(xpeer_t *p, const char *want);

#endif
