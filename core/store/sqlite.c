/* The store's connection: open and configure SQLite (WAL, busy timeout),
 * the statement cache, transactions (per-turn batches and immediate account
 * changes) and versioned migrations per owner. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 5000
#define OWNER_MAX 32

static const char *const stmt_sql[STMT__COUNT] = {
    [STMT_BEGIN] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_VERSION_GET] = "SELECT version FROM schema_version WHERE owner = ?1",
    [STMT_VERSION_SET] = "INSERT INTO schema_version(owner, version)"
                         " VALUES(?1, ?2) ON CONFLICT(owner)"
                         " DO UPDATE SET version = excluded.version",
    [STMT_ACCOUNT_INSERT] =
        "INSERT INTO accounts(folded, name, created_ms, pwhash,"
        " s256_salt, s256_iter, s256_stored, s256_server,"
        " s1_salt, s1_iter, s1_stored, s1_server, email)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [STMT_ACCOUNT_GET] =
        "SELECT name, created_ms, pwhash, s256_salt, s256_iter, s256_stored,"
        " s256_server, s1_salt, s1_iter, s1_stored, s1_server, email"
        " FROM accounts WHERE folded = ?1",
    [STMT_ACCOUNT_SET_CREDS] =
        "UPDATE accounts SET pwhash = ?4, s256_salt = ?5, s256_iter = ?6,"
        " s256_stored = ?7, s256_server = ?8, s1_salt = ?9, s1_iter = ?10,"
        " s1_stored = ?11, s1_server = ?12 WHERE folded = ?1",
    [STMT_ACCOUNT_DELETE] = "DELETE FROM accounts WHERE folded = ?1",
    [STMT_ACCOUNT_SET_EMAIL] =
        "UPDATE accounts SET email = ?2 WHERE folded = ?1",
    [STMT_ACCOUNT_LIST] =
        "SELECT name, created_ms, pwhash, s256_salt, s256_iter, s256_stored,"
        " s256_server, s1_salt, s1_iter, s1_stored, s1_server, email"
        " FROM accounts ORDER BY folded",
    [STMT_CERT_DELETE_ACCOUNT] = "DELETE FROM certs WHERE account = ?1",
    [STMT_CERT_INSERT] = "INSERT INTO certs(fpr, account) VALUES(?1, ?2)",
    [STMT_CERT_DELETE] = "DELETE FROM certs WHERE fpr = ?1 AND account = ?2",
    [STMT_CERT_LOOKUP] = "SELECT a.name FROM certs c JOIN accounts a"
                         " ON a.folded = c.account WHERE c.fpr = ?1",
    [STMT_CERT_LIST] = "SELECT fpr FROM certs WHERE account = ?1 ORDER BY fpr",
    [STMT_MSG_INSERT] =
        "INSERT OR REPLACE INTO messages(id, ts_ms, conv, room, target, nick,"
        " account, origin, user, host, kind, text, tags, target_account,"
        " reply_to, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, ?13, ?14, ?15, ?16)",
    [STMT_CONV_COUNT] = "INSERT INTO convs(conv, n) VALUES(?1, 1)"
                        " ON CONFLICT(conv) DO UPDATE SET n = n + 1"
                        " RETURNING n",
    [STMT_CONV_SET] = "UPDATE convs SET n = ?2 WHERE conv = ?1",
    /* Deletes the rows of conv older than its ?2 newest. */
    [STMT_MSG_PRUNE] = "DELETE FROM messages WHERE conv = ?1 AND id <= "
                       "(SELECT id FROM messages WHERE conv = ?1"
                       " ORDER BY id DESC LIMIT 1 OFFSET ?2)",
    /* A tombstone: the head stays (XMPP MAM shows it), the words go. */
    [STMT_MSG_REDACT] = "UPDATE messages SET text = x'', tags = NULL,"
                        " payload = NULL, reply_to = NULL, redacted = 1"
                        " WHERE id = ?1",
    [STMT_ROOM_UPSERT] =
        "INSERT INTO rooms(folded, name, created_ms, topic, topic_by,"
        " topic_ms, moderated, invite_only, topic_lock, secret, no_external,"
        " room_key, member_limit)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        " ON CONFLICT(folded) DO UPDATE SET name = excluded.name,"
        " topic = excluded.topic, topic_by = excluded.topic_by,"
        " topic_ms = excluded.topic_ms, moderated = excluded.moderated,"
        " invite_only = excluded.invite_only,"
        " topic_lock = excluded.topic_lock, secret = excluded.secret,"
        " no_external = excluded.no_external, room_key = excluded.room_key,"
        " member_limit = excluded.member_limit",
    [STMT_META_SET_ID] = "UPDATE meta SET value = max(value, ?1)"
                         " WHERE key = 'last_id'",
    [STMT_LIST_INSERT] =
        "INSERT OR REPLACE INTO room_lists(room, room_name, list, folded,"
        " mask, set_by, set_ms, account)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [STMT_DATA_VERSION] = "PRAGMA data_version",
    [STMT_ACCOUNT_NAMES] = "SELECT folded, name FROM accounts ORDER BY folded",
    [STMT_ACCOUNT_LOG_AFTER] = "SELECT seq, op, name FROM account_log"
                               " WHERE seq > ?1 ORDER BY seq",
    [STMT_ACCOUNT_LOG_LAST] = "SELECT coalesce(max(seq), 0) FROM account_log",
    [STMT_ACCOUNT_LOG_PRUNE] = "DELETE FROM account_log WHERE seq < ?1",
    /* One room, loaded when a join asks for a room the model does not
     * hold (persist.c, load_room). */
    [STMT_ROOM_ONE] =
        "SELECT name, created_ms, topic, topic_by, topic_ms, moderated,"
        " invite_only, topic_lock, secret, no_external, room_key, member_limit"
        " FROM rooms WHERE folded = ?1",
    [STMT_LISTS_ONE] = "SELECT room_name, list, mask, set_by, set_ms,"
                       " account FROM room_lists WHERE room = ?1"
                       " ORDER BY seq",
    [STMT_HISTORY_ONE] =
        "SELECT id, ts_ms, room, target, target_account, nick, account,"
        " origin, user, host, kind, text, tags, reply_to, payload, redacted"
        " FROM (SELECT * FROM messages"
        " WHERE conv = 'r:' || ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
    [STMT_LIST_DELETE] = "DELETE FROM room_lists"
                         " WHERE room = ?1 AND list = ?2 AND folded = ?3",
    [STMT_LISTS_CLEAR] = "DELETE FROM room_lists WHERE room = ?1",
    [STMT_AFF_INSERT] =
        "INSERT OR REPLACE INTO room_affiliations(room, room_name, account,"
        " name, aff, set_by, set_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_AFF_DELETE] =
        "DELETE FROM room_affiliations WHERE room = ?1 AND account = ?2",
    [STMT_AFFS_CLEAR] = "DELETE FROM room_affiliations WHERE room = ?1",
    [STMT_AFFS_ONE] = "SELECT room_name, name, aff, set_by, set_ms"
                      " FROM room_affiliations WHERE room = ?1 ORDER BY seq",
};

