/* The tables the core dispatches through. A stanza family lives in a file
 * of its own (xmpp_iq_roster.c, xmpp_presence.c, ...) and joins here with
 * a row: the core has no switch to edit. Rows are tried in order. */
#include "xmpp_admin.h"
#include "xmpp_carbons.h"
#include "xmpp_component.h"
#include "xmpp_payload.h"
#include "xmpp_im_int.h"
#include "xmpp_mam_int.h"
#include "xmpp_muc.h"
#include "xmpp_ext.h"
#include "xmpp_sm.h"
#include "xmpp_upload.h"

const xmpp_iq_handler_t reed__xmpp_iq_handlers[] = {
    /* XEP-0191: an iq between a user and a JID one of them blocked stops
     * here, before any row that would serve or route it. */
    {.name = "*",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_block_iq,
     .accept = reed__xmpp_block_iq_accept},
    /* XEP-0114: anything to a component's domain goes to the component. */
    {.name = "*",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xcomp_iq,
     .accept = reed__xcomp_iq_accept},
    /* XEP-0045 (xmpp_muc*.c): iqs to the MUC service, its rooms and
     * occupants, ahead of the rows that route other JIDs. */
    {.name = "query",
     .ns = REED_NS_DISCO_INFO,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmuc_iq_disco_info,
     .accept = reed__xmuc_iq_accept},
    {.name = "query",
     .ns = REED_NS_DISCO_ITEMS,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmuc_iq_disco_items,
     .accept = reed__xmuc_iq_accept},
    {.name = "ping",
     .ns = REED_NS_PING,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmuc_iq_ping,
     .accept = reed__xmuc_iq_accept},
    {.name = "query",
     .ns = REED_NS_MUC_ADMIN,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmuc_iq_admin,
     .accept = reed__xmuc_iq_accept},
    {.name = "query",
     .ns = REED_NS_MUC_OWNER,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmuc_iq_owner,
     .accept = reed__xmuc_iq_accept},
    /* XEP-0363 HTTP File Upload (xmpp_upload.c): the upload.<domain>
     * service while [upload] is enabled. */
    {.name = "query",
     .ns = REED_NS_DISCO_INFO,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xupload_iq_disco_info,
     .accept = reed__xupload_iq_accept},
    {.name = "query",
     .ns = REED_NS_DISCO_ITEMS,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xupload_iq_disco_items,
     .accept = reed__xupload_iq_accept},
    {.name = "request",
     .ns = REED_NS_UPLOAD,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xupload_iq_request,
     .accept = reed__xupload_iq_accept},
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
    {.name = "query",
     .ns = REED_NS_ROSTER,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_roster},
    {.name = "query",
     .ns = REED_NS_REGISTER,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_register},
    /* XEP-0050 ad-hoc commands for operators (xmpp_adhoc.c). Its disco
     * rows take the commands node and the command nodes only, ahead of
     * the server's own disco rows. */
    {.name = "command",
     .ns = REED_NS_COMMANDS,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_command},
    {.name = "query",
     .ns = REED_NS_DISCO_ITEMS,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_adhoc_items,
     .accept = reed__xmpp_adhoc_accept},
    {.name = "query",
     .ns = REED_NS_DISCO_INFO,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_adhoc_info,
     .accept = reed__xmpp_adhoc_accept},
    /* XEP-0030 disco and XEP-0115 caps (xmpp_disco.c, xmpp_caps.c). */
    {.name = "query",
     .ns = REED_NS_DISCO_INFO,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER | XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_disco_info},
    {.name = "query",
     .ns = REED_NS_DISCO_INFO,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_disco_info,
     .accept = reed__xmpp_to_account_bare},
    {.name = "query",
     .ns = REED_NS_DISCO_ITEMS,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER | XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_disco_items},
    {.name = "query",
     .ns = REED_NS_DISCO_ITEMS,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_disco_items,
     .accept = reed__xmpp_to_account_bare},
    /* XEP-0199 ping, XEP-0092 version. */
    {.name = "ping",
     .ns = REED_NS_PING,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER | XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_ping},
    {.name = "query",
     .ns = REED_NS_VERSION,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_SERVER,
     .fn = reed__xmpp_iq_version},
    /* XEP-0191 blocking (xmpp_block.c). */
    {.name = "blocklist",
     .ns = REED_NS_BLOCKING,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_blocklist},
    {.name = "block",
     .ns = REED_NS_BLOCKING,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_block},
    {.name = "unblock",
     .ns = REED_NS_BLOCKING,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_unblock},
    /* XEP-0054 vcard-temp, XEP-0049 private storage. */
    {.name = "vCard",
     .ns = REED_NS_VCARD,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_vcard_get},
    {.name = "vCard",
     .ns = REED_NS_VCARD,
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_vcard_get,
     .accept = reed__xmpp_to_account_bare},
    {.name = "vCard",
     .ns = REED_NS_VCARD,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_vcard_set},
    {.name = "vCard",
     .ns = REED_NS_VCARD,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_forbidden,
     .accept = reed__xmpp_to_account_bare},
    {.name = "query",
     .ns = REED_NS_PRIVATE,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_private},
    {.name = "query",
     .ns = REED_NS_PRIVATE,
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_forbidden,
     .accept = reed__xmpp_to_account_bare},
    /* XEP-0163 PEP (xmpp_pep.c, xmpp_pep_items.c): the owner's, and reads
     * (or refused writes) at another account's bare JID. */
    {.name = "pubsub",
     .ns = "http://jabber.org/protocol/pubsub",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_pubsub},
    {.name = "pubsub",
     .ns = "http://jabber.org/protocol/pubsub",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_pubsub,
     .accept = reed__xmpp_to_account_bare},
    {.name = "pubsub",
     .ns = "http://jabber.org/protocol/pubsub#owner",
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_pubsub_owner},
    /* XEP-0313 MAM of the account's one-to-one archive (xmpp_mam.c). */
    {.name = "query",
     .ns = "urn:xmpp:mam:2",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_mam},
    {.name = "metadata",
     .ns = "urn:xmpp:mam:2",
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_NONE | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_mam_meta},
    /* XEP-0313 on a MUC room's JID (xmpp_mam_room.c). */
    {.name = "query",
     .ns = "urn:xmpp:mam:2",
     .types = XMPP_IQ_GET | XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_mam_room,
     .accept = reed__xmpp_to_muc_room},
    {.name = "metadata",
     .ns = "urn:xmpp:mam:2",
     .types = XMPP_IQ_GET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_mam_room_meta,
     .accept = reed__xmpp_to_muc_room},
    /* XEP-0425 moderation in a room (xmpp_moderate.c). */
    {.name = "moderate",
     .ns = "urn:xmpp:message-moderate:1",
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_OTHER,
     .fn = reed__xmpp_iq_moderate,
     .accept = reed__xmpp_to_muc_room},
    /* XEP-0280 carbons (xmpp_carbons.c). */
    {.name = "enable",
     .ns = REED_NS_CARBONS,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SERVER | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_carbons},
    {.name = "disable",
     .ns = REED_NS_CARBONS,
     .types = XMPP_IQ_SET,
     .targets = XMPP_TO_NONE | XMPP_TO_SERVER | XMPP_TO_SELF_BARE,
     .fn = reed__xmpp_iq_carbons},
    {.name = NULL},
};

