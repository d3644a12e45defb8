/* The model's room events, whatever protocol caused them, as XEP-0045
 * presence and messages to this connection's occupant: joins (7.2.3),
 * parts and quits (7.14), nick changes (7.6, 303), kicks (8.2, 307; 301
 * when the kicked account is on the ban list), role changes (op, voice,
 * moderated), the subject (8.1) and configuration changes (104). The
 * session's own join is answered where it is made (xmpp_muc.c). */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

static bool
own(reed_xmpp_core_t *c, const char *nick)
{
  const char *me = c->session ? reed_session_nick(c->session) : NULL;

  return me != NULL && nick != NULL && reed_casecmp(me, nick) == 0;
}

/* The occupant's presence as it is now, to c (codes may add 110). */
static void
presence_now(reed_xmpp_core_t *c, reed_room_t *r, const char *nick,
             const int *codes)
{
  reed_room_view_t v;
  reed_member_view_t mv;
  xmuc_pres_t p = {0};
  size_t n = 0;

  if (reed_room_member(r, nick, &mv) != 0)
    return;
  reed_room_view(r, &v);
  p.room = v.name;
  p.nick = mv.who.nick;
  p.mv = &mv;
  p.who = &mv.who;
  for (; codes != NULL && codes[n] != 0 && n < 3; n++)
    p.codes[n] = codes[n];
  if (own(c, nick))
    p.codes[n] = XMUC_ST_SELF;
  reed__xmuc_send_pres(c, &p);
}

void
reed__xmuc_ev_join(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  reed_room_t *r;

  if (ev->room == NULL || !c->bound ||
      ev->from.session_id == reed_session_id(s))
    return; /* our own join is answered by the join itself */
  if ((r = reed_room_find(c->env->model, ev->room)) != NULL)
    presence_now(c, r, ev->from.nick, NULL);
}

/* An occupant gone: unavailable with the codes and the reason. */
static void
gone(reed_xmpp_core_t *c, const char *room, const reed_actor_t *who,
     const char *nick, const xmuc_pres_t *tmpl)
{
  xmuc_pres_t p = *tmpl;
  size_t n = 0;

  p.room = room;
  p.nick = nick;
  p.type = "unavailable";
  p.who = who;
  while (n < 3 && p.codes[n] != 0 && p.codes[n] != XMUC_ST_SELF)
    n++;
  if (own(c, nick) && n < 4)
    p.codes[n] = XMUC_ST_SELF;
  reed__xmuc_send_pres(c, &p);
}

static void
text_of(const reed_event_t *ev, char *buf, size_t size)
{
  snprintf(buf, size, "%.*s", (int)ev->text_len, ev->text ? ev->text : "");
}

void
reed__xmuc_ev_part(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  char why[REED_REASON_MAX + 1];
  xmuc_pres_t t = {0};

  (void)s;
  if (ev->room == NULL || !c->bound)
    return;
  text_of(ev, why, sizeof(why));
  t.status = why[0] ? why : NULL;
  gone(c, ev->room, &ev->from, ev->from.nick, &t);
}

typedef struct {
  reed_xmpp_core_t *c;
  const reed_event_t *ev;
  const char *why;
} each_t;

static void
quit_room(void *ud, const reed_room_t *r)
{
  each_t *k = ud;
  reed_member_view_t mv;
  reed_room_view_t v;
  xmuc_pres_t t = {.status = k->why};

  if (k->ev->from.nick == NULL ||
      reed_room_member(r, k->ev->from.nick, &mv) != 0)
    return;
  reed_room_view(r, &v);
  gone(k->c, v.name, &k->ev->from, k->ev->from.nick, &t);
}

/* QUIT names no room: the rooms of this session the person is in (it
 * is still a member while the QUIT goes out). */
void
reed__xmuc_ev_quit(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  char why[REED_REASON_MAX + 1];
  each_t k = {c, ev, NULL};

  if (!c->bound)
    return;
  text_of(ev, why, sizeof(why));
  k.why = why[0] ? why : NULL;
  reed_session_each_room(s, quit_room, &k);
}

static void
nick_room(void *ud, const reed_room_t *r)
{
  each_t *k = ud;
  reed_member_view_t mv;
  reed_room_view_t v;
  xmuc_pres_t t = {.new_nick = k->ev->target, .codes = {XMUC_ST_NICK}};
  static const int none[] = {0};

  if (reed_room_member(r, k->ev->target, &mv) != 0)
    return;
  reed_room_view(r, &v);
  t.mv = &mv;
  if (own(k->c, k->ev->target))
    t.codes[1] = XMUC_ST_SELF;
  gone(k->c, v.name, &mv.who, k->ev->from.nick, &t);
  presence_now(k->c, (reed_room_t *)r, k->ev->target, none);
}

/* 7.6: unavailable from the old nick with 303 and the new one, then the
 * presence of the new nick, in each room of this session the person is
 * in. */
void
reed__xmuc_ev_nick(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  each_t k = {c, ev, NULL};

  if (!c->bound || ev->target == NULL || ev->from.nick == NULL)
    return;
  reed_session_each_room(s, nick_room, &k);
}

