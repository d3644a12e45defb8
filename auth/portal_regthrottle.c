/* Registration throttling (reed_portal_regthrottle_t in auth.h): token
 * buckets, one per address group and one for the server, kept as the time
 * each bucket will be full again (GCRA's "theoretical arrival time"): a
 * registration is allowed while that time is at most (burst - 1) intervals
 * ahead, and moves it one interval on. An address's entry lives `burst`
 * intervals past its last registration, by then its bucket is full and
 * the entry says nothing. */
#include "portal_int.h"

#include <sodium.h>

#define HOUR_MS 3600000ull

/* ms between two registrations at `per_hour`; 0: no limit. */
static uint64_t
interval(unsigned per_hour)
{
  return per_hour > 0 ? HOUR_MS / per_hour : 0;
}

static unsigned
address_burst(const reed_portal_regthrottle_t *r)
{
  return r->burst > 0 ? r->burst : 1;
}

static unsigned
global_burst(const reed_portal_regthrottle_t *r)
{
  return r->global >= 10 ? r->global / 10 : 1;
}

static uint64_t
table_window(const reed_portal_regthrottle_t *r)
{
  uint64_t w = interval(r->per_address) * address_burst(r);

  return w > 0 ? w : HOUR_MS; /* unused while there is no limit */
}

int
reed__portal_reg_new(reed_portal_t *p, const reed_portal_regthrottle_t *r)
{
  uint8_t seed[crypto_shorthash_KEYBYTES];

  p->rf = *r;
  reed__portal_random(p, seed, sizeof(seed));
  return reed__throttle_new(table_window(r), p->tf.max_entries, seed, &p->regs);
}

void
reed__portal_reg_free(reed_portal_t *p)
{
  reed__throttle_free(p->regs);
  p->regs = NULL;
}

void
reed_portal_set_reg_throttle(reed_portal_t *p,
                             const reed_portal_regthrottle_t *r)
{
  p->rf = *r;
  reed__throttle_set(p->regs, table_window(r), p->tf.max_entries);
}

/* Whether a bucket whose full time is `tat` has a token at `now`. */
static bool
has_token(uint64_t tat, uint64_t now, uint64_t every, unsigned burst)
{
  return every == 0 || tat <= now + every * (burst - 1);
}

static uint64_t
take(uint64_t tat, uint64_t now, uint64_t every)
{
  return (tat > now ? tat : now) + every;
}

/* Logged once while it lasts (`logged` is cleared by a registration). */
static int
refuse(reed_portal_t *p, unsigned *logged, const char *who)
{
  if (!*logged && p->log != NULL)
    reed_log(p->log, REED_LOG_WARN,
             "auth: registrations refused: too many from %s", who);
  *logged = 1;
  return REED_EREGTHROTTLED;
}

int
reed__portal_reg_admit(reed_portal_t *p, const char *ip)
{
  uint64_t now = reed__portal_now(p), ev = interval(p->rf.per_address);
  uint64_t eg = interval(p->rf.global);
  char addr[REED__ADDR_GROUP_MAX];
  reed__tcount_t *c = NULL;

  if (ev != 0 && ip != NULL) {
    reed__auth_addr_group(ip, addr);
    if ((c = reed__throttle_touch(p->regs, addr, now)) == NULL)
      return REED_ENOMEM;
    if (c->tat == 0)
      c->tat = now;
    if (!has_token(c->tat, now, ev, address_burst(&p->rf)))
      return refuse(p, &c->logged, addr);
  }
  if (!has_token(p->reg_tat, now, eg, global_burst(&p->rf)))
    return refuse(p, &p->reg_logged, "everywhere");
  p->reg_logged = 0;
  if (eg != 0)
    p->reg_tat = take(p->reg_tat, now, eg);
  if (c != NULL) {
    c->tat = take(c->tat, now, ev);
    c->logged = 0;
    reed__throttle_renew(p->regs, addr, now);
  }
  return 0;
}
