/* XEP-0045 addresses and presence: the MUC service's JIDs, entering a room
 * (7.2), changing nick (7.6) and leaving (7.14).
 *
 * One nick everywhere (docs/design.md, identity): a session takes the nick
 * of its first join (the person's nick changes, as IRC's NICK would, while
 * the person is in no room); a join with another nick while the person is
 * in rooms is <not-acceptable/>; inside a room a presence to a new nick is
 * a nick change, which the model makes everywhere. A nick another person
 * holds, through any protocol, is <conflict/>. */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void
reed__xmuc_domain(const reed_xmpp_core_t *c, char *buf, size_t size)
{
  const char *muc = reed__xmpp_conf(c)->muc;

  if (muc != NULL)
    snprintf(buf, size, "%s", muc);
  else
    snprintf(buf, size, "conference.%s", reed__xmpp_domain(c));
}

bool
reed__xmuc_is_muc(const reed_xmpp_core_t *c, const reed_jid_t *j)
{
  char dom[REED_JID_PART_MAX + 1];

  if (j == NULL)
    return false;
  reed__xmuc_domain(c, dom, sizeof(dom));
  return strcasecmp(j->domain, dom) == 0;
}

void
reed__xmuc_room_jid(const reed_xmpp_core_t *c, const char *room, char *buf,
                    size_t size)
{
  char dom[REED_JID_PART_MAX + 1], fold[REED_ROOM_MAX + 1];

  reed__xmuc_domain(c, dom, sizeof(dom));
  reed_casefold(fold, room, sizeof(fold));
  snprintf(buf, size, "%s@%s", fold, dom);
}

void
reed__xmuc_occ_jid(const reed_xmpp_core_t *c, const char *room,
                   const char *nick, char *buf, size_t size)
{
  char rj[REED_JID_MAX + 1];

  reed__xmuc_room_jid(c, room, rj, sizeof(rj));
  snprintf(buf, size, "%s/%s", rj, nick);
}

reed_room_t *
reed__xmuc_room_of(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (st->to_jid == NULL || !reed__xmuc_is_muc(c, st->to_jid) ||
      !reed_room_name_valid(st->to_jid->local))
    return NULL;
  return reed_room_find(c->env->model, st->to_jid->local);
}

bool
reed__xmuc_joined(reed_xmpp_core_t *c, const char *room)
{
  reed_room_t *r = reed_room_find(c->env->model, room);

  return r != NULL && c->session != NULL &&
         reed_room_has_session(r, c->session);
}

xmuc_conn_t *
reed__xmuc_conn(reed_xmpp_core_t *c)
{
  xmuc_conn_t *x = reed__xmpp_ext_get(c, XMPP_EXT_MUC);

  if (x == NULL && (x = reed_calloc(1, sizeof(*x))) != NULL)
    reed__xmpp_ext_set(c, XMPP_EXT_MUC, x);
  return x;
}

void
reed__xmuc_conn_free(reed_xmpp_core_t *c, void *p)
{
  (void)c;
  reed_free(p);
}

/* ---- Errors
 * ------------------------------------------------------------------
 * XEP-0045 7.2: each refusal as its defined condition. */
typedef struct {
  int rc;
  const char *type, *cond, *text;
} join_err_t;

static const join_err_t join_errs[] = {
    {REED_EBANNED, "auth", "forbidden", "You are banned from this room"},
    {REED_EINVITEONLY, "auth", "registration-required",
     "This room is members-only (invite-only)"},
    {REED_EBADKEY, "auth", "not-authorized", "A password is required"},
    {REED_EROOMFULL, "wait", "service-unavailable", "The room is full"},
    {REED_ETOOMANYROOMS, "wait", "resource-constraint",
     "You are in too many rooms"},
    {REED_EBADROOM, "modify", "jid-malformed", "Not a valid room name"},
    {REED_ENICKINUSE, "cancel", "conflict", "That nickname is in use"},
    {REED_ENICKRESERVED, "cancel", "conflict",
     "That nickname is reserved for an account"},
    {REED_ENICKMERGE, "cancel", "conflict", "That nickname is in use"},
    {REED_EBADNICK, "modify", "jid-malformed", "Not a valid nickname"},
    {REED_ENOMEM, "wait", "resource-constraint", NULL},
    {REED_EUNAVAILABLE, "wait", "resource-constraint", NULL},
    {0, NULL, NULL, NULL},
};

/* 7.2.6 ff.: the presence back with the <x/> a join carries (clients
 * match errors of a join by it) and the error, by the room. */
