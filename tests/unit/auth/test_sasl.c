/* The SASL mechanisms on their own: no store, no portal. */
#include "auth_test.h"
#include "harness.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- A pure source: one account per test, a scripted server nonce ------- */
typedef struct {
  const char *name; /* canonical account */
  reed_auth_scram_t keys[2];
  const char *fp;
  const char *nonce;
  int lookup_rc; /* forced scram_keys result when not 0 */
  int lookups;
} pure_t;

static int
p_keys(void *ud, const char *name, reed_scram_hash_t h, reed_auth_scram_t *k,
       char account[REED_AUTH_NAME_MAX + 1])
{
  pure_t *p = ud;

  p->lookups++;
  if (p->lookup_rc != 0)
    return p->lookup_rc;
  if (p->name == NULL || strcasecmp(name, p->name) != 0)
    return REED_ENOACCOUNT;
  *k = p->keys[h];
  snprintf(account, REED_AUTH_NAME_MAX + 1, "%s", p->name);
  return 0;
}

static int
p_cert(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  pure_t *p = ud;

  if (p->fp == NULL || strcmp(fp, p->fp) != 0)
    return REED_ENOACCOUNT;
  snprintf(account, REED_AUTH_NAME_MAX + 1, "%s", p->name);
  return 0;
}

static void
p_nonce(void *ud, char *buf, size_t size)
{
  pure_t *p = ud;

  snprintf(buf, size, "%s", p->nonce ? p->nonce : "SERVERNONCE");
}

static void
p_random(void *ud, uint8_t *buf, size_t n)
{
  REED_UNUSED(ud);
  for (size_t i = 0; i < n; i++)
    buf[i] = (uint8_t)(i * 7 + 1);
}

static const uint8_t secret[32] = {9, 9, 9};

static reed_sasl_source_t
source(pure_t *p)
{
  return (reed_sasl_source_t){
      .scram_keys = p_keys,
      .cert_account = p_cert,
      .random = p_random,
      .nonce = p_nonce,
      .secret = secret,
      .ud = p,
  };
}

/* An account whose SCRAM keys come from `password` and base64 `salt`. */
static void
pure_account(pure_t *p, const char *name, const char *password,
             const char *salt_b64)
{
  uint8_t salt[64];
  size_t n = unb64(salt_b64, salt, sizeof(salt));

  memset(p, 0, sizeof(*p));
  p->name = name;
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA1, password, strlen(password),
                                   salt, n, 4096, &p->keys[REED_SCRAM_SHA1]),
            0);
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA256, password,
                                   strlen(password), salt, n, 4096,
                                   &p->keys[REED_SCRAM_SHA256]),
            0);
}

static int
step_str(reed_sasl_t *s, const char *in, reed_buf_t **out)
{
  return reed_sasl_step(s, (const uint8_t *)in, strlen(in), out);
}

