/* What every XMPP unit-test world shares (core, auth, ext, IM, carbons,
 * admin, stream management): the portal's counter randomness, SASL PLAIN's
 * message, an account both in the credentials source and in the store, and
 * a client's way from its first byte through STARTTLS and PLAIN. */
#ifndef REED_TEST_XW_COMMON_H
#define REED_TEST_XW_COMMON_H

#include "auth.h"
#include "world.h"

/* Portal options over the world's worker, clock, log, model and
 * credentials, open registration, the cheapest hash, and random bytes from
 * the counter *rnd (so nonces, and whole transcripts, repeat run to run). */
reed_portal_opts_t xw_portal_opts(tw_t *tw, uint64_t *rnd);
/* SASL PLAIN's message (empty authzid) in base64. */
void xw_plain(const char *user, const char *pw, char *out, size_t size);
/* Asserts the output since the last take holds `part`. */
void xw_expect_has(tw_client_t *c, const char *part);
/* Account `name` with password "pw" in the credentials source, and its
 * record in the store (the world has one). */
void xw_store_account(tw_t *tw, const char *name);
/* A plain client's header, STARTTLS, PLAIN as `user` with password "pw",
 * and the restarted stream's header sent: its features are the caller's
 * to take. */
void xw_tls_plain(tw_client_t *c, const char *user);

#endif
