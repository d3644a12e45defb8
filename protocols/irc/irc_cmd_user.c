/* Commands about people: AWAY, ISON, USERHOST, WHO, WHOIS, OPER and KILL
 * (WHOWAS is in irc_cmd_whowas.c). A person may be connected through any
 * protocol; everything shown comes from the model's views. */
#include "irc_int.h"

#include "auth.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* Splits an actor's mask into user and host parts. */
typedef struct {
  char mask[IRC_MASK_MAX];
  const char *nick, *user, *host;
} parts_t;

static void
mask_parts(const reed_actor_t *a, parts_t *p)
{
  char *bang, *at;

  reed__irc_mask_str(a, p->mask, sizeof(p->mask));
  bang = strchr(p->mask, '!');
  at = bang ? strchr(bang, '@') : NULL;
  p->nick = p->mask;
  p->user = p->host = "*";
  if (bang != NULL && at != NULL) {
    *bang = *at = '\0';
    p->user = bang + 1;
    p->host = at + 1;
  }
}

/* draft/pre-away: an AWAY before registration is kept here and applied
 * once the session has its nick (reed__irc_apply_pre_away). */
static void
pre_away(reed_irc_core_t *c, const char *text)
{
  reed_free(c->pend->pre_away);
  c->pend->pre_away = text ? reed_strdup(text) : NULL;
  if (text != NULL && c->pend->pre_away == NULL)
    return;
  if (text != NULL)
    reed__irc_num(c, RPL_NOWAWAY, ":You have been marked as being away");
  else
    reed__irc_num(c, RPL_UNAWAY, ":You are no longer marked as being away");
}

/* "AWAY *" (pre-away) says the user is not present for no stated reason;
 * it never replaces an away message a person already has. */
static void
set_away(reed_irc_core_t *c, const char *text)
{
  reed_person_view_t pv;
  const char *nick = reed_session_nick(c->session);

  if (strcmp(text, "*") == 0 && nick != NULL &&
      reed_model_find_nick(c->env->model, nick, &pv) == 0 && pv.away != NULL)
    return;
  reed_session_set_away(c->session, text);
}

void
reed__irc_apply_pre_away(reed_irc_core_t *c)
{
  if (c->pend == NULL || c->pend->pre_away == NULL)
    return;
  set_away(c, c->pend->pre_away);
  reed_free(c->pend->pre_away);
  c->pend->pre_away = NULL;
}

void
reed__irc_cmd_away(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char text[REED_REASON_MAX + 1];
  bool reg = (c->state & IRC_ST_REG) != 0;
  bool clear = m->n_params == 0 || m->params[0][0] == '\0';
  size_t n;

  if (!reg && !(c->caps & IRC_CAP_PRE_AWAY)) {
    reed__irc_num(c, ERR_NOTREGISTERED, ":You have not registered");
    return;
  }
  if (!clear) {
    n = reed_utf8_cut(m->params[0], strlen(m->params[0]), REED_REASON_MAX);
    memcpy(text, m->params[0], n);
    text[n] = '\0';
  }
  if (!reg) {
    pre_away(c, clear ? NULL : text);
    return;
  }
  if (clear) {
    reed_session_set_away(c->session, NULL);
    reed__irc_num(c, RPL_UNAWAY, ":You are no longer marked as being away");
    return;
  }
  set_away(c, text);
  reed__irc_num(c, RPL_NOWAWAY, ":You have been marked as being away");
}

void
reed__irc_cmd_ison(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char out[REED_IRC_LINE_MAX] = "";
  size_t n = 0;

  for (size_t i = 0; i < m->n_params; i++) {
    char buf[REED_IRC_LINE_MAX], *save = NULL;
    reed_strlcpy(buf, m->params[i], sizeof(buf));
    for (char *t = strtok_r(buf, " ", &save); t;
         t = strtok_r(NULL, " ", &save)) {
      reed_person_view_t pv;
      if (reed_model_find_nick(c->env->model, t, &pv) != 0 ||
          n + strlen(pv.who.nick) + 2 >= 400)
        continue;
      n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "",
                            pv.who.nick);
    }
  }
  reed__irc_num(c, RPL_ISON, ":%s", out);
}

