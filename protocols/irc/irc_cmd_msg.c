/* Messages: PRIVMSG, NOTICE and TAGMSG to channels and nicks, with client
 * tags carried through the model and CTCP ACTION mapped to the model's
 * action kind (so XMPP and AMP see "/me"). */
#include "irc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IRC_TARGMAX 4

#define TAG_REPLY "+draft/reply"
#define TAG_REACT "+draft/react"
/* Not in the published react draft, but what clients that withdraw a
 * reaction send (the neutral unreact). */
#define TAG_UNREACT "+draft/unreact"

/* A model id: 1..20 decimal digits, no sign, no leading zero, no overflow. */
static uint64_t
model_id(const char *v)
{
  uint64_t id = 0;

  if (v[0] < '1' || v[0] > '9' || strlen(v) > 20)
    return 0;
  for (; *v != '\0'; v++) {
    if (*v < '0' || *v > '9' || id > (UINT64_MAX - (uint64_t)(*v - '0')) / 10)
      return 0;
    id = id * 10 + (uint64_t)(*v - '0');
  }
  return id;
}

/* A reaction the model takes: 1..REED_REACTION_MAX bytes, no space or
 * control, valid UTF-8 (what the model checks again). */
static bool
reaction_ok(const char *v)
{
  size_t n = strlen(v);

  for (const char *p = v; *p != '\0'; p++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f)
      return false;
  return n > 0 && n <= REED_REACTION_MAX &&
         reed_utf8_valid((const uint8_t *)v, n);
}

/* Is tag i taken into a neutral field (so left out of the IRC tags)? */
static bool
neutral_tag(const reed_irc_msg_t *m, size_t i, reed_irc_ctags_t *t)
{
  const reed_irc_tag_t *g = &m->tags[i];

  if (strcmp(g->key, TAG_REPLY) == 0 && t->reply_to == 0)
    return (t->reply_to = model_id(g->value)) != 0;
  if ((strcmp(g->key, TAG_REACT) == 0 || strcmp(g->key, TAG_UNREACT) == 0) &&
      t->react[0] == '\0' && t->reply_to != 0 && reaction_ok(g->value)) {
    reed_strlcpy(t->react, g->value, sizeof(t->react));
    t->unreact = strcmp(g->key, TAG_UNREACT) == 0;
    return true;
  }
  return false;
}

static void
irc_tag_add(reed_irc_ctags_t *t, size_t *n, const reed_irc_tag_t *g)
{
  size_t size = sizeof(t->irc);

  if (*n + strlen(g->key) + 2 >= size)
    return;
  *n += (size_t)snprintf(t->irc + *n, size - *n, "%s%s", *n ? ";" : "", g->key);
  if (g->value[0] != '\0') {
    t->irc[(*n)++] = '=';
    *n += reed_irc_tag_escape(t->irc + *n, size - *n, g->value);
    if (*n >= size)
      *n = size - 1;
  }
  t->irc[*n] = '\0';
}

/* The reply is found first, so a react tag before it still counts. A
 * reaction is neutral on TAGMSG only (where IRCv3 sends it); elsewhere it
 * stays an IRC tag. */
void
reed__irc_ctags_parse(const reed_irc_core_t *c, const reed_irc_msg_t *m,
                      bool tagmsg, reed_irc_ctags_t *t)
{
  bool neutral[REED_IRC_TAGS_COUNT_MAX] = {false};
  size_t n = 0;

  /* Every field is a string read up to its end, or reply_to: clearing the
   * whole 4 KiB for each message cost more than the rest of the parse. */
  t->irc[0] = '\0';
  t->react[0] = '\0';
  t->unreact = false;
  t->reply_to = 0;
  if (!(c->caps & IRC_CAP_MESSAGE_TAGS) || m->n_tags == 0)
    return;
  for (size_t i = 0; i < m->n_tags; i++)
    if (strcmp(m->tags[i].key, TAG_REPLY) == 0)
      neutral[i] = neutral_tag(m, i, t);
  for (size_t i = 0; tagmsg && i < m->n_tags; i++)
    if (strcmp(m->tags[i].key, TAG_REACT) == 0 ||
        strcmp(m->tags[i].key, TAG_UNREACT) == 0)
      neutral[i] = neutral_tag(m, i, t);
  for (size_t i = 0; i < m->n_tags; i++)
    if (m->tags[i].key[0] == '+' && !neutral[i])
      irc_tag_add(t, &n, &m->tags[i]);
}

