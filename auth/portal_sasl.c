/* SASL through the portal: the mechanisms read credentials from the
 * portal's source (FAST tokens from the function a module set), PLAIN's
 * password goes to the worker, failures count against the claimed name and
 * the client's address, and a slowed SCRAM or HT verdict waits on the
 * clock. EXTERNAL proves a certificate, which cannot
 * be guessed: it is neither throttled nor counted. */
#include "portal_int.h"

#include <openssl/crypto.h>
#include <string.h>

static int
src_scram_keys(void *ud, const char *name, reed_scram_hash_t h,
               reed_auth_scram_t *keys, char account[REED_AUTH_NAME_MAX + 1])
{
  reed_portal_t *p = ud;
  reed_creds_t c;
  int rc = p->creds.get(p->creds.ud, name, &c);

  if (rc == 0) {
    *keys = c.scram[h];
    reed_strlcpy(account, c.account, REED_AUTH_NAME_MAX + 1);
  }
  OPENSSL_cleanse(&c, sizeof(c));
  return rc;
}

static int
src_cert_account(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  reed_portal_t *p = ud;

  if (p->creds.cert_account == NULL)
    return REED_ENOACCOUNT;
  return p->creds.cert_account(p->creds.ud, fp, account);
}

static int
src_fast_token(void *ud, const char *name, const char *client,
               reed_sasl_mech_t mech,
               reed_sasl_fast_token_t tokens[REED_SASL_FAST_TOKENS],
               char account[REED_AUTH_NAME_MAX + 1])
{
  reed_portal_t *p = ud;

  if (p->fast_token == NULL)
    return 0;
  return p->fast_token(p->fast_token_ud, name, client, mech, tokens, account);
}

void
reed_portal_set_fast_tokens(reed_portal_t *p, reed_sasl_fast_token_fn fn,
                            void *ud)
{
  p->fast_token = fn;
  p->fast_token_ud = ud;
}

int
reed_portal_sasl_new(reed_portal_t *p, const char *mech, const char *ip,
                     const char *cert_fp, reed_sasl_t **out)
{
  int m = reed_sasl_mech_parse(mech);

  *out = NULL;
  /* The mechanisms that bind to the channel need reed_portal_sasl_new_cb:
   * a protocol that did not offer them does not get them by name. */
  if (m < 0 || reed__sasl_mech_binds((reed_sasl_mech_t)m))
    return REED_EINVAL;
  return reed_portal_sasl_new_cb(p, mech, ip, cert_fp, NULL, out);
}

int
reed_portal_sasl_new_cb(reed_portal_t *p, const char *mech, const char *ip,
                        const char *cert_fp, const reed_sasl_cbind_t *cb,
                        reed_sasl_t **out)
{
  reed_sasl_source_t src = {
      .scram_keys = src_scram_keys,
      .cert_account = src_cert_account,
      .random = reed__portal_random,
      .secret = p->secret,
      .ud = p,
      .fast_token = src_fast_token,
  };
  int m = reed_sasl_mech_parse(mech);
  int rc;

  *out = NULL;
  if (m < 0)
    return REED_EINVAL;
  rc = reed_sasl_new_cb((reed_sasl_mech_t)m, &src, cert_fp, cb, out);
  if (rc != 0)
    return rc;
  (*out)->portal = p;
  if (ip != NULL && ((*out)->ip = reed_strdup(ip)) == NULL) {
    reed_sasl_free(*out);
    *out = NULL;
    return REED_ENOMEM;
  }
  return 0;
}

/* PLAIN's claim goes to the worker; the password copy is wiped here. */
static int
plain_verify(reed_sasl_t *s, reed_portal_cb cb, void *ud, uint64_t req_id)
{
  int rc = reed__portal_login_password(s->portal, REED_MECH_PLAIN, s->authcid,
                                       s->password, s->password_len, s->ip, cb,
                                       ud, req_id);

  OPENSSL_cleanse(s->password, s->password_len);
  if (rc != 0)
    return reed__sasl_fail(s, rc,
                           rc == REED_ETHROTTLED
                               ? "too many failed logins"
                               : "cannot verify the password");
  return REED_SASL_PENDING;
}

/* EXTERNAL (or an exchange the portal did not make): no throttle. */
static int
portal_external(reed_sasl_t *s, const uint8_t *in, size_t len, reed_buf_t **out)
{
  int rc = reed_sasl_step(s, in, len, out);

  if (s->portal != NULL && (rc == REED_SASL_SUCCESS || rc == REED_EAUTH))
    reed__portal_count(s->portal, (int)s->mech,
                       rc == REED_EAUTH ? REED_LOGIN_FAILURE
                                        : REED_LOGIN_SUCCESS);
  if (rc == REED_SASL_SUCCESS && s->portal != NULL)
    reed__portal_realm(s->portal, s->account);
  return rc;
}

