/* XEP-0402 bookmarks: the urn:xmpp:bookmarks:1 PEP node (one item per
 * room, id = the room's JID; xmpp_pep*.c serve it like any node, with
 * whitelist access and max items by default) and its #compat mapping
 * (section 5.2): XEP-0049 private storage of <storage
 * xmlns='storage:bookmarks'/> reads and writes that node, so a client of
 * either kind sees the other's bookmarks. The node is the only copy. */
#include "xmpp_ext.h"
#include "xmpp_pep_int.h"

#include <string.h>

const xmpp_disco_var_t reed__xmpp_disco_bookmarks[] = {
    {REED_NS_BOOKMARKS "#compat", XMPP_DISCO_ACCOUNT},
    {NULL, 0},
};

bool
reed__xmpp_is_bookmarks(const reed_xml_el_t *el)
{
  return strcmp(el->name, "storage") == 0 &&
         strcmp(el->ns, REED_NS_BOOKMARKS_OLD) == 0;
}

static bool
truthy(const char *v)
{
  return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static void
put_child_text(xmpp_out_t *o, const reed_xml_el_t *el, const char *name)
{
  const char *t = reed_xml_child_text(el, name, NULL);

  if (t == NULL)
    return;
  reed__xmpp_out_raw(o, "<");
  reed__xmpp_out_raw(o, name);
  reed__xmpp_out_raw(o, ">");
  reed__xmpp_out_text(o, t, strlen(t));
  reed__xmpp_out_raw(o, "</");
  reed__xmpp_out_raw(o, name);
  reed__xmpp_out_raw(o, ">");
}

/* A stored XEP-0402 <conference/> (item `id`) as an XEP-0048 one. */
static void
old_from_new(void *ud, const reed_xml_el_t *conf, const char *id)
{
  xmpp_out_t *o = ud;

  if (strcmp(conf->name, "conference") != 0)
    return;
  reed__xmpp_out_raw(o, "<conference");
  reed__xmpp_out_attr(o, "jid", id);
  reed__xmpp_out_attr(o, "name", reed_xml_attr(conf, "name"));
  if (truthy(reed_xml_attr(conf, "autojoin")))
    reed__xmpp_out_raw(o, " autojoin='true'");
  reed__xmpp_out_raw(o, ">");
  put_child_text(o, conf, "nick");
  put_child_text(o, conf, "password");
  reed__xmpp_out_raw(o, "</conference>");
}

static void
item_to_old(void *ud, const reed_xpep_item_t *it)
{
  reed__xmpp_parse_fragment(it->xml, old_from_new, it->id, ud);
}

int
reed__xmpp_bookmarks_get_private(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  int rc;

  reed__xmpp_out_raw(o, "<storage xmlns='" REED_NS_BOOKMARKS_OLD "'>");
  rc = reed_xstore_pep_items(reed__xmpp_xstore(c), c->account,
                             REED_NS_BOOKMARKS, 0, item_to_old, o);
  reed__xmpp_out_raw(o, "</storage>");
  return rc == REED_ENOTFOUND ? 0 : rc;
}

/* ---- Private storage to the node --------------------------------------- */

typedef struct ids_s {
  char **v;
  size_t n;
} ids_t;

static void
collect_id(void *ud, const reed_xpep_item_t *it)
{
  ids_t *ids = ud;
  char **v = reed_realloc(ids->v, (ids->n + 1) * sizeof(*v));

  if (v == NULL)
    return;
  ids->v = v;
  if ((v[ids->n] = reed_strdup(it->id)) != NULL)
    ids->n++;
}

static bool
listed(const reed_xml_el_t *storage, const char *jid)
{
  for (reed_xml_el_t *cf = reed_xml_child(storage, "conference", NULL);
       cf != NULL; cf = reed_xml_next(cf, "conference", NULL)) {
    const char *j = reed_xml_attr(cf, "jid");

    if (j != NULL && strcmp(j, jid) == 0)
      return true;
  }
  return false;
}

/* Items of the node that the new storage no longer lists go, with a
 * retraction to the account's resources. */
static void
retract_unlisted(reed_xmpp_core_t *c, const reed_xml_el_t *storage)
{
  ids_t ids = {0};
  xmpp_out_t o;

  reed_xstore_pep_items(reed__xmpp_xstore(c), c->account, REED_NS_BOOKMARKS, 0,
                        collect_id, &ids);
  for (size_t i = 0; i < ids.n; i++) {
    if (!listed(storage, ids.v[i]) &&
        reed_xstore_pep_retract(reed__xmpp_xstore(c), c->account,
                                REED_NS_BOOKMARKS, ids.v[i]) == 0) {
      reed__xmpp_out_init(&o);
      reed__xmpp_out_raw(&o, "<items node='" REED_NS_BOOKMARKS "'><retract");
      reed__xmpp_out_attr(&o, "id", ids.v[i]);
      reed__xmpp_out_raw(&o, "/></items>");
      reed__xmpp_pep_notify_out(c, &o);
      reed__xmpp_out_cleanup(&o);
    }
    reed_free(ids.v[i]);
  }
  reed_free(ids.v);
}

/* One XEP-0048 <conference/> published as an XEP-0402 item. */
static int
publish_old(reed_xmpp_core_t *c, const reed_xpep_conf_t *conf,
            const reed_xml_el_t *cf)
{
  reed_xpep_item_t it = {.id = reed_xml_attr(cf, "jid")};
  xmpp_out_t o;
  int rc;

  if (it.id == NULL || it.id[0] == '\0')
    return 0;
  it.published_ms = c->env->clock->wall_ms(c->env->clock->c);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<conference xmlns='" REED_NS_BOOKMARKS "'");
  reed__xmpp_out_attr(&o, "name", reed_xml_attr(cf, "name"));
  if (truthy(reed_xml_attr(cf, "autojoin")))
    reed__xmpp_out_raw(&o, " autojoin='true'");
  reed__xmpp_out_raw(&o, ">");
  put_child_text(&o, cf, "nick");
  put_child_text(&o, cf, "password");
  reed__xmpp_out_raw(&o, "</conference>");
  rc = o.err; /* the item's xml is the builder's bytes and a NUL */
  if (rc == 0 && (rc = reed_buf_append(&o.b, "", 1)) == 0) {
    it.xml = (const char *)o.b->data;
    rc = reed__xmpp_pep_publish_string(c, NULL, REED_NS_BOOKMARKS, conf, &it);
  }
  reed__xmpp_out_cleanup(&o);
  return rc;
}

int
reed__xmpp_bookmarks_set_private(reed_xmpp_core_t *c,
                                 const reed_xml_el_t *storage)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  reed_xpep_conf_t conf;
  int rc = reed_xstore_pep_node_get(xs, c->account, REED_NS_BOOKMARKS, &conf);

  if (rc == REED_ENOTFOUND) {
    conf = reed__xmpp_pep_defaults(REED_NS_BOOKMARKS);
    rc = reed_xstore_pep_node_put(xs, c->account, REED_NS_BOOKMARKS, &conf);
  }
  if (rc < 0)
    return rc;
  retract_unlisted(c, storage);
  for (reed_xml_el_t *cf = reed_xml_child(storage, "conference", NULL);
       cf != NULL && rc == 0; cf = reed_xml_next(cf, "conference", NULL))
    rc = publish_old(c, &conf, cf);
  return rc;
}
