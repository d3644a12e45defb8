/* Slots and files as rows: the token, the quota, use-once and expiry. */
#include "files_int.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char sql_insert[] =
    "INSERT INTO files(id, account, name, type, size, created_ms, "
    "expires_ms, stored) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)";
static const char sql_get[] =
    "SELECT account, name, type, size, created_ms, expires_ms, stored "
    "FROM files WHERE id = ?1";
static const char sql_used[] = "SELECT coalesce(sum(size), 0) FROM files "
                               "WHERE account = ?1 AND expires_ms > ?2";
static const char sql_commit[] = "UPDATE files SET stored = 1, expires_ms = ?2 "
                                 "WHERE id = ?1 AND stored = 0";
static const char sql_delete[] = "DELETE FROM files WHERE id = ?1";
static const char sql_expired[] =
    "SELECT id FROM files WHERE expires_ms <= ?1 LIMIT ?2";

bool
reed_files_name_valid(const char *name)
{
  size_t len = name != NULL ? strlen(name) : 0;

  if (len == 0 || len > REED_FILES_NAME_MAX ||
      !reed_utf8_valid((const uint8_t *)name, len) || strcmp(name, ".") == 0 ||
      strcmp(name, "..") == 0)
    return false;
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (*c < 0x20 || *c == 0x7f || *c == '/' || *c == '\\')
      return false;
  return true;
}

bool
reed_files_type_valid(const char *type)
{
  size_t len = type != NULL ? strlen(type) : 0;
  const char *slash = type != NULL ? strchr(type, '/') : NULL;

  if (len == 0)
    return type != NULL;
  if (len > REED_FILES_TYPE_MAX || slash == NULL || slash == type ||
      slash[1] == '\0')
    return false;
  for (const char *c = type; *c; c++)
    if (*c < 0x20 || *c > 0x7e)
      return false;
  return true;
}

void
reed_files_token(const reed_files_t *f, const reed_files_meta_t *m,
                 char token[REED_FILES_TOKEN_LEN + 1])
{
  crypto_auth_hmacsha256_state h;
  uint8_t mac[crypto_auth_hmacsha256_BYTES];
  char nums[64];
  int n = snprintf(nums, sizeof(nums), "%" PRIu64 "%c%" PRIu64, m->size, 0,
                   m->expires_ms);

  /* Each field NUL-ended, so no two rows hash the same bytes. */
  crypto_auth_hmacsha256_init(&h, f->key, sizeof(f->key));
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)m->id, strlen(m->id) + 1);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)m->account,
                                strlen(m->account) + 1);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)m->name,
                                strlen(m->name) + 1);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)nums, (size_t)n + 1);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)m->type, strlen(m->type));
  crypto_auth_hmacsha256_final(&h, mac);
  sodium_bin2hex(token, REED_FILES_TOKEN_LEN + 1, mac, sizeof(mac));
}

int64_t
reed_files_used(reed_files_t *f, const char *account, uint64_t now_ms)
{
  sqlite3_stmt *s = reed__files_stmt(f, FS_USED, sql_used);
  int64_t v = 0;
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)now_ms);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  else
    v = reed__files_fail(f, "used");
  sqlite3_reset(s);
  return v;
}

static int
insert(reed_files_t *f, const reed_files_meta_t *m)
{
  sqlite3_stmt *s;
  int rc = reed_store_batch_begin(f->st);

  if (rc != 0)
    return rc == REED_EUNAVAILABLE ? REED_EIO : rc;
  if ((s = reed__files_stmt(f, FS_INSERT, sql_insert)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, m->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, m->account, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, m->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, m->type, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, (sqlite3_int64)m->size);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)m->created_ms);
  sqlite3_bind_int64(s, 7, (sqlite3_int64)m->expires_ms);
  rc = reed_store_step_write(s);
  if (rc == 1) {
    rc = reed__files_fail(f, "insert");
    sqlite3_reset(s);
  }
  return rc;
}

static void
fold(char out[REED_ACCOUNT_MAX + 1], const char *account)
{
  size_t i = 0;

  for (; account[i] != '\0' && i < REED_ACCOUNT_MAX; i++)
    out[i] = (account[i] >= 'A' && account[i] <= 'Z') ? (char)(account[i] + 32)
                                                      : account[i];
  out[i] = '\0';
}

static int
fill(reed_files_meta_t *m, const uint8_t rnd[REED_FILES_RND],
     const char *account, const char *name, uint64_t size, const char *type,
     uint64_t now_ms)
{
  if (!reed_store_account_name_valid(account) || !reed_files_name_valid(name) ||
      !reed_files_type_valid(type))
    return REED_EINVAL;
  *m = (reed_files_meta_t){.size = size,
                           .created_ms = now_ms,
                           .expires_ms = now_ms + REED_FILES_SLOT_MS};
  sodium_bin2hex(m->id, sizeof(m->id), rnd, REED_FILES_RND);
  fold(m->account, account);
  reed_strlcpy(m->name, name, sizeof(m->name));
  reed_strlcpy(m->type, type, sizeof(m->type));
  return 0;
}

int
reed_files_slot(reed_files_t *f, const reed_upload_conf_t *conf,
                const uint8_t rnd[REED_FILES_RND], const char *account,
                const char *name, uint64_t size, const char *type,
                uint64_t now_ms, reed_files_meta_t *out,
                char token[REED_FILES_TOKEN_LEN + 1])
{
  int64_t used;
  int rc = fill(out, rnd, account, name, size, type, now_ms);

  if (rc != 0)
    return rc;
  if (size > conf->max_size)
    return REED_ETOOBIG;
  reed_files_sweep(f, now_ms, 64);
  used = reed_files_used(f, out->account, now_ms);
  if (used < 0)
    return (int)used;
  if ((uint64_t)used + size > conf->quota)
    return REED_ELIMIT;
  rc = insert(f, out);
  if (rc == 0)
    reed_files_token(f, out, token);
  return rc;
}

