/* The store-backed checker: a reed_credsrc_t over core/store's accounts
 * and certificate fingerprints, and the command line's account functions
 * on top of it. Every call reads or writes the database at once. */
#include "auth_int.h"
#include "store.h"

#include <openssl/crypto.h>
#include <string.h>

static void
keys_from_store(reed_auth_scram_t *k, const reed_scram_keys_t *s)
{
  memset(k, 0, sizeof(*k));
  if (s->salt_len > REED_SCRAM_SALT_MAX)
    return;
  memcpy(k->salt, s->salt, s->salt_len);
  k->salt_len = s->salt_len;
  k->iterations = s->iterations;
  memcpy(k->stored_key, s->stored_key, REED_SCRAM_KEY_MAX);
  memcpy(k->server_key, s->server_key, REED_SCRAM_KEY_MAX);
}

static void
keys_to_store(reed_scram_keys_t *s, const reed_auth_scram_t *k)
{
  memset(s, 0, sizeof(*s));
  memcpy(s->salt, k->salt, k->salt_len);
  s->salt_len = k->salt_len;
  s->iterations = k->iterations;
  memcpy(s->stored_key, k->stored_key, REED_SCRAM_SHA256_LEN);
  memcpy(s->server_key, k->server_key, REED_SCRAM_SHA256_LEN);
}

static void
rec_from_creds(reed_account_rec_t *r, const reed_creds_t *c)
{
  memset(r, 0, sizeof(*r));
  reed_strlcpy(r->name, c->account, sizeof(r->name));
  reed_strlcpy(r->pwhash, c->pwhash, sizeof(r->pwhash));
  keys_to_store(&r->scram_sha256, &c->scram[REED_SCRAM_SHA256]);
  keys_to_store(&r->scram_sha1, &c->scram[REED_SCRAM_SHA1]);
}

static int
st_get(void *ud, const char *name, reed_creds_t *out)
{
  reed_account_rec_t r;
  int rc = reed_store_account_get(ud, name, &r);

  if (rc == REED_EBADACCOUNT)
    rc = REED_ENOACCOUNT;
  if (rc != 0)
    return rc;
  memset(out, 0, sizeof(*out));
  reed_strlcpy(out->account, r.name, sizeof(out->account));
  reed_strlcpy(out->pwhash, r.pwhash, sizeof(out->pwhash));
  keys_from_store(&out->scram[REED_SCRAM_SHA256], &r.scram_sha256);
  keys_from_store(&out->scram[REED_SCRAM_SHA1], &r.scram_sha1);
  OPENSSL_cleanse(&r, sizeof(r));
  return 0;
}

int
reed__auth_email(const char *email, const char **out)
{
  *out = NULL;
  if (email == NULL || email[0] == '\0' || strcmp(email, "*") == 0)
    return 0;
  if (!reed_store_email_valid(email))
    return REED_EINVAL;
  *out = email;
  return 0;
}

static int
st_create(void *ud, const reed_creds_t *c, const char *email)
{
  reed_account_rec_t r;
  int rc;

  if (reed__auth_email(email, &email) != 0)
    return REED_EINVAL;
  rec_from_creds(&r, c);
  if (email != NULL)
    reed_strlcpy(r.email, email, sizeof(r.email));
  rc = reed_store_account_create(ud, &r);
  OPENSSL_cleanse(&r, sizeof(r));
  return rc;
}

static int
st_set(void *ud, const reed_creds_t *c)
{
  reed_account_rec_t r;
  int rc;

  rec_from_creds(&r, c);
  rc = reed_store_account_set_creds(ud, &r);
  OPENSSL_cleanse(&r, sizeof(r));
  return rc == REED_EBADACCOUNT ? REED_ENOACCOUNT : rc;
}

static int
st_del(void *ud, const char *name)
{
  int rc = reed_store_account_delete(ud, name);

  return rc == REED_EBADACCOUNT ? REED_ENOACCOUNT : rc;
}

static int
st_cert_add(void *ud, const char *name, const char *fp)
{
  int rc = reed_store_cert_add(ud, name, fp);

  return rc == REED_EBADACCOUNT ? REED_ENOACCOUNT : rc;
}

static int
st_cert_del(void *ud, const char *name, const char *fp)
{
  int rc = reed_store_cert_del(ud, name, fp);

  return rc == REED_EBADACCOUNT ? REED_ENOTFOUND : rc;
}

static int
st_cert_account(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  int rc = reed_store_cert_lookup(ud, fp, account);

  return rc == REED_ENOTFOUND || rc == REED_EINVAL ? REED_ENOACCOUNT : rc;
}

void
reed_auth_store_credsrc(reed_store_t *st, reed_credsrc_t *out)
{
  *out = (reed_credsrc_t){
      .get = st_get,
      .create = st_create,
      .set = st_set,
      .del = st_del,
      .cert_add = st_cert_add,
      .cert_del = st_cert_del,
      .cert_account = st_cert_account,
      .ud = st,
  };
}

int
reed_auth_account_add(reed_store_t *st, const char *name, const char *password,
                      size_t len, int level)
{
  reed_credsrc_t src;

  reed_auth_store_credsrc(st, &src);
  return reed_auth_account_add_src(&src, name, password, len, level);
}

int
reed_auth_account_passwd(reed_store_t *st, const char *name,
                         const char *password, size_t len, int level)
{
  reed_credsrc_t src;

  reed_auth_store_credsrc(st, &src);
  return reed_auth_account_passwd_src(&src, name, password, len, level);
}

int
reed_auth_account_del(reed_store_t *st, const char *name)
{
  reed_credsrc_t src;

  reed_auth_store_credsrc(st, &src);
  return reed_auth_account_del_src(&src, name);
}

int
reed_auth_cert_add(reed_store_t *st, const char *name, const char *fp)
{
  reed_credsrc_t src;

  reed_auth_store_credsrc(st, &src);
  return reed_auth_cert_add_src(&src, name, fp);
}

int
reed_auth_cert_del(reed_store_t *st, const char *name, const char *fp)
{
  reed_credsrc_t src;

  reed_auth_store_credsrc(st, &src);
  return reed_auth_cert_del_src(&src, name, fp);
}
