/* Occupant presence (XEP-0045 7.2.3, 7.2.4): who is in a room, in what
 * role, as what real JID. Rooms are non-anonymous (IRC shows every
 * member's account and host anyway), so every occupant sees each one's
 * real JID and the own presence carries status 100. */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

const char *
reed__xmuc_role(const reed_room_t *r, const reed_member_view_t *mv)
{
  reed_room_view_t v;

  if (mv == NULL)
    return "none";
  if (mv->op)
    return "moderator";
  if (mv->voice)
    return "participant";
  reed_room_view(r, &v);
  return v.moderated ? "visitor" : "participant";
}

void
reed__xmuc_real_jid(reed_xmpp_core_t *c, const reed_actor_t *a, char *buf,
                    size_t size)
{
  char local[REED_NICK_MAX + 1];
  bool xmpp = a->origin != NULL && strcmp(a->origin, "xmpp") == 0;

  reed_casefold(local,
                a->account ? a->account
                : a->nick  ? a->nick
                           : "",
                sizeof(local));
  snprintf(buf, size, "%s@%s/%s", local, reed__xmpp_domain(c),
           xmpp && a->user ? a->user
           : a->origin     ? a->origin
                           : "unknown");
}

static void
item(reed_xmpp_core_t *c, xmpp_out_t *o, const xmuc_pres_t *p)
{
  reed_room_t *r = reed_room_find(c->env->model, p->room);
  const reed_member_view_t *mv =
      p->type != NULL && strcmp(p->type, "unavailable") == 0 ? NULL : p->mv;
  char jid[REED_JID_MAX + 1];

  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(
      o, "affiliation",
      p->mv != NULL || r == NULL || p->who == NULL
          ? reed__xmuc_affiliation(r, p->mv)
          : reed__xmuc_aff_name(reed_room_affiliation(r, p->who->account)));
  reed__xmpp_out_attr(o, "role", r ? reed__xmuc_role(r, mv) : "none");
  if (p->who != NULL) {
    reed__xmuc_real_jid(c, p->who, jid, sizeof(jid));
    reed__xmpp_out_attr(o, "jid", jid);
  }
  reed__xmpp_out_attr(o, "nick", p->new_nick);
  if (p->actor == NULL && p->reason == NULL) {
    reed__xmpp_out_raw(o, "/>");
    return;
  }
  reed__xmpp_out_raw(o, ">");
  if (p->actor != NULL) {
    reed__xmpp_out_raw(o, "<actor");
    reed__xmpp_out_attr(o, "nick", p->actor);
    reed__xmpp_out_raw(o, "/>");
  }
  if (p->reason != NULL) {
    reed__xmpp_out_raw(o, "<reason>");
    reed__xmpp_out_text(o, p->reason, strlen(p->reason));
    reed__xmpp_out_raw(o, "</reason>");
  }
  reed__xmpp_out_raw(o, "</item>");
}

reed_buf_t *
reed__xmuc_pres_body(reed_xmpp_core_t *c, const xmuc_pres_t *p)
{
  char from[REED_JID_MAX + 1], code[8];
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed__xmuc_occ_jid(c, p->room, p->nick, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_attr(&o, "type", p->type);
  reed__xmpp_out_raw(&o, ">");
  if (p->type == NULL && p->mv != NULL && p->mv->away != NULL) {
    /* 7.7: the person's away (IRC AWAY, an XMPP show) as show away. */
    reed__xmpp_out_raw(&o, "<show>away</show>");
    if (p->mv->away[0] != '\0' && p->status == NULL) {
      reed__xmpp_out_raw(&o, "<status>");
      reed__xmpp_out_text(&o, p->mv->away, strlen(p->mv->away));
      reed__xmpp_out_raw(&o, "</status>");
    }
  }
  if (p->status != NULL) {
    reed__xmpp_out_raw(&o, "<status>");
    reed__xmpp_out_text(&o, p->status, strlen(p->status));
    reed__xmpp_out_raw(&o, "</status>");
  }
  reed__xmpp_out_raw(&o, "<x xmlns='" REED_NS_MUC_USER "'>");
  item(c, &o, p);
  for (size_t i = 0; i < 4 && p->codes[i] != 0; i++) {
    snprintf(code, sizeof(code), "%d", p->codes[i]);
    reed__xmpp_out_raw(&o, "<status");
    reed__xmpp_out_attr(&o, "code", code);
    reed__xmpp_out_raw(&o, "/>");
  }
  reed__xmpp_out_raw(&o, "</x>");
  if (p->who != NULL) {
    reed__xmuc_out_occupant_id(c, &o, p->room, p->who);
    if (p->who->bot)
      reed__xmuc_out_bot_caps(&o);
  }
  reed__xmpp_out_raw(&o, "</presence>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmuc_send_pres(reed_xmpp_core_t *c, const xmuc_pres_t *p)
{
  reed_buf_t *b = reed__xmuc_pres_body(c, p);

  if (b == NULL)
    return;
  reed__xim_write_to(c, "presence", b);
  reed_buf_unref(b);
}

typedef struct {
  reed_xmpp_core_t *c;
  const char *room;
  const char *self;
} occ_t;

static void
one_occupant(void *ud, const reed_member_view_t *mv)
{
  occ_t *k = ud;
  xmuc_pres_t p = {
      .room = k->room, .nick = mv->who.nick, .mv = mv, .who = &mv->who};

  if (mv->who.nick == NULL || reed_casecmp(mv->who.nick, k->self) == 0)
    return;
  reed__xmuc_send_pres(k->c, &p);
}

void
reed__xmuc_send_occupants(reed_xmpp_core_t *c, reed_room_t *r, bool created)
{
  const char *self = reed_session_nick(c->session);
  reed_room_view_t v;
  reed_member_view_t mv;
  reed_actor_t me;
  occ_t k = {c, NULL, self};
  xmuc_pres_t p = {.codes = {XMUC_ST_NONANON, XMUC_ST_SELF}};

  if (self == NULL)
    return;
  reed_room_view(r, &v);
  k.room = v.name;
  reed_room_each_member(r, one_occupant, &k);
  if (reed_room_member(r, self, &mv) != 0)
    return;
  me = mv.who; /* its own full JID, whichever session joined first */
  me.origin = "xmpp";
  me.user = c->resource;
  p.room = v.name;
  p.nick = self;
  p.mv = &mv;
  p.who = &me;
  if (created)
    p.codes[2] = XMUC_ST_CREATED;
  reed__xmuc_send_pres(c, &p);
}
