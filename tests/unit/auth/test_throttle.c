/* Failed-login throttling through the portal, with the fake clock (delays
 * are timers on it) and the immediate inline worker: guessing from one
 * address is slowed then refused, guessing one account from many addresses
 * only slows it, and its owner always gets in from a clean address. */
#include "portal_int.h"
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_LINES 64

typedef struct {
  memsrc_t mem;
  reed_credsrc_t src;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_log_t log;
  char lines[LOG_LINES][256];
  int n_lines;
  reed_portal_t *p;
  int calls, status;
  char account[REED_AUTH_NAME_MAX + 1];
} fix_t;

static void
keep_line(void *ud, int level, const char *line)
{
  fix_t *f = ud;

  REED_UNUSED(level);
  if (f->n_lines < LOG_LINES)
    snprintf(f->lines[f->n_lines++], sizeof(f->lines[0]), "%s", line);
}

static void
fix_init(fix_t *f, const reed_portal_throttle_t *t)
{
  reed_portal_opts_t o = {.hash_level = REED_AUTH_HASH_MIN};

  memset(f, 0, sizeof(*f));
  memsrc_init(&f->mem, &f->src);
  fc_init(&f->fc);
  iw_init(&f->iw, 0);
  f->log = (reed_log_t){.emit = keep_line, .ud = f};
  o.creds = &f->src;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  o.log = &f->log;
  if (t != NULL)
    o.throttle = *t;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
  memsrc_add(&f->mem, "Alice", "pencil");
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
  f->calls++;
  f->status = status;
  snprintf(f->account, sizeof(f->account), "%s", account ? account : "");
}

/* One password login, waited for on the fake clock: returns its answer (0,
 * REED_EAUTH, or REED_ETHROTTLED at once) and the delay in *waited. */
static int
login_waited(fix_t *f, const char *name, const char *pw, const char *ip,
             uint64_t *waited)
{
  int calls = f->calls;
  uint64_t t0 = f->fc.now;
  int rc =
      reed_portal_login_password(f->p, name, pw, strlen(pw), ip, record, f, 1);

  if (rc != 0)
    return rc;
  while (f->calls == calls && fc_pending(&f->fc) > 0)
    fc_advance(&f->fc, 50);
  ASSERT_EQ(f->calls, calls + 1);
  if (waited != NULL)
    *waited = f->fc.now - t0;
  return f->status;
}

static int
login(fix_t *f, const char *name, const char *pw, const char *ip)
{
  return login_waited(f, name, pw, ip, NULL);
}

static int
count_lines(const fix_t *f, const char *needle)
{
  int n = 0;

  for (int i = 0; i < f->n_lines; i++)
    n += strstr(f->lines[i], needle) != NULL;
  return n;
}

/* The lock-out: strangers who know the name fail it over and over
 * from one address; the owner, from an address that has not failed, still
 * gets in (slowed, never refused), while the attacker is refused. */
TEST(throttle_owner_not_locked_out)
{
  fix_t f;
  uint64_t waited;

  fix_init(&f, NULL);
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(login(&f, "alice", "guess", "192.0.2.66"), REED_EAUTH);
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.66"), REED_ETHROTTLED);
  ASSERT_EQ(login(&f, "ALICE", "guess", "192.0.2.66"), REED_ETHROTTLED);
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "198.51.100.7", &waited), 0);
  ASSERT_STR_EQ(f.account, "Alice");
  ASSERT(waited <= 4000);
  /* The attacker stays refused. */
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.66"), REED_ETHROTTLED);
  fix_done(&f);
}

/* The same over SASL: PLAIN and SCRAM-SHA-256 from a clean address. */
TEST(throttle_owner_not_locked_out_sasl)
{
  fix_t f;
  reed_sasl_t *s;
  reed_buf_t *out;

  fix_init(&f, NULL);
  for (int i = 0; i < 12; i++) {
    ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "192.0.2.66", NULL, &s), 0);
    int rc = reed_portal_sasl_step(s, (const uint8_t *)"\0alice\0nope", 11,
                                   &out, record, &f, 1);
    ASSERT(rc == REED_SASL_PENDING || rc == REED_ETHROTTLED);
    while (rc == REED_SASL_PENDING && fc_pending(&f.fc) > 0)
      fc_advance(&f.fc, 50);
    reed_sasl_free(s);
  }
  ASSERT_EQ(reed_portal_sasl_new(f.p, "PLAIN", "198.51.100.7", NULL, &s), 0);
  ASSERT_EQ(reed_portal_sasl_step(s, (const uint8_t *)"\0alice\0pencil", 13,
                                  &out, record, &f, 1),
            REED_SASL_PENDING);
  while (fc_pending(&f.fc) > 0)
    fc_advance(&f.fc, 50);
  ASSERT_EQ(f.status, 0);
  ASSERT_STR_EQ(f.account, "Alice");
  reed_sasl_free(s);
  fix_done(&f);
}

