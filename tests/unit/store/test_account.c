/* Accounts and certificate fingerprints: every function, every error,
 * case-insensitivity, immediate commits and cross-connection reads. */
#include "harness.h"
#include "store_test.h"

#include <stdio.h>
#include <string.h>

/* A record with every field set to something recognisable. */
static void
fill_rec(reed_account_rec_t *r, const char *name, uint8_t seed)
{
  memset(r, 0, sizeof(*r));
  reed_strlcpy(r->name, name, sizeof(r->name));
  r->created_ms = 1700000000000ull + seed;
  snprintf(r->pwhash, sizeof(r->pwhash),
           "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$hash%u", seed);
  r->scram_sha256.salt_len = 16;
  r->scram_sha256.iterations = 4096 + seed;
  r->scram_sha1.salt_len = 12;
  r->scram_sha1.iterations = 10000 + seed;
  for (int i = 0; i < 32; i++) {
    r->scram_sha256.salt[i % 16] = (uint8_t)(seed + i);
    r->scram_sha256.stored_key[i] = (uint8_t)(seed * 3 + i);
    r->scram_sha256.server_key[i] = (uint8_t)(seed * 5 + i);
    r->scram_sha1.salt[i % 12] = (uint8_t)(seed + 2 * i);
    if (i < REED_SCRAM_SHA1_LEN) {
      r->scram_sha1.stored_key[i] = (uint8_t)(seed * 7 + i);
      r->scram_sha1.server_key[i] = (uint8_t)(seed * 11 + i);
    }
  }
}

static void
assert_rec_eq(const reed_account_rec_t *a, const reed_account_rec_t *b)
{
  ASSERT_STR_EQ(a->name, b->name);
  ASSERT_EQ(a->created_ms, b->created_ms);
  ASSERT_STR_EQ(a->pwhash, b->pwhash);
  ASSERT_EQ(a->scram_sha256.salt_len, b->scram_sha256.salt_len);
  ASSERT_MEM_EQ(a->scram_sha256.salt, b->scram_sha256.salt,
                a->scram_sha256.salt_len);
  ASSERT_EQ(a->scram_sha256.iterations, b->scram_sha256.iterations);
  ASSERT_MEM_EQ(a->scram_sha256.stored_key, b->scram_sha256.stored_key, 32);
  ASSERT_MEM_EQ(a->scram_sha256.server_key, b->scram_sha256.server_key, 32);
  ASSERT_EQ(a->scram_sha1.salt_len, b->scram_sha1.salt_len);
  ASSERT_MEM_EQ(a->scram_sha1.salt, b->scram_sha1.salt, a->scram_sha1.salt_len);
  ASSERT_EQ(a->scram_sha1.iterations, b->scram_sha1.iterations);
  ASSERT_MEM_EQ(a->scram_sha1.stored_key, b->scram_sha1.stored_key, 20);
  ASSERT_MEM_EQ(a->scram_sha1.server_key, b->scram_sha1.server_key, 20);
  ASSERT_STR_EQ(a->email, b->email);
}

TEST(account_create_get_roundtrip)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "Alice", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  memset(&got, 0xee, sizeof(got));
  ASSERT_EQ(reed_store_account_get(st, "Alice", &got), 0);
  assert_rec_eq(&got, &rec);
  /* An account with no SCRAM keys reads back with iterations 0. */
  memset(&rec, 0, sizeof(rec));
  reed_strlcpy(rec.name, "plain", sizeof(rec.name));
  reed_strlcpy(rec.pwhash, "$argon2id$x", sizeof(rec.pwhash));
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  memset(&got, 0xee, sizeof(got));
  ASSERT_EQ(reed_store_account_get(st, "PLAIN", &got), 0);
  assert_rec_eq(&got, &rec);
  ASSERT_EQ(got.scram_sha256.iterations, 0);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}

