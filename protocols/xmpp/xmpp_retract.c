/* XEP-0424 message retraction on the model's redaction (reed_redact), so
 * a message retracted from XMPP is redacted for IRC (draft/message-
 * redaction) and AMP too, and an IRC REDACT or an AMP redaction reaches
 * XMPP resources as a retraction. The model decides who may: a person
 * retracts only its own messages in a one-to-one conversation.
 *
 * Ids: a retraction names the model id (the <stanza-id/> every recipient
 * got), or in a one-to-one chat the sender's origin-id, found in the
 * conversation's history among the sender's own messages (the origin-id
 * travels in the payload, xmpp_payload.c). Recipients get the id the
 * retracting client named when it was an XMPP client, else the model id.
 * The history keeps a tombstone, which MAM shows as <retracted/>. */
#include "xmpp_ext.h"
#include "xmpp_im_int.h"
#include "xmpp_muc.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

/* A server that archives retractions says so (XEP-0424 section 2). */
const xmpp_disco_var_t reed__xmpp_disco_retract[] = {
    {REED_NS_RETRACT, XMPP_DISCO_ACCOUNT}, /* beside MAM */
    {NULL, 0},
};

#define FALLBACK_TEXT                                                          \
  "This person attempted to retract a previous message, but it's "             \
  "unsupported by your client."

typedef struct {
  const char *account, *needle;
  uint64_t found;
} find_t;

static void
match_origin(void *ud, const reed_hist_entry_t *e)
{
  find_t *f = ud;

  if (e->xmpp_payload != NULL && e->from.account != NULL &&
      reed_casecmp(e->from.account, f->account) == 0 &&
      strstr(e->xmpp_payload, f->needle) != NULL)
    f->found = e->id; /* oldest first: the newest match wins */
}

uint64_t
reed__xmpp_by_origin_id(reed_xmpp_core_t *c, const char *peer, const char *id)
{
  const reed_hist_query_t all = {.dir = REED_HIST_LATEST};
  find_t f = {.account = c->account};
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<origin-id xmlns='" REED_NS_SID "'");
  reed__xmpp_out_attr(&o, "id", id);
  reed__xmpp_out_raw(&o, "/>");
  if (o.err == 0 && reed_buf_append(&o.b, "", 1) == 0) {
    f.needle = (const char *)o.b->data;
    reed_history_private(c->session, peer, &all, match_origin, &f);
  }
  reed__xmpp_out_cleanup(&o);
  return f.found;
}

static void
refuse(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  if (rc == REED_ENOPRIV)
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only its sender can retract a message");
  else if (rc == REED_ENOSUCHNICK || rc == REED_ENOACCOUNT)
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", "No such user");
  else
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found",
                            "No such message is kept");
}

/* The person behind a local JID, by the nick it holds now. */
static bool
peer_nick(reed_xmpp_core_t *c, const char *local, char *nick, size_t size)
{
  reed_person_view_t pv;
  reed_model_t *m = c->env->model;

  if (reed_model_find_account(m, local, &pv) != 0 &&
      reed_model_find_nick(m, local, &pv) != 0)
    return false;
  if (pv.who.nick == NULL)
    return false;
  reed_strlcpy(nick, pv.who.nick, size);
  return true;
}

static void
retract_private(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *id)
{
  xim_sending_t *x = reed__xim_sending(c), saved = *x;
  char nick[REED_NICK_MAX + 1];
  uint64_t ref;
  int rc;

  /* Nobody of that account is on: the conversation kept under its name
   * (reed_redact_account), the retraction kept for it offline. */
  bool offline = !peer_nick(c, st->to_jid->local, nick, sizeof(nick));

  if (offline)
    reed_strlcpy(nick, st->to_jid->local, sizeof(nick));
  /* The sender's origin-id first: a client's ids may be digits too. */
  if ((ref = reed__xmpp_by_origin_id(c, nick, id)) == 0)
    ref = reed__xmpp_model_id(id);
  /* What the retracting resource said, for the fan-out it causes. */
  *x = (xim_sending_t){.session_id = reed_session_id(c->session),
                       .from = c->full_jid,
                       .retract_id = id};
  if (ref == 0)
    rc = REED_ENOSUCHMSG;
  else if (offline)
    rc = reed_redact_account(c->session, nick, ref, NULL);
  else
    rc = reed_redact(c->session, nick, ref, NULL);
  *x = saved;
  if (rc != 0)
    refuse(c, st, rc);
}

