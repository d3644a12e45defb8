/* PEP items (XEP-0060 sections 6.5, 7.1, 7.2, 8.4 on XEP-0163's account
 * nodes): retrieval (all, max_items, by id) under the node's access model,
 * publishing's store-and-notify, retraction, node deletion, and the
 * notifications to the account's own resources. */
#include "xmpp_ext.h"
#include "xmpp_pep_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

reed_xpep_conf_t
reed__xmpp_pep_defaults(const char *node)
{
  reed_xpep_conf_t conf = {
      .access = REED_XPEP_PRESENCE, .max_items = 1, .persist = true};

  if (strcmp(node, REED_NS_BOOKMARKS) == 0) {
    conf.access = REED_XPEP_WHITELIST;
    conf.max_items = REED_PEP_MAX_ITEMS;
  }
  return conf;
}

/* ---- Notifications ---------------------------------------------------- */

typedef struct notify_s {
  reed_xmpp_core_t *from;
  const char *body;
  char jid[REED_JID_MAX + 1];
  char id[48];
} notify_t;

static void
notify_one(void *ud, reed_xmpp_core_t *o)
{
  notify_t *n = ud;
  xmpp_out_t out;

  if (o->closed)
    return;
  reed__xmpp_out_init(&out);
  reed__xmpp_out_stanza(&out, "message", o->full_jid, n->jid, "headline",
                        n->id);
  reed__xmpp_out_raw(&out, "><event xmlns='" REED_NS_PUBSUB_EVENT "'>");
  reed__xmpp_out_raw(&out, n->body);
  reed__xmpp_out_raw(&out, "</event></message>");
  reed__xmpp_send(o, &out);
  reed__xmpp_out_cleanup(&out);
}

void
reed__xmpp_pep_notify(reed_xmpp_core_t *c, const char *body)
{
  notify_t n = {.from = c, .body = body};

  reed__xmpp_account_jid(c, c->account, n.jid, sizeof(n.jid));
  reed__xmpp_new_id(c, n.id, sizeof(n.id));
  reed__xmpp_reg_each(&c->st->reg, c->account, notify_one, &n);
}

void
reed__xmpp_pep_notify_out(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  char *s;

  if (o->err != 0 || (s = reed_malloc(o->b->len + 1)) == NULL)
    return;
  memcpy(s, o->b->data, o->b->len);
  s[o->b->len] = '\0';
  reed__xmpp_pep_notify(c, s);
  reed_free(s);
}

static void
put_item(xmpp_out_t *o, const char *id, const char *xml)
{
  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(o, "id", id);
  reed__xmpp_out_raw(o, ">");
  reed__xmpp_out_raw(o, xml);
  reed__xmpp_out_raw(o, "</item>");
}

int
reed__xmpp_pep_publish_string(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                              const char *node, const reed_xpep_conf_t *conf,
                              const reed_xpep_item_t *it)
{
  xmpp_out_t o;
  int rc = 0;

  if (conf->persist)
    rc = reed_xstore_pep_publish(reed__xmpp_xstore(c), c->account, node, it);
  if (rc < 0)
    return rc;
  if (st != NULL)
    reed__xmpp_pep_publish_result(c, st, node, it->id);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<items");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, ">");
  put_item(&o, it->id, it->xml);
  reed__xmpp_out_raw(&o, "</items>");
  reed__xmpp_pep_notify_out(c, &o);
  reed__xmpp_out_cleanup(&o);
  return 0;
}

int
reed__xmpp_pep_publish_item(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                            const char *node, const reed_xpep_conf_t *conf,
                            const reed_xpep_item_t *it,
                            const reed_xml_el_t *payload)
{
  reed_xpep_item_t copy = *it;
  int rc;

  if ((copy.xml = reed__xmpp_el_string(payload)) == NULL)
    return REED_ENOMEM;
  rc = reed__xmpp_pep_publish_string(c, st, node, conf, &copy);
  reed_free((char *)copy.xml);
  return rc;
}

