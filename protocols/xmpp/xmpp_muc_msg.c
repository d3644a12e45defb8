/* Groupchat messages (XEP-0045 7.4), the subject (7.2.15, 8.1), room
 * history at a join (7.2.14) and private messages between occupants
 * (7.5). Every room message goes through the model (reed_room_say), so
 * IRC and AMP members get it and the room's history keeps it with the
 * model's id, shown as XEP-0359 <stanza-id by='room@muc'/> (the id IRC
 * shows as msgid). reed__xmuc_msg_format is the one rendering of a
 * groupchat message, live and from history. */
#include "xmpp_im_int.h"
#include "xmpp_mam_int.h"
#include "xmpp_muc.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
reed__xmuc_msg_format(reed_xmpp_core_t *c, xmpp_out_t *o, const xmuc_msg_t *m)
{
  char id[24];

  reed__xmpp_out_attr(o, "from", m->from);
  reed__xmpp_out_raw(o, " type='groupchat'");
  reed__xmpp_out_attr(o, "id", m->id);
  reed__xmpp_out_raw(o, "><body>");
  if (m->msg_kind == REED_MSG_ACTION)
    reed__xmpp_out_raw(o, "/me "); /* XEP-0245 */
  reed__xmpp_out_text(o, m->text, m->len);
  reed__xmpp_out_raw(o, "</body>");
  if (m->who != NULL)
    reed__xmuc_out_occupant_id(c, o, m->room, m->who);
  if (m->delay != NULL) {
    reed__xmpp_out_raw(o, "<delay xmlns='" REED_NS_DELAY "'");
    reed__xmpp_out_attr(o, "from", m->by);
    reed__xmpp_out_attr(o, "stamp", m->delay);
    reed__xmpp_out_raw(o, "/>");
  }
  if (m->sid != 0) {
    snprintf(id, sizeof(id), "%llu", (unsigned long long)m->sid);
    reed__xmpp_out_raw(o, "<stanza-id xmlns='" REED_NS_SID "'");
    reed__xmpp_out_attr(o, "by", m->by);
    reed__xmpp_out_attr(o, "id", id);
    reed__xmpp_out_raw(o, "/>");
  }
  reed__xmpp_payload_put(o, m->reply_to, m->payload);
  reed__xmpp_out_raw(o, "</message>");
}

/* ---- From the client
 * ---------------------------------------------------------
 */
static void
say_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  switch (rc) {
  case REED_ENOTMEMBER:
  case REED_ENOEXTERNAL:
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable",
                            "You are not in this room");
    break;
  case REED_EMODERATED:
  case REED_EBANNED:
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "You may not speak in this room");
    break;
  case REED_ENOPRIV:
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only moderators may change the subject");
    break;
  case REED_EBADTEXT:
  case REED_EBADTOPIC:
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable",
                            "The text is not valid UTF-8 text");
    break;
  case REED_ETOOBIG:
    reed__xmpp_stanza_error(c, st, "modify", "policy-violation",
                            "The message is too long");
    break;
  case REED_ENOSUCHNICK:
  case REED_ENOSUCHROOM:
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    break;
  default:
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
  }
}

static void
groupchat(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *room)
{
  const reed_xml_el_t *body = reed_xml_child(st->el, "body", NULL);
  const reed_xml_el_t *subj = reed_xml_child(st->el, "subject", NULL);
  xmuc_conn_t *x = reed__xmuc_conn(c);
  reed_msg_extra_t ex = {0};
  xmpp_payload_t pl;
  const char *text;
  size_t len;
  int kind = REED_MSG_NORMAL, rc;

  if (body == NULL && subj != NULL) { /* 8.1 */
    if ((rc = reed_room_set_topic(c->session, room, subj->text)) != 0)
      say_error(c, st, rc);
    return;
  }
  if (body == NULL && reed__xmuc_react(c, st, room))
    return; /* XEP-0444 (xmpp_react_room.c) */
  if (body == NULL)
    return; /* chat states and markers in rooms are not relayed */
  text = body->text;
  len = body->text_len;
  if (len > 4 && strncmp(text, "/me ", 4) == 0) {
    kind = REED_MSG_ACTION;
    text += 4;
    len -= 4;
  }
  if (x == NULL) {
    say_error(c, st, REED_ENOMEM);
    return;
  }
  /* What the message carries besides its body (xmpp_payload.c). */
  if ((rc = reed__xmpp_payload_build(st->el, &pl)) == 0) {
    ex.xmpp_payload = pl.xml;
    ex.reply_to = pl.reply_to;
    x->say_session = reed_session_id(c->session);
    x->say_id = st->id;
    rc = reed_room_say(c->session, room, kind, text, len, &ex, NULL);
    x->say_session = 0;
    x->say_id = NULL;
  }
  reed__xmpp_payload_cleanup(&pl);
  if (rc != 0)
    say_error(c, st, rc);
}