bool
reed__irc_ctags_extra(const reed_irc_ctags_t *t, reed_msg_extra_t *x)
{
  x->irc_client_tags = t->irc[0] != '\0' ? t->irc : NULL;
  x->reply_to = t->reply_to;
  x->reaction = t->react[0] != '\0' ? t->react : NULL;
  x->unreact = x->reaction != NULL && t->unreact;
  return x->irc_client_tags != NULL || x->reply_to != 0 || x->reaction != NULL;
}

typedef struct {
  int kind;
  const char *text;
  size_t len;
} text_t;

/* "\1ACTION text\1" is the model's action kind; other CTCP passes as is. */
static text_t
message_text(const char *raw, int kind)
{
  text_t t = {.kind = kind, .text = raw, .len = strlen(raw)};

  if (kind == REED_MSG_NORMAL && strncmp(raw, "\001ACTION ", 8) == 0) {
    t.kind = REED_MSG_ACTION;
    t.text = raw + 8;
    t.len -= 8;
    if (t.len > 0 && t.text[t.len - 1] == '\001')
      t.len--;
  }
  return t;
}

static void
say_away(reed_irc_core_t *c, const char *nick)
{
  reed_person_view_t pv;

  if (reed_model_find_nick(c->env->model, nick, &pv) == 0 && pv.away != NULL)
    reed__irc_num(c, RPL_AWAY, "%s :%s", pv.who.nick, pv.away);
}

/* STATUSMSG: "@#chan" reaches the ops, "+#chan" voice and op; with both
 * prefixes the wider audience wins. Returns the channel part of target. */
const char *
reed__irc_statusmsg(const char *target, int *audience)
{
  *audience = REED_AUDIENCE_ALL;
  for (; *target == '@' || *target == '+'; target++) {
    if (*target == '+' || *audience == REED_AUDIENCE_ALL)
      *audience = *target == '+' ? REED_AUDIENCE_VOICE : REED_AUDIENCE_OP;
  }
  return target;
}

static void
send_one(reed_irc_core_t *c, const char *target, const text_t *t,
         const reed_msg_extra_t *x0, bool notice)
{
  reed_msg_extra_t x = *x0;
  const char *chan = reed__irc_statusmsg(target, &x.audience);
  const char *room = chan[0] == '#' ? reed__irc_room_of(chan) : NULL;
  int rc;

  if (chan[0] == '#')
    rc = room ? reed_room_say(c->session, room, t->kind, t->text, t->len, &x,
                              NULL)
              : REED_ENOSUCHROOM;
  else if (chan != target)
    rc = REED_ENOSUCHNICK; /* a status prefix on a nick */
  else
    rc = reed_tell(c->session, target, t->kind, t->text, t->len, &x, NULL);
  /* NOTICE gets no error replies, but a NOTICE that is not stored is
   * not lost silently either. */
  if (rc < 0 && (!notice || rc == REED_EUNAVAILABLE))
    reed__irc_reply_room_err(c, rc == REED_ENOSUCHROOM ? REED_ENOSUCHNICK : rc,
                             IRC_CTX_SEND, target, target);
  else if (rc == 0 && !notice && chan[0] != '#')
    say_away(c, target);
}