TEST(sasl_mech_names)
{
  static const struct {
    const char *name;
    int mech;
  } cases[] = {
      {"PLAIN", REED_MECH_PLAIN},
      {"plain", REED_MECH_PLAIN},
      {"SCRAM-SHA-1", REED_MECH_SCRAM_SHA_1},
      {"scram-sha-256", REED_MECH_SCRAM_SHA_256},
      {"EXTERNAL", REED_MECH_EXTERNAL},
      {"SCRAM-SHA-512", REED_EINVAL},
      {"SCRAM-SHA-256-PLUS", REED_MECH_SCRAM_SHA_256_PLUS},
      {"scram-sha-1-plus", REED_MECH_SCRAM_SHA_1_PLUS},
      {"HT-SHA-256-EXPR", REED_MECH_HT_SHA_256_EXPR},
      {"HT-SHA-512-EXPR", REED_EINVAL},
      {"", REED_EINVAL},
      {NULL, REED_EINVAL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_EQ(reed_sasl_mech_parse(cases[i].name), cases[i].mech);
  ASSERT_STR_EQ(reed_sasl_mech_name(REED_MECH_SCRAM_SHA_256), "SCRAM-SHA-256");
  ASSERT(strstr(reed_sasl_mech_list(), "EXTERNAL") != NULL);
}

/* RFC 5802 section 5 and RFC 7677 section 3, exactly. */
static const struct {
  reed_sasl_mech_t mech;
  const char *salt, *snonce, *first, *server_first, *final, *server_final;
} vectors[] = {
    {REED_MECH_SCRAM_SHA_1, "QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j",
     "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
     "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
     "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
     "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
     "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="},
    {REED_MECH_SCRAM_SHA_256, "W22ZaJ0SNY7soEsUEjb6gQ==",
     "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
     "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
     "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
     "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
     "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="},
};

TEST(scram_rfc_vectors)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(vectors); i++) {
    pure_t p;
    reed_sasl_source_t src;
    reed_sasl_t *s;
    reed_buf_t *out;

    pure_account(&p, "user", "pencil", vectors[i].salt);
    p.nonce = vectors[i].snonce;
    src = source(&p);
    ASSERT_EQ(reed_sasl_new(vectors[i].mech, &src, NULL, &s), 0);
    ASSERT_EQ(step_str(s, vectors[i].first, &out), REED_SASL_CONTINUE);
    ASSERT_STR_EQ(buf_str(out), vectors[i].server_first);
    ASSERT_STR_EQ(reed_sasl_authcid(s), "user");
    ASSERT(reed_sasl_account(s) == NULL);
    reed_buf_unref(out);
    ASSERT_EQ(step_str(s, vectors[i].final, &out), REED_SASL_SUCCESS);
    ASSERT_STR_EQ(buf_str(out), vectors[i].server_final);
    ASSERT_STR_EQ(reed_sasl_account(s), "user");
    reed_buf_unref(out);
    ASSERT_EQ(step_str(s, "", &out), REED_EAUTHSTATE);
    ASSERT(out == NULL);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A whole exchange driven by the test's own SCRAM client. Returns the
 * final step's code; *v_ok says whether the server signature matched. */
static int
exchange(reed_sasl_mech_t mech, pure_t *p, const char *gs2,
         const char *bare_name, const char *password, bool *v_ok)
{
  reed_scram_hash_t h =
      mech == REED_MECH_SCRAM_SHA_1 ? REED_SCRAM_SHA1 : REED_SCRAM_SHA256;
  reed_sasl_source_t src = source(p);
  char first[256], bare[200], cb[64], expect[128], *final, *sf;
  reed_sasl_t *s;
  reed_buf_t *out;
  int rc;

  snprintf(bare, sizeof(bare), "n=%s,r=clientnonce123", bare_name);
  snprintf(first, sizeof(first), "%s%s", gs2, bare);
  EVP_EncodeBlock((unsigned char *)cb, (const uint8_t *)gs2, (int)strlen(gs2));
  ASSERT_EQ(reed_sasl_new(mech, &src, NULL, &s), 0);
  ASSERT_EQ(step_str(s, first, &out), REED_SASL_CONTINUE);
  sf = strdup(buf_str(out));
  reed_buf_unref(out);
  final = scram_client_final(h, password, bare, sf, cb, expect, sizeof(expect));
  rc = step_str(s, final, &out);
  *v_ok = out != NULL && strcmp(buf_str(out), expect) == 0;
  if (rc == REED_SASL_SUCCESS)
    ASSERT_STR_EQ(reed_sasl_account(s), p->name);
  else
    ASSERT(out == NULL && reed_sasl_error(s) != NULL);
  reed_buf_unref(out);
  free(final);
  free(sf);
  reed_sasl_free(s);
  return rc;
}

TEST(scram_exchanges)
{
  static const struct {
    reed_sasl_mech_t mech;
    const char *gs2, *name, *password;
    int rc;
  } cases[] = {
      {REED_MECH_SCRAM_SHA_256, "n,,", "Alice", "s3cret", REED_SASL_SUCCESS},
      {REED_MECH_SCRAM_SHA_1, "n,,", "alice", "s3cret", REED_SASL_SUCCESS},
      {REED_MECH_SCRAM_SHA_256, "y,,", "alice", "s3cret", REED_SASL_SUCCESS},
      {REED_MECH_SCRAM_SHA_256, "n,a=ALICE,", "alice", "s3cret",
       REED_SASL_SUCCESS},
      {REED_MECH_SCRAM_SHA_256, "n,,", "alice", "wrong", REED_EAUTH},
      {REED_MECH_SCRAM_SHA_1, "n,,", "alice", "S3cret", REED_EAUTH},
      {REED_MECH_SCRAM_SHA_256, "n,,", "nobody", "s3cret", REED_EAUTH},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    pure_t p;
    bool v_ok = false;

    pure_account(&p, "alice", "s3cret", "c2FsdHNhbHRzYWx0");
    ASSERT_EQ(exchange(cases[i].mech, &p, cases[i].gs2, cases[i].name,
                       cases[i].password, &v_ok),
              cases[i].rc);
    ASSERT_EQ(v_ok, cases[i].rc == REED_SASL_SUCCESS);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(scram_saslname_escapes)
{
  pure_t p;
  bool v_ok = false;

  /* The account "a,b=c" is spelled a=2Cb=3Dc on the wire. */
  pure_account(&p, "a,b=c", "pw", "c2FsdHNhbHRzYWx0");
  ASSERT_EQ(
      exchange(REED_MECH_SCRAM_SHA_256, &p, "n,,", "a=2Cb=3Dc", "pw", &v_ok),
      REED_SASL_SUCCESS);
  ASSERT(v_ok);
  ASSERT_EQ(exchange(REED_MECH_SCRAM_SHA_256, &p, "n,a=a=2Cb=3Dc,", "a=2Cb=3Dc",
                     "pw", &v_ok),
            REED_SASL_SUCCESS);
}

/* An unknown name gets a plausible, stable server-first. */
TEST(scram_unknown_account_is_simulated)
{
  pure_t p;
  reed_sasl_source_t src;
  reed_sasl_t *s1, *s2;
  reed_buf_t *o1, *o2;

  pure_account(&p, "alice", "pw", "c2FsdHNhbHRzYWx0");
  src = source(&p);
  ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_256, &src, NULL, &s1), 0);
  ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_256, &src, NULL, &s2), 0);
  ASSERT_EQ(step_str(s1, "n,,n=ghost,r=abc", &o1), REED_SASL_CONTINUE);
  ASSERT_EQ(step_str(s2, "n,,n=GHOST,r=abc", &o2), REED_SASL_CONTINUE);
  ASSERT(strstr(buf_str(o1), ",i=4096") != NULL);
  ASSERT(strstr(buf_str(o1), ",s=") != NULL);
  ASSERT_EQ(o1->len, o2->len);
  ASSERT_MEM_EQ(o1->data, o2->data, o1->len);
  ASSERT_EQ(p.lookups, 2);
  reed_buf_unref(o1);
  reed_buf_unref(o2);
  reed_sasl_free(s1);
  reed_sasl_free(s2);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(scram_bad_client_first)
{
  static char big[REED_SASL_INPUT_MAX + 2];
  static const struct {
    const char *in;
    size_t len; /* 0: strlen */
    int rc;
  } cases[] = {
      {"", 0, REED_ESYNTAX},
      {"p=tls-unique,,n=user,r=abc", 0, REED_EINVAL},
      {"x,,n=user,r=abc", 0, REED_ESYNTAX},
      {"n,n=user,r=abc", 0, REED_ESYNTAX},
      {"n", 0, REED_ESYNTAX},
      {"n,,m=ext,n=user,r=abc", 0, REED_EINVAL},
      {"n,,n=,r=abc", 0, REED_ESYNTAX},
      {"n,,n=us=er,r=abc", 0, REED_ESYNTAX},
      {"n,,n=us=2,r=abc", 0, REED_ESYNTAX},
      {"n,,n=user", 0, REED_ESYNTAX},
      {"n,,n=user,r=", 0, REED_ESYNTAX},
      {"n,,n=user,r=ab\x7f", 0, REED_ESYNTAX},
      {"n,,r=abc,n=user", 0, REED_ESYNTAX},
      {"n,,user,r=abc", 0, REED_ESYNTAX},
      {"n,a=,n=user,r=abc", 0, REED_ESYNTAX},
      {"n,a=user", 0, REED_ESYNTAX},
      {"n,a=other,n=user,r=abc", 0, REED_EAUTH},
      {"n,,n=user,r=abc\0def", 19, REED_ESYNTAX},
      {"n,,n=us\xff\xfe,r=abc", 0, REED_ESYNTAX},
      {big, sizeof(big) - 1, REED_ETOOBIG},
  };

  memset(big, 'a', sizeof(big) - 1);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    pure_t p;
    reed_sasl_source_t src;
    reed_sasl_t *s;
    reed_buf_t *out = NULL;
    size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
    int rc;

    pure_account(&p, "user", "pencil", "c2FsdHNhbHRzYWx0");
    src = source(&p);
    ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_256, &src, NULL, &s), 0);
    rc = reed_sasl_step(s, (const uint8_t *)cases[i].in, len, &out);
    if (rc != cases[i].rc)
      fprintf(stderr, "case %zu: %s\n", i, reed_err_name(rc));
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT(out == NULL);
    ASSERT(reed_sasl_error(s) != NULL);
    ASSERT_EQ(reed_sasl_step(s, (const uint8_t *)"n,,n=user,r=abc", 15, &out),
              REED_EAUTHSTATE);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(scram_bad_client_final)
{
  static const struct {
    const char *in;
    int rc;
  } cases[] = {
      {"c=biws,r=abcSERVERNONCE", REED_ESYNTAX},
      {"c=biws,r=abcSERVERNONCE,p=!!!!", REED_ESYNTAX},
      {"c=biws,r=abcSERVERNONCE,p=AAAA", REED_ESYNTAX},
      {"r=abcSERVERNONCE,p=" /* 32 zero bytes */
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       REED_ESYNTAX},
      {"c=eSws,r=abcSERVERNONCE,"
       "p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       REED_EAUTH},
      {"c=biws,r=abcOTHER,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       REED_EAUTH},
      {"c=biws,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", REED_ESYNTAX},
      {"c=biws,r=abcSERVERNONCE,"
       "p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
       REED_EAUTH},
      {"", REED_ESYNTAX},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    pure_t p;
    reed_sasl_source_t src;
    reed_sasl_t *s;
    reed_buf_t *out = NULL;
    int rc;

    pure_account(&p, "user", "pencil", "c2FsdHNhbHRzYWx0");
    src = source(&p);
    ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_256, &src, NULL, &s), 0);
    ASSERT_EQ(step_str(s, "n,,n=user,r=abc", &out), REED_SASL_CONTINUE);
    reed_buf_unref(out);
    rc = step_str(s, cases[i].in, &out);
    if (rc != cases[i].rc)
      fprintf(stderr, "case %zu: %s (%s)\n", i, reed_err_name(rc),
              reed_sasl_error(s));
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT(out == NULL);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(scram_lookup_errors_pass_through)
{
  pure_t p;
  reed_sasl_source_t src;
  reed_sasl_t *s;
  reed_buf_t *out;

  pure_account(&p, "user", "pencil", "c2FsdHNhbHRzYWx0");
  p.lookup_rc = REED_ETHROTTLED;
  src = source(&p);
  ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_1, &src, NULL, &s), 0);
  ASSERT_EQ(step_str(s, "n,,n=user,r=abc", &out), REED_ETHROTTLED);
  ASSERT(out == NULL);
  reed_sasl_free(s);
  p.lookup_rc = REED_EIO;
  ASSERT_EQ(reed_sasl_new(REED_MECH_SCRAM_SHA_1, &src, NULL, &s), 0);
  ASSERT_EQ(step_str(s, "n,,n=user,r=abc", &out), REED_EIO);
  reed_sasl_free(s);
}