/* 7.5: to room/nick. XMPP occupants get the stanza from our occupant JID
 * (their sessions joined to the room); an IRC or AMP member gets it
 * through the model (reed_tell to its session in the room). */
typedef struct {
  reed_xmpp_core_t *from;
  reed_room_t *r;
  reed_buf_t *body;
  size_t shown;
} pm_t;

static void
pm_to_core(void *ud, reed_xmpp_core_t *o)
{
  pm_t *k = ud;

  if (o->session == NULL || !reed_room_has_session(k->r, o->session))
    return;
  reed__xim_write_to(o, "message", k->body);
  k->shown++;
}

static void
private_msg(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  const char *nick = st->to_jid->resource;
  const reed_xml_el_t *body = reed_xml_child(st->el, "body", NULL);
  reed_room_view_t v;
  reed_member_view_t mv;
  reed_msg_extra_t ex = {0};
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;
  pm_t k = {c, r, NULL, 0};
  int rc = 0;

  reed_room_view(r, &v);
  if (!reed_room_has_session(r, c->session)) {
    say_error(c, st, REED_ENOTMEMBER);
    return;
  }
  if (reed_room_member(r, nick, &mv) != 0) {
    say_error(c, st, REED_ENOSUCHNICK);
    return;
  }
  reed__xmuc_occ_jid(c, v.name, reed_session_nick(c->session), from,
                     sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_attr(&o, "type", st->type ? st->type : "chat");
  reed__xmpp_out_attr(&o, "id", st->id);
  reed__xmpp_out_raw(&o, ">");
  for (const reed_xml_el_t *ch = st->el->first; ch != NULL; ch = ch->next)
    reed__xmpp_out_el(&o, ch, REED_NS_CLIENT);
  reed__xmpp_out_raw(&o, "<x xmlns='" REED_NS_MUC_USER "'/></message>");
  if (o.err == 0 && mv.who.account != NULL) {
    k.body = o.b;
    reed__xim_each(c, mv.who.account, pm_to_core, &k);
  }
  reed__xmpp_out_cleanup(&o);
  if (body != NULL && mv.who.origin != NULL &&
      strcmp(mv.who.origin, "xmpp") != 0) {
    ex.to_session = mv.who.session_id;
    rc = reed_tell(c->session, nick, REED_MSG_NORMAL, body->text,
                   body->text_len, &ex, NULL);
  }
  if (rc != 0)
    say_error(c, st, rc);
}

bool
reed__xmuc_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r;
  reed_room_view_t v;

  if (st->to_jid == NULL || !reed__xmuc_is_muc(c, st->to_jid))
    return false;
  if (st->type != NULL && strcmp(st->type, "error") == 0)
    return true;
  if ((r = reed__xmuc_room_of(c, st)) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return true;
  }
  reed_room_view(r, &v);
  if (st->to_jid->resource[0] != '\0') {
    if (st->type != NULL && strcmp(st->type, "groupchat") == 0)
      reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    else
      private_msg(c, st, r);
    return true;
  }
  if (st->type != NULL && strcmp(st->type, "groupchat") == 0) {
    groupchat(c, st, v.name);
    return true;
  }
  if (reed__xmuc_mediated_invite(c, st, v.name) ||
      reed__xmuc_voice_request(c, st, r, v.name))
    return true;
  reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  return true;
}

/* ---- To the client
 * -----------------------------------------------------------
 */
