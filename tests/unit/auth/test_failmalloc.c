/* Allocation N fails, for every N until an exchange needs no more: each
 * attempt ends with a clean code, never a crash or a leak (nghttp2's
 * failmalloc pattern). */
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
keys(void *ud, const char *name, reed_scram_hash_t h, reed_auth_scram_t *k,
     char account[REED_AUTH_NAME_MAX + 1])
{
  const reed_auth_scram_t *all = ud;

  if (strcmp(name, "user") != 0)
    return REED_ENOACCOUNT;
  *k = all[h];
  snprintf(account, REED_AUTH_NAME_MAX + 1, "user");
  return 0;
}

/* One SCRAM-SHA-256 exchange; returns the last code. */
static int
scram_once(reed_auth_scram_t *all)
{
  reed_sasl_source_t src = {.scram_keys = keys, .ud = all};
  const char *bare = "n=user,r=nonce";
  char expect[128], *final, *sf;
  reed_sasl_t *s;
  reed_buf_t *out;
  int rc = reed_sasl_new(REED_MECH_SCRAM_SHA_256, &src, NULL, &s);

  if (rc != 0)
    return rc;
  rc = reed_sasl_step(s, (const uint8_t *)"n,,n=user,r=nonce", 17, &out);
  if (rc == REED_SASL_CONTINUE) {
    sf = strdup(buf_str(out));
    reed_buf_unref(out);
    final = scram_client_final(REED_SCRAM_SHA256, "pencil", bare, sf, "biws",
                               expect, sizeof(expect));
    rc = reed_sasl_step(s, (const uint8_t *) final, strlen(final), &out);
    reed_buf_unref(out);
    free(final);
    free(sf);
  }
  reed_sasl_free(s);
  return rc;
}

TEST(failmalloc_scram)
{
  static const uint8_t salt[16] = "0123456789abcdef";
  reed_auth_scram_t all[2];
  int rc = 0;
  long n;

  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA1, "pencil", 6, salt, 16, 4096,
                                   &all[0]),
            0);
  ASSERT_EQ(reed_auth_scram_derive(REED_SCRAM_SHA256, "pencil", 6, salt, 16,
                                   4096, &all[1]),
            0);
  for (n = 0; n < 200 && rc != REED_SASL_SUCCESS; n++) {
    reed_alloc_fail_after(n);
    rc = scram_once(all);
    reed_alloc_fail_after(-1);
    if (rc != REED_SASL_SUCCESS && rc != REED_ENOMEM)
      fprintf(stderr, "n=%ld: %s\n", n, reed_err_name(rc));
    ASSERT(rc == REED_SASL_SUCCESS || rc == REED_ENOMEM);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT_EQ(rc, REED_SASL_SUCCESS);
  ASSERT(n > 3);
}

typedef struct {
  int calls, status;
} res_t;

static void
done(void *ud, uint64_t req_id, int status, const char *account)
{
  res_t *r = ud;

  REED_UNUSED(req_id);
  REED_UNUSED(account);
  r->calls++;
  r->status = status;
}

/* Portal: new, register, PLAIN login, free, with allocation N failing. */
static int
portal_once(memsrc_t *m, reed_credsrc_t *src, res_t *r)
{
  fake_clock_t fc;
  inline_worker_t iw;
  reed_portal_t *p;
  reed_sasl_t *s = NULL;
  reed_buf_t *out;
  reed_portal_opts_t o = {.creds = src,
                          .registration_open = true,
                          .hash_level = REED_AUTH_HASH_MIN};
  int rc;

  memsrc_init(m, src);
  fc_init(&fc);
  iw_init(&iw, 0);
  o.worker = &iw.worker;
  o.clock = &fc.clock;
  rc = reed_portal_new(&o, &p);
  if (rc != 0)
    return rc;
  rc = reed_portal_register(p, "Alice", "pencil", 6, "a@b", NULL, done, r, 1);
  if (rc == 0 && r->status == 0)
    rc = reed_portal_sasl_new(p, "PLAIN", "10.0.0.1", NULL, &s);
  if (rc == 0 && r->status == 0)
    rc = reed_portal_sasl_step(s, (const uint8_t *)"\0alice\0pencil", 13, &out,
                               done, r, 2);
  reed_sasl_free(s);
  reed_portal_free(p);
  fc_cleanup(&fc);
  return rc;
}

TEST(failmalloc_portal)
{
  memsrc_t m;
  reed_credsrc_t src;
  res_t r;
  int rc = 0;
  long n;

  for (n = 0; n < 200; n++) {
    memset(&r, 0, sizeof(r));
    reed_alloc_fail_after(n);
    rc = portal_once(&m, &src, &r);
    reed_alloc_fail_after(-1);
    ASSERT_EQ(reed_alloc_live(), 0);
    ASSERT(rc == REED_SASL_PENDING || rc == REED_ENOMEM);
    if (rc == REED_SASL_PENDING && r.calls == 2 && r.status == 0)
      break;
  }
  ASSERT(n > 2 && n < 200);
}
