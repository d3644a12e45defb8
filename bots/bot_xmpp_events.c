/* Stanzas from the server turned into bot events: MUC presences
 * (XEP-0045: occupants already there, self-presence 110, joins, parts,
 * nick changes 303, kicks 307 and bans 301), room and one-to-one
 * messages (the room's history, anything with <delay/>, and the bot's own
 * reflected messages are not events), subjects, invitations (mediated and
 * XEP-0249), and the iq the bot answers itself: disco#info with its
 * client/bot identity, XEP-0199 ping, XEP-0092 version. */
#include "bot_xmpp_int.h"

#include <stdio.h>
#include <string.h>

#define CAPS_NODE "urn:reed:bot"

/* What one stanza says, with names already in the bot API's terms. */
typedef struct parsed_s {
  char bare[REED__BOT_XMPP_JID];
  const char *resource;
  char room[REED__BOT_XMPP_JID];  /* "#name", or "" */
  char nick[REED__BOT_XMPP_NICK]; /* the actor, API form, or "" */
  char account[REED__BOT_XMPP_JID];
} parsed_t;

static void
dispatch(reed__bot_xmpp_t *x, reed_bot_event_t *ev)
{
  ev->ts_ms = reed_bot_wall_ms(&x->bot);
  reed__bot_dispatch(&x->bot, ev);
}

static int
api_nick(const char *xmpp_nick, char *out)
{
  int rc = reed__bot_xmpp_nick_to_api(xmpp_nick, out, REED__BOT_XMPP_NICK);

  if (rc)
    out[0] = '\0';
  return rc;
}

/* The account name behind a JID of the bot's own domain, else "". */
static void
account_of(const reed__bot_xmpp_t *x, const char *jid, char *out, size_t size)
{
  char bare[REED__BOT_XMPP_JID];
  char *at;

  out[0] = '\0';
  if (jid == NULL || reed__bot_xmpp_split(jid, bare, sizeof(bare), NULL))
    return;
  at = strchr(bare, '@');
  if (at && reed__bot_xmpp_same(at + 1, x->domain) &&
      (size_t)(at - bare) < size) {
    memcpy(out, bare, (size_t)(at - bare));
    out[at - bare] = '\0';
  }
}

static int
has_status(xmpp_stanza_t *mu, const char *code)
{
  for (xmpp_stanza_t *c = mu ? xmpp_stanza_get_children(mu) : NULL; c;
       c = xmpp_stanza_get_next(c)) {
    const char *n = xmpp_stanza_get_name(c);
    const char *v = xmpp_stanza_get_attribute(c, "code");
    if (n && strcmp(n, "status") == 0 && v && strcmp(v, code) == 0)
      return 1;
  }
  return 0;
}

/* The text of `name` under parent, or NULL (freed by the caller). */
static char *
child_text(xmpp_stanza_t *parent, const char *name)
{
  xmpp_stanza_t *c =
      parent ? xmpp_stanza_get_child_by_name(parent, name) : NULL;

  return c ? xmpp_stanza_get_text(c) : NULL;
}

static int
parse_from(reed__bot_xmpp_t *x, xmpp_stanza_t *st, parsed_t *p)
{
  const char *from = xmpp_stanza_get_from(st);

  memset(p, 0, sizeof(*p));
  if (from == NULL ||
      reed__bot_xmpp_split(from, p->bare, sizeof(p->bare), &p->resource))
    return -1;
  if (reed__bot_xmpp_room_name(x->muc, p->bare, p->room, sizeof(p->room)))
    p->room[0] = '\0';
  return 0;
}

/* ---- Presence
 * ----------------------------------------------------------------
 */
