/* SASL EXTERNAL (RFC 4422 appendix A): the client proves nothing in the
 * exchange; the certificate it presented on THIS TLS session does. Its
 * SHA-256 fingerprint was given when the exchange was made, never by the
 * client (InspIRCd CVE-2016-7142). The message is an optional authzid,
 * which must name the certificate's account. */
#include "auth_int.h"

#include <string.h>

static int
check_authzid(reed_sasl_t *s, const uint8_t *in, size_t len)
{
  if (len > REED_AUTH_NAME_MAX * 8)
    return reed__sasl_fail(s, REED_ETOOBIG, "EXTERNAL authzid too long");
  if (memchr(in, '\0', len) != NULL || !reed_utf8_valid(in, len))
    return reed__sasl_fail(s, REED_ESYNTAX, "EXTERNAL authzid is malformed");
  s->authcid = reed_strndup((const char *)in, len);
  if (s->authcid == NULL)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  return 0;
}

int
reed__sasl_external_step(reed_sasl_t *s, const uint8_t *in, size_t len)
{
  int rc;

  if (len > 0 && (rc = check_authzid(s, in, len)) != 0)
    return rc;
  if (s->cert_fp[0] == '\0')
    return reed__sasl_fail(s, REED_EAUTH, "no client certificate");
  rc = REED_ENOACCOUNT;
  if (s->src.cert_account != NULL)
    rc = s->src.cert_account(s->src.ud, s->cert_fp, s->account);
  if (rc == REED_ENOACCOUNT)
    return reed__sasl_fail(s, REED_EAUTH, "certificate is not registered");
  if (rc != 0)
    return reed__sasl_fail(s, rc, "certificate lookup failed");
  if (s->authcid != NULL && reed__auth_casecmp(s->authcid, s->account) != 0)
    return reed__sasl_fail(s, REED_EAUTH, "EXTERNAL authzid differs");
  s->state = REED__SASL_DONE;
  return REED_SASL_SUCCESS;
}
