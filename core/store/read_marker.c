/* Read markers (draft/read-marker) in the store: one row per account and
 * target, saved when the model reports READ_MARKER for an account and
 * loaded at start. An account keeps at most REED_READ_MARKERS_MAX rows, as
 * in the model (the ones read longest ago go first); deleting the account
 * deletes its rows (a trigger, schema step 5). */
#include "store_int.h"

#include <string.h>

static const char sql_upsert[] =
    "INSERT INTO read_markers(account, target, name, is_room, ts_ms)"
    " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(account, target) DO UPDATE SET"
    " name = excluded.name, ts_ms = max(ts_ms, excluded.ts_ms)";
static const char sql_prune[] =
    "DELETE FROM read_markers WHERE account = ?1 AND target NOT IN"
    " (SELECT target FROM read_markers WHERE account = ?1"
    " ORDER BY ts_ms DESC LIMIT ?2)";
static const char sql_load[] =
    "SELECT a.name, r.name, r.is_room, r.ts_ms FROM read_markers r"
    " JOIN accounts a ON a.folded = r.account ORDER BY r.account, r.ts_ms";

/* "#" and the folded room, or the folded nick: the model's target key. */
static void
target_key(const reed_event_t *ev, char *out, size_t size)
{
  const char *name = ev->room ? ev->room : ev->target;
  size_t i = 0, n = 0;

  if (ev->room != NULL && size > 1)
    out[n++] = '#';
  for (; name[i] != '\0' && n + 1 < size; i++)
    out[n++] =
        (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] + 32) : name[i];
  out[n] = '\0';
}

/* Prepares, binds and steps one statement of this file. */
static int
run(reed_store_t *st, const char *sql, const char *account, const char *key,
    const reed_event_t *ev)
{
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return reed__store_fail(st, "read marker");
  sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
  if (key != NULL) {
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, ev->room ? ev->room : ev->target, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(s, 4, ev->room != NULL);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)ev->ts_ms);
  } else {
    sqlite3_bind_int64(s, 2, REED_READ_MARKERS_MAX);
  }
  rc = reed__store_step_done(st, s, "read marker");
  sqlite3_finalize(s);
  return rc;
}

int
reed__store_save_read_marker(reed_store_t *st, const reed_event_t *ev)
{
  char account[REED_ACCOUNT_MAX + 1], key[REED_ROOM_MAX + 2];
  int rc;

  if (ev->from.account == NULL || (ev->room == NULL && ev->target == NULL))
    return 0;
  reed__store_fold(account, ev->from.account);
  target_key(ev, key, sizeof(key));
  rc = run(st, sql_upsert, account, key, ev);
  return rc == 0 ? run(st, sql_prune, account, NULL, ev) : rc;
}

int
reed__store_load_read_markers(reed_store_t *st, size_t *count)
{
  sqlite3_stmt *s = NULL;
  int step;

  if (sqlite3_prepare_v2(st->db, sql_load, -1, &s, NULL) != SQLITE_OK)
    return reed__store_fail(st, "load read markers");
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    const char *account = (const char *)sqlite3_column_text(s, 0);
    const char *name = (const char *)sqlite3_column_text(s, 1);
    int rc = reed_read_marker_load(st->model, account, name,
                                   sqlite3_column_int(s, 2) != 0,
                                   (uint64_t)sqlite3_column_int64(s, 3));
    if (rc == REED_ENOMEM) {
      sqlite3_finalize(s);
      return rc;
    }
    if (rc != 0)
      reed_log(st->log, REED_LOG_WARN, "store: read marker %s of %s skipped",
               name ? name : "?", account ? account : "?");
    else
      (*count)++;
  }
  sqlite3_finalize(s);
  return step == SQLITE_DONE ? 0 : reed__store_fail(st, "load read markers");
}
