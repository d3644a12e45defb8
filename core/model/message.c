/* Messages: room messages, private messages, client-only tags and
 * redaction. A message is validated, stored in a prepared history slot,
 * sequenced, then fanned out: the sending session gets an echo delivery
 * (with the label), everyone else the shared one. */
#include "model_int.h"

#define REED__TAGS_MAX 4094

static bool
extra_valid(const reed_msg_extra_t *x)
{
  if (x == NULL)
    return true;
  if (x->audience < REED_AUDIENCE_ALL || x->audience > REED_AUDIENCE_OP)
    return false;
  if (x->n_soft_breaks > REED_SOFT_BREAKS_MAX ||
      (x->n_soft_breaks > 0 && x->soft_breaks == NULL))
    return false;
  if (x->irc_client_tags &&
      !reed__field_valid(x->irc_client_tags, REED__TAGS_MAX))
    return false;
  if (x->xmpp_payload != NULL &&
      (x->xmpp_payload[0] == '\0' ||
       strlen(x->xmpp_payload) > REED_XMPP_PAYLOAD_MAX))
    return false;
  if (x->reaction != NULL &&
      (x->reply_to == 0 || !reed__field_valid(x->reaction, REED_REACTION_MAX)))
    return false;
  return x->label == NULL || reed__field_valid(x->label, REED__FIELD_MAX);
}

/* Soft breaks lie inside the text, ascending. */
static bool
breaks_valid(const reed_msg_extra_t *x, size_t len)
{
  for (size_t i = 0; x != NULL && i < x->n_soft_breaks; i++)
    if (x->soft_breaks[i] == 0 || x->soft_breaks[i] >= len ||
        (i > 0 && x->soft_breaks[i] <= x->soft_breaks[i - 1]))
      return false;
  return true;
}

static int
message_check(const reed_model_t *m, int kind, const char *text, size_t len,
              const reed_msg_extra_t *x)
{
  if (kind < REED_MSG_NORMAL || kind > REED_MSG_NOTICE || !extra_valid(x))
    return REED_EINVAL;
  if (!reed__text_valid(text, len))
    return REED_EBADTEXT;
  if (!breaks_valid(x, len))
    return REED_EINVAL;
  return reed__msg_bound(m, text, len);
}

/* May this session speak in the room? */
static int
speak_check(reed_session_t *s, reed_room_t *r)
{
  reed__member_t *mem = reed__member_of(r, s->p);
  bool voiced = mem != NULL && (mem->op || mem->voice);

  if (reed__can_override(s))
    return 0;
  if (reed__join_of(r, s) == NULL) {
    if (mem != NULL)
      return REED_ENOTMEMBER;
    if (r->no_external)
      return REED_ENOEXTERNAL;
  }
  if (!voiced && reed__masklist_match(&r->lists[REED__LIST_BAN], s) &&
      !reed__masklist_match(&r->lists[REED__LIST_EXCEPT], s))
    return REED_EBANNED;
  if (r->moderated && !voiced)
    return REED_EMODERATED;
  return 0;
}

static void
message_event(reed_session_t *s, int kind, const char *text, size_t len,
              const reed_msg_extra_t *x, reed_event_t *ev)
{
  *ev = (reed_event_t){
      .kind = REED_EV_MESSAGE,
      .text = text,
      .text_len = len,
      .u.msg = {.msg_kind = kind,
                .irc_client_tags = x ? x->irc_client_tags : NULL,
                .xmpp_payload = x ? x->xmpp_payload : NULL,
                .reply_to = x ? x->reply_to : 0,
                .soft_breaks = x ? x->soft_breaks : NULL,
                .n_soft_breaks = x ? x->n_soft_breaks : 0},
  };
  reed__actor(s, &ev->from);
}

/* Sequences s's message ev into a history slot prepared in `ring`, and
 * tells the caller its id (id_out may be NULL). */