/* An address failing at many accounts is slowed, then refused for every
 * account, while other addresses are untouched. */
TEST(throttle_address_refused_across_accounts)
{
  static const uint64_t want[] = {0, 0, 0, 250, 500, 1000, 2000, 4000};
  fix_t f;
  uint64_t waited;
  char name[32];

  fix_init(&f, NULL);
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof(name), "user%d", i);
    ASSERT_EQ(login_waited(&f, name, "x", "203.0.113.9", &waited), REED_EAUTH);
    /* 250 ms from the fourth failure, doubled, at most 4 s. */
    ASSERT_EQ(waited, want[i < 7 ? i : 7]);
  }
  ASSERT_EQ(login(&f, "alice", "pencil", "203.0.113.9"), REED_ETHROTTLED);
  ASSERT_EQ(login(&f, "nobody", "x", "203.0.113.9"), REED_ETHROTTLED);
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "203.0.113.10", &waited), 0);
  ASSERT_EQ(waited, 0);
  ASSERT_EQ(count_lines(&f, "refusing logins from 203.0.113.9 to any account"),
            1);
  fix_done(&f);
}

/* One account guessed from many addresses: each answer is slowed more,
 * up to the cap, and never refused. */
TEST(throttle_account_delay_grows_capped)
{
  static const uint64_t want[] = {0, 0, 0, 250, 500, 1000, 2000, 4000, 4000};
  fix_t f;
  uint64_t waited;
  char ip[32];

  fix_init(&f, NULL);
  for (int i = 0; i < 40; i++) {
    snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 200, i % 200 + 1);
    ASSERT_EQ(login_waited(&f, "alice", "guess", ip, &waited), REED_EAUTH);
    ASSERT_EQ(waited, want[i < 8 ? i : 8]);
  }
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "10.9.9.9", &waited), 0);
  ASSERT_EQ(waited, 4000);
  /* A success from a clean address forgets nothing of the others. */
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "10.9.9.8", &waited), 0);
  ASSERT_EQ(waited, 4000);
  fix_done(&f);
}

TEST(throttle_windows_expire)
{
  fix_t f;
  uint64_t waited;

  uint64_t t0;

  fix_init(&f, &(reed_portal_throttle_t){.window_ms = 60000});
  t0 = f.fc.now;
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(login(&f, "alice", "guess", "192.0.2.1"), REED_EAUTH);
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.1"), REED_ETHROTTLED);
  /* The window began at the first failure; the attempts since were
   * slowed by 250+500+1000+2000+4000*3 ms. */
  ASSERT_EQ(f.fc.now - t0, 15750);
  fc_advance(&f.fc, 60000 - 15750 - 1);
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.1"), REED_ETHROTTLED);
  fc_advance(&f.fc, 1);
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "192.0.2.1", &waited), 0);
  ASSERT_EQ(waited, 0);
  fix_done(&f);
}

/* A success forgets that (account, address)'s failures everywhere, but
 * not the address's failures at other accounts. */
TEST(throttle_success_forgets_own_failures)
{
  fix_t f;
  uint64_t waited;

  fix_init(&f, NULL);
  for (int r = 0; r < 3; r++) {
    for (int i = 0; i < 3; i++)
      ASSERT_EQ(login(&f, "alice", "typo", "192.0.2.5"), REED_EAUTH);
    ASSERT_EQ(login_waited(&f, "alice", "pencil", "192.0.2.5", &waited), 0);
    ASSERT_EQ(waited, 250);
  }
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "192.0.2.6", &waited), 0);
  ASSERT_EQ(waited, 0);
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(login(&f, "bob", "x", "192.0.2.5"), REED_EAUTH);
  ASSERT_EQ(login_waited(&f, "alice", "pencil", "192.0.2.5", &waited), 0);
  ASSERT_EQ(waited, 250);
  fix_done(&f);
}

/* An attacker rotating accounts and addresses: every table stays at its
 * cap, the oldest windows going first. */
