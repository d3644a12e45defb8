/* The portal over an in-memory credential source, with the fake clock and
 * the inline worker (immediate and deferred). */
#include "portal_int.h"
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int calls;
  int status;
  uint64_t req_id;
  char account[REED_AUTH_NAME_MAX + 1];
} rec_t;

static void
record(void *ud, uint64_t req_id, int status, const char *account)
{
  rec_t *r = ud;

  r->calls++;
  r->status = status;
  r->req_id = req_id;
  snprintf(r->account, sizeof(r->account), "%s", account ? account : "");
}

typedef struct {
  memsrc_t mem;
  reed_credsrc_t src;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_portal_t *p;
  rec_t r;
} fix_t;

static void
fix_init(fix_t *f, int deferred, bool open)
{
  reed_portal_opts_t o = {
      .worker = &f->iw.worker,
      .clock = &f->fc.clock,
      .registration_open = open,
      .hash_level = REED_AUTH_HASH_MIN,
  };

  memset(f, 0, sizeof(*f));
  memsrc_init(&f->mem, &f->src);
  fc_init(&f->fc);
  iw_init(&f->iw, deferred);
  o.creds = &f->src;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
  memsrc_add(&f->mem, "Alice", "pencil");
}

static void
fix_done(fix_t *f)
{
  reed_portal_free(f->p);
  iw_run(&f->iw);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static int
login(fix_t *f, const char *name, const char *pw, const char *ip)
{
  return reed_portal_login_password(f->p, name, pw, strlen(pw), ip, record,
                                    &f->r, 42);
}

TEST(portal_login_success)
{
  fix_t f;

  fix_init(&f, 0, false);
  ASSERT_EQ(login(&f, "alice", "pencil", "10.0.0.1"), 0);
  ASSERT_EQ(f.r.calls, 1);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_EQ(f.r.req_id, 42);
  ASSERT_STR_EQ(f.r.account, "Alice");
  ASSERT_EQ(login(&f, "ALICE", "pencil", NULL), 0);
  ASSERT_EQ(f.r.calls, 2);
  ASSERT_STR_EQ(f.r.account, "Alice");
  fix_done(&f);
}

TEST(portal_login_deferred)
{
  fix_t f;

  fix_init(&f, 1, false);
  ASSERT_EQ(login(&f, "alice", "pencil", "10.0.0.1"), 0);
  ASSERT_EQ(f.r.calls, 0);
  ASSERT_EQ(reed_portal_pending(f.p), 1);
  ASSERT_EQ(iw_pending(&f.iw), 1);
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.calls, 1);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_STR_EQ(f.r.account, "Alice");
  ASSERT_EQ(reed_portal_pending(f.p), 0);
  fix_done(&f);
}

/* A wrong password and an unknown account look the same, and both run a
 * hash on the worker. */
