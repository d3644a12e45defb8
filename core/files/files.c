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

static int
read_key(const char *path, uint8_t key[32])
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return errno == ENOENT ? REED_ENOTFOUND : REED_EIO;
  n = read(fd, key, 32);
  close(fd);
  return n == 32 ? 0 : REED_EIO;
}

/* Reads the key file, or makes it (O_EXCL: another process may race). */
static int
load_key(const char *data_dir, uint8_t key[32])
{
  char path[4096];
  uint8_t fresh[32];
  int fd, rc;

  if ((size_t)snprintf(path, sizeof(path), "%s/%s", data_dir, KEY_FILE) >=
      sizeof(path))
    return REED_EINVAL;
  rc = read_key(path, key);
  if (rc != REED_ENOTFOUND)
    return rc;
  randombytes_buf(fresh, sizeof(fresh));
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? read_key(path, key) : REED_EIO;
  rc = write(fd, fresh, sizeof(fresh)) == (ssize_t)sizeof(fresh) &&
               fsync(fd) == 0
           ? 0
           : REED_EIO;
  close(fd);
  if (rc == 0)
    memcpy(key, fresh, sizeof(fresh));
  else
    unlink(path);
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
