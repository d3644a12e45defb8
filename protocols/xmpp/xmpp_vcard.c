/* XEP-0054 vcard-temp: an account sets its own vCard; anyone reads any
 * local account's (the empty <vCard/> when it has none). Stored as we
 * serialized it, so it goes out again as trusted markup. */
#include "xmpp_ext.h"

#include <string.h>

const xmpp_disco_var_t reed__xmpp_disco_vcard[] = {
    {REED_NS_VCARD, XMPP_DISCO_SERVER},
    {NULL, 0},
};

static void
put_stored(void *ud, const char *xml, size_t len)
{
  reed__xmpp_out_text_raw(ud, xml, len);
}

void
reed__xmpp_iq_vcard_get(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *account = reed__xmpp_target_account(c, st);
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  xmpp_out_t o;
  int rc;

  if (account == NULL || xs == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  rc = reed_xstore_vcard_get(xs, account, put_stored, &o);
  if (rc == REED_ENOTFOUND || rc == REED_EBADACCOUNT)
    reed__xmpp_out_raw(&o, "<vCard xmlns='" REED_NS_VCARD "'/>");
  if (rc < 0 && rc != REED_ENOTFOUND && rc != REED_EBADACCOUNT)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_iq_vcard_set(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  char *xml;
  int rc;

  if (xs == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  if ((xml = reed__xmpp_el_string(st->payload)) == NULL) {
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
    return;
  }
  rc = reed_xstore_vcard_set(xs, c->account, xml);
  reed_free(xml);
  if (rc < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, NULL);
}

/* Another account's vCard is theirs to change. */
void
reed__xmpp_iq_forbidden(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed__xmpp_stanza_error(c, st, "auth", "forbidden", NULL);
}