void
reed__irc_cmd_userhost(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char out[REED_IRC_LINE_MAX] = "";
  size_t n = 0;

  for (size_t i = 0; i < m->n_params && i < 5; i++) {
    reed_person_view_t pv;
    parts_t p;
    if (reed_model_find_nick(c->env->model, m->params[i], &pv) != 0)
      continue;
    mask_parts(&pv.who, &p);
    n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s%s=%c%s@%s",
                          n ? " " : "", p.nick, pv.oper ? "*" : "",
                          pv.away ? '-' : '+', p.user, p.host);
  }
  reed__irc_num(c, RPL_USERHOST, ":%s", out);
}

/* ---- WHO -------------------------------------------------------------------
 */

/* What a WHO reply shows of one person. */
typedef struct {
  const char *chan;
  const reed_actor_t *a;
  const char *away;
  bool op, voice, oper;
  reed_affiliation_t aff;
  uint64_t idle_s;
} who_info_t;

typedef struct {
  reed_irc_core_t *c;
  const char *chan; /* shown as the channel of every reply */
  const char *mask; /* WHO mask: the glob */
  const char *whox; /* WHOX field letters, or NULL for 352 */
  const char *token;
  bool member;      /* WHO #room: the asker is in it */
  size_t n_replies; /* WHO mask: bounded by WHO_MAX_REPLIES */
} who_t;

/* A mask query's replies: a bound on one command's output. */
#define WHO_MAX_REPLIES 1000

static void
who_flags(const reed_irc_core_t *c, const who_info_t *wi, char *out,
          size_t size)
{
  bool multi = (c->caps & IRC_CAP_MULTI_PREFIX) != 0;

  char pfx[5];

  reed__irc_prefixes(multi, wi->aff, wi->op, wi->voice, pfx);
  snprintf(out, size, "%c%s%s%s", wi->away ? 'G' : 'H', wi->oper ? "*" : "",
           wi->a->bot ? "B" : "", pfx);
}

/* 354 (WHOX): the fields asked for, always in the order tcuihsnfdlaor. */
static void
whox_line(reed_irc_core_t *c, const who_t *w, const who_info_t *wi,
          const parts_t *p, const char *flags)
{
  char line[REED_IRC_LINE_MAX];
  size_t n = 0;
  const char *order = "tcuihsnfdlaor";

  for (const char *f = order; *f != '\0'; f++) {
    const char *v = NULL;
    char num[24];
    if (strchr(w->whox, *f) == NULL)
      continue;
    switch (*f) {
    case 't':
      v = w->token ? w->token : "0";
      break;
    case 'c':
      v = wi->chan;
      break;
    case 'u':
      v = p->user;
      break;
    case 'i':
      v = "255.255.255.255";
      break;
    case 'h':
      v = p->host;
      break;
    case 's':
      v = IRC_SERVER(c);
      break;
    case 'n':
      v = p->nick;
      break;
    case 'f':
      v = flags;
      break;
    case 'd':
      v = "0";
      break;
    case 'l':
      snprintf(num, sizeof(num), "%llu", (unsigned long long)wi->idle_s);
      v = num;
      break;
    case 'a':
      v = wi->a->account ? wi->a->account : "0";
      break;
    case 'o':
      v = "n/a";
      break;
    case 'r':
      v = NULL;
      break;
    }
    if (v != NULL)
      n +=
          (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "", v);
  }
  if (strchr(w->whox, 'r') != NULL)
    snprintf(line + n, sizeof(line) - n, "%s:%s", n ? " " : "",
             wi->a->realname ? wi->a->realname : "");
  reed__irc_num(c, RPL_WHOSPCRPL, "%s", line);
}

static void
who_reply(reed_irc_core_t *c, const who_t *w, const who_info_t *wi)
{
  char flags[16];
  parts_t p;

  mask_parts(wi->a, &p);
  who_flags(c, wi, flags, sizeof(flags));
  if (w != NULL && w->whox != NULL) {
    whox_line(c, w, wi, &p, flags);
    return;
  }
  reed__irc_num(c, RPL_WHOREPLY, "%s %s %s %s %s %s :0 %s", wi->chan, p.user,
                p.host, IRC_SERVER(c), p.nick, flags,
                wi->a->realname ? wi->a->realname : "");
}

/* Fills what only the person view knows: oper and idle time. */
static void
person_extra(reed_irc_core_t *c, const char *nick, who_info_t *wi)
{
  reed_person_view_t pv;
  uint64_t now = c->clock->wall_ms(c->clock->c);

  if (nick == NULL || reed_model_find_nick(c->env->model, nick, &pv) != 0)
    return;
  wi->oper = pv.oper;
  wi->idle_s = now > pv.idle_since_ms ? (now - pv.idle_since_ms) / 1000 : 0;
}

