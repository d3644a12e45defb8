/* JSON Web Signature for ACME (RFC 8555 section 6.2, RFC 7515): ES256
 * over a P-256 account key, in the flattened JSON serialization; the
 * key's JWK and its RFC 7638 thumbprint, and the http-01 key
 * authorization (RFC 8555 section 8.1). Pure: OpenSSL and jansson. */
#include "acme_int.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#define COORD 32 /* bytes of a P-256 coordinate, and of r and s */

char *
reed__acme_b64url(const uint8_t *in, size_t len)
{
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = reed_malloc(len / 3 * 4 + 5), *o = out;
  size_t i = 0;

  if (out == NULL)
    return NULL;
  for (; i + 3 <= len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    *o++ = tab[v >> 18 & 63];
    *o++ = tab[v >> 12 & 63];
    *o++ = tab[v >> 6 & 63];
    *o++ = tab[v & 63];
  }
  if (len - i == 1) {
    *o++ = tab[in[i] >> 2];
    *o++ = tab[(in[i] & 3) << 4];
  } else if (len - i == 2) {
    *o++ = tab[in[i] >> 2];
    *o++ = tab[(in[i] & 3) << 4 | in[i + 1] >> 4];
    *o++ = tab[(in[i + 1] & 15) << 2];
  }
  *o = '\0';
  return out;
}

static char *
b64_str(const char *s)
{
  return reed__acme_b64url((const uint8_t *)s, strlen(s));
}

static char *
coord(const EVP_PKEY *key, const char *name)
{
  BIGNUM *bn = NULL;
  uint8_t raw[COORD];
  char *out = NULL;

  if (EVP_PKEY_get_bn_param(key, name, &bn) == 1 &&
      BN_bn2binpad(bn, raw, COORD) == COORD)
    out = reed__acme_b64url(raw, COORD);
  BN_free(bn);
  ERR_clear_error();
  return out;
}

json_t *
reed__acme_jwk(const EVP_PKEY *key)
{
  char *x = coord(key, OSSL_PKEY_PARAM_EC_PUB_X);
  char *y = coord(key, OSSL_PKEY_PARAM_EC_PUB_Y);
  json_t *jwk = NULL;

  if (x != NULL && y != NULL)
    jwk = json_pack("{s:s, s:s, s:s, s:s}", "crv", "P-256", "kty", "EC", "x", x,
                    "y", y);
  reed_free(x);
  reed_free(y);
  return jwk;
}

/* RFC 7638: SHA-256 of the required members in lexicographic order,
 * without blanks, which is jansson's compact, sorted form. */
char *
reed__acme_thumbprint(const EVP_PKEY *key)
{
  json_t *jwk = reed__acme_jwk(key);
  char *text = jwk ? json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  uint8_t md[32];
  char *out = NULL;

  if (text != NULL &&
      EVP_Digest(text, strlen(text), md, NULL, EVP_sha256(), NULL) == 1)
    out = reed__acme_b64url(md, sizeof(md));
  free(text);
  json_decref(jwk);
  return out;
}

char *
reed__acme_dump(const json_t *j)
{
  char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  char *out = text != NULL ? reed_strdup(text) : NULL;

  free(text);
  return out;
}

char *
reed__acme_key_authz(const char *token, const char *thumbprint)
{
  size_t n = strlen(token) + strlen(thumbprint) + 2;
  char *out = reed_malloc(n);

  if (out != NULL)
    snprintf(out, n, "%s.%s", token, thumbprint);
  return out;
}

/* ES256 (RFC 7518 section 3.4): r and s, 32 bytes each, not DER. */
static char *
sign_es256(EVP_PKEY *key, const char *input)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  uint8_t der[80], raw[2 * COORD];
  const uint8_t *p = der;
  size_t len = sizeof(der);
  ECDSA_SIG *sig = NULL;
  char *out = NULL;

  if (md != NULL &&
      EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
      EVP_DigestSign(md, der, &len, (const uint8_t *)input, strlen(input)) ==
          1 &&
      (sig = d2i_ECDSA_SIG(NULL, &p, (long)len)) != NULL &&
      BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, COORD) == COORD &&
      BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + COORD, COORD) == COORD)
    out = reed__acme_b64url(raw, sizeof(raw));
  ECDSA_SIG_free(sig);
  EVP_MD_CTX_free(md);
  ERR_clear_error();
  return out;
}

/* The protected header: the account URL as kid once there is one, else
 * the key itself (newAccount; RFC 8555 section 6.2). */
static json_t *
protected_header(EVP_PKEY *key, const char *kid, const char *nonce,
                 const char *url)
{
  json_t *h =
      json_pack("{s:s, s:s, s:s}", "alg", "ES256", "nonce", nonce, "url", url);

  if (h == NULL)
    return NULL;
  if (kid != NULL ? json_object_set_new(h, "kid", json_string(kid)) != 0
                  : json_object_set_new(h, "jwk", reed__acme_jwk(key)) != 0) {
    json_decref(h);
    return NULL;
  }
  return h;
}

char *
reed__acme_jws(EVP_PKEY *key, const char *kid, const char *nonce,
               const char *url, const char *payload)
{
  json_t *h = protected_header(key, kid, nonce, url), *jws = NULL;
  char *htext = h ? json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  char *hb = htext ? b64_str(htext) : NULL;
  /* POST-as-GET (section 6.3) signs an empty payload. */
  char *pb = hb ? b64_str(payload != NULL ? payload : "") : NULL;
  char *input = NULL, *sig = NULL, *out = NULL;
  size_t n;

  if (pb != NULL) {
    n = strlen(hb) + strlen(pb) + 2;
    if ((input = reed_malloc(n)) != NULL) {
      snprintf(input, n, "%s.%s", hb, pb);
      sig = sign_es256(key, input);
    }
  }
  if (sig != NULL)
    jws = json_pack("{s:s, s:s, s:s}", "protected", hb, "payload", pb,
                    "signature", sig);
  if (jws != NULL)
    out = reed__acme_dump(jws);
  json_decref(jws);
  json_decref(h);
  free(htext);
  reed_free(hb);
  reed_free(pb);
  reed_free(input);
  reed_free(sig);
  return out;
}