/* ---- Rooms: the sender's own (XEP-0424) ---------------------------------
 * In a room a retraction names the room's stanza-id, the model id. Only
 * the sender may: a moderator uses XEP-0425 (xmpp_moderate.c), though the
 * model would let a room operator redact anything. */
typedef struct {
  uint64_t id;
  bool found, mine;
  const char *account;
} own_t;

static void
match_id(void *ud, const reed_hist_entry_t *e)
{
  own_t *o = ud;

  if (e->id != o->id || e->redacted)
    return;
  o->found = true;
  o->mine = e->from.account != NULL && o->account != NULL &&
            reed_casecmp(e->from.account, o->account) == 0;
}

static void
retract_room(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r,
             const char *id)
{
  const reed_hist_query_t q = {.dir = REED_HIST_AROUND,
                               .id = reed__xmpp_model_id(id),
                               .limit = 1,
                               .tombstones = true};
  own_t o = {.id = q.id, .account = c->account};
  reed_room_view_t v;
  int rc = REED_ENOSUCHMSG;

  reed_room_view(r, &v);
  if (q.id != 0 &&
      (rc = reed_history_room(c->session, v.name, &q, match_id, &o)) == 0)
    rc = !o.found ? REED_ENOSUCHMSG
         : o.mine ? reed_redact(c->session, v.name, q.id, NULL)
                  : REED_ENOPRIV;
  if (rc == REED_ENOTMEMBER)
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable",
                            "You are not in this room");
  else if (rc != 0)
    refuse(c, st, rc);
}

bool
reed__xmpp_message_retract(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_xml_el_t *r = reed_xml_child(st->el, "retract", REED_NS_RETRACT);
  const char *id = r ? reed_xml_attr(r, "id") : NULL;
  reed_room_t *room = NULL;

  if (r == NULL || c->session == NULL || st->to_jid == NULL ||
      (st->type != NULL && strcmp(st->type, "error") == 0))
    return false;
  if (reed__xim_jid_kind(c, st->to_jid) != XIM_JID_LOCAL &&
      (st->to_jid->resource[0] != '\0' ||
       (room = reed__xmuc_room_of(c, st)) == NULL))
    return false; /* a room we do not have: the MUC's answer */
  if (id == NULL || id[0] == '\0') {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return true;
  }
  if (room != NULL)
    retract_room(c, st, room, id);
  else
    retract_private(c, st, id);
  return true;
}

/* ---- Out: REED_EV_REDACT as a retraction -------------------------------- */

typedef struct {
  const char *from, *id;
} fmt_t;

void
reed__xmpp_retract_chat(xmpp_out_t *o, const char *from, const char *id)
{
  reed__xmpp_out_attr(o, "from", from);
  reed__xmpp_out_raw(o, " type='chat'>");
  reed__xmpp_retract_put(o, id, NULL, NULL, 0);
  reed__xmpp_out_raw(o, "</message>");
}

void
reed__xmpp_retract_put(xmpp_out_t *o, const char *id, const char *by,
                       const char *reason, size_t reason_len)
{
  reed__xmpp_out_raw(o, "<retract xmlns='" REED_NS_RETRACT "'");
  reed__xmpp_out_attr(o, "id", id);
  if (by == NULL) {
    reed__xmpp_out_raw(o, "/>");
  } else { /* XEP-0425: a moderator's, from the room */
    reed__xmpp_out_raw(o, "><moderated xmlns='" REED_NS_MODERATE "'");
    reed__xmpp_out_attr(o, "by", by);
    reed__xmpp_out_raw(o, "/>");
    if (reason != NULL && reason_len > 0) {
      reed__xmpp_out_raw(o, "<reason>");
      reed__xmpp_out_text(o, reason, reason_len);
      reed__xmpp_out_raw(o, "</reason>");
    }
    reed__xmpp_out_raw(o, "</retract>");
  }
  reed__xmpp_out_raw(
      o, "<fallback xmlns='urn:xmpp:fallback:0' for='" REED_NS_RETRACT
         "'/><body>" FALLBACK_TEXT "</body>"
         "<store xmlns='urn:xmpp:hints'/>");
}