static bool
who_matches(const char *mask, const reed_actor_t *a)
{
  char full[IRC_MASK_MAX];

  reed__irc_mask_str(a, full, sizeof(full));
  return reed_mask_match(mask, a->nick ? a->nick : "") ||
         reed_mask_match(mask, full) ||
         (a->realname != NULL && reed_mask_match(mask, a->realname));
}

static void
who_member(void *ud, const reed_member_view_t *mv)
{
  who_t *w = ud;
  who_info_t wi = {.chan = w->chan, .a = &mv->who, .away = mv->away};
  reed_person_view_t pv;

  /* Asked from outside the room: its invisible members stay hidden. */
  if (!w->member && mv->who.nick != NULL &&
      reed_model_find_nick(w->c->env->model, mv->who.nick, &pv) == 0 &&
      pv.invisible)
    return;
  wi.op = mv->op;
  wi.voice = mv->voice;
  wi.aff = mv->aff;
  person_extra(w->c, mv->who.nick, &wi);
  who_reply(w->c, w, &wi);
}

static void
who_channel(who_t *w, const char *mask)
{
  reed_irc_core_t *c = w->c;
  const char *room = reed__irc_room_of(mask);
  reed_room_t *r = room ? reed_room_find(c->env->model, room) : NULL;
  reed_room_view_t v;
  char chan[REED_ROOM_MAX + 2];

  if (r == NULL)
    return;
  reed_room_view(r, &v);
  w->member = reed_room_has_session(r, c->session);
  if (v.secret && !w->member)
    return;
  snprintf(chan, sizeof(chan), "#%s", v.name);
  w->chan = chan;
  reed_room_each_member(r, who_member, w);
}

/* Every person matching a glob, in a room or not (WHO *, WHO coolni*);
 * an invisible one only to who shares a room with it (RFC 2812 3.6.1). */
static void
who_person(void *ud, const reed_person_view_t *pv)
{
  who_t *w = ud;
  who_info_t wi = {.chan = "*", .a = &pv->who, .away = pv->away};

  if (pv->who.nick == NULL || w->n_replies >= WHO_MAX_REPLIES ||
      !who_matches(w->mask, &pv->who))
    return;
  if (pv->invisible && !reed_session_shares_room(w->c->session, pv->who.nick))
    return;
  w->n_replies++;
  person_extra(w->c, pv->who.nick, &wi);
  who_reply(w->c, w, &wi);
}

static void
who_glob(who_t *w, const char *mask)
{
  w->mask = mask;
  reed_model_each_person(w->c->env->model, who_person, w);
}

static void
who_nick(who_t *w, const reed_person_view_t *pv)
{
  who_info_t wi = {.chan = "*", .a = &pv->who, .away = pv->away};

  person_extra(w->c, pv->who.nick, &wi);
  who_reply(w->c, w, &wi);
}

/* "%fields[,token]" (WHOX) in the second parameter. */
static void
parse_whox(const reed_irc_msg_t *m, who_t *w, char *buf, size_t size)
{
  char *comma;

  if (m->n_params < 2 || m->params[1][0] != '%')
    return;
  reed_strlcpy(buf, m->params[1] + 1, size);
  comma = strchr(buf, ',');
  if (comma != NULL) {
    *comma = '\0';
    w->token = comma + 1;
  }
  w->whox = buf;
}

void
reed__irc_cmd_who(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *mask = m->n_params > 0 ? m->params[0] : "*";
  who_t w = {.c = c};
  reed_person_view_t pv;
  char whox[64];

  parse_whox(m, &w, whox, sizeof(whox));
  if (mask[0] == '#')
    who_channel(&w, mask);
  else if (reed_model_find_nick(c->env->model, mask, &pv) == 0)
    who_nick(&w, &pv);
  else if (strpbrk(mask, "*?") != NULL || strcmp(mask, "0") == 0)
    who_glob(&w, strcmp(mask, "0") == 0 ? "*" : mask);
  reed__irc_num(c, RPL_ENDOFWHO, "%.64s :End of WHO list", mask);
}

/* ---- WHOIS -----------------------------------------------------------------
 */

typedef struct {
  reed_irc_core_t *c;
  const char *nick;
  char line[400];
  size_t n;
} whois_t;