TEST(account_names_case_insensitive)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "AlIce-1_X", 2);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "alice-1_x", 3);
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EACCOUNTEXISTS);
  fill_rec(&rec, "ALICE-1_X", 4);
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EACCOUNTEXISTS);
  ASSERT_EQ(reed_store_account_get(st, "aLiCe-1_x", &got), 0);
  ASSERT_STR_EQ(got.name, "AlIce-1_X");
  ASSERT_EQ(got.created_ms, 1700000000002ull);
  /* Only A-Z fold: '_' and '-' are distinct from each other. */
  ASSERT_EQ(reed_store_account_get(st, "alice_1_x", &got), REED_ENOACCOUNT);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(account_name_grammar)
{
  static const struct {
    const char *name;
    int valid;
  } cases[] = {
      {"a", 1},
      {"Z", 1},
      {"a-b_c9", 1},
      {"abcdefghijklmnopqrstuvwxyz012345", 1},  /* 32 */
      {"abcdefghijklmnopqrstuvwxyz0123456", 0}, /* 33 */
      {"", 0},
      {"1abc", 0},
      {"_abc", 0},
      {"-abc", 0},
      {"a b", 0},
      {"a.b", 0},
      {"a@b", 0},
      {"caf\xc3\xa9", 0},
      {"a\tb", 0},
      {"[x]", 0},
  };
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT(!reed_store_account_name_valid(NULL));
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int want = cases[i].valid ? 0 : REED_EBADACCOUNT;
    ASSERT_EQ(reed_store_account_name_valid(cases[i].name), cases[i].valid);
    memset(&rec, 0, sizeof(rec));
    snprintf(rec.name, sizeof(rec.name), "%s", cases[i].name);
    if (strlen(cases[i].name) >= sizeof(rec.name))
      continue; /* cannot even be put into a record */
    ASSERT_EQ(reed_store_account_create(st, &rec), want);
    ASSERT_EQ(reed_store_account_get(st, cases[i].name, &got), want);
    ASSERT_EQ(reed_store_account_delete(st, cases[i].name), want);
  }
  /* A name field without its terminator is rejected, not overrun. */
  memset(&rec, 'a', sizeof(rec));
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_account_get(st, NULL, &got), REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_account_create(st, NULL), REED_EBADACCOUNT);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(account_bad_fields)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "bob", 1);
  memset(rec.pwhash, 'h', sizeof(rec.pwhash)); /* 129 bytes, no NUL */
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EINVAL);
  fill_rec(&rec, "bob", 1);
  rec.scram_sha256.salt_len = REED_STORE_SALT_MAX + 1;
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EINVAL);
  fill_rec(&rec, "bob", 1);
  rec.scram_sha1.salt_len = 1000;
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EINVAL);
  ASSERT_EQ(reed_store_account_get(st, "bob", &got), REED_ENOACCOUNT);
  /* The longest allowed values are kept whole. */
  fill_rec(&rec, "bob", 1);
  memset(rec.pwhash, 'h', REED_STORE_PWHASH_MAX);
  rec.pwhash[REED_STORE_PWHASH_MAX] = '\0';
  rec.scram_sha256.salt_len = REED_STORE_SALT_MAX;
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  ASSERT_EQ(reed_store_account_get(st, "bob", &got), 0);
  assert_rec_eq(&got, &rec);
  ASSERT_EQ(strlen(got.pwhash), REED_STORE_PWHASH_MAX);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(account_set_creds)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, upd, got;

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "Carol", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&upd, "CAROL", 9);
  upd.created_ms = 1;
  ASSERT_EQ(reed_store_account_set_creds(st, &upd), 0);
  ASSERT_EQ(reed_store_account_get(st, "carol", &got), 0);
  /* Credentials change; name case and creation time stay. */
  ASSERT_STR_EQ(got.name, "Carol");
  ASSERT_EQ(got.created_ms, rec.created_ms);
  reed_strlcpy(upd.name, "Carol", sizeof(upd.name));
  upd.created_ms = rec.created_ms;
  assert_rec_eq(&got, &upd);

  fill_rec(&upd, "nobody", 2);
  ASSERT_EQ(reed_store_account_set_creds(st, &upd), REED_ENOACCOUNT);
  fill_rec(&upd, "9bad", 2);
  ASSERT_EQ(reed_store_account_set_creds(st, &upd), REED_EBADACCOUNT);
  fill_rec(&upd, "carol", 2);
  upd.scram_sha1.salt_len = REED_STORE_SALT_MAX + 1;
  ASSERT_EQ(reed_store_account_set_creds(st, &upd), REED_EINVAL);
  ASSERT_EQ(reed_store_account_get(st, "carol", &got), 0);
  ASSERT_EQ(got.scram_sha256.iterations, 4096 + 9);
  reed_store_close(st);
  sf_cleanup(&f);
}