static reed_buf_t *
fmt_groupchat(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  xmuc_conn_t *x = reed__xmpp_ext_get(c, XMPP_EXT_MUC);
  char from[REED_JID_MAX + 1], by[REED_JID_MAX + 1];
  xmuc_msg_t m = {
      .room = ev->room,
      .who = &ev->from,
      .from = from,
      .text = ev->text,
      .len = ev->text_len,
      .msg_kind = ev->u.msg.msg_kind,
      .sid = ev->id,
      .by = by,
      .reply_to = ev->u.msg.reply_to,
      .payload = ev->u.msg.xmpp_payload,
  };
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  if (ev->echo && x != NULL && x->say_session != 0 &&
      x->say_session == ev->from.session_id)
    m.id = x->say_id;
  reed__xmuc_occ_jid(c, ev->room, ev->from.nick ? ev->from.nick : "", from,
                     sizeof(from));
  reed__xmuc_room_jid(c, ev->room, by, sizeof(by));
  reed__xmpp_out_init(&o);
  reed__xmuc_msg_format(c, &o, &m);
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmuc_ev_message(reed_xmpp_core_t *c, reed_session_t *s,
                      const reed_event_t *ev)
{
  reed_form_t form = {&reed_xmpp_module, XMUC_FORM};
  reed_buf_t *b;

  if (ev->room == NULL) {
    reed__xmpp_ev_message(c, s, ev);
    return;
  }
  if (!c->bound)
    return;
  /* The sender's echo carries its id: this session's alone. */
  if (ev->echo)
    b = fmt_groupchat(c, ev);
  else
    b = reed_event_render(ev, form, fmt_groupchat, c);
  if (b == NULL)
    return;
  reed__xim_write_to(c, "message", b);
  reed_buf_unref(b);
}

/* ---- History and subject at a join ------------------------------------------
 */
#define XMUC_HISTORY_DEFAULT 20
#define XMUC_HISTORY_MAX 200

typedef struct {
  reed_xmpp_core_t *c;
  const char *room;
  reed_buf_t *items[XMUC_HISTORY_MAX];
  size_t n;
} hist_t;

static void
hist_one(void *ud, const reed_hist_entry_t *e)
{
  hist_t *h = ud;
  char from[REED_JID_MAX + 1], by[REED_JID_MAX + 1], stamp[40];
  xmuc_msg_t m = {
      .room = h->room,
      .who = &e->from,
      .from = from,
      .text = e->text,
      .len = e->text_len,
      .msg_kind = e->msg_kind,
      .sid = e->id,
      .by = by,
      .delay = stamp,
      .reply_to = e->reply_to,
      .payload = e->xmpp_payload,
  };
  xmpp_out_t o;

  if (h->n >= XMUC_HISTORY_MAX)
    return;
  reed__xmuc_occ_jid(h->c, h->room, e->from.nick ? e->from.nick : "", from,
                     sizeof(from));
  reed__xmuc_room_jid(h->c, h->room, by, sizeof(by));
  reed__xmpp_stamp(e->ts_ms, stamp, sizeof(stamp));
  reed__xmpp_out_init(&o);
  reed__xmuc_msg_format(h->c, &o, &m);
  if (o.err == 0)
    h->items[h->n++] = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
}

/* A non-negative decimal attribute, or -1 when absent or bad. */
static long
num_attr(const reed_xml_el_t *el, const char *name)
{
  const char *v = el ? reed_xml_attr(el, name) : NULL;
  char *end;
  long n;

  if (v == NULL || *v < '0' || *v > '9')
    return -1;
  n = strtol(v, &end, 10);
  return *end == '\0' && n >= 0 ? n : -1;
}

void
reed__xmuc_send_history(reed_xmpp_core_t *c, reed_room_t *r,
                        const reed_xml_el_t *x)
{
  const reed_xml_el_t *hq = x ? reed_xml_child(x, "history", NULL) : NULL;
  long maxstanzas = num_attr(hq, "maxstanzas"),
       maxchars = num_attr(hq, "maxchars"), seconds = num_attr(hq, "seconds");
  const char *since = hq ? reed_xml_attr(hq, "since") : NULL;
  reed_hist_query_t q = {.dir = REED_HIST_LATEST,
                         .limit = XMUC_HISTORY_DEFAULT};
  reed_room_view_t v;
  hist_t *h;
  uint64_t now = c->env->clock->wall_ms(c->env->clock->c), ms;
  size_t first = 0, chars = 0;

  if (maxstanzas == 0 || maxchars == 0)
    return;
  if (maxstanzas > 0)
    q.limit =
        (size_t)(maxstanzas < XMUC_HISTORY_MAX ? maxstanzas : XMUC_HISTORY_MAX);
  else if (hq != NULL && (seconds >= 0 || since != NULL))
    q.limit = XMUC_HISTORY_MAX;
  if (seconds >= 0)
    q.ts = now > (uint64_t)seconds * 1000 ? now - (uint64_t)seconds * 1000 : 1;
  if (since != NULL && reed__xmpp_parse_stamp(since, &ms) == 0 && ms > q.ts)
    q.ts = ms;
  if ((h = reed_calloc(1, sizeof(*h))) == NULL)
    return;
  reed_room_view(r, &v);
  h->c = c;
  h->room = v.name;
  reed_history_room(c->session, v.name, &q, hist_one, h);
  /* maxchars counts whole stanzas, newest first. */
  if (maxchars > 0) {
    for (first = h->n; first > 0; first--) {
      chars += h->items[first - 1]->len + 40;
      if (chars > (size_t)maxchars)
        break;
    }
  }
  for (size_t i = 0; i < h->n; i++) {
    if (i >= first)
      reed__xim_write_to(c, "message", h->items[i]);
    reed_buf_unref(h->items[i]);
  }
  reed_free(h);
}

void
reed__xmuc_send_subject(reed_xmpp_core_t *c, reed_room_t *r)
{
  reed_room_view_t v;
  char from[REED_JID_MAX + 1];
  xmpp_out_t o;

  reed_room_view(r, &v);
  reed__xmuc_room_jid(c, v.name, from, sizeof(from));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "message", c->full_jid, from, "groupchat", NULL);
  reed__xmpp_out_raw(&o, ">");
  if (v.topic != NULL && v.topic[0] != '\0') {
    reed__xmpp_out_raw(&o, "<subject>");
    reed__xmpp_out_text(&o, v.topic, strlen(v.topic));
    reed__xmpp_out_raw(&o, "</subject>");
  } else {
    reed__xmpp_out_raw(&o, "<subject/>");
  }
  reed__xmpp_out_raw(&o, "</message>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}
