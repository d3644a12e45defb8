/* Operator commands on AMP (docs/amp.md, "Operator commands"): a Login to
 * an operator account (`reed account oper add`) makes the session a server
 * operator, as IRC's OPER with that account's password does (AMP's Login
 * always carries the password); then Kill ends a person's sessions and
 * ServerBan, ServerUnban and ServerBans manage the server bans, through
 * the model's reed_session_kill and reed_model_sban_* and the store, as
 * IRC's KILL and UBAN do. Every grant and action is an audit line. */
#include "amp_int.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static const char *
peer_ip(const reed_amp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *p = t->peer ? t->peer(t->t) : NULL;

  return p ? p->ip : "?";
}

bool
reed__amp_oper_login(reed_amp_core_t *c, reed_session_t *s, const char *account)
{
  if (c->env->store == NULL || reed_store_oper_is(c->env->store, account) != 1)
    return false;
  reed_session_set_oper(s, true);
  reed_audit(c->env->log,
             "OPER %s by %s (conn %llu %s): success (operator account, AMP "
             "Login)",
             account, reed_session_nick(s), (unsigned long long)c->env->conn_id,
             peer_ip(c));
  return true;
}

/* FORBIDDEN for a session that is not an operator. */
static bool
need_oper(reed_amp_core_t *c)
{
  if (reed_session_is_oper(c->session))
    return true;
  reed__amp_error(c, "FORBIDDEN", "you are not a server operator");
  return false;
}

/* ---- Kill ---------------------------------------------------------------- */

void
reed__amp_cmd_kill(reed_amp_core_t *c, const amp_argv_t *a)
{
  const char *reason = a->set[1] ? a->s[1] : "no reason given";
  char by[REED_NICK_MAX + 1];
  int rc;

  if (!need_oper(c))
    return;
  /* Killing oneself frees the session: keep the name for the audit. */
  reed_strlcpy(by, reed_session_nick(c->session), sizeof(by));
  rc = reed_session_kill(c->session, a->s[0], reason);
  if (rc < 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  reed_audit(c->env->log, "KILL %.64s by %s: %.200s", a->s[0], by, reason);
  reed__amp_answer_empty(c); /* nothing when it was oneself: closed */
}

/* ---- ServerBan, ServerUnban, ServerBans ---------------------------------- */

/* The canonical form of `in`, or false after answering BAD_REQUEST. */
static bool
parse_target(reed_amp_core_t *c, const char *in, int *kind, char *canon,
             size_t size)
{
  if (reed_sban_parse(in, kind, canon, size) == 0)
    return true;
  reed__amp_error(c, "BAD_REQUEST",
                  "not an address, CIDR block, nick!user@host mask or "
                  "account name");
  return false;
}

void
reed__amp_cmd_server_ban(reed_amp_core_t *c, const amp_argv_t *a)
{
  char canon[REED_SBAN_TARGET_MAX + 1], by[REED_NICK_MAX + 1];
  uint64_t dur = 0, now = c->env->clock->wall_ms(c->env->clock->c);
  const char *reason = a->set[1] ? a->s[1] : "";
  reed_sban_view_t ban;
  reed_amp_enc_t e;
  int kind, rc;

  if (!need_oper(c) || !parse_target(c, a->s[0], &kind, canon, sizeof(canon)))
    return;
  if (a->set[2] && reed_sban_duration_parse(a->s[2], &dur) != 0) {
    reed__amp_error(c, "BAD_REQUEST", "durations look like 30m, 1h30m or 7d");
    return;
  }
  reed_strlcpy(by, reed_session_nick(c->session), sizeof(by));
  ban = (reed_sban_view_t){.kind = kind,
                           .target = canon,
                           .reason = reason,
                           .setter = by,
                           .set_ms = now,
                           .expires_ms = dur ? now + dur : 0};
  /* Stored first, as UBAN does: a running server shares it with
   * `reed ban`, and it outlives a restart. */
  rc = c->env->store != NULL ? reed_store_ban_add(c->env->store, &ban) : 0;
  if (rc < 0) {
    reed__amp_error(c, "UNAVAILABLE", reed_strerror(rc));
    return;
  }
  /* This may end the caller's own session (a ban on oneself): the Closing
   * box then stands for the answer, as IRC's notice goes nowhere. */
  rc = reed_model_sban_add(c->env->model, &ban);
  if (rc < 0) {
    if (c->env->store != NULL)
      reed_store_ban_del(c->env->store, canon);
    reed__amp_error_code(c, rc);
    return;
  }
  reed_audit(c->env->log, "ServerBan %s (%s) by %s: %s", canon,
             reed_sban_kind_name(kind), by,
             reason[0] != '\0' ? reason : "no reason given");
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "target", canon);
  reed_amp_enc_str(&e, "kind", reed_sban_kind_name(kind));
  if (ban.expires_ms != 0)
    reed_amp_enc_time(&e, "expires", (int64_t)ban.expires_ms * 1000);
  reed__amp_answer(c, &e);
}