static void
whois_room(void *ud, const reed_room_t *r)
{
  whois_t *w = ud;
  reed_room_view_t v;
  reed_member_view_t mv;
  char pfx[5];

  reed_room_view(r, &v);
  if (v.secret && !reed_room_has_session(r, w->c->session))
    return;
  if (reed_room_member(r, w->nick, &mv) != 0)
    return;
  if (w->n + strlen(v.name) + 7 >= sizeof(w->line))
    return;
  reed__irc_prefixes((w->c->caps & IRC_CAP_MULTI_PREFIX) != 0, mv.aff, mv.op,
                     mv.voice, pfx);
  w->n += (size_t)snprintf(w->line + w->n, sizeof(w->line) - w->n, "%s%s#%s",
                           w->n ? " " : "", pfx, v.name);
}

static void
whois_body(reed_irc_core_t *c, const reed_person_view_t *pv)
{
  whois_t w = {.c = c, .nick = pv->who.nick};
  uint64_t now = c->clock->wall_ms(c->clock->c);
  parts_t p;

  mask_parts(&pv->who, &p);
  reed__irc_num(c, RPL_WHOISUSER, "%s %s %s * :%s", p.nick, p.user, p.host,
                pv->who.realname ? pv->who.realname : "");
  reed_model_each_room_of(c->env->model, pv->who.nick, whois_room, &w);
  if (w.n > 0)
    reed__irc_num(c, RPL_WHOISCHANNELS, "%s :%s", p.nick, w.line);
  reed__irc_num(c, RPL_WHOISSERVER, "%s %s :reed (%s)", p.nick, IRC_SERVER(c),
                pv->who.origin ? pv->who.origin : "irc");
  if (pv->oper)
    reed__irc_num(c, RPL_WHOISOPERATOR, "%s :is an IRC operator", p.nick);
  if (pv->who.bot)
    reed__irc_num(c, RPL_WHOISBOT, "%s :is a bot", p.nick);
  if (pv->away)
    reed__irc_num(c, RPL_AWAY, "%s :%s", p.nick, pv->away);
  if (pv->who.account)
    reed__irc_num(c, RPL_WHOISACCOUNT, "%s %s :is logged in as", p.nick,
                  pv->who.account);
  reed__irc_num(
      c, RPL_WHOISIDLE, "%s %llu %llu :seconds idle, signon time", p.nick,
      (unsigned long long)((now > pv->idle_since_ms ? now - pv->idle_since_ms
                                                    : 0) /
                           1000),
      (unsigned long long)(pv->signon_ms / 1000));
}

void
reed__irc_cmd_whois(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *nick = m->params[m->n_params > 1 ? 1 : 0];
  reed_person_view_t pv;

  if (reed_model_find_nick(c->env->model, nick, &pv) != 0)
    reed__irc_reply_err(c, REED_ENOSUCHNICK, IRC_CTX_ANY, nick, NULL);
  else
    whois_body(c, &pv);
  reed__irc_num(c, RPL_ENDOFWHOIS, "%.64s :End of /WHOIS list", nick);
}

/* ---- OPER, KILL ------------------------------------------------------------
 */

static bool
oper_match(const char *entry, const char *name, const char *pass)
{
  size_t nl = strlen(name);

  if (strncmp(entry, name, nl) != 0 || entry[nl] != ' ')
    return false;
  return reed__irc_secret_eq(entry + nl + 1, pass);
}

/* The audit line of every OPER: who, from where, as whom, and the
 * outcome. */
static void
oper_audit(reed_irc_core_t *c, const char *name, const char *outcome)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);

  reed_audit(c->env->log, "OPER %s by %s (conn %llu %s): %s", name,
             reed__irc_nick(c), (unsigned long long)c->env->conn_id,
             peer ? peer->ip : "?", outcome);
}

static void
oper_grant(reed_irc_core_t *c, const char *name, const char *how)
{
  const char *nick = reed__irc_nick(c);

  reed_session_set_oper(c->session, true);
  reed__irc_num(c, RPL_YOUREOPER, ":You are now an IRC operator");
  reed__irc_send(c, ":%s MODE %s :+o", nick, nick);
  oper_audit(c, name, how);
}

/* The portal checked the account's password: an operator account gets the
 * rights; a good password of another account is 491, a bad one 464. */
