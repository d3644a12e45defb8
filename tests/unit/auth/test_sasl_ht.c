/* The HT-SHA-256-* mechanisms (FAST tokens) with gen_cbind_vectors.py's
 * vectors, on their own and through the portal. */
#include "portal_int.h"
#include "auth_test.h"
#include "cbind_vectors.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- Tokens: "alice" has them, pinned to one mechanism ------------------ */
typedef struct {
  reed_sasl_mech_t pinned;
  const uint8_t *tok[2];
  size_t len[2];
  int n;  /* tokens alice has */
  int rc; /* forced lookup result when not 0 */
  int lookups;
  reed_sasl_mech_t asked;
  char client[32]; /* the exchange's client, "" for none */
} store_t;

static int
tokens_of(void *ud, const char *name, const char *client, reed_sasl_mech_t mech,
          reed_sasl_fast_token_t tokens[REED_SASL_FAST_TOKENS],
          char account[REED_AUTH_NAME_MAX + 1])
{
  store_t *st = ud;

  st->lookups++;
  st->asked = mech;
  snprintf(st->client, sizeof(st->client), "%s", client ? client : "");
  if (st->rc != 0)
    return st->rc;
  if (strcasecmp(name, "alice") != 0 || mech != st->pinned)
    return 0;
  for (int i = 0; i < st->n; i++) {
    memcpy(tokens[i].secret, st->tok[i], st->len[i]);
    tokens[i].len = st->len[i];
  }
  snprintf(account, REED_AUTH_NAME_MAX + 1, "Alice");
  return st->n;
}

/* Binding data of a session with both types, or with none. */
static int
both_cb(void *ud, const char *type, uint8_t *out, size_t *len)
{
  const uint8_t *d =
      strcmp(type, "tls-exporter") == 0 ? CB_EXPORTER : CB_END_POINT;
  size_t n = d == CB_EXPORTER ? sizeof(CB_EXPORTER) : sizeof(CB_END_POINT);

  if (ud == NULL || n > *len)
    return REED_EINVAL;
  memcpy(out, d, n);
  *len = n;
  return 0;
}

/* "name" NUL and the 32-byte initiator token (or `tlen` bytes of it). */
static size_t
initiator(const char *name, const uint8_t *tok, size_t tlen, uint8_t *out)
{
  size_t n = strlen(name);

  memcpy(out, name, n);
  out[n] = '\0';
  memcpy(out + n + 1, tok, tlen);
  return n + 1 + tlen;
}

#define TOK(s) (const uint8_t *)(s), sizeof(s) - 1