void
reed__amp_cmd_server_unban(reed_amp_core_t *c, const amp_argv_t *a)
{
  char canon[REED_SBAN_TARGET_MAX + 1];
  int kind, rc;

  if (!need_oper(c) || !parse_target(c, a->s[0], &kind, canon, sizeof(canon)))
    return;
  rc = c->env->store != NULL ? reed_store_ban_del(c->env->store, canon)
                             : REED_ENOTFOUND;
  if (rc < 0 && rc != REED_ENOTFOUND) {
    reed__amp_error(c, "UNAVAILABLE", reed_strerror(rc));
    return;
  }
  /* Gone from the model too; one that only either had is lifted. */
  if (reed_model_sban_del(c->env->model, canon) != 0 && rc == REED_ENOTFOUND) {
    reed__amp_error(c, "NO_SUCH_BAN", "no such server ban");
    return;
  }
  reed_audit(c->env->log, "ServerUnban %s by %s", canon,
             reed_session_nick(c->session));
  reed__amp_answer_empty(c);
}

typedef struct {
  reed_buf_t *list;
  bool more;
  int err;
} bans_acc_t;

static void
add_ban(void *ud, const reed_sban_view_t *b)
{
  bans_acc_t *acc = ud;
  reed_amp_enc_t e;
  int rc;

  if (acc->more || acc->err)
    return;
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "target", b->target);
  reed_amp_enc_str(&e, "kind", reed_sban_kind_name(b->kind));
  reed_amp_enc_str(&e, "reason", b->reason);
  reed_amp_enc_str(&e, "setter", b->setter);
  reed_amp_enc_time(&e, "set", (int64_t)b->set_ms * 1000);
  if (b->expires_ms != 0)
    reed_amp_enc_time(&e, "expires", (int64_t)b->expires_ms * 1000);
  rc = reed_amp_amplist_add(&acc->list, &e);
  if (rc == REED_ETOOBIG)
    acc->more = true;
  else if (rc < 0)
    acc->err = rc;
}

void
reed__amp_cmd_server_bans(reed_amp_core_t *c, const amp_argv_t *a)
{
  bans_acc_t acc = {0};
  reed_amp_enc_t e;

  REED_UNUSED(a);
  if (!need_oper(c))
    return;
  reed_model_sban_each(c->env->model, add_ban, &acc);
  if (acc.err) {
    if (acc.list)
      reed_buf_unref(acc.list);
    reed__amp_error_code(c, acc.err);
    return;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "bans", acc.list ? acc.list->data : NULL,
                   acc.list ? acc.list->len : 0);
  reed_amp_enc_bool(&e, "more", acc.more);
  if (acc.list)
    reed_buf_unref(acc.list);
  reed__amp_answer(c, &e);
}
