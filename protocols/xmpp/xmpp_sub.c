/* Presence subscriptions (RFC 6121 section 3) between local accounts: the
 * sender's server side (A.2) and the contact's (A.3) both run here, each
 * on its own roster row, through the table of xmpp_sub_state.c. Every
 * state is in the store; a request waiting for an answer is delivered
 * again at each initial presence. Contacts on other domains: there is no
 * s2s, so the stanza gets remote-server-not-found. */
#include "xmpp_im_int.h"

#include <stdio.h>
#include <string.h>

static const char *const type_names[REED_XSM_N_TYPES] = {
    "subscribe", "subscribed", "unsubscribe", "unsubscribed"};

/* ' from=... type=...>' + the stanza's children + '</presence>', shared by
 * every resource it goes to. */
static reed_buf_t *
sub_body(const char *from, const char *type, const reed_xml_el_t *stanza,
         const char *status)
{
  xmpp_out_t o;
  reed_buf_t *b;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_attr(&o, "type", type);
  if ((stanza == NULL || stanza->first == NULL) && status == NULL)
    reed__xmpp_out_raw(&o, "/>");
  else {
    reed__xmpp_out_raw(&o, ">");
    for (const reed_xml_el_t *ch = stanza ? stanza->first : NULL; ch != NULL;
         ch = ch->next)
      reed__xmpp_out_el(&o, ch, REED_NS_CLIENT);
    if (stanza == NULL && status != NULL) {
      reed__xmpp_out_raw(&o, "<status>");
      reed__xmpp_out_text(&o, status, strlen(status));
      reed__xmpp_out_raw(&o, "</status>");
    }
    reed__xmpp_out_raw(&o, "</presence>");
  }
  b = o.err == 0 ? reed_buf_ref(o.b) : NULL;
  reed__xmpp_out_cleanup(&o);
  return b;
}

static void
deliver_one(void *ud, reed_xmpp_core_t *o)
{
  if (reed__xim_available(o))
    reed__xim_write_to(o, "presence", ud);
}

static bool
row_changed(const xim_row_t *a, const xim_row_t *b)
{
  return a->st != b->st || a->approved != b->approved ||
         a->listed != b->listed || a->status != b->status;
}

/* The request's <status/> text, bounded, or NULL. */
static char *
status_of(const reed_xml_el_t *stanza)
{
  const char *s = stanza ? reed_xml_child_text(stanza, "status", NULL) : NULL;
  char *out;
  size_t n;

  if (s == NULL || s[0] == '\0')
    return NULL;
  n = reed_utf8_cut(s, strlen(s), REED_XIM_NAME_MAX);
  if ((out = reed_malloc(n + 1)) != NULL) {
    memcpy(out, s, n);
    out[n] = '\0';
  }
  return out;
}

void
reed__xim_sub_inbound(reed_xmpp_core_t *c, const char *from_acct,
                      const char *to_acct, reed_xsm_type_t type,
                      const reed_xml_el_t *stanza)
{
  char from[REED_JID_MAX + 1];
  xim_row_t row, old;
  reed_xsm_step_t step;
  reed_buf_t *body;

  reed__xim_account_jid(c, from_acct, from, sizeof(from));
  if (reed__xim_row_get(c, to_acct, from, &row) != 0) {
    reed__xim_row_free(&row);
    return;
  }
  old = row; /* shallow: row.status is old.status until replaced */
  step = reed__xsm_step(row.st, row.approved, REED_XSM_IN, type);
  row.st = step.next;
  row.approved = step.approved;
  if (type == REED_XSM_SUBSCRIBE && step.pass)
    row.status = status_of(stanza);
  else if (!reed__xsm_pending_in(row.st))
    row.status = NULL;
  if (row_changed(&old, &row))
    reed__xim_row_put(c, to_acct, from, &row, step.push);
  if (row.status != old.status)
    reed_free(old.status);
  reed__xim_row_free(&row);
  if (step.pass &&
      (body = sub_body(from, type_names[type], stanza, NULL)) != NULL) {
    reed__xim_each(c, to_acct, deliver_one, body);
    reed_buf_unref(body);
  }
  if (step.auto_subscribed) /* 3.1.3: answered for the contact */
    reed__xim_sub_inbound(c, to_acct, from_acct, REED_XSM_SUBSCRIBED, NULL);
  if (step.gained_from)
    reed__xim_presence_between(c, to_acct, from_acct, true);
  if (step.lost_from)
    reed__xim_presence_between(c, to_acct, from_acct, false);
}