void
reed__xmuc_ev_topic(reed_xmpp_core_t *c, reed_session_t *s,
                    const reed_event_t *ev)
{
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;

  (void)s;
  if (ev->room == NULL || !c->bound)
    return;
  if (ev->from.nick != NULL)
    reed__xmuc_occ_jid(c, ev->room, ev->from.nick, from, sizeof(from));
  else
    reed__xmuc_room_jid(c, ev->room, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "message", c->full_jid, from, "groupchat", NULL);
  reed__xmpp_out_raw(&o, "><subject>");
  reed__xmpp_out_text(&o, ev->text ? ev->text : "", ev->text_len);
  reed__xmpp_out_raw(&o, "</subject></message>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* Is the member's account on the room's ban list (an outcast)? */
typedef struct {
  const char *account;
  bool found;
} ban_t;

static void
ban_entry(void *ud, const reed_list_entry_t *e)
{
  ban_t *b = ud;

  if (e->account && b->account && reed_casecmp(e->mask, b->account) == 0)
    b->found = true;
}

/* 10.9: the room is destroyed; this occupant's own unavailable presence
 * carries <destroy/> with the alternate venue and the reason (each member
 * gets only its own: reed_room_destroy). */
static void
destroyed(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;

  reed__xmuc_occ_jid(c, ev->room, ev->target, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "presence", c->full_jid, from, "unavailable", NULL);
  reed__xmpp_out_raw(&o, "><x xmlns='" REED_NS_MUC_USER "'><item "
                         "affiliation='none' role='none'/><destroy");
  reed__xmpp_out_attr(&o, "jid", ev->u.kick.venue);
  if (ev->text != NULL && ev->text_len > 0) {
    reed__xmpp_out_raw(&o, "><reason>");
    reed__xmpp_out_text(&o, ev->text, ev->text_len);
    reed__xmpp_out_raw(&o, "</reason></destroy>");
  } else {
    reed__xmpp_out_raw(&o, "/>");
  }
  reed__xmpp_out_raw(&o, "<status code='110'/></x></presence>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmuc_ev_kick(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  reed_room_t *r;
  reed_member_view_t mv;
  char why[REED_REASON_MAX + 1];
  xmuc_pres_t t = {.actor = ev->from.nick, .codes = {XMUC_ST_KICKED}};
  ban_t b = {NULL, false};

  (void)s;
  if (ev->room == NULL || ev->target == NULL || !c->bound)
    return;
  if (ev->u.kick.destroy) {
    destroyed(c, ev);
    return;
  }
  if ((r = reed_room_find(c->env->model, ev->room)) == NULL)
    return;
  if (reed_room_member(r, ev->target, &mv) == 0) {
    b.account = mv.who.account;
    reed_room_each_list(r, REED_RMODE_BAN, ban_entry, &b);
    t.who = &mv.who;
  }
  if (b.found)
    t.codes[0] = XMUC_ST_BANNED;
  text_of(ev, why, sizeof(why));
  t.reason = why[0] ? why : NULL;
  gone(c, ev->room, t.who, ev->target, &t);
}

static void
each_unvoiced(void *ud, const char *nick, bool op, bool voice)
{
  each_t *k = ud;
  reed_room_t *r = reed_room_find(k->c->env->model, k->ev->room);

  if (!op && !voice && r != NULL)
    presence_now(k->c, r, nick, NULL);
}

/* 10.2.1: a configuration change that is not about privacy (104). */
static void
config_changed(reed_xmpp_core_t *c, const char *room)
{
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;

  reed__xmuc_room_jid(c, room, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "message", c->full_jid, from, "groupchat", NULL);
  reed__xmpp_out_raw(&o, "><x xmlns='" REED_NS_MUC_USER
                         "'><status code='104'/></x></message>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmuc_ev_mode(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  reed_room_t *r;
  bool config = false, moderated = false;
  each_t k = {c, ev, NULL};

  (void)s;
  if (ev->room == NULL || !c->bound ||
      (r = reed_room_find(c->env->model, ev->room)) == NULL)
    return;
  for (size_t i = 0; i < ev->u.mode.n_modes; i++) {
    const reed_mode_change_t *m = &ev->u.mode.modes[i];
    switch (m->mode) {
    case REED_RMODE_OP:
    case REED_RMODE_VOICE:
      if (m->arg != NULL)
        presence_now(c, r, m->arg, NULL);
      break;
    case REED_RMODE_MODERATED:
      moderated = true;
      config = true;
      break;
    case REED_RMODE_BAN:
    case REED_RMODE_EXCEPT:
    case REED_RMODE_INVEX:
      break;
    default:
      config = true;
    }
  }
  if (moderated) /* unvoiced occupants become visitors, or participants */
    reed_room_each_nick(r, each_unvoiced, &k);
  if (config)
    config_changed(c, ev->room);
}

/* 9, 10: an occupant's affiliation changed: its presence as it is now
 * (an outcast's kick and an op change come as their own events). */
void
reed__xmuc_ev_affiliation(reed_xmpp_core_t *c, reed_session_t *s,
                          const reed_event_t *ev)
{
  reed_room_t *r;

  (void)s;
  if (ev->room == NULL || !c->bound || ev->u.aff.nick == NULL ||
      ev->u.aff.aff == REED_AFF_OUTCAST ||
      (r = reed_room_find(c->env->model, ev->room)) == NULL)
    return;
  presence_now(c, r, ev->u.aff.nick, NULL);
}

/* 7.7: a person's away changed (AWAY goes to everyone sharing a room with
 * it): its occupant presence, as it is now, in each room of this session
 * the person is in. */
static void
away_room(void *ud, const reed_room_t *r)
{
  each_t *k = ud;

  /* presence_now only reads the room (the view calls take it const). */
  presence_now(k->c, (reed_room_t *)r, k->ev->from.nick, NULL);
}

void
reed__xmuc_ev_away(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  each_t k = {c, ev, NULL};

  if (!c->bound || ev->from.nick == NULL || s == NULL)
    return;
  reed_session_each_room(s, away_room, &k);
}
