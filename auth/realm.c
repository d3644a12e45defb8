/* The realm: the avatar of a successful login is the canonical account
 * name, and the model must know it before the protocol binds a session to
 * it (reed_session_login). An account added by the command line while the
 * server runs reaches the model here, at its first login. */
#include "portal_int.h"

#include "model.h"

bool
reed__portal_model_has(reed_portal_t *p, const char *name)
{
  return p->model != NULL && reed_model_account_exists(p->model, name);
}

void
reed__portal_realm(reed_portal_t *p, const char *account)
{
  int rc;

  if (p->model == NULL || reed_model_account_exists(p->model, account))
    return;
  rc = reed_model_account_add(p->model, account);
  if (rc != 0 && rc != REED_EACCOUNTEXISTS && p->log != NULL)
    reed_log(p->log, REED_LOG_WARN, "auth: cannot add account %s: %s", account,
             reed_strerror(rc));
}
