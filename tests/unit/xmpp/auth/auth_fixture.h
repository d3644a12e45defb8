/* Worlds for the XMPP account tests (registration, -PLUS, SASL2, Bind2,
 * FAST): xmpp_fixture.h's, with [server] registration open and, with
 * `store`, a SQLite store behind the portal (accounts made with
 * xa_account) so the module keeps FAST tokens and a new password deletes
 * them. The client sides of SCRAM (-PLUS too) and HT are computed here
 * with libcrypto. */
#ifndef REED_TEST_XMPP_AUTH_FIXTURE_H
#define REED_TEST_XMPP_AUTH_FIXTURE_H

#include "xmpp_fixture.h"

#define SASL2_NS "xmlns='urn:xmpp:sasl:2'"
#define FAST_NS "xmlns='urn:xmpp:fast:0'"
#define BIND2_NS "xmlns='urn:xmpp:bind:0'"
#define REG_NS "xmlns='jabber:iq:register'"
#define F_REGISTER "<register xmlns='http://jabber.org/features/iq-register'/>"
#define EXPORTER_BYTES "0123456789abcdef0123456789ABCDEF"  /* 32 */
#define END_POINT_BYTES "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE" /* 32 */

void xa_init(xw_t *w, bool store);
/* An account in the store (store worlds) or the portal's memory. */
void xa_account(xw_t *w, const char *name, const char *password);
/* A TLS client with both kinds of channel binding data. */
tw_client_t *xa_client_cb(xw_t *w, const char *name);
/* Opens a stream and takes our header and features; returns the
 * features' text (a static buffer). *n counts the world's streams. */
const char *xa_open(tw_client_t *c, unsigned *n);
/* The value of attribute `name` in the first element `el` of `xml`
 * (copied into out), or NULL. */
const char *xa_attr(const char *xml, const char *el, const char *name,
                    char *out, size_t size);
/* The text between <tag...> and </tag> (first), or NULL. */
const char *xa_text(const char *xml, const char *tag, char *out, size_t size);

/* SCRAM's client side with a gs2 header and channel binding data (SHA-1
 * or SHA-256). */
typedef struct xscram_s {
  bool sha1;
  char gs2[64];
  uint8_t cb[64];
  size_t cb_len;
  char first_bare[128];
  char final[640];
  char verifier[128];
} xscram_t;
/* The client-first-message in base64 into out. */
void xs_first(xscram_t *s, const char *user, const char *cnonce, char *out,
              size_t size);
/* From the server-first (base64): the client-final in base64 into out. */
void xs_final(xscram_t *s, const char *server_first_b64, const char *pw,
              char *out, size_t size);

/* HT-SHA-256-*: base64 of authcid NUL HMAC(token, "Initiator" || cb), and
 * the base64 of the responder's HMAC we expect. */
void xa_ht(const char *user, const char *token, const void *cb, size_t cb_len,
           char *initiator, size_t isize, char *responder, size_t rsize);
/* The resource Bind2 makes: tag "." hex of SHA-256(account NUL ua)[0..4]. */
void xa_bind2_res(const char *tag, const char *account, const char *ua,
                  char *out, size_t size);

#endif