TEST(throttle_tables_bounded)
{
  fix_t f;
  char name[32], ip[32];
  long live = 0;

  fix_init(&f, &(reed_portal_throttle_t){.max_entries = 100});
  for (int i = 0; i < 5000; i++) {
    snprintf(name, sizeof(name), "n%d", i);
    snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    ASSERT(!reed__portal_verdict(f.p, name, ip).refused);
    reed__portal_failed(f.p, name, ip, "test");
    if (i == 999)
      live = reed_alloc_live();
    fc_advance(&f.fc, 1);
  }
  ASSERT_EQ(reed__throttle_size(f.p->pairs), 100);
  ASSERT_EQ(reed__throttle_size(f.p->addrs), 100);
  ASSERT_EQ(reed__throttle_size(f.p->accts), 100);
  ASSERT(reed_alloc_live() <= live + 8);
  /* IPv6 host bits do not make new addresses: one /64 is one. */
  for (int i = 0; i < 30; i++) {
    snprintf(ip, sizeof(ip), "2001:db8:0:1:%x::%x", i, i * 7);
    reed__portal_failed(f.p, "alice", ip, "test");
  }
  ASSERT(reed__portal_verdict(f.p, "bob", "2001:db8:0:1:ffff::1").refused);
  ASSERT(!reed__portal_verdict(f.p, "bob", "2001:db8:0:2::1").refused);
  fix_done(&f);
}

/* Each decision is logged once per (account, address, window). */
TEST(throttle_logs_once_per_window)
{
  fix_t f;

  fix_init(&f, &(reed_portal_throttle_t){.window_ms = 60000});
  for (int r = 0; r < 2; r++) {
    for (int i = 0; i < 14; i++)
      login(&f, "alice", "guess", "192.0.2.66");
    login(&f, "alice", "pencil", "198.51.100.7");
    login(&f, "alice", "pencil", "198.51.100.7");
    fc_advance(&f.fc, 60000);
  }
  ASSERT_EQ(count_lines(&f, "slowing logins to alice from 192.0.2.66 by 250 "
                            "ms"),
            2);
  ASSERT_EQ(count_lines(&f, "refusing logins to alice from 192.0.2.66"), 2);
  ASSERT_EQ(count_lines(&f, "slowing logins to alice from 198.51.100.7 by "
                            "4000 ms"),
            2);
  ASSERT_EQ(count_lines(&f, "auth: throttle:"), 6);
  fix_done(&f);
}

/* SCRAM's verdict is slowed too: PENDING, then the callback; a success's
 * "v=" waits in the exchange. */
static int
scram(fix_t *f, const char *pw, const char *ip, reed_buf_t **final)
{
  char bare[] = "n=alice,r=abcdef", first[64], expect[128], *cf, *sf;
  reed_sasl_t *s;
  reed_buf_t *out;
  int rc, calls = f->calls;

  snprintf(first, sizeof(first), "n,,%s", bare);
  ASSERT_EQ(reed_portal_sasl_new(f->p, "SCRAM-SHA-256", ip, NULL, &s), 0);
  rc = reed_portal_sasl_step(s, (const uint8_t *)first, strlen(first), &out,
                             record, f, 3);
  if (rc == REED_SASL_CONTINUE) {
    sf = strdup(buf_str(out));
    reed_buf_unref(out);
    cf = scram_client_final(REED_SCRAM_SHA256, pw, bare, sf, "biws", expect,
                            sizeof(expect));
    rc = reed_portal_sasl_step(s, (const uint8_t *)cf, strlen(cf), &out, record,
                               f, 3);
    free(cf);
    free(sf);
  }
  if (rc == REED_SASL_PENDING) {
    ASSERT(out == NULL);
    while (f->calls == calls)
      fc_advance(&f->fc, 50);
    rc = f->status;
    out = rc == 0 ? reed_portal_sasl_success_data(s) : NULL;
  }
  *final = out;
  reed_sasl_free(s);
  return rc;
}

TEST(throttle_scram_slowed)
{
  fix_t f;
  reed_buf_t *final;
  uint64_t t0;

  fix_init(&f, NULL);
  t0 = f.fc.now;
  ASSERT_EQ(scram(&f, "pencil", "192.0.2.2", &final), REED_SASL_SUCCESS);
  ASSERT(final != NULL && strncmp(buf_str(final), "v=", 2) == 0);
  reed_buf_unref(final);
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(scram(&f, "guess", "192.0.2.1", &final), REED_EAUTH);
  ASSERT_EQ(f.calls, 0);
  ASSERT_EQ(scram(&f, "guess", "192.0.2.1", &final), REED_EAUTH);
  ASSERT_EQ(f.calls, 1);
  ASSERT_EQ(f.fc.now - t0, 250);
  /* Slowed from a clean address too (the account's count), with "v=". */
  ASSERT_EQ(scram(&f, "pencil", "192.0.2.3", &final), 0);
  ASSERT_STR_EQ(f.account, "Alice");
  ASSERT(final != NULL && strncmp(buf_str(final), "v=", 2) == 0);
  reed_buf_unref(final);
  for (int i = 0; i < 6; i++)
    scram(&f, "guess", "192.0.2.1", &final);
  ASSERT_EQ(scram(&f, "pencil", "192.0.2.1", &final), REED_ETHROTTLED);
  fix_done(&f);
}

