/* XEP-0092 software version of the server: name and the build's version;
 * no <os/>, which would tell an attacker more than a client needs. */
#include "xmpp_ext.h"

#ifndef REED_VERSION
#define REED_VERSION "0.0.0"
#endif

const xmpp_disco_var_t reed__xmpp_disco_version[] = {
    {REED_NS_VERSION, XMPP_DISCO_SERVER},
    {NULL, 0},
};

void
reed__xmpp_iq_version(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_VERSION
                         "'><name>reed</name><version>" REED_VERSION
                         "</version></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}