TEST(portal_wrong_and_unknown_alike)
{
  fix_t f;
  rec_t wrong, unknown;
  unsigned long long ops = crypto_pwhash_OPSLIMIT_MIN;

  fix_init(&f, 1, false);
  ASSERT_EQ(login(&f, "alice", "pen", "10.0.0.1"), 0);
  ASSERT_EQ(iw_run(&f.iw), 1);
  wrong = f.r;
  memset(&f.r, 0, sizeof(f.r));
  ASSERT_EQ(login(&f, "nobody", "pen", "10.0.0.1"), 0);
  ASSERT_EQ(iw_run(&f.iw), 1);
  unknown = f.r;
  ASSERT_EQ(wrong.calls, 1);
  ASSERT_EQ(wrong.status, REED_EAUTH);
  ASSERT_EQ(memcmp(&wrong, &unknown, sizeof(wrong)), 0);
  /* The dummy is a well-formed argon2id string at the portal's cost, so
   * its verify costs what a real one costs. */
  ASSERT_EQ(crypto_pwhash_str_needs_rehash(f.p->dummy_hash, ops,
                                           crypto_pwhash_MEMLIMIT_MIN),
            0);
  reed_portal_set_hash_level(f.p, REED_AUTH_HASH_INTERACTIVE);
  ASSERT_EQ(crypto_pwhash_str_needs_rehash(f.p->dummy_hash,
                                           crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  fix_done(&f);
}

TEST(portal_login_bad_arguments)
{
  fix_t f;

  fix_init(&f, 0, false);
  ASSERT_EQ(login(&f, "", "pencil", NULL), REED_EINVAL);
  ASSERT_EQ(login(&f, "alice", "", NULL), REED_EINVAL);
  ASSERT_EQ(reed_portal_login_password(f.p, "alice", "pencil", 6, NULL, NULL,
                                       NULL, 1),
            REED_EINVAL);
  f.mem.fail_get = REED_EIO;
  ASSERT_EQ(login(&f, "alice", "pencil", NULL), REED_EIO);
  ASSERT_EQ(f.r.calls, 0);
  fix_done(&f);
}

TEST(portal_cancel_and_free_while_pending)
{
  fix_t f;
  rec_t other = {0};

  fix_init(&f, 1, false);
  ASSERT_EQ(login(&f, "alice", "pencil", NULL), 0);
  ASSERT_EQ(reed_portal_login_password(f.p, "alice", "pencil", 6, NULL, record,
                                       &other, 7),
            0);
  reed_portal_cancel(f.p, 42);
  ASSERT_EQ(iw_run(&f.iw), 2);
  ASSERT_EQ(f.r.calls, 0);
  ASSERT_EQ(other.calls, 1);
  ASSERT_EQ(reed_portal_pending(f.p), 0);
  /* The portal goes away with a hash in flight: the result is dropped. */
  ASSERT_EQ(login(&f, "alice", "pencil", NULL), 0);
  reed_portal_free(f.p);
  f.p = NULL;
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.calls, 0);
  fix_done(&f);
}

static int
reg(fix_t *f, const char *name, const char *pw, const char *email)
{
  return reed_portal_register(f->p, name, pw, strlen(pw), email, NULL, record,
                              &f->r, 9);
}

TEST(portal_register)
{
  fix_t f;
  mem_account_t *a;

  fix_init(&f, 1, true);
  ASSERT_EQ(reg(&f, "Bob", "hunter22", "bob@example.org"), 0);
  ASSERT_EQ(f.r.calls, 0);
  ASSERT(memsrc_find(&f.mem, "bob") == NULL);
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.calls, 1);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_STR_EQ(f.r.account, "Bob");
  a = memsrc_find(&f.mem, "bob");
  ASSERT(a != NULL);
  ASSERT_STR_EQ(a->creds.account, "Bob");
  ASSERT_STR_EQ(a->email, "bob@example.org");
  ASSERT_EQ(reed_auth_pwverify(a->creds.pwhash, "hunter22", 8), 0);
  ASSERT_EQ(a->creds.scram[REED_SCRAM_SHA256].iterations, 4096);
  ASSERT_EQ(a->creds.scram[REED_SCRAM_SHA1].salt_len, 16);
  ASSERT(memcmp(a->creds.scram[0].salt, a->creds.scram[1].salt, 16) != 0);
  /* And the new account logs in. */
  ASSERT_EQ(login(&f, "bob", "hunter22", NULL), 0);
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_STR_EQ(f.r.account, "Bob");
  fix_done(&f);
}

TEST(portal_register_refusals)
{
  static const struct {
    const char *name, *pw, *email;
    int rc;
  } cases[] = {
      {"alice", "whatever", NULL, REED_EACCOUNTEXISTS},
      {"ALICE", "whatever", NULL, REED_EACCOUNTEXISTS},
      {"1abc", "whatever", NULL, REED_EBADACCOUNT},
      {"", "whatever", NULL, REED_EBADACCOUNT},
      {"a b", "whatever", NULL, REED_EBADACCOUNT},
      {"abcdefghijabcdefghijabcdefghijabc", "whatever", NULL, REED_EBADACCOUNT},
      {"bob", "", NULL, REED_EINVAL},
      {"bob", "two\nlines", NULL, REED_EINVAL},
      {"bob", "whatever", "no-at-sign", REED_EINVAL},
      {"bob", "whatever", "@example.org", REED_EINVAL},
      {"bob", "whatever", "bob@", REED_EINVAL},
      {"bob", "whatever", "a b@example.org", REED_EINVAL},
      {"bob", "whatever", "bob@exa\nmple.org", REED_EINVAL},
      {"bob", "whatever", "**", REED_EINVAL},
  };
  fix_t f;

  fix_init(&f, 0, true);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    ASSERT_EQ(reg(&f, cases[i].name, cases[i].pw, cases[i].email), cases[i].rc);
  ASSERT_EQ(f.r.calls, 0);
  ASSERT_EQ(f.mem.creates, 0);
  reed_portal_set_registration(f.p, false);
  ASSERT_EQ(reg(&f, "bob", "hunter22", NULL), REED_EREGCLOSED);
  reed_portal_set_registration(f.p, true);
  ASSERT_EQ(reg(&f, "bob", "hunter22", NULL), 0);
  ASSERT_EQ(f.r.status, 0);
  fix_done(&f);
}

