/* XEP-0199 ping: the server answers a ping to itself, and to the user's
 * own bare JID (or with no 'to'), with an empty result. A ping to another
 * entity is routed like any iq. */
#include "xmpp_ext.h"

const xmpp_disco_var_t reed__xmpp_disco_ping[] = {
    {REED_NS_PING, XMPP_DISCO_SERVER},
    {NULL, 0},
};

void
reed__xmpp_iq_ping(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed__xmpp_iq_result(c, st, NULL);
}