TEST(plain_messages)
{
  static char longpw[REED_AUTH_PASSWORD_MAX + 8];
  static const struct {
    const char *in;
    size_t len;
    int rc;
    const char *authcid, *password;
  } cases[] = {
      {"\0user\0pencil", 12, REED_SASL_PASSWORD, "user", "pencil"},
      {"user\0user\0pencil", 16, REED_SASL_PASSWORD, "user", "pencil"},
      {"USER\0user\0pencil", 16, REED_SASL_PASSWORD, "user", "pencil"},
      {"\0user\0p\xc3\xa9", 9, REED_SASL_PASSWORD, "user", "p\xc3\xa9"},
      {"admin\0user\0pencil", 17, REED_EAUTH, NULL, NULL},
      {"use\0user\0pencil", 15, REED_EAUTH, NULL, NULL},
      {"user\0pencil", 11, REED_ESYNTAX, NULL, NULL},
      {"userpencil", 10, REED_ESYNTAX, NULL, NULL},
      {"\0\0pencil", 8, REED_ESYNTAX, NULL, NULL},
      {"\0user\0", 6, REED_ESYNTAX, NULL, NULL},
      {"\0user\0pen\0cil", 13, REED_ESYNTAX, NULL, NULL},
      {"", 0, REED_ESYNTAX, NULL, NULL},
      {"\0us\xff"
       "er\0pw",
       10, REED_ESYNTAX, NULL, NULL},
      {longpw, sizeof(longpw), REED_ETOOBIG, NULL, NULL},
  };

  memset(longpw, 'p', sizeof(longpw));
  memcpy(longpw, "\0u\0", 3);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_sasl_t *s;
    reed_buf_t *out = NULL;
    size_t len = 0;
    int rc;

    ASSERT_EQ(reed_sasl_new(REED_MECH_PLAIN, NULL, NULL, &s), 0);
    rc = reed_sasl_step(s, (const uint8_t *)cases[i].in, cases[i].len, &out);
    if (rc != cases[i].rc)
      fprintf(stderr, "case %zu: %s\n", i, reed_err_name(rc));
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT(out == NULL);
    if (cases[i].authcid != NULL) {
      ASSERT_STR_EQ(reed_sasl_authcid(s), cases[i].authcid);
      ASSERT_STR_EQ(reed_sasl_password(s, &len), cases[i].password);
      ASSERT_EQ(len, strlen(cases[i].password));
    } else {
      ASSERT(reed_sasl_error(s) != NULL);
    }
    ASSERT(reed_sasl_account(s) == NULL);
    ASSERT_EQ(reed_sasl_step(s, (const uint8_t *)"\0a\0b", 4, &out),
              REED_EAUTHSTATE);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(sasl_input_bound)
{
  static uint8_t big[REED_SASL_INPUT_MAX + 1];
  reed_sasl_t *s;
  reed_buf_t *out;

  for (int m = REED_MECH_PLAIN; m <= REED_MECH_HT_SHA_256_EXPR; m++) {
    ASSERT_EQ(reed_sasl_new((reed_sasl_mech_t)m, NULL, "ab", &s), 0);
    ASSERT_EQ(reed_sasl_step(s, big, sizeof(big), &out), REED_ETOOBIG);
    ASSERT_STR_EQ(reed_sasl_error(s), "SASL message too long");
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_sasl_new((reed_sasl_mech_t)10, NULL, NULL, &s), REED_EINVAL);
  ASSERT(s == NULL);
}

#define FP_ALICE                                                               \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP_OTHER                                                               \
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

TEST(external_table)
{
  static const struct {
    const char *fp, *authzid;
    size_t len;
    int rc;
  } cases[] = {
      {FP_ALICE, "", 0, REED_SASL_SUCCESS},
      {FP_ALICE, "alice", 5, REED_SASL_SUCCESS},
      {FP_ALICE, "ALICE", 5, REED_SASL_SUCCESS},
      {FP_ALICE, "bob", 3, REED_EAUTH},
      {FP_ALICE, FP_OTHER, 64, REED_EAUTH},
      {FP_OTHER, "", 0, REED_EAUTH},
      {FP_OTHER, "alice", 5, REED_EAUTH},
      {"", "", 0, REED_EAUTH},
      {NULL, "alice", 5, REED_EAUTH},
      {FP_ALICE, "al\0ice", 6, REED_ESYNTAX},
      {FP_ALICE, "al\xffice", 6, REED_ESYNTAX},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    pure_t p = {.name = "Alice", .fp = FP_ALICE};
    reed_sasl_source_t src = source(&p);
    reed_sasl_t *s;
    reed_buf_t *out = NULL;
    int rc;

    ASSERT_EQ(reed_sasl_new(REED_MECH_EXTERNAL, &src, cases[i].fp, &s), 0);
    rc = reed_sasl_step(s, (const uint8_t *)cases[i].authzid, cases[i].len,
                        &out);
    if (rc != cases[i].rc)
      fprintf(stderr, "case %zu: %s\n", i, reed_err_name(rc));
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT(out == NULL);
    if (rc == REED_SASL_SUCCESS)
      ASSERT_STR_EQ(reed_sasl_account(s), "Alice");
    else
      ASSERT(reed_sasl_account(s) == NULL && reed_sasl_error(s) != NULL);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}
