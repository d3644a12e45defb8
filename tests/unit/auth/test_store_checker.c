/* The store-backed checker and the command line's account functions over
 * a real SQLite store in a temporary directory. */
#define _GNU_SOURCE /* memmem */
#include "store.h"
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FP "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP_COLONS                                                              \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"                           \
  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

typedef struct {
  char dir[64], path[96];
  reed_log_t log;
  reed_store_t *st;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_portal_t *p;
  int calls, status;
  char account[REED_AUTH_NAME_MAX + 1];
} sfix_t;

static void
quiet(void *ud, int level, const char *line)
{
  REED_UNUSED(ud);
  REED_UNUSED(level);
  REED_UNUSED(line);
}

static void
record(void *ud, uint64_t req_id, int status, const char *account)
{
  sfix_t *f = ud;

  REED_UNUSED(req_id);
  f->calls++;
  f->status = status;
  snprintf(f->account, sizeof(f->account), "%s", account ? account : "");
}

static void
sfix_init(sfix_t *f)
{
  reed_portal_opts_t o = {.registration_open = true,
                          .hash_level = REED_AUTH_HASH_MIN};

  memset(f, 0, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/reed-auth-XXXXXX");
  ASSERT(mkdtemp(f->dir) != NULL);
  snprintf(f->path, sizeof(f->path), "%s/reed.db", f->dir);
  f->log = (reed_log_t){.emit = quiet, .min_level = REED_LOG_ERROR};
  ASSERT_EQ(reed_store_open(f->path, &f->log, &f->st), 0);
  fc_init(&f->fc);
  iw_init(&f->iw, 0);
  o.store = f->st;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
}

static void
sfix_done(sfix_t *f)
{
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  char path[128];

  reed_portal_free(f->p);
  reed_store_close(f->st);
  fc_cleanup(&f->fc);
  for (size_t i = 0; i < REED_ARRAY_SIZE(suffixes); i++) {
    snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
    unlink(path);
  }
  rmdir(f->dir);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static int
login(sfix_t *f, const char *name, const char *pw)
{
  int rc = reed_portal_login_password(f->p, name, pw, strlen(pw), "10.1.1.1",
                                      record, f, 1);

  return rc != 0 ? rc : f->status;
}

TEST(store_cli_account_lifecycle)
{
  sfix_t f;
  reed_account_rec_t rec;

  sfix_init(&f);
  ASSERT_EQ(
      reed_auth_account_add(f.st, "Alice", "pencil", 6, REED_AUTH_HASH_MIN), 0);
  ASSERT_EQ(reed_auth_account_add(f.st, "alice", "x", 1, REED_AUTH_HASH_MIN),
            REED_EACCOUNTEXISTS);
  ASSERT_EQ(reed_auth_account_add(f.st, "-bad", "x", 1, REED_AUTH_HASH_MIN),
            REED_EBADACCOUNT);
  /* The record holds hashes and keys, never the password. */
  ASSERT_EQ(reed_store_account_get(f.st, "ALICE", &rec), 0);
  ASSERT_STR_EQ(rec.name, "Alice");
  ASSERT(strncmp(rec.pwhash, "$argon2id$", 10) == 0);
  ASSERT_EQ(rec.scram_sha256.iterations, 4096);
  ASSERT_EQ(rec.scram_sha1.salt_len, 16);
  ASSERT(memmem(&rec, sizeof(rec), "pencil", 6) == NULL);
  ASSERT_EQ(login(&f, "alice", "pencil"), 0);
  ASSERT_STR_EQ(f.account, "Alice");
  /* A change made while the portal runs is seen at the next login. */
  ASSERT_EQ(
      reed_auth_account_passwd(f.st, "alice", "crayon", 6, REED_AUTH_HASH_MIN),
      0);
  ASSERT_EQ(login(&f, "alice", "pencil"), REED_EAUTH);
  ASSERT_EQ(login(&f, "alice", "crayon"), 0);
  ASSERT_EQ(
      reed_auth_account_passwd(f.st, "bob", "crayon", 6, REED_AUTH_HASH_MIN),
      REED_ENOACCOUNT);
  ASSERT_EQ(reed_auth_account_del(f.st, "ALICE"), 0);
  ASSERT_EQ(reed_auth_account_del(f.st, "alice"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_auth_account_del(f.st, "9"), REED_ENOACCOUNT);
  ASSERT_EQ(login(&f, "alice", "crayon"), REED_EAUTH);
  sfix_done(&f);
}

TEST(store_certs)
{
  sfix_t f;
  char account[REED_AUTH_NAME_MAX + 1];

  sfix_init(&f);
  ASSERT_EQ(
      reed_auth_account_add(f.st, "Alice", "pencil", 6, REED_AUTH_HASH_MIN), 0);
  ASSERT_EQ(reed_auth_cert_add(f.st, "alice", "12:34"), REED_EINVAL);
  ASSERT_EQ(reed_auth_cert_add(f.st, "bob", FP), REED_ENOACCOUNT);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), REED_EAUTH);
  ASSERT_EQ(reed_auth_cert_add(f.st, "alice", FP_COLONS), 0);
  ASSERT_EQ(reed_auth_cert_add(f.st, "alice", FP), REED_EEXIST);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, "ALICE", account), 0);
  ASSERT_STR_EQ(account, "Alice");
  ASSERT_EQ(reed_auth_cert_del(f.st, "alice", "zz"), REED_EINVAL);
  ASSERT_EQ(reed_auth_cert_del(f.st, "alice", FP_COLONS), 0);
  ASSERT_EQ(reed_auth_cert_del(f.st, "alice", FP), REED_ENOTFOUND);
  ASSERT_EQ(reed_portal_login_cert(f.p, FP, NULL, account), REED_EAUTH);
  sfix_done(&f);
}

