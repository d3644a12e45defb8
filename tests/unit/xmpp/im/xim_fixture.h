/* The IM tests' world (tests/support/world.h): reed_xmpp_module on the
 * real model, a portal over the world's credential source and a SQLite
 * store (the module's migrations run by the world, as the host runs
 * them), domain "reed.test".
 * Accounts are made in both the credential source and the store (the
 * module's rows need the store's account), password "pw". Clients log in
 * with STARTTLS and SASL PLAIN and bind the resource they name; the
 * login's own output is checked and taken, so a test sees only what its
 * stanzas cause, compared as exact strings. */
#ifndef REED_TEST_XIM_FIXTURE_H
#define REED_TEST_XIM_FIXTURE_H

#include "world.h"
#include "xw_common.h"
#include "xim_peer.h"
#include "xmpp_im_int.h"

typedef struct xim_s {
  tw_t tw;
  reed_server_conf_t sc;
  char name[16];
} xim_t;

#define XIM_ROSTER "xmlns='jabber:iq:roster'"
#define XIM_STANZAS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define XIM_SID "xmlns='urn:xmpp:sid:0'"

void xim_init(xim_t *w);
void xim_free(xim_t *w);
reed_xmpp_conf_t *xim_conf(xim_t *w);
void xim_account(xim_t *w, const char *name);
/* A bound client of `user` with `resource`, all login output taken. */
tw_client_t *xim_login(xim_t *w, const char *user, const char *resource);
/* Sends `stanza` and asserts what the client gets back is exactly `want`. */
void xim_say(tw_client_t *c, const char *stanza, const char *want);
#define XIM_EXPECT(c, want) ASSERT_STR_EQ(tw_take(c), (want))
/* Initial presence with no children; its own presence comes back (RFC
 * 6121 4.2.2) and, when `others` is not NULL, exactly that much more. */
void xim_online(tw_client_t *c, const char *others);
/* The roster fetched (the resource becomes interested); returns the
 * result as sent. */
const char *xim_roster(tw_client_t *c);

#endif