int
reed__store_fail(reed_store_t *st, const char *what)
{
  int code = sqlite3_errcode(st->db);

  snprintf(st->last_error, sizeof(st->last_error), "%s: %s", what,
           sqlite3_errmsg(st->db));
  reed_log(st->log, REED_LOG_ERROR, "store: %s", st->last_error);
  return code == SQLITE_NOMEM ? REED_ENOMEM : REED_EIO;
}

sqlite3_stmt *
reed_store_stmt_cached(sqlite3 *db, sqlite3_stmt **slot, const char *sql)
{
  sqlite3_stmt *s = *slot;

  if (s != NULL) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
  }
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
      SQLITE_OK)
    return NULL;
  *slot = s;
  return s;
}

int
reed_store_step_write(sqlite3_stmt *s)
{
  int rc = sqlite3_step(s);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
    sqlite3_reset(s);
    return 0;
  }
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    sqlite3_reset(s);
    return REED_EEXIST;
  }
  return 1;
}

sqlite3_stmt *
reed__store_stmt(reed_store_t *st, reed__store_stmt_id id)
{
  sqlite3_stmt *s =
      reed_store_stmt_cached(st->db, &st->stmts[id], stmt_sql[id]);

  if (s == NULL)
    reed__store_fail(st, "prepare");
  return s;
}

int
reed__store_step_done(reed_store_t *st, sqlite3_stmt *s, const char *what)
{
  int rc = reed_store_step_write(s);

  if (rc <= 0)
    return rc;
  rc = reed__store_fail(st, what);
  sqlite3_reset(s);
  return rc;
}

int
reed__store_exec(reed_store_t *st, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return 0;
  reed_log(st->log, REED_LOG_ERROR, "store: %s", msg ? msg : "exec failed");
  sqlite3_free(msg);
  return REED_EIO;
}

