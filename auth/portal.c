/* The portal (twisted.cred): credentials -> checker -> realm -> avatar.
 * The checker reads the credential source (the store); the argon2id
 * verify runs on the worker and its result comes back on the loop; the
 * realm hands back the canonical account name. Failed logins are
 * throttled (portal_throttle.c): a refused attempt is answered at once, a
 * slowed one waits on the clock before its hash runs. An unknown name runs
 * a dummy verify of the same cost, so neither the answer nor its timing
 * tells a wrong password from an unknown account. */
#include "portal_int.h"

#include <openssl/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
reed__portal_random(void *ud, uint8_t *buf, size_t n)
{
  reed_portal_t *p = ud;

  reed__auth_random(p->random, p->random_ud, buf, n);
}

uint64_t
reed__portal_now(const reed_portal_t *p)
{
  return p->clock->now_ms(p->clock->c);
}

/* An argon2id string with the level's parameters and random salt and
 * hash: verifying against it costs what a real verify costs and always
 * fails. */
static int
make_dummy(reed_portal_t *p, int level)
{
  uint8_t salt[16], hash[32];
  char s64[sodium_base64_ENCODED_LEN(
      16, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
  char h64[sodium_base64_ENCODED_LEN(
      32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
  int n;
  unsigned long long ops;
  size_t mem;

  if (reed__auth_limits(level, &ops, &mem) != 0)
    return REED_EINVAL;
  reed__portal_random(p, salt, sizeof(salt));
  reed__portal_random(p, hash, sizeof(hash));
  sodium_bin2base64(s64, sizeof(s64), salt, sizeof(salt),
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  sodium_bin2base64(h64, sizeof(h64), hash, sizeof(hash),
                    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  n = snprintf(p->dummy_hash, sizeof(p->dummy_hash),
               "$argon2id$v=19$m=%u,t=%u,p=1$%s$%s", (unsigned)(mem / 1024),
               (unsigned)ops, s64, h64);
  if (n < 0 || (size_t)n >= sizeof(p->dummy_hash))
    return REED_EINVAL;
  p->hash_level = level;
  return 0;
}

static int
check_opts(const reed_portal_opts_t *o)
{
  if (o == NULL || (o->store == NULL && o->creds == NULL) ||
      (o->creds != NULL && o->creds->get == NULL) || o->worker == NULL ||
      o->clock == NULL)
    return REED_EINVAL;
  if (o->hash_level < REED_AUTH_HASH_MIN ||
      o->hash_level > REED_AUTH_HASH_SENSITIVE)
    return REED_EINVAL;
  return 0;
}

int
reed_portal_new(const reed_portal_opts_t *o, reed_portal_t **out)
{
  reed_portal_t *p;
  int rc;

  *out = NULL;
  if ((rc = check_opts(o)) != 0)
    return rc;
  p = reed_calloc(1, sizeof(*p));
  if (p == NULL)
    return REED_ENOMEM;
  if (o->creds != NULL)
    p->creds = *o->creds;
  else
    reed_auth_store_credsrc(o->store, &p->creds);
  p->worker = o->worker;
  p->clock = o->clock;
  p->log = o->log;
  p->model = o->model;
  p->registration_open = o->registration_open;
  p->password_min = o->password_min;
  p->random = o->random;
  p->random_ud = o->random_ud;
  p->tf = o->throttle;
  if ((rc = reed__portal_throttle_new(p)) != 0)
    goto fail;
  if ((rc = reed__portal_reg_new(p, &o->registration)) != 0) {
    reed__portal_throttle_free(p);
    goto fail;
  }
  reed__portal_random(p, p->secret, sizeof(p->secret));
  make_dummy(p, o->hash_level);
  *out = p;
  return 0;
fail:
  reed_free(p);
  return rc;
}

void
reed_portal_free(reed_portal_t *p)
{
  if (p == NULL)
    return;
  /* Jobs still on the worker free themselves when they come back; those
   * waiting on the clock go now. */
  for (reed__job_t *j = p->jobs, *next; j != NULL; j = next) {
    next = j->next;
    if (j->timer != 0) {
      p->clock->cancel(p->clock->c, j->timer);
      reed__portal_job_free(j);
    } else {
      j->portal = NULL;
    }
  }
  reed__portal_throttle_free(p);
  reed__portal_reg_free(p);
  OPENSSL_cleanse(p->secret, sizeof(p->secret));
  reed_free(p);
}

void
reed_portal_random(reed_portal_t *p, uint8_t *buf, size_t n)
{
  reed__portal_random(p, buf, n);
}

void
reed_portal_set_registration(reed_portal_t *p, bool open)
{
  p->registration_open = open;
}

void
reed_portal_set_password_min(reed_portal_t *p, size_t min)
{
  p->password_min = min;
}

size_t
reed_portal_password_min(const reed_portal_t *p)
{
  return p->password_min;
}

void
reed_portal_set_hash_level(reed_portal_t *p, int level)
{
  make_dummy(p, level);
}

size_t
reed_portal_pending(const reed_portal_t *p)
{
  return p->n_jobs;
}

/* ---- Counters ----------------------------------------------------------- */
void
reed__portal_count(reed_portal_t *p, int method, int result)
{
  if (method >= 0 && method < REED_PORTAL_METHODS && result >= 0 &&
      result < REED_LOGIN_RESULTS)
    p->stats.logins[method][result]++;
}

void
reed_portal_stats(const reed_portal_t *p, reed_portal_stats_t *out)
{
  *out = p->stats;
}

const char *
reed_portal_method_name(int method)
{
  if (method == REED_PORTAL_METHOD_PASSWORD)
    return "password";
  return reed_sasl_mech_name((reed_sasl_mech_t)method);
}

/* ---- Jobs ------------------------------------------------------------------
 */
reed__job_t *
reed__portal_job_new(reed_portal_t *p, reed__job_kind_t kind, const char *name,
                     const char *password, size_t len, reed_portal_cb cb,
                     void *ud, uint64_t req_id)
{
  reed__job_t *j = reed_calloc(1, sizeof(*j));

  if (j == NULL)
    return NULL;
  j->password = reed_malloc(len + 1);
  if (j->password == NULL) {
    reed_free(j);
    return NULL;
  }
  memcpy(j->password, password, len);
  j->password[len] = '\0';
  j->password_len = len;
  j->kind = kind;
  j->portal = p;
  j->cb = cb;
  j->ud = ud;
  j->req_id = req_id;
  j->level = p->hash_level;
  reed_strlcpy(j->name, name, sizeof(j->name));
  return j;
}

void
reed__portal_job_free(reed__job_t *j)
{
  if (j->password != NULL) {
    OPENSSL_cleanse(j->password, j->password_len);
    reed_free(j->password);
  }
  reed_free(j->email);
  OPENSSL_cleanse(j, sizeof(*j));
  reed_free(j);
}

/* On the worker: touches only the job. */
static void
job_work(void *arg)
{
  reed__job_t *j = arg;

  if (j->kind == REED__JOB_VERIFY)
    j->rc = reed_auth_pwverify(j->pwhash, j->password, j->password_len);
  else
    j->rc = reed_auth_creds_make(j->name, j->password, j->password_len,
                                 j->level, j->salt256, j->salt1, &j->creds);
  OPENSSL_cleanse(j->password, j->password_len);
}

static void
unlink_job(reed_portal_t *p, reed__job_t *j)
{
  if (j->prev != NULL)
    j->prev->next = j->next;
  else
    p->jobs = j->next;
  if (j->next != NULL)
    j->next->prev = j->prev;
  p->n_jobs--;
}

/* Drops every pending request with this id: one on the worker is marked
 * and dropped when it comes back, one on the clock goes now. */
void
reed_portal_cancel(reed_portal_t *p, uint64_t req_id)
{
  for (reed__job_t *j = p->jobs, *next; j != NULL; j = next) {
    next = j->next;
    if (j->req_id != req_id)
      continue;
    j->cancelled = true;
    if (j->timer != 0) {
      p->clock->cancel(p->clock->c, j->timer);
      unlink_job(p, j);
      reed__portal_job_free(j);
    }
  }
}

static void
verify_done(reed__job_t *j, int status)
{
  reed_portal_t *p = j->portal;

  /* The worker could not run the job (shutdown): no verdict, no count. */
  if (status != 0) {
    j->cb(j->ud, j->req_id, status, NULL);
    return;
  }
  if (j->rc == 0 && j->known) {
    reed__portal_count(p, j->method, REED_LOGIN_SUCCESS);
    reed__portal_succeeded(p, j->name, j->ip);
    reed__portal_realm(p, j->creds.account);
    j->cb(j->ud, j->req_id, 0, j->creds.account);
    return;
  }
  reed__portal_count(p, j->method, REED_LOGIN_FAILURE);
  reed__portal_failed(p, j->name, j->ip,
                      j->known ? "wrong password" : "unknown account");
  j->cb(j->ud, j->req_id, REED_EAUTH, NULL);
}

/* On the loop. */
static void
job_done(void *arg, int status)
{
  reed__job_t *j = arg;

  if (j->portal != NULL)
    unlink_job(j->portal, j);
  if (j->portal != NULL && !j->cancelled) {
    if (j->kind == REED__JOB_VERIFY) {
      verify_done(j, status);
    } else {
      if (status != 0)
        j->rc = status;
      reed__portal_account_done(j);
    }
  }
  reed__portal_job_free(j);
}

static void
link_job(reed_portal_t *p, reed__job_t *j)
{
  j->next = p->jobs;
  if (p->jobs != NULL)
    p->jobs->prev = j;
  p->jobs = j;
  p->n_jobs++;
}

int
reed__portal_job_submit(reed_portal_t *p, reed__job_t *j)
{
  int rc;

  link_job(p, j);
  rc = p->worker->submit(p->worker->w, job_work, job_done, j);
  if (rc != 0) {
    unlink_job(p, j);
    reed__portal_job_free(j);
  }
  return rc;
}

/* The clock says a slowed job's time has come. */
static void
job_due(void *arg)
{
  reed__job_t *j = arg;
  reed_portal_t *p = j->portal;
  int rc = 0;

  j->timer = 0;
  if (j->kind == REED__JOB_VERIFY &&
      (rc = p->worker->submit(p->worker->w, job_work, job_done, j)) == 0)
    return;
  unlink_job(p, j);
  if (j->kind == REED__JOB_ANSWER)
    j->cb(j->ud, j->req_id, j->rc, j->rc == 0 ? j->creds.account : NULL);
  else
    j->cb(j->ud, j->req_id, rc, NULL);
  reed__portal_job_free(j);
}

int
reed__portal_job_later(reed_portal_t *p, reed__job_t *j, uint64_t ms)
{
  link_job(p, j);
  j->timer = p->clock->call_later(p->clock->c, ms, job_due, j);
  if (j->timer == 0) {
    unlink_job(p, j);
    reed__portal_job_free(j);
    return REED_ENOMEM;
  }
  return 0;
}

/* ---- Username + password -------------------------------------------------
 */
int
reed_portal_login_password(reed_portal_t *p, const char *name,
                           const char *password, size_t len, const char *ip,
                           reed_portal_cb cb, void *ud, uint64_t req_id)
{
  return reed__portal_login_password(p, REED_PORTAL_METHOD_PASSWORD, name,
                                     password, len, ip, cb, ud, req_id);
}

int
reed__portal_login_password(reed_portal_t *p, int method, const char *name,
                            const char *password, size_t len, const char *ip,
                            reed_portal_cb cb, void *ud, uint64_t req_id)
{
  reed__verdict_t v;
  reed__job_t *j;
  int rc;

  if (name == NULL || *name == '\0' || strlen(name) > REED_AUTH_NAME_MAX * 8 ||
      password == NULL || len == 0 || len > REED_AUTH_PASSWORD_MAX ||
      cb == NULL)
    return REED_EINVAL;
  v = reed__portal_verdict(p, name, ip);
  if (v.refused) {
    reed__portal_count(p, method, REED_LOGIN_THROTTLED);
    return REED_ETHROTTLED;
  }
  j = reed__portal_job_new(p, REED__JOB_VERIFY, name, password, len, cb, ud,
                           req_id);
  if (j == NULL)
    return REED_ENOMEM;
  j->method = method;
  if (ip != NULL)
    reed_strlcpy(j->ip, ip, sizeof(j->ip));
  rc = p->creds.get(p->creds.ud, name, &j->creds);
  j->known = rc == 0;
  reed_strlcpy(j->pwhash, j->known ? j->creds.pwhash : p->dummy_hash,
               sizeof(j->pwhash));
  if (rc != 0 && rc != REED_ENOACCOUNT) {
    reed__portal_job_free(j);
    return rc;
  }
  if (v.delay_ms > 0)
    return reed__portal_job_later(p, j, v.delay_ms);
  return reed__portal_job_submit(p, j);
}
