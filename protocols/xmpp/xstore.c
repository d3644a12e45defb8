/* The XMPP store's handle: the statement cache, the write bracket (the
 * turn's batch and a savepoint per call) and small helpers. */
#include "xstore_int.h"

static const char sql_savepoint[] = "SAVEPOINT xstore";
static const char sql_release[] = "RELEASE xstore";
static const char sql_rollback_to[] = "ROLLBACK TO xstore";
static const char sql_account_exists[] =
    "SELECT 1 FROM accounts WHERE folded = ?1";

int
reed_xstore_open(reed_store_t *st, reed_log_t *log, reed_xstore_t **out)
{
  reed_xstore_t *xs;
  int v;

  if (st == NULL || out == NULL)
    return REED_EINVAL;
  v = reed_store_schema_version(st, "xmpp");
  if (v < 0)
    return v;
  /* Statements are written for the newest schema. */
  if (v != REED_XMPP_N_MIGRATIONS)
    return REED_EINVAL;
  xs = reed_calloc(1, sizeof(*xs));
  if (xs == NULL)
    return REED_ENOMEM;
  xs->st = st;
  xs->db = reed_store_sqlite(st);
  xs->log = log;
  *out = xs;
  return 0;
}

void
reed_xstore_close(reed_xstore_t *xs)
{
  if (xs == NULL)
    return;
  for (size_t i = 0; i < XS__COUNT; i++)
    sqlite3_finalize(xs->stmts[i]);
  reed_free(xs);
}

int
reed__xs_fold(char out[REED_ACCOUNT_MAX + 1], const char *account)
{
  size_t i = 0;

  if (account == NULL || !reed_store_account_name_valid(account))
    return REED_EBADACCOUNT;
  for (; account[i] != '\0' && i < REED_ACCOUNT_MAX; i++) {
    char c = account[i];
    out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
  }
  out[i] = '\0';
  return 0;
}

int
reed__xs_fail(reed_xstore_t *xs, const char *what)
{
  int code = sqlite3_errcode(xs->db);

  if (xs->log != NULL)
    reed_log(xs->log, REED_LOG_ERROR, "xmpp store: %s: %s", what,
             sqlite3_errmsg(xs->db));
  return code == SQLITE_NOMEM ? REED_ENOMEM : REED_EIO;
}

sqlite3_stmt *
reed__xs_stmt(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql)
{
  sqlite3_stmt *s = reed_store_stmt_cached(xs->db, &xs->stmts[id], sql);

  if (s == NULL)
    reed__xs_fail(xs, "prepare");
  return s;
}

int
reed__xs_done(reed_xstore_t *xs, sqlite3_stmt *s, const char *what)
{
  int rc = reed_store_step_write(s);

  if (rc <= 0)
    return rc;
  rc = reed__xs_fail(xs, what);
  sqlite3_reset(s);
  return rc;
}

long long
reed__xs_int(reed_xstore_t *xs, sqlite3_stmt *s, long long none,
             const char *what)
{
  int rc = sqlite3_step(s);
  long long v = none;

  if (rc == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  else if (rc != SQLITE_DONE)
    v = reed__xs_fail(xs, what);
  sqlite3_reset(s);
  return v;
}

int
reed__xs_changes(reed_xstore_t *xs)
{
  return sqlite3_changes(xs->db);
}

static int
run(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, id, sql);

  return s == NULL ? REED_EIO : reed__xs_done(xs, s, sql);
}

int
reed__xs_write_begin(reed_xstore_t *xs, const char *folded)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_ACCOUNT_EXISTS, sql_account_exists);
  long long found;
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  found = reed__xs_int(xs, s, 0, "account");
  if (found < 0)
    return (int)found;
  if (found == 0)
    return REED_ENOACCOUNT;
  rc = reed_store_batch_begin(xs->st);
  if (rc != 0)
    return rc;
  return run(xs, XS_SAVEPOINT, sql_savepoint);
}

int
reed__xs_write_end(reed_xstore_t *xs, int rc)
{
  if (rc != 0) {
    run(xs, XS_ROLLBACK_TO, sql_rollback_to);
    run(xs, XS_RELEASE, sql_release);
    return rc;
  }
  return run(xs, XS_RELEASE, sql_release);
}

void
reed__xs_text(sqlite3_stmt *s, int i, const char *v)
{
  if (v != NULL)
    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

const char *
reed__xs_col(sqlite3_stmt *s, int i)
{
  const unsigned char *t = sqlite3_column_text(s, i);

  return t != NULL ? (const char *)t : "";
}