static int
sequence_into(reed_session_t *s, reed__ring_t *ring, reed_event_t *ev,
              uint64_t *id_out)
{
  reed_model_t *m = s->m;
  reed_hist_entry_t e;
  reed__hmsg_t *h;
  int rc;

  reed__hist_entry_of(ev, &e);
  if (reed__ring_reserve(ring) != 0 || (h = reed__hmsg_new(&e)) == NULL)
    return REED_ENOMEM;
  if ((rc = reed__sequence(m, ev)) != 0) {
    reed_free(h);
    return rc;
  }
  reed__hmsg_stamp(h, ev);
  reed__ring_push(ring, h);
  reed__observe(m, ev);
  s->p->idle_ms = ev->ts_ms;
  m->origin_messages[s->origin_ix]++;
  if (id_out != NULL)
    *id_out = ev->id;
  return 0;
}

/* A message for part of a room: sequenced, not kept (reed_event_t). */
static int
sequence_only(reed_session_t *s, reed_event_t *ev, uint64_t *id_out)
{
  int rc = reed__sequence(s->m, ev);

  if (rc != 0)
    return rc;
  s->p->idle_ms = ev->ts_ms;
  s->m->origin_messages[s->origin_ix]++;
  if (id_out != NULL)
    *id_out = ev->id;
  return 0;
}

/* Does this member belong to the audience? */
static bool
in_audience(const reed__member_t *mem, int audience)
{
  switch (audience) {
  case REED_AUDIENCE_OP:
    return mem->op;
  case REED_AUDIENCE_VOICE:
    return mem->op || mem->voice;
  default:
    return true;
  }
}

/* reed__send, counting a message's delivery (the paths that reach a
 * person's few sessions, or part of a room). */
static void
send_counted(reed_model_t *m, reed_session_t *s, const reed_event_t *ev)
{
  if (!s->dead && s->mark != m->mark_gen)
    reed__count_delivery(m, s, ev);
  reed__send(m, s, ev);
}

static void
send_person_counted(reed_model_t *m, reed__person_t *p, const reed_event_t *ev)
{
  for (reed_session_t *s = p->s_first; s; s = s->p_next)
    send_counted(m, s, ev);
}

/* The whole room's deliveries are counted once, from the room's counts;
 * part of a room (PRIVMSG @#room) one by one. */
static void
send_audience(reed_model_t *m, reed_room_t *r, const reed_session_t *sender,
              const reed_event_t *ev)
{
  if (ev->u.msg.audience == REED_AUDIENCE_ALL) {
    if (ev->kind == REED_EV_MESSAGE)
      reed__count_room_deliveries(m, r, sender);
    reed__send_room(m, r, ev);
    return;
  }
  for (reed__member_t *mem = r->mem_first; mem; mem = mem->r_next)
    if (in_audience(mem, ev->u.msg.audience))
      for (reed__join_t *j = mem->j_first; j; j = j->m_next)
        send_counted(m, j->s, ev);
}

int
reed_room_say(reed_session_t *s, const char *room, int msg_kind,
              const char *text, size_t len, const reed_msg_extra_t *x,
              uint64_t *id_out)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed_event_t ev;
  reed_fmt_cache_t cache;
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if ((rc = message_check(s->m, msg_kind, text, len, x)) != 0 ||
      (rc = speak_check(s, r)) != 0)
    return rc;
  message_event(s, msg_kind, text, len, x, &ev);
  ev.room = r->name;
  ev.u.msg.audience = x ? x->audience : REED_AUDIENCE_ALL;
  rc = ev.u.msg.audience == REED_AUDIENCE_ALL
           ? sequence_into(s, &r->hist, &ev, id_out)
           : sequence_only(s, &ev, id_out);
  if (rc != 0)
    return rc;
  reed__fan_begin(m, &ev, &cache);
  reed__send_echo(m, s, &ev, x ? x->label : NULL);
  send_audience(m, r, s, &ev);
  reed__fan_end(m, &cache);
  return 0;
}

static reed__conv_t *
conv_of(reed_session_t *s, reed__person_t *peer, bool create)
{
  char a[REED_NICK_MAX + 3], b[REED_NICK_MAX + 3];
  char key[REED__CONV_KEY_MAX];

  reed__person_hkey(s->p, a, sizeof(a));
  reed__person_hkey(peer, b, sizeof(b));
  reed__conv_key(a, b, key, sizeof(key));
  return reed__conv_get(s->m, key, create);
}

