/* Server bans on IRC: the refusal (465 ERR_YOUREBANNEDCREEP, then ERROR
 * with the reason) at connection, at registration and at login, and the
 * operators' UBAN command (ergo's forms):
 *   UBAN ADD <ip|cidr|nick!user@host|account> [DURATION <dur>] [reason...]
 *   UBAN DEL <target>
 *   UBAN LIST
 * The store keeps the ban (a running server shares it with `reed ban`);
 * the model removes the sessions it matches, on every protocol. */
#include "irc_int.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void
refuse(reed_irc_core_t *c, const reed_sban_view_t *v, const char *ip)
{
  char why[REED_REASON_MAX + 16];

  snprintf(why, sizeof(why), "Banned: %s",
           v->reason[0] != '\0' ? v->reason : "no reason given");
  reed_log(c->env->log, REED_LOG_INFO, "irc: refused %s: banned (%s)", ip,
           v->target);
  reed__irc_num(c, ERR_YOUREBANNEDCREEP, ":You are banned from this server: %s",
                v->reason[0] != '\0' ? v->reason : "no reason given");
  reed__irc_close(c, why);
}

bool
reed__irc_refuse_banned_ip(reed_irc_core_t *c)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  reed_sban_view_t v;

  if (peer == NULL ||
      !reed_model_sban_find(c->env->model, &(reed_sban_who_t){.ip = peer->ip},
                            &v))
    return false;
  refuse(c, &v, peer->ip);
  return true;
}

bool
reed__irc_refuse_banned(reed_irc_core_t *c)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  reed_sban_view_t v;

  if (c->session == NULL || !reed_session_sban(c->session, &v))
    return false;
  refuse(c, &v, peer != NULL ? peer->ip : "?");
  return true;
}

static void
notice(reed_irc_core_t *c, const char *text)
{
  reed__irc_send(c, ":%s NOTICE %s :%s", IRC_SERVER(c), reed__irc_nick(c),
                 text);
}

static void
fail(reed_irc_core_t *c, const char *code, const char *target, const char *text)
{
  reed__irc_send(c, ":%s FAIL UBAN %s %.64s :%s", IRC_SERVER(c), code,
                 target != NULL ? target : "*", text);
}

