/* Invitations and voice requests (XEP-0045 7.8, 7.13; XEP-0249).
 *
 * Both kinds of invitation go through reed_room_invite, which lets the
 * invitee past invite-only once and tells each of its sessions: IRC gets
 * INVITE, AMP its event, and XMPP resources a mediated invitation from the
 * room (7.8.2) carrying XEP-0249's <x xmlns='jabber:x:conference'/> too,
 * so clients that know only one of them show it. A direct invitation the
 * model refuses (the inviter is not in the room) travels as the client
 * sent it, between XMPP resources.
 *
 * A voice request (a visitor's muc#request form) reaches the room's
 * moderators: XMPP ones as the approval form, IRC and AMP ones as a
 * NOTICE from the visitor. A moderator's submitted form with
 * muc#request_allow true gives voice. */
#include "xmpp_admin.h"
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

#define REQUEST_FORM "http://jabber.org/protocol/muc#request"

/* The nick of the online person of `account`, or NULL. */
static const char *
account_nick(reed_xmpp_core_t *c, const char *account, char *buf, size_t size)
{
  reed_person_view_t pv;

  if (reed_model_find_account(c->env->model, account, &pv) != 0 ||
      pv.who.nick == NULL)
    return NULL;
  reed_strlcpy(buf, pv.who.nick, size);
  return buf;
}

/* 7.8.2: <x muc#user><invite to='bob@domain'/></x> to the room. */
bool
reed__xmuc_mediated_invite(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                           const char *room)
{
  const reed_xml_el_t *x = reed_xml_child(st->el, "x", REED_NS_MUC_USER);
  const reed_xml_el_t *inv = x ? reed_xml_child(x, "invite", NULL) : NULL;
  char acct[REED_ACCOUNT_MAX + 1], nick[REED_NICK_MAX + 1];
  int rc = REED_ENOSUCHNICK;

  if (inv == NULL)
    return false;
  for (; inv != NULL && (rc == 0 || rc == REED_ENOSUCHNICK);
       inv = reed_xml_next(inv, "invite", NULL)) {
    if (!reed__xmuc_jid_account(c, reed_xml_attr(inv, "to"), acct,
                                sizeof(acct)) ||
        account_nick(c, acct, nick, sizeof(nick)) == NULL) {
      rc = REED_ENOSUCHNICK;
      break;
    }
    rc = reed_room_invite(c->session, room, nick);
    if (rc == REED_EALREADYMEMBER)
      rc = 0;
  }
  if (rc != 0)
    reed__xmuc_admin_error(c, st, rc);
  return true;
}

/* XEP-0249: a message to a local account with <x jabber:x:conference>. */
bool
reed__xmuc_direct_invite(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_xml_el_t *x = reed_xml_child(st->el, "x", REED_NS_CONFERENCE);
  const char *room_jid = x ? reed_xml_attr(x, "jid") : NULL;
  char nick[REED_NICK_MAX + 1];
  reed_jid_t rj;
  reed_room_t *r;
  reed_room_view_t v;
  int rc;

  if (room_jid == NULL || st->to_jid == NULL || !(st->target & XMPP_TO_OTHER) ||
      st->to_jid->local[0] == '\0' ||
      strcmp(st->to_jid->domain, reed__xmpp_domain(c)) != 0 ||
      reed_jid_parse(room_jid, &rj) < 0 || !reed__xmuc_is_muc(c, &rj) ||
      !reed_room_name_valid(rj.local) ||
      (r = reed_room_find(c->env->model, rj.local)) == NULL ||
      account_nick(c, st->to_jid->local, nick, sizeof(nick)) == NULL)
    return false;
  reed_room_view(r, &v);
  rc = reed_room_invite(c->session, v.name, nick);
  return rc == 0 || rc == REED_EALREADYMEMBER;
}

