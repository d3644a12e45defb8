/* XEP-0163 PEP on the account's bare JID, on XEP-0060: publish (with
 * pubsub#publish-options: persist_items, access_model, max_items; a node
 * is created by its first publish, and options that differ from an
 * existing node's configuration are precondition-not-met), create, and the
 * dispatch of the pubsub iq to xmpp_pep_items.c (items, retract, delete).
 * Notifications go to the account's own resources only: presence
 * subscribers' +notify interest would come from their caps, which this
 * module does not track yet, so contacts fetch items instead (what OMEMO
 * clients do for device lists and bundles). */
#include "xmpp_ext.h"
#include "xmpp_pep_int.h"

#include <stdlib.h>
#include <string.h>

const xmpp_disco_var_t reed__xmpp_disco_pep[] = {
    {REED_NS_PUBSUB "#access-open", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#access-presence", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#create-nodes", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#delete-nodes", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#item-ids", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#persistent-items", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#publish", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#publish-options", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#retract-items", XMPP_DISCO_ACCOUNT},
    {REED_NS_PUBSUB "#retrieve-items", XMPP_DISCO_ACCOUNT},
    {NULL, 0},
};

/* XEP-0060 7.1.5: the error of a publish whose options do not match. */
void
reed__xmpp_pep_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                     const char *type, const char *cond, const char *app)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "iq", c->full_jid, st->to, "error", st->id);
  reed__xmpp_out_raw(&o, "><error");
  reed__xmpp_out_attr(&o, "type", type);
  reed__xmpp_out_raw(&o, "><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_STANZA_ERR "'/><");
  reed__xmpp_out_raw(&o, app);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_PUBSUB_ERRORS "'/></error></iq>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

static int
parse_access(const char *v, reed_xpep_access_t *out)
{
  static const char *const names[] = {"open", "presence", "roster",
                                      "whitelist"};

  for (size_t i = 0; i < REED_ARRAY_SIZE(names); i++)
    if (strcmp(v, names[i]) == 0) {
      *out = (reed_xpep_access_t)i;
      return 0;
    }
  return REED_EINVAL;
}

static int
parse_max(const char *v, uint32_t *out)
{
  char *end;
  unsigned long n;

  if (strcmp(v, "max") == 0) {
    *out = REED_PEP_MAX_ITEMS;
    return 0;
  }
  n = strtoul(v, &end, 10);
  if (*v == '\0' || *end != '\0' || n == 0)
    return REED_EINVAL;
  *out = n > REED_PEP_MAX_ITEMS ? REED_PEP_MAX_ITEMS : (uint32_t)n;
  return 0;
}

/* One field of a pubsub#publish-options (or node_config) form onto conf;
 * *set gets the field's bit. */
static int
apply_field(const char *var, const char *v, reed_xpep_conf_t *conf,
            unsigned *set)
{
  if (strcmp(var, "pubsub#persist_items") == 0) {
    *set |= PEP_OPT_PERSIST;
    conf->persist = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
    if (!conf->persist && strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
      return REED_EINVAL;
    return 0;
  }
  if (strcmp(var, "pubsub#access_model") == 0) {
    *set |= PEP_OPT_ACCESS;
    return parse_access(v, &conf->access);
  }
  if (strcmp(var, "pubsub#max_items") == 0) {
    *set |= PEP_OPT_MAX;
    return parse_max(v, &conf->max_items);
  }
  return 0; /* FORM_TYPE, and options this server does not keep */
}

int
reed__xmpp_pep_parse_form(const reed_xml_el_t *parent, reed_xpep_conf_t *conf,
                          unsigned *set)
{
  reed_xml_el_t *x = parent ? reed_xml_child(parent, "x", REED_NS_DATA) : NULL;
  int rc = 0;

  *set = 0;
  if (x == NULL)
    return 0;
  for (reed_xml_el_t *f = reed_xml_child(x, "field", REED_NS_DATA);
       f != NULL && rc == 0; f = reed_xml_next(f, "field", REED_NS_DATA)) {
    const char *var = reed_xml_attr(f, "var");
    const char *v = reed_xml_child_text(f, "value", REED_NS_DATA);

    if (var != NULL)
      rc = apply_field(var, v != NULL ? v : "", conf, set);
  }
  return rc;
}

static bool
conf_matches(const reed_xpep_conf_t *have, const reed_xpep_conf_t *want,
             unsigned set)
{
  return (!(set & PEP_OPT_PERSIST) || have->persist == want->persist) &&
         (!(set & PEP_OPT_ACCESS) || have->access == want->access) &&
         (!(set & PEP_OPT_MAX) || have->max_items == want->max_items);
}

/* The node's configuration for a publish: created with the options when
 * new; else the options must match. 0, or an error already sent. */
static int
node_for_publish(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *node,
                 reed_xpep_conf_t *conf)
{
  reed_xml_el_t *po =
      reed_xml_child(st->payload, "publish-options", REED_NS_PUBSUB);
  reed_xpep_conf_t want = reed__xmpp_pep_defaults(node);
  unsigned set;
  int rc;

  if (reed__xmpp_pep_parse_form(po, &want, &set) < 0) {
    reed__xmpp_pep_error(c, st, "modify", "bad-request", "invalid-options");
    return REED_EINVAL;
  }
  rc = reed_xstore_pep_node_get(reed__xmpp_xstore(c), c->account, node, conf);
  if (rc == REED_ENOTFOUND) {
    *conf = want;
    rc = reed_xstore_pep_node_put(reed__xmpp_xstore(c), c->account, node, conf);
  } else if (rc == 0 && !conf_matches(conf, &want, set)) {
    reed__xmpp_pep_error(c, st, "cancel", "conflict", "precondition-not-met");
    return REED_EINVAL;
  }
  if (rc < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  return rc;
}

static void
publish(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_xml_el_t *pub)
{
  const char *node = reed_xml_attr(pub, "node");
  reed_xml_el_t *item = reed_xml_child(pub, "item", REED_NS_PUBSUB);
  char gen[48];
  reed_xpep_conf_t conf;
  reed_xpep_item_t it = {.published_ms =
                             c->env->clock->wall_ms(c->env->clock->c)};

  if (node == NULL || node[0] == '\0') {
    reed__xmpp_pep_error(c, st, "modify", "bad-request", "nodeid-required");
    return;
  }
  if (item == NULL || item->first == NULL || item->first->next != NULL) {
    reed__xmpp_pep_error(c, st, "modify", "bad-request", "invalid-payload");
    return;
  }
  if (node_for_publish(c, st, node, &conf) < 0)
    return;
  if ((it.id = reed_xml_attr(item, "id")) == NULL || it.id[0] == '\0') {
    reed__xmpp_new_id(c, gen, sizeof(gen));
    it.id = gen;
  }
  if (reed__xmpp_pep_publish_item(c, st, node, &conf, &it, item->first) < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
}

static void
create(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_xml_el_t *cr)
{
  const char *node = reed_xml_attr(cr, "node");
  reed_xml_el_t *cf = reed_xml_child(st->payload, "configure", REED_NS_PUBSUB);
  reed_xpep_conf_t conf;
  unsigned set;

  if (node == NULL || node[0] == '\0') {
    reed__xmpp_pep_error(c, st, "modify", "not-acceptable", "nodeid-required");
    return;
  }
  if (reed_xstore_pep_node_get(reed__xmpp_xstore(c), c->account, node, &conf) ==
      0) {
    reed__xmpp_stanza_error(c, st, "cancel", "conflict", NULL);
    return;
  }
  conf = reed__xmpp_pep_defaults(node);
  if (reed__xmpp_pep_parse_form(cf, &conf, &set) < 0) {
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", NULL);
    return;
  }
  if (reed_xstore_pep_node_put(reed__xmpp_xstore(c), c->account, node, &conf) <
      0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, NULL);
}

/* The pubsub iq: the owner publishes, creates and retracts; anyone with
 * access reads. */
void
reed__xmpp_iq_pubsub(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xml_el_t *el = st->payload->first;
  bool owner = st->target & (XMPP_TO_NONE | XMPP_TO_SELF_BARE);
  bool get = strcmp(st->type, "get") == 0;

  if (reed__xmpp_xstore(c) == NULL || el == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  if (get && strcmp(el->name, "items") == 0)
    reed__xmpp_pep_items(c, st, el);
  else if (get || strcmp(el->ns, REED_NS_PUBSUB) != 0)
    reed__xmpp_pep_error(c, st, "cancel", "feature-not-implemented",
                         "unsupported");
  else if (!owner)
    reed__xmpp_stanza_error(c, st, "auth", "forbidden", NULL);
  else if (strcmp(el->name, "publish") == 0)
    publish(c, st, el);
  else if (strcmp(el->name, "create") == 0)
    create(c, st, el);
  else if (strcmp(el->name, "retract") == 0)
    reed__xmpp_pep_retract(c, st, el);
  else
    reed__xmpp_pep_error(c, st, "cancel", "feature-not-implemented",
                         "unsupported");
}