static void
pres_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *type,
           const char *cond, const char *text)
{
  char by[REED_JID_MAX + 1];
  reed_jid_t room = *st->to_jid;
  xmpp_out_t o;

  room.resource[0] = '\0';
  reed_jid_format(&room, false, by, sizeof(by));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "presence", c->full_jid, st->to, "error", st->id);
  reed__xmpp_out_raw(&o, "><x xmlns='" REED_NS_MUC "'/><error");
  reed__xmpp_out_attr(&o, "by", by);
  reed__xmpp_out_attr(&o, "type", type);
  reed__xmpp_out_raw(&o, "><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_STANZA_ERR "'/>");
  if (text != NULL) {
    reed__xmpp_out_raw(&o, "<text xmlns='" REED_NS_STANZA_ERR "'>");
    reed__xmpp_out_text(&o, text, strlen(text));
    reed__xmpp_out_raw(&o, "</text>");
  }
  reed__xmpp_out_raw(&o, "</error></presence>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
refuse(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  for (const join_err_t *e = join_errs; e->cond != NULL; e++)
    if (e->rc == rc) {
      pres_error(c, st, e->type, e->cond, e->text);
      return;
    }
  pres_error(c, st, "cancel", "internal-server-error", NULL);
}

/* ---- Nicks ----------------------------------------------------------------
 */
static void
count_room(void *ud, const reed_room_t *r)
{
  (void)r;
  (*(size_t *)ud)++;
}

/* Is the session's person in any room (through any of its sessions)? */
static bool
person_in_rooms(reed_xmpp_core_t *c)
{
  const char *nick = reed_session_nick(c->session);
  size_t n = 0;

  if (nick != NULL)
    reed_model_each_room_of(c->env->model, nick, count_room, &n);
  return n > 0;
}

/* The nick for a join: the session's own, or the one asked for while the
 * person is in no room. 0 or a model code (EINVAL: a second nick). */
static int
take_nick(reed_xmpp_core_t *c, const char *nick)
{
  const char *cur = reed_session_nick(c->session);

  if (!reed_nick_valid(nick))
    return REED_EBADNICK;
  if (cur != NULL && strcmp(cur, nick) == 0)
    return 0;
  if (person_in_rooms(c))
    return REED_EINVAL;
  return reed_session_set_nick(c->session, nick);
}

/* ---- Entering --------------------------------------------------------------
 */
static void
join(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *name = st->to_jid->local, *nick = st->to_jid->resource;
  const reed_xml_el_t *x = reed_xml_child(st->el, "x", REED_NS_MUC);
  const char *key = x ? reed_xml_child_text(x, "password", NULL) : NULL;
  reed_room_t *r = reed_room_lookup(c->env->model, name);
  reed_room_view_t v;
  char prev[REED_NICK_MAX + 1] = "";
  bool created;
  int rc;

  if (reed_session_nick(c->session) != NULL)
    reed_strlcpy(prev, reed_session_nick(c->session), sizeof(prev));
  if (nick[0] == '\0') { /* 7.2.2: no nick */
    pres_error(c, st, "modify", "jid-malformed", "A nickname is required");
    return;
  }
  if (r != NULL)
    reed_room_view(r, &v);
  /* 201: a room that comes into being (an empty registered one wakes). */
  created = r == NULL || (v.members == 0 && !reed_room_registered(r));
  if ((rc = take_nick(c, nick)) == REED_EINVAL) {
    pres_error(c, st, "modify", "not-acceptable",
               "You already use another nickname in rooms; "
               "one nickname everywhere");
    return;
  }
  if (rc == 0)
    rc = reed_room_join(c->session, name, key && key[0] ? key : NULL);
  if (rc != 0) {
    /* A refused join leaves the nick as it was. */
    if (prev[0] != '\0' && strcmp(prev, reed_session_nick(c->session)) != 0)
      reed_session_set_nick(c->session, prev);
    refuse(c, st, rc);
    return;
  }
  if ((r = reed_room_find(c->env->model, name)) == NULL)
    return;
  reed__xmuc_send_occupants(c, r, created);
  reed__xmuc_send_history(c, r, x);
  reed__xmuc_send_subject(c, r);
}

/* 7.6: a presence to another nick in a room the session is in. */
static void
change_nick(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *nick = st->to_jid->resource;
  int rc;

  if (nick[0] == '\0' || !reed_nick_valid(nick)) {
    pres_error(c, st, "modify", "jid-malformed", "Not a valid nickname");
    return;
  }
  rc = reed_session_set_nick(c->session, nick);
  if (rc == REED_ENICKMERGE || rc == REED_ENICKINUSE ||
      rc == REED_ENICKRESERVED)
    pres_error(c, st, "cancel", "conflict", "That nickname is in use");
  else if (rc != 0)
    refuse(c, st, rc);
}

/* ---- Leaving ---------------------------------------------------------------
 */
static void
leave(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  const char *status = reed_xml_child_text(st->el, "status", NULL);
  reed_room_view_t v;

  reed_room_view(r, &v);
  if (reed_room_part(c->session, v.name, status && status[0] ? status : NULL) ==
      REED_EBADTEXT)
    reed_room_part(c->session, v.name, NULL);
}

typedef struct {
  char names[64][REED_ROOM_MAX + 1];
  size_t n;
} rooms_t;

static void
collect_room(void *ud, const reed_room_t *r)
{
  rooms_t *k = ud;
  reed_room_view_t v;

  if (k->n >= REED_ARRAY_SIZE(k->names))
    return;
  reed_room_view(r, &v);
  reed_strlcpy(k->names[k->n++], v.name, sizeof(k->names[0]));
}

/* RFC 6121 4.5 with XEP-0045 7.14: unavailable presence without a 'to'
 * leaves every room too (IM's row then broadcasts it). */
static void
leave_all(reed_xmpp_core_t *c)
{
  rooms_t *k = reed_calloc(1, sizeof(*k));

  if (k == NULL)
    return;
  /* In batches; a batch where nothing could be left ends it. */
  for (bool more = true; more;) {
    size_t left = 0;
    k->n = 0;
    reed_session_each_room(c->session, collect_room, k);
    for (size_t i = 0; i < k->n; i++)
      left += reed_room_part(c->session, k->names[i], NULL) == 0;
    more = k->n == REED_ARRAY_SIZE(k->names) && left > 0;
  }
  reed_free(k);
}

/* 7.7: a presence update to the room. The model keeps away per person,
 * as IRC does: <show> away, xa or dnd is away (the status text, else the
 * show's name, as the away text), anything else is back. IRC members
 * with away-notify see AWAY; every room the person is in shows the
 * change to its XMPP occupants (xmpp_muc_event.c). */
static void
presence_update(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  static const struct {
    const char *show, *text;
  } away[] = {
      {"away", "Away"}, {"xa", "Extended away"}, {"dnd", "Do not disturb"}};
  const char *show = reed_xml_child_text(st->el, "show", NULL);
  const char *status = reed_xml_child_text(st->el, "status", NULL);
  char text[REED_REASON_MAX + 1];

  for (size_t i = 0; show != NULL && i < REED_ARRAY_SIZE(away); i++)
    if (strcmp(show, away[i].show) == 0) {
      /* The model's bound and rules: cut, controls replaced by spaces. */
      reed_strlcpy(text, status && status[0] ? status : away[i].text,
                   sizeof(text));
      for (char *p = text; *p != '\0'; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
          *p = ' ';
      if (reed_session_set_away(c->session, text) != 0)
        (void)reed_session_set_away(c->session, away[i].text);
      return;
    }
  (void)reed_session_set_away(c->session, NULL);
}

bool
reed__xmuc_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r;
  const char *cur;

  if (st->to_jid == NULL && st->type != NULL &&
      strcmp(st->type, "unavailable") == 0 && c->session != NULL) {
    leave_all(c);
    return false;
  }
  if (st->to_jid == NULL || !reed__xmuc_is_muc(c, st->to_jid))
    return false;
  if (st->type != NULL && strcmp(st->type, "error") == 0)
    return true;
  if (st->to_jid->local[0] == '\0') { /* the service itself */
    if (st->type == NULL)
      reed__xmpp_stanza_error(c, st, "cancel", "bad-request", NULL);
    return true;
  }
  r = reed__xmuc_room_of(c, st);
  if (st->type != NULL && strcmp(st->type, "unavailable") == 0) {
    if (r != NULL && reed_room_has_session(r, c->session))
      leave(c, st, r);
    return true;
  }
  if (st->type != NULL) { /* subscriptions and probes: not to rooms */
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return true;
  }
  if (r == NULL || !reed_room_has_session(r, c->session)) {
    reed__xmuc_bot_declared(c, st->el); /* before its occupant presence */
    join(c, st);
    return true;
  }
  cur = reed_session_nick(c->session);
  if (st->to_jid->resource[0] != '\0' && cur != NULL &&
      strcmp(cur, st->to_jid->resource) != 0)
    change_nick(c, st);
  else
    presence_update(c, st);
  return true;
}