const xmpp_chain_fn reed__xmpp_message_chain[] = {
    reed__xmpp_block_message,   /* XEP-0191: keep first */
    reed__xcomp_message,        /* XEP-0114 */
    reed__xmpp_message_retract, /* XEP-0424: before MUC and IM */
    reed__xmuc_message,         /* XEP-0045: to the MUC service */
    reed__xmuc_direct_invite,   /* XEP-0249 to a local account */
    reed__xmpp_message_im,
    reed__xmpp_message_unrouted, /* keep last */
    NULL,
};

const xmpp_chain_fn reed__xmpp_presence_chain[] = {
    reed__xmpp_block_presence, /* XEP-0191: keep first */
    reed__xmuc_presence,       /* XEP-0045: to the MUC service */
    reed__xcomp_presence,      /* XEP-0114 */
    reed__xmpp_presence_sub,   reed__xmpp_presence_im, NULL,
};

const xmpp_chain_fn reed__xmpp_iq_answer_chain[] = {
    reed__xcomp_iq_answer, /* XEP-0114 */
    NULL,
};

const xmpp_nonza_t reed__xmpp_nonzas[] = {
    {"starttls", REED_NS_TLS, XMPP_NZ_PLAIN | XMPP_NZ_PREAUTH,
     reed__xmpp_nz_starttls},
    {"auth", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_auth},
    {"response", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_response},
    {"abort", REED_NS_SASL, XMPP_NZ_PREAUTH, reed__xmpp_nz_abort},
    {"authenticate", REED_NS_SASL2, XMPP_NZ_PREAUTH,
     reed__xmpp_nz_authenticate},
    {"response", REED_NS_SASL2, XMPP_NZ_PREAUTH, reed__xmpp_nz_response2},
    {"abort", REED_NS_SASL2, XMPP_NZ_PREAUTH, reed__xmpp_nz_abort2},
    {"enable", REED_NS_SM, XMPP_NZ_AUTHED, reed__xmpp_nz_enable},
    {"resume", REED_NS_SM, XMPP_NZ_AUTHED, reed__xmpp_nz_resume},
    {"r", REED_NS_SM, XMPP_NZ_AUTHED, reed__xmpp_nz_r},
    {"a", REED_NS_SM, XMPP_NZ_AUTHED, reed__xmpp_nz_a},
    {"active", REED_NS_CSI, XMPP_NZ_AUTHED, reed__xmpp_nz_active},
    {"inactive", REED_NS_CSI, XMPP_NZ_AUTHED, reed__xmpp_nz_inactive},
    {NULL, NULL, 0, NULL},
};

