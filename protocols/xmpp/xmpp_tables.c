/* The tables the core dispatches through. A stanza family lives in a file
 * of its own (xmpp_iq_roster.c, xmpp_presence.c, ...) and joins here with
 * a row: the core has no switch to edit. Rows are tried in order. */
#include "xmpp_carbons.h"
#include "xmpp_im_int.h"

const xmpp_iq_handler_t reed__xmpp_iq_handlers[] = {
    {.name = "bind",
     .ns = REED_NS_BIND,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SERVER,
     .flags = XMPP_IQ_PREBIND,
     .fn = reed__xmpp_iq_bind},
    {.name = "session",
     .ns = REED_NS_SESSION,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_session},
    {"query", REED_NS_ROSTER, XMPP_IQ_GET | XMPP_IQ_SET,
     XMPP_TO_NONE | XMPP_TO_SELF_BARE, 0, reed__xmpp_iq_roster},
    {"enable", REED_NS_CARBONS, XMPP_IQ_SET,
     XMPP_TO_NONE | XMPP_TO_SERVER | XMPP_TO_SELF_BARE, 0,
     reed__xmpp_iq_carbons},
    {"disable", REED_NS_CARBONS, XMPP_IQ_SET,
     XMPP_TO_NONE | XMPP_TO_SERVER | XMPP_TO_SELF_BARE, 0,
     reed__xmpp_iq_carbons},
    {.name = NULL},
};

const xmpp_chain_fn reed__xmpp_message_chain[] = {
    reed__xmpp_message_im,
    reed__xmpp_message_unrouted, /* keep last */
    NULL,
};

const xmpp_chain_fn reed__xmpp_presence_chain[] = {
    reed__xmpp_presence_sub,
    reed__xmpp_presence_im,
    NULL,
};

const xmpp_nonza_t reed__xmpp_nonzas[] = {
    {"starttls", REED_NS_TLS, XMPP_NZ_PLAIN | XMPP_NZ_PREAUTH,
     reed__xmpp_nz_starttls},
    {"auth", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_auth},
    {"response", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_response},
    {"abort", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_abort},
    {NULL, NULL, 0, NULL},
};

const xmpp_feature_fn reed__xmpp_features[] = {
    reed__xmpp_feature_starttls,
    reed__xmpp_feature_mechanisms,
    reed__xmpp_feature_bind,
    reed__xmpp_feature_rosterver,
    NULL,
};

const xmpp_hook_fn reed__xmpp_on_bound[] = {
    NULL,
};

const xmpp_hook_fn reed__xmpp_on_unbind[] = {
    reed__xim_on_unbind,
    NULL,
};

const xmpp_event_fn reed__xmpp_event_handlers[XMPP_EV_KINDS] = {
    [REED_EV_KILL] = reed__xmpp_ev_kill,
    [REED_EV_MESSAGE] = reed__xmpp_ev_message,
    [REED_EV_TAGMSG] = reed__xmpp_ev_tagmsg,
};

const xmpp_ext_free_fn reed__xmpp_ext_free[XMPP_EXT_MAX] = {
    [XMPP_EXT_PRESENCE] = reed__xim_conn_free,
};

/* The server's disco#info features that stanza families declare (XEP-0030
 * answers with these; NULL ends). */
const char *const reed__xmpp_disco_features[] = {
    REED_NS_CARBONS,
    NULL,
};
