/* A world for XMPP core tests (tests/support/world.h): reed_xmpp_module
 * with the real model and a portal whose randomness is a counter, so SCRAM
 * nonces, and with them whole transcripts, repeat from run to run. The
 * server is "reed.test" (the [server] name: [xmpp] domain is unset). */
#ifndef REED_TEST_XMPP_FIXTURE_H
#define REED_TEST_XMPP_FIXTURE_H

#include "auth.h"
#include "model.h"
#include "world.h"
#include "xw_common.h"
#include "xmpp_ext.h"

typedef struct xw_s {
  tw_t tw;
  reed_server_conf_t sc;
  char name[16];
  uint64_t rnd; /* the portal's random bytes: a counter */
} xw_t;

#define NS_STREAMS "http://etherx.jabber.org/streams"
/* What a client opens each stream with. */
#define C_HDR                                                                  \
  "<?xml version='1.0'?><stream:stream to='reed.test' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='" NS_STREAMS "'>"
#define SE_NS "xmlns='urn:ietf:params:xml:ns:xmpp-streams'"
#define SASL_NS "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"
#define TLS_NS "xmlns='urn:ietf:params:xml:ns:xmpp-tls'"
#define BIND_NS "xmlns='urn:ietf:params:xml:ns:xmpp-bind'"
#define STANZA_NS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
/* Features at each stage. */
#define F_TLS                                                                  \
  "<stream:features><starttls " TLS_NS                                         \
  "><required/></starttls></stream:features>"
#define M_SASL                                                                 \
  "<mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1</mechanism>"     \
  "<mechanism>PLAIN</mechanism>"
/* XEP-0388 SASL2 beside RFC 6120's (Bind2 inline, with its own inline
 * features; no FAST without a store). */
#define F_BIND2                                                                \
  "<bind xmlns='urn:xmpp:bind:0'><inline><feature var='urn:xmpp:carbons:2'/>"  \
  "<feature var='urn:xmpp:csi:0'/><feature var='urn:xmpp:sm:3'/></inline>"     \
  "</bind>"
#define F_SASL2(m)                                                             \
  "<authentication xmlns='urn:xmpp:sasl:2'>" m "<inline>" F_BIND2              \
  "</inline></authentication>"
#define F_SASL                                                                 \
  "<stream:features><mechanisms " SASL_NS ">" M_SASL                           \
  "</mechanisms>" F_SASL2(M_SASL) "</stream:features>"
#define F_SASL_FAST                                                            \
  "<stream:features><mechanisms " SASL_NS ">" M_SASL                           \
  "</mechanisms><authentication xmlns='urn:xmpp:sasl:2'>" M_SASL               \
  "<inline>" F_BIND2 "<fast xmlns='urn:xmpp:fast:0'>"                          \
  "<mechanism>HT-SHA-256-NONE</mechanism></fast></inline></authentication>"    \
  "</stream:features>"
/* After SASL: bind, session and the server's caps (XEP-0115), whose ver
 * hashes the registered features (its computation has tests of its own in
 * tests/unit/xmpp/ext): F_BIND is "%s", filled with xw_f_bind(). */
#define F_BIND "%s"
const char *xw_f_bind(void);

/* deferred: the worker's jobs wait for tw_resume (the pause path). */
void xw_init(xw_t *w, bool deferred);
/* The same with a SQLite store in a temp dir (the module's tables). */
void xw_init_store(xw_t *w, bool deferred);
void xw_free(xw_t *w);
reed_xmpp_conf_t *xw_conf(xw_t *w);
/* A client; tls: it came in on a direct TLS listener. */
tw_client_t *xw_client(xw_t *w, const char *name, bool tls);
/* Our header of the n-th stream the world opened (ids count per world). */
const char *xw_hdr(char *buf, size_t size, unsigned n);
/* Asserts the output since the last take is exactly `want`. */
#define XW_EXPECT(c, want) ASSERT_STR_EQ(tw_take(c), (want))
/* STARTTLS on a plain client whose header and features were taken. */
void xw_starttls(tw_client_t *c);
/* From a secure client's first byte to a bound resource with SASL PLAIN,
 * asserting each answer; *n is the world's stream count, advanced. */
void xw_login(xw_t *w, tw_client_t *c, const char *user, const char *pw,
              const char *resource, unsigned *n);
/* The model session of a bound client. */
reed_session_t *xw_session(tw_client_t *c);

/* SCRAM-SHA-256's client side (RFC 5802, RFC 7677). */
typedef struct tscram_s {
  char first_bare[128];
  char final[512];    /* the client-final-message */
  char verifier[128]; /* the server-final-message we expect: "v=..." */
} tscram_t;
void ts_first(tscram_t *s, const char *user, const char *cnonce);
/* From the server-first-message: final and verifier. */
void ts_final(tscram_t *s, const char *server_first, const char *password);

#endif