/* A slowed request can be cancelled, or the portal freed, before its time:
 * no callback, no timer left. */
TEST(throttle_slowed_cancel_and_free)
{
  fix_t f;

  fix_init(&f, &(reed_portal_throttle_t){.delay_after = 1});
  ASSERT_EQ(login(&f, "alice", "guess", "192.0.2.1"), REED_EAUTH);
  ASSERT_EQ(reed_portal_login_password(f.p, "alice", "pencil", 6, "192.0.2.1",
                                       record, &f, 9),
            0);
  ASSERT_EQ(reed_portal_pending(f.p), 1);
  ASSERT_EQ(fc_pending(&f.fc), 1);
  reed_portal_cancel(f.p, 9);
  ASSERT_EQ(reed_portal_pending(f.p), 0);
  ASSERT_EQ(fc_pending(&f.fc), 0);
  ASSERT_EQ(reed_portal_login_password(f.p, "alice", "pencil", 6, "192.0.2.1",
                                       record, &f, 9),
            0);
  ASSERT_EQ(f.calls, 1);
  fix_done(&f);
  ASSERT_EQ(f.calls, 1);
}

/* A reload's figures apply to the counts already made. */
TEST(throttle_reload_figures)
{
  fix_t f;

  fix_init(&f, NULL);
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(login(&f, "alice", "guess", "192.0.2.1"), REED_EAUTH);
  reed_portal_set_throttle(f.p, &(reed_portal_throttle_t){.pair_limit = 3});
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.1"), REED_ETHROTTLED);
  ASSERT_EQ(f.p->tf.address_limit, 20);
  ASSERT_EQ(f.p->tf.delay_max_ms, 4000);
  reed_portal_set_throttle(
      f.p, &(reed_portal_throttle_t){.pair_limit = 5, .max_entries = 1});
  ASSERT_EQ(reed__throttle_size(f.p->accts), 1);
  ASSERT_EQ(login(&f, "alice", "pencil", "192.0.2.1"), 0);
  fix_done(&f);
}

TEST(throttle_address_groups)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"192.0.2.7", "192.0.2.7"},
      {"::ffff:192.0.2.7", "192.0.2.7"},
      {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
      {"2001:DB8:1:2::9", "2001:db8:1:2::/64"},
      {"2001:db8::", "2001:db8::/64"},
      {"::1", "::/64"},
      {"fe80::1%eth0", "fe80::1%eth0"},
      {"unix", "unix"},
      {"", "-"},
      {NULL, "-"},
  };
  char out[REED__ADDR_GROUP_MAX];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed__auth_addr_group(cases[i].in, out);
    ASSERT_STR_EQ(out, cases[i].out);
  }
}

/* The table on its own: windows, the oldest evicted first, clear. */
TEST(throttle_table)
{
  uint8_t seed[16] = {7};
  reed__throttle_t *t;
  reed__tcount_t *c;

  ASSERT_EQ(reed__throttle_new(1000, 3, seed, &t), 0);
  ASSERT(reed__throttle_get(t, "a", 0) == NULL);
  reed__throttle_touch(t, "a", 0)->count = 5;
  reed__throttle_touch(t, "b", 10)->count = 1;
  reed__throttle_touch(t, "c", 20)->count = 1;
  ASSERT_EQ(reed__throttle_touch(t, "a", 30)->count, 5);
  reed__throttle_touch(t, "d", 40);
  ASSERT_EQ(reed__throttle_size(t), 3);
  ASSERT(reed__throttle_get(t, "a", 40) == NULL);
  ASSERT(reed__throttle_get(t, "b", 40) != NULL);
  ASSERT(reed__throttle_get(t, "b", 1010) == NULL);
  ASSERT_EQ(reed__throttle_size(t), 2);
  c = reed__throttle_touch(t, "b", 1010);
  ASSERT_EQ(c->count, 0);
  ASSERT_EQ(c->start, 1010);
  reed__throttle_clear(t, "c");
  reed__throttle_clear(t, "zz");
  ASSERT(reed__throttle_get(t, "c", 1010) == NULL);
  reed__throttle_free(t);
  ASSERT_EQ(reed_alloc_live(), 0);
}
