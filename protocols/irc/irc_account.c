/* Accounts from IRC: draft/account-registration's REGISTER, and NickServ's
 * REGISTER and IDENTIFY as a convenience for clients without SASL. Both go
 * through the portal (argon2id on the worker); input waits meanwhile. */
#include "irc_int.h"

#include "auth.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void
reg_fail(reed_irc_core_t *c, const char *code, const char *account,
         const char *text)
{
  reed__irc_send(c, ":%s FAIL REGISTER %s %s :%s", IRC_SERVER(c), code, account,
                 text);
}

static const char *
reg_code(int err)
{
  switch (err) {
  case REED_EACCOUNTEXISTS:
    return "ACCOUNT_EXISTS";
  case REED_EBADACCOUNT:
    return "BAD_ACCOUNT_NAME";
  case REED_EREGCLOSED:
    return "DISALLOWED";
  case REED_EINVAL:
  case REED_EWEAKPASSWORD:
    return "UNACCEPTABLE_PASSWORD";
  default:
    return "TEMPORARILY_UNAVAILABLE";
  }
}

/* The text of a failed registration; a short password names the
 * minimum ([server] password_min). */
static const char *
reg_text(reed_irc_core_t *c, int status, char *buf, size_t n)
{
  if (status != REED_EWEAKPASSWORD || c->env->portal == NULL)
    return reed_strerror(status);
  snprintf(buf, n, "Password too short: at least %zu characters",
           reed_portal_password_min(c->env->portal));
  return buf;
}

static void
register_answer(reed_irc_core_t *c, int status, const char *account)
{
  char buf[80];

  if (status != 0 || (c->state & IRC_ST_CLOSED)) {
    reg_fail(c, reg_code(status), account[0] ? account : "*",
             reg_text(c, status, buf, sizeof(buf)));
    return;
  }
  reed__irc_send(c, ":%s REGISTER SUCCESS %s :Account created", IRC_SERVER(c),
                 account);
  reed__irc_bind_account(c, account);
}

/* Starts a registration; `answer` gets the result. */
static void
start_register(reed_irc_core_t *c, const char *account, const char *email,
               const char *password, reed_irc_auth_fn answer)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  reed_irc_portal_cb cb = reed__irc_portal_begin(c, answer);
  int rc = cb == NULL ? REED_ENOMEM
                      : reed_portal_register(c->env->portal, account, password,
                                             strlen(password), email,
                                             peer ? peer->ip : NULL, cb, c,
                                             c->env->conn_id);

  if (cb != NULL)
    reed__irc_portal_end(c, rc == 0);
  if (rc < 0)
    answer(c, rc, account);
}

/* Why REGISTER cannot go ahead, or NULL. `account` is the name asked for
 * (already "*"-resolved). */
static const char *
register_refusal(reed_irc_core_t *c, const char *account, const char *email,
                 const char **text)
{
  const char *nick = reed__irc_own_nick(c);
  reed_person_view_t pv;

  *text = "";
  if (c->env->portal == NULL)
    return *text = "No accounts here", "TEMPORARILY_UNAVAILABLE";
  if (c->session != NULL && reed_session_account(c->session) != NULL)
    return *text = "You are logged in", "ALREADY_AUTHENTICATED";
  if (!(c->state & IRC_ST_REG) && !IRC_CONF(c)->register_before_connect)
    return *text = "Finish connecting first", "COMPLETE_CONNECTION_REQUIRED";
  if (account[0] == '\0')
    return *text = "Choose a nick first", "BAD_ACCOUNT_NAME";
  if (nick != NULL && reed_casecmp(account, nick) != 0)
    return *text = "The account name must be your nick",
           "ACCOUNT_NAME_MUST_BE_NICK";
  /* No land grabs: a nick someone else is using is not for the taking. */
  if (reed_model_find_nick(c->env->model, account, &pv) == 0 &&
      (c->session == NULL || pv.who.session_id != reed_session_id(c->session)))
    return *text = "That name is in use", "ACCOUNT_EXISTS";
  if (IRC_CONF(c)->register_requires_email && strcmp(email, "*") == 0)
    return *text = "An email address is required", "INVALID_EMAIL";
  if (strcmp(email, "*") != 0 && !reed_store_email_valid(email))
    return *text = "That is not an email address", "INVALID_EMAIL";
  return NULL;
}