static void
oper_answer(reed_irc_core_t *c, int status, const char *account)
{
  const char *name = c->pend->oper_name;

  if ((c->state & IRC_ST_CLOSED) || c->session == NULL)
    return;
  if (status == 0 && account[0] != '\0' &&
      reed_store_oper_is(c->env->store, account) == 1) {
    oper_grant(c, account, "success (operator account)");
  } else if (status == 0) {
    reed__irc_num(c, ERR_NOOPERHOST, ":No O-lines for your host");
    oper_audit(c, name, "failed: not an operator account");
  } else {
    reed__irc_num(c, ERR_PASSWDMISMATCH, ":Password incorrect");
    oper_audit(c, name,
               status == REED_ETHROTTLED ? "failed: throttled"
                                         : "failed: password incorrect");
  }
}

/* OPER NAME PASSWORD: a plaintext `oper` entry of the config (kept for
 * compatibility), else an operator account (`reed account oper add`) and
 * its own password, checked by the portal on the worker with the login
 * throttle. Being logged in to an operator account is not enough: the
 * password is asked for, as ergo does. */
void
reed__irc_cmd_oper(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const reed_strlist_t *ops = &IRC_CONF(c)->opers;
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  reed_irc_portal_cb cb;
  int rc;

  for (size_t i = 0; i < ops->n; i++) {
    if (oper_match(ops->v[i], m->params[0], m->params[1])) {
      oper_grant(c, m->params[0], "success (config oper)");
      return;
    }
  }
  if (c->env->portal == NULL || c->env->store == NULL) {
    reed__irc_num(c, ops->n ? ERR_PASSWDMISMATCH : ERR_NOOPERHOST,
                  ops->n ? ":Password incorrect" : ":No O-lines for your host");
    oper_audit(c, m->params[0], "failed");
    return;
  }
  cb = reed__irc_portal_begin(c, oper_answer);
  if (cb == NULL) {
    reed__irc_close(c, "Out of memory");
    return;
  }
  reed_strlcpy(c->pend->oper_name, m->params[0], sizeof(c->pend->oper_name));
  rc = reed_portal_login_password(c->env->portal, m->params[0], m->params[1],
                                  strlen(m->params[1]), peer ? peer->ip : NULL,
                                  cb, c, c->env->conn_id);
  reed__irc_portal_end(c, rc == 0);
  if (rc < 0)
    oper_answer(c, rc, "");
}

void
reed__irc_cmd_kill(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  int rc;

  if (!reed_session_is_oper(c->session)) {
    reed__irc_num(c, ERR_NOPRIVILEGES,
                  ":Permission Denied- You're not an IRC operator");
    return;
  }
  rc = reed_session_kill(c->session, m->params[0], m->params[1]);
  if (rc == 0)
    reed_audit(c->env->log, "KILL %.64s by %s: %.200s", m->params[0],
               reed__irc_nick(c), m->params[1]);
  if (rc < 0)
    reed__irc_reply_err(c, rc, IRC_CTX_ANY, m->params[0], NULL);
}

/* CHGHOST <nick> <host> (an oper's, as in InspIRCd): the host every session
 * of that person shows; clients with the chghost cap see CHGHOST. */
void
reed__irc_cmd_chghost(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  int rc;

  if (!reed_session_is_oper(c->session)) {
    reed__irc_num(c, ERR_NOPRIVILEGES,
                  ":Permission Denied- You're not an IRC operator");
    return;
  }
  rc = reed_session_chghost(c->session, m->params[0], m->params[1]);
  if (rc == REED_EINVAL)
    reed__irc_send(c, ":%s FAIL CHGHOST INVALID_HOST %.64s :Invalid host",
                   IRC_SERVER(c), m->params[1]);
  else if (rc < 0)
    reed__irc_reply_err(c, rc, IRC_CTX_ANY, m->params[0], NULL);
  else {
    reed_audit(c->env->log, "CHGHOST %.64s %.64s by %s", m->params[0],
               m->params[1], reed__irc_nick(c));
    reed__irc_send(c, ":%s NOTICE %s :%.64s now shows the host %.64s",
                   IRC_SERVER(c), reed__irc_nick(c), m->params[0],
                   m->params[1]);
  }
}

/* WALLOPS :text (an oper's): to every user with mode +w, in any protocol
 * that shows announcements, and back to the sender. */
void
reed__irc_cmd_wallops(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  int rc;

  if (!reed_session_is_oper(c->session)) {
    reed__irc_num(c, ERR_NOPRIVILEGES,
                  ":Permission Denied- You're not an IRC operator");
    return;
  }
  rc = reed_model_announce(c->session, m->params[0]);
  if (rc < 0)
    reed__irc_send(c, ":%s FAIL WALLOPS INVALID_TEXT :%s", IRC_SERVER(c),
                   reed_strerror(rc));
}
