/* Helpers of the XMPP administration tests (the IM tests' world). */
#ifndef REED_TEST_XADM_H
#define REED_TEST_XADM_H

#include "xim_fixture.h"
#include "xmpp_admin.h"

#define XADM_HDR                                                               \
  "<?xml version='1.0'?><stream:stream to='reed.test' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define XADM_SE(cond, text)                                                    \
  "<stream:error><" cond " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"      \
  "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" text                    \
  "</text></stream:error></stream:stream>"

/* The audit lines the world's log receives. */
typedef struct {
  char lines[8][512];
  int n;
} xadm_audit_t;

void xadm_listen_audit(xim_t *w, xadm_audit_t *a);
/* An account made an operator in the store (`reed account oper add`). */
void xadm_oper(xim_t *w, const char *name);
/* A login that stops before bind (output taken); the caller binds. */
tw_client_t *xadm_authed(xim_t *w, const char *user, const char *name);
/* Sends a bind of `resource` and returns what came back. */
const char *xadm_bind(tw_client_t *c, const char *resource);
/* Asserts `out` ends with `tail`. */
void xadm_ends_with(const char *out, const char *tail);
/* The session id the module gave out last. */
const char *xadm_last_sid(tw_client_t *c, char *buf, size_t size);

#endif
