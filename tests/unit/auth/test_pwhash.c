/* Password hashing, SCRAM key derivation and fingerprints. */
#define _GNU_SOURCE /* memmem */
#include "auth_int.h"
#include "config.h"
#include "auth_test.h"
#include "harness.h"

#include <string.h>

TEST(hash_levels)
{
  static const struct {
    const char *name;
    int level;
  } cases[] = {
      {"min", REED_AUTH_HASH_MIN},
      {"interactive", REED_AUTH_HASH_INTERACTIVE},
      {"Moderate", REED_AUTH_HASH_MODERATE},
      {"SENSITIVE", REED_AUTH_HASH_SENSITIVE},
      {"max", REED_EINVAL},
      {"", REED_EINVAL},
      {NULL, REED_EINVAL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_EQ(reed_auth_hash_level_parse(cases[i].name), cases[i].level);
  ASSERT_STR_EQ(reed_auth_hash_level_name(REED_AUTH_HASH_MODERATE), "moderate");
  ASSERT_STR_EQ(reed_auth_hash_level_name(7), "unknown");
  /* The config's setting passes straight through. */
  ASSERT_EQ(REED_AUTH_HASH_MIN, REED_PWHASH_MIN);
  ASSERT_EQ(REED_AUTH_HASH_INTERACTIVE, REED_PWHASH_INTERACTIVE);
  ASSERT_EQ(REED_AUTH_HASH_MODERATE, REED_PWHASH_MODERATE);
  ASSERT_EQ(REED_AUTH_HASH_SENSITIVE, REED_PWHASH_SENSITIVE);
}

TEST(pwhash_verify)
{
  char h[REED_PWHASH_STRLEN], h2[REED_PWHASH_STRLEN];

  ASSERT_EQ(reed_auth_pwhash(REED_AUTH_HASH_MIN, "pencil", 6, h), 0);
  ASSERT(strncmp(h, "$argon2id$v=19$m=8,t=1,p=1$", 27) == 0);
  ASSERT(strstr(h, "pencil") == NULL);
  ASSERT_EQ(reed_auth_pwverify(h, "pencil", 6), 0);
  ASSERT_EQ(reed_auth_pwverify(h, "Pencil", 6), REED_EAUTH);
  ASSERT_EQ(reed_auth_pwverify(h, "pencil", 5), REED_EAUTH);
  ASSERT_EQ(reed_auth_pwverify("garbage", "pencil", 6), REED_EAUTH);
  ASSERT_EQ(reed_auth_pwverify(NULL, "pencil", 6), REED_EAUTH);
  /* A fresh salt every time. */
  ASSERT_EQ(reed_auth_pwhash(REED_AUTH_HASH_MIN, "pencil", 6, h2), 0);
  ASSERT(strcmp(h, h2) != 0);
  ASSERT_EQ(reed_auth_pwhash(9, "pencil", 6, h), REED_EINVAL);
  ASSERT_EQ(reed_auth_pwhash(REED_AUTH_HASH_MIN, "", 0, h), REED_EINVAL);
}

TEST(password_rules)
{
  static char longpw[REED_AUTH_PASSWORD_MAX + 1];
  static const struct {
    const char *pw;
    size_t len;
    int rc;
  } cases[] = {
      {"pencil", 6, 0},
      {"p\xc3\xa9"
       "ncil",
       7, 0},
      {"", 0, REED_EINVAL},
      {"pen\0cil", 7, REED_EINVAL},
      {"pen\ncil", 7, REED_EINVAL},
      {"pen\rcil", 7, REED_EINVAL},
      {"pen\tcil", 7, REED_EINVAL},
      {"pen\x7f"
       "cil",
       7, REED_EINVAL},
      {"pen cil~", 8, 0},
      {"pen\xff"
       "cil",
       7, REED_EINVAL},
      {longpw, REED_AUTH_PASSWORD_MAX, 0},
      {longpw, REED_AUTH_PASSWORD_MAX + 1, REED_EINVAL},
      {NULL, 3, REED_EINVAL},
  };

  memset(longpw, 'x', sizeof(longpw));
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_EQ(reed_auth_password_valid(cases[i].pw, cases[i].len), cases[i].rc);
}

TEST(scram_derive_and_creds)
{
  uint8_t s256[REED_SCRAM_SALT_LEN], s1[REED_SCRAM_SALT_LEN];
  reed_auth_scram_t k;
  reed_creds_t c;

  memset(s256, 0xa5, sizeof(s256));
  memset(s1, 0x5a, sizeof(s1));
  ASSERT_EQ(reed_auth_creds_make("Alice", "pencil", 6, REED_AUTH_HASH_MIN, s256,
                                 s1, &c),
            0);
  ASSERT_STR_EQ(c.account, "Alice");
  ASSERT_EQ(reed_auth_pwverify(c.pwhash, "pencil", 6), 0);
  for (int h = REED_SCRAM_SHA1; h <= REED_SCRAM_SHA256; h++) {
    ASSERT_EQ(c.scram[h].iterations, REED_SCRAM_ITERATIONS);
    ASSERT_EQ(c.scram[h].salt_len, REED_SCRAM_SALT_LEN);
    ASSERT_EQ(reed_auth_scram_derive((reed_scram_hash_t)h, "pencil", 6,
                                     h ? s256 : s1, REED_SCRAM_SALT_LEN, 4096,
                                     &k),
              0);
    ASSERT_MEM_EQ(k.stored_key, c.scram[h].stored_key, 32);
    ASSERT_MEM_EQ(k.server_key, c.scram[h].server_key, 32);
  }
  ASSERT_MEM_EQ(c.scram[REED_SCRAM_SHA256].salt, s256, sizeof(s256));
  ASSERT_MEM_EQ(c.scram[REED_SCRAM_SHA1].salt, s1, sizeof(s1));
  /* The password is nowhere in the record. */
  ASSERT(memmem(&c, sizeof(c), "pencil", 6) == NULL);
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA1, "x", 1, s1, 0, 4096, &k),
            REED_EINVAL);
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA1, "x", 1, s1, 16, 0, &k),
            REED_EINVAL);
  ASSERT_EQ(
      reed_auth_creds_make("Alice", "", 0, REED_AUTH_HASH_MIN, s256, s1, &c),
      REED_EINVAL);
  ASSERT_EQ(c.pwhash[0], '\0');
}

TEST(cert_fingerprints)
{
  static const struct {
    const char *in;
    int rc;
    const char *out;
  } cases[] = {
      {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0,
       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
      {"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", 0,
       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
      {"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
       "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
       0, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
      {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
       REED_EINVAL, NULL},
      {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
       REED_EINVAL, NULL},
      {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
       REED_EINVAL, NULL},
      {"", REED_EINVAL, NULL},
      {NULL, REED_EINVAL, NULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char out[REED_CERT_FP_LEN + 1];

    ASSERT_EQ(reed_auth_cert_fp_normalize(cases[i].in, out), cases[i].rc);
    if (cases[i].out != NULL)
      ASSERT_STR_EQ(out, cases[i].out);
  }
}
