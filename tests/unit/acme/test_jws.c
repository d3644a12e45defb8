/* base64url, the JWK and its RFC 7638 thumbprint, the key authorization
 * and ES256 JWS of a fixed P-256 key; the thumbprint was computed apart
 * (openssl pkey -pubout and Python's hashlib), and every signature is
 * checked with OpenSSL's verifier. */
#include "acme_int.h"
#include "harness.h"

#include <openssl/ec.h>
#include <openssl/pem.h>

static const char fixed_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3kn52Dh/Q7WSOWio\n"
    "3dXAgT6C4xH3OUOIDklNu+hxGQuhRANCAATgTvsP+EH/aBgEB2F0icWu/mPvTMsp\n"
    "bew+4mlWzlLM1nrZZPtrffTNPh7wRMPUb4MUuXa+VVfamt1rj1H/rkvh\n"
    "-----END PRIVATE KEY-----\n";
static const char fixed_jwk[] =
    "{\"crv\":\"P-256\",\"kty\":\"EC\","
    "\"x\":\"4E77D_hB_2gYBAdhdInFrv5j70zLKW3sPuJpVs5SzNY\","
    "\"y\":\"etlk-2t99M0-HvBEw9RvgxS5dr5VV9qa3WuPUf-uS-E\"}";
static const char fixed_thumb[] = "IoGOD2H3F3fAFS9FMqhMfcuA1kzz0hpLsXuDIc2Hv2w";

static EVP_PKEY *
key(void)
{
  BIO *b = BIO_new_mem_buf(fixed_key, -1);
  EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

  BIO_free(b);
  ASSERT(k != NULL);
  return k;
}

/* base64url back to bytes (test side, written apart from the encoder). */
static size_t
unb64(const char *s, uint8_t *out, size_t size)
{
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;

  for (; *s != '\0'; s++) {
    const char *p = strchr(tab, *s);
    ASSERT(p != NULL);
    acc = acc << 6 | (uint32_t)(p - tab);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      ASSERT(n < size);
      out[n++] = (uint8_t)(acc >> bits);
    }
  }
  return n;
}

static char *
unb64_str(const char *s)
{
  static char buf[4096];
  size_t n = unb64(s, (uint8_t *)buf, sizeof(buf) - 1);

  buf[n] = '\0';
  return buf;
}

TEST(b64url_vectors)
{
  /* RFC 4648 section 10, unpadded, and the two URL-safe letters. */
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff", "-_8"},
      {"\xff\xfe\xfd", "__79"},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *s =
        reed__acme_b64url((const uint8_t *)cases[i].in, strlen(cases[i].in));
    ASSERT_STR_EQ(s, cases[i].out);
    reed_free(s);
  }
}

TEST(jwk_and_thumbprint)
{
  EVP_PKEY *k = key();
  json_t *jwk = reed__acme_jwk(k);
  char *text = reed__acme_dump(jwk);
  char *thumb = reed__acme_thumbprint(k);

  ASSERT_STR_EQ(text, fixed_jwk);
  ASSERT_STR_EQ(thumb, fixed_thumb);
  json_decref(jwk);
  reed_free(text);
  reed_free(thumb);
  EVP_PKEY_free(k);
}

TEST(key_authorization)
{
  char *ka = reed__acme_key_authz("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA",
                                  fixed_thumb);

  ASSERT_STR_EQ(ka, "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA."
                    "IoGOD2H3F3fAFS9FMqhMfcuA1kzz0hpLsXuDIc2Hv2w");
  reed_free(ka);
}

/* Checks the JWS's ES256 signature over protected.payload with OpenSSL,
 * and returns the decoded protected header. */
static json_t *
check_jws(const char *jws, const char *want_payload)
{
  json_t *j = json_loads(jws, 0, NULL);
  const char *prot = json_string_value(json_object_get(j, "protected"));
  const char *pay = json_string_value(json_object_get(j, "payload"));
  const char *sig = json_string_value(json_object_get(j, "signature"));
  uint8_t raw[64], der[80], *p = der;
  char input[4096];
  EVP_PKEY *k = key();
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  ECDSA_SIG *es = ECDSA_SIG_new();
  json_t *header;
  int len;

  ASSERT(prot != NULL && pay != NULL && sig != NULL);
  ASSERT_EQ(json_object_size(j), 3);
  ASSERT_STR_EQ(unb64_str(pay), want_payload);
  ASSERT_EQ(unb64(sig, raw, sizeof(raw)), 64);
  ASSERT(ECDSA_SIG_set0(es, BN_bin2bn(raw, 32, NULL),
                        BN_bin2bn(raw + 32, 32, NULL)) == 1);
  len = i2d_ECDSA_SIG(es, &p);
  ASSERT(len > 0);
  snprintf(input, sizeof(input), "%s.%s", prot, pay);
  ASSERT(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1);
  ASSERT_EQ(
      EVP_DigestVerify(md, der, (size_t)len, (uint8_t *)input, strlen(input)),
      1);
  /* One bit off in the signed input fails. */
  input[0] ^= 1;
  ASSERT(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1);
  ASSERT(EVP_DigestVerify(md, der, (size_t)len, (uint8_t *)input,
                          strlen(input)) != 1);
  header = json_loads(unb64_str(prot), 0, NULL);
  ASSERT(header != NULL);
  ECDSA_SIG_free(es);
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  json_decref(j);
  return header;
}

TEST(jws_with_jwk_verifies)
{
  EVP_PKEY *k = key();
  char *jws = reed__acme_jws(k, NULL, "nonce-1", "https://ca/new-acct",
                             "{\"termsOfServiceAgreed\":true}");
  json_t *h = check_jws(jws, "{\"termsOfServiceAgreed\":true}");
  char *text = reed__acme_dump(h);

  ASSERT_STR_EQ(text, "{\"alg\":\"ES256\",\"jwk\":{\"crv\":\"P-256\","
                      "\"kty\":\"EC\",\"x\":\"4E77D_hB_2gYBAdhdInFrv5j70zLKW3"
                      "sPuJpVs5SzNY\",\"y\":\"etlk-2t99M0-HvBEw9RvgxS5dr5VV9q"
                      "a3WuPUf-uS-E\"},\"nonce\":\"nonce-1\",\"url\":"
                      "\"https://ca/new-acct\"}");
  reed_free(text);
  json_decref(h);
  reed_free(jws);
  EVP_PKEY_free(k);
}

TEST(jws_with_kid_post_as_get)
{
  EVP_PKEY *k = key();
  char *jws =
      reed__acme_jws(k, "https://ca/acct/1", "n2", "https://ca/o/7", NULL);
  json_t *h = check_jws(jws, "");
  char *text = reed__acme_dump(h);

  ASSERT_STR_EQ(text, "{\"alg\":\"ES256\",\"kid\":\"https://ca/acct/1\","
                      "\"nonce\":\"n2\",\"url\":\"https://ca/o/7\"}");
  reed_free(text);
  json_decref(h);
  reed_free(jws);
  EVP_PKEY_free(k);
}