static const char fpr_a[] = "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                            "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";
static const char fpr_a_plain[] =
    "abcdef0123456789abcdef01234567890011223344556677"
    "8899aabbccddeeff";
static const char fpr_b[] =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0";

static void
collect(void *ud, const char *fpr)
{
  char *out = ud;

  strcat(out, fpr);
  strcat(out, ";");
}

TEST(account_delete_removes_certs)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;
  char name[REED_ACCOUNT_MAX + 1], list[256] = "";

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "Dave", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "erin", 2);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  ASSERT_EQ(reed_store_cert_add(st, "dave", fpr_a), 0);
  ASSERT_EQ(reed_store_cert_add(st, "erin", fpr_b), 0);
  ASSERT_EQ(reed_store_account_delete(st, "DAVE"), 0);
  ASSERT_EQ(reed_store_account_get(st, "dave", &got), REED_ENOACCOUNT);
  ASSERT_EQ(reed_store_cert_lookup(st, fpr_a, name), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_account_delete(st, "dave"), REED_ENOACCOUNT);
  /* Another account's fingerprint stays. */
  ASSERT_EQ(reed_store_cert_lookup(st, fpr_b, name), 0);
  ASSERT_STR_EQ(name, "erin");
  /* The name is free again, with no certificate left over. */
  fill_rec(&rec, "dave", 3);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  ASSERT_EQ(reed_store_cert_list(st, "dave", collect, list), 0);
  ASSERT_STR_EQ(list, "");
  reed_store_close(st);
  sf_cleanup(&f);
}

typedef struct {
  char names[256];
  int n;
  uint64_t created_sum;
} list_acc_t;

static void
list_cb(void *ud, const reed_account_rec_t *rec)
{
  list_acc_t *acc = ud;

  strcat(acc->names, rec->name);
  strcat(acc->names, ",");
  acc->n++;
  acc->created_sum += rec->created_ms - 1700000000000ull;
}

