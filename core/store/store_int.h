/* The store's internals, shared by its files only. */
#ifndef REED_STORE_INT_H
#define REED_STORE_INT_H

#include "store.h"

#include <sqlite3.h>

/* Cached prepared statements, prepared on first use (the hot path never
 * re-parses SQL). Keep in step with the SQL table in sqlite.c. */
typedef enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_VERSION_GET,
  STMT_VERSION_SET,
  STMT_ACCOUNT_INSERT,
  STMT_ACCOUNT_GET,
  STMT_ACCOUNT_SET_CREDS,
  STMT_ACCOUNT_SET_EMAIL,
  STMT_ACCOUNT_DELETE,
  STMT_ACCOUNT_LIST,
  STMT_CERT_DELETE_ACCOUNT,
  STMT_CERT_INSERT,
  STMT_CERT_DELETE,
  STMT_CERT_LOOKUP,
  STMT_CERT_LIST,
  STMT_MSG_INSERT,
  STMT_MSG_PRUNE,
  STMT_CONV_COUNT,
  STMT_CONV_SET,
  STMT_MSG_REDACT,
  STMT_ROOM_UPSERT,
  STMT_META_SET_ID,
  STMT_LIST_INSERT,
  STMT_DATA_VERSION,
  STMT_ACCOUNT_NAMES,
  STMT_ACCOUNT_LOG_AFTER,
  STMT_ACCOUNT_LOG_LAST,
  STMT_ACCOUNT_LOG_PRUNE,
  STMT_ROOM_ONE,
  STMT_LISTS_ONE,
  STMT_HISTORY_ONE,
  STMT_LIST_DELETE,
  STMT_LISTS_CLEAR,
  STMT_AFF_INSERT,
  STMT_AFF_DELETE,
  STMT_AFFS_CLEAR,
  STMT_AFFS_ONE,
  STMT__COUNT
} reed__store_stmt_id;

/* The batch journal (journal.c): copies of the changes written since the
 * last commit, in order, for a retry after a failed commit. */
typedef struct reed__jchunk_s reed__jchunk_t;
typedef struct reed__journal_s {
  reed_event_t *evs;
  size_t n, cap;
  reed__jchunk_t *first, *cur;
  size_t total; /* bytes of every chunk */
} reed__journal_t;

/* Copies ev into the journal; returns the copy (valid until the next
 * reset), or NULL when out of memory. */
const reed_event_t *reed__journal_add(reed__journal_t *j,
                                      const reed_event_t *ev);
void reed__journal_reset(reed__journal_t *j);
void reed__journal_trim(reed__journal_t *j);
void reed__journal_free(reed__journal_t *j);

struct reed_store_s {
  sqlite3 *db;
  reed_log_t *log;
  sqlite3_stmt *stmts[STMT__COUNT];
  bool in_batch;
  /* Highest sequenced id seen since the last commit (0 when none). */
  uint64_t batch_last_id;
  /* The degraded state (degraded.c). batch_failed: a row of the open
   * batch could not be written, so the batch must not commit as is.
   * held: a commit failed with rows that output of that turn depends on;
   * they wait in the journal. journal_lost: a change could not be
   * journaled (out of memory), so a retry cannot restore everything. */
  reed__journal_t journal;
  bool degraded, held, batch_failed, journal_lost, space_checked;
  uint64_t retry_ms;   /* the next retry, on the model's monotonic clock */
  uint64_t min_free;   /* bytes the data dir's filesystem must keep free */
  char *dir;           /* the database's directory, for statvfs */
  char last_error[96]; /* SQLite's message of the last failure */
  reed_sequencer_t next_seq; /* the sequencer the store's gate replaced */
  reed_model_t *model;
  reed_model_observer_t observer;
  size_t keep_room, keep_private;
  /* Account sync (sync.c): the data version the model's accounts match
   * and when it was last read (the model clock's ms). */
  long long data_version;
  uint64_t sync_ms;
  long long log_seq;        /* the last account_log row applied to the model */
  long long log_pruned;     /* rows up to here are deleted */
  reed_hist_t commit_times; /* reed_store_commit_times */
};

/* Returns the cached statement `id`, reset and with bindings cleared, or
 * NULL (logged) when it cannot be prepared. */
