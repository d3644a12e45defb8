/* The file store's handle: its table, its key file and its folder. */
#include "files_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE "upload.key"

/* Append steps; never edit one that has shipped. `account` is folded;
 * times are wall-clock milliseconds. */
static const char step1[] =
    "CREATE TABLE files("
    " id TEXT PRIMARY KEY,"
    " account TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL,"
    " stored INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    "CREATE INDEX files_account_idx ON files(account);"
    "CREATE INDEX files_expires_idx ON files(expires_ms);";

const reed_store_migration_t reed_files_migrations[] = {{.sql = step1}};
const size_t reed_files_n_migrations = REED_ARRAY_SIZE(reed_files_migrations);

/* The tokens' key file, made on first use. */
static int
load_key(const char *data_dir, uint8_t key[32])
{
  uint8_t fresh[REED_KEY_FILE_LEN];
  int rc;

  randombytes_buf(fresh, sizeof(fresh));
  rc = reed_key_file(data_dir, KEY_FILE, fresh, key);
  sodium_memzero(fresh, sizeof(fresh));
  return rc;
}

static int
make_dir(reed_files_t *f, const char *data_dir)
{
  size_t n = strlen(data_dir) + sizeof("/uploads");

  f->dir = reed_malloc(n);
  if (f->dir == NULL)
    return REED_ENOMEM;
  snprintf(f->dir, n, "%s/uploads", data_dir);
  if (mkdir(f->dir, 0700) != 0 && errno != EEXIST)
    return REED_EIO;
  return 0;
}

int
reed_files_open(reed_store_t *st, const char *data_dir, reed_log_t *log,
                reed_files_t **out)
{
  reed_files_t *f;
  int rc;

  if (st == NULL || data_dir == NULL || out == NULL)
    return REED_EINVAL;
  if (sodium_init() < 0)
    return REED_EIO;
  rc = reed_store_migrate(st, "files", reed_files_migrations,
                          reed_files_n_migrations);
  if (rc != 0)
    return rc;
  f = reed_calloc(1, sizeof(*f));
  if (f == NULL)
    return REED_ENOMEM;
  *f = (reed_files_t){.st = st, .db = reed_store_sqlite(st), .log = log};
  rc = load_key(data_dir, f->key);
  if (rc == 0)
    rc = make_dir(f, data_dir);
  if (rc != 0) {
    if (log != NULL)
      reed_log(log, REED_LOG_ERROR, "files: %s: %s", data_dir,
               reed_strerror(rc));
    reed_files_close(f);
    return rc;
  }
  *out = f;
  return 0;
}

void
reed_files_close(reed_files_t *f)
{
  if (f == NULL)
    return;
  for (size_t i = 0; i < FS__COUNT; i++)
    sqlite3_finalize(f->stmts[i]);
  sodium_memzero(f->key, sizeof(f->key));
  reed_free(f->dir);
  reed_free(f);
}

int
reed__files_fail(reed_files_t *f, const char *what)
{
  int code = sqlite3_errcode(f->db);

  if (f->log != NULL)
    reed_log(f->log, REED_LOG_ERROR, "files: %s: %s", what,
             sqlite3_errmsg(f->db));
  return code == SQLITE_NOMEM ? REED_ENOMEM : REED_EIO;
}

sqlite3_stmt *
reed__files_stmt(reed_files_t *f, int id, const char *sql)
{
  sqlite3_stmt *s = reed_store_stmt_cached(f->db, &f->stmts[id], sql);

  if (s == NULL)
    reed__files_fail(f, "prepare");
  return s;
}

int
reed_files_path(const reed_files_t *f, const char *id, char *buf, size_t size)
{
  if ((size_t)snprintf(buf, size, "%s/%s", f->dir, id) >= size)
    return REED_ETOOBIG;
  return 0;
}
