/* A client of another protocol (IRC, AMP) on the world's model, beside
 * the world's XMPP clients: the protocol world runs one module, and the
 * cross-protocol tests need the model's other protocols too. The peer has
 * its own fake transport and the module's default config; input is fed
 * whole, and while the core holds it back (a password hash, IRC's
 * fakelag) the world's worker runs and its clock moves on. */
#ifndef REED_TEST_XIM_PEER_H
#define REED_TEST_XIM_PEER_H

#include "world.h"

typedef struct {
  tw_t *w;
  const reed_protocol_module_t *mod;
  void *conf;
  fake_transport_t ft;
  reed_proto_env_t env;
  void *core;
} xpeer_t;

void xpeer_open(tw_t *w, xpeer_t *p, const reed_protocol_module_t *mod);
void xpeer_send(xpeer_t *p, const char *text);
/* Output since the last take (text protocols: IRC). */
const char *xpeer_take(xpeer_t *p);
/* Whether the output since the last take holds `needle` (binary-safe: AMP
 * boxes); takes it. */
bool xpeer_saw(xpeer_t *p, const char *needle);
/* Sends one AMP box of the NULL-ended key, value, ... strings. */
void xpeer_box(xpeer_t *p, const char *const *kv);
/* Opens `p` as an IRC client logged in to `user` (password "pw") with
 * SASL PLAIN, asking for message-tags (to see msgid); the welcome taken. */
void xpeer_irc_login(tw_t *w, xpeer_t *p, const char *user);
/* The peer leaves (eof, then conn_free); idempotent. */
void xpeer_close(xpeer_t *p);

#endif
