/* XEP-0363 HTTP File Upload (xmpp_upload.c): the service upload.<domain>
 * (listed in the server's disco#items while [upload] is enabled), its
 * disco#info with the max-file-size form, and slot requests, answered
 * from core/files' store with URLs on the [http] listener. */
#ifndef REED_XMPP_UPLOAD_H
#define REED_XMPP_UPLOAD_H

#include "xmpp_int.h"

#define REED_NS_UPLOAD "urn:xmpp:http:upload:0"

/* "upload.<domain>" into buf. */
void reed__xupload_domain(const reed_xmpp_core_t *c, char *buf, size_t size);
/* A row's accept: uploads are enabled and the iq is to the service. */
bool reed__xupload_iq_accept(const reed_xmpp_core_t *c,
                             const xmpp_stanza_t *st);
void reed__xupload_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xupload_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xupload_iq_request(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* The service's <item/> for the server's disco#items (nothing while
 * uploads are disabled). */
void reed__xupload_service_item(reed_xmpp_core_t *c, xmpp_out_t *o);
/* Module cleanup: closes the file store handle. */
void reed__xupload_cleanup(reed_xmpp_state_t *st);

#endif