void
reed__xmpp_pep_publish_result(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                              const char *node, const char *id)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<pubsub xmlns='" REED_NS_PUBSUB "'><publish");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, "><item");
  reed__xmpp_out_attr(&o, "id", id);
  reed__xmpp_out_raw(&o, "/></publish></pubsub>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Retrieval ---------------------------------------------------------- */

static void
roster_sub(void *ud, const reed_xroster_item_t *item)
{
  *(bool *)ud = (item->sub & REED_XSUB_FROM) != 0;
}

/* XEP-0060 6.5.2-6.5.4: the owner always; open: anyone; presence: those
 * the owner's roster says get its presence; roster and whitelist: the
 * owner only (roster groups are not matched). */
static bool
may_read(reed_xmpp_core_t *c, const char *owner, const reed_xpep_conf_t *conf)
{
  char me[REED_JID_MAX + 1];
  bool from = false;

  if (strcasecmp(owner, c->account) == 0 || conf->access == REED_XPEP_OPEN)
    return true;
  if (conf->access != REED_XPEP_PRESENCE)
    return false;
  reed__xmpp_account_jid(c, c->account, me, sizeof(me));
  reed_xstore_roster_get(reed__xmpp_xstore(c), owner, me, roster_sub, &from);
  return from;
}

static void
item_cb(void *ud, const reed_xpep_item_t *it)
{
  put_item(ud, it->id, it->xml);
}

static int
put_items(reed_xmpp_core_t *c, const char *owner, const char *node,
          reed_xml_el_t *items, xmpp_out_t *o)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  reed_xml_el_t *want = reed_xml_child(items, "item", REED_NS_PUBSUB);
  const char *max = reed_xml_attr(items, "max_items");
  int rc = 0;

  if (want == NULL)
    return reed_xstore_pep_items(
        xs, owner, node, max != NULL ? strtoul(max, NULL, 10) : 0, item_cb, o);
  for (; want != NULL && rc >= 0;
       want = reed_xml_next(want, "item", REED_NS_PUBSUB)) {
    const char *id = reed_xml_attr(want, "id");

    rc = id != NULL ? reed_xstore_pep_item_get(xs, owner, node, id, item_cb, o)
                    : 0;
    if (rc == REED_ENOTFOUND)
      rc = 0; /* an id that is gone is left out */
  }
  return rc;
}

void
reed__xmpp_pep_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                     reed_xml_el_t *items)
{
  const char *owner = reed__xmpp_target_account(c, st);
  const char *node = reed_xml_attr(items, "node");
  reed_xpep_conf_t conf;
  xmpp_out_t o;
  int rc;

  if (node == NULL) {
    reed__xmpp_pep_error(c, st, "modify", "bad-request", "nodeid-required");
    return;
  }
  if (owner == NULL ||
      reed_xstore_pep_node_get(reed__xmpp_xstore(c), owner, node, &conf) < 0) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (!may_read(c, owner, &conf)) {
    reed__xmpp_pep_error(c, st, "auth", "not-authorized",
                         conf.access == REED_XPEP_PRESENCE
                             ? "presence-subscription-required"
                             : "closed-node");
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<pubsub xmlns='" REED_NS_PUBSUB "'><items");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, ">");
  rc = put_items(c, owner, node, items, &o);
  reed__xmpp_out_raw(&o, "</items></pubsub>");
  if (rc < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Retract and delete ------------------------------------------------- */

void
reed__xmpp_pep_retract(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                       reed_xml_el_t *retract)
{
  const char *node = reed_xml_attr(retract, "node");
  const char *notify = reed_xml_attr(retract, "notify");
  reed_xml_el_t *item = reed_xml_child(retract, "item", REED_NS_PUBSUB);
  const char *id = item != NULL ? reed_xml_attr(item, "id") : NULL;
  xmpp_out_t o;
  int rc;

  if (node == NULL || id == NULL) {
    reed__xmpp_pep_error(c, st, "modify", "bad-request",
                         node == NULL ? "nodeid-required" : "item-required");
    return;
  }
  rc = reed_xstore_pep_retract(reed__xmpp_xstore(c), c->account, node, id);
  if (rc < 0) {
    reed__xmpp_stanza_error(c, st, rc == REED_ENOTFOUND ? "cancel" : "wait",
                            rc == REED_ENOTFOUND ? "item-not-found"
                                                 : "internal-server-error",
                            NULL);
    return;
  }
  reed__xmpp_iq_result(c, st, NULL);
  if (notify == NULL ||
      (strcmp(notify, "1") != 0 && strcmp(notify, "true") != 0))
    return;
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<items");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, "><retract");
  reed__xmpp_out_attr(&o, "id", id);
  reed__xmpp_out_raw(&o, "/></items>");
  reed__xmpp_pep_notify_out(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* pubsub#owner: <delete node=.../> (XEP-0060 8.4); the account's
 * resources learn it. */
void
reed__xmpp_iq_pubsub_owner(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xml_el_t *del = reed_xml_child(st->payload, "delete", NULL);
  const char *node = del != NULL ? reed_xml_attr(del, "node") : NULL;
  xmpp_out_t o;
  int rc;

  if (del == NULL || reed__xmpp_xstore(c) == NULL) {
    reed__xmpp_pep_error(c, st, "cancel", "feature-not-implemented",
                         "unsupported");
    return;
  }
  rc = node != NULL
           ? reed_xstore_pep_node_del(reed__xmpp_xstore(c), c->account, node)
           : REED_ENOTFOUND;
  if (rc < 0) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed__xmpp_iq_result(c, st, NULL);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<delete");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, "/>");
  reed__xmpp_pep_notify_out(c, &o);
  reed__xmpp_out_cleanup(&o);
}
