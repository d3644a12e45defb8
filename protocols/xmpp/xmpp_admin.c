/* Operators on XMPP. An XMPP login always proves the account (SASL with
 * its password or a credential made from it, or its registered client
 * certificate), so a resource bound to an operator account (`reed account
 * oper add`) is a server operator, as AMP's Login makes one; IRC asks for
 * OPER because its SASL is optional. The grant is an audit line. Every
 * XMPP session takes operator announcements: XEP-0133's announcement
 * goes to all online users, and XMPP has no WALLOPS mode to ask for it;
 * they arrive as headline messages from the server. */
#include "xmpp_admin.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

void
reed__xmpp_admin_on_bound(reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;

  if (c->session == NULL)
    return;
  reed_session_set_announcements(c->session, true);
  if (c->env->store == NULL ||
      reed_store_oper_is(c->env->store, c->account) != 1)
    return;
  reed_session_set_oper(c->session, true);
  reed_audit(c->env->log,
             "OPER %s by %s (conn %llu %s): success (operator account, XMPP "
             "login)",
             c->account, reed_session_nick(c->session),
             (unsigned long long)c->env->conn_id, peer ? peer->ip : "?");
}

/* The body every recipient shares; the head is `<message to='full JID'`. */
static reed_buf_t *
fmt_announce(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", reed__xmpp_domain(c));
  reed__xmpp_out_raw(&o, " type='headline'><subject>");
  if (ev->from.nick != NULL) {
    reed__xmpp_out_raw(&o, "Announcement from ");
    reed__xmpp_out_text(&o, ev->from.nick, strlen(ev->from.nick));
  } else {
    reed__xmpp_out_raw(&o, "Server announcement");
  }
  reed__xmpp_out_raw(&o, "</subject><body>");
  reed__xmpp_out_text(&o, ev->text ? ev->text : "", ev->text_len);
  reed__xmpp_out_raw(&o, "</body></message>");
  if (o.err != 0) {
    reed__xmpp_out_cleanup(&o);
    return NULL;
  }
  return o.b;
}

void
reed__xmpp_ev_announce(reed_xmpp_core_t *c, reed_session_t *s,
                       const reed_event_t *ev)
{
  reed_form_t form = {&reed__xmpp_admin_cmds, 0};
  reed_buf_t *body;
  xmpp_out_t head;

  (void)s;
  if (c->full_jid == NULL ||
      (body = reed_event_render(ev, form, fmt_announce, c)) == NULL)
    return;
  reed__xmpp_out_init(&head);
  reed__xmpp_out_raw(&head, "<message");
  reed__xmpp_out_attr(&head, "to", c->full_jid);
  if (head.err == 0)
    reed__xmpp_write2(c, (const char *)head.b->data, head.b->len, body);
  reed__xmpp_out_cleanup(&head);
  reed_buf_unref(body);
}