/* No email is NULL, "" or "*" (IRC's account-registration): the source
 * gets none. */
TEST(portal_register_without_email)
{
  static const char *const none[] = {NULL, "", "*"};
  static const char *const names[] = {"bob", "carol", "dave"};
  fix_t f;

  fix_init(&f, 0, true);
  for (size_t i = 0; i < REED_ARRAY_SIZE(none); i++) {
    ASSERT_EQ(reg(&f, names[i], "hunter22", none[i]), 0);
    ASSERT_EQ(f.r.status, 0);
    ASSERT(memsrc_find(&f.mem, names[i]) != NULL);
    ASSERT_STR_EQ(memsrc_find(&f.mem, names[i])->email, "");
  }
  fix_done(&f);
}

/* [server] password_min: new passwords (register, passwd) are counted in
 * characters; logins with an older, shorter password still work. */
TEST(portal_password_min)
{
  static const struct {
    const char *pw;
    int rc;
  } cases[] = {
      {"x", REED_EWEAKPASSWORD},
      {"1234567", REED_EWEAKPASSWORD},
      {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
       REED_EWEAKPASSWORD}, /* 4 chars, 8 bytes */
      {"12345678", 0},
      {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0},
  };
  char name[16];
  fix_t f;

  fix_init(&f, 0, true);
  reed_portal_set_password_min(f.p, 8);
  ASSERT_EQ(reed_portal_password_min(f.p), 8);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    snprintf(name, sizeof(name), "user%zu", i);
    ASSERT_EQ(reg(&f, name, cases[i].pw, NULL), cases[i].rc);
  }
  ASSERT_EQ(f.r.calls, 2);
  ASSERT_EQ(reed_portal_passwd(f.p, "alice", "short", 5, record, &f.r, 3),
            REED_EWEAKPASSWORD);
  ASSERT_EQ(login(&f, "alice", "pencil", NULL), 0); /* 6 characters */
  ASSERT_EQ(f.r.status, 0);
  fix_done(&f);
}

/* Two registrations of one name in flight: the second loses at the store. */
TEST(portal_register_race)
{
  fix_t f;
  rec_t second = {0};

  fix_init(&f, 1, true);
  ASSERT_EQ(reg(&f, "carol", "pw1", NULL), 0);
  ASSERT_EQ(reed_portal_register(f.p, "Carol", "pw2", 3, NULL, NULL, record,
                                 &second, 10),
            0);
  ASSERT_EQ(iw_run(&f.iw), 2);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_EQ(second.calls, 1);
  ASSERT_EQ(second.status, REED_EACCOUNTEXISTS);
  ASSERT_STR_EQ(second.account, "");
  ASSERT_EQ(
      reed_auth_pwverify(memsrc_find(&f.mem, "carol")->creds.pwhash, "pw1", 3),
      0);
  fix_done(&f);
}

TEST(portal_passwd)
{
  fix_t f;

  fix_init(&f, 0, false);
  ASSERT_EQ(reed_portal_passwd(f.p, "ALICE", "newpw", 5, record, &f.r, 3), 0);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_STR_EQ(f.r.account, "Alice");
  ASSERT_EQ(f.mem.sets, 1);
  ASSERT_EQ(login(&f, "alice", "pencil", NULL), 0);
  ASSERT_EQ(f.r.status, REED_EAUTH);
  ASSERT_EQ(login(&f, "alice", "newpw", NULL), 0);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_EQ(reed_portal_passwd(f.p, "nobody", "newpw", 5, record, &f.r, 3),
            REED_ENOACCOUNT);
  ASSERT_EQ(reed_portal_passwd(f.p, "alice", "", 0, record, &f.r, 3),
            REED_EINVAL);
  fix_done(&f);
}

static int
sasl_step(reed_sasl_t *s, const void *in, size_t len, reed_buf_t **out,
          rec_t *r)
{
  return reed_portal_sasl_step(s, in, len, out, record, r, 77);
}

