/* SCRAM with channel binding (the -PLUS mechanisms, RFC 5802 section 6):
 * the vectors of gen_cbind_vectors.py, and a table of exchanges driven by
 * the test's own SCRAM client (auth_test.c). */
#include "auth_test.h"
#include "cbind_vectors.h"
#include "harness.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- A source with the one account "user" / "pencil" --------------------- */
typedef struct {
  reed_auth_scram_t keys[2];
  const char *nonce;
} acct_t;

static int
a_keys(void *ud, const char *name, reed_scram_hash_t h, reed_auth_scram_t *k,
       char account[REED_AUTH_NAME_MAX + 1])
{
  acct_t *a = ud;

  if (strcasecmp(name, "user") != 0)
    return REED_ENOACCOUNT;
  *k = a->keys[h];
  snprintf(account, REED_AUTH_NAME_MAX + 1, "user");
  return 0;
}

static void
a_nonce(void *ud, char *buf, size_t size)
{
  acct_t *a = ud;

  snprintf(buf, size, "%s", a->nonce ? a->nonce : "SERVERNONCE");
}

static reed_sasl_source_t
acct_source(acct_t *a, const char *salt1_b64, const char *salt256_b64)
{
  uint8_t salt[64];
  size_t n;

  memset(a, 0, sizeof(*a));
  n = unb64(salt1_b64, salt, sizeof(salt));
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA1, "pencil", 6, salt, n, 4096,
                                   &a->keys[REED_SCRAM_SHA1]),
            0);
  n = unb64(salt256_b64, salt, sizeof(salt));
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA256, "pencil", 6, salt, n,
                                   4096, &a->keys[REED_SCRAM_SHA256]),
            0);
  return (reed_sasl_source_t){.scram_keys = a_keys, .nonce = a_nonce, .ud = a};
}

/* ---- Binding data as a transport gives it ---------------------------------
 */
typedef struct {
  bool exporter, end_point; /* which types this "session" has */
  int calls;
} session_t;

static int
session_cb(void *ud, const char *type, uint8_t *out, size_t *len)
{
  session_t *t = ud;
  const uint8_t *d = NULL;
  size_t n = 0;

  t->calls++;
  if (strcmp(type, "tls-exporter") == 0 && t->exporter) {
    d = CB_EXPORTER;
    n = sizeof(CB_EXPORTER);
  } else if (strcmp(type, "tls-server-end-point") == 0 && t->end_point) {
    d = CB_END_POINT;
    n = sizeof(CB_END_POINT);
  }
  if (d == NULL || n > *len)
    return REED_EINVAL;
  memcpy(out, d, n);
  *len = n;
  return 0;
}

static int
step_str(reed_sasl_t *s, const char *in, reed_buf_t **out)
{
  return reed_sasl_step(s, (const uint8_t *)in, strlen(in), out);
}

