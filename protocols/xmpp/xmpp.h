/* reed's XMPP module: a sans-IO client-to-server core (RFC 6120, RFC 6121)
 * on the XML layer (xmpp_xml.h) and the JID helpers (xmpp_jid.h).
 *
 * The one thing other parts use is `reed_xmpp_module` (server/modules.c). */
#ifndef REED_XMPP_H
#define REED_XMPP_H

#include "proto.h"

extern const reed_protocol_module_t reed_xmpp_module;

#endif
