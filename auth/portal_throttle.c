/* Failed-login throttling: the portal's policy over three counter tables
 * (per (account, address), per address, per account). Guessing from one
 * address is slowed and then refused, across all accounts; guessing one
 * account from many addresses only slows it, so a stranger who knows an
 * account's name cannot keep its owner out. reed_portal_throttle_t in
 * auth.h states the rules. */
#include "portal_int.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>

#define DEFAULT_WINDOW_MS 600000
#define DEFAULT_DELAY_AFTER 3
#define DEFAULT_DELAY_MS 250
#define DEFAULT_DELAY_MAX_MS 4000
#define DEFAULT_PAIR_LIMIT 10
#define DEFAULT_ADDRESS_LIMIT 20
#define DEFAULT_MAX_ENTRIES 10000

/* A folded name up to REED_AUTH_NAME_MAX * 8 bytes, an address group and
 * a separator. */
#define KEY_MAX (REED_AUTH_NAME_MAX * 8 + REED__ADDR_GROUP_MAX + 2)

void
reed__portal_throttle_defaults(reed_portal_throttle_t *t)
{
  if (t->window_ms == 0)
    t->window_ms = DEFAULT_WINDOW_MS;
  if (t->delay_after == 0)
    t->delay_after = DEFAULT_DELAY_AFTER;
  if (t->delay_ms == 0)
    t->delay_ms = DEFAULT_DELAY_MS;
  if (t->delay_max_ms == 0)
    t->delay_max_ms = DEFAULT_DELAY_MAX_MS;
  if (t->pair_limit == 0)
    t->pair_limit = DEFAULT_PAIR_LIMIT;
  if (t->address_limit == 0)
    t->address_limit = DEFAULT_ADDRESS_LIMIT;
  if (t->max_entries == 0)
    t->max_entries = DEFAULT_MAX_ENTRIES;
}

static int
table_new(reed_portal_t *p, reed__throttle_t **out)
{
  uint8_t seed[crypto_shorthash_KEYBYTES];

  reed__portal_random(p, seed, sizeof(seed));
  return reed__throttle_new(p->tf.window_ms, p->tf.max_entries, seed, out);
}

int
reed__portal_throttle_new(reed_portal_t *p)
{
  int rc;

  reed__portal_throttle_defaults(&p->tf);
  if ((rc = table_new(p, &p->pairs)) != 0 ||
      (rc = table_new(p, &p->addrs)) != 0 ||
      (rc = table_new(p, &p->accts)) != 0)
    reed__portal_throttle_free(p);
  return rc;
}

void
reed__portal_throttle_free(reed_portal_t *p)
{
  reed__throttle_free(p->pairs);
  reed__throttle_free(p->addrs);
  reed__throttle_free(p->accts);
  p->pairs = p->addrs = p->accts = NULL;
}

void
reed_portal_set_throttle(reed_portal_t *p, const reed_portal_throttle_t *t)
{
  reed_portal_throttle_t n = *t;

  if (n.window_ms == 0)
    n.window_ms = p->tf.window_ms;
  if (n.max_entries == 0)
    n.max_entries = p->tf.max_entries;
    /* Unset figures keep the current ones, not the defaults. */
#define KEEP(f)                                                                \
  if (n.f == 0)                                                                \
  n.f = p->tf.f
  KEEP(delay_after);
  KEEP(delay_ms);
  KEEP(delay_max_ms);
  KEEP(pair_limit);
  KEEP(address_limit);
#undef KEEP
  p->tf = n;
  reed__throttle_set(p->pairs, n.window_ms, n.max_entries);
  reed__throttle_set(p->addrs, n.window_ms, n.max_entries);
  reed__throttle_set(p->accts, n.window_ms, n.max_entries);
}

/* ---- Keys ------------------------------------------------------------------
 */
typedef struct keys_s {
  char addr[REED__ADDR_GROUP_MAX];
  char acct[REED_AUTH_NAME_MAX * 8 + 1];
  char pair[KEY_MAX];
} keys_t;

/* The address first: a group never holds '\n', so pairs cannot collide. */
static void
make_keys(keys_t *k, const char *name, const char *ip)
{
  reed__auth_addr_group(ip, k->addr);
  reed__auth_fold(k->acct, name ? name : "", sizeof(k->acct));
  snprintf(k->pair, sizeof(k->pair), "%s\n%s", k->addr, k->acct);
}

static unsigned
count_of(reed__throttle_t *t, const char *key, uint64_t now)
{
  reed__tcount_t *c = reed__throttle_get(t, key, now);

  return c != NULL ? c->count : 0;
}

/* delay_ms at delay_after failures, doubled for each one more, capped. */
static uint64_t
delay_for(const reed_portal_throttle_t *f, unsigned n)
{
  unsigned k;

  if (n < f->delay_after)
    return 0;
  k = n - f->delay_after;
  if (k >= 32 || f->delay_ms << k > f->delay_max_ms)
    return f->delay_max_ms;
  return f->delay_ms << k;
}

