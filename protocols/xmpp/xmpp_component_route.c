/* XEP-0114 routing: a client's stanzas to a component's domain go to that
 * component with the client's full JID as `from`; a component's stanzas
 * go to local accounts' XMPP resources as RFC 6121 8.5 routes them (a
 * bare JID: each available resource of non-negative priority; a full JID:
 * that resource, else the bare JID for chat and normal messages), to
 * another component, or back as an error. The two streams' default
 * namespaces differ (jabber:client, jabber:component:accept): a stanza
 * crossing over is written in the receiver's. */
#include "xmpp_component.h"
#include "xmpp_ext.h"
#include "xmpp_im_int.h"

#include <string.h>
#include <strings.h>

/* ---- Writing a stanza for the other kind of stream ----------------------- */

/* Children in the sender's default namespace move to the receiver's
 * (<body/> of jabber:component:accept is jabber:client's <body/>). The
 * tree is the parser's, valid for this callback only. */
static void
retag(reed_xml_el_t *el, const char *from_ns, const char *to_ns)
{
  if (strcmp(el->ns, from_ns) == 0)
    el->ns = to_ns;
  for (reed_xml_el_t *k = el->first; k != NULL; k = k->next)
    retag(k, from_ns, to_ns);
}

static bool
type_is(const char *type, const char *want)
{
  return type != NULL && strcmp(type, want) == 0;
}

/* ` from=... type=... id=... xml:lang=...>content</name>`, the part every
 * recipient shares (their head adds `<name to=...`); `from` replaces the
 * stanza's own. */
static void
put_rest(xmpp_out_t *o, reed_xml_el_t *el, const char *from, const char *ns)
{
  reed__xmpp_out_attr(o, "from", from);
  reed__xmpp_out_attr(o, "type", reed_xml_attr(el, "type"));
  reed__xmpp_out_attr(o, "id", reed_xml_attr(el, "id"));
  reed__xmpp_out_attr(o, "xml:lang", reed_xml_attr_ns(el, REED_NS_XML, "lang"));
  reed__xmpp_out_raw(o, ">");
  reed__xmpp_out_text(o, el->text, el->text_len);
  for (const reed_xml_el_t *k = el->first; k != NULL; k = k->next)
    reed__xmpp_out_el(o, k, ns);
  reed__xmpp_out_raw(o, "</");
  reed__xmpp_out_raw(o, el->name);
  reed__xmpp_out_raw(o, ">");
}

/* A stanza error from `to` (as the stanza named it) back to `from`. */
static void
bounce(reed_xmpp_core_t *c, const reed_xml_el_t *el, const char *from,
       const char *cond)
{
  const char *type = reed_xml_attr(el, "type");
  xmpp_out_t o;

  if (type_is(type, "error") || type_is(type, "result"))
    return; /* RFC 6120 8.3.1: never an error for an answer */
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, el->name, from, reed_xml_attr(el, "to"), "error",
                        reed_xml_attr(el, "id"));
  reed__xmpp_out_raw(&o, "><error type='cancel'><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_STANZA_ERR "'/></error></");
  reed__xmpp_out_raw(&o, el->name);
  reed__xmpp_out_raw(&o, ">");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* To component `to`: the stanza with `to` as written and `from`. */
static void
forward(reed_xmpp_core_t *to, reed_xml_el_t *el, const char *from,
        const char *from_ns)
{
  xmpp_out_t o;

  retag(el, from_ns, REED_NS_COMPONENT);
  reed__xmpp_out_init(&o);
  o.stanzas = 1; /* the hook's count: the one stanza forwarded */
  reed__xmpp_out_raw(&o, "<");
  reed__xmpp_out_raw(&o, el->name);
  reed__xmpp_out_attr(&o, "to", reed_xml_attr(el, "to"));
  put_rest(&o, el, from, REED_NS_COMPONENT);
  reed__xmpp_send(to, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- From a client ------------------------------------------------------- */

static bool
to_component(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  return (st->target & XMPP_TO_OTHER) && st->to_jid != NULL &&
         reed__xcomp_secret(reed__xmpp_conf(c), st->to_jid->domain) != NULL;
}

/* Forwards to the connected component; false when there is none. */
static bool
from_client(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xmpp_core_t *comp = reed__xcomp_find(c->st, st->to_jid->domain);

  if (comp == NULL || comp->closed)
    return false;
  forward(comp, st->el, c->full_jid, REED_NS_CLIENT);
  return true;
}

bool
reed__xcomp_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (!to_component(c, st))
    return false;
  if (!from_client(c, st))
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
  return true;
}

bool
reed__xcomp_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (!to_component(c, st))
    return false;
  from_client(c, st); /* nobody there: presence goes nowhere */
  return true;
}

bool
reed__xcomp_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  return to_component(c, st);
}

void
reed__xcomp_iq(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (!from_client(c, st))
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
}

bool
reed__xcomp_iq_answer(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (!to_component(c, st))
    return false;
  from_client(c, st); /* the asker is gone: the answer is dropped */
  return true;
}

/* ---- From a component ---------------------------------------------------- */

typedef struct delivery_s {
  reed_xml_el_t *el;
  const char *from;
  reed_buf_t *body; /* the shared part, NULL until built */
  bool bare;        /* to a bare JID: available resources only */
  size_t shown;
} delivery_t;