TEST(portal_sasl_plain)
{
  fix_t f;
  reed_sasl_t *s;
  reed_buf_t *out;

  fix_init(&f, 1, false);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "plain", "10.0.0.1", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice\0pencil", 13, &out, &f.r), REED_SASL_PENDING);
  ASSERT(out == NULL);
  ASSERT_EQ(f.r.calls, 0);
  /* The exchange object may go before the result comes. */
  reed_sasl_free(s);
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.status, 0);
  ASSERT_EQ(f.r.req_id, 77);
  ASSERT_STR_EQ(f.r.account, "Alice");
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "10.0.0.1", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice\0nope", 11, &out, &f.r), REED_SASL_PENDING);
  ASSERT_EQ(iw_run(&f.iw), 1);
  ASSERT_EQ(f.r.status, REED_EAUTH);
  reed_sasl_free(s);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "10.0.0.1", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice", 6, &out, &f.r), REED_ESYNTAX);
  reed_sasl_free(s);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "CRAM-MD5", NULL, NULL, &s), REED_EINVAL);
  ASSERT(s == NULL);
  fix_done(&f);
}

/* A SCRAM-SHA-256 or SHA-1 exchange through the portal with the test's
 * client; returns the final code. */
static int
portal_scram(fix_t *f, const char *mech, const char *name, const char *pw,
             const char *ip)
{
  reed_scram_hash_t h =
      strcmp(mech, "SCRAM-SHA-1") == 0 ? REED_SCRAM_SHA1 : REED_SCRAM_SHA256;
  char first[128], bare[96], expect[128], *final, *sf;
  reed_sasl_t *s;
  reed_buf_t *out;
  int rc;

  snprintf(bare, sizeof(bare), "n=%s,r=abcdef", name);
  snprintf(first, sizeof(first), "n,,%s", bare);
  ASSERT_EQ(reed_portal_sasl_new(f->p, mech, ip, NULL, &s), 0);
  rc = sasl_step(s, first, strlen(first), &out, &f->r);
  if (rc != REED_SASL_CONTINUE) {
    ASSERT(out == NULL);
    reed_sasl_free(s);
    return rc;
  }
  sf = strdup(buf_str(out));
  reed_buf_unref(out);
  final = scram_client_final(h, pw, bare, sf, "biws", expect, sizeof(expect));
  rc = sasl_step(s, final, strlen(final), &out, &f->r);
  if (rc == REED_SASL_SUCCESS) {
    ASSERT_STR_EQ(buf_str(out), expect);
    ASSERT_STR_EQ(reed_sasl_account(s), "Alice");
  }
  reed_buf_unref(out);
  free(final);
  free(sf);
  reed_sasl_free(s);
  return rc;
}

TEST(portal_sasl_scram)
{
  fix_t f;

  fix_init(&f, 0, false);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-256", "alice", "pencil", "10.0.0.1"),
            REED_SASL_SUCCESS);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-1", "ALICE", "pencil", "10.0.0.1"),
            REED_SASL_SUCCESS);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-256", "alice", "wrong", "10.0.0.1"),
            REED_EAUTH);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-256", "ghost", "pencil", "10.0.0.1"),
            REED_EAUTH);
  /* No hash ran: SCRAM uses the stored keys only. */
  ASSERT_EQ(f.r.calls, 0);
  fix_done(&f);
}

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

TEST(portal_external)
{
  fix_t f;
  char account[REED_AUTH_NAME_MAX + 1];
  reed_sasl_t *s;
  reed_buf_t *out;

  fix_init(&f, 0, false);
  /* Not registered yet. */
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), REED_EAUTH);
  ASSERT_STR_EQ(account, "");
  ASSERT_EQ(reed_auth_cert_add_src(&f.src, "alice",
                                   "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:"
                                   "CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
                                   "89:AB:CD:EF"),
            0);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), 0);
  ASSERT_STR_EQ(account, "Alice");
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, "alice", account), 0);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, "bob", account), REED_EAUTH);
  ASSERT_EQ(reed_portal_login_cert(f.p, "", NULL, account), REED_EAUTH);
  ASSERT_EQ(reed_portal_login_cert(f.p, NULL, NULL, account), REED_EAUTH);
  /* Through SASL: the fingerprint is the session's, never the client's. */
  ASSERT_EQ(reed_portal_sasl_new(f.p, "EXTERNAL", "10.0.0.1", FP, &s), 0);
  ASSERT_EQ(sasl_step(s, "", 0, &out, &f.r), REED_SASL_SUCCESS);
  ASSERT_STR_EQ(reed_sasl_account(s), "Alice");
  reed_sasl_free(s);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "EXTERNAL", "10.0.0.1", "", &s), 0);
  ASSERT_EQ(sasl_step(s, FP, 64, &out, &f.r), REED_EAUTH);
  reed_sasl_free(s);
  ASSERT_EQ(reed_auth_cert_del_src(&f.src, "alice", FP), 0);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), REED_EAUTH);
  fix_done(&f);
}

