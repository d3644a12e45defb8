/* Presence (RFC 6121 section 4) between the XMPP resources of local
 * accounts: initial presence (broadcast to contacts with From or Both and
 * to the account's own resources, probes of contacts with To or Both
 * answered from the registry of bound resources, then the requests and
 * messages that waited), updates, unavailable (also when the stream
 * ends), directed presence (tracked so unavailable follows it) and
 * priority. Presence to a user that does not exist is ignored (4.6.3's
 * server side), to another domain answered remote-server-not-found. */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdlib.h>
#include <string.h>

/* ---- Bodies
 * ------------------------------------------------------------------ '
 * from=...[ type=...]>' + children + '</presence>'. */
static reed_buf_t *
body_of(const char *from, const char *type, const reed_buf_t *children)
{
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_attr(&o, "type", type);
  reed__xmpp_out_raw(&o, children && children->len ? ">" : "/>");
  if (children && children->len && o.err == 0)
    o.err = reed_buf_append(&o.b, children->data, children->len);
  if (children && children->len)
    reed__xmpp_out_raw(&o, "</presence>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

/* The stanza's children as they are to be shown to others. */
static reed_buf_t *
children_of(const reed_xml_el_t *el)
{
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xmpp_out_init(&o);
  for (const reed_xml_el_t *ch = el->first; ch != NULL; ch = ch->next)
    reed__xmpp_out_el(&o, ch, REED_NS_CLIENT);
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

static int
priority_of(const reed_xml_el_t *el)
{
  const char *p = reed_xml_child_text(el, "priority", NULL);
  char *end;
  long v;

  if (p == NULL)
    return 0;
  v = strtol(p, &end, 10);
  return *p != '\0' && *end == '\0' && v >= -128 && v <= 127 ? (int)v : 0;
}

/* ---- Sending
 * -------------------------------------------------------------------
 */
static void
to_available(void *ud, reed_xmpp_core_t *o)
{
  if (reed__xim_available(o))
    reed__xim_write_to(o, "presence", ud);
}

typedef struct {
  reed_xmpp_core_t *c;
  const char *to_acct;       /* every available resource of it, or */
  reed_xmpp_core_t *to_core; /* this one */
  bool avail;
} between_t;

static void
from_one(void *ud, reed_xmpp_core_t *o)
{
  between_t *b = ud;
  xim_conn_t *x = reed__xim_conn(o, false);
  reed_buf_t *body;

  if (!reed__xim_available(o) || o == b->to_core)
    return;
  body = body_of(o->full_jid, b->avail ? NULL : "unavailable",
                 b->avail ? x->show : NULL);
  if (body == NULL)
    return;
  if (b->to_core != NULL)
    reed__xim_write_to(b->to_core, "presence", body);
  else
    reed__xim_each(b->c, b->to_acct, to_available, body);
  reed_buf_unref(body);
}

void
reed__xim_presence_between(reed_xmpp_core_t *c, const char *from_acct,
                           const char *to_acct, bool avail)
{
  between_t b = {c, to_acct, NULL, avail};

  reed__xim_each(c, from_acct, from_one, &b);
  reed__xim_peer_between(c, from_acct, to_acct, avail);
}

/* The presence of every available resource of `from_acct`, to c alone
 * (4.3.2: probes answered by the server; 4.4.2: the other resources). */
static void
presence_to_me(reed_xmpp_core_t *c, const char *from_acct)
{
  between_t b = {c, NULL, c, true};

  reed__xim_each(c, from_acct, from_one, &b);
}

/* ---- The roster's contacts
 * -----------------------------------------------------
 */
typedef struct {
  reed_xmpp_core_t *c;
  char **acct;
  size_t n, cap;
  bool to; /* contacts with To (probes), else with From (broadcasts) */
} contacts_t;

static void
contact_row(void *ud, const reed_xroster_item_t *it)
{
  contacts_t *k = ud;
  reed_jid_t j;
  char **na;
  bool want = k->to ? (it->sub & REED_XSUB_TO) : (it->sub & REED_XSUB_FROM);

  if (!want || reed_jid_parse(it->jid, &j) != 0 ||
      reed__xim_jid_kind(k->c, &j) != XIM_JID_LOCAL || j.resource[0])
    return; /* another domain's contacts get nothing: no s2s */
  if (k->n == k->cap) {
    k->cap = k->cap ? k->cap * 2 : 16;
    if ((na = reed_realloc(k->acct, k->cap * sizeof(*na))) == NULL)
      return;
    k->acct = na;
  }
  if ((k->acct[k->n] = reed_strdup(j.local)) != NULL)
    k->n++;
}

static void
contacts(reed_xmpp_core_t *c, bool to, contacts_t *k)
{
  *k = (contacts_t){.c = c, .to = to};
  reed_xstore_roster_list(reed__xim_store(c), c->account, false, contact_row,
                          k);
}

static void
contacts_free(contacts_t *k)
{
  for (size_t i = 0; i < k->n; i++)
    reed_free(k->acct[i]);
  reed_free(k->acct);
}

/* ---- Broadcast
 * -------------------------------------------------------------------
 */
static void
broadcast(reed_xmpp_core_t *c, reed_buf_t *body)
{
  contacts_t k;

  contacts(c, false, &k);
  for (size_t i = 0; i < k.n; i++)
    if (reed_casecmp(k.acct[i], c->account) != 0)
      reed__xim_each(c, k.acct[i], to_available, body);
  contacts_free(&k);
  reed__xim_each(c, c->account, to_available, body);
}

static void directed_to(reed_xmpp_core_t *c, const char *jid, reed_buf_t *body);

static void
go_unavailable(reed_xmpp_core_t *c, xim_conn_t *x, const reed_xml_el_t *el)
{
  reed_buf_t *ch = el ? children_of(el) : NULL;
  reed_buf_t *body = body_of(c->full_jid, "unavailable", ch);

  /* 4.5.2: to the contacts and our resources (this one too, while its
   * stream is open), then to whoever got directed presence (4.6.3). */
  if (body != NULL) {
    broadcast(c, body);
    for (size_t i = 0; i < x->n_directed; i++)
      directed_to(c, x->directed[i], body);
  }
  x->available = false;
  reed__xim_peers_clear(x);
  reed_buf_unref(x->show);
  x->show = NULL;
  for (size_t i = 0; i < x->n_directed; i++)
    reed_free(x->directed[i]);
  x->n_directed = 0;
  reed_buf_unref(body);
  reed_buf_unref(ch);
}

static void
go_available(reed_xmpp_core_t *c, xim_conn_t *x, const reed_xml_el_t *el)
{
  bool initial = !x->available;
  reed_buf_t *show = children_of(el), *body;
  contacts_t k;

  if (show == NULL)
    return;
  reed__xmuc_bot_declared(c, el); /* a bot says so (xmpp_muc_disco.c) */
  reed_buf_unref(x->show);
  x->show = show;
  x->available = true;
  x->priority = priority_of(el);
  if ((body = body_of(c->full_jid, NULL, show)) != NULL)
    broadcast(c, body);
  reed_buf_unref(body);
  if (!initial)
    return;
  /* 4.2.2: probes of the contacts with To, answered here; the account's
   * other resources; then what waited for this resource. */
  contacts(c, true, &k);
  for (size_t i = 0; i < k.n; i++)
    if (reed_casecmp(k.acct[i], c->account) != 0) {
      presence_to_me(c, k.acct[i]);
      reed__xim_peer_probe(c, k.acct[i]); /* its IRC or AMP person */
    }
  contacts_free(&k);
  presence_to_me(c, c->account);
  reed__xim_sub_pending(c);
  reed__xim_offline_deliver(c);
}

/* ---- Directed presence (4.6)
 * -------------------------------------------------------
 */
/* To one full JID's resource when it is available, or to every available
 * resource of a bare JID's account. */
static void
directed_to(reed_xmpp_core_t *c, const char *jid, reed_buf_t *body)
{
  reed_jid_t j;
  reed_xmpp_core_t *o;

  if (reed_jid_parse(jid, &j) != 0 ||
      reed__xim_jid_kind(c, &j) != XIM_JID_LOCAL)
    return;
  if (j.resource[0] == '\0') {
    reed__xim_each(c, j.local, to_available, body);
    return;
  }
  o = reed__xmpp_reg_find(&c->st->reg, j.local, j.resource);
  if (o != NULL && reed__xim_available(o))
    reed__xim_write_to(o, "presence", body);
}

static size_t
directed_find(const xim_conn_t *x, const char *jid)
{
  size_t i = 0;

  while (i < x->n_directed && strcmp(x->directed[i], jid) != 0)
    i++;
  return i;
}

/* Remembers (or forgets) a JID that got directed presence and sees none
 * of the broadcasts: a contact with From sees them anyway. */
static void
directed_track(reed_xmpp_core_t *c, xim_conn_t *x, const char *jid,
               const reed_jid_t *j, bool avail)
{
  size_t i = directed_find(x, jid);
  char bare[REED_JID_MAX + 1];
  xim_row_t row;
  char **nd;

  if (!avail) {
    if (i < x->n_directed) {
      reed_free(x->directed[i]);
      x->directed[i] = x->directed[--x->n_directed];
    }
    return;
  }
  reed__xim_bare(j, bare, sizeof(bare));
  if (i < x->n_directed || x->n_directed == REED_XIM_DIRECTED_MAX ||
      reed__xim_row_get(c, c->account, bare, &row) != 0)
    return;
  if (!reed__xsm_has_from(row.st) &&
      (nd = reed_realloc(x->directed, (x->n_directed + 1) * sizeof(*nd)))) {
    x->directed = nd;
    if ((nd[x->n_directed] = reed_strdup(jid)) != NULL)
      x->n_directed++;
  }
  reed__xim_row_free(&row);
}

static void
directed(reed_xmpp_core_t *c, xim_conn_t *x, const xmpp_stanza_t *st,
         bool avail)
{
  reed_buf_t *ch = children_of(st->el), *body = NULL;

  if (!reed__xim_account_exists(c, st->to_jid->local)) {
    reed_buf_unref(ch);
    return; /* 4.6.3 (server side): nobody there; ignored */
  }
  if (ch != NULL &&
      (body = body_of(c->full_jid, avail ? NULL : "unavailable", ch)))
    directed_to(c, st->to, body);
  if (x->available)
    directed_track(c, x, st->to, st->to_jid, avail);
  reed_buf_unref(body);
  reed_buf_unref(ch);
}

bool
reed__xmpp_presence_im(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  bool avail = st->type == NULL;
  xim_conn_t *x;
  int kind;

  if (!avail && strcmp(st->type, "unavailable") != 0)
    return st->type == NULL || strcmp(st->type, "error") == 0 ||
           strcmp(st->type, "probe") == 0; /* not a client's to send */
  kind = st->to_jid ? reed__xim_jid_kind(c, st->to_jid) : XIM_JID_SERVER;
  if (kind == XIM_JID_MUC)
    return false;
  if (kind == XIM_JID_REMOTE) {
    reed__xmpp_stanza_error(c, st, "cancel", "remote-server-not-found", NULL);
    return true;
  }
  if ((x = reed__xim_conn(c, true)) == NULL)
    return true;
  if (kind == XIM_JID_LOCAL && !(st->target & XMPP_TO_SELF_BARE))
    directed(c, x, st, avail);
  else if (avail)
    go_available(c, x, st->el);
  else if (x->available)
    go_unavailable(c, x, st->el);
  return true;
}

/* The stream ends: unavailable as if the client had sent it. */
void
reed__xim_on_unbind(reed_xmpp_core_t *c)
{
  xim_conn_t *x = reed__xim_conn(c, false);

  if (x != NULL && x->available)
    go_unavailable(c, x, NULL);
}
