/* Concurrent connections per address: a small chained hash table of
 * counters, an entry living only while its address has connections. An
 * IPv6 client usually owns a whole /64, so IPv6 addresses count per /64
 * prefix; an IPv4-mapped IPv6 address counts as its IPv4 address. */
#include "net_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int
reed__ip_key(const char *ip, char *key, size_t size)
{
  struct in6_addr a6;
  struct in_addr a4;

  /* inet_pton takes only the canonical dotted quad (no leading zeros, four
   * parts), so a valid IPv4 address is its own key: no inet_ntop, whose
   * sprintf was most of what an accept cost here. */
  if (inet_pton(AF_INET, ip, &a4) == 1)
    return reed_strlcpy(key, ip, size) < size ? 0 : REED_EINVAL;
  if (inet_pton(AF_INET6, ip, &a6) != 1)
    return REED_EINVAL;
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    memcpy(&a4, &a6.s6_addr[12], 4);
    return inet_ntop(AF_INET, &a4, key, (socklen_t)size) ? 0 : REED_EINVAL;
  }
  memset(&a6.s6_addr[8], 0, 8);
  if (inet_ntop(AF_INET6, &a6, key, (socklen_t)size) == NULL)
    return REED_EINVAL;
  if (strlen(key) + 4 >= size)
    return REED_EINVAL;
  strcat(key, "/64");
  return 0;
}

struct reed_ipcount_s {
  struct reed_ipcount_s *next;
  unsigned count;
  char ip[];
};

static size_t
ip_hash(const char *ip)
{
  size_t h = 5381;

  for (; *ip; ip++)
    h = h * 33 + (unsigned char)*ip;
  return h % REED_NET_IP_BUCKETS;
}

static struct reed_ipcount_s **
ip_slot(reed_net_t *net, const char *ip)
{
  struct reed_ipcount_s **p = &net->ips[ip_hash(ip)];

  while (*p != NULL && strcmp((*p)->ip, ip) != 0)
    p = &(*p)->next;
  return p;
}

int
reed__ip_acquire(reed_net_t *net, const char *addr, unsigned max)
{
  struct reed_ipcount_s **p, *e;
  char ip[INET6_ADDRSTRLEN + 4];
  size_t len;

  if (reed__ip_key(addr, ip, sizeof(ip)) != 0)
    reed_strlcpy(ip, addr, sizeof(ip));
  len = strlen(ip);

  if (net->ips == NULL &&
      (net->ips = reed_calloc(REED_NET_IP_BUCKETS, sizeof(*net->ips))) == NULL)
    return REED_ENOMEM;
  p = ip_slot(net, ip);
  if (*p != NULL) {
    if (max > 0 && (*p)->count >= max)
      return REED_ELIMIT;
    (*p)->count++;
    return 0;
  }
  if ((e = reed_malloc(sizeof(*e) + len + 1)) == NULL)
    return REED_ENOMEM;
  e->next = NULL;
  e->count = 1;
  memcpy(e->ip, ip, len + 1);
  *p = e;
  return 0;
}

void
reed__ip_release(reed_net_t *net, const char *addr)
{
  struct reed_ipcount_s **p, *e;
  char ip[INET6_ADDRSTRLEN + 4];

  if (net->ips == NULL)
    return;
  if (reed__ip_key(addr, ip, sizeof(ip)) != 0)
    reed_strlcpy(ip, addr, sizeof(ip));
  p = ip_slot(net, ip);
  if ((e = *p) == NULL || --e->count > 0)
    return;
  *p = e->next;
  reed_free(e);
}

void
reed__ip_free_all(reed_net_t *net)
{
  reed__rate_free_all(net);
  if (net->ips == NULL)
    return;
  for (size_t i = 0; i < REED_NET_IP_BUCKETS; i++) {
    while (net->ips[i] != NULL) {
      struct reed_ipcount_s *e = net->ips[i];
      net->ips[i] = e->next;
      reed_free(e);
    }
  }
  reed_free(net->ips);
  net->ips = NULL;
}

/* ---- Inner sessions (net.h) ---------------------------------------------- */

int
reed_net_admit(reed_net_t *net, const char *ip)
{
  char key[INET6_ADDRSTRLEN + 4], mine[INET6_ADDRSTRLEN + 4];
  bool exempt;

  if (net->feeding != NULL) {
    if (reed__ip_key(net->feeding->peer.ip, mine, sizeof(mine)) != 0)
      reed_strlcpy(mine, net->feeding->peer.ip, sizeof(mine));
    if (reed__ip_key(ip, key, sizeof(key)) != 0)
      reed_strlcpy(key, ip, sizeof(key));
    if (strcmp(key, mine) == 0)
      return 1;
  }
  exempt = reed__rate_exempt(net, ip);
  if ((!exempt && reed__rate_take(net, ip) == REED_ELIMIT) ||
      reed__ip_acquire(net, ip, exempt ? 0 : net->limits.max_per_ip) != 0) {
    net->refused++;
    reed__gate_log(net, &net->refuse_gate, REED_LOG_WARN,
                   "refused %s: too many connections from your address", ip);
    return REED_ELIMIT;
  }
  return 0;
}

void
reed_net_release(reed_net_t *net, const char *ip)
{
  reed__ip_release(net, ip);
}

uint64_t
reed_net_next_conn_id(reed_net_t *net)
{
  return net->next_conn_id++;
}