TEST(cli_accounts_over_source)
{
  memsrc_t m;
  reed_credsrc_t src;
  mem_account_t *a;

  memsrc_init(&m, &src);
  ASSERT_EQ(
      reed_auth_account_add_src(&src, "Dave", "pw", 2, REED_AUTH_HASH_MIN), 0);
  a = memsrc_find(&m, "dave");
  ASSERT(a != NULL);
  ASSERT_EQ(reed_auth_pwverify(a->creds.pwhash, "pw", 2), 0);
  ASSERT_EQ(a->creds.scram[REED_SCRAM_SHA256].iterations, 4096);
  ASSERT_EQ(
      reed_auth_account_add_src(&src, "DAVE", "pw", 2, REED_AUTH_HASH_MIN),
      REED_EACCOUNTEXISTS);
  ASSERT_EQ(reed_auth_account_add_src(&src, "9x", "pw", 2, REED_AUTH_HASH_MIN),
            REED_EBADACCOUNT);
  ASSERT_EQ(reed_auth_account_add_src(&src, "erin", "", 0, REED_AUTH_HASH_MIN),
            REED_EINVAL);
  ASSERT_EQ(
      reed_auth_account_passwd_src(&src, "dave", "pw2", 3, REED_AUTH_HASH_MIN),
      0);
  ASSERT_EQ(reed_auth_pwverify(a->creds.pwhash, "pw2", 3), 0);
  ASSERT_STR_EQ(a->creds.account, "Dave");
  ASSERT_EQ(
      reed_auth_account_passwd_src(&src, "erin", "pw2", 3, REED_AUTH_HASH_MIN),
      REED_ENOACCOUNT);
  ASSERT_EQ(reed_auth_cert_add_src(&src, "dave", "xyz"), REED_EINVAL);
  ASSERT_EQ(reed_auth_cert_add_src(&src, "erin", FP), REED_ENOACCOUNT);
  ASSERT_EQ(reed_auth_cert_add_src(&src, "dave", FP), 0);
  ASSERT_STR_EQ(a->fp, FP);
  ASSERT_EQ(reed_auth_cert_del_src(&src, "dave", "12"), REED_EINVAL);
  ASSERT_EQ(reed_auth_account_del_src(&src, "dave"), 0);
  ASSERT_EQ(reed_auth_account_del_src(&src, "dave"), REED_ENOACCOUNT);
  ASSERT(memsrc_find(&m, "dave") == NULL);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A worker that cannot run anything: submit fails, or done comes back
 * with an error and the work never ran (shutdown). */
typedef struct {
  reed_worker_t w;
  int submit_rc;
} dead_worker_t;

static int
dead_submit(void *w, void (*work)(void *), void (*done)(void *, int), void *arg)
{
  dead_worker_t *d = w;

  REED_UNUSED(work);
  if (d->submit_rc != 0)
    return d->submit_rc;
  done(arg, REED_ECLOSED);
  return 0;
}

TEST(portal_worker_failures)
{
  fix_t f;
  dead_worker_t dead = {.w = {.submit = dead_submit}};
  reed_portal_t *p;
  reed_portal_opts_t o;
  rec_t r = {0};

  fix_init(&f, 0, true);
  dead.w.w = &dead;
  o = (reed_portal_opts_t){.creds = &f.src,
                           .worker = &dead.w,
                           .clock = &f.fc.clock,
                           .registration_open = true};
  ASSERT_EQ(reed_portal_new(&o, &p), 0);
  /* No verdict and no failure counted, however often. */
  for (int i = 0; i < 8; i++) {
    ASSERT_EQ(reed_portal_login_password(p, "alice", "x", 1, "10.0.0.1", record,
                                         &r, 1),
              0);
    ASSERT_EQ(r.status, REED_ECLOSED);
  }
  ASSERT(!reed__portal_verdict(p, "alice", "10.0.0.1").refused);
  ASSERT_EQ(reed__throttle_size(p->addrs), 0);
  ASSERT_EQ(reed__throttle_size(p->pairs), 0);
  ASSERT_EQ(reed_portal_register(p, "bob", "pw", 2, NULL, NULL, record, &r, 2),
            0);
  ASSERT_EQ(r.status, REED_ECLOSED);
  ASSERT(memsrc_find(&f.mem, "bob") == NULL);
  ASSERT_EQ(r.calls, 9);
  dead.submit_rc = REED_ENOMEM;
  ASSERT_EQ(reed_portal_login_password(p, "alice", "x", 1, NULL, record, &r, 1),
            REED_ENOMEM);
  ASSERT_EQ(reed_portal_register(p, "bob", "pw", 2, NULL, NULL, record, &r, 2),
            REED_ENOMEM);
  ASSERT_EQ(r.calls, 9);
  ASSERT_EQ(reed_portal_pending(p), 0);
  reed_portal_free(p);
  fix_done(&f);
}

/* The counters metrics read: each outcome under its method; malformed
 * exchanges count nothing; registrations. */
TEST(portal_login_counters)
{
  static const reed_portal_throttle_t strict = {.address_limit = 2,
                                                .delay_after = 100};
  fix_t f;
  reed_portal_stats_t st;
  char account[REED_AUTH_NAME_MAX + 1];
  reed_sasl_t *s;
  reed_buf_t *out;

  fix_init(&f, 0, true);
  ASSERT_EQ(login(&f, "alice", "pencil", "10.0.0.1"), 0);
  ASSERT_EQ(login(&f, "alice", "wrong", "10.0.0.2"), 0);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "10.0.0.1", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice\0pencil", 13, &out, &f.r), REED_SASL_PENDING);
  reed_sasl_free(s);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "10.0.0.3", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice\0nope", 11, &out, &f.r), REED_SASL_PENDING);
  reed_sasl_free(s);
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "10.0.0.1", NULL, &s), 0);
  ASSERT_EQ(sasl_step(s, "\0alice", 6, &out, &f.r), REED_ESYNTAX);
  reed_sasl_free(s);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-256", "alice", "pencil", "10.0.0.1"),
            REED_SASL_SUCCESS);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-1", "alice", "bad", "10.0.0.4"),
            REED_EAUTH);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), REED_EAUTH);
  /* Two failures from one address: its next tries are refused at once. */
  reed_portal_set_throttle(f.p, &strict);
  ASSERT_EQ(login(&f, "alice", "x1", "10.0.0.9"), 0);
  ASSERT_EQ(login(&f, "alice", "x2", "10.0.0.9"), 0);
  ASSERT_EQ(login(&f, "alice", "x3", "10.0.0.9"), REED_ETHROTTLED);
  ASSERT_EQ(portal_scram(&f, "SCRAM-SHA-256", "alice", "pencil", "10.0.0.9"),
            REED_ETHROTTLED);
  ASSERT_EQ(reg(&f, "Bob", "hunter22", NULL), 0);
  ASSERT_EQ(reg(&f, "Bob", "hunter22", NULL), REED_EACCOUNTEXISTS);

  reed_portal_stats(f.p, &st);
