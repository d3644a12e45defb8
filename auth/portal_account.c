/* Accounts: registration and password changes through the portal (hashed
 * on the worker, stored on the loop, where the store commits at once), and
 * the synchronous variants the command line uses (it has no loop). */
#include "portal_int.h"
#include "model.h"

#include <string.h>

static void
new_salts(reed_portal_t *p, reed__job_t *j)
{
  reed__portal_random(p, j->salt256, sizeof(j->salt256));
  reed__portal_random(p, j->salt1, sizeof(j->salt1));
}

int
reed_portal_register(reed_portal_t *p, const char *name, const char *password,
                     size_t len, const char *email, const char *ip,
                     reed_portal_cb cb, void *ud, uint64_t req_id)
{
  reed_creds_t old;
  reed__job_t *j;
  int rc;

  if (!p->registration_open)
    return REED_EREGCLOSED;
  if (name == NULL || !reed_account_valid(name))
    return REED_EBADACCOUNT;
  if (reed_auth_password_valid(password, len) != 0 || cb == NULL ||
      reed__auth_email(email, &email) != 0)
    return REED_EINVAL;
  if (reed_auth_password_policy(password, len, p->password_min) != 0)
    return REED_EWEAKPASSWORD;
  rc = p->creds.get(p->creds.ud, name, &old);
  if (rc == 0 || reed__portal_model_has(p, name))
    return REED_EACCOUNTEXISTS;
  if (rc != REED_ENOACCOUNT)
    return rc;
  if ((rc = reed__portal_reg_admit(p, ip)) != 0)
    return rc; /* before any hashing: that is what it saves */
  j = reed__portal_job_new(p, REED__JOB_REGISTER, name, password, len, cb, ud,
                           req_id);
  if (j == NULL)
    return REED_ENOMEM;
  if (email != NULL && (j->email = reed_strdup(email)) == NULL) {
    reed__portal_job_free(j);
    return REED_ENOMEM;
  }
  new_salts(p, j);
  return reed__portal_job_submit(p, j);
}

int
reed_portal_passwd(reed_portal_t *p, const char *name, const char *password,
                   size_t len, reed_portal_cb cb, void *ud, uint64_t req_id)
{
  reed_creds_t old;
  reed__job_t *j;
  int rc;

  if (name == NULL || reed_auth_password_valid(password, len) != 0 ||
      cb == NULL)
    return REED_EINVAL;
  if (reed_auth_password_policy(password, len, p->password_min) != 0)
    return REED_EWEAKPASSWORD;
  rc = p->creds.get(p->creds.ud, name, &old);
  if (rc != 0)
    return rc;
  j = reed__portal_job_new(p, REED__JOB_PASSWD, old.account, password, len, cb,
                           ud, req_id);
  if (j == NULL)
    return REED_ENOMEM;
  new_salts(p, j);
  return reed__portal_job_submit(p, j);
}

/* Stores what the worker computed; returns 0 or the store's code. */
static int
store_creds(reed_portal_t *p, reed__job_t *j)
{
  int rc;

  if (j->kind == REED__JOB_PASSWD)
    return p->creds.set != NULL ? p->creds.set(p->creds.ud, &j->creds)
                                : REED_EINVAL;
  rc = p->creds.create != NULL
           ? p->creds.create(p->creds.ud, &j->creds, j->email)
           : REED_EINVAL;
  if (rc == 0)
    reed__portal_realm(p, j->creds.account);
  return rc;
}

void
reed__portal_account_done(reed__job_t *j)
{
  reed_portal_t *p = j->portal;
  int rc = j->rc;

  if (rc == 0)
    rc = store_creds(p, j);
  if (rc == 0 && j->kind == REED__JOB_REGISTER)
    p->stats.registrations++;
  if (p->log != NULL && rc == 0)
    reed_log(p->log, REED_LOG_INFO, "auth: account %s %s", j->creds.account,
             j->kind == REED__JOB_REGISTER ? "registered" : "password changed");
  j->cb(j->ud, j->req_id, rc, rc == 0 ? j->creds.account : NULL);
}

/* ---- Synchronous variants for the command line ---------------------------
 */
static int
make_creds(const char *name, const char *password, size_t len, int level,
           reed_creds_t *c)
{
  uint8_t salt256[REED_SCRAM_SALT_LEN], salt1[REED_SCRAM_SALT_LEN];

  reed__auth_random(NULL, NULL, salt256, sizeof(salt256));
  reed__auth_random(NULL, NULL, salt1, sizeof(salt1));
  return reed_auth_creds_make(name, password, len, level, salt256, salt1, c);
}

int
reed_auth_account_add_src(const reed_credsrc_t *src, const char *name,
                          const char *password, size_t len, int level)
{
  reed_creds_t c;
  int rc;

  if (name == NULL || !reed_account_valid(name))
    return REED_EBADACCOUNT;
  if (reed_auth_password_valid(password, len) != 0)
    return REED_EINVAL;
  rc = src->get(src->ud, name, &c);
  if (rc == 0)
    return REED_EACCOUNTEXISTS;
  if (rc != REED_ENOACCOUNT)
    return rc;
  rc = make_creds(name, password, len, level, &c);
  if (rc == 0)
    rc = src->create(src->ud, &c, NULL);
  memset(&c, 0, sizeof(c));
  return rc;
}

int
reed_auth_account_passwd_src(const reed_credsrc_t *src, const char *name,
                             const char *password, size_t len, int level)
{
  reed_creds_t c;
  int rc;

  if (name == NULL)
    return REED_EINVAL;
  if (reed_auth_password_valid(password, len) != 0)
    return REED_EINVAL;
  rc = src->get(src->ud, name, &c);
  if (rc != 0)
    return rc;
  rc = make_creds(c.account, password, len, level, &c);
  if (rc == 0)
    rc = src->set(src->ud, &c);
  memset(&c, 0, sizeof(c));
  return rc;
}

int
reed_auth_account_del_src(const reed_credsrc_t *src, const char *name)
{
  if (name == NULL || *name == '\0')
    return REED_ENOACCOUNT;
  return src->del(src->ud, name);
}

/* A certificate command's arguments: the fingerprint normalized into
 * norm, and an account name. 0, REED_EINVAL or REED_ENOACCOUNT. */
static int
cert_args(const char *name, const char *fp, char norm[REED_CERT_FP_LEN + 1])
{
  if (reed_auth_cert_fp_normalize(fp, norm) != 0)
    return REED_EINVAL;
  if (name == NULL || *name == '\0')
    return REED_ENOACCOUNT;
  return 0;
}

int
reed_auth_cert_add_src(const reed_credsrc_t *src, const char *name,
                       const char *fp)
{
  char norm[REED_CERT_FP_LEN + 1];
  int rc = cert_args(name, fp, norm);

  return rc != 0 ? rc : src->cert_add(src->ud, name, norm);
}

int
reed_auth_cert_del_src(const reed_credsrc_t *src, const char *name,
                       const char *fp)
{
  char norm[REED_CERT_FP_LEN + 1];
  int rc = cert_args(name, fp, norm);

  return rc != 0 ? rc : src->cert_del(src->ud, name, norm);
}