TEST(ht_table)
{
  static const uint8_t zero[32];
  static const struct {
    reed_sasl_mech_t mech, pinned;
    bool session; /* the connection has binding data */
    const uint8_t *tok0;
    size_t len0;
    const uint8_t *tok1;
    size_t len1;
    const char *name;
    const uint8_t *proof;
    size_t proof_len;
    int rc, index;
    const uint8_t *responder;
    const char *why;
  } cases[] = {
      /* Each binding type; the previous token still works. */
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_NONE_INITIATOR, 32, REED_SASL_SUCCESS, 0,
       HT_NONE_RESPONDER, NULL},
      {REED_MECH_HT_SHA_256_EXPR, REED_MECH_HT_SHA_256_EXPR, 1, TOK(HT_TOKEN),
       NULL, 0, "ALICE", HT_EXPR_INITIATOR, 32, REED_SASL_SUCCESS, 0,
       HT_EXPR_RESPONDER, NULL},
      {REED_MECH_HT_SHA_256_ENDP, REED_MECH_HT_SHA_256_ENDP, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_ENDP_INITIATOR, 32, REED_SASL_SUCCESS, 0,
       HT_ENDP_RESPONDER, NULL},
      {REED_MECH_HT_SHA_256_EXPR, REED_MECH_HT_SHA_256_EXPR, 1, TOK(HT_TOKEN),
       TOK(HT_OLD), "alice", HT_OLD_EXPR_INITIATOR, 32, REED_SASL_SUCCESS, 1,
       HT_OLD_EXPR_RESPONDER, NULL},
      /* A 100-byte token kept as its SHA-256 verifies the same. */
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, HT_LONG_SHA256,
       32, NULL, 0, "alice", HT_LONG_NONE_INITIATOR, 32, REED_SASL_SUCCESS, 0,
       HT_LONG_NONE_RESPONDER, NULL},
      /* Wrong binding: the token hashed over other data. */
      {REED_MECH_HT_SHA_256_EXPR, REED_MECH_HT_SHA_256_EXPR, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_NONE_INITIATOR, 32, REED_EAUTH, -1, NULL,
       "HT token is wrong"},
      {REED_MECH_HT_SHA_256_ENDP, REED_MECH_HT_SHA_256_ENDP, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_EXPR_INITIATOR, 32, REED_EAUTH, -1, NULL,
       "HT token is wrong"},
      /* A token pinned to another mechanism, an old token gone, nobody. */
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_EXPR, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_NONE_INITIATOR, 32, REED_EAUTH, -1, NULL,
       "HT token is wrong"},
      {REED_MECH_HT_SHA_256_EXPR, REED_MECH_HT_SHA_256_EXPR, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_OLD_EXPR_INITIATOR, 32, REED_EAUTH, -1, NULL,
       "HT token is wrong"},
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, TOK(HT_TOKEN),
       NULL, 0, "bob", HT_NONE_INITIATOR, 32, REED_EAUTH, -1, NULL,
       "HT token is wrong"},
      /* Refused bindings. */
      {REED_MECH_HT_SHA_256_UNIQ, REED_MECH_HT_SHA_256_UNIQ, 1, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_NONE_INITIATOR, 32, REED_EINVAL, -1, NULL,
       "tls-unique channel binding is not offered"},
      {REED_MECH_HT_SHA_256_EXPR, REED_MECH_HT_SHA_256_EXPR, 0, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_EXPR_INITIATOR, 32, REED_EINVAL, -1, NULL,
       "no channel binding data"},
      /* Malformed. */
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, TOK(HT_TOKEN),
       NULL, 0, "alice", HT_NONE_INITIATOR, 31, REED_ESYNTAX, -1, NULL,
       "HT hashed token is not 32 bytes"},
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, TOK(HT_TOKEN),
       NULL, 0, "", HT_NONE_INITIATOR, 32, REED_ESYNTAX, -1, NULL,
       "HT authcid is malformed"},
      {REED_MECH_HT_SHA_256_NONE, REED_MECH_HT_SHA_256_NONE, 0, TOK(HT_TOKEN),
       NULL, 0, "\xff", zero, 32, REED_ESYNTAX, -1, NULL,
       "HT authcid is malformed"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    store_t st = {.pinned = cases[i].pinned,
                  .tok = {cases[i].tok0, cases[i].tok1},
                  .len = {cases[i].len0, cases[i].len1},
                  .n = cases[i].tok1 != NULL ? 2 : 1};
    reed_sasl_source_t src = {.fast_token = tokens_of, .ud = &st};
    reed_sasl_cbind_t cb = {both_cb, cases[i].session ? &st : NULL, false};
    uint8_t msg[128];
    size_t len =
        initiator(cases[i].name, cases[i].proof, cases[i].proof_len, msg);
    reed_sasl_t *s;
    reed_buf_t *out;
    int rc;

    ASSERT_EQ(reed_sasl_new_cb(cases[i].mech, &src, NULL, &cb, &s), 0);
    rc = reed_sasl_step(s, msg, len, &out);
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT_EQ(reed_sasl_fast_token_index(s), cases[i].index);
    if (rc == REED_SASL_SUCCESS) {
      ASSERT_STR_EQ(reed_sasl_account(s), "Alice");
      ASSERT(out != NULL && out->len == 32);
      ASSERT(memcmp(out->data, cases[i].responder, 32) == 0);
      ASSERT_EQ(st.asked, cases[i].mech);
    } else {
      ASSERT(out == NULL && reed_sasl_account(s) == NULL);
      ASSERT(strncmp(reed_sasl_error(s), cases[i].why, strlen(cases[i].why)) ==
             0);
    }
    reed_buf_unref(out);
    ASSERT_EQ(reed_sasl_step(s, msg, len, &out), REED_EAUTHSTATE);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* No NUL, no token source, a failing lookup, a token without account. */
TEST(ht_edges)
{
  store_t st = {.pinned = REED_MECH_HT_SHA_256_NONE,
                .tok = {(const uint8_t *)HT_TOKEN},
                .len = {sizeof(HT_TOKEN) - 1},
                .n = 1};
  reed_sasl_source_t src = {.fast_token = tokens_of, .ud = &st};
  reed_sasl_source_t none = {0};
  uint8_t msg[64];
  size_t len = initiator("alice", HT_NONE_INITIATOR, 32, msg);
  reed_sasl_t *s;
  reed_buf_t *out;

  ASSERT_EQ(reed_sasl_new(REED_MECH_HT_SHA_256_NONE, &src, NULL, &s), 0);
  ASSERT_EQ(reed_sasl_step(s, (const uint8_t *)"alice", 5, &out), REED_ESYNTAX);
  ASSERT_STR_EQ(reed_sasl_error(s), "HT message has no NUL");
  reed_sasl_free(s);
  ASSERT_EQ(reed_sasl_new(REED_MECH_HT_SHA_256_NONE, &src, NULL, &s), 0);
  ASSERT_EQ(reed_sasl_step(s, msg, 0, &out), REED_ESYNTAX);
  reed_sasl_free(s);
  ASSERT_EQ(reed_sasl_new(REED_MECH_HT_SHA_256_NONE, &none, NULL, &s), 0);
  ASSERT_EQ(reed_sasl_step(s, msg, len, &out), REED_EAUTH);
  reed_sasl_free(s);
  st.rc = REED_EIO;
  ASSERT_EQ(reed_sasl_new(REED_MECH_HT_SHA_256_NONE, &src, NULL, &s), 0);
  ASSERT_EQ(reed_sasl_step(s, msg, len, &out), REED_EIO);
  ASSERT_STR_EQ(reed_sasl_error(s), "FAST token lookup failed");
  reed_sasl_free(s);
  /* reed_sasl_new (no binding) still runs HT-SHA-256-NONE; the lookup
   * gets the exchange's client (the last set, "" none). */
  st.rc = 0;
  ASSERT_EQ(reed_sasl_new(REED_MECH_HT_SHA_256_NONE, &src, NULL, &s), 0);
  ASSERT_EQ(reed_sasl_set_fast_client(s, "ua-1"), 0);
  ASSERT_EQ(reed_sasl_set_fast_client(s, "ua-2"), 0);
  ASSERT_EQ(reed_sasl_step(s, msg, len, &out), REED_SASL_SUCCESS);
  ASSERT_EQ(st.lookups, 2);
  ASSERT_STR_EQ(st.client, "ua-2");
  reed_buf_unref(out);
  reed_sasl_free(s);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* ---- Through the portal -------------------------------------------------- */
typedef struct {
  memsrc_t mem;
  reed_credsrc_t src;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_portal_t *p;
  store_t st;
  int calls, status;
} fix_t;

static void
fix_init(fix_t *f, const reed_portal_throttle_t *t)
{
  reed_portal_opts_t o = {.hash_level = REED_AUTH_HASH_MIN};

  memset(f, 0, sizeof(*f));
  memsrc_init(&f->mem, &f->src);
  fc_init(&f->fc);
  iw_init(&f->iw, 0);
  o.creds = &f->src;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  if (t != NULL)
    o.throttle = *t;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
  memsrc_add(&f->mem, "Alice", "pencil");
  f->st = (store_t){.pinned = REED_MECH_HT_SHA_256_EXPR,
                    .tok = {(const uint8_t *)HT_TOKEN},
                    .len = {sizeof(HT_TOKEN) - 1},
                    .n = 1};
}

static void
fix_done(fix_t *f)
{
  reed_portal_free(f->p);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
record(void *ud, uint64_t req_id, int status, const char *account)
{
  fix_t *f = ud;

  REED_UNUSED(req_id);
  REED_UNUSED(account);
  f->calls++;
  f->status = status;
}

/* One HT-SHA-256-EXPR login with `proof`: the code (a slowed verdict is
 * waited for) and, on success, the responder message's first byte check. */
static int
ht_login(fix_t *f, const uint8_t *proof, const char *ip)
{
  int one = 1;
  reed_sasl_cbind_t cb = {both_cb, &one, true};
  uint8_t msg[64];
  size_t len = initiator("alice", proof, 32, msg);
  int calls = f->calls, rc;
  reed_sasl_t *s;
  reed_buf_t *out;

  ASSERT_EQ(reed_portal_sasl_new_cb(f->p, "HT-SHA-256-EXPR", ip, NULL, &cb, &s),
            0);
  rc = reed_portal_sasl_step(s, msg, len, &out, record, f, 5);
  if (rc == REED_SASL_PENDING) {
    ASSERT(out == NULL);
    while (f->calls == calls)
      fc_advance(&f->fc, 50);
    rc = f->status == 0 ? REED_SASL_SUCCESS : f->status;
    out = rc == REED_SASL_SUCCESS ? reed_portal_sasl_success_data(s) : NULL;
  }
  if (rc == REED_SASL_SUCCESS) {
    ASSERT(out != NULL && memcmp(out->data, HT_EXPR_RESPONDER, 32) == 0);
    ASSERT_STR_EQ(reed_sasl_account(s), "Alice");
  }
  reed_buf_unref(out);
  reed_sasl_free(s);
  return rc;
}

/* The plain constructor keeps to the four mechanisms a protocol without
 * channel binding offers (IRC asks by the client's name); the _cb one
 * runs HT with the tokens a module set. */
TEST(portal_ht_login)
{
  fix_t f;
  reed_sasl_t *s;

  fix_init(&f, NULL);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "SCRAM-SHA-256-PLUS", NULL, NULL, &s),
            REED_EINVAL);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "HT-SHA-256-NONE", NULL, NULL, &s),
            REED_EINVAL);
  ASSERT(s == NULL);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "SCRAM-SHA-1", NULL, NULL, &s), 0);
  reed_sasl_free(s);
  /* No token source yet: nobody has a token. */
  ASSERT_EQ(ht_login(&f, HT_EXPR_INITIATOR, "192.0.2.1"), REED_EAUTH);
  reed_portal_set_fast_tokens(f.p, tokens_of, &f.st);
  ASSERT_EQ(ht_login(&f, HT_EXPR_INITIATOR, "192.0.2.1"), REED_SASL_SUCCESS);
  ASSERT_EQ(f.st.asked, REED_MECH_HT_SHA_256_EXPR);
  reed_portal_set_fast_tokens(f.p, NULL, NULL);
  ASSERT_EQ(ht_login(&f, HT_EXPR_INITIATOR, "192.0.2.1"), REED_EAUTH);
  fix_done(&f);
}