static void
deliver_to(void *ud, reed_xmpp_core_t *o)
{
  delivery_t *d = ud;
  bool msg = strcmp(d->el->name, "message") == 0;

  if (d->bare && !(msg ? reed__xim_receives_bare(o) : reed__xim_available(o)))
    return;
  reed__xim_write_to(o, d->el->name, d->body);
  d->shown++;
}

/* A message with a body that no resource showed waits offline (as one
 * from a local account would), when it is chat or normal. */
static bool
keep_offline(reed_xmpp_core_t *c, const delivery_t *d, const char *account)
{
  const char *type = reed_xml_attr(d->el, "type");
  reed_xml_el_t *body = reed_xml_child(d->el, "body", REED_NS_CLIENT);
  xim_msg_t m = {.from = d->from, .type = type ? type : "normal"};

  if (body == NULL || reed__xim_store(c) == NULL ||
      !(type == NULL || type_is(type, "chat") || type_is(type, "normal")))
    return false;
  m.id = reed_xml_attr(d->el, "id");
  m.text = body->text;
  m.len = body->text_len;
  return reed__xim_offline_put(c, account, &m) == 0;
}

/* RFC 6121 8.5.2 and 8.5.3 for one local account. */
static void
deliver_local(reed_xmpp_core_t *c, delivery_t *d, const reed_jid_t *to)
{
  const char *type = reed_xml_attr(d->el, "type");
  bool msg = strcmp(d->el->name, "message") == 0;
  bool iq = strcmp(d->el->name, "iq") == 0;
  reed_xmpp_core_t *o = NULL;

  if (to->resource[0] != '\0' &&
      (o = reed__xmpp_reg_find(&c->st->reg, to->local, to->resource)) != NULL) {
    reed__xim_write_to(o, d->el->name, d->body);
    return;
  }
  if (iq) { /* an iq to a bare JID would be the server's to answer */
    bounce(c, d->el, d->from, "service-unavailable");
    return;
  }
  if (to->resource[0] != '\0' &&
      !(msg &&
        (type == NULL || type_is(type, "chat") || type_is(type, "normal"))))
    return; /* presence, headline, error to a resource that is gone */
  d->bare = true;
  reed__xmpp_reg_each(&c->st->reg, to->local, deliver_to, d);
  if (msg && d->shown == 0 && !keep_offline(c, d, to->local) &&
      !type_is(type, "headline") && !type_is(type, "groupchat"))
    bounce(c, d->el, d->from, "service-unavailable");
}

static void
to_local(reed_xmpp_core_t *c, reed_xml_el_t *el, const char *from,
         const reed_jid_t *to)
{
  delivery_t d = {.el = el, .from = from};
  xmpp_out_t o;

  if (!reed__xim_account_exists(c, to->local) ||
      reed__xmpp_blocks(c, to->local, from)) {
    /* XEP-0191 3.5: a blocker looks like an account that is not there. */
    if (strcmp(el->name, "presence") != 0)
      bounce(c, el, from, "service-unavailable");
    return;
  }
  retag(el, REED_NS_COMPONENT, REED_NS_CLIENT);
  reed__xmpp_out_init(&o);
  put_rest(&o, el, from, REED_NS_CLIENT);
  if (o.err == 0) {
    d.body = o.b;
    deliver_local(c, &d, to);
  }
  reed__xmpp_out_cleanup(&o);
}

/* `from` as the component wrote it, or its domain when it wrote none;
 * NULL when it is not at its domain. */
static const char *
own_from(reed_xmpp_core_t *c, const reed_xml_el_t *el, reed_jid_t *j)
{
  const xcomp_t *x = reed__xmpp_ext_get(c, XMPP_EXT_COMPONENT);
  const char *from = reed_xml_attr(el, "from");

  if (from == NULL)
    return x->domain;
  if (reed_jid_parse(from, j) < 0 || strcasecmp(j->domain, x->domain) != 0)
    return NULL;
  return from;
}

void
reed__xcomp_route(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  const char *from, *to_s = reed_xml_attr(el, "to");
  reed_xmpp_core_t *comp;
  reed_jid_t fj, to;

  if ((from = own_from(c, el, &fj)) == NULL) {
    reed__xmpp_stream_error(c, "invalid-from", NULL);
    return;
  }
  if (to_s == NULL || reed_jid_parse(to_s, &to) < 0) {
    bounce(c, el, from, to_s == NULL ? "bad-request" : "jid-malformed");
    return;
  }
  if (strcasecmp(to.domain, reed__xmpp_domain(c)) == 0 && to.local[0] != '\0')
    to_local(c, el, from, &to);
  else if ((comp = reed__xcomp_find(c->st, to.domain)) != NULL && comp != c)
    forward(comp, el, from, REED_NS_COMPONENT);
  else if (strcasecmp(to.domain, reed__xmpp_domain(c)) == 0 ||
           reed__xcomp_secret(reed__xmpp_conf(c), to.domain) != NULL)
    bounce(c, el, from, "service-unavailable");
  else if (strcmp(el->name, "presence") != 0)
    bounce(c, el, from, "remote-server-not-found");
}
