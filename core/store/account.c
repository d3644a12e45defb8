/* Accounts and their client-certificate fingerprints. Every change commits
 * in its own transaction before the call returns; every read goes to the
 * database, so changes made by another process are seen at once. */
#include "store_int.h"

#include <string.h>

bool
reed_store_account_name_valid(const char *name)
{
  size_t n = name ? strnlen(name, REED_ACCOUNT_MAX + 1) : 0;

  if (n == 0 || n > REED_ACCOUNT_MAX)
    return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') ||
        (name[0] >= 'A' && name[0] <= 'Z')))
    return false;
  for (size_t i = 1; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  }
  return true;
}

void
reed__store_fold(char *dst, const char *src)
{
  size_t i = 0;

  for (; src[i] != '\0' && i < REED_ACCOUNT_MAX; i++)
    dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
  dst[i] = '\0';
}

/* Bytes that never appear in an address: ASCII controls, space, DEL. */
static bool
email_bytes_ok(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= ' ' || c == 0x7f)
      return false;
  }
  return reed_utf8_valid((const uint8_t *)s, n) != 0;
}

bool
reed_store_email_valid(const char *email)
{
  size_t n = email ? strnlen(email, REED_STORE_EMAIL_MAX + 1) : 0;
  const char *at;

  if (n < 3 || n > REED_STORE_EMAIL_MAX || !email_bytes_ok(email, n))
    return false;
  at = strrchr(email, '@');
  return at != NULL && at != email && at - email <= 64 && at[1] != '\0';
}

static bool
email_ok(const char *email, size_t cap)
{
  return email[0] == '\0' ||
         (strnlen(email, cap) < cap && reed_store_email_valid(email));
}

static bool
scram_ok(const reed_scram_keys_t *k)
{
  return k->salt_len <= REED_STORE_SALT_MAX;
}

static int
check_rec(const reed_account_rec_t *rec)
{
  if (rec == NULL || !reed_store_account_name_valid(rec->name))
    return REED_EBADACCOUNT;
  if (strnlen(rec->pwhash, sizeof(rec->pwhash)) > REED_STORE_PWHASH_MAX)
    return REED_EINVAL;
  if (!scram_ok(&rec->scram_sha256) || !scram_ok(&rec->scram_sha1))
    return REED_EINVAL;
  if (!email_ok(rec->email, sizeof(rec->email)))
    return REED_EINVAL;
  return 0;
}

/* Binds one SCRAM entry at parameters first..first+3. */
static void
bind_scram(sqlite3_stmt *s, int first, const reed_scram_keys_t *k, int key_len)
{
  sqlite3_bind_blob(s, first, k->salt, (int)k->salt_len, SQLITE_STATIC);
  sqlite3_bind_int64(s, first + 1, k->iterations);
  sqlite3_bind_blob(s, first + 2, k->stored_key, key_len, SQLITE_STATIC);
  sqlite3_bind_blob(s, first + 3, k->server_key, key_len, SQLITE_STATIC);
}

/* Binds ?1 folded name, ?2 name, ?3 created, ?4..?12 credentials. */
static void
bind_rec(sqlite3_stmt *s, const char *folded, const reed_account_rec_t *rec)
{
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, rec->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)rec->created_ms);
  sqlite3_bind_text(s, 4, rec->pwhash,
                    (int)strnlen(rec->pwhash, sizeof(rec->pwhash)),
                    SQLITE_STATIC);
  bind_scram(s, 5, &rec->scram_sha256, REED_SCRAM_SHA256_LEN);
  bind_scram(s, 9, &rec->scram_sha1, REED_SCRAM_SHA1_LEN);
}

/* Copies a blob column into dst (at most cap bytes); returns its length. */
static size_t
col_blob(sqlite3_stmt *s, int col, uint8_t *dst, size_t cap)
{
  const void *p = sqlite3_column_blob(s, col);
  size_t n = (size_t)sqlite3_column_bytes(s, col);

  if (n > cap)
    n = cap;
  if (p != NULL && n > 0)
    memcpy(dst, p, n);
  return n;
}

static void
read_scram(sqlite3_stmt *s, int first, reed_scram_keys_t *k)
{
  k->salt_len = col_blob(s, first, k->salt, sizeof(k->salt));
  k->iterations = (uint32_t)sqlite3_column_int64(s, first + 1);
  col_blob(s, first + 2, k->stored_key, sizeof(k->stored_key));
  col_blob(s, first + 3, k->server_key, sizeof(k->server_key));
}