static void
on_join_error(reed__bot_xmpp_t *x, reed__bot_xmpp_room_t *r, xmpp_stanza_t *st)
{
  xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error");
  int conflict = err && xmpp_stanza_get_child_by_name(err, "conflict");
  size_t len = strlen(x->want_nick);
  char key[40];

  reed_log(x->bot.log, REED_LOG_WARN, "xmpp bot: join %s refused%s", r->jid,
           conflict ? " (nick in use)" : "");
  /* A taken nick: try again with '_' added, as IRC's 433 does. */
  if (conflict && !r->joined && len + 1 < sizeof(x->want_nick) && len < 32) {
    x->want_nick[len] = '_';
    x->want_nick[len + 1] = '\0';
    reed_strlcpy(key, r->key ? r->key : "", sizeof(key));
    reed_bot_join(&x->bot, r->name, key[0] ? key : NULL);
    return;
  }
  if (!r->joined)
    reed__bot_xmpp_room_forget(x, r);
}

static void
on_unavailable(reed__bot_xmpp_t *x, reed__bot_xmpp_room_t *r, parsed_t *p,
               xmpp_stanza_t *st, xmpp_stanza_t *mu, int self)
{
  xmpp_stanza_t *item = mu ? xmpp_stanza_get_child_by_name(mu, "item") : NULL;
  reed_bot_event_t ev = {
      .kind = REED_BOT_EV_PART, .room = p->room, .nick = p->nick, .self = self};
  char target[REED__BOT_XMPP_NICK], actor[REED__BOT_XMPP_NICK];
  char *reason = NULL;

  if (has_status(mu, "303") && item &&
      xmpp_stanza_get_attribute(item, "nick")) {
    if (api_nick(xmpp_stanza_get_attribute(item, "nick"), target) != 0)
      return;
    reed__bot_xmpp_occ_del(r, p->resource);
    reed__bot_xmpp_occ_add(r, xmpp_stanza_get_attribute(item, "nick"));
    if (self)
      reed_strlcpy(x->nick, target, sizeof(x->nick));
    ev.kind = REED_BOT_EV_NICK;
    ev.target = target;
    dispatch(x, &ev);
    return;
  }
  reed__bot_xmpp_occ_del(r, p->resource);
  if (has_status(mu, "307") || has_status(mu, "301")) {
    xmpp_stanza_t *a =
        item ? xmpp_stanza_get_child_by_name(item, "actor") : NULL;
    const char *an = a ? xmpp_stanza_get_attribute(a, "nick") : NULL;
    reed_strlcpy(target, p->nick, sizeof(target));
    if (an == NULL || api_nick(an, actor) != 0)
      actor[0] = '\0';
    reason = child_text(item, "reason");
    ev.kind = REED_BOT_EV_KICK;
    ev.nick = actor[0] ? actor : NULL;
    ev.target = target;
  } else {
    reason = child_text(st, "status");
  }
  ev.text = reason;
  if (self)
    reed__bot_xmpp_room_forget(x, r);
  dispatch(x, &ev);
  if (reason)
    xmpp_free(x->ctx, reason);
}

void
reed__bot_xmpp_on_presence(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  const char *type = xmpp_stanza_get_type(st);
  xmpp_stanza_t *mu = xmpp_stanza_get_child_by_ns(st, REED__BOT_NS_MUC_USER);
  reed__bot_xmpp_room_t *r;
  reed_bot_event_t ev = {.kind = REED_BOT_EV_JOIN};
  xmpp_stanza_t *item;
  parsed_t p;
  int self;

  if (parse_from(x, st, &p))
    return;
  r = reed__bot_xmpp_room_by_jid(x, p.bare);
  if (r == NULL) {
    /* The answer to the bot's own part (the room is already forgotten). */
    if (type && strcmp(type, "unavailable") == 0 && has_status(mu, "110") &&
        p.room[0] && p.resource && api_nick(p.resource, p.nick) == 0) {
      ev.kind = REED_BOT_EV_PART;
      ev.room = p.room;
      ev.nick = p.nick;
      ev.self = 1;
      dispatch(x, &ev);
    }
    return;
  }
  if (type && strcmp(type, "error") == 0) {
    on_join_error(x, r, st);
    return;
  }
  if (p.resource == NULL || p.room[0] == '\0' ||
      api_nick(p.resource, p.nick) != 0)
    return;
  self = has_status(mu, "110");
  if (type && strcmp(type, "unavailable") == 0) {
    on_unavailable(x, r, &p, st, mu, self);
    return;
  }
  if (type)
    return;
  item = mu ? xmpp_stanza_get_child_by_name(mu, "item") : NULL;
  account_of(x, item ? xmpp_stanza_get_attribute(item, "jid") : NULL, p.account,
             sizeof(p.account));
  if (self && !r->joined) {
    r->joined = 1;
    reed_strlcpy(x->nick, p.nick, sizeof(x->nick));
  } else if (!r->joined || reed__bot_xmpp_occ_has(r, p.resource)) {
    /* Occupants there before the bot, or a status change. */
    reed__bot_xmpp_occ_add(r, p.resource);
    return;
  }
  reed__bot_xmpp_occ_add(r, p.resource);
  ev.room = p.room;
  ev.nick = p.nick;
  ev.account = p.account[0] ? p.account : NULL;
  ev.self = self;
  dispatch(x, &ev);
}

