/* XEP-0444 in rooms. An occupant's bodyless groupchat with <reactions
 * id/> (the room's stanza-id, a model id) is its whole set for that
 * message: what it adds and what it drops, against the set the module
 * keeps (xmpp_react_set.c), go to the model as TAGMSGs to the room
 * (reaction, or unreact), so IRC members see +draft/react or
 * +draft/unreact with +draft/reply, AMP members Reacted. Every room
 * TAGMSG with a reaction, from any protocol, reaches the XMPP occupants
 * (the sender's own echo included, as groupchat is reflected) as the
 * sender's whole set from its occupant JID; an empty set is
 * <reactions id/>, XEP-0444's removal of all. */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"
#include "xmpp_payload.h"

#include <string.h>

bool
reed__xmuc_react(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *room)
{
  const reed_xml_el_t *rs =
      reed_xml_child(st->el, "reactions", REED_NS_REACTIONS);
  char who[REED_ACCOUNT_MAX + 2], old[XMPP_REACT_SET_MAX],
      now[XMPP_REACT_SET_MAX];
  size_t n_old, n_now = 0;
  reed_actor_t me = {.nick = reed_session_nick(c->session),
                     .account = c->account};
  uint64_t id;

  if (rs == NULL)
    return false;
  if ((id = reed__xmpp_model_id(reed_xml_attr(rs, "id"))) == 0 ||
      me.nick == NULL)
    return true; /* not a message of ours: nothing to map */
  reed__xmpp_react_who(&me, who, sizeof(who));
  n_old = reed__xmpp_react_get(c->st, id, who, old, sizeof(old));
  for (reed_xml_el_t *r = reed_xml_child(rs, "reaction", REED_NS_REACTIONS);
       r != NULL; r = reed_xml_next(r, "reaction", REED_NS_REACTIONS)) {
    reed_msg_extra_t x = {.reply_to = id, .reaction = r->text};
    if (r->text_len == 0 || n_now + r->text_len + 1 > sizeof(now) ||
        reed__xmpp_react_in(now, n_now, r->text))
      continue;
    memcpy(now + n_now, r->text, r->text_len + 1);
    n_now += r->text_len + 1;
    if (!reed__xmpp_react_in(old, n_old, r->text))
      (void)reed_tagmsg(c->session, room, true, &x); /* best effort */
  }
  for (size_t at = 0; at < n_old; at += strlen(old + at) + 1) {
    reed_msg_extra_t x = {
        .reply_to = id, .reaction = old + at, .unreact = true};
    if (!reed__xmpp_react_in(now, n_now, old + at))
      (void)reed_tagmsg(c->session, room, true, &x);
  }
  return true;
}

static reed_buf_t *
fmt_room(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xmuc_occ_jid(c, ev->room, ev->from.nick ? ev->from.nick : "", from,
                     sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_raw(&o, " type='groupchat'>");
  reed__xmpp_react_put(c->st, &o, ev->u.msg.reply_to, &ev->from);
  reed__xmuc_out_occupant_id(c, &o, ev->room, &ev->from);
  reed__xmpp_out_raw(&o, "<store xmlns='urn:xmpp:hints'/></message>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmuc_ev_react(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  reed_form_t form = {&reed_xmpp_module, XMUC_FORM + 0x0444};
  reed_buf_t *body;

  if (!c->bound || ev->u.msg.reaction == NULL || ev->u.msg.reply_to == 0 ||
      !reed__xmuc_joined(c, ev->room))
    return;
  reed__xmpp_react_apply(c->st, ev); /* idempotent: each listener may */
  if ((body = reed_event_render(ev, form, fmt_room, c)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
}