/* The person's other sessions that asked for copies of what it sends. */
static void
send_copies(reed_model_t *m, reed_session_t *s, const reed_event_t *ev)
{
  reed_event_t copy = *ev;

  copy.copy = true;
  copy.cache = NULL;
  for (reed_session_t *o = s->p->s_first; o; o = o->p_next)
    if (o != s && o->copies)
      send_counted(m, o, &copy);
}

/* x->to_session: the one session of `peer` a message goes to, or NULL
 * for all of them; false when it names no session of peer's. */
static bool
only_session(reed_model_t *m, const reed__person_t *peer,
             const reed_msg_extra_t *x, reed_session_t **only)
{
  *only = NULL;
  if (x == NULL || x->to_session == 0)
    return true;
  *only = reed_model_session_by_id(m, x->to_session);
  return *only != NULL && (*only)->p == peer;
}

int
reed_tell(reed_session_t *s, const char *nick, int msg_kind, const char *text,
          size_t len, const reed_msg_extra_t *x, uint64_t *id_out)
{
  reed_model_t *m = s->m;
  reed__person_t *peer = reed__person_by_nick(m, nick);
  reed_session_t *only;
  reed__conv_t *c;
  reed_event_t ev;
  reed_fmt_cache_t cache;
  int rc;

  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  if (peer == NULL || !only_session(m, peer, x, &only))
    return REED_ENOSUCHNICK;
  if ((rc = message_check(s->m, msg_kind, text, len, x)) != 0)
    return rc;
  if ((c = conv_of(s, peer, true)) == NULL)
    return REED_ENOMEM;
  message_event(s, msg_kind, text, len, x, &ev);
  ev.target = peer->nick;
  ev.u.msg.target_account = peer->account[0] ? peer->account : NULL;
  if ((rc = sequence_into(s, &c->ring, &ev, id_out)) != 0)
    return rc;
  reed__fan_begin(m, &ev, &cache);
  reed__send_echo(m, s, &ev, x ? x->label : NULL);
  if (only != NULL)
    send_counted(m, only, &ev);
  else
    send_person_counted(m, peer, &ev);
  send_copies(m, s, &ev);
  reed__fan_end(m, &cache);
  return 0;
}

static int
tagmsg_room(reed_session_t *s, const char *room, reed_event_t *ev,
            const char *label)
{
  reed_model_t *m = s->m;
  reed_room_t *r = reed_room_find(m, room);
  reed_fmt_cache_t cache;
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if ((rc = speak_check(s, r)) != 0)
    return rc;
  ev->room = r->name;
  reed__fan_begin(m, ev, &cache);
  reed__send_echo(m, s, ev, label);
  send_audience(m, r, s, ev);
  reed__fan_end(m, &cache);
  return 0;
}

int
reed_tagmsg(reed_session_t *s, const char *target, bool is_room,
            const reed_msg_extra_t *x)
{
  reed_model_t *m = s->m;
  reed__person_t *peer;
  reed_event_t ev = {.kind = REED_EV_TAGMSG};
  reed_fmt_cache_t cache;

  if (x == NULL || !extra_valid(x) || s->p->nick[0] == '\0' ||
      (x->irc_client_tags == NULL && x->reply_to == 0 && x->reaction == NULL))
    return REED_EINVAL;
  reed__actor(s, &ev.from);
  ev.u.msg.irc_client_tags = x->irc_client_tags;
  ev.u.msg.reply_to = x->reply_to;
  ev.u.msg.reaction = x->reaction;
  ev.u.msg.unreact = x->reaction != NULL && x->unreact;
  ev.ts_ms = m->clock->wall_ms(m->clock->c);
  ev.u.msg.audience = is_room ? x->audience : REED_AUDIENCE_ALL;
  if (is_room)
    return tagmsg_room(s, target, &ev, x->label);
  if ((peer = reed__person_by_nick(m, target)) == NULL)
    return REED_ENOSUCHNICK;
  ev.target = peer->nick;
  reed__fan_begin(m, &ev, &cache);
  reed__send_echo(m, s, &ev, x->label);
  reed__send_person(m, peer, &ev);
  reed__fan_end(m, &cache);
  return 0;
}