/* ---- Messages
 * ----------------------------------------------------------------
 */
static int
is_type(const char *type, const char *want)
{
  return type && strcmp(type, want) == 0;
}

/* A mediated (XEP-0045 section 7.8.2) or direct (XEP-0249) invitation. */
static int
on_invite(reed__bot_xmpp_t *x, xmpp_stanza_t *st, parsed_t *p)
{
  xmpp_stanza_t *mu = xmpp_stanza_get_child_by_ns(st, REED__BOT_NS_MUC_USER);
  xmpp_stanza_t *inv = mu ? xmpp_stanza_get_child_by_name(mu, "invite") : NULL;
  xmpp_stanza_t *dx = xmpp_stanza_get_child_by_ns(st, REED__BOT_NS_CONFERENCE);
  const char *room_jid = inv ? p->bare : NULL;
  const char *who = inv ? xmpp_stanza_get_attribute(inv, "from") : NULL;
  reed_bot_event_t ev = {.kind = REED_BOT_EV_INVITE, .self = 1};
  char name[REED__BOT_XMPP_JID], acct[REED__BOT_XMPP_JID];

  if (inv == NULL && dx) {
    room_jid = xmpp_stanza_get_attribute(dx, "jid");
    who = xmpp_stanza_get_from(st);
  }
  if (room_jid == NULL || who == NULL ||
      reed__bot_xmpp_room_name(x->muc, room_jid, p->room, sizeof(p->room)))
    return inv || dx;
  account_of(x, who, acct, sizeof(acct));
  if (acct[0] == '\0')
    reed__bot_xmpp_split(who, acct, sizeof(acct), NULL);
  reed_strlcpy(name, acct, sizeof(name));
  if (api_nick(name, p->nick) != 0)
    return 1;
  ev.nick = p->nick;
  ev.room = p->room;
  dispatch(x, &ev);
  return 1;
}

static void
on_groupchat(reed__bot_xmpp_t *x, xmpp_stanza_t *st, parsed_t *p,
             const char *body)
{
  reed__bot_xmpp_room_t *r = reed__bot_xmpp_room_by_jid(x, p->bare);
  xmpp_stanza_t *subject = xmpp_stanza_get_child_by_name(st, "subject");
  reed_bot_event_t ev = {.room = p->room};
  char *text = NULL;

  if (r == NULL || !r->joined || p->room[0] == '\0')
    return;
  if (p->resource && api_nick(p->resource, p->nick) != 0)
    return;
  ev.nick = p->resource ? p->nick : NULL;
  if (subject && body == NULL) {
    /* The first subject is the room's current one, sent at join. */
    if (!r->subject_seen) {
      r->subject_seen = 1;
      return;
    }
    text = xmpp_stanza_get_text(subject);
    ev.kind = REED_BOT_EV_TOPIC;
    ev.text = text ? text : "";
    dispatch(x, &ev);
    xmpp_free(x->ctx, text);
    return;
  }
  /* The bot's own messages come back from the room: not events. */
  if (body == NULL || p->resource == NULL || strcmp(p->nick, x->nick) == 0)
    return;
  ev.kind = REED_BOT_EV_MESSAGE;
  ev.text = body;
  if (strncmp(body, "/me ", 4) == 0) {
    ev.kind = REED_BOT_EV_ACTION;
    ev.text = body + 4;
  }
  dispatch(x, &ev);
}