void
reed__irc_cmd_register(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *account = m->params[0], *email = m->params[1], *text;
  const char *code;

  if (strcmp(account, "*") == 0) {
    account = reed__irc_own_nick(c);
    if (account == NULL)
      account = c->pend != NULL ? c->pend->nick_tried : "";
  }
  code = register_refusal(c, account, email, &text);
  if (code != NULL) {
    reg_fail(c, code, account[0] ? account : "*", text);
    return;
  }
  start_register(c, account, strcmp(email, "*") == 0 ? NULL : email,
                 m->params[2], register_answer);
}

/* ---- NickServ --------------------------------------------------------------
 */

static void
ns_notice(reed_irc_core_t *c, const char *text)
{
  reed__irc_send(c, ":NickServ!NickServ@services.%s NOTICE %s :%s",
                 IRC_SERVER(c), reed__irc_nick(c), text);
}

static void
ns_register_answer(reed_irc_core_t *c, int status, const char *account)
{
  char buf[80];

  if (status != 0 || (c->state & IRC_ST_CLOSED)) {
    ns_notice(c, reg_text(c, status, buf, sizeof(buf)));
    return;
  }
  ns_notice(c, "Account created");
  reed__irc_bind_account(c, account);
}

static void
ns_identify_answer(reed_irc_core_t *c, int status, const char *account)
{
  if (status != 0 || (c->state & IRC_ST_CLOSED) || account[0] == '\0') {
    ns_notice(c, "Invalid account credentials");
    return;
  }
  ns_notice(c, "You are now identified");
  reed__irc_bind_account(c, account);
}

static void
ns_identify(reed_irc_core_t *c, const char *account, const char *password)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  reed_irc_portal_cb cb = reed__irc_portal_begin(c, ns_identify_answer);
  int rc = cb == NULL ? REED_ENOMEM
                      : reed_portal_login_password(
                            c->env->portal, account, password, strlen(password),
                            peer ? peer->ip : NULL, cb, c, c->env->conn_id);

  if (cb != NULL)
    reed__irc_portal_end(c, rc == 0);
  if (rc < 0)
    ns_identify_answer(c, rc, "");
}

/* "REGISTER password [email]" or "IDENTIFY [account] password". */
static void
ns_command(reed_irc_core_t *c, char *text)
{
  char *save = NULL, *cmd = strtok_r(text, " ", &save);
  char *a1 = strtok_r(NULL, " ", &save), *a2 = strtok_r(NULL, " ", &save);
  const char *nick = reed__irc_own_nick(c);

  if (cmd == NULL || a1 == NULL || nick == NULL) {
    ns_notice(c, "Commands: REGISTER <password> [email], IDENTIFY "
                 "[account] <password>");
  } else if (c->env->portal == NULL) {
    ns_notice(c, "No accounts here");
  } else if (c->session != NULL && reed_session_account(c->session)) {
    ns_notice(c, "You are already logged in");
  } else if (strcasecmp(cmd, "REGISTER") == 0) {
    start_register(c, nick, a2, a1, ns_register_answer);
  } else if (strcasecmp(cmd, "IDENTIFY") == 0) {
    ns_identify(c, a2 ? a1 : nick, a2 ? a2 : a1);
  } else {
    ns_notice(c, "Unknown command");
  }
}

bool
reed__irc_nickserv(reed_irc_core_t *c, const char *target, const char *text)
{
  char buf[REED_IRC_LINE_MAX];

  if (strcasecmp(target, "NickServ") != 0 ||
      reed_model_find_nick(c->env->model, "NickServ",
                           &(reed_person_view_t){0}) == 0)
    return false;
  reed_strlcpy(buf, text, sizeof(buf));
  ns_command(c, buf);
  return true;
}