TEST(account_list_ordered)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec;
  list_acc_t acc = {.n = 0};

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_account_list(st, list_cb, &acc), 0);
  ASSERT_EQ(acc.n, 0);
  fill_rec(&rec, "bob", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "Carol", 2);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "Alice", 4);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  ASSERT_EQ(reed_store_account_list(st, list_cb, &acc), 0);
  ASSERT_EQ(acc.n, 3);
  ASSERT_STR_EQ(acc.names, "Alice,bob,Carol,");
  ASSERT_EQ(acc.created_sum, 7);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(account_changes_commit_immediately)
{
  static const reed_store_migration_t mod[] = {{.sql = "CREATE TABLE t(x)"}};
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec;
  sqlite3 *raw;
  char hash[160];

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_migrate(st, "mod", mod, 1), 0);
  raw = sf_raw(&f);
  /* A batch is pending: the account change commits it first. */
  ASSERT_EQ(reed_store_batch_begin(st), 0);
  ASSERT_EQ(sqlite3_exec(reed_store_sqlite(st), "INSERT INTO t VALUES(1)", NULL,
                         NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM t"), 0);
  fill_rec(&rec, "Frank", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  ASSERT(!reed_store_in_batch(st));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM t"), 1);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM accounts"
                        " WHERE folded = 'frank' AND name = 'Frank'"),
            1);
  fill_rec(&rec, "frank", 5);
  ASSERT_EQ(reed_store_account_set_creds(st, &rec), 0);
  sf_text(raw, "SELECT pwhash FROM accounts", hash, sizeof(hash));
  ASSERT_STR_EQ(hash, rec.pwhash);
  ASSERT_EQ(reed_store_cert_add(st, "frank", fpr_b), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM certs"), 1);
  ASSERT_EQ(reed_store_cert_del(st, "frank", fpr_b), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM certs"), 0);
  ASSERT_EQ(reed_store_account_delete(st, "frank"), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM accounts"), 0);
  /* A failed change leaves no transaction open. */
  ASSERT_EQ(reed_store_account_delete(st, "frank"), REED_ENOACCOUNT);
  ASSERT(sqlite3_get_autocommit(reed_store_sqlite(st)));
  sqlite3_close(raw);
  reed_store_close(st);
  sf_cleanup(&f);
}

TEST(account_seen_by_other_connection)
{
  store_fixture_t f;
  reed_store_t *server, *cli;
  reed_account_rec_t rec, got;
  char name[REED_ACCOUNT_MAX + 1];

  sf_init(&f);
  server = sf_open(&f);
  cli = sf_open(&f);
  ASSERT_EQ(reed_store_account_get(server, "gina", &got), REED_ENOACCOUNT);
  fill_rec(&rec, "Gina", 1);
  ASSERT_EQ(reed_store_account_create(cli, &rec), 0);
  ASSERT_EQ(reed_store_account_get(server, "gina", &got), 0);
  assert_rec_eq(&got, &rec);
  fill_rec(&rec, "gina", 6);
  ASSERT_EQ(reed_store_account_set_creds(cli, &rec), 0);
  ASSERT_EQ(reed_store_account_get(server, "GINA", &got), 0);
  ASSERT_STR_EQ(got.pwhash, rec.pwhash);
  ASSERT_EQ(reed_store_cert_add(cli, "gina", fpr_a_plain), 0);
  ASSERT_EQ(reed_store_cert_lookup(server, fpr_a, name), 0);
  ASSERT_STR_EQ(name, "Gina");
  /* A batch open in the server does not block the other writer's
   * immediate change once it is committed at turn end. */
  ASSERT_EQ(reed_store_batch_begin(server), 0);
  ASSERT_EQ(reed_store_turn_end(server), 0);
  ASSERT_EQ(reed_store_account_delete(cli, "gina"), 0);
  ASSERT_EQ(reed_store_account_get(server, "gina", &got), REED_ENOACCOUNT);
  ASSERT_EQ(reed_store_cert_lookup(server, fpr_a, name), REED_ENOTFOUND);
  reed_store_close(cli);
  reed_store_close(server);
  sf_cleanup(&f);
}

TEST(fpr_normalize_table)
{
  static const struct {
    const char *in;
    int rc;
    const char *out;
  } cases[] = {
      {fpr_a, 0, fpr_a_plain},
      {fpr_a_plain, 0, fpr_a_plain},
      {fpr_b, 0,
       "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
       "f0"},
      {"", REED_EINVAL, NULL},
      {"abc", REED_EINVAL, NULL},
      /* 63 and 65 digits */
      {"abcdef0123456789abcdef01234567890011223344556677"
       "8899aabbccddeef",
       REED_EINVAL, NULL},
      {"abcdef0123456789abcdef01234567890011223344556677"
       "8899aabbccddeeff0",
       REED_EINVAL, NULL},
      /* a non-hex digit */
      {"abcdef0123456789abcdef01234567890011223344556677"
       "8899aabbccddeefg",
       REED_EINVAL, NULL},
      /* a colon out of place, a dash instead of a colon */
      {"ABC:D:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
       "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
       REED_EINVAL, NULL},
      {"AB-CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
       "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
       REED_EINVAL, NULL},
      /* a trailing colon */
      {"AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
       "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:",
       REED_EINVAL, NULL},
      {"sha256:abcdef0123456789abcdef0123456789001122334455"
       "66778899aabbccddeeff",
       REED_EINVAL, NULL},
  };
  char out[REED_FPR_HEX_LEN + 1];

  ASSERT_EQ(reed_store_fpr_normalize(NULL, out), REED_EINVAL);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    ASSERT_EQ(reed_store_fpr_normalize(cases[i].in, out), cases[i].rc);
    if (cases[i].out != NULL)
      ASSERT_STR_EQ(out, cases[i].out);
  }
}

TEST(cert_add_lookup_del)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec;
  char name[REED_ACCOUNT_MAX + 1], list[256] = "";

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "Hank", 1);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "ivy", 2);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);

  ASSERT_EQ(reed_store_cert_lookup(st, fpr_a, name), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_cert_add(st, "HANK", fpr_a), 0);
  ASSERT_EQ(reed_store_cert_add(st, "hank", fpr_b), 0);
  ASSERT_EQ(reed_store_cert_lookup(st, fpr_a_plain, name), 0);
  ASSERT_STR_EQ(name, "Hank");
  ASSERT_EQ(reed_store_cert_list(st, "hank", collect, list), 0);
  ASSERT_STR_EQ(list, "abcdef0123456789abcdef01234567890011223344556677"
                      "8899aabbccddeeff;"
                      "ffffffffffffffffffffffffffffffffffffffffffffffffffff"
                      "fffffffffff0;");

  /* One fingerprint, one account, whatever its spelling. */
  ASSERT_EQ(reed_store_cert_add(st, "ivy", fpr_a_plain), REED_EEXIST);
  ASSERT_EQ(reed_store_cert_add(st, "hank", fpr_a_plain), REED_EEXIST);
  ASSERT_EQ(reed_store_cert_add(st, "nobody", fpr_a), REED_ENOACCOUNT);
  ASSERT_EQ(reed_store_cert_add(st, "1x", fpr_a), REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_cert_add(st, "ivy", "xyz"), REED_EINVAL);
  ASSERT_EQ(reed_store_cert_lookup(st, "xyz", name), REED_EINVAL);
  ASSERT_EQ(reed_store_cert_del(st, "ivy", "xyz"), REED_EINVAL);
  ASSERT_EQ(reed_store_cert_del(st, "", fpr_a), REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_cert_list(st, "", collect, list), REED_EBADACCOUNT);

  /* Deleting needs the owning account. */
  ASSERT_EQ(reed_store_cert_del(st, "ivy", fpr_a), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_cert_del(st, "Hank", fpr_a_plain), 0);
  ASSERT_EQ(reed_store_cert_del(st, "hank", fpr_a), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_cert_lookup(st, fpr_a, name), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_cert_add(st, "ivy", fpr_a), 0);
  ASSERT_EQ(reed_store_cert_lookup(st, fpr_a, name), 0);
  ASSERT_STR_EQ(name, "ivy");
  ASSERT(sqlite3_get_autocommit(reed_store_sqlite(st)));
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}

