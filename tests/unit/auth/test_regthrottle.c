/* The registration throttle (reed_portal_regthrottle_t) with the fake
 * clock: an address's burst and its refill, IPv6 /64 groups, the server's
 * bucket, refused and invalid attempts taking nothing, new figures, the
 * bounded table. */
#include "portal_int.h"
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <string.h>

#define MIN_MS 60000

typedef struct {
  memsrc_t mem;
  reed_credsrc_t src;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_portal_t *p;
  int calls, status, n;
} fix_t;

static void
record(void *ud, uint64_t req_id, int status, const char *account)
{
  fix_t *f = ud;

  REED_UNUSED(req_id);
  REED_UNUSED(account);
  f->calls++;
  f->status = status;
}

static void
fix_init(fix_t *f, reed_portal_regthrottle_t r, size_t max_entries)
{
  reed_portal_opts_t o = {.registration_open = true,
                          .hash_level = REED_AUTH_HASH_MIN,
                          .registration = r,
                          .throttle = {.max_entries = max_entries}};

  memset(f, 0, sizeof(*f));
  memsrc_init(&f->mem, &f->src);
  fc_init(&f->fc);
  iw_init(&f->iw, 0);
  o.creds = &f->src;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
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

/* A registration of a fresh name from ip: its immediate result. A refused
 * one never reaches the worker (the memory source's 16 accounts may be
 * full: what matters is whether the portal went ahead). */
static int
reg(fix_t *f, const char *ip)
{
  char name[32];
  int calls = f->calls, rc;

  snprintf(name, sizeof(name), "user%d", f->n++);
  rc = reed_portal_register(f->p, name, "pw", 2, NULL, ip, record, f, 1);
  ASSERT_EQ(f->calls, calls + (rc == 0));
  return rc;
}

TEST(regthrottle_per_address)
{
  fix_t f;

  fix_init(&f, (reed_portal_regthrottle_t){.per_address = 12, .burst = 3}, 0);
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT(memsrc_find(&f.mem, "user2") != NULL);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  ASSERT(memsrc_find(&f.mem, "user3") == NULL);
  ASSERT_EQ(reg(&f, "::ffff:10.0.0.1"), REED_EREGTHROTTLED);
  ASSERT_EQ(reg(&f, "10.0.0.2"), 0); /* another address */
  /* One token every 5 minutes; refusals take none. */
  fc_advance(&f.fc, 5 * MIN_MS - 1);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  fc_advance(&f.fc, 1);
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  /* A full bucket after three intervals, and no more than full. */
  fc_advance(&f.fc, 60 * MIN_MS);
  for (int i = 0; i < 3; i++)
    ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  /* Without an address only the server's bucket counts (none here). */
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(reg(&f, NULL), 0);
  ASSERT_STR_EQ(reed_strerror(REED_EREGTHROTTLED),
                "too many registrations recently, try again later");
  fix_done(&f);
}

TEST(regthrottle_ipv6_prefix)
{
  fix_t f;

  fix_init(&f, (reed_portal_regthrottle_t){.per_address = 1, .burst = 2}, 0);
  ASSERT_EQ(reg(&f, "2001:db8:1:2::1"), 0);
  ASSERT_EQ(reg(&f, "2001:db8:1:2:ffff::9"), 0);
  ASSERT_EQ(reg(&f, "2001:db8:1:2::77"), REED_EREGTHROTTLED);
  ASSERT_EQ(reg(&f, "2001:db8:1:3::1"), 0);
  fix_done(&f);
}

TEST(regthrottle_global)
{
  fix_t f;

  /* 20 an hour: one every 3 minutes, two at once. */
  fix_init(&f, (reed_portal_regthrottle_t){.global = 20}, 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, NULL), 0);
  ASSERT_EQ(reg(&f, "10.0.0.3"), REED_EREGTHROTTLED);
  fc_advance(&f.fc, 3 * MIN_MS);
  ASSERT_EQ(reg(&f, "10.0.0.4"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.5"), REED_EREGTHROTTLED);
  fix_done(&f);
}

/* Both limits: a refusal by the server's bucket takes nothing from the
 * address's (which holds one registration an hour here). */
TEST(regthrottle_both)
{
  fix_t f;

  fix_init(
      &f,
      (reed_portal_regthrottle_t){.per_address = 1, .burst = 1, .global = 10},
      0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.2"), REED_EREGTHROTTLED); /* the server's */
  fc_advance(&f.fc, 6 * MIN_MS);
  ASSERT_EQ(reg(&f, "10.0.0.2"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED); /* its own */
  fix_done(&f);
}

/* Nothing is counted for what fails before: closed, a bad name or
 * password, an existing account. */
TEST(regthrottle_invalid_takes_nothing)
{
  fix_t f;

  fix_init(&f, (reed_portal_regthrottle_t){.per_address = 1, .burst = 1}, 0);
  memsrc_add(&f.mem, "taken", "pw");
  ASSERT_EQ(reed_portal_register(f.p, "taken", "pw", 2, NULL, "10.0.0.1",
                                 record, &f, 1),
            REED_EACCOUNTEXISTS);
  ASSERT_EQ(reed_portal_register(f.p, "bad name", "pw", 2, NULL, "10.0.0.1",
                                 record, &f, 1),
            REED_EBADACCOUNT);
  ASSERT_EQ(
      reed_portal_register(f.p, "ok", "", 0, NULL, "10.0.0.1", record, &f, 1),
      REED_EINVAL);
  reed_portal_set_registration(f.p, false);
  ASSERT_EQ(
      reed_portal_register(f.p, "ok", "pw", 2, NULL, "10.0.0.1", record, &f, 1),
      REED_EREGCLOSED);
  reed_portal_set_registration(f.p, true);
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  fix_done(&f);
}

TEST(regthrottle_off_and_reload)
{
  fix_t f;

  fix_init(&f, (reed_portal_regthrottle_t){0}, 0);
  for (int i = 0; i < 50; i++)
    ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  reed_portal_set_reg_throttle(
      f.p, &(reed_portal_regthrottle_t){.per_address = 1, .burst = 2});
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  ASSERT_EQ(reg(&f, "10.0.0.1"), REED_EREGTHROTTLED);
  reed_portal_set_reg_throttle(f.p, &(reed_portal_regthrottle_t){0});
  ASSERT_EQ(reg(&f, "10.0.0.1"), 0);
  fix_done(&f);
}

/* The table of addresses stays within auth_throttle_entries, and an
 * address forgotten there was full anyway or the oldest. */
TEST(regthrottle_table_bounded)
{
  fix_t f;
  char ip[32];

  fix_init(&f, (reed_portal_regthrottle_t){.per_address = 1, .burst = 1}, 100);
  for (int i = 0; i < 150; i++) {
    snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 250, i % 250);
    ASSERT_EQ(reg(&f, ip), 0);
  }
  ASSERT(reed__throttle_size(f.p->regs) <= 100);
  /* The newest are still known. */
  ASSERT_EQ(reg(&f, "10.0.0.149"), REED_EREGTHROTTLED);
  /* An hour on, every entry has expired with its bucket full. */
  fc_advance(&f.fc, 60 * MIN_MS);
  ASSERT_EQ(reg(&f, "10.0.0.149"), 0);
  ASSERT_EQ(reed__throttle_size(f.p->regs), 1);
  fix_done(&f);
}
