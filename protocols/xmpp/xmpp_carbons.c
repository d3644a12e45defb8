/* XEP-0280 message carbons (xmpp_carbons.h says how they ride on the
 * model's copies). A carbon is
 *   <message to='<resource>' from='<bare JID>' type='<original's>'>
 *     <sent|received xmlns='urn:xmpp:carbons:2'>
 *       <forwarded xmlns='urn:xmpp:forward:0'>
 *         <message xmlns='jabber:client' to=... from=... ...>...</message>
 *   </forwarded></sent|received></message>
 * The per-connection state is the XMPP_EXT_CARBONS slot: a static marker
 * while enabled, nothing to free. */
#include "xmpp_carbons.h"
#include "xmpp_ext.h"

#include <string.h>

static char enabled_marker;

bool
reed__xcarb_on(reed_xmpp_core_t *c)
{
  return c->bound && !c->closed && c->session != NULL &&
         reed__xmpp_ext_get(c, XMPP_EXT_CARBONS) != NULL;
}

bool
reed__xcarb_set(reed_xmpp_core_t *c, bool on)
{
  if (c->session == NULL)
    return false;
  /* XEP-0280 4, 5: enabling twice, or disabling when off, is no error. */
  reed__xmpp_ext_set(c, XMPP_EXT_CARBONS, on ? &enabled_marker : NULL);
  reed_session_set_copies(c->session, on);
  return true;
}

void
reed__xmpp_iq_carbons(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (reed__xcarb_set(c, strcmp(st->payload->name, "enable") == 0))
    reed__xmpp_iq_result(c, st, NULL);
  else
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
}

bool
reed__xcarb_private(const reed_xml_el_t *msg)
{
  return reed_xml_child(msg, "private", REED_NS_CARBONS) != NULL ||
         reed_xml_child(msg, "no-copy", REED_NS_HINTS) != NULL;
}

bool
reed__xcarb_eligible(const char *type, bool body)
{
  if (type == NULL || strcmp(type, "normal") == 0)
    return body;
  return strcmp(type, "chat") == 0;
}

/* Writes the carbon of `inner` (a whole <message xmlns='jabber:client'>)
 * to resource o. */
static void
write_carbon(reed_xmpp_core_t *o, const char *kind, const char *type,
             reed_buf_t *inner)
{
  char bare[REED_JID_MAX + 1];
  xmpp_out_t out;

  reed__xim_account_jid(o, o->account, bare, sizeof(bare));
  reed__xmpp_out_init(&out);
  reed__xmpp_out_attr(&out, "from", bare);
  reed__xmpp_out_attr(&out, "type", type);
  reed__xmpp_out_raw(&out, "><");
  reed__xmpp_out_raw(&out, kind);
  reed__xmpp_out_raw(&out, " xmlns='" REED_NS_CARBONS
                           "'><forwarded xmlns='" REED_NS_FORWARD "'>");
  if (out.err == 0)
    out.err = reed_buf_append(&out.b, inner->data, inner->len);
  reed__xmpp_out_raw(&out, "</forwarded></");
  reed__xmpp_out_raw(&out, kind);
  reed__xmpp_out_raw(&out, "></message>");
  if (out.err == 0)
    reed__xim_write_to(o, "message", out.b);
  reed__xmpp_out_cleanup(&out);
}

/* <message xmlns='jabber:client' to=...' and the message's fields. */
static reed_buf_t *
inner_of(const xim_msg_t *m, const char *to)
{
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<message xmlns='jabber:client'");
  reed__xmpp_out_attr(&o, "to", to);
  reed__xim_msg_format(&o, m);
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

/* The addressee of a private message event as a JID: the account the
 * model names, else the guest nick on our domain. */
static void
target_jid(reed_xmpp_core_t *c, const reed_event_t *ev, char *buf, size_t size)
{
  const char *who =
      ev->u.msg.target_account ? ev->u.msg.target_account : ev->target;

  reed__xim_account_jid(c, who ? who : "", buf, size);
}

static bool
own_account(reed_xmpp_core_t *c, const char *account)
{
  return account != NULL && reed_casecmp(account, c->account) == 0;
}

void
reed__xcarb_ev_sent(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  const xim_sending_t *x = reed__xim_sending(c);
  bool ours = x->session_id != 0 && x->session_id == ev->from.session_id;
  char from[REED_JID_MAX + 1], by[REED_JID_MAX + 1], to[REED_JID_MAX + 1];
  xim_msg_t m;
  reed_buf_t *inner;

  if (!reed__xcarb_on(c) || own_account(c, ev->u.msg.target_account))
    return;
  if (ours && (x->no_carbons || !reed__xcarb_eligible(x->type, true)))
    return;
  reed__xim_msg_of_event(c, ev, &m, from, sizeof(from), by, sizeof(by));
  if (ours && x->to != NULL)
    reed_strlcpy(to, x->to, sizeof(to));
  else
    target_jid(c, ev, to, sizeof(to));
  if ((inner = inner_of(&m, to)) == NULL)
    return;
  write_carbon(c, "sent", m.type, inner);
  reed_buf_unref(inner);
}

void
reed__xcarb_ev_received(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  const xim_sending_t *x = reed__xim_sending(c);
  bool ours = x->session_id != 0 && x->session_id == ev->from.session_id;
  char from[REED_JID_MAX + 1], by[REED_JID_MAX + 1];
  xim_msg_t m;
  reed_buf_t *inner;

  if (!reed__xcarb_on(c) || own_account(c, ev->from.account))
    return;
  if (ours && (x->no_carbons || !reed__xcarb_eligible(x->type, true)))
    return;
  reed__xim_msg_of_event(c, ev, &m, from, sizeof(from), by, sizeof(by));
  if ((inner = inner_of(&m, by)) == NULL)
    return;
  write_carbon(c, "received", m.type, inner);
  reed_buf_unref(inner);
}

typedef struct {
  reed_xmpp_core_t *sender, *skip;
  const char *kind, *type;
  reed_buf_t *inner;
  bool bare_only; /* only those that take no bare-JID messages */
} fan_t;

static void
fan_one(void *ud, reed_xmpp_core_t *o)
{
  fan_t *f = ud;

  if (o == f->sender || o == f->skip || !reed__xcarb_on(o))
    return;
  if (f->bare_only && reed__xim_receives_bare(o))
    return; /* it had the original */
  write_carbon(o, f->kind, f->type, f->inner);
}

void
reed__xcarb_received_to(reed_xmpp_core_t *c, const char *acct,
                        reed_xmpp_core_t *skip, const xim_msg_t *m,
                        const char *to)
{
  fan_t f = {c, skip, "received", m->type, NULL, false};

  if (own_account(c, acct) || (f.inner = inner_of(m, to)) == NULL)
    return;
  reed__xim_each(c, acct, fan_one, &f);
  reed_buf_unref(f.inner);
}

void
reed__xcarb_relayed(reed_xmpp_core_t *c, const char *acct,
                    reed_xmpp_core_t *full, reed_buf_t *inner)
{
  fan_t f = {c, full, "received", "chat", inner, full == NULL};

  if (own_account(c, acct))
    return;
  reed__xim_each(c, acct, fan_one, &f);
  f = (fan_t){c, NULL, "sent", "chat", inner, false};
  reed__xim_each(c, c->account, fan_one, &f);
}

/* The server's disco#info lists XEP-0280 (xmpp_tables.c's disco rows). */
const xmpp_disco_var_t reed__xmpp_disco_carbons[] = {
    {REED_NS_CARBONS, XMPP_DISCO_SERVER},
    {NULL, 0},
};
