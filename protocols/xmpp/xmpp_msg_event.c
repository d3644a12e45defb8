/* A private message from the model, whatever protocol sent it, to this
 * XMPP resource: `<message type='chat' from='account@domain/resource'>`
 * (an IRC or AMP sender shows its origin as the resource) with the
 * model's id as XEP-0359 <stanza-id/>, and the sender's origin-id and
 * stanza id when it was an XMPP client. One formatting per fan-out: every
 * recipient of a private message is one person, so one account.
 *
 * Routing (RFC 6121 8.5.2.1.1): a message to the bare JID, or from another
 * protocol, reaches each available resource of non-negative priority (all
 * of them, as Prosody does by default); one to a full JID was limited to
 * that session by the model (reed_msg_extra_t.to_session). */
#include "xmpp_carbons.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

/* The sender as a JID: an account's, or a guest's nick on our domain,
 * with the XMPP resource or the origin protocol as the resource. */
static void
sender_jid(reed_xmpp_core_t *c, const reed_event_t *ev, char *buf, size_t size)
{
  const xim_sending_t *x = reed__xim_sending(c);
  const reed_actor_t *a = &ev->from;
  char local[REED_NICK_MAX + 1];
  const char *res;

  if (x->session_id != 0 && x->session_id == a->session_id && x->from) {
    snprintf(buf, size, "%s", x->from);
    return;
  }
  reed_casefold(local,
                a->account ? a->account
                : a->nick  ? a->nick
                           : "",
                sizeof(local));
  res = a->origin && a->origin[0] ? a->origin : "unknown";
  snprintf(buf, size, "%s@%s/%s", local, reed__xmpp_domain(c), res);
}

void
reed__xim_msg_format(xmpp_out_t *o, const xim_msg_t *m)
{
  char id[24];

  reed__xmpp_out_attr(o, "from", m->from);
  reed__xmpp_out_attr(o, "type", m->type);
  reed__xmpp_out_attr(o, "id", m->id);
  reed__xmpp_out_raw(o, "><body>");
  if (m->msg_kind == REED_MSG_ACTION)
    reed__xmpp_out_raw(o, "/me "); /* XEP-0245 */
  reed__xmpp_out_text(o, m->text, m->len);
  reed__xmpp_out_raw(o, "</body>");
  if (m->sid != 0) {
    snprintf(id, sizeof(id), "%llu", (unsigned long long)m->sid);
    reed__xmpp_out_raw(o, "<stanza-id xmlns='" REED_NS_SID "'");
    reed__xmpp_out_attr(o, "by", m->by);
    reed__xmpp_out_attr(o, "id", id);
    reed__xmpp_out_raw(o, "/>");
  }
  reed__xmpp_payload_put(o, m->reply_to, m->payload);
  if (m->origin_id != NULL && m->payload == NULL) {
    reed__xmpp_out_raw(o, "<origin-id xmlns='" REED_NS_SID "'");
    reed__xmpp_out_attr(o, "id", m->origin_id);
    reed__xmpp_out_raw(o, "/>");
  }
  if (m->delay_stamp != NULL) {
    reed__xmpp_out_raw(o, "<delay xmlns='" REED_NS_DELAY "'");
    reed__xmpp_out_attr(o, "from", m->delay_from);
    reed__xmpp_out_attr(o, "stamp", m->delay_stamp);
    reed__xmpp_out_raw(o, "/>");
  }
  reed__xmpp_out_raw(o, "</message>");
}

/* The event as the message fields of this fan-out's recipients. */
void
reed__xim_msg_of_event(reed_xmpp_core_t *c, const reed_event_t *ev,
                       xim_msg_t *m, char *from, size_t from_size, char *by,
                       size_t by_size)
{
  const xim_sending_t *x = reed__xim_sending(c);
  bool ours = x->session_id != 0 && x->session_id == ev->from.session_id;

  sender_jid(c, ev, from, from_size);
  reed__xim_account_jid(c, c->account, by, by_size);
  *m = (xim_msg_t){
      .from = from,
      .type = ours && x->type ? x->type : "chat",
      .id = ours ? x->id : NULL,
      .text = ev->text,
      .len = ev->text_len,
      .msg_kind = ev->u.msg.msg_kind,
      .by = by,
      .sid = ev->id,
      .origin_id = ours ? x->origin_id : NULL,
      .reply_to = ev->u.msg.reply_to,
      .payload = ev->u.msg.xmpp_payload,
  };
}

static reed_buf_t *
fmt_private(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  char from[REED_JID_MAX + 1], by[REED_JID_MAX + 1];
  xim_msg_t m;
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xim_msg_of_event(c, ev, &m, from, sizeof(from), by, sizeof(by));
  reed__xmpp_out_init(&o);
  reed__xim_msg_format(&o, &m);
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmpp_ev_message(reed_xmpp_core_t *c, reed_session_t *s,
                      const reed_event_t *ev)
{
  xim_sending_t *x = reed__xim_sending(c);
  bool ours = x->session_id != 0 && x->session_id == ev->from.session_id;
  reed_form_t form = {&reed_xmpp_module, 0};
  reed_buf_t *body;

  (void)s;
  /* Rooms are the MUC's; the sender's echo is not a delivery to this
   * resource, its copy is a <sent/> carbon (XEP-0280). */
  if (ev->room != NULL || ev->echo || !c->bound)
    return;
  if (ev->copy) {
    reed__xcarb_ev_sent(c, ev);
    return;
  }
  if (!(ours && x->to_full) && !reed__xim_receives_bare(c)) {
    reed__xcarb_ev_received(c, ev);
    return;
  }
  if ((body = reed_event_render(ev, form, fmt_private, c)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
  if (ours)
    x->shown++;
}
