/* Concurrent connections per address: a small chained hash table of
 * counters, an entry living only while its address has connections. */
#include "net_int.h"

#include <string.h>

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
reed__ip_acquire(reed_net_t *net, const char *ip, unsigned max)
{
  struct reed_ipcount_s **p, *e;
  size_t len = strlen(ip);

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
reed__ip_release(reed_net_t *net, const char *ip)
{
  struct reed_ipcount_s **p, *e;

  if (net->ips == NULL)
    return;
  p = ip_slot(net, ip);
  if ((e = *p) == NULL || --e->count > 0)
    return;
  *p = e->next;
  reed_free(e);
}

void
reed__ip_free_all(reed_net_t *net)
{
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