/* The INVITE event: a mediated invitation from the room. */
void
reed__xmuc_ev_invite(reed_xmpp_core_t *c, reed_session_t *s,
                     const reed_event_t *ev)
{
  char room[REED_JID_MAX + 1], from[REED_JID_MAX + 1];
  reed_room_t *r;
  reed_room_view_t v;
  xmpp_out_t o;

  (void)s;
  if (ev->room == NULL || !c->bound ||
      (r = reed_room_find(c->env->model, ev->room)) == NULL)
    return;
  reed_room_view(r, &v);
  reed__xmuc_room_jid(c, ev->room, room, sizeof(room));
  reed__xmuc_real_jid(c, &ev->from, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "message", c->full_jid, room, NULL, NULL);
  reed__xmpp_out_raw(&o, "><x xmlns='" REED_NS_MUC_USER "'><invite");
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_raw(&o, "/>");
  if (v.key != NULL) {
    reed__xmpp_out_raw(&o, "<password>");
    reed__xmpp_out_text(&o, v.key, strlen(v.key));
    reed__xmpp_out_raw(&o, "</password>");
  }
  reed__xmpp_out_raw(&o, "</x><x xmlns='" REED_NS_CONFERENCE "'");
  reed__xmpp_out_attr(&o, "jid", room);
  reed__xmpp_out_attr(&o, "password", v.key);
  reed__xmpp_out_raw(&o, "/></message>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Voice requests (7.13, 8.6) ---------------------------------------------
 */
typedef struct {
  reed_xmpp_core_t *c;
  reed_room_t *r;
  const char *room;
  reed_buf_t *form;
} req_t;

static void
form_to_core(void *ud, reed_xmpp_core_t *o)
{
  req_t *k = ud;

  if (o->session != NULL && reed_room_has_session(k->r, o->session))
    reed__xim_write_to(o, "message", k->form);
}

static void
to_moderator(void *ud, const reed_member_view_t *mv)
{
  req_t *k = ud;
  reed_msg_extra_t ex = {0};
  char text[REED_ROOM_MAX + 64];

  if (!mv->op || mv->who.nick == NULL)
    return;
  if (mv->who.origin != NULL && strcmp(mv->who.origin, "xmpp") == 0) {
    if (mv->who.account != NULL)
      reed__xim_each(k->c, mv->who.account, form_to_core, k);
    return;
  }
  snprintf(text, sizeof(text), "asks for voice in %s", k->room);
  ex.to_session = mv->who.session_id;
  reed_tell(k->c->session, mv->who.nick, REED_MSG_NOTICE, text, strlen(text),
            &ex, NULL);
}

static void
send_request(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r,
             const char *room)
{
  const char *me = reed_session_nick(c->session);
  reed_actor_t a = {.nick = me,
                    .account = reed_session_account(c->session),
                    .origin = "xmpp",
                    .user = c->resource};
  char from[REED_JID_MAX + 1], jid[REED_JID_MAX + 1];
  xmpp_out_t o;
  req_t k = {c, r, room, NULL};

  if (me == NULL || !reed_room_has_session(r, c->session)) {
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", NULL);
    return;
  }
  reed__xmuc_room_jid(c, room, from, sizeof(from));
  reed__xmuc_real_jid(c, &a, jid, sizeof(jid));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_raw(&o,
                     "><x xmlns='jabber:x:data' type='form'>"
                     "<title>Voice request</title>"
                     "<instructions>To approve this request for voice, "
                     "select the &quot;Grant voice to this person?&quot; "
                     "checkbox and click OK.</instructions>"
                     "<field var='FORM_TYPE' type='hidden'><value>" REQUEST_FORM
                     "</value></field>"
                     "<field var='muc#role' type='list-single' "
                     "label='Requested role'><value>participant</value>"
                     "</field><field var='muc#jid' type='jid-single' "
                     "label='User ID'><value>");
  reed__xmpp_out_text(&o, jid, strlen(jid));
  reed__xmpp_out_raw(&o, "</value></field><field var='muc#roomnick' "
                         "type='text-single' label='Room Nickname'><value>");
  reed__xmpp_out_text(&o, me, strlen(me));
  reed__xmpp_out_raw(&o, "</value></field><field var='muc#request_allow' "
                         "type='boolean' label='Grant voice to this person?'>"
                         "<value>false</value></field></x></message>");
  if (o.err == 0) {
    k.form = o.b;
    reed_room_each_member(r, to_moderator, &k);
  }
  reed__xmpp_out_cleanup(&o);
}

/* A muc#request form to the room: a visitor's request, or a moderator's
 * answer. Returns false when the message holds no such form. */
bool
reed__xmuc_voice_request(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                         reed_room_t *r, const char *room)
{
  const reed_xml_el_t *x = reed__xmpp_form_find(st->el);
  const char *type = x ? reed_xml_attr(x, "type") : NULL;
  const char *ft = x ? reed__xmpp_form_value(x, "FORM_TYPE", 0) : NULL;
  const char *allow, *nick;
  reed_mode_change_t ch = {REED_RMODE_VOICE, true, NULL, false};
  int rc;

  if (ft == NULL || strcmp(ft, REQUEST_FORM) != 0 || type == NULL ||
      strcmp(type, "submit") != 0)
    return false;
  allow = reed__xmpp_form_value(x, "muc#request_allow", 0);
  nick = reed__xmpp_form_value(x, "muc#roomnick", 0);
  if (allow == NULL) {
    send_request(c, st, r, room);
    return true;
  }
  if (strcmp(allow, "true") != 0 && strcmp(allow, "1") != 0)
    return true; /* denied: nothing to do */
  if (nick == NULL) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return true;
  }
  ch.arg = nick;
  if ((rc = reed_room_set_modes(c->session, room, &ch, 1, NULL)) != 0)
    reed__xmuc_admin_error(c, st, rc);
  return true;
}