/* HT verdicts are throttled as SCRAM's: failures count, a refused pair is
 * refused even with the right token, a slowed success comes later with
 * its responder message. */
TEST(portal_ht_throttled)
{
  static const uint8_t wrong[32] = {1};
  fix_t f;
  uint64_t t0;

  fix_init(&f, &(reed_portal_throttle_t){.delay_after = 2, .pair_limit = 4});
  reed_portal_set_fast_tokens(f.p, tokens_of, &f.st);
  t0 = f.fc.now;
  ASSERT_EQ(ht_login(&f, wrong, "192.0.2.1"), REED_EAUTH);
  ASSERT_EQ(ht_login(&f, wrong, "192.0.2.1"), REED_EAUTH);
  ASSERT_EQ(f.calls, 0);
  ASSERT_EQ(f.fc.now, t0);
  ASSERT_EQ(ht_login(&f, HT_EXPR_INITIATOR, "192.0.2.1"), REED_SASL_SUCCESS);
  ASSERT_EQ(f.calls, 1);
  ASSERT(f.fc.now > t0);
  for (int i = 0; i < 4; i++)
    ht_login(&f, wrong, "192.0.2.1");
  ASSERT_EQ(ht_login(&f, HT_EXPR_INITIATOR, "192.0.2.1"), REED_ETHROTTLED);
  fix_done(&f);
}

