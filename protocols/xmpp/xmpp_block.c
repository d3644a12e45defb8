/* XEP-0191 blocking: the blocklist (get, block, unblock, unblock all) in
 * the module's store, pushes to every resource of the account that asked
 * for the list, and enforcement:
 *   - a stanza the user sends to a JID it blocked: <not-acceptable/> with
 *     <blocked/> (messages and iq), dropped (presence) (section 3.6);
 *   - a stanza to a local account that blocked the sender:
 *     <service-unavailable/> (messages and iq), dropped (presence), as if
 *     the account did not exist (section 3.5);
 *   - a private message or TAGMSG from another protocol (IRC PRIVMSG, AMP
 *     Tell) whose sender's account@domain the user blocked is dropped in
 *     this module's listener, so it never reaches the user's XMPP
 *     resources. The user's own IRC and AMP sessions are not filtered:
 *     the model has no per-person block list, and those protocols have
 *     their own (IRC SILENCE-like) means.
 * Guests (no account) have no JID to block, except through a room (the
 * next issue's MUC occupant JIDs). */
#include "xmpp_ext.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Entries per account: a bound on what one account makes the store keep. */
#define BLOCK_MAX 1000

const xmpp_disco_var_t reed__xmpp_disco_block[] = {
    {REED_NS_BLOCKING, XMPP_DISCO_SERVER},
    {NULL, 0},
};

/* A resource that fetched the blocklist gets pushes (section 3.3). The
 * slot holds this marker's address: nothing to free. */
static char interested;

static void
put_item(xmpp_out_t *o, const char *jid)
{
  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(o, "jid", jid);
  reed__xmpp_out_raw(o, "/>");
}

static void
list_item(void *ud, const char *jid)
{
  put_item(ud, jid);
}

void
reed__xmpp_iq_blocklist(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  xmpp_out_t o;

  if (xs == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed__xmpp_ext_set(c, XMPP_EXT_BLOCK, &interested);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<blocklist xmlns='" REED_NS_BLOCKING "'>");
  if (reed_xstore_block_list(xs, c->account, list_item, &o) < 0)
    o.err = REED_EIO;
  reed__xmpp_out_raw(&o, "</blocklist>");
  if (o.err == REED_EIO)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Pushes ----------------------------------------------------------- */

typedef struct push_s {
  reed_xmpp_core_t *from;
  const char *payload; /* <block ...>...</block> or <unblock .../> */
} push_t;

static void
push_one(void *ud, reed_xmpp_core_t *o)
{
  push_t *p = ud;
  char id[48];
  xmpp_out_t out;

  if (o->closed || reed__xmpp_ext_get(o, XMPP_EXT_BLOCK) != &interested)
    return;
  reed__xmpp_new_id(p->from, id, sizeof(id));
  reed__xmpp_out_init(&out);
  reed__xmpp_out_stanza(&out, "iq", o->full_jid, NULL, "set", id);
  reed__xmpp_out_raw(&out, ">");
  reed__xmpp_out_raw(&out, p->payload);
  reed__xmpp_out_raw(&out, "</iq>");
  reed__xmpp_send(o, &out);
  reed__xmpp_out_cleanup(&out);
}

static void
push(reed_xmpp_core_t *c, const xmpp_out_t *payload)
{
  push_t p = {.from = c};

  if (payload->err != 0 || payload->b == NULL)
    return;
  /* The builder's bytes as a string: copy them with a NUL. */
  char *s = reed_malloc(payload->b->len + 1);
  if (s == NULL)
    return;
  memcpy(s, payload->b->data, payload->b->len);
  s[payload->b->len] = '\0';
  p.payload = s;
  reed__xmpp_reg_each(&c->st->reg, c->account, push_one, &p);
  reed_free(s);
}

/* ---- Block and unblock ------------------------------------------------ */

/* The items' JIDs normalised into the payload that is pushed; false (an
 * error sent) when one is missing or malformed. */
static bool
collect(reed_xmpp_core_t *c, const xmpp_stanza_t *st, xmpp_out_t *o, size_t *n)
{
  char jid[REED_JID_MAX + 1];
  reed_jid_t j;

  *n = 0;
  for (reed_xml_el_t *it = reed_xml_child(st->payload, "item", NULL);
       it != NULL; it = reed_xml_next(it, "item", NULL)) {
    const char *raw = reed_xml_attr(it, "jid");

    if (raw == NULL || reed_jid_parse(raw, &j) < 0) {
      reed__xmpp_stanza_error(c, st, "modify", "jid-malformed", NULL);
      return false;
    }
    reed_jid_format(&j, true, jid, sizeof(jid));
    put_item(o, jid);
    (*n)++;
  }
  return true;
}

/* Applies each pushed item (the payload's own <item/>s, already normal). */
static int
apply(reed_xmpp_core_t *c, reed_xml_el_t *payload, bool block)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  char jid[REED_JID_MAX + 1];
  reed_jid_t j;
  int rc = 0;

  for (reed_xml_el_t *it = reed_xml_child(payload, "item", NULL);
       it != NULL && rc >= 0; it = reed_xml_next(it, "item", NULL)) {
    reed_jid_parse(reed_xml_attr(it, "jid"), &j);
    reed_jid_format(&j, true, jid, sizeof(jid));
    if (block && reed_xstore_block_count(xs, c->account) >= BLOCK_MAX)
      rc = REED_ELIMIT;
    else if (block)
      rc = reed_xstore_block_add(xs, c->account, jid);
    else
      rc = reed_xstore_block_del(xs, c->account, jid);
    if (rc == REED_EEXIST || rc == REED_ENOTFOUND)
      rc = 0;
  }
  return rc;
}

static int
store_change(reed_xmpp_core_t *c, const xmpp_stanza_t *st, bool block, size_t n)
{
  if (n == 0 && block) /* section 3.3: a block names at least one JID */
    return REED_EINVAL;
  if (n == 0)
    return reed_xstore_block_clear(reed__xmpp_xstore(c), c->account);
  return apply(c, st->payload, block);
}

static void
change(reed_xmpp_core_t *c, const xmpp_stanza_t *st, bool block)
{
  xmpp_out_t items, o;
  size_t n;
  int rc;

  if (reed__xmpp_xstore(c) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed__xmpp_out_init(&items);
  if (!collect(c, st, &items, &n)) {
    reed__xmpp_out_cleanup(&items);
    return;
  }
  rc = store_change(c, st, block, n);
  if (rc == REED_EINVAL)
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  else if (rc == REED_ELIMIT)
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
  else if (rc < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  if (rc < 0) {
    reed__xmpp_out_cleanup(&items);
    return;
  }
  reed__xmpp_iq_result(c, st, NULL);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, block ? "<block" : "<unblock");
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_BLOCKING "'");
  if (n == 0) {
    reed__xmpp_out_raw(&o, "/>"); /* unblock all */
  } else {
    reed__xmpp_out_raw(&o, ">");
    if (o.err == 0 && items.err == 0)
      o.err = reed_buf_append(&o.b, items.b->data, items.b->len);
    reed__xmpp_out_raw(&o, block ? "</block>" : "</unblock>");
  }
  push(c, &o);
  reed__xmpp_out_cleanup(&o);
  reed__xmpp_out_cleanup(&items);
}

void
reed__xmpp_iq_block(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  change(c, st, true);
}

void
reed__xmpp_iq_unblock(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  change(c, st, false);
}