TEST(email_grammar_table)
{
  char long_ok[255], long_bad[256], local65[80];
  static const struct {
    const char *in;
    bool ok;
  } cases[] = {
      {"a@b", true},
      {"alice@example.org", true},
      {"first.last+tag@sub.example.co", true},
      {"\"odd@local\"@example.org", true}, /* the last '@' splits */
      {"j\xc3\xb6rg@example.de", true},    /* UTF-8 (RFC 6531) */
      {NULL, false},
      {"", false},
      {"ab", false},
      {"@example.org", false},
      {"alice@", false},
      {"alice", false},
      {"*", false},
      {"al ice@example.org", false},
      {"alice@exa\tmple.org", false},
      {"alice@example.org\r\n", false},
      {"alice\x7f@example.org", false},
      {"alice@\xc3\x28.org", false}, /* not UTF-8 */
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_store_email_valid(cases[i].in) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "case %zu (%s): want %d", i,
                      cases[i].in ? cases[i].in : "NULL", cases[i].ok);
  /* 254 bytes pass, 255 do not; the part before '@' is 1..64 bytes. */
  memset(long_ok, 'a', sizeof(long_ok));
  memcpy(long_ok, "x@", 2);
  long_ok[254] = '\0';
  ASSERT(reed_store_email_valid(long_ok));
  memset(long_bad, 'a', sizeof(long_bad));
  memcpy(long_bad, "x@", 2);
  long_bad[255] = '\0';
  ASSERT(!reed_store_email_valid(long_bad));
  memset(local65, 'l', sizeof(local65));
  snprintf(local65 + 64, sizeof(local65) - 64, "@ex.org");
  ASSERT(reed_store_email_valid(local65));
  local65[64] = 'l';
  snprintf(local65 + 65, sizeof(local65) - 65, "@ex.org");
  ASSERT(!reed_store_email_valid(local65));
}

