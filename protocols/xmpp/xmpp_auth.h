/* The XMPP module's account features beside RFC 6120 SASL: in-band
 * registration and password change (XEP-0077, xmpp_register.c), channel
 * binding for the SCRAM -PLUS mechanisms (XEP-0440, xmpp_cbind.c), SASL2
 * (XEP-0388, xmpp_sasl2.c) with Bind2 (XEP-0386, xmpp_bind2.c) and FAST
 * tokens (XEP-0484, xmpp_fast.c). Included at the end of xmpp_int.h. */
#ifndef REED_XMPP_AUTH_H
#define REED_XMPP_AUTH_H

#include "xmpp_store.h"

#define REED_NS_SASL2 "urn:xmpp:sasl:2"
#define REED_NS_BIND2 "urn:xmpp:bind:0"
#define REED_NS_FAST "urn:xmpp:fast:0"
#define REED_NS_SASL_CB "urn:xmpp:sasl-cb:0"
#define REED_NS_REGISTER "jabber:iq:register"
#define REED_NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"

/* ---- Registration (xmpp_register.c) ----------------------------------------
 * The stream feature, offered before authentication when [server]
 * registration is open (and TLS is in place when it is required). */
void reed__xmpp_feature_register(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Before authentication: takes an <iq/> for jabber:iq:register (true), or
 * leaves the stanza to the core (false). */
bool reed__xmpp_register_preauth(reed_xmpp_core_t *c, reed_xml_el_t *el);
/* After authentication: get (what is registered), set (password change;
 * <remove/> is not-allowed). */
void reed__xmpp_iq_register(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_register_free(reed_xmpp_core_t *c, void *p);

/* ---- Channel binding (xmpp_cbind.c) ----------------------------------------
 * Whether this connection's transport gives data of `type` now. */
bool reed__xmpp_cb_has(const reed_xmpp_core_t *c, const char *type);
/* True when the -PLUS mechanisms are offered: TLS and some binding data. */
bool reed__xmpp_cb_plus(const reed_xmpp_core_t *c);
/* The exchange's binding: the transport's data, plus_offered as above. */
void reed__xmpp_cb_make(const reed_xmpp_core_t *c, reed_sasl_cbind_t *out);
/* A failed step: a -PLUS exchange refused for its binding type
 * (REED_EINVAL: tls-unique, say) is remembered on the stream, and later
 * exchanges are not told -PLUS was offered: the client saw the offer and
 * tried it, so its fallback's gs2 'y' is no sign of a downgrade. */
void reed__xmpp_cb_note_failure(reed_xmpp_core_t *c, int rc);
/* XEP-0440 <sasl-channel-binding/>: the types we have data for. */
void reed__xmpp_feature_sasl_cb(reed_xmpp_core_t *c, xmpp_out_t *o);

/* ---- SASL's shared parts (xmpp_sasl.c) ------------------------------------
 * Appends <mechanism/> for each mechanism offered on this connection. */
void reed__xmpp_sasl_list(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Starts an exchange of `mech` with the initial response held in
 * `ir`'s text (NULL: none, an empty challenge asks for it). */
void reed__xmpp_sasl_begin(reed_xmpp_core_t *c, const char *mech,
                           const reed_xml_el_t *ir);

/* ---- SASL2 (xmpp_sasl2.c) ---------------------------------------------------
 * While an <authenticate/> exchange runs, xmpp_sasl.c's challenges,
 * failures and success go out through these instead of RFC 6120's. */
bool reed__xmpp_sasl2_active(const reed_xmpp_core_t *c);
/* The running <authenticate/>'s user-agent id (whose FAST tokens an HT
 * exchange looks up, reed_sasl_set_fast_client), or NULL. */
const char *reed__xmpp_sasl2_client(const reed_xmpp_core_t *c);
/* Ends the SASL2 framing (an RFC 6120 <auth/> replaces the exchange). */
void reed__xmpp_sasl2_end(reed_xmpp_core_t *c);
void reed__xmpp_sasl2_challenge(reed_xmpp_core_t *c, const char *b64);
void reed__xmpp_sasl2_failure(reed_xmpp_core_t *c, const char *cond,
                              const char *text);
/* The exchange succeeded as c->account (set); data is SCRAM's or HT's
 * additional data, or NULL. Frees the exchange. */
void reed__xmpp_sasl2_success(reed_xmpp_core_t *c, const reed_buf_t *data);
void reed__xmpp_feature_sasl2(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_nz_authenticate(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_response2(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_abort2(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_sasl2_free(reed_xmpp_core_t *c, void *p);
/* The stream's "a -PLUS type was refused" mark (xmpp_cbind.c's). */
bool reed__xmpp_sasl2_plus_refused(const reed_xmpp_core_t *c);
void reed__xmpp_sasl2_set_plus_refused(reed_xmpp_core_t *c);

/* ---- Bind2 (xmpp_bind2.c, xmpp_bind.c) -------------------------------------
 * Binds `resource` (NULL: generated): the model session, the registry, the
 * older stream of that full JID replaced. 0, REED_EBANNED (the stream has
 * ended) or an error. reed__xmpp_bind_hooks runs the on_bound hooks; call
 * it once the answer has gone out. */
int reed__xmpp_bind_resource(reed_xmpp_core_t *c, const char *resource);
void reed__xmpp_bind_hooks(reed_xmpp_core_t *c);
/* The inline <bind/> in the SASL2 feature, with the features a client
 * may enable inside its <bind/>: carbons, CSI, stream management. */
void reed__xmpp_bind2_feature(reed_xmpp_core_t *c, xmpp_out_t *o);
/* What a client's <bind/> asks for inline (XEP-0386 3). */
typedef struct xbind2_inline_s {
  bool carbons;   /* <enable xmlns='urn:xmpp:carbons:2'/> */
  bool sm;        /* <enable xmlns='urn:xmpp:sm:3'/> */
  bool sm_resume; /* ... resume='true' */
  bool inactive;  /* <inactive xmlns='urn:xmpp:csi:0'/> */
} xbind2_inline_t;
void reed__xmpp_bind2_read(const reed_xml_el_t *bind, xbind2_inline_t *in);
/* After the bind, inside SASL2's success: enables what was asked and
 * appends <bound/> (with stream management's <enabled/> or <failed/>).
 * reed__xmpp_bind2_sent finishes once the success has gone out (stream
 * management counts from there; CSI goes inactive). */
void reed__xmpp_bind2_bound(reed_xmpp_core_t *c, const xbind2_inline_t *in,
                            xmpp_out_t *o);
void reed__xmpp_bind2_sent(reed_xmpp_core_t *c, const xbind2_inline_t *in);
/* The resource Bind2 binds: "<tag>." (or "reed.") and 8 hex digits
 * derived from the user-agent id (stable per client), or a fresh id when
 * there is none. */
void reed__xmpp_bind2_resource(reed_xmpp_core_t *c, const char *tag,
                               const char *ua_id, char *out, size_t size);

/* ---- FAST (xmpp_fast.c)
 * ------------------------------------------------------ init opens the
 * module's store handle (when there is a store) and sets the portal's token
 * lookup; cleanup undoes both. */
int reed__xmpp_fast_init(reed_xmpp_state_t *st);
void reed__xmpp_fast_cleanup(reed_xmpp_state_t *st);
/* Whether HT mechanism `mech` is offered here: with a store, over TLS
 * only (the HT draft), NONE always, ENDP and EXPR with their binding
 * data. */
bool reed__xmpp_fast_offers(const reed_xmpp_core_t *c, const char *mech);
void reed__xmpp_fast_feature(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Issues a token of `mech` for (c->account, client) and appends <token/>;
 * nothing when it cannot. */
void reed__xmpp_fast_issue(reed_xmpp_core_t *c, const char *client,
                           const char *mech, xmpp_out_t *o);
/* After a login with a token: index 0 (the current one) drops the
 * previous one; invalidate removes the client's tokens. */
void reed__xmpp_fast_used(reed_xmpp_core_t *c, const char *client, int index,
                          bool invalidate);

#endif