static reed_buf_t *
fmt_retract(void *ctx, const reed_event_t *ev)
{
  const fmt_t *f = ctx;
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  (void)ev;
  reed__xmpp_out_init(&o);
  reed__xmpp_retract_chat(&o, f->from, f->id);
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

/* ---- Out, in a room: the sender's retraction from its occupant JID, a
 * moderator's as XEP-0425 from the room -------------------------------- */
typedef struct {
  reed_xmpp_core_t *c;
  uint64_t id;
  char nick[REED_NICK_MAX + 1], account[REED_ACCOUNT_MAX + 1];
} sender_t;

static void
sender_of(void *ud, const reed_hist_entry_t *e)
{
  sender_t *f = ud;

  if (e->id != f->id)
    return;
  reed_strlcpy(f->nick, e->from.nick ? e->from.nick : "", sizeof(f->nick));
  reed_strlcpy(f->account, e->from.account ? e->from.account : "",
               sizeof(f->account));
}

/* Did the redactor redact its own message? The tombstone keeps who sent
 * it. */
static bool
self_redacted(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  const reed_hist_query_t q = {.dir = REED_HIST_AROUND,
                               .id = ev->u.redact.ref_id,
                               .limit = 1,
                               .tombstones = true};
  sender_t f = {.c = c, .id = q.id};

  reed_history_room(c->session, ev->room, &q, sender_of, &f);
  if (ev->from.account != NULL && f.account[0] != '\0')
    return reed_casecmp(ev->from.account, f.account) == 0;
  return f.nick[0] != '\0' && ev->from.nick != NULL &&
         reed_casecmp(ev->from.nick, f.nick) == 0;
}

static reed_buf_t *
fmt_room(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  char room[REED_JID_MAX + 1], occ[REED_JID_MAX + 1], id[24];
  bool self = self_redacted(c, ev);
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->u.redact.ref_id);
  reed__xmuc_room_jid(c, ev->room, room, sizeof(room));
  reed__xmuc_occ_jid(c, ev->room, ev->from.nick ? ev->from.nick : "", occ,
                     sizeof(occ));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", self ? occ : room);
  reed__xmpp_out_raw(&o, " type='groupchat'>");
  reed__xmpp_retract_put(&o, id, self ? NULL : occ, ev->text, ev->text_len);
  reed__xmpp_out_raw(&o, "</message>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

static void
ev_redact_room(reed_xmpp_core_t *c, const reed_event_t *ev)
{
  reed_form_t form = {&reed_xmpp_module, XMUC_FORM + 0x0425};
  reed_buf_t *body;

  if (!reed__xmuc_joined(c, ev->room))
    return;
  if ((body = reed_event_render(ev, form, fmt_room, c)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
}

void
reed__xmpp_ev_redact(reed_xmpp_core_t *c, reed_session_t *s,
                     const reed_event_t *ev)
{
  const xim_sending_t *x = reed__xim_sending(c);
  bool ours = x->retract_id != NULL && x->session_id == ev->from.session_id;
  reed_form_t form = {&reed_xmpp_module, 0x0424};
  char from[REED_JID_MAX + 1], local[REED_NICK_MAX + 1], id[24];
  fmt_t f = {from, id};
  reed_buf_t *body;

  (void)s;
  if (!c->bound)
    return;
  if (ev->room != NULL) { /* every occupant, the retracting one too */
    ev_redact_room(c, ev);
    return;
  }
  if (ev->from.session_id == reed_session_id(c->session))
    return; /* the retracting resource knows */
  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->u.redact.ref_id);
  reed_casefold(local, ev->from.account ? ev->from.account : ev->from.nick,
                sizeof(local));
  snprintf(from, sizeof(from), "%s@%s/%s", local, reed__xmpp_domain(c),
           ev->from.origin ? ev->from.origin : "unknown");
  if (ours) {
    f.from = x->from;
    f.id = x->retract_id;
  }
  if ((body = reed_event_render(ev, form, fmt_retract, &f)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
}
