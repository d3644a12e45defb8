/* Stanza dispatch (RFC 6120 8): the 'from' check, where a stanza is
 * addressed, iq by the table of handlers (8.2.3, 8.4), message and
 * presence through their chains. */
#include "xmpp_int.h"

#include <string.h>
#include <strings.h>

/* RFC 6120 8.1.2.1: a client's 'from', when it gives one, is its full JID
 * or its bare JID; anything else ends the stream. */
static bool
from_ok(const reed_xmpp_core_t *c, const char *from)
{
  reed_jid_t j;

  if (from == NULL)
    return true;
  if (!c->bound || reed_jid_parse(from, &j) < 0)
    return false;
  return strcasecmp(j.local, c->account) == 0 &&
         strcasecmp(j.domain, reed__xmpp_domain(c)) == 0 &&
         (j.resource[0] == '\0' || strcmp(j.resource, c->resource) == 0);
}

static unsigned
target_of(const reed_xmpp_core_t *c, const reed_jid_t *to)
{
  if (to == NULL)
    return XMPP_TO_NONE;
  if (strcasecmp(to->domain, reed__xmpp_domain(c)) != 0)
    return XMPP_TO_OTHER;
  if (to->local[0] == '\0')
    return to->resource[0] == '\0' ? XMPP_TO_SERVER : XMPP_TO_OTHER;
  if (!c->bound || strcasecmp(to->local, c->account) != 0)
    return XMPP_TO_OTHER;
  if (to->resource[0] == '\0')
    return XMPP_TO_SELF_BARE;
  return strcmp(to->resource, c->resource) == 0 ? XMPP_TO_SELF_FULL
                                                : XMPP_TO_OTHER;
}

static unsigned
iq_type(const char *type)
{
  if (type == NULL)
    return 0;
  if (strcmp(type, "get") == 0)
    return XMPP_IQ_GET;
  if (strcmp(type, "set") == 0)
    return XMPP_IQ_SET;
  return 0;
}

static const xmpp_iq_handler_t *
iq_find(const reed_xmpp_core_t *c, const xmpp_stanza_t *st, unsigned type)
{
  const reed_xml_el_t *p = st->payload;

  for (const xmpp_iq_handler_t *h = reed__xmpp_iq_handlers; h->name; h++) {
    if ((h->types & type) == 0 || (h->targets & st->target) == 0)
      continue;
    if (strcmp(h->name, "*") != 0 &&
        (strcmp(h->name, p->name) != 0 || strcmp(h->ns, p->ns) != 0))
      continue;
    if (h->accept == NULL || h->accept(c, st))
      return h;
  }
  return NULL;
}

static void run_chain(reed_xmpp_core_t *c, const xmpp_chain_fn *chain,
                      const xmpp_stanza_t *st);

/* RFC 6120 8.2.3: get and set carry exactly one child and get one answer;
 * result and error are answers: the answer chain routes those it knows
 * (to a component), and the server asked nothing yet. */
static void
dispatch_iq(reed_xmpp_core_t *c, xmpp_stanza_t *st)
{
  unsigned type = iq_type(st->type);
  const xmpp_iq_handler_t *h;

  if (type == 0) {
    if (st->type == NULL ||
        (strcmp(st->type, "result") != 0 && strcmp(st->type, "error") != 0))
      reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    else if (c->bound)
      run_chain(c, reed__xmpp_iq_answer_chain, st);
    return;
  }
  st->payload = st->el->first;
  if (st->id == NULL || st->payload == NULL || st->payload->next != NULL) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  h = iq_find(c, st, type);
  if (h != NULL && (c->bound || (h->flags & XMPP_IQ_PREBIND)))
    h->fn(c, st);
  else if (!c->bound)
    reed__xmpp_stream_error(c, "not-authorized", NULL); /* RFC 6120 7.1 */
  else
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
}

static void
run_chain(reed_xmpp_core_t *c, const xmpp_chain_fn *chain,
          const xmpp_stanza_t *st)
{
  for (size_t i = 0; chain[i] != NULL && !c->closed; i++)
    if (chain[i](c, st))
      return;
}

void
reed__xmpp_dispatch_stanza(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xmpp_stanza_t st = {
      .el = el,
      .id = reed_xml_attr(el, "id"),
      .type = reed_xml_attr(el, "type"),
      .to = reed_xml_attr(el, "to"),
  };
  reed_jid_t to;

  if (!from_ok(c, reed_xml_attr(el, "from"))) {
    reed__xmpp_stream_error(c, "invalid-from", NULL);
    return;
  }
  if (st.to != NULL && reed_jid_parse(st.to, &to) < 0) {
    reed__xmpp_stanza_error(c, &st, "modify", "jid-malformed", NULL);
    return;
  }
  st.to_jid = st.to != NULL ? &to : NULL;
  st.target = target_of(c, st.to_jid);
  if (strcmp(el->name, "iq") == 0)
    dispatch_iq(c, &st);
  else if (!c->bound)
    reed__xmpp_stream_error(c, "not-authorized", NULL);
  else if (strcmp(el->name, "message") == 0)
    run_chain(c, reed__xmpp_message_chain, &st);
  else
    run_chain(c, reed__xmpp_presence_chain, &st);
}

/* The message chain's last row: what no handler took. Messages to an
 * account that does not exist, to the server, or elsewhere (no
 * server-to-server yet) get service-unavailable (RFC 6121 8.5.2); those
 * to a known account wait for the delivery handler of a later file. */
bool
reed__xmpp_message_unrouted(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_jid_t *to = st->to_jid;

  if (st->target & (XMPP_TO_NONE | XMPP_TO_SELF_BARE | XMPP_TO_SELF_FULL))
    return true;
  if ((st->target & XMPP_TO_OTHER) && to->local[0] != '\0' &&
      strcasecmp(to->domain, reed__xmpp_domain(c)) == 0 &&
      reed_model_account_exists(c->env->model, to->local))
    return true;
  reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
  return true;
}