static int
run_stmt(reed_store_t *st, reed__store_stmt_id id, const char *what)
{
  sqlite3_stmt *s = reed__store_stmt(st, id);

  if (s == NULL)
    return REED_EIO;
  return reed__store_step_done(st, s, what);
}

/* Undoes a failed transaction. SQLite may already have rolled back by
 * itself (after an I/O or memory error), so only roll back while one is
 * open. */
void
reed__store_rollback(reed_store_t *st)
{
  if (!sqlite3_get_autocommit(st->db))
    run_stmt(st, STMT_ROLLBACK, "rollback");
}

int
reed__store_commit(reed_store_t *st)
{
  int rc = run_stmt(st, STMT_COMMIT, "commit");

  if (rc != 0)
    reed__store_rollback(st);
  return rc;
}

int
reed__store_begin(reed_store_t *st)
{
  return run_stmt(st, STMT_BEGIN, "begin");
}

/* In the degraded state no batch opens: changes wait in the journal for
 * the retry (degraded.c). */
int
reed_store_batch_begin(reed_store_t *st)
{
  int rc;

  if (st->in_batch)
    return 0;
  if (st->degraded)
    return REED_EUNAVAILABLE;
  rc = run_stmt(st, STMT_BEGIN, "begin batch");
  if (rc != 0)
    return rc;
  st->in_batch = true;
  return 0;
}

bool
reed_store_in_batch(const reed_store_t *st)
{
  return st->in_batch;
}

int
reed__store_save_last_id(reed_store_t *st)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_META_SET_ID);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)st->batch_last_id);
  return reed__store_step_done(st, s, "save last id");
}

/* The account log rows the model has applied are needed no more (one
 * server uses a database): they go with the next batch, all but the last.
 * seq is a plain rowid: on an empty table the next row would take seq 1
 * again, below log_seq, and the change would never be replayed. */
void
reed__store_prune_account_log(reed_store_t *st)
{
  sqlite3_stmt *s;

  if (st->log_seq <= st->log_pruned)
    return;
  if ((s = reed__store_stmt(st, STMT_ACCOUNT_LOG_PRUNE)) == NULL)
    return;
  sqlite3_bind_int64(s, 1, st->log_seq);
  if (reed__store_step_done(st, s, "prune account log") == 0)
    st->log_pruned = st->log_seq;
}

int
reed_store_turn_end(reed_store_t *st)
{
  int rc = 0;

  st->space_checked = false;
  if (st->in_batch || st->batch_failed)
    rc = reed__store_commit_batch(st);
  else if (st->degraded)
    rc = reed__store_retry(st, false);
  if (rc == 0 && st->held)
    rc = REED_EUNAVAILABLE;
  return rc;
}

/* An account change commits the open batch first, so its own commit
 * never takes the turn's rows along; a failed batch fails the change. */
int
reed__store_txn_begin(reed_store_t *st)
{
  int rc = 0;

  if (st->in_batch || st->batch_failed)
    rc = reed__store_commit_batch(st);
  if (rc != 0)
    return rc;
  return run_stmt(st, STMT_BEGIN, "begin");
}

int
reed__store_txn_end(reed_store_t *st, int rc)
{
  if (rc != 0) {
    reed__store_rollback(st);
    return rc;
  }
  return reed__store_commit(st);
}

struct sqlite3 *
reed_store_sqlite(reed_store_t *st)
{
  return st->db;
}

/* ---- Migrations ------------------------------------------------------------
 */
static bool
owner_valid(const char *owner)
{
  size_t n = owner ? strlen(owner) : 0;

  if (n == 0 || n > OWNER_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = owner[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

int
reed_store_schema_version(reed_store_t *st, const char *owner)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_VERSION_GET);
  int rc, v = 0;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    v = sqlite3_column_int(s, 0);
  else if (rc != SQLITE_DONE)
    v = reed__store_fail(st, "read schema version");
  sqlite3_reset(s);
  return v;
}

static int
set_version(reed_store_t *st, const char *owner, size_t v)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_VERSION_SET);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)v);
  return reed__store_step_done(st, s, "set schema version");
}

