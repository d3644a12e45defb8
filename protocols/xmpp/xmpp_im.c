/* The IM files' shared helpers: the per-connection state, where a JID
 * points, writes to another connection, accounts and time stamps. */
#include "xmpp_im_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- Module-wide ------------------------------------------------------- */
typedef struct xim_state_s {
  xim_sending_t sending;
} xim_state_t;

int
reed__xim_init(reed_xmpp_state_t *st)
{
  xim_state_t *im = reed_calloc(1, sizeof(*im));

  if (im == NULL)
    return REED_ENOMEM;
  st->im = im;
  return 0;
}

void
reed__xim_cleanup(reed_xmpp_state_t *st)
{
  xim_state_t *im = st->im;

  if (im == NULL)
    return;
  reed_free(im);
  st->im = NULL;
}

reed_xstore_t *
reed__xim_store(reed_xmpp_core_t *c)
{
  return c->st->xs;
}

xim_sending_t *
reed__xim_sending(reed_xmpp_core_t *c)
{
  return reed__xim_st_sending(c->st);
}

xim_sending_t *
reed__xim_st_sending(reed_xmpp_state_t *st)
{
  xim_state_t *im = st->im;

  return &im->sending;
}

/* ---- Per connection
 * ------------------------------------------------------------
 */
xim_conn_t *
reed__xim_conn(reed_xmpp_core_t *c, bool make)
{
  xim_conn_t *x = reed__xmpp_ext_get(c, XMPP_EXT_PRESENCE);

  if (x == NULL && make && (x = reed_calloc(1, sizeof(*x))) != NULL)
    reed__xmpp_ext_set(c, XMPP_EXT_PRESENCE, x);
  return x;
}

void
reed__xim_conn_free(reed_xmpp_core_t *c, void *p)
{
  xim_conn_t *x = p;

  (void)c;
  if (x == NULL)
    return;
  reed_buf_unref(x->show);
  for (size_t i = 0; i < x->n_directed; i++)
    reed_free(x->directed[i]);
  reed_free(x->directed);
  reed__xim_peers_clear(x);
  reed_free(x->peers);
  reed_free(x);
}

bool
reed__xim_available(reed_xmpp_core_t *c)
{
  xim_conn_t *x = reed__xim_conn(c, false);

  return c->bound && !c->closed && x != NULL && x->available;
}

bool
reed__xim_receives_bare(reed_xmpp_core_t *c)
{
  return reed__xim_available(c) && reed__xim_conn(c, false)->priority >= 0;
}

bool
reed__xim_account_exists(reed_xmpp_core_t *c, const char *account)
{
  reed_account_rec_t rec;

  if (!reed_account_valid(account))
    return false;
  if (reed_model_account_exists(c->env->model, account))
    return true;
  return c->env->store != NULL &&
         reed_store_account_get(c->env->store, account, &rec) == 0;
}

/* The MUC service: [xmpp] muc, else conference.<domain>. */
static bool
is_muc(reed_xmpp_core_t *c, const char *domain)
{
  const char *muc = reed__xmpp_conf(c)->muc, *dom = reed__xmpp_domain(c);
  size_t n = strlen(dom);

  if (muc != NULL)
    return strcmp(domain, muc) == 0;
  return strncmp(domain, "conference.", 11) == 0 && strlen(domain) == 11 + n &&
         strcmp(domain + 11, dom) == 0;
}

int
reed__xim_jid_kind(reed_xmpp_core_t *c, const reed_jid_t *j)
{
  if (j == NULL || j->domain[0] == '\0')
    return XIM_JID_BAD;
  if (is_muc(c, j->domain))
    return XIM_JID_MUC;
  if (strcmp(j->domain, reed__xmpp_domain(c)) != 0)
    return XIM_JID_REMOTE;
  return j->local[0] != '\0' ? XIM_JID_LOCAL : XIM_JID_SERVER;
}

void
reed__xim_bare(const reed_jid_t *j, char *buf, size_t size)
{
  reed_jid_format(j, false, buf, size);
}

void
reed__xim_account_jid(reed_xmpp_core_t *c, const char *account, char *buf,
                      size_t size)
{
  char folded[REED_ACCOUNT_MAX + 1];

  /* JIDs show localparts lowercased (xmpp_jid.h), as accounts compare. */
  reed_casefold(folded, account, sizeof(folded));
  snprintf(buf, size, "%s@%s", folded, reed__xmpp_domain(c));
}

void
reed__xim_write_to(reed_xmpp_core_t *to, const char *name, reed_buf_t *body)
{
  xmpp_out_t head;

  if (to->closed || to->full_jid == NULL || body == NULL)
    return;
  reed__xmpp_out_init(&head);
  reed__xmpp_out_raw(&head, "<");
  reed__xmpp_out_raw(&head, name);
  reed__xmpp_out_attr(&head, "to", to->full_jid);
  if (head.err == 0)
    reed__xmpp_write2(to, (const char *)head.b->data, head.b->len, body);
  reed__xmpp_out_cleanup(&head);
}

void
reed__xim_each(reed_xmpp_core_t *c, const char *account,
               void (*cb)(void *ud, reed_xmpp_core_t *o), void *ud)
{
  reed__xmpp_reg_each(&c->st->reg, account, cb, ud);
}

void
reed__xim_stamp(uint64_t ms, char *buf, size_t size)
{
  time_t secs = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&secs, &tm);
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (unsigned)(ms % 1000));
}
