/* The children of a message that travel with it through the model. The
 * rule is a deny list, not an allow list: XMPP's extensions are many and
 * new ones (OMEMO, receipts, markers, OOB, hints, corrections, fallback
 * indications) must cross without the server knowing them; what is left
 * out is what the server sets itself on the way out (stanza-id, delay,
 * MUC user data, MAM and carbon wrappers) or reads as
 * an instruction to itself (addresses, carbons' private), and the body,
 * which is the model's text. */
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *name; /* NULL: any element of the namespace */
  const char *ns;
} dropped[] = {
    {"body", REED_NS_CLIENT},
    {"error", REED_NS_CLIENT},
    {"stanza-id", "urn:xmpp:sid:0"},
    {NULL, "urn:xmpp:delay"},
    {NULL, "http://jabber.org/protocol/address"},
    {NULL, "urn:xmpp:carbons:2"},
    {NULL, "http://jabber.org/protocol/muc#user"},
    {NULL, "urn:xmpp:mam:2"},
    {NULL, "urn:xmpp:forward:0"},
};

static bool
is_dropped(const reed_xml_el_t *el)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(dropped); i++)
    if (strcmp(el->ns, dropped[i].ns) == 0 &&
        (dropped[i].name == NULL || strcmp(el->name, dropped[i].name) == 0))
      return true;
  return false;
}

uint64_t
reed__xmpp_model_id(const char *v)
{
  uint64_t id = 0;

  if (v == NULL || v[0] < '1' || v[0] > '9' || strlen(v) > 19)
    return 0;
  for (; *v != '\0'; v++) {
    if (*v < '0' || *v > '9')
      return 0;
    id = id * 10 + (uint64_t)(*v - '0');
  }
  return id;
}

static bool
mapped_reply(const reed_xml_el_t *el, xmpp_payload_t *p)
{
  uint64_t id;

  if (strcmp(el->name, "reply") != 0 || strcmp(el->ns, REED_NS_REPLY) != 0 ||
      p->reply_to != 0 ||
      (id = reed__xmpp_model_id(reed_xml_attr(el, "id"))) == 0)
    return false;
  p->reply_to = id;
  return true;
}

int
reed__xmpp_payload_build(const reed_xml_el_t *msg, xmpp_payload_t *p)
{
  bool any = false;

  *p = (xmpp_payload_t){0};
  reed__xmpp_out_init(&p->o);
  for (const reed_xml_el_t *ch = msg->first; ch != NULL; ch = ch->next) {
    if (is_dropped(ch) || mapped_reply(ch, p))
      continue;
    reed__xmpp_out_el(&p->o, ch, REED_NS_CLIENT);
    any = true;
  }
  if (p->o.err != 0)
    return p->o.err;
  if (any && p->o.b->len > REED_XMPP_PAYLOAD_MAX)
    return REED_ETOOBIG;
  if (any && (p->o.err = reed_buf_append(&p->o.b, "", 1)) != 0)
    return p->o.err;
  p->xml = any ? (const char *)p->o.b->data : NULL;
  return 0;
}

void
reed__xmpp_payload_cleanup(xmpp_payload_t *p)
{
  reed__xmpp_out_cleanup(&p->o);
  p->xml = NULL;
}

void
reed__xmpp_payload_put(xmpp_out_t *o, uint64_t reply_to, const char *payload)
{
  char id[24];

  if (reply_to != 0) {
    snprintf(id, sizeof(id), "%llu", (unsigned long long)reply_to);
    reed__xmpp_out_raw(o, "<reply xmlns='" REED_NS_REPLY "'");
    reed__xmpp_out_attr(o, "id", id);
    reed__xmpp_out_raw(o, "/>");
  }
  if (payload != NULL)
    reed__xmpp_out_raw(o, payload); /* serialized by us from a parse tree */
}
