/* bench: the XMPP client's SCRAM-SHA-1 (RFC 5802) over OpenSSL's libcrypto.
 *
 * The salted password costs the client thousands of HMACs per login while
 * the server, which keeps StoredKey and ServerKey, does a handful; computed
 * in the timed run it would measure the load generator and give the server
 * with the most iterations the slowest figure. Real clients cache it (RFC
 * 5802 §5.1), and so does this one: per client index in memory, and in the
 * --scram-cache file between an untimed run (`register`, which logs in once
 * after registering) and the timed `connect` run. A key computed during a
 * run is counted (scram_computed in the RESULT line) so that a timed run
 * that had to compute is visible. */
#include "lg_xmpp.h"

#include "base.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_B64_MAX 96

typedef struct cached_s {
  uint32_t iter;
  char salt[SALT_B64_MAX + 1]; /* as the server sent it, base64 */
  uint8_t salted[SHA_DIGEST_LENGTH];
} cached_t;

struct lg_scram_s {
  char bare[160]; /* client-first-message-bare */
  uint8_t server_sig[SHA_DIGEST_LENGTH];
};

static cached_t *cache;
static uint32_t ncache, computed, dirty;

int
lg_scram_cache_init(uint32_t clients, const char *path)
{
  char salt[SALT_B64_MAX + 1], hex[2 * SHA_DIGEST_LENGTH + 1];
  unsigned idx, iter, i, b;
  FILE *f;

  cache = reed_calloc(clients, sizeof(*cache));
  if (cache == NULL)
    return REED_ENOMEM;
  ncache = clients;
  if (path == NULL || (f = fopen(path, "r")) == NULL)
    return 0;
  while (fscanf(f, "%u %u %96s %40s", &idx, &iter, salt, hex) == 4) {
    if (idx >= ncache || strlen(hex) != 2 * SHA_DIGEST_LENGTH)
      continue;
    for (i = 0; i < SHA_DIGEST_LENGTH && sscanf(hex + 2 * i, "%2x", &b) == 1;
         i++)
      cache[idx].salted[i] = (uint8_t)b;
    cache[idx].iter = iter;
    memcpy(cache[idx].salt, salt, sizeof(salt));
  }
  fclose(f);
  return 0;
}

void
lg_scram_cache_save(const char *path)
{
  uint32_t i, j;
  FILE *f;

  if (path == NULL || !dirty || (f = fopen(path, "w")) == NULL)
    return;
  for (i = 0; i < ncache; i++) {
    if (cache[i].iter == 0)
      continue;
    fprintf(f, "%u %u %s ", i, cache[i].iter, cache[i].salt);
    for (j = 0; j < SHA_DIGEST_LENGTH; j++)
      fprintf(f, "%02x", cache[i].salted[j]);
    fputc('\n', f);
  }
  fclose(f);
}

void
lg_scram_cache_free(void)
{
  reed_free(cache);
  cache = NULL;
  ncache = 0;
}

uint32_t
lg_scram_computed(void)
{
  return computed;
}

int
lg_scram_first(lg_scram_t **sp, const char *user, char *out, size_t cap)
{
  uint8_t raw[18];
  char nonce[25];
  lg_scram_t *s;
  int n;

  if (*sp == NULL && (*sp = reed_calloc(1, sizeof(**sp))) == NULL)
    return REED_ENOMEM;
  s = *sp;
  if (RAND_bytes(raw, sizeof(raw)) != 1)
    return REED_EIO;
  reed_base64_encode(raw, sizeof(raw), nonce);
  snprintf(s->bare, sizeof(s->bare), "n=%s,r=%s", user, nonce);
  n = snprintf(out, cap, "n,,%s", s->bare);
  return n > 0 && (size_t)n < cap ? n : REED_ETOOBIG;
}

/* The value of "k=" in a SCRAM attribute list, up to the next ','. */
static int
scram_attr(const char *msg, char k, const char **v, size_t *len)
{
  const char *p = msg;

  while (p && *p) {
    if (p[0] == k && p[1] == '=') {
      *v = p + 2;
      *len = strcspn(*v, ",");
      return 1;
    }
    p = strchr(p, ',');
    p = p ? p + 1 : NULL;
  }
  return 0;
}