void
reed__irc_ban_expiry(const reed_sban_view_t *b, char *out, size_t size)
{
  time_t t = (time_t)(b->expires_ms / 1000);
  struct tm tm;

  if (b->expires_ms == 0 || gmtime_r(&t, &tm) == NULL)
    snprintf(out, size, "never");
  else
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
describe(const reed_sban_view_t *b, char *out, size_t size)
{
  char exp[32];

  reed__irc_ban_expiry(b, exp, sizeof(exp));
  snprintf(out, size, "%s (set by %s, expires %s): %s", b->target, b->setter,
           exp, b->reason[0] != '\0' ? b->reason : "no reason given");
}

/* The words from params[i] on, joined by spaces. */
static void
join_params(const reed_irc_msg_t *m, size_t i, char *out, size_t size)
{
  size_t len = 0;

  out[0] = '\0';
  for (; i < m->n_params && len + 1 < size; i++) {
    int n =
        snprintf(out + len, size - len, "%s%s", len ? " " : "", m->params[i]);
    if (n < 0)
      break;
    len += (size_t)n;
    if (len >= size)
      len = size - 1;
  }
}

static void
uban_add(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char canon[REED_SBAN_TARGET_MAX + 1], reason[REED_REASON_MAX + 1];
  char line[REED_REASON_MAX + 128];
  uint64_t dur = 0, now = c->clock->wall_ms(c->clock->c);
  size_t next = 2;
  int kind, rc;
  reed_sban_view_t ban;

  if (m->n_params < 2) {
    reed__irc_num(c, ERR_NEEDMOREPARAMS, "UBAN :Not enough parameters");
    return;
  }
  if (reed_sban_parse(m->params[1], &kind, canon, sizeof(canon)) != 0) {
    fail(c, "INVALID_TARGET", m->params[1],
         "Not an address, CIDR block, nick!user@host mask or account");
    return;
  }
  if (m->n_params >= 4 && reed_casecmp(m->params[2], "DURATION") == 0) {
    if (reed_sban_duration_parse(m->params[3], &dur) != 0) {
      fail(c, "INVALID_DURATION", m->params[3],
           "Durations look like 30m, 1h30m or 7d");
      return;
    }
    next = 4;
  }
  join_params(m, next, reason, sizeof(reason));
  ban = (reed_sban_view_t){.target = canon,
                           .reason = reason,
                           .setter = reed__irc_nick(c),
                           .set_ms = now,
                           .expires_ms = dur ? now + dur : 0};
  rc = c->env->store != NULL ? reed_store_ban_add(c->env->store, &ban) : 0;
  if (rc != 0) {
    fail(c, "TEMPORARILY_UNAVAILABLE", canon, reed_strerror(rc));
    return;
  }
  memcpy(line, "Ban added on ", 13);
  describe(&ban, line + 13, sizeof(line) - 13);
  reed_audit(c->env->log, "UBAN ADD by %s: %s", reed__irc_nick(c), line + 13);
  /* This may remove the oper's own session too (a ban on oneself); the
   * notice then has nobody to go to. */
  rc = reed_model_sban_add(c->env->model, &ban);
  if (rc != 0) {
    if (c->env->store != NULL)
      reed_store_ban_del(c->env->store, canon);
    fail(c, rc == REED_EINVAL ? "INVALID_REASON" : "TEMPORARILY_UNAVAILABLE",
         canon, reed_strerror(rc));
    return;
  }
  if (c->session != NULL)
    notice(c, line);
}

static void
uban_del(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char canon[REED_SBAN_TARGET_MAX + 1];
  int kind, rc;

  if (m->n_params < 2) {
    reed__irc_num(c, ERR_NEEDMOREPARAMS, "UBAN :Not enough parameters");
    return;
  }
  if (reed_sban_parse(m->params[1], &kind, canon, sizeof(canon)) != 0) {
    fail(c, "INVALID_TARGET", m->params[1],
         "Not an address, CIDR block, nick!user@host mask or account");
    return;
  }
  rc = c->env->store != NULL ? reed_store_ban_del(c->env->store, canon)
                             : REED_ENOTFOUND;
  if (rc != 0 && rc != REED_ENOTFOUND) {
    fail(c, "TEMPORARILY_UNAVAILABLE", canon, reed_strerror(rc));
    return;
  }
  /* Gone from the model too; one that only either had is lifted. */
  if (reed_model_sban_del(c->env->model, canon) != 0 && rc == REED_ENOTFOUND) {
    fail(c, "NO_SUCH_BAN", canon, "No such ban");
    return;
  }
  reed__irc_send(c, ":%s NOTICE %s :Ban removed on %s", IRC_SERVER(c),
                 reed__irc_nick(c), canon);
  reed_audit(c->env->log, "UBAN DEL by %s: %s", reed__irc_nick(c), canon);
}

typedef struct {
  reed_irc_core_t *c;
  size_t n;
} list_ctx_t;

static void
list_one(void *ud, const reed_sban_view_t *b)
{
  list_ctx_t *l = ud;
  char line[REED_REASON_MAX + 128];

  describe(b, line, sizeof(line));
  notice(l->c, line);
  l->n++;
}

static void
uban_list(reed_irc_core_t *c)
{
  list_ctx_t l = {.c = c};

  reed_model_sban_each(c->env->model, list_one, &l);
  reed__irc_send(c, ":%s NOTICE %s :End of ban list (%zu)", IRC_SERVER(c),
                 reed__irc_nick(c), l.n);
}

void
reed__irc_cmd_uban(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  if (!reed_session_is_oper(c->session)) {
    reed__irc_num(c, ERR_NOPRIVILEGES,
                  ":Permission Denied- You're not an IRC operator");
    return;
  }
  if (reed_casecmp(m->params[0], "ADD") == 0)
    uban_add(c, m);
  else if (reed_casecmp(m->params[0], "DEL") == 0)
    uban_del(c, m);
  else if (reed_casecmp(m->params[0], "LIST") == 0)
    uban_list(c);
  else
    fail(c, "UNKNOWN_COMMAND", m->params[0], "Say UBAN ADD, DEL or LIST");
}