/* Did this session's person send the stored message? */
static bool
own_message(const reed__hmsg_t *h, const reed_session_t *s)
{
  if (h->account != NULL)
    return reed_casecmp(h->account, s->p->account) == 0;
  return h->session_id == s->id;
}

static int
redact_room(reed_session_t *s, reed_room_t *r, uint64_t id, reed_event_t *ev)
{
  reed__hmsg_t *h = reed__ring_find(&r->hist, id);
  int rc;

  if (h == NULL || h->redacted)
    return REED_ENOSUCHMSG;
  if (!own_message(h, s) && !reed__op_rights(r, s->p) && !reed__can_override(s))
    return REED_ENOPRIV;
  ev->room = r->name;
  if ((rc = reed__sequence(s->m, ev)) != 0)
    return rc;
  reed__ring_tombstone(&r->hist, id);
  reed__observe(s->m, ev);
  reed_fmt_cache_t cache;
  reed__fan_begin(s->m, ev, &cache);
  reed__send_room(s->m, r, ev);
  reed__fan_end(s->m, &cache);
  return 0;
}

static int
redact_private(reed_session_t *s, reed__person_t *peer, uint64_t id,
               reed_event_t *ev)
{
  reed__conv_t *c = conv_of(s, peer, false);
  reed__hmsg_t *h = c ? reed__ring_find(&c->ring, id) : NULL;
  reed_fmt_cache_t cache;
  int rc;

  if (h == NULL || h->redacted)
    return REED_ENOSUCHMSG;
  if (!own_message(h, s))
    return REED_ENOPRIV;
  ev->target = peer->nick;
  ev->u.msg.target_account = peer->account[0] ? peer->account : NULL;
  if ((rc = reed__sequence(s->m, ev)) != 0)
    return rc;
  reed__ring_tombstone(&c->ring, id);
  reed__observe(s->m, ev);
  reed__fan_begin(s->m, ev, &cache);
  reed__send_person(s->m, s->p, ev);
  reed__send_person(s->m, peer, ev);
  reed__fan_end(s->m, &cache);
  return 0;
}

int
reed_redact(reed_session_t *s, const char *target, uint64_t msg_id,
            const char *reason)
{
  reed_room_t *r = reed_room_find(s->m, target);
  reed__person_t *peer;
  char why[REED_REASON_MAX + 1];
  reed_event_t ev = {.kind = REED_EV_REDACT, .u.redact.ref_id = msg_id};

  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed__actor(s, &ev.from);
  ev.text = reason ? why : NULL;
  ev.text_len = strlen(why);
  if (r != NULL && (reed__join_of(r, s) || reed__can_override(s)))
    return redact_room(s, r, msg_id, &ev);
  if ((peer = reed__person_by_nick(s->m, target)) == NULL)
    return r != NULL ? REED_ENOTMEMBER : REED_ENOSUCHNICK;
  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  return redact_private(s, peer, msg_id, &ev);
}

/* The sender's side of a private message nobody receives (tell_account.c):
 * checked, sequenced and kept in conversation `key`, echoed to the sender
 * and copied to its person's sessions that asked for copies. */
int
reed__tell_kept(reed_session_t *s, const char *key, const char *target,
                const char *target_account, int msg_kind, const char *text,
                size_t len, const reed_msg_extra_t *x, uint64_t *id_out)
{
  reed_model_t *m = s->m;
  reed__conv_t *c;
  reed_event_t ev;
  reed_fmt_cache_t cache;
  int rc;

  if ((rc = message_check(m, msg_kind, text, len, x)) != 0)
    return rc;
  if ((c = reed__conv_get(m, key, true)) == NULL)
    return REED_ENOMEM;
  message_event(s, msg_kind, text, len, x, &ev);
  ev.target = target;
  ev.u.msg.target_account = target_account;
  if ((rc = sequence_into(s, &c->ring, &ev, id_out)) != 0)
    return rc;
  reed__fan_begin(m, &ev, &cache);
  reed__send_echo(m, s, &ev, x ? x->label : NULL);
  send_copies(m, s, &ev);
  reed__fan_end(m, &cache);
  return 0;
}