/* One-to-one: from an occupant of a room (its nick), or from an account
 * (its name on the bot's domain, else its bare JID). */
static void
on_private(reed__bot_xmpp_t *x, xmpp_stanza_t *st, parsed_t *p,
           const char *body)
{
  const char *type = xmpp_stanza_get_type(st);
  const char *from = xmpp_stanza_get_from(st);
  int occupant = p->resource && p->room[0] &&
                 (reed__bot_xmpp_room_by_jid(x, p->bare) ||
                  reed__bot_xmpp_same(strchr(p->bare, '@') + 1, x->muc));
  reed_bot_event_t ev = {.kind = REED_BOT_EV_MESSAGE, .text = body};

  if (!occupant) {
    account_of(x, p->bare, p->account, sizeof(p->account));
    if (api_nick(p->account[0] ? p->account : p->bare, p->nick) != 0)
      return;
    ev.account = p->account[0] ? p->account : NULL;
    from = p->bare;
  } else if (api_nick(p->resource, p->nick) != 0) {
    return;
  }
  reed__bot_xmpp_peer_remember(x, p->nick, from);
  ev.nick = p->nick;
  if (is_type(type, "headline"))
    ev.kind = REED_BOT_EV_NOTICE;
  else if (strncmp(body, "/me ", 4) == 0) {
    ev.kind = REED_BOT_EV_ACTION;
    ev.text = body + 4;
  }
  dispatch(x, &ev);
}

void
reed__bot_xmpp_on_message(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  const char *type = xmpp_stanza_get_type(st);
  char *body;
  parsed_t p;

  if (is_type(type, "error") || parse_from(x, st, &p))
    return;
  if (on_invite(x, st, &p))
    return;
  /* History sent at join, and offline messages: said while the bot was
   * not there, so not for it to answer. */
  if (xmpp_stanza_get_child_by_ns(st, REED__BOT_NS_DELAY))
    return;
  body = xmpp_message_get_body(st);
  if (body && !reed__bot_text_ok(body)) {
    xmpp_free(x->ctx, body);
    return;
  }
  if (is_type(type, "groupchat"))
    on_groupchat(x, st, &p, body);
  else if (body && strchr(p.bare, '@'))
    on_private(x, st, &p, body);
  if (body)
    xmpp_free(x->ctx, body);
}

/* ---- Iq and the bot flag
 * -----------------------------------------------------
 */
static const char *const features[] = {
    /* Sorted by bytes, as XEP-0115's verification string wants them. */
    REED__BOT_NS_CAPS,    REED__BOT_NS_DISCO_INFO, REED__BOT_NS_MUC,
    REED__BOT_NS_VERSION, REED__BOT_NS_PING,
};
#define IDENTITY_NAME "reed bot"

static xmpp_stanza_t *
add(xmpp_stanza_t *parent, const char *name, const char *ns)
{
  xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(parent));

  if (c == NULL)
    return NULL;
  xmpp_stanza_set_name(c, name);
  if (ns)
    xmpp_stanza_set_ns(c, ns);
  xmpp_stanza_add_child(parent, c);
  xmpp_stanza_release(c);
  return c;
}

/* XEP-0115 section 5.1 over the one identity and the features. */
static char *
caps_ver(xmpp_ctx_t *ctx)
{
  char s[512];
  unsigned char digest[XMPP_SHA1_DIGEST_SIZE];
  size_t n = (size_t)snprintf(s, sizeof(s), "client/bot//%s<", IDENTITY_NAME);

  for (size_t i = 0; i < REED_ARRAY_SIZE(features); i++)
    n += (size_t)snprintf(s + n, sizeof(s) - n, "%s<", features[i]);
  xmpp_sha1_digest((const unsigned char *)s, n, digest);
  return xmpp_base64_encode(ctx, digest, sizeof(digest));
}