/* Runs step `v` (0-based) and records version v + 1, in one transaction. */
static int
migrate_step(reed_store_t *st, const char *owner,
             const reed_store_migration_t *step, size_t v)
{
  int rc = reed__store_txn_begin(st);

  if (rc != 0)
    return rc;
  rc = reed__store_exec(st, step->sql);
  if (rc == 0)
    rc = set_version(st, owner, v + 1);
  if (rc != 0)
    reed_log(st->log, REED_LOG_ERROR, "store: migration %s %zu failed", owner,
             v + 1);
  return reed__store_txn_end(st, rc);
}

int
reed_store_migrate(reed_store_t *st, const char *owner,
                   const reed_store_migration_t *steps, size_t n)
{
  int v;

  if (!owner_valid(owner) || (n > 0 && steps == NULL))
    return REED_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (steps[i].sql == NULL)
      return REED_EINVAL;
  v = reed_store_schema_version(st, owner);
  if (v < 0)
    return v;
  if ((size_t)v > n) {
    reed_log(st->log, REED_LOG_ERROR,
             "store: schema of %s is at version %d, this build knows %zu",
             owner, v, n);
    return REED_ECONFIG;
  }
  for (size_t i = (size_t)v; i < n; i++) {
    int rc = migrate_step(st, owner, &steps[i], i);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* ---- Open and close --------------------------------------------------------
 */
static int
set_wal(reed_store_t *st)
{
  sqlite3_stmt *s;
  int rc = REED_EIO;

  if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s, NULL) !=
      SQLITE_OK)
    return reed__store_fail(st, "open");
  if (sqlite3_step(s) != SQLITE_ROW)
    rc = reed__store_fail(st, "open");
  else if (sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), "wal") == 0)
    rc = 0;
  else
    reed_log(st->log, REED_LOG_ERROR, "store: cannot use WAL mode (%s)",
             (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return rc;
}

static int
configure(reed_store_t *st)
{
  int rc;

  sqlite3_extended_result_codes(st->db, 1);
  sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
  rc = set_wal(st);
  if (rc != 0)
    return rc;
  /* journal_size_limit truncates the WAL after a checkpoint, so a burst
   * does not leave a large file behind. */
  return reed__store_exec(st, "PRAGMA synchronous=NORMAL;"
                              "PRAGMA journal_size_limit=67108864;"
                              "CREATE TABLE IF NOT EXISTS schema_version("
                              " owner TEXT PRIMARY KEY,"
                              " version INTEGER NOT NULL) WITHOUT ROWID;");
}

static int
open_db(reed_store_t *st, const char *path)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
              SQLITE_OPEN_EXRESCODE;

  if (sqlite3_open_v2(path, &st->db, flags, NULL) == SQLITE_OK)
    return 0;
  if (st->db == NULL)
    return REED_ENOMEM;
  reed_log(st->log, REED_LOG_ERROR, "store: cannot open %s: %s", path,
           sqlite3_errmsg(st->db));
  return REED_EIO;
}

int
reed_store_open(const char *path, reed_log_t *log, reed_store_t **out)
{
  reed_store_t *st;
  int rc;

  if (path == NULL || out == NULL)
    return REED_EINVAL;
  st = reed_calloc(1, sizeof(*st));
  if (st == NULL)
    return REED_ENOMEM;
  st->log = log;
  st->keep_room = 2000;
  st->keep_private = 400;
  st->min_free = REED_STORE_MIN_FREE_DEFAULT;
  reed__store_times_init(st);
  rc = reed__store_set_dir(st, path);
  if (rc == 0)
    rc = open_db(st, path);
  if (rc != 0)
    goto fail;
  rc = configure(st);
  if (rc != 0)
    goto fail;
  rc = reed_store_migrate(st, "store", reed__store_schema,
                          reed__store_schema_len);
  if (rc != 0)
    goto fail;
  *out = st;
  return 0;
fail:
  reed_store_close(st);
  return rc;
}

void
reed_store_close(reed_store_t *st)
{
  if (st == NULL)
    return;
  if (st->db != NULL)
    reed_store_turn_end(st);
  /* A last try for changes still waiting (the model is still there to
   * read room settings from, when it is). */
  if (st->db != NULL && st->degraded)
    reed__store_retry(st, true);
  if (st->journal.n > 0)
    reed_log(st->log, REED_LOG_ERROR,
             "store: closed with %zu changes not saved", st->journal.n);
  reed__store_detach(st);
  for (size_t i = 0; i < STMT__COUNT; i++)
    sqlite3_finalize(st->stmts[i]);
  sqlite3_close(st->db);
  reed__journal_free(&st->journal);
  reed_free(st->dir);
  reed_free(st);
}