static uint64_t
max3(uint64_t a, uint64_t b, uint64_t c)
{
  uint64_t m = a > b ? a : b;

  return m > c ? m : c;
}

/* ---- Decisions -------------------------------------------------------------
 */
/* True the first time `flag` is asked for in the counter's window. */
static bool
first_log(reed__tcount_t *c, unsigned flag)
{
  if (c == NULL || (c->logged & flag) != 0)
    return false;
  c->logged |= flag;
  return true;
}

static reed__verdict_t
refuse_address(reed_portal_t *p, const keys_t *k, uint64_t now)
{
  reed__tcount_t *c = reed__throttle_get(p->addrs, k->addr, now);

  if (p->log != NULL && first_log(c, REED__TLOG_REFUSE))
    reed_log(p->log, REED_LOG_WARN,
             "auth: throttle: refusing logins from %s to any account: %u "
             "failed logins in the window",
             k->addr, c->count);
  return (reed__verdict_t){.refused = true};
}

static reed__verdict_t
refuse_pair(reed_portal_t *p, const keys_t *k, const char *name, unsigned n,
            uint64_t now)
{
  reed__tcount_t *c = reed__throttle_get(p->pairs, k->pair, now);

  if (p->log != NULL && first_log(c, REED__TLOG_REFUSE))
    reed_log(p->log, REED_LOG_WARN,
             "auth: throttle: refusing logins to %.64s from %s: %u failed "
             "logins to it from there in the window",
             name, k->addr, n);
  return (reed__verdict_t){.refused = true};
}

static void
log_delay(reed_portal_t *p, const keys_t *k, const char *name, uint64_t ms,
          const unsigned n[3], uint64_t now)
{
  reed__tcount_t *c = reed__throttle_touch(p->pairs, k->pair, now);

  if (p->log != NULL && first_log(c, REED__TLOG_DELAY))
    reed_log(p->log, REED_LOG_INFO,
             "auth: throttle: slowing logins to %.64s from %s by %llu ms: "
             "failed logins in the window: %u to it from there, %u from "
             "there, %u to it",
             name, k->addr, (unsigned long long)ms, n[0], n[1], n[2]);
}

reed__verdict_t
reed__portal_verdict(reed_portal_t *p, const char *name, const char *ip)
{
  const reed_portal_throttle_t *f = &p->tf;
  uint64_t now = reed__portal_now(p);
  reed__verdict_t v = {0};
  unsigned n[3]; /* pair, address, account */
  keys_t k;

  make_keys(&k, name, ip);
  n[1] = count_of(p->addrs, k.addr, now);
  if (n[1] >= f->address_limit)
    return refuse_address(p, &k, now);
  if (name == NULL)
    return v;
  n[0] = count_of(p->pairs, k.pair, now);
  if (n[0] >= f->pair_limit)
    return refuse_pair(p, &k, name, n[0], now);
  n[2] = count_of(p->accts, k.acct, now);
  v.delay_ms = max3(delay_for(f, n[0]), delay_for(f, n[1]), delay_for(f, n[2]));
  if (v.delay_ms > 0)
    log_delay(p, &k, name, v.delay_ms, n, now);
  return v;
}

/* ---- Bookkeeping -----------------------------------------------------------
 */
static void
count_one(reed__throttle_t *t, const char *key, uint64_t now)
{
  reed__tcount_t *c = reed__throttle_touch(t, key, now);

  /* No memory: this failure goes uncounted, which is all that is lost. */
  if (c != NULL && c->count < UINT_MAX)
    c->count++;
}

void
reed__portal_failed(reed_portal_t *p, const char *name, const char *ip,
                    const char *why)
{
  uint64_t now = reed__portal_now(p);
  keys_t k;

  make_keys(&k, name, ip);
  count_one(p->addrs, k.addr, now);
  if (name != NULL) {
    count_one(p->pairs, k.pair, now);
    count_one(p->accts, k.acct, now);
  }
  if (p->log != NULL)
    reed_log(p->log, REED_LOG_INFO, "auth: failed login for %.64s from %s: %s",
             name ? name : "?", ip && *ip ? ip : "?", why);
}

static void
take_off(reed__throttle_t *t, const char *key, unsigned n, uint64_t now)
{
  reed__tcount_t *c = reed__throttle_get(t, key, now);

  if (c != NULL)
    c->count -= n < c->count ? n : c->count;
}

/* The owner proved the account from this address: its failures from here
 * were the owner's own, so they stop counting anywhere. Failures at other
 * accounts from here still count against the address. */
void
reed__portal_succeeded(reed_portal_t *p, const char *name, const char *ip)
{
  uint64_t now = reed__portal_now(p);
  unsigned n;
  keys_t k;

  make_keys(&k, name, ip);
  n = count_of(p->pairs, k.pair, now);
  reed__throttle_clear(p->pairs, k.pair);
  take_off(p->addrs, k.addr, n, now);
  take_off(p->accts, k.acct, n, now);
}
