/* Small crypto helpers over OpenSSL (digests, HMAC) and libsodium (base64,
 * random bytes), plus the ASCII casemapping auth shares with the model. */
#include "auth_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <string.h>

static const EVP_MD *
md(reed_scram_hash_t h)
{
  return h == REED_SCRAM_SHA1 ? EVP_sha1() : EVP_sha256();
}

size_t
reed__auth_hlen(reed_scram_hash_t h)
{
  return h == REED_SCRAM_SHA1 ? 20 : 32;
}

void
reed__auth_digest(reed_scram_hash_t h, const void *p, size_t len, uint8_t *out)
{
  unsigned int n = 0;

  EVP_Digest(p, len, out, &n, md(h), NULL);
}

void
reed__auth_hmac(reed_scram_hash_t h, const void *key, size_t klen,
                const void *p, size_t len, uint8_t *out)
{
  unsigned int n = 0;

  HMAC(md(h), key, (int)klen, p, len, out, &n);
}

char *
reed__auth_b64(const uint8_t *p, size_t len)
{
  size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
  char *s = reed_malloc(n);

  if (s == NULL)
    return NULL;
  sodium_bin2base64(s, n, p, len, sodium_base64_VARIANT_ORIGINAL);
  return s;
}

int
reed__auth_unb64(const char *in, size_t len, uint8_t *out, size_t max,
                 size_t *out_len)
{
  const char *end = NULL;

  if (len == 0) {
    *out_len = 0;
    return 0;
  }
  if (sodium_base642bin(out, max, in, len, NULL, out_len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != in + len)
    return REED_ESYNTAX;
  return 0;
}

void
reed__auth_random(void (*rnd)(void *, uint8_t *, size_t), void *ud,
                  uint8_t *buf, size_t n)
{
  if (rnd != NULL)
    rnd(ud, buf, n);
  else
    randombytes_buf(buf, n);
}

int
reed__auth_ct_eq(const void *a, const void *b, size_t n)
{
  return CRYPTO_memcmp(a, b, n) == 0 ? 0 : -1;
}

static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
reed__auth_casecmp(const char *a, const char *b)
{
  while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
    a++;
    b++;
  }
  return lower((unsigned char)*a) - lower((unsigned char)*b);
}

void
reed__auth_fold(char *dst, const char *src, size_t size)
{
  size_t i = 0;

  if (size == 0)
    return;
  for (; src[i] && i + 1 < size; i++)
    dst[i] = (char)lower((unsigned char)src[i]);
  dst[i] = '\0';
}