/* Fills *out from a row of STMT_ACCOUNT_GET / _LIST. */
static void
read_rec(sqlite3_stmt *s, reed_account_rec_t *out)
{
  const char *name = (const char *)sqlite3_column_text(s, 0);
  const char *hash = (const char *)sqlite3_column_text(s, 2);
  const char *email;

  memset(out, 0, sizeof(*out));
  reed_strlcpy(out->name, name ? name : "", sizeof(out->name));
  out->created_ms = (uint64_t)sqlite3_column_int64(s, 1);
  reed_strlcpy(out->pwhash, hash ? hash : "", sizeof(out->pwhash));
  read_scram(s, 3, &out->scram_sha256);
  read_scram(s, 7, &out->scram_sha1);
  email = (const char *)sqlite3_column_text(s, 11);
  reed_strlcpy(out->email, email ? email : "", sizeof(out->email));
}

static int
insert_account(reed_store_t *st, const reed_account_rec_t *rec)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_INSERT);
  char folded[REED_ACCOUNT_MAX + 1];
  int rc;

  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, rec->name);
  bind_rec(s, folded, rec);
  if (rec->email[0] != '\0')
    sqlite3_bind_text(s, 13, rec->email, -1, SQLITE_STATIC);
  rc = reed__store_step_done(st, s, "create account");
  return rc == REED_EEXIST ? REED_EACCOUNTEXISTS : rc;
}

int
reed_store_account_create(reed_store_t *st, const reed_account_rec_t *rec)
{
  int rc = check_rec(rec);

  if (rc != 0)
    return rc;
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, insert_account(st, rec));
}

int
reed_store_account_get(reed_store_t *st, const char *name,
                       reed_account_rec_t *out)
{
  char folded[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (!reed_store_account_name_valid(name))
    return REED_EBADACCOUNT;
  s = reed__store_stmt(st, STMT_ACCOUNT_GET);
  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, name);
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    read_rec(s, out);
    rc = 0;
  } else if (rc == SQLITE_DONE) {
    rc = REED_ENOACCOUNT;
  } else {
    rc = reed__store_fail(st, "read account");
  }
  sqlite3_reset(s);
  return rc;
}

/* Runs a statement whose ?1 is a folded account name; returns 0 when it
 * changed a row, REED_ENOACCOUNT when none. */
static int
change_account(reed_store_t *st, sqlite3_stmt *s, const char *what)
{
  int rc = reed__store_step_done(st, s, what);

  if (rc == 0 && sqlite3_changes(st->db) == 0)
    return REED_ENOACCOUNT;
  return rc;
}

static int
update_creds(reed_store_t *st, const reed_account_rec_t *rec)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_SET_CREDS);
  char folded[REED_ACCOUNT_MAX + 1];

  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, rec->name);
  bind_rec(s, folded, rec);
  return change_account(st, s, "set credentials");
}

int
reed_store_account_set_creds(reed_store_t *st, const reed_account_rec_t *rec)
{
  int rc = check_rec(rec);

  if (rc != 0)
    return rc;
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, update_creds(st, rec));
}

static int
update_email(reed_store_t *st, const char *name, const char *email)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_SET_EMAIL);
  char folded[REED_ACCOUNT_MAX + 1];

  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, name);
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  if (email != NULL && email[0] != '\0')
    sqlite3_bind_text(s, 2, email, -1, SQLITE_STATIC);
  return change_account(st, s, "set email");
}

int
reed_store_account_set_email(reed_store_t *st, const char *name,
                             const char *email)
{
  int rc;

  if (!reed_store_account_name_valid(name))
    return REED_EBADACCOUNT;
  if (email != NULL && email[0] != '\0' && !reed_store_email_valid(email))
    return REED_EINVAL;
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, update_email(st, name, email));
}

static int
delete_account(reed_store_t *st, const char *folded)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_DELETE);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  rc = change_account(st, s, "delete account");
  if (rc != 0)
    return rc;
  s = reed__store_stmt(st, STMT_CERT_DELETE_ACCOUNT);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  return reed__store_step_done(st, s, "delete account certificates");
}

int
reed_store_account_delete(reed_store_t *st, const char *name)
{
  char folded[REED_ACCOUNT_MAX + 1];
  int rc;

  if (!reed_store_account_name_valid(name))
    return REED_EBADACCOUNT;
  reed__store_fold(folded, name);
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, delete_account(st, folded));
}