/* Allocation N fails, for every N until the login needs no more: a clean
 * code each time, no leak. */
TEST(failmalloc_ht)
{
  store_t st = {.pinned = REED_MECH_HT_SHA_256_EXPR,
                .tok = {(const uint8_t *)HT_TOKEN},
                .len = {sizeof(HT_TOKEN) - 1},
                .n = 1};
  reed_sasl_source_t src = {.fast_token = tokens_of, .ud = &st};
  reed_sasl_cbind_t cb = {both_cb, &st, true};
  uint8_t msg[64];
  size_t len = initiator("alice", HT_EXPR_INITIATOR, 32, msg);
  int rc = 0;
  long n;

  for (n = 0; n < 50 && rc != REED_SASL_SUCCESS; n++) {
    reed_sasl_t *s = NULL;
    reed_buf_t *out = NULL;

    reed_alloc_fail_after(n);
    rc = reed_sasl_new_cb(REED_MECH_HT_SHA_256_EXPR, &src, NULL, &cb, &s);
    if (rc == 0)
      rc = reed_sasl_step(s, msg, len, &out);
    reed_alloc_fail_after(-1);
    ASSERT(rc == REED_SASL_SUCCESS || rc == REED_ENOMEM);
    reed_buf_unref(out);
    reed_sasl_free(s);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT_EQ(rc, REED_SASL_SUCCESS);
  ASSERT(n > 2);
}