static int
get_row(reed_files_t *f, const char *id, reed_files_meta_t *m)
{
  sqlite3_stmt *s = reed__files_stmt(f, FS_GET, sql_get);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *m = (reed_files_meta_t){.size = (uint64_t)sqlite3_column_int64(s, 3),
                             .created_ms = (uint64_t)sqlite3_column_int64(s, 4),
                             .expires_ms = (uint64_t)sqlite3_column_int64(s, 5),
                             .stored = sqlite3_column_int(s, 6) != 0};
    reed_strlcpy(m->id, id, sizeof(m->id));
    reed_strlcpy(m->account, (const char *)sqlite3_column_text(s, 0),
                 sizeof(m->account));
    reed_strlcpy(m->name, (const char *)sqlite3_column_text(s, 1),
                 sizeof(m->name));
    reed_strlcpy(m->type, (const char *)sqlite3_column_text(s, 2),
                 sizeof(m->type));
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? REED_ENOTFOUND : reed__files_fail(f, "get");
  }
  sqlite3_reset(s);
  return rc;
}

static bool
id_valid(const char *id)
{
  size_t n = strspn(id, "0123456789abcdef");

  return n == REED_FILES_ID_LEN && id[n] == '\0';
}

/* The same type/subtype (any case), whatever the parameters: a browser
 * may add "; charset=UTF-8" to the type its client asked the slot for. */
static bool
same_media(const char *a, const char *b)
{
  size_t na = strcspn(a, "; \t"), nb = strcspn(b, "; \t");

  return na == nb && strncasecmp(a, b, na) == 0;
}

int
reed_files_check_put(reed_files_t *f, const char *id, const char *token,
                     const char *name, uint64_t size, const char *type,
                     uint64_t now_ms, reed_files_meta_t *out)
{
  char want[REED_FILES_TOKEN_LEN + 1];
  int rc;

  if (!id_valid(id))
    return REED_ENOTFOUND;
  rc = get_row(f, id, out);
  if (rc != 0)
    return rc;
  if (out->stored || out->expires_ms <= now_ms)
    return REED_ENOTFOUND;
  reed_files_token(f, out, want);
  if (token == NULL || strlen(token) != REED_FILES_TOKEN_LEN ||
      sodium_memcmp(want, token, REED_FILES_TOKEN_LEN) != 0)
    return REED_EAUTH;
  if (strcmp(name, out->name) != 0)
    return REED_ENOTFOUND;
  if (size != out->size)
    return size > out->size ? REED_ETOOBIG : REED_EINVAL;
  if (out->type[0] != '\0' && type != NULL && !same_media(type, out->type))
    return REED_EINVAL;
  return 0;
}

int
reed_files_commit(reed_files_t *f, const char *id, uint64_t now_ms,
                  uint64_t expire_ms)
{
  sqlite3_stmt *s;
  int rc = reed_store_batch_begin(f->st);

  if (rc != 0)
    return rc == REED_EUNAVAILABLE ? REED_EIO : rc;
  if ((s = reed__files_stmt(f, FS_COMMIT, sql_commit)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)(now_ms + expire_ms));
  rc = reed_store_step_write(s);
  if (rc == 1) {
    rc = reed__files_fail(f, "commit");
    sqlite3_reset(s);
    return rc;
  }
  return sqlite3_changes(f->db) == 1 ? 0 : REED_ENOTFOUND;
}

int
reed_files_get(reed_files_t *f, const char *id, uint64_t now_ms,
               reed_files_meta_t *out)
{
  int rc;

  if (!id_valid(id))
    return REED_ENOTFOUND;
  rc = get_row(f, id, out);
  if (rc == 0 && (!out->stored || out->expires_ms <= now_ms))
    rc = REED_ENOTFOUND;
  return rc;
}

void
reed_files_drop(reed_files_t *f, const char *id)
{
  char path[4096];
  sqlite3_stmt *s;

  if (reed_files_path(f, id, path, sizeof(path)) == 0)
    unlink(path);
  if (reed_store_batch_begin(f->st) != 0 ||
      (s = reed__files_stmt(f, FS_DELETE, sql_delete)) == NULL)
    return;
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  if (reed_store_step_write(s) == 1) {
    reed__files_fail(f, "delete");
    sqlite3_reset(s);
  }
}

int
reed_files_sweep(reed_files_t *f, uint64_t now_ms, int max)
{
  char ids[64][REED_FILES_ID_LEN + 1];
  sqlite3_stmt *s = reed__files_stmt(f, FS_EXPIRED, sql_expired);
  int n = 0, rc;

  if (s == NULL)
    return REED_EIO;
  if (max > (int)REED_ARRAY_SIZE(ids))
    max = (int)REED_ARRAY_SIZE(ids);
  sqlite3_bind_int64(s, 1, (sqlite3_int64)now_ms);
  sqlite3_bind_int(s, 2, max);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    reed_strlcpy(ids[n++], (const char *)sqlite3_column_text(s, 0),
                 sizeof(ids[0]));
  if (rc != SQLITE_DONE)
    n = reed__files_fail(f, "sweep");
  sqlite3_reset(s);
  for (int i = 0; i < n; i++)
    reed_files_drop(f, ids[i]);
  return n;
}
