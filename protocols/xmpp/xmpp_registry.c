/* The bound resources of the whole module, by account: a chained hash
 * table of cores that doubles as it fills. Keys fold ASCII case, as
 * account names compare. */
#include "xmpp_int.h"

#include <string.h>
#include <strings.h>

#define REG_MIN_BUCKETS 64

static size_t
hash_account(const char *account)
{
  size_t h = 5381; /* djb2 over the folded name */

  for (const char *p = account; *p != '\0'; p++) {
    char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
    h = h * 33 + (unsigned char)ch;
  }
  return h;
}

static int
grow(xmpp_reg_t *r)
{
  size_t n = r->n_buckets ? r->n_buckets * 2 : REG_MIN_BUCKETS;
  reed_xmpp_core_t **nb = reed_calloc(n, sizeof(*nb));

  if (nb == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < r->n_buckets; i++) {
    reed_xmpp_core_t *c = r->buckets[i], *next;
    for (; c != NULL; c = next) {
      size_t k = hash_account(c->account) % n;
      next = c->reg_next;
      c->reg_next = nb[k];
      nb[k] = c;
    }
  }
  reed_free(r->buckets);
  r->buckets = nb;
  r->n_buckets = n;
  return 0;
}

int
reed__xmpp_reg_add(xmpp_reg_t *r, reed_xmpp_core_t *c)
{
  size_t k;

  if (r->count >= r->n_buckets && grow(r) < 0 && r->n_buckets == 0)
    return REED_ENOMEM; /* a full table still takes entries, just slower */
  k = hash_account(c->account) % r->n_buckets;
  c->reg_next = r->buckets[k];
  r->buckets[k] = c;
  r->count++;
  return 0;
}

void
reed__xmpp_reg_del(xmpp_reg_t *r, reed_xmpp_core_t *c)
{
  reed_xmpp_core_t **pp;

  if (r->n_buckets == 0)
    return;
  pp = &r->buckets[hash_account(c->account) % r->n_buckets];
  for (; *pp != NULL; pp = &(*pp)->reg_next) {
    if (*pp == c) {
      *pp = c->reg_next;
      c->reg_next = NULL;
      r->count--;
      return;
    }
  }
}

reed_xmpp_core_t *
reed__xmpp_reg_find(const xmpp_reg_t *r, const char *account,
                    const char *resource)
{
  reed_xmpp_core_t *c;

  if (r->n_buckets == 0)
    return NULL;
  c = r->buckets[hash_account(account) % r->n_buckets];
  for (; c != NULL; c = c->reg_next)
    if (strcasecmp(c->account, account) == 0 &&
        strcmp(c->resource, resource) == 0)
      return c;
  return NULL;
}

void
reed__xmpp_reg_each(const xmpp_reg_t *r, const char *account,
                    void (*cb)(void *ud, reed_xmpp_core_t *c), void *ud)
{
  reed_xmpp_core_t *c, *next;

  if (r->n_buckets == 0)
    return;
  c = r->buckets[hash_account(account) % r->n_buckets];
  for (; c != NULL; c = next) {
    next = c->reg_next;
    if (strcasecmp(c->account, account) == 0)
      cb(ud, c);
  }
}

void
reed__xmpp_reg_cleanup(xmpp_reg_t *r)
{
  reed_free(r->buckets);
  r->buckets = NULL;
  r->n_buckets = r->count = 0;
}