static int
throttled(reed_sasl_t *s, reed_buf_t **out)
{
  reed_buf_unref(*out);
  *out = NULL;
  reed__portal_count(s->portal, (int)s->mech, REED_LOGIN_THROTTLED);
  return reed__sasl_fail(s, REED_ETHROTTLED, "too many failed logins");
}

/* Holds a SCRAM verdict (REED_SASL_SUCCESS or REED_EAUTH) for `ms`, then
 * gives it to `cb`; success's data waits in the exchange. If no job can
 * be made the verdict is given at once. */
static int
hold(reed_sasl_t *s, int rc, reed_buf_t **out, uint64_t ms, reed_portal_cb cb,
     void *ud, uint64_t req_id)
{
  reed__job_t *j = reed__portal_job_new(s->portal, REED__JOB_ANSWER, "", "", 0,
                                        cb, ud, req_id);

  if (j == NULL)
    return rc;
  j->rc = rc == REED_SASL_SUCCESS ? 0 : rc;
  reed_strlcpy(j->creds.account, s->account, sizeof(j->creds.account));
  if (reed__portal_job_later(s->portal, j, ms) != 0)
    return rc;
  reed_buf_unref(s->success_out);
  s->success_out = *out;
  *out = NULL;
  return REED_SASL_PENDING;
}

static bool
is_ht(reed_sasl_mech_t mech)
{
  return mech == REED_MECH_HT_SHA_256_NONE ||
         mech == REED_MECH_HT_SHA_256_UNIQ ||
         mech == REED_MECH_HT_SHA_256_ENDP || mech == REED_MECH_HT_SHA_256_EXPR;
}

static bool
refused(reed_portal_t *p, const char *name, const char *ip)
{
  return reed__portal_verdict(p, name, ip).refused;
}

int
reed_portal_sasl_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                      reed_buf_t **out, reed_portal_cb cb, void *ud,
                      uint64_t req_id)
{
  reed_portal_t *p = s->portal;
  uint64_t delay = 0;
  int rc;

  *out = NULL;
  if (p == NULL || s->mech == REED_MECH_EXTERNAL)
    return portal_external(s, in, len, out);
  if (s->state == REED__SASL_START && refused(p, NULL, s->ip))
    return throttled(s, out);
  if (s->state == REED__SASL_WAIT_FINAL) {
    reed__verdict_t v = reed__portal_verdict(p, s->authcid, s->ip);
    if (v.refused)
      return throttled(s, out);
    delay = v.delay_ms;
  }
  rc = reed_sasl_step(s, in, len, out);
  if (rc == REED_SASL_CONTINUE && refused(p, s->authcid, s->ip))
    return throttled(s, out);
  if (is_ht(s->mech) && (rc == REED_SASL_SUCCESS || rc == REED_EAUTH)) {
    /* One message: the name is known only now, before this try counts. */
    reed__verdict_t v = reed__portal_verdict(p, s->authcid, s->ip);
    if (v.refused)
      return throttled(s, out);
    delay = v.delay_ms;
  }
  if (rc == REED_SASL_PASSWORD)
    return cb != NULL ? plain_verify(s, cb, ud, req_id)
                      : reed__sasl_fail(s, REED_EINVAL, "no callback");
  if (rc == REED_SASL_SUCCESS) {
    reed__portal_count(p, (int)s->mech, REED_LOGIN_SUCCESS);
    reed__portal_succeeded(p, s->account, s->ip);
    reed__portal_realm(p, s->account);
  } else if (rc == REED_EAUTH) {
    reed__portal_count(p, (int)s->mech, REED_LOGIN_FAILURE);
    reed__portal_failed(p, s->authcid, s->ip, s->why);
  }
  if (delay > 0 && cb != NULL && (rc == REED_SASL_SUCCESS || rc == REED_EAUTH))
    return hold(s, rc, out, delay, cb, ud, req_id);
  return rc;
}

reed_buf_t *
reed_portal_sasl_success_data(reed_sasl_t *s)
{
  reed_buf_t *b = s->success_out;

  s->success_out = NULL;
  return b;
}

int
reed_portal_login_cert(reed_portal_t *p, const char *cert_fp,
                       const char *authzid,
                       char account[REED_AUTH_NAME_MAX + 1])
{
  reed_sasl_t *s = NULL;
  reed_buf_t *out = NULL;
  size_t len = authzid != NULL ? strlen(authzid) : 0;
  int rc = reed_portal_sasl_new(p, "EXTERNAL", NULL, cert_fp, &s);

  account[0] = '\0';
  if (rc != 0)
    return rc == REED_EINVAL ? REED_EAUTH : rc;
  rc = reed_portal_sasl_step(s, (const uint8_t *)authzid, len, &out, NULL, NULL,
                             0);
  reed_buf_unref(out);
  if (rc == REED_SASL_SUCCESS) {
    reed_strlcpy(account, s->account, REED_AUTH_NAME_MAX + 1);
    rc = 0;
  } else if (rc > 0) {
    rc = REED_EAUTH;
  }
  reed_sasl_free(s);
  return rc;
}