static void
message(reed_irc_core_t *c, const reed_irc_msg_t *m, bool notice)
{
  const char *cmd = notice ? "NOTICE" : "PRIVMSG";
  char tbuf[REED_IRC_LINE_MAX];
  reed_irc_ctags_t tags;
  char *targets[IRC_TARGMAX + 1];
  reed_msg_extra_t x = {0};
  text_t t;
  size_t nt;

  if (m->n_params < 1 || m->params[0][0] == '\0') {
    if (!notice)
      reed__irc_num(c, ERR_NORECIPIENT, ":No recipient given (%s)", cmd);
    return;
  }
  if (m->n_params < 2 || m->params[1][0] == '\0') {
    if (!notice)
      reed__irc_num(c, ERR_NOTEXTTOSEND, ":No text to send");
    return;
  }
  t = message_text(m->params[1], notice ? REED_MSG_NOTICE : REED_MSG_NORMAL);
  reed__irc_ctags_parse(c, m, false, &tags);
  reed__irc_ctags_extra(&tags, &x);
  nt = reed__irc_split(tbuf, sizeof(tbuf), m->params[0], targets,
                       IRC_TARGMAX + 1);
  if (nt > IRC_TARGMAX) {
    reed__irc_num(c, ERR_TOOMANYTARGETS, "%s :Too many recipients",
                  targets[IRC_TARGMAX]);
    nt = IRC_TARGMAX;
  }
  for (size_t i = 0; i < nt && c->session != NULL; i++) {
    if (!notice && (reed__irc_nickserv(c, targets[i], m->params[1]) ||
                    reed__irc_chanserv(c, targets[i], m->params[1])))
      continue;
    send_one(c, targets[i], &t, &x, notice);
  }
}

void
reed__irc_cmd_privmsg(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  message(c, m, false);
}

void
reed__irc_cmd_notice(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  message(c, m, true);
}

void
reed__irc_cmd_tagmsg(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  reed_irc_ctags_t tags;
  const char *target = m->params[0], *room = NULL, *chan;
  reed_msg_extra_t x = {0};
  int rc;

  reed__irc_ctags_parse(c, m, true, &tags);
  if (!reed__irc_ctags_extra(&tags, &x))
    return; /* nothing to relay */
  chan = reed__irc_statusmsg(target, &x.audience);
  if ((chan[0] == '#' && (room = reed__irc_room_of(chan)) == NULL) ||
      (chan != target && room == NULL)) {
    reed__irc_reply_err(c, REED_ENOSUCHNICK, IRC_CTX_ANY, target, NULL);
    return;
  }
  rc = reed_tagmsg(c->session, room ? room : target, room != NULL, &x);
  if (rc < 0)
    reed__irc_reply_room_err(c, rc, IRC_CTX_SEND, target, target);
}

/* ---- REDACT (draft/message-redaction)
 * ----------------------------------------
 */

static void
redact_fail(reed_irc_core_t *c, int rc, const char *target, const char *msgid)
{
  const char *srv = IRC_SERVER(c);

  if (rc == REED_ENOSUCHMSG)
    reed__irc_send(c,
                   ":%s FAIL REDACT UNKNOWN_MSGID %s %s :This message does "
                   "not exist or is too old",
                   srv, target, msgid);
  else if (rc == REED_EUNAVAILABLE)
    reed__irc_reply_err(c, rc, IRC_CTX_ANY, target, NULL);
  else if (rc == REED_ENOPRIV)
    reed__irc_send(c,
                   ":%s FAIL REDACT REDACT_FORBIDDEN %s %s :You are not "
                   "allowed to delete this message",
                   srv, target, msgid);
  else
    reed__irc_send(c,
                   ":%s FAIL REDACT INVALID_TARGET %s :You cannot delete "
                   "messages from %s",
                   srv, target, target);
}

void
reed__irc_cmd_redact(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *target = m->params[0], *msgid = m->params[1];
  const char *reason = m->n_params > 2 ? m->params[2] : NULL;
  const char *name = target;
  char *end;
  unsigned long long id = strtoull(msgid, &end, 10);
  int rc;

  reed_person_view_t pv;
  /* An account nobody is on with: the conversation kept under its name
   * (its XMPP clients get the redaction when they come back). */
  bool offline = target[0] != '#' &&
                 reed_model_find_nick(c->env->model, target, &pv) != 0 &&
                 reed_model_account_exists(c->env->model, target);

  if (!offline &&
      (target[0] == '#'
           ? (name = reed__irc_room_of(target)) == NULL ||
                 reed_room_find(c->env->model, name) == NULL
           : reed_model_find_nick(c->env->model, target, &pv) != 0)) {
    redact_fail(c, REED_ENOSUCHROOM, target, msgid);
    return;
  }
  if (*end != '\0' || id == 0 || msgid[0] == '-') {
    redact_fail(c, REED_ENOSUCHMSG, target, msgid);
    return;
  }
  rc = offline ? reed_redact_account(c->session, target, id, reason)
               : reed_redact(c->session, name, id, reason);
  if (rc < 0)
    redact_fail(c, rc, target, msgid);
}
