/* XEP-0030 service discovery: disco#info of the server (identity
 * server/im and the features the families in reed__xmpp_disco_vars
 * declare), of an account's bare JID (account/registered and PEP's
 * pubsub/pep, the account features), and disco#items (empty for the
 * server until the MUC service comes; an account's PEP nodes). */
#include "xmpp_component.h"
#include "xmpp_ext.h"
#include "xmpp_muc.h"
#include "xmpp_upload.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const xmpp_disco_var_t reed__xmpp_disco_disco[] = {
    {REED_NS_DISCO_INFO, XMPP_DISCO_SERVER | XMPP_DISCO_ACCOUNT},
    {REED_NS_DISCO_ITEMS, XMPP_DISCO_SERVER | XMPP_DISCO_ACCOUNT},
    {NULL, 0},
};

static int
cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
reed__xmpp_disco_features(unsigned where, const char **vars, size_t max)
{
  size_t n = 0, out = 0;

  for (size_t f = 0; reed__xmpp_disco_vars[f] != NULL; f++)
    for (const xmpp_disco_var_t *v = reed__xmpp_disco_vars[f]; v->var; v++)
      if ((v->where & where) && n < max)
        vars[n++] = v->var;
  qsort(vars, n, sizeof(*vars), cmp_str);
  for (size_t i = 0; i < n; i++)
    if (out == 0 || strcmp(vars[out - 1], vars[i]) != 0)
      vars[out++] = vars[i];
  return out;
}

static void
put_identity(xmpp_out_t *o, const xmpp_identity_t *id)
{
  reed__xmpp_out_raw(o, "<identity");
  reed__xmpp_out_attr(o, "category", id->category);
  reed__xmpp_out_attr(o, "type", id->type);
  reed__xmpp_out_attr(o, "name", id->name);
  reed__xmpp_out_raw(o, "/>");
}

static void
put_features(xmpp_out_t *o, unsigned where)
{
  const char *vars[XMPP_DISCO_MAX];
  size_t n = reed__xmpp_disco_features(where, vars, XMPP_DISCO_MAX);

  for (size_t i = 0; i < n; i++) {
    reed__xmpp_out_raw(o, "<feature");
    reed__xmpp_out_attr(o, "var", vars[i]);
    reed__xmpp_out_raw(o, "/>");
  }
}

/* A node on the server: XEP-0115 6.2 asks the entity to answer for
 * "node#ver" as for itself; other nodes do not exist. */
static bool
server_node_ok(const char *node)
{
  size_t len = strlen(REED_CAPS_NODE);

  return node == NULL ||
         (strncmp(node, REED_CAPS_NODE, len) == 0 && node[len] == '#' &&
          strcmp(node + len + 1, reed__xmpp_server_ver()) == 0);
}

static const xmpp_identity_t account_ids[] = {
    {.category = "account", .type = "registered"},
    {.category = "pubsub", .type = "pep"},
};

void
reed__xmpp_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *node = reed_xml_attr(st->payload, "node");
  bool server = st->target == XMPP_TO_SERVER;
  xmpp_out_t o;

  if (server ? !server_node_ok(node) : node != NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (!server && reed__xmpp_target_account(c, st) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_INFO "'");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, ">");
  if (server) {
    put_identity(&o, &reed__xmpp_server_identity);
  } else {
    put_identity(&o, &account_ids[0]);
    put_identity(&o, &account_ids[1]);
  }
  put_features(&o, server ? XMPP_DISCO_SERVER : XMPP_DISCO_ACCOUNT);
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* disco#items: nothing on the server yet (the MUC service is the next
 * issue's); an account lists its PEP nodes (XEP-0163 section 8). */
typedef struct items_ctx_s {
  xmpp_out_t *o;
  const char *jid;
  bool owner;
} items_ctx_t;

static void
item_node(void *ud, const char *node, const reed_xpep_conf_t *conf)
{
  items_ctx_t *x = ud;

  if (!x->owner && conf->access != REED_XPEP_OPEN)
    return;
  reed__xmpp_out_raw(x->o, "<item");
  reed__xmpp_out_attr(x->o, "jid", x->jid);
  reed__xmpp_out_attr(x->o, "node", node);
  reed__xmpp_out_raw(x->o, "/>");
}

void
reed__xmpp_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *account = NULL;
  char jid[REED_JID_MAX + 1];
  xmpp_out_t o;
  items_ctx_t x = {.o = &o, .jid = jid};

  if (st->target != XMPP_TO_SERVER &&
      (account = reed__xmpp_target_account(c, st)) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  if (reed_xml_attr(st->payload, "node") != NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_ITEMS "'>");
  if (st->target == XMPP_TO_SERVER)
    reed__xcomp_disco_items(c, &o); /* XEP-0114 */
  if (account == NULL) {            /* XEP-0045 6.1: the MUC service */
    reed__xmuc_service_item(c, &o);
    reed__xupload_service_item(c, &o); /* XEP-0363 */
  }
  if (account != NULL && reed__xmpp_xstore(c) != NULL) {
    reed__xmpp_account_jid(c, account, jid, sizeof(jid));
    x.owner = strcasecmp(account, c->account) == 0;
    reed_xstore_pep_node_list(reed__xmpp_xstore(c), account, item_node, &x);
  }
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}
