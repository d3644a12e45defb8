/* The connection rate per address: a token bucket per counting key (the
 * per-address key of ipcount.c: IPv4, or an IPv6 /64). An address gets
 * connect_burst connections at once, then one per 10000 / connect_rate ms.
 * An entry whose bucket has filled up again says nothing a fresh one would
 * not, so it is dropped: on lookup in its chain, and in a sweep of every
 * chain when the table has doubled since the last one. */
#include "net_int.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/resource.h>

#define RATE_PERIOD_MS 10000u
#define RATE_SWEEP_MIN 1024u

struct reed_connrate_s {
  struct reed_connrate_s *next;
  uint64_t credit_ms; /* at last_ms */
  uint64_t last_ms;
  char key[];
};

static uint64_t
step_ms(const reed_net_limits_t *l)
{
  return RATE_PERIOD_MS / (l->connect_rate > 0 ? l->connect_rate : 1);
}

static uint64_t
credit_now(const struct reed_connrate_s *e, uint64_t now, uint64_t cap)
{
  uint64_t c = e->credit_ms + (now - e->last_ms);
  return c < cap ? c : cap;
}

static size_t
key_hash(const char *k)
{
  size_t h = 5381;

  for (; *k; k++)
    h = h * 33 + (unsigned char)*k;
  return h % REED_NET_IP_BUCKETS;
}

/* Drops the entries of one chain that have filled up again. */
static void
prune_chain(reed_net_t *net, struct reed_connrate_s **p, uint64_t now,
            uint64_t cap)
{
  while (*p != NULL) {
    struct reed_connrate_s *e = *p;
    if (credit_now(e, now, cap) < cap) {
      p = &e->next;
      continue;
    }
    *p = e->next;
    reed_free(e);
    net->n_rates--;
  }
}

static void
sweep(reed_net_t *net, uint64_t now, uint64_t cap)
{
  for (size_t i = 0; i < REED_NET_IP_BUCKETS; i++)
    prune_chain(net, &net->rates[i], now, cap);
  net->rates_swept = net->n_rates;
}

bool
reed__rate_exempt(const reed_net_t *net, const char *ip)
{
  char key[INET6_ADDRSTRLEN + 4], ex[INET6_ADDRSTRLEN + 4];

  if (reed__ip_key(ip, key, sizeof(key)) != 0)
    return false;
  for (size_t i = 0; i < REED_NET_EXEMPT_MAX; i++) {
    const char *a = net->limits.exempt[i];
    if (a[0] != '\0' && reed__ip_key(a, ex, sizeof(ex)) == 0 &&
        strcmp(ex, key) == 0)
      return true;
  }
  return false;
}

int
reed__rate_take(reed_net_t *net, const char *ip)
{
  const reed_net_limits_t *l = &net->limits;
  uint64_t now = uv_now(&net->loop), step = step_ms(l);
  uint64_t cap = step * l->connect_burst;
  struct reed_connrate_s **p, *e;
  char key[INET6_ADDRSTRLEN + 4];
  size_t len;

  if (l->connect_burst == 0 || l->connect_rate == 0)
    return 0;
  if (reed__ip_key(ip, key, sizeof(key)) != 0)
    reed_strlcpy(key, ip, sizeof(key));
  if (net->rates == NULL &&
      (net->rates = reed_calloc(REED_NET_IP_BUCKETS, sizeof(*net->rates))) ==
          NULL)
    return REED_ENOMEM;
  if (net->n_rates >= RATE_SWEEP_MIN && net->n_rates >= 2 * net->rates_swept)
    sweep(net, now, cap);
  p = &net->rates[key_hash(key)];
  prune_chain(net, p, now, cap);
  while (*p != NULL && strcmp((*p)->key, key) != 0)
    p = &(*p)->next;
  if ((e = *p) == NULL) {
    len = strlen(key);
    if ((e = reed_malloc(sizeof(*e) + len + 1)) == NULL)
      return REED_ENOMEM;
    *e = (struct reed_connrate_s){.credit_ms = cap, .last_ms = now};
    memcpy(e->key, key, len + 1);
    *p = e;
    net->n_rates++;
  }
  e->credit_ms = credit_now(e, now, cap);
  e->last_ms = now;
  if (e->credit_ms < step)
    return REED_ELIMIT;
  e->credit_ms -= step;
  return 0;
}

void
reed__rate_free_all(reed_net_t *net)
{
  if (net->rates == NULL)
    return;
  for (size_t i = 0; i < REED_NET_IP_BUCKETS; i++) {
    while (net->rates[i] != NULL) {
      struct reed_connrate_s *e = net->rates[i];
      net->rates[i] = e->next;
      reed_free(e);
    }
  }
  reed_free(net->rates);
  net->rates = NULL;
  net->n_rates = 0;
}

/* Connections that fit under the descriptor limit with room to spare for
 * the store, listeners, logs and libuv's own: past it, a new connection is
 * refused in its protocol, rather than reset by libuv's spare-descriptor
 * accept (which it does without telling anyone) once accept fails. */
size_t
reed__fd_budget(reed_net_t *net)
{
  struct rlimit rl;
  rlim_t spare;

  if (net->fd_budget != 0)
    return net->fd_budget;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return net->fd_budget = SIZE_MAX;
  spare = rl.rlim_cur >= 256 ? 64 : rl.rlim_cur / 2;
  net->fd_budget = (size_t)(rl.rlim_cur - spare);
  return net->fd_budget;
}
