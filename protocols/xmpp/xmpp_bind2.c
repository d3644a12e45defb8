/* XEP-0386 Bind2: the resource is bound inside SASL2's success. The
 * server makes the resource: the client's <tag/> (or "reed") and a part
 * derived from its SASL2 user-agent id, so one client gets the same full
 * JID on every login (and a second login of it replaces the first, as a
 * bind of the same resource does) without showing its id to contacts.
 * Features a client may enable inline (XEP-0386 3): carbons (XEP-0280),
 * stream management (XEP-0198; its <enabled/> goes in <bound/>) and CSI
 * (XEP-0352's <inactive/>), each through its family's own code, as if the
 * client had sent the iq or nonza right after binding. */
#include "xmpp_carbons.h"
#include "xmpp_sm.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
reed__xmpp_bind2_feature(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  REED_UNUSED(c);
  reed__xmpp_out_raw(o, "<bind xmlns='" REED_NS_BIND2 "'><inline>"
                        "<feature var='" REED_NS_CARBONS "'/>"
                        "<feature var='" REED_NS_CSI "'/>"
                        "<feature var='" REED_NS_SM "'/></inline></bind>");
}

void
reed__xmpp_bind2_read(const reed_xml_el_t *bind, xbind2_inline_t *in)
{
  const reed_xml_el_t *sm = reed_xml_child(bind, "enable", REED_NS_SM);

  in->carbons = reed_xml_child(bind, "enable", REED_NS_CARBONS) != NULL;
  in->sm = sm != NULL;
  in->sm_resume = sm != NULL && reed__xsm_resume_asked(sm);
  in->inactive = reed_xml_child(bind, "inactive", REED_NS_CSI) != NULL;
}

void
reed__xmpp_bind2_bound(reed_xmpp_core_t *c, const xbind2_inline_t *in,
                       xmpp_out_t *o)
{
  if (in->carbons)
    reed__xcarb_set(c, true);
  if (!in->sm) {
    reed__xmpp_out_raw(o, "<bound xmlns='" REED_NS_BIND2 "'/>");
    return;
  }
  reed__xmpp_out_raw(o, "<bound xmlns='" REED_NS_BIND2 "'>");
  reed__xsm_start(c, in->sm_resume, o);
  reed__xmpp_out_raw(o, "</bound>");
}

void
reed__xmpp_bind2_sent(reed_xmpp_core_t *c, const xbind2_inline_t *in)
{
  xsm_t *sm = reed__xsm(c);

  if (in->sm && sm != NULL)
    sm->enabled = true;
  if (in->inactive)
    reed__xmpp_nz_inactive(c, NULL);
}

/* A tag we put in a resource: UTF-8 without controls, spaces or '/'
 * (it names the client: "Conversations.a1b2c3d4"). */
static bool
tag_ok(const char *tag)
{
  size_t n = strlen(tag);

  if (n == 0 || !reed_utf8_valid((const uint8_t *)tag, n))
    return false;
  for (size_t i = 0; i < n; i++)
    if ((uint8_t)tag[i] <= 0x20 || tag[i] == 0x7f || tag[i] == '/')
      return false;
  return true;
}

void
reed__xmpp_bind2_resource(reed_xmpp_core_t *c, const char *tag,
                          const char *ua_id, char *out, size_t size)
{
  const char *prefix = tag != NULL && tag_ok(tag) ? tag : "reed";
  uint8_t h[crypto_hash_sha256_BYTES];
  char id[40];

  if (ua_id == NULL || ua_id[0] == '\0') {
    reed__xmpp_new_id(c, id, sizeof(id));
  } else {
    /* The account is hashed in too: one id gives unrelated parts on two
     * accounts. */
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    crypto_hash_sha256_update(&hs, (const uint8_t *)c->account,
                              strlen(c->account) + 1);
    crypto_hash_sha256_update(&hs, (const uint8_t *)ua_id, strlen(ua_id));
    crypto_hash_sha256_final(&hs, h);
    sodium_bin2hex(id, sizeof(id), h, 4);
  }
  snprintf(out, size, "%s.%s", prefix, id);
}
