/* Channel binding for SASL (RFC 5056): the SCRAM -PLUS mechanisms are
 * offered when the transport gives binding data for this TLS session, the
 * types are advertised with XEP-0440's <sasl-channel-binding/>, and each
 * exchange gets the transport's data and knows -PLUS was offered (so a
 * client's gs2 flag 'y' shows a downgrade, RFC 5802 section 6). */
#include "xmpp_int.h"

#include <string.h>

static const char *const cb_types[] = {"tls-exporter", "tls-server-end-point"};

bool
reed__xmpp_cb_has(const reed_xmpp_core_t *c, const char *type)
{
  reed_transport_t *t = c->env->transport;
  uint8_t buf[REED_CHANNEL_BINDING_MAX];
  size_t len = sizeof(buf);

  if (!c->secure || t->channel_binding == NULL)
    return false;
  return t->channel_binding(t->t, type, buf, &len) == 0 && len > 0;
}

bool
reed__xmpp_cb_plus(const reed_xmpp_core_t *c)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cb_types); i++)
    if (reed__xmpp_cb_has(c, cb_types[i]))
      return true;
  return false;
}

/* A transport without channel binding (or no TLS yet): no data of any
 * type, so a -PLUS or HT exchange that needs some is refused. */
static int
no_data(void *ud, const char *type, uint8_t *out, size_t *len)
{
  REED_UNUSED(ud);
  REED_UNUSED(type);
  REED_UNUSED(out);
  *len = 0;
  return REED_EINVAL;
}

void
reed__xmpp_cb_make(const reed_xmpp_core_t *c, reed_sasl_cbind_t *out)
{
  reed_transport_t *t = c->env->transport;
  bool usable = c->secure && t->channel_binding != NULL;

  out->data = usable ? t->channel_binding : no_data;
  out->ud = t->t;
  out->plus_offered =
      reed__xmpp_cb_plus(c) && !reed__xmpp_sasl2_plus_refused(c);
}

void
reed__xmpp_cb_note_failure(reed_xmpp_core_t *c, int rc)
{
  reed_sasl_mech_t m;

  if (rc != REED_EINVAL || c->sasl.ex == NULL)
    return;
  m = reed_sasl_mech(c->sasl.ex);
  if (m == REED_MECH_SCRAM_SHA_1_PLUS || m == REED_MECH_SCRAM_SHA_256_PLUS)
    reed__xmpp_sasl2_set_plus_refused(c);
}

void
reed__xmpp_feature_sasl_cb(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed || c->env->portal == NULL || !reed__xmpp_cb_plus(c))
    return;
  reed__xmpp_out_raw(o, "<sasl-channel-binding xmlns='" REED_NS_SASL_CB "'>");
  for (size_t i = 0; i < REED_ARRAY_SIZE(cb_types); i++) {
    if (!reed__xmpp_cb_has(c, cb_types[i]))
      continue;
    reed__xmpp_out_raw(o, "<channel-binding type='");
    reed__xmpp_out_raw(o, cb_types[i]);
    reed__xmpp_out_raw(o, "'/>");
  }
  reed__xmpp_out_raw(o, "</sasl-channel-binding>");
}