/* The generator's vectors, byte for byte. */
TEST(scram_plus_vectors)
{
  static const struct {
    reed_sasl_mech_t mech;
    const char *snonce, *first, *server_first, *final, *server_final;
  } v[] = {
      {REED_MECH_SCRAM_SHA_256_PLUS, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
       V256_FIRST, V256_SERVER_FIRST, V256_FINAL, V256_SERVER_FINAL},
      {REED_MECH_SCRAM_SHA_1_PLUS, "3rfcNHYJY1ZVvWVs7j", V1_FIRST,
       V1_SERVER_FIRST, V1_FINAL, V1_SERVER_FINAL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(v); i++) {
    session_t sess = {.exporter = true, .end_point = true};
    reed_sasl_cbind_t cb = {session_cb, &sess, true};
    acct_t a;
    reed_sasl_source_t src =
        acct_source(&a, "QSXCR+Q6sek8bf92", "W22ZaJ0SNY7soEsUEjb6gQ==");
    reed_sasl_t *s;
    reed_buf_t *out;

    a.nonce = v[i].snonce;
    ASSERT_EQ(reed_sasl_new_cb(v[i].mech, &src, NULL, &cb, &s), 0);
    ASSERT_EQ(step_str(s, v[i].first, &out), REED_SASL_CONTINUE);
    ASSERT_STR_EQ(buf_str(out), v[i].server_first);
    reed_buf_unref(out);
    ASSERT_EQ(step_str(s, v[i].final, &out), REED_SASL_SUCCESS);
    ASSERT_STR_EQ(buf_str(out), v[i].server_final);
    ASSERT_STR_EQ(reed_sasl_account(s), "user");
    ASSERT_EQ(sess.calls, 1);
    reed_buf_unref(out);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* c= of the gs2 header and `cb_data` bytes of binding data. */
static void
cbind_b64(const char *gs2, const uint8_t *cb_data, size_t cb_len, char *out)
{
  uint8_t raw[256];
  size_t n = strlen(gs2);

  memcpy(raw, gs2, n);
  if (cb_len > 0)
    memcpy(raw + n, cb_data, cb_len);
  EVP_EncodeBlock((unsigned char *)out, raw, (int)(n + cb_len));
}

/* What the client puts after the header: nothing, the exporter, the
 * end-point hash, or 32 bytes that are not the exporter. */
enum { CB_NONE, CB_EXP, CB_EP, CB_BAD };

static void
client_cbind(const char *gs2, int which, char *out)
{
  static const uint8_t bad[32] = {0xff};

  if (which == CB_EXP)
    cbind_b64(gs2, CB_EXPORTER, sizeof(CB_EXPORTER), out);
  else if (which == CB_EP)
    cbind_b64(gs2, CB_END_POINT, sizeof(CB_END_POINT), out);
  else if (which == CB_BAD)
    cbind_b64(gs2, bad, sizeof(bad), out);
  else
    cbind_b64(gs2, NULL, 0, out);
}

TEST(scram_plus_table)
{
  static const struct {
    reed_sasl_mech_t mech;
    const char *gs2;
    int client_cb;            /* the data the client binds to */
    bool has_exp, has_ep, cb; /* the session's data; cb: any binding */
    bool offered;             /* -PLUS was advertised */
    int first_rc, final_rc;   /* final_rc when first_rc continues */
    const char *why;          /* reed_sasl_error's start, if it fails */
  } cases[] = {
      /* Bound, either type, with an authzid. */
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-exporter,,", CB_EXP, 1, 1, 1, 1,
       REED_SASL_CONTINUE, REED_SASL_SUCCESS, NULL},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-server-end-point,,", CB_EP, 1, 1, 1,
       1, REED_SASL_CONTINUE, REED_SASL_SUCCESS, NULL},
      {REED_MECH_SCRAM_SHA_1_PLUS, "p=tls-exporter,a=USER,", CB_EXP, 1, 0, 1, 1,
       REED_SASL_CONTINUE, REED_SASL_SUCCESS, NULL},
      /* Wrong binding data: the other type's, or none. */
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-exporter,,", CB_EP, 1, 1, 1, 1,
       REED_SASL_CONTINUE, REED_EAUTH, "SCRAM channel binding differs"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-exporter,,", CB_NONE, 1, 1, 1, 1,
       REED_SASL_CONTINUE, REED_EAUTH, "SCRAM channel binding differs"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-exporter,,", CB_BAD, 1, 1, 1, 1,
       REED_SASL_CONTINUE, REED_EAUTH, "SCRAM channel binding data differs"},
      /* Types: tls-unique, unknown, one the session has no data for, no
       * binding at all. */
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-unique,,", CB_NONE, 1, 1, 1, 1,
       REED_EINVAL, 0, "tls-unique channel binding is not offered"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-foo,,", CB_NONE, 1, 1, 1, 1,
       REED_EINVAL, 0, "channel binding type is not supported"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-server-end-point,,", CB_EP, 1, 0, 1,
       1, REED_EINVAL, 0, "no channel binding data"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls-exporter,,", CB_EXP, 0, 0, 0, 0,
       REED_EINVAL, 0, "no channel binding data"},
      /* The flag against the mechanism. */
      {REED_MECH_SCRAM_SHA_256_PLUS, "n,,", CB_NONE, 1, 1, 1, 1, REED_EINVAL, 0,
       "SCRAM -PLUS needs channel binding"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "y,,", CB_NONE, 1, 1, 1, 1, REED_EINVAL, 0,
       "SCRAM -PLUS needs channel binding"},
      {REED_MECH_SCRAM_SHA_256, "p=tls-exporter,,", CB_EXP, 1, 1, 1, 1,
       REED_EINVAL, 0, "SCRAM channel binding needs a -PLUS"},
      /* 'y' is a downgrade once -PLUS was offered, and fine before; 'n'
       * without -PLUS is always fine. */
      {REED_MECH_SCRAM_SHA_256, "y,,", CB_NONE, 1, 1, 1, 1, REED_EAUTH, 0,
       "SCRAM downgrade"},
      {REED_MECH_SCRAM_SHA_1, "y,,", CB_NONE, 1, 1, 1, 1, REED_EAUTH, 0,
       "SCRAM downgrade"},
      {REED_MECH_SCRAM_SHA_256, "y,,", CB_NONE, 0, 0, 1, 0, REED_SASL_CONTINUE,
       REED_SASL_SUCCESS, NULL},
      {REED_MECH_SCRAM_SHA_256, "n,,", CB_NONE, 1, 1, 1, 1, REED_SASL_CONTINUE,
       REED_SASL_SUCCESS, NULL},
      /* Malformed headers. */
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=,,", CB_NONE, 1, 1, 1, 1, REED_ESYNTAX,
       0, "SCRAM channel binding type is malformed"},
      {REED_MECH_SCRAM_SHA_256_PLUS, "p=tls_exporter,,", CB_NONE, 1, 1, 1, 1,
       REED_ESYNTAX, 0, "SCRAM channel binding type is malformed"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    session_t sess = {.exporter = cases[i].has_exp,
                      .end_point = cases[i].has_ep};
    reed_sasl_cbind_t cb = {session_cb, &sess, cases[i].offered};
    reed_scram_hash_t h = cases[i].mech == REED_MECH_SCRAM_SHA_1 ||
                                  cases[i].mech == REED_MECH_SCRAM_SHA_1_PLUS
                              ? REED_SCRAM_SHA1
                              : REED_SCRAM_SHA256;
    const char *bare = "n=user,r=clientnonce";
    char first[128], c[256], expect[128], *final;
    acct_t a;
    reed_sasl_source_t src = acct_source(&a, "c2FsdA==", "c2FsdHNhbHQ=");
    reed_sasl_t *s;
    reed_buf_t *out;
    int rc;

    snprintf(first, sizeof(first), "%s%s", cases[i].gs2, bare);
    ASSERT_EQ(reed_sasl_new_cb(cases[i].mech, &src, NULL,
                               cases[i].cb ? &cb : NULL, &s),
              0);
    rc = step_str(s, first, &out);
    ASSERT_EQ(rc, cases[i].first_rc);
    if (rc == REED_SASL_CONTINUE) {
      char *sf = strdup(buf_str(out));
      reed_buf_unref(out);
      client_cbind(cases[i].gs2, cases[i].client_cb, c);
      final =
          scram_client_final(h, "pencil", bare, sf, c, expect, sizeof(expect));
      rc = step_str(s, final, &out);
      ASSERT_EQ(rc, cases[i].final_rc);
      if (rc == REED_SASL_SUCCESS)
        ASSERT_STR_EQ(buf_str(out), expect);
      free(final);
      free(sf);
    }
    ASSERT((rc == REED_SASL_SUCCESS) == (reed_sasl_account(s) != NULL));
    if (cases[i].why != NULL)
      ASSERT(strncmp(reed_sasl_error(s), cases[i].why, strlen(cases[i].why)) ==
             0);
    else
      ASSERT(out != NULL);
    reed_buf_unref(out);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* The names and lists: -PLUS only on request; the old list is as it was. */
TEST(sasl_mech_list_plus)
{
  ASSERT_STR_EQ(reed_sasl_mech_list(),
                "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,EXTERNAL");
  ASSERT_STR_EQ(reed_sasl_mech_list_plus(false), reed_sasl_mech_list());
  ASSERT_STR_EQ(reed_sasl_mech_list_plus(true),
                "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,SCRAM-SHA-1-PLUS,"
                "SCRAM-SHA-256-PLUS,EXTERNAL");
  for (int m = REED_MECH_PLAIN; m <= REED_MECH_HT_SHA_256_EXPR; m++)
    ASSERT_EQ(reed_sasl_mech_parse(reed_sasl_mech_name((reed_sasl_mech_t)m)),
              m);
  ASSERT_STR_EQ(reed_sasl_mech_name((reed_sasl_mech_t)99), "unknown");
}
