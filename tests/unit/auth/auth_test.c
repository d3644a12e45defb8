#include "auth_test.h"
#include "harness.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const EVP_MD *
md(reed_scram_hash_t h)
{
  return h == REED_SCRAM_SHA1 ? EVP_sha1() : EVP_sha256();
}

/* Pulls "s=" and "i=" out of server-first. */
static void
parse_server_first(const char *sf, uint8_t *salt, size_t *salt_len, int *iter,
                   char *nonce, size_t nonce_size)
{
  const char *r = strstr(sf, "r="), *s = strstr(sf, ",s="),
             *i = strstr(sf, ",i=");
  char b64[128];

  ASSERT(r == sf && s != NULL && i != NULL);
  snprintf(nonce, nonce_size, "%.*s", (int)(s - r - 2), r + 2);
  snprintf(b64, sizeof(b64), "%.*s", (int)(i - s - 3), s + 3);
  *salt_len = unb64(b64, salt, 64);
  *iter = atoi(i + 3);
}

static void
b64enc(const uint8_t *p, size_t n, char *out)
{
  EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

char *
scram_client_final(reed_scram_hash_t h, const char *password,
                   const char *client_first_bare, const char *server_first,
                   const char *cbind_b64, char *expect_v, size_t expect_size)
{
  uint8_t salt[64], salted[32], ck[32], sk[32], stored[32], sig[32];
  uint8_t proof[32];
  unsigned hl = h == REED_SCRAM_SHA1 ? 20 : 32, n;
  char nonce[256], without[512], auth[2048], pb64[64], vb64[64];
  size_t salt_len;
  int iter;
  char *out = malloc(1024);

  parse_server_first(server_first, salt, &salt_len, &iter, nonce,
                     sizeof(nonce));
  PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len, iter,
                    md(h), (int)hl, salted);
  HMAC(md(h), salted, (int)hl, (const uint8_t *)"Client Key", 10, ck, &n);
  EVP_Digest(ck, hl, stored, &n, md(h), NULL);
  snprintf(without, sizeof(without), "c=%s,r=%s", cbind_b64, nonce);
  snprintf(auth, sizeof(auth), "%s,%s,%s", client_first_bare, server_first,
           without);
  HMAC(md(h), stored, (int)hl, (const uint8_t *)auth, strlen(auth), sig, &n);
  for (unsigned i = 0; i < hl; i++)
    proof[i] = ck[i] ^ sig[i];
  b64enc(proof, hl, pb64);
  snprintf(out, 1024, "%s,p=%s", without, pb64);
  HMAC(md(h), salted, (int)hl, (const uint8_t *)"Server Key", 10, sk, &n);
  HMAC(md(h), sk, (int)hl, (const uint8_t *)auth, strlen(auth), sig, &n);
  b64enc(sig, hl, vb64);
  snprintf(expect_v, expect_size, "v=%s", vb64);
  return out;
}

const char *
buf_str(const reed_buf_t *b)
{
  static char s[4096];

  if (b == NULL)
    return "(null)";
  snprintf(s, sizeof(s), "%.*s", (int)b->len, (const char *)b->data);
  return s;
}

size_t
unb64(const char *in, uint8_t *out, size_t max)
{
  uint8_t tmp[256];
  size_t len = strlen(in), pad = 0;
  int n;

  ASSERT(len % 4 == 0 && len / 4 * 3 <= sizeof(tmp));
  n = EVP_DecodeBlock(tmp, (const uint8_t *)in, (int)len);
  ASSERT(n >= 0);
  if (len > 0 && in[len - 1] == '=')
    pad++;
  if (len > 1 && in[len - 2] == '=')
    pad++;
  ASSERT((size_t)n - pad <= max);
  memcpy(out, tmp, (size_t)n - pad);
  return (size_t)n - pad;
}
