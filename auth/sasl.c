/* The SASL exchange object: mechanism names, construction, the step
 * dispatcher, channel binding data and the accessors. The mechanisms live
 * in sasl_plain.c, sasl_scram.c, sasl_external.c and sasl_ht.c. */
#include "auth_int.h"

#include <openssl/crypto.h>
#include <string.h>

static const char *const mech_names[] = {
    [REED_MECH_PLAIN] = "PLAIN",
    [REED_MECH_SCRAM_SHA_1] = "SCRAM-SHA-1",
    [REED_MECH_SCRAM_SHA_256] = "SCRAM-SHA-256",
    [REED_MECH_EXTERNAL] = "EXTERNAL",
    [REED_MECH_SCRAM_SHA_1_PLUS] = "SCRAM-SHA-1-PLUS",
    [REED_MECH_SCRAM_SHA_256_PLUS] = "SCRAM-SHA-256-PLUS",
    [REED_MECH_HT_SHA_256_NONE] = "HT-SHA-256-NONE",
    [REED_MECH_HT_SHA_256_UNIQ] = "HT-SHA-256-UNIQ",
    [REED_MECH_HT_SHA_256_ENDP] = "HT-SHA-256-ENDP",
    [REED_MECH_HT_SHA_256_EXPR] = "HT-SHA-256-EXPR",
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
  return reed_sasl_mech_list_plus(false);
}

const char *
reed_sasl_mech_list_plus(bool plus)
{
  return plus ? "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,SCRAM-SHA-1-PLUS,"
                "SCRAM-SHA-256-PLUS,EXTERNAL"
              : "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,EXTERNAL";
}

bool
reed__sasl_mech_binds(reed_sasl_mech_t mech)
{
  return mech >= REED_MECH_SCRAM_SHA_1_PLUS &&
         (unsigned)mech < REED_ARRAY_SIZE(mech_names);
}

int
reed_sasl_new(reed_sasl_mech_t mech, const reed_sasl_source_t *src,
              const char *cert_fp, reed_sasl_t **out)
{
  return reed_sasl_new_cb(mech, src, cert_fp, NULL, out);
}

int
reed_sasl_new_cb(reed_sasl_mech_t mech, const reed_sasl_source_t *src,
                 const char *cert_fp, const reed_sasl_cbind_t *cb,
                 reed_sasl_t **out)
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
  if (cb != NULL)
    s->cbind = *cb;
  s->fast_index = -1;
  s->scram.hash =
      mech == REED_MECH_SCRAM_SHA_1 || mech == REED_MECH_SCRAM_SHA_1_PLUS
          ? REED_SCRAM_SHA1
          : REED_SCRAM_SHA256;
  s->scram.plus = mech == REED_MECH_SCRAM_SHA_1_PLUS ||
                  mech == REED_MECH_SCRAM_SHA_256_PLUS;
  *out = s;
  return 0;
}

int
reed__sasl_cb_data(reed_sasl_t *s, const char *type, uint8_t *out, size_t *len)
{
  *len = REED_SASL_CB_MAX;
  if (strcmp(type, "tls-unique") == 0)
    return reed__sasl_fail(s, REED_EINVAL,
                           "tls-unique channel binding is not offered: it is "
                           "undefined for TLS 1.3 (RFC 9266 replaces it with "
                           "tls-exporter)");
  if (strcmp(type, "tls-exporter") != 0 &&
      strcmp(type, "tls-server-end-point") != 0)
    return reed__sasl_fail(s, REED_EINVAL,
                           "channel binding type is not supported");
  if (s->cbind.data == NULL ||
      s->cbind.data(s->cbind.ud, type, out, len) != 0 || *len == 0 ||
      *len > REED_SASL_CB_MAX)
    return reed__sasl_fail(s, REED_EINVAL,
                           "no channel binding data of that type on this "
                           "connection");
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
  case REED_MECH_SCRAM_SHA_1_PLUS:
  case REED_MECH_SCRAM_SHA_256_PLUS:
    return reed__sasl_scram_step(s, in, len, out);
  case REED_MECH_EXTERNAL:
    return reed__sasl_external_step(s, in, len);
  case REED_MECH_HT_SHA_256_NONE:
  case REED_MECH_HT_SHA_256_UNIQ:
  case REED_MECH_HT_SHA_256_ENDP:
  case REED_MECH_HT_SHA_256_EXPR:
    return reed__sasl_ht_step(s, in, len, out);
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
  reed_free(s->fast_client);
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

int
reed_sasl_fast_token_index(const reed_sasl_t *s)
{
  return s->state == REED__SASL_DONE ? s->fast_index : -1;
}

int
reed_sasl_set_fast_client(reed_sasl_t *s, const char *client)
{
  char *v = NULL;

  if (client != NULL && client[0] != '\0' && (v = reed_strdup(client)) == NULL)
    return REED_ENOMEM;
  reed_free(s->fast_client);
  s->fast_client = v;
  return 0;
}