const xmpp_feature_fn reed__xmpp_features[] = {
    reed__xmpp_feature_starttls,
    reed__xmpp_feature_mechanisms,
    reed__xmpp_feature_sasl_cb,
    reed__xmpp_feature_sasl2,
    reed__xmpp_feature_register,
    reed__xmpp_feature_bind,
    reed__xmpp_feature_rosterver,
    reed__xmpp_feature_sm,
    reed__xmpp_feature_csi,
    reed__xmpp_feature_caps,
    NULL,
};

const xmpp_hook_fn reed__xmpp_on_bound[] = {
    reed__xmpp_admin_on_bound,
    NULL,
};

const xmpp_hook_fn reed__xmpp_on_unbind[] = {
    reed__xim_on_unbind,
    NULL,
};

const xmpp_event_fn reed__xmpp_event_handlers[XMPP_EV_KINDS] = {
    [REED_EV_KILL] = reed__xmpp_ev_kill,
    /* Room messages are the MUC's, private ones IM's. */
    [REED_EV_MESSAGE] = reed__xmuc_ev_message,
    [REED_EV_JOIN] = reed__xmuc_ev_join,
    [REED_EV_PART] = reed__xmuc_ev_part,
    [REED_EV_QUIT] = reed__xmuc_ev_quit,
    [REED_EV_NICK] = reed__xmuc_ev_nick,
    [REED_EV_TOPIC] = reed__xmuc_ev_topic,
    [REED_EV_KICK] = reed__xmuc_ev_kick,
    [REED_EV_MODE] = reed__xmuc_ev_mode,
    [REED_EV_INVITE] = reed__xmuc_ev_invite,
    [REED_EV_AFFILIATION] = reed__xmuc_ev_affiliation,
    [REED_EV_ANNOUNCE] = reed__xmpp_ev_announce,
    [REED_EV_TAGMSG] = reed__xmpp_ev_tagmsg_all,
    [REED_EV_REDACT] = reed__xmpp_ev_redact,
    [REED_EV_PRESENCE] = reed__xmpp_ev_presence, /* IRC/AMP contacts */
    [REED_EV_AWAY] = reed__xmpp_ev_away,
};

const xmpp_event_filter_fn reed__xmpp_event_filters[] = {
    reed__xmpp_block_event, /* XEP-0191 */
    NULL,
};

const xmpp_ext_free_fn reed__xmpp_ext_free[XMPP_EXT_MAX] = {
    [XMPP_EXT_PRESENCE] = reed__xim_conn_free,
    [XMPP_EXT_SASL2] = reed__xmpp_sasl2_free,
    [XMPP_EXT_REGISTER] = reed__xmpp_register_free,
    [XMPP_EXT_SM] = reed__xsm_free,
    [XMPP_EXT_CSI] = reed__xcsi_free,
    [XMPP_EXT_COMPONENT] = reed__xcomp_free,
    [XMPP_EXT_MUC] = reed__xmuc_conn_free,
    [XMPP_EXT_REACT] = reed__xmpp_react_free,
};

/* Disco features by family (xmpp_ext.h): a family's file lists its vars,
 * and its row here puts them in disco#info and the caps hash. */
const xmpp_disco_var_t *const reed__xmpp_disco_vars[] = {
    reed__xmpp_disco_disco,     /* XEP-0030 */
    reed__xmpp_disco_ping,      /* XEP-0199 */
    reed__xmpp_disco_version,   /* XEP-0092 */
    reed__xmpp_disco_block,     /* XEP-0191 */
    reed__xmpp_disco_vcard,     /* XEP-0054 */
    reed__xmpp_disco_private,   /* XEP-0049 */
    reed__xmpp_disco_pep,       /* XEP-0163 */
    reed__xmpp_disco_mam,       /* XEP-0313 */
    reed__xmpp_disco_bookmarks, /* XEP-0402 */
    reed__xmpp_disco_commands,  /* XEP-0050 */
    reed__xmpp_disco_carbons,   /* XEP-0280 */
    reed__xmpp_disco_retract,   /* XEP-0424 */
    NULL,
};

/* CSI first (it may hold presence back), then stream management. */
const xmpp_out_hook_fn reed__xmpp_out_hook = reed__xmpp_csi_out;
