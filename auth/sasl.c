/* The SASL exchange object: mechanism names, construction, the step
 * dispatcher and the accessors. The mechanisms live in sasl_plain.c,
 * sasl_scram.c and sasl_external.c. */
#include "auth_int.h"

#include <openssl/crypto.h>
#include <string.h>

static const char *const mech_names[] = {
    [REED_MECH_PLAIN] = "PLAIN",
    [REED_MECH_SCRAM_SHA_1] = "SCRAM-SHA-1",
    [REED_MECH_SCRAM_SHA_256] = "SCRAM-SHA-256",
    [REED_MECH_EXTERNAL] = "EXTERNAL",
};

int
reed_sasl_mech_parse(const char *name)
{
  for (size_t i = 0; name != NULL && i < REED_ARRAY_SIZE(mech_names); i++)
    if (reed__auth_casecmp(name, mech_names[i]) == 0)
      return (int)i;
  return REED_EINVAL;
}

const char *
reed_sasl_mech_name(reed_sasl_mech_t mech)
{
  if ((unsigned)mech >= REED_ARRAY_SIZE(mech_names))
    return "unknown";
  return mech_names[mech];
}

const char *
reed_sasl_mech_list(void)
{
  return "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,EXTERNAL";
}

int
reed_sasl_new(reed_sasl_mech_t mech, const reed_sasl_source_t *src,
              const char *cert_fp, reed_sasl_t **out)
{
  reed_sasl_t *s;

  *out = NULL;
  if ((unsigned)mech >= REED_ARRAY_SIZE(mech_names))
    return REED_EINVAL;
  if (cert_fp != NULL && strlen(cert_fp) > REED_CERT_FP_LEN)
    return REED_EINVAL;
  s = reed_calloc(1, sizeof(*s));
  if (s == NULL)
    return REED_ENOMEM;
  s->mech = mech;
  if (src != NULL)
    s->src = *src;
  if (cert_fp != NULL)
    reed_strlcpy(s->cert_fp, cert_fp, sizeof(s->cert_fp));
  s->scram.hash =
      mech == REED_MECH_SCRAM_SHA_1 ? REED_SCRAM_SHA1 : REED_SCRAM_SHA256;
  *out = s;
  return 0;
}

int
reed__sasl_fail(reed_sasl_t *s, int rc, const char *why)
{
  s->state = REED__SASL_FAILED;
  s->why = why;
  s->account[0] = '\0';
  return rc;
}

int
reed_sasl_step(reed_sasl_t *s, const uint8_t *in, size_t len, reed_buf_t **out)
{
  *out = NULL;
  if (s->state == REED__SASL_DONE || s->state == REED__SASL_FAILED)
    return reed__sasl_fail(s, REED_EAUTHSTATE, "the exchange is over");
  if (len > REED_SASL_INPUT_MAX)
    return reed__sasl_fail(s, REED_ETOOBIG, "SASL message too long");
  if (in == NULL && len != 0)
    return reed__sasl_fail(s, REED_EINVAL, "no input");
  switch (s->mech) {
  case REED_MECH_PLAIN:
    return reed__sasl_plain_step(s, in, len);
  case REED_MECH_SCRAM_SHA_1:
  case REED_MECH_SCRAM_SHA_256:
    return reed__sasl_scram_step(s, in, len, out);
  case REED_MECH_EXTERNAL:
    return reed__sasl_external_step(s, in, len);
  }
  return reed__sasl_fail(s, REED_EINVAL, "unknown mechanism");
}

void
reed_sasl_free(reed_sasl_t *s)
{
  if (s == NULL)
    return;
  if (s->password != NULL) {
    OPENSSL_cleanse(s->password, s->password_len);
    reed_free(s->password);
  }
  reed__sasl_scram_cleanup(s);
  reed_free(s->authcid);
  reed_free(s->ip);
  reed_buf_unref(s->success_out);
  OPENSSL_cleanse(s, sizeof(*s));
  reed_free(s);
}

reed_sasl_mech_t
reed_sasl_mech(const reed_sasl_t *s)
{
  return s->mech;
}

const char *
reed_sasl_account(const reed_sasl_t *s)
{
  return s->state == REED__SASL_DONE && s->account[0] ? s->account : NULL;
}

const char *
reed_sasl_authcid(const reed_sasl_t *s)
{
  return s->authcid;
}

const char *
reed_sasl_password(const reed_sasl_t *s, size_t *len)
{
  if (len != NULL)
    *len = s->password_len;
  return s->password;
}

const char *
reed_sasl_error(const reed_sasl_t *s)
{
  return s->why;
}
