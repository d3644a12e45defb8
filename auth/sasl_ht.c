/* The Hashed Token mechanisms HT-SHA-256-{NONE,ENDP,EXPR}
 * (draft-schmaus-kitten-sasl-ht), with which XEP-0484 (FAST) clients log
 * in again with a token the server gave them. One message each way:
 *   initiator-msg  authcid NUL HMAC-SHA-256(token, "Initiator" || cb-data)
 *   responder-msg  HMAC-SHA-256(token, "Responder" || cb-data), sent as
 *                  additional data with success
 * cb-data is empty for NONE, the tls-server-end-point bytes for ENDP and
 * the tls-exporter ones for EXPR. UNIQ (tls-unique) is refused: the
 * binding is undefined for TLS 1.3. The account's tokens (the current one
 * and the previous one) come from the source's fast_token and are all
 * compared, in constant time, whichever matches. */
#include "auth_int.h"

#include <openssl/crypto.h>
#include <string.h>

#define HT_NAME_MAX 255 /* octets of authcid a server must accept */
#define HT_HASH_LEN 32  /* SHA-256 */

/* The channel binding type of an HT mechanism, or NULL for NONE. */
static const char *
ht_cb_type(reed_sasl_mech_t mech)
{
  switch (mech) {
  case REED_MECH_HT_SHA_256_ENDP:
    return "tls-server-end-point";
  case REED_MECH_HT_SHA_256_EXPR:
    return "tls-exporter";
  case REED_MECH_HT_SHA_256_UNIQ:
    return "tls-unique";
  default:
    return NULL;
  }
}

/* HMAC-SHA-256(key, label || cb) into out. */
static void
ht_hmac(const uint8_t *key, size_t klen, const char *label, const uint8_t *cb,
        size_t cb_len, uint8_t out[HT_HASH_LEN])
{
  uint8_t msg[16 + REED_SASL_CB_MAX];
  size_t n = strlen(label);

  memcpy(msg, label, n);
  memcpy(msg + n, cb, cb_len);
  reed__auth_hmac(REED_SCRAM_SHA256, key, klen, msg, n + cb_len, out);
}

/* The authcid before the NUL: 1 to 255 octets of UTF-8. */
static int
take_authcid(reed_sasl_t *s, const uint8_t *in, size_t len, size_t *nul_at)
{
  const uint8_t *nul = memchr(in, '\0', len);

  if (nul == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "HT message has no NUL");
  *nul_at = (size_t)(nul - in);
  if (*nul_at == 0 || *nul_at > HT_NAME_MAX || !reed_utf8_valid(in, *nul_at))
    return reed__sasl_fail(s, REED_ESYNTAX, "HT authcid is malformed");
  s->authcid = reed_strndup((const char *)in, *nul_at);
  if (s->authcid == NULL)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  return 0;
}

/* Compares the proof with every candidate (missing ones against a dummy
 * key, so the work does not depend on how many there are); sets
 * s->fast_index to the first that matched, or -1. */
static void
match_tokens(reed_sasl_t *s, const reed_sasl_fast_token_t *toks, int n,
             const uint8_t *proof, const uint8_t *cb, size_t cb_len)
{
  static const uint8_t dummy[HT_HASH_LEN];
  uint8_t want[HT_HASH_LEN];

  s->fast_index = -1;
  for (int i = 0; i < REED_SASL_FAST_TOKENS; i++) {
    bool real =
        i < n && toks[i].len > 0 && toks[i].len <= REED_SASL_FAST_TOKEN_MAX;
    ht_hmac(real ? toks[i].secret : dummy, real ? toks[i].len : sizeof(dummy),
            "Initiator", cb, cb_len, want);
    if (reed__auth_ct_eq(want, proof, HT_HASH_LEN) == 0 && real &&
        s->fast_index < 0)
      s->fast_index = i;
  }
  OPENSSL_cleanse(want, sizeof(want));
}

/* The tokens of the claimed name: how many (0..2), or a failure. */
static int
lookup(reed_sasl_t *s, reed_sasl_fast_token_t *toks)
{
  int n = 0;

  if (s->src.fast_token != NULL)
    n = s->src.fast_token(s->src.ud, s->authcid, s->fast_client, s->mech, toks,
                          s->account);
  if (n < 0)
    return reed__sasl_fail(s, n, "FAST token lookup failed");
  if (n > REED_SASL_FAST_TOKENS)
    n = REED_SASL_FAST_TOKENS;
  if (s->account[0] == '\0')
    n = 0; /* a token without an account proves nothing */
  return n;
}

static int
success(reed_sasl_t *s, const reed_sasl_fast_token_t *tok, const uint8_t *cb,
        size_t cb_len, reed_buf_t **out)
{
  uint8_t v[HT_HASH_LEN];

  *out = reed_buf_new(HT_HASH_LEN);
  if (*out == NULL)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  ht_hmac(tok->secret, tok->len, "Responder", cb, cb_len, v);
  reed_buf_append(out, v, sizeof(v));
  s->state = REED__SASL_DONE;
  return REED_SASL_SUCCESS;
}

int
reed__sasl_ht_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                   reed_buf_t **out)
{
  reed_sasl_fast_token_t toks[REED_SASL_FAST_TOKENS];
  const char *type = ht_cb_type(s->mech);
  uint8_t cb[REED_SASL_CB_MAX];
  size_t cb_len = 0, nul_at = 0;
  int rc, n;

  if (type != NULL && (rc = reed__sasl_cb_data(s, type, cb, &cb_len)) != 0)
    return rc;
  if ((rc = take_authcid(s, in, len, &nul_at)) != 0)
    return rc;
  if (len - nul_at - 1 != HT_HASH_LEN)
    return reed__sasl_fail(s, REED_ESYNTAX, "HT hashed token is not 32 bytes");
  memset(toks, 0, sizeof(toks));
  n = lookup(s, toks);
  if (n >= 0)
    match_tokens(s, toks, n, in + nul_at + 1, cb, cb_len);
  rc = n < 0               ? n
       : s->fast_index < 0 ? reed__sasl_fail(s, REED_EAUTH, "HT token is wrong")
                           : success(s, &toks[s->fast_index], cb, cb_len, out);
  OPENSSL_cleanse(toks, sizeof(toks));
  return rc;
}