static int
salted_password(uint32_t idx, const char *password, const char *salt,
                size_t salt_len, uint32_t iter, uint8_t *out)
{
  uint8_t raw[SALT_B64_MAX];
  cached_t *ce = idx < ncache ? &cache[idx] : NULL;
  ssize_t rl;

  if (salt_len > SALT_B64_MAX || salt_len % 4 || iter == 0)
    return REED_ESYNTAX;
  if (ce && ce->iter == iter && strlen(ce->salt) == salt_len &&
      memcmp(ce->salt, salt, salt_len) == 0) {
    memcpy(out, ce->salted, SHA_DIGEST_LENGTH);
    return 0;
  }
  rl = reed_base64_decode(salt, salt_len, raw);
  if (rl <= 0 ||
      PKCS5_PBKDF2_HMAC(password, (int)strlen(password), raw, (int)rl,
                        (int)iter, EVP_sha1(), SHA_DIGEST_LENGTH, out) != 1)
    return REED_ESYNTAX;
  computed++;
  if (ce) {
    ce->iter = iter;
    memcpy(ce->salt, salt, salt_len);
    ce->salt[salt_len] = '\0';
    memcpy(ce->salted, out, SHA_DIGEST_LENGTH);
    dirty = 1;
  }
  return 0;
}

static void
hmac(const uint8_t *key, const void *msg, size_t len, uint8_t *out)
{
  unsigned ol = SHA_DIGEST_LENGTH;

  HMAC(EVP_sha1(), key, SHA_DIGEST_LENGTH, msg, len, out, &ol);
}

int
lg_scram_final(lg_scram_t *s, uint32_t idx, const char *password,
               const char *server_first, char *out, size_t cap)
{
  uint8_t salted[SHA_DIGEST_LENGTH], ckey[SHA_DIGEST_LENGTH];
  uint8_t stored[SHA_DIGEST_LENGTH], sig[SHA_DIGEST_LENGTH];
  uint8_t skey[SHA_DIGEST_LENGTH];
  char without[256], auth[640], proof[32];
  const char *r, *salt, *it;
  size_t rl, sl, il, i;
  int n;

  if (!scram_attr(server_first, 'r', &r, &rl) ||
      !scram_attr(server_first, 's', &salt, &sl) ||
      !scram_attr(server_first, 'i', &it, &il) || rl > 128 ||
      salted_password(idx, password, salt, sl, (uint32_t)strtoul(it, NULL, 10),
                      salted) < 0)
    return REED_ESYNTAX;
  snprintf(without, sizeof(without), "c=biws,r=%.*s", (int)rl, r);
  n = snprintf(auth, sizeof(auth), "%s,%s,%s", s->bare, server_first, without);
  if (n < 0 || (size_t)n >= sizeof(auth))
    return REED_ETOOBIG;
  hmac(salted, "Client Key", 10, ckey);
  SHA1(ckey, SHA_DIGEST_LENGTH, stored);
  hmac(stored, auth, (size_t)n, sig);
  for (i = 0; i < SHA_DIGEST_LENGTH; i++)
    ckey[i] ^= sig[i];
  hmac(salted, "Server Key", 10, skey);
  hmac(skey, auth, (size_t)n, s->server_sig);
  reed_base64_encode(ckey, SHA_DIGEST_LENGTH, proof);
  n = snprintf(out, cap, "%s,p=%s", without, proof);
  return n > 0 && (size_t)n < cap ? n : REED_ETOOBIG;
}

int
lg_scram_verify(const lg_scram_t *s, const char *server_final)
{
  char want[32];
  const char *v;
  size_t vl;

  reed_base64_encode(s->server_sig, SHA_DIGEST_LENGTH, want);
  if (!scram_attr(server_final, 'v', &v, &vl))
    return REED_EAUTH;
  return vl == strlen(want) && memcmp(v, want, vl) == 0 ? 0 : REED_EAUTH;
}
