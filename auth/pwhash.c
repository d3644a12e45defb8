/* Password hashing: argon2id strings (libsodium) and SCRAM stored keys
 * (PBKDF2 through OpenSSL). Pure and synchronous; the portal decides where
 * these run (the worker), the CLI runs them inline. */
#include "auth_int.h"
#include "store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

static const char *const level_names[] = {"min", "interactive", "moderate",
                                          "sensitive"};

int
reed_auth_hash_level_parse(const char *name)
{
  for (size_t i = 0; name != NULL && i < REED_ARRAY_SIZE(level_names); i++)
    if (reed__auth_casecmp(name, level_names[i]) == 0)
      return (int)i;
  return REED_EINVAL;
}

const char *
reed_auth_hash_level_name(int level)
{
  if (level < 0 || level >= (int)REED_ARRAY_SIZE(level_names))
    return "unknown";
  return level_names[level];
}

int
reed__auth_limits(int level, unsigned long long *ops, size_t *mem)
{
  switch (level) {
  case REED_AUTH_HASH_MIN:
    *ops = crypto_pwhash_OPSLIMIT_MIN;
    *mem = crypto_pwhash_MEMLIMIT_MIN;
    return 0;
  case REED_AUTH_HASH_INTERACTIVE:
    *ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    *mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    return 0;
  case REED_AUTH_HASH_MODERATE:
    *ops = crypto_pwhash_OPSLIMIT_MODERATE;
    *mem = crypto_pwhash_MEMLIMIT_MODERATE;
    return 0;
  case REED_AUTH_HASH_SENSITIVE:
    *ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
    *mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
    return 0;
  default:
    return REED_EINVAL;
  }
}

int
reed_auth_password_valid(const char *password, size_t len)
{
  if (password == NULL || len == 0 || len > REED_AUTH_PASSWORD_MAX)
    return REED_EINVAL;
  /* SASLprep (RFC 4013) prohibits ASCII control characters, so a client
   * could never send them in SCRAM. */
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
      return REED_EINVAL;
  return reed_utf8_valid((const uint8_t *)password, len) ? 0 : REED_EINVAL;
}

int
reed_auth_password_policy(const char *password, size_t len, size_t min)
{
  size_t chars = 0;

  for (size_t i = 0; i < len; i++)
    if (((unsigned char)password[i] & 0xc0) != 0x80)
      chars++;
  return chars < min ? REED_EWEAKPASSWORD : 0;
}

int
reed_auth_pwhash(int level, const char *password, size_t len,
                 char out[REED_PWHASH_STRLEN])
{
  unsigned long long ops;
  size_t mem;

  if (reed__auth_limits(level, &ops, &mem) != 0 ||
      reed_auth_password_valid(password, len) != 0)
    return REED_EINVAL;
  if (crypto_pwhash_str(out, password, len, ops, mem) != 0)
    return REED_ENOMEM;
  return 0;
}

int
reed_auth_pwverify(const char *hash, const char *password, size_t len)
{
  if (hash == NULL || password == NULL)
    return REED_EAUTH;
  if (crypto_pwhash_str_verify(hash, password, len) != 0)
    return REED_EAUTH;
  return 0;
}

int
reed_auth_scram_derive(reed_scram_hash_t h, const char *password, size_t len,
                       const uint8_t *salt, size_t salt_len,
                       uint32_t iterations, reed_auth_scram_t *out)
{
  uint8_t salted[REED_SCRAM_KEY_MAX], client_key[REED_SCRAM_KEY_MAX];
  size_t hl = reed__auth_hlen(h);
  const EVP_MD *md = h == REED_SCRAM_SHA1 ? EVP_sha1() : EVP_sha256();

  if (salt_len == 0 || salt_len > REED_SCRAM_SALT_MAX || iterations == 0 ||
      iterations > 10000000 || len > REED_AUTH_PASSWORD_MAX)
    return REED_EINVAL;
  if (PKCS5_PBKDF2_HMAC(password, (int)len, salt, (int)salt_len,
                        (int)iterations, md, (int)hl, salted) != 1)
    return REED_EINVAL;
  memset(out, 0, sizeof(*out));
  memcpy(out->salt, salt, salt_len);
  out->salt_len = salt_len;
  out->iterations = iterations;
  reed__auth_hmac(h, salted, hl, "Client Key", 10, client_key);
  reed__auth_digest(h, client_key, hl, out->stored_key);
  reed__auth_hmac(h, salted, hl, "Server Key", 10, out->server_key);
  OPENSSL_cleanse(salted, sizeof(salted));
  OPENSSL_cleanse(client_key, sizeof(client_key));
  return 0;
}

int
reed_auth_creds_make(const char *account, const char *password, size_t len,
                     int level, const uint8_t salt256[REED_SCRAM_SALT_LEN],
                     const uint8_t salt1[REED_SCRAM_SALT_LEN],
                     reed_creds_t *out)
{
  char name[REED_AUTH_NAME_MAX + 1];
  int rc;

  /* `account` may point into `out`. */
  if (account == NULL || strlen(account) > REED_AUTH_NAME_MAX) {
    memset(out, 0, sizeof(*out));
    return REED_EINVAL;
  }
  reed_strlcpy(name, account, sizeof(name));
  memset(out, 0, sizeof(*out));
  reed_strlcpy(out->account, name, sizeof(out->account));
  rc = reed_auth_pwhash(level, password, len, out->pwhash);
  if (rc == 0)
    rc = reed_auth_scram_derive(REED_SCRAM_SHA256, password, len, salt256,
                                REED_SCRAM_SALT_LEN, REED_SCRAM_ITERATIONS,
                                &out->scram[REED_SCRAM_SHA256]);
  if (rc == 0)
    rc = reed_auth_scram_derive(REED_SCRAM_SHA1, password, len, salt1,
                                REED_SCRAM_SALT_LEN, REED_SCRAM_ITERATIONS,
                                &out->scram[REED_SCRAM_SHA1]);
  if (rc != 0)
    memset(out, 0, sizeof(*out));
  return rc;
}

/* One grammar for fingerprints everywhere: the store's (64 hex digits, or
 * 32 colon-separated pairs), lowercased. */
int
reed_auth_cert_fp_normalize(const char *in, char out[REED_CERT_FP_LEN + 1])
{
  out[0] = '\0';
  return reed_store_fpr_normalize(in, out);
}