int
reed_store_account_list(reed_store_t *st, reed_store_account_cb cb, void *ud)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_LIST);
  reed_account_rec_t rec;
  int rc;

  if (s == NULL)
    return REED_EIO;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    read_rec(s, &rec);
    cb(ud, &rec);
  }
  rc = rc == SQLITE_DONE ? 0 : reed__store_fail(st, "list accounts");
  sqlite3_reset(s);
  return rc;
}

/* ---- Certificate fingerprints ----------------------------------------------
 */
static int
hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Accepts 64 hex digits, or 32 pairs separated by single colons. */
int
reed_store_fpr_normalize(const char *in, char out[REED_FPR_HEX_LEN + 1])
{
  size_t len = in ? strnlen(in, 3 * 32) : 0;
  bool colons = len == 3 * 32 - 1;
  size_t o = 0;

  if (len != REED_FPR_HEX_LEN && !colons)
    return REED_EINVAL;
  for (size_t i = 0; i < len; i++) {
    if (colons && i % 3 == 2) {
      if (in[i] != ':')
        return REED_EINVAL;
      continue;
    }
    if (hexval(in[i]) < 0)
      return REED_EINVAL;
    out[o++] = "0123456789abcdef"[hexval(in[i])];
  }
  out[o] = '\0';
  return 0;
}

static int
account_exists(reed_store_t *st, const char *name)
{
  reed_account_rec_t rec;

  return reed_store_account_get(st, name, &rec);
}

static int
insert_cert(reed_store_t *st, const char *account, const char *fpr)
{
  char folded[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc = account_exists(st, account);

  if (rc != 0)
    return rc;
  s = reed__store_stmt(st, STMT_CERT_INSERT);
  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, account);
  sqlite3_bind_text(s, 1, fpr, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, folded, -1, SQLITE_STATIC);
  return reed__store_step_done(st, s, "add certificate");
}

int
reed_store_cert_add(reed_store_t *st, const char *account,
                    const char *sha256_hex)
{
  char fpr[REED_FPR_HEX_LEN + 1];
  int rc;

  if (!reed_store_account_name_valid(account))
    return REED_EBADACCOUNT;
  if (reed_store_fpr_normalize(sha256_hex, fpr) != 0)
    return REED_EINVAL;
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, insert_cert(st, account, fpr));
}

static int
delete_cert(reed_store_t *st, const char *account, const char *fpr)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_CERT_DELETE);
  char folded[REED_ACCOUNT_MAX + 1];
  int rc;

  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, account);
  sqlite3_bind_text(s, 1, fpr, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, folded, -1, SQLITE_STATIC);
  rc = reed__store_step_done(st, s, "delete certificate");
  if (rc == 0 && sqlite3_changes(st->db) == 0)
    return REED_ENOTFOUND;
  return rc;
}

int
reed_store_cert_del(reed_store_t *st, const char *account,
                    const char *sha256_hex)
{
  char fpr[REED_FPR_HEX_LEN + 1];
  int rc;

  if (!reed_store_account_name_valid(account))
    return REED_EBADACCOUNT;
  if (reed_store_fpr_normalize(sha256_hex, fpr) != 0)
    return REED_EINVAL;
  rc = reed__store_txn_begin(st);
  if (rc != 0)
    return rc;
  return reed__store_txn_end(st, delete_cert(st, account, fpr));
}

int
reed_store_cert_lookup(reed_store_t *st, const char *sha256_hex,
                       char name_out[REED_ACCOUNT_MAX + 1])
{
  char fpr[REED_FPR_HEX_LEN + 1];
  sqlite3_stmt *s;
  int rc;

  if (reed_store_fpr_normalize(sha256_hex, fpr) != 0)
    return REED_EINVAL;
  s = reed__store_stmt(st, STMT_CERT_LOOKUP);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, fpr, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    reed_strlcpy(name_out, name ? name : "", REED_ACCOUNT_MAX + 1);
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? REED_ENOTFOUND
                           : reed__store_fail(st, "look up certificate");
  }
  sqlite3_reset(s);
  return rc;
}

int
reed_store_cert_list(reed_store_t *st, const char *account,
                     void (*cb)(void *ud, const char *fpr), void *ud)
{
  char folded[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (!reed_store_account_name_valid(account))
    return REED_EBADACCOUNT;
  s = reed__store_stmt(st, STMT_CERT_LIST);
  if (s == NULL)
    return REED_EIO;
  reed__store_fold(folded, account);
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    cb(ud, (const char *)sqlite3_column_text(s, 0));
  rc = rc == SQLITE_DONE ? 0 : reed__store_fail(st, "list certificates");
  sqlite3_reset(s);
  return rc;
}