/* Registration's email reaches the store's record; none is ""; an address
 * the store refuses fails at once (the portal) or at the source (direct). */
TEST(store_register_keeps_email)
{
  static const struct {
    const char *name, *email, *stored;
  } cases[] = {
      {"ann", "ann@example.org", "ann@example.org"},
      {"ben", "*", ""},
      {"cat", "", ""},
      {"dan", NULL, ""},
  };
  char long_email[300];
  reed_account_rec_t rec;
  reed_credsrc_t src;
  reed_creds_t c;
  sfix_t f;

  sfix_init(&f);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    ASSERT_EQ(reed_portal_register(f.p, cases[i].name, "pw", 2, cases[i].email,
                                   NULL, record, &f, 2),
              0);
    ASSERT_EQ(f.status, 0);
    ASSERT_EQ(reed_store_account_get(f.st, cases[i].name, &rec), 0);
    ASSERT_STR_EQ(rec.email, cases[i].stored);
  }
  ASSERT_EQ(
      reed_portal_register(f.p, "eve", "pw", 2, "eve", NULL, record, &f, 2),
      REED_EINVAL);
  memset(long_email, 'x', sizeof(long_email) - 1);
  long_email[sizeof(long_email) - 1] = '\0';
  long_email[3] = '@';
  ASSERT_EQ(reed_portal_register(f.p, "eve", "pw", 2, long_email, NULL, record,
                                 &f, 2),
            REED_EINVAL);
  /* The source itself refuses (rather than cutting) a bad address. */
  reed_auth_store_credsrc(f.st, &src);
  memset(&c, 0, sizeof(c));
  reed_strlcpy(c.account, "eve", sizeof(c.account));
  ASSERT_EQ(src.create(src.ud, &c, long_email), REED_EINVAL);
  ASSERT_EQ(src.create(src.ud, &c, "eve@"), REED_EINVAL);
  ASSERT_EQ(reed_store_account_get(f.st, "eve", &rec), REED_ENOACCOUNT);
  sfix_done(&f);
}

TEST(store_register_and_scram)
{
  sfix_t f;
  reed_sasl_t *s;
  reed_buf_t *out;
  char expect[128], *final, *sf;
  const char *bare = "n=carol,r=xyz";

  sfix_init(&f);
  ASSERT_EQ(reed_portal_register(f.p, "Carol", "tr0mbone", 8, NULL, NULL,
                                 record, &f, 2),
            0);
  ASSERT_EQ(f.status, 0);
  ASSERT_STR_EQ(f.account, "Carol");
  ASSERT_EQ(reed_portal_register(f.p, "carol", "tr0mbone", 8, NULL, NULL,
                                 record, &f, 2),
            REED_EACCOUNTEXISTS);
  /* SCRAM with the keys computed at registration. */
  ASSERT_EQ(reed_portal_sasl_new(f.p, "SCRAM-SHA-256", "10.1.1.1", NULL, &s),
            0);
  ASSERT_EQ(reed_portal_sasl_step(s, (const uint8_t *)"n,,n=carol,r=xyz", 16,
                                  &out, record, &f, 3),
            REED_SASL_CONTINUE);
  sf = strdup(buf_str(out));
  reed_buf_unref(out);
  final = scram_client_final(REED_SCRAM_SHA256, "tr0mbone", bare, sf, "biws",
                             expect, sizeof(expect));
  ASSERT_EQ(reed_portal_sasl_step(s, (const uint8_t *) final, strlen(final),
                                  &out, record, &f, 3),
            REED_SASL_SUCCESS);
  ASSERT_STR_EQ(buf_str(out), expect);
  ASSERT_STR_EQ(reed_sasl_account(s), "Carol");
  reed_buf_unref(out);
  reed_sasl_free(s);
  free(final);
  free(sf);
  sfix_done(&f);
}