sqlite3_stmt *reed__store_stmt(reed_store_t *st, reed__store_stmt_id id);
/* Logs SQLite's current message with a context word; returns REED_EIO, or
 * REED_ENOMEM when SQLite ran out of memory. */
int reed__store_fail(reed_store_t *st, const char *what);
/* Steps a statement that returns no rows (or whose rows are ignored) and
 * resets it. Returns 0, or REED_EEXIST (not logged) when a primary key or
 * unique constraint refused the row, or the result of reed__store_fail for
 * anything else (other constraints included). */
int reed__store_step_done(reed_store_t *st, sqlite3_stmt *s, const char *what);
/* Runs SQL text (possibly several statements). 0 or REED_EIO (logged). */
int reed__store_exec(reed_store_t *st, const char *sql);
/* Account changes commit at once: commits a pending batch, then BEGIN
 * IMMEDIATE. end(st, rc) COMMITs when rc is 0, else rolls back, and returns
 * rc or the commit's error. */
int reed__store_txn_begin(reed_store_t *st);
int reed__store_txn_end(reed_store_t *st, int rc);
/* ASCII casefold of an account name into dst (size REED_ACCOUNT_MAX + 1). */
void reed__store_fold(char *dst, const char *src);

/* Writes one change's rows (persist.c). */
int reed__store_persist(reed_store_t *st, const reed_event_t *ev);
/* After persist failed: true when the database refused that row alone
 * (logged), false when the batch failed. */
bool reed__store_row_refused(reed_store_t *st, const reed_event_t *ev);
/* True for the changes whose rows persist() writes. */
bool reed__store_writes_rows(int kind);
/* persist.c: upserts a room's settings as the model holds them (joined or
 * dormant). */
int reed__store_save_room(reed_store_t *st, const reed_room_t *r);
/* room_aff.c: an AFFILIATION change rewrites the room's settings, lists and
 * affiliations from the model. */
int reed__store_save_affiliation(reed_store_t *st, const reed_event_t *ev);
/* room_aff.c: an account ban replaced the account's affiliation. */
int reed__store_drop_affiliation(reed_store_t *st, const char *folded_room,
                                 const char *account);
/* room_aff.c: "owner", "admin", "member" (NONE for anything else). */
reed_affiliation_t reed__store_aff_parse(const char *name);
/* room_aff.c: drops the rows of rooms nobody owns (at start). */
extern const char reed__store_sql_forget_unowned[];
/* The degraded state (degraded.c). */
int reed__store_commit_batch(reed_store_t *st);
/* Starts the commit-time histogram (reed_store_commit_times). */
void reed__store_times_init(reed_store_t *st);
int reed__store_retry(reed_store_t *st, bool now);
void reed__store_degrade(reed_store_t *st, const char *why, bool held);
int reed__store_gate_attach(reed_store_t *st);
void reed__store_gate_detach(reed_store_t *st);
int reed__store_set_dir(reed_store_t *st, const char *path);
/* sqlite.c: BEGIN IMMEDIATE, saving the last id, COMMIT, ROLLBACK. */
int reed__store_begin(reed_store_t *st);
int reed__store_save_last_id(reed_store_t *st);
int reed__store_commit(reed_store_t *st);
void reed__store_rollback(reed_store_t *st);
void reed__store_prune_account_log(reed_store_t *st);
/* The model's monotonic time (sync.c). */
uint64_t reed__store_now_ms(const reed_store_t *st);

/* Records the data version and time after the load (sync.c). */
int reed__store_sync_mark(reed_store_t *st);
/* Removes the store's observer from its model (when still attached). */
void reed__store_detach(reed_store_t *st);

/* Read markers (read_marker.c): saves an account's READ_MARKER event, and
 * loads every stored marker into the model (*count is increased). */
int reed__store_save_read_marker(reed_store_t *st, const reed_event_t *ev);
int reed__store_load_read_markers(reed_store_t *st, size_t *count);

/* Server bans (ban.c): makes the model's list the table's. */
int reed__store_sync_bans(reed_store_t *st);

/* The store's own schema (schema.c). */
extern const reed_store_migration_t reed__store_schema[];
extern const size_t reed__store_schema_len;

#endif
