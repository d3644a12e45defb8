/* XEP-0049 private XML storage: one element per (name, namespace) of the
 * account's own, refused for the jabber:* namespaces (section 3) and for
 * anyone else's account. storage:bookmarks is XEP-0402's node
 * (xmpp_bookmarks.c). */
#include "xmpp_ext.h"

#include <string.h>

const xmpp_disco_var_t reed__xmpp_disco_private[] = {
    {REED_NS_PRIVATE, XMPP_DISCO_SERVER},
    {NULL, 0},
};

static void
put_stored(void *ud, const char *xml, size_t len)
{
  reed__xmpp_out_text_raw(ud, xml, len);
}

/* Exactly one child, in a namespace that is not jabber:*; else an error
 * (sent) and NULL. */
static reed_xml_el_t *
the_child(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xml_el_t *el = st->payload->first;

  if (el == NULL || el->next != NULL || el->ns[0] == '\0') {
    reed__xmpp_stanza_error(c, st, "modify", "bad-format", NULL);
    return NULL;
  }
  if (strncmp(el->ns, "jabber:", 7) == 0) {
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", NULL);
    return NULL;
  }
  return el;
}

static void
get(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_xml_el_t *el)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);
  xmpp_out_t o;
  int rc;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_PRIVATE "'>");
  if (reed__xmpp_is_bookmarks(el)) /* XEP-0402 #compat */
    rc = reed__xmpp_bookmarks_get_private(c, &o);
  else
    rc = reed_xstore_private_get(xs, c->account, el->name, el->ns, put_stored,
                                 &o);
  if (rc == REED_ENOTFOUND) { /* section 2: the empty element back */
    reed__xmpp_out_raw(&o, "<");
    reed__xmpp_out_raw(&o, el->name);
    reed__xmpp_out_attr(&o, "xmlns", el->ns);
    reed__xmpp_out_raw(&o, "/>");
  }
  reed__xmpp_out_raw(&o, "</query>");
  if (rc < 0 && rc != REED_ENOTFOUND)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
set(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_xml_el_t *el)
{
  char *xml;
  int rc;

  if (reed__xmpp_is_bookmarks(el)) {
    rc = reed__xmpp_bookmarks_set_private(c, el);
  } else if ((xml = reed__xmpp_el_string(el)) == NULL) {
    rc = REED_ENOMEM;
  } else {
    rc = reed_xstore_private_set(reed__xmpp_xstore(c), c->account, el->name,
                                 el->ns, xml);
    reed_free(xml);
  }
  if (rc < 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, NULL);
}

void
reed__xmpp_iq_private(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xml_el_t *el;

  if (reed__xmpp_xstore(c) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  if ((el = the_child(c, st)) == NULL)
    return;
  if (strcmp(st->type, "get") == 0)
    get(c, st, el);
  else
    set(c, st, el);
}