static void
list_emails(void *ud, const reed_account_rec_t *rec)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s=%s ", rec->name, rec->email);
}

TEST(account_email)
{
  store_fixture_t f;
  reed_store_t *st;
  reed_account_rec_t rec, got;
  char out[256] = "";
  sqlite3 *raw;

  sf_init(&f);
  st = sf_open(&f);
  fill_rec(&rec, "Alice", 1);
  reed_strlcpy(rec.email, "alice@example.org", sizeof(rec.email));
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  fill_rec(&rec, "bob", 2);
  ASSERT_EQ(reed_store_account_create(st, &rec), 0);
  memset(&got, 0xee, sizeof(got));
  ASSERT_EQ(reed_store_account_get(st, "alice", &got), 0);
  ASSERT_STR_EQ(got.email, "alice@example.org");
  ASSERT_EQ(reed_store_account_list(st, list_emails, out), 0);
  ASSERT_STR_EQ(out, "Alice=alice@example.org bob= ");
  raw = sf_raw(&f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM accounts WHERE email IS NULL"),
            1);
  /* New credentials keep the email. */
  fill_rec(&rec, "ALICE", 3);
  ASSERT_EQ(reed_store_account_set_creds(st, &rec), 0);
  ASSERT_EQ(reed_store_account_get(st, "alice", &got), 0);
  ASSERT_STR_EQ(got.email, "alice@example.org");
  ASSERT_STR_EQ(got.pwhash, rec.pwhash);
  /* Set, change and clear; committed at once. */
  ASSERT_EQ(reed_store_account_set_email(st, "BOB", "bob@example.net"), 0);
  sf_text(raw, "SELECT email FROM accounts WHERE folded = 'bob'", out,
          sizeof(out));
  ASSERT_STR_EQ(out, "bob@example.net");
  ASSERT_EQ(reed_store_account_set_email(st, "alice", NULL), 0);
  ASSERT_EQ(reed_store_account_set_email(st, "bob", ""), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM accounts WHERE email IS NULL"),
            2);
  /* Errors. */
  ASSERT_EQ(reed_store_account_set_email(st, "carol", "c@example.org"),
            REED_ENOACCOUNT);
  ASSERT_EQ(reed_store_account_set_email(st, "9x", "c@example.org"),
            REED_EBADACCOUNT);
  ASSERT_EQ(reed_store_account_set_email(st, "bob", "no-at"), REED_EINVAL);
  fill_rec(&rec, "carol", 4);
  reed_strlcpy(rec.email, "not an address", sizeof(rec.email));
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EINVAL);
  memset(rec.email, 'a', sizeof(rec.email)); /* no terminator */
  rec.email[1] = '@';
  ASSERT_EQ(reed_store_account_create(st, &rec), REED_EINVAL);
  ASSERT_EQ(reed_store_account_get(st, "carol", &got), REED_ENOACCOUNT);
  sqlite3_close(raw);
  reed_store_close(st);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&f);
}