/* The sender's side (A.2) on its own row, then the contact's. */
static void
outbound(reed_xmpp_core_t *c, const char *contact, const char *jid,
         reed_xsm_type_t type, const reed_xml_el_t *stanza)
{
  xim_row_t row, old;
  reed_xsm_step_t step;

  if (reed__xim_row_get(c, c->account, jid, &row) != 0) {
    reed__xim_row_free(&row);
    return;
  }
  old = row;
  step = reed__xsm_step(row.st, row.approved, REED_XSM_OUT, type);
  row.st = step.next;
  row.approved = step.approved;
  /* 3.1.2 and 3.1.5: asking for, or granting, a subscription puts the
   * contact in the roster; so does a pre-approval (3.4). */
  if (type == REED_XSM_SUBSCRIBE || step.gained_from || step.approved)
    row.listed = true;
  if (!reed__xsm_pending_in(row.st))
    row.status = NULL;
  if (row_changed(&old, &row))
    reed__xim_row_put(c, c->account, jid, &row,
                      step.push || row.listed != old.listed);
  if (row.status != old.status)
    reed_free(old.status);
  reed__xim_row_free(&row);
  if (step.pass && reed__xim_account_exists(c, contact))
    reed__xim_sub_inbound(c, c->account, contact, type, stanza);
  else if (step.pass && type == REED_XSM_SUBSCRIBE)
    /* 3.1.3: no such account; the request is refused for it. */
    reed__xim_sub_inbound(c, contact, c->account, REED_XSM_UNSUBSCRIBED, NULL);
  if (step.gained_from)
    reed__xim_presence_between(c, c->account, contact, true);
  if (step.lost_from)
    reed__xim_presence_between(c, c->account, contact, false);
}

bool
reed__xmpp_presence_sub(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  int type = reed__xsm_type_parse(st->type);
  char jid[REED_JID_MAX + 1], self[REED_JID_MAX + 1];
  int kind;

  if (type < 0)
    return false;
  kind = reed__xim_jid_kind(c, st->to_jid);
  if (kind == XIM_JID_MUC)
    return false;
  if (kind == XIM_JID_REMOTE) {
    reed__xmpp_stanza_error(c, st, "cancel", "remote-server-not-found", NULL);
    return true;
  }
  if (kind != XIM_JID_LOCAL)
    return true; /* to no one, or to the server: nothing to do */
  /* 3.1.2: a subscription is between bare JIDs, whatever was written. */
  reed__xim_bare(st->to_jid, jid, sizeof(jid));
  reed__xim_account_jid(c, c->account, self, sizeof(self));
  if (strcmp(jid, self) != 0)
    outbound(c, st->to_jid->local, jid, (reed_xsm_type_t)type, st->el);
  return true;
}

/* ---- Requests waiting at login ---------------------------------------------
 */
typedef struct {
  reed_xmpp_core_t *c;
  reed_buf_t **bodies;
  size_t n, cap;
} pending_t;

static void
pending_row(void *ud, const reed_xroster_item_t *it)
{
  pending_t *p = ud;
  reed_buf_t *b, **nb;

  if (!it->pending_in || (it->sub & REED_XSUB_FROM))
    return;
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 8;
    if ((nb = reed_realloc(p->bodies, p->cap * sizeof(*nb))) == NULL)
      return;
    p->bodies = nb;
  }
  if ((b = sub_body(it->jid, "subscribe", NULL, it->pending_status)) != NULL)
    p->bodies[p->n++] = b;
}

/* RFC 6121 3.1.3: a request that found no available resource is
 * delivered when one comes; and again each time until it is answered. */
void
reed__xim_sub_pending(reed_xmpp_core_t *c)
{
  pending_t p = {c, NULL, 0, 0};

  reed_xstore_roster_list(reed__xim_store(c), c->account, true, pending_row,
                          &p);
  for (size_t i = 0; i < p.n; i++) {
    reed__xim_write_to(c, "presence", p.bodies[i]);
    reed_buf_unref(p.bodies[i]);
  }
  reed_free(p.bodies);
}