#define N(m, r) st.logins[m][REED_LOGIN_##r]
  ASSERT_EQ(N(REED_PORTAL_METHOD_PASSWORD, SUCCESS), 1);
  ASSERT_EQ(N(REED_PORTAL_METHOD_PASSWORD, FAILURE), 3);
  ASSERT_EQ(N(REED_PORTAL_METHOD_PASSWORD, THROTTLED), 1);
  ASSERT_EQ(N(REED_MECH_PLAIN, SUCCESS), 1);
  ASSERT_EQ(N(REED_MECH_PLAIN, FAILURE), 1);
  ASSERT_EQ(N(REED_MECH_SCRAM_SHA_256, SUCCESS), 1);
  ASSERT_EQ(N(REED_MECH_SCRAM_SHA_256, THROTTLED), 1);
  ASSERT_EQ(N(REED_MECH_SCRAM_SHA_1, FAILURE), 1);
  ASSERT_EQ(N(REED_MECH_EXTERNAL, FAILURE), 1);
  ASSERT_EQ(N(REED_MECH_EXTERNAL, SUCCESS), 0);
#undef N
  ASSERT_EQ(st.registrations, 1);
  ASSERT_STR_EQ(reed_portal_method_name(REED_PORTAL_METHOD_PASSWORD),
                "password");
  ASSERT_STR_EQ(reed_portal_method_name(REED_MECH_SCRAM_SHA_256_PLUS),
                "SCRAM-SHA-256-PLUS");
  fix_done(&f);
}