xmpp_stanza_t *
reed__bot_xmpp_caps(reed__bot_xmpp_t *x)
{
  xmpp_stanza_t *c = xmpp_stanza_new(x->ctx);
  char *ver = caps_ver(x->ctx);

  if (c && ver) {
    xmpp_stanza_set_name(c, "c");
    xmpp_stanza_set_ns(c, REED__BOT_NS_CAPS);
    xmpp_stanza_set_attribute(c, "hash", "sha-1");
    xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
    xmpp_stanza_set_attribute(c, "ver", ver);
  } else if (c) {
    xmpp_stanza_release(c);
    c = NULL;
  }
  if (ver)
    xmpp_free(x->ctx, ver);
  return c;
}

xmpp_stanza_t *
reed__bot_xmpp_disco_info(reed__bot_xmpp_t *x, xmpp_stanza_t *iq)
{
  xmpp_stanza_t *q = xmpp_stanza_get_child_by_name(iq, "query");
  const char *node = q ? xmpp_stanza_get_attribute(q, "node") : NULL;
  xmpp_stanza_t *res = xmpp_stanza_reply(iq);
  xmpp_stanza_t *rq = res ? add(res, "query", REED__BOT_NS_DISCO_INFO) : NULL;
  xmpp_stanza_t *id = rq ? add(rq, "identity", NULL) : NULL;

  (void)x;
  if (id == NULL) {
    if (res)
      xmpp_stanza_release(res);
    return NULL;
  }
  xmpp_stanza_set_type(res, "result");
  if (node)
    xmpp_stanza_set_attribute(rq, "node", node);
  xmpp_stanza_set_attribute(id, "category", "client");
  xmpp_stanza_set_attribute(id, "type", "bot");
  xmpp_stanza_set_attribute(id, "name", IDENTITY_NAME);
  for (size_t i = 0; i < REED_ARRAY_SIZE(features); i++) {
    xmpp_stanza_t *f = add(rq, "feature", NULL);
    if (f)
      xmpp_stanza_set_attribute(f, "var", features[i]);
  }
  return res;
}

static xmpp_stanza_t *
version_reply(xmpp_stanza_t *iq)
{
  xmpp_stanza_t *res = xmpp_stanza_reply(iq);
  xmpp_stanza_t *q = res ? add(res, "query", REED__BOT_NS_VERSION) : NULL;
  xmpp_stanza_t *n = q ? add(q, "name", NULL) : NULL;
  xmpp_stanza_t *t = n ? xmpp_stanza_new(xmpp_stanza_get_context(n)) : NULL;

  if (t) {
    xmpp_stanza_set_type(res, "result");
    xmpp_stanza_set_text(t, IDENTITY_NAME);
    xmpp_stanza_add_child(n, t);
    xmpp_stanza_release(t);
  } else if (res) {
    xmpp_stanza_release(res);
    res = NULL;
  }
  return res;
}

void
reed__bot_xmpp_on_iq(reed__bot_xmpp_t *x, xmpp_stanza_t *st)
{
  const char *type = xmpp_stanza_get_type(st);
  xmpp_stanza_t *c = xmpp_stanza_get_children(st);
  const char *ns = c ? xmpp_stanza_get_ns(c) : NULL;
  xmpp_stanza_t *res = NULL;

  if (!is_type(type, "get") && !is_type(type, "set"))
    return;
  if (is_type(type, "get") && ns && strcmp(ns, REED__BOT_NS_DISCO_INFO) == 0)
    res = reed__bot_xmpp_disco_info(x, st);
  else if (is_type(type, "get") && ns && strcmp(ns, REED__BOT_NS_PING) == 0 &&
           (res = xmpp_stanza_reply(st)) != NULL)
    xmpp_stanza_set_type(res, "result");
  else if (is_type(type, "get") && ns && strcmp(ns, REED__BOT_NS_VERSION) == 0)
    res = version_reply(st);
  else
    res = xmpp_stanza_reply_error(st, "cancel", "service-unavailable", NULL);
  if (res) {
    /* A reply to the server itself carries no 'to' (RFC 6120 8.1.1.1). */
    reed__bot_xmpp_send_now(x, res);
    xmpp_stanza_release(res);
  }
}
