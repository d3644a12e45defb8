/* Server bans in the database (schema step 9): add, delete and list them
 * for the command line and the protocols, load them into the model at
 * attach, and bring a running model in line with the table when another
 * process changed it (reed_store_sync_accounts). Bans change rarely, so
 * their statements are prepared per call rather than cached. */
#include "store_int.h"

#include <string.h>

static int
prepare(reed_store_t *st, const char *sql, sqlite3_stmt **out)
{
  if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
    return reed__store_fail(st, "prepare ban statement");
  return 0;
}

int
reed_store_ban_add(reed_store_t *st, const reed_sban_view_t *ban)
{
  char target[REED_SBAN_TARGET_MAX + 1];
  sqlite3_stmt *s = NULL;
  int kind, rc;

  if (st == NULL || ban == NULL || ban->setter == NULL ||
      ban->setter[0] == '\0' ||
      reed_sban_parse(ban->target, &kind, target, sizeof(target)) != 0)
    return REED_EINVAL;
  if ((rc = reed__store_txn_begin(st)) != 0)
    return rc;
  rc = prepare(st,
               "INSERT OR REPLACE INTO server_bans(target, kind, reason,"
               " setter, set_ms, expires_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
               &s);
  if (rc == 0) {
    sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, kind);
    sqlite3_bind_text(s, 3, ban->reason ? ban->reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, ban->setter, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)ban->set_ms);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)ban->expires_ms);
    rc = reed__store_step_done(st, s, "add ban");
  }
  sqlite3_finalize(s);
  return reed__store_txn_end(st, rc);
}

int
reed_store_ban_del(reed_store_t *st, const char *target)
{
  char canon[REED_SBAN_TARGET_MAX + 1];
  sqlite3_stmt *s = NULL;
  int kind, rc;

  if (st == NULL || reed_sban_parse(target, &kind, canon, sizeof(canon)) != 0)
    return REED_EINVAL;
  if ((rc = reed__store_txn_begin(st)) != 0)
    return rc;
  rc = prepare(st, "DELETE FROM server_bans WHERE target = ?1", &s);
  if (rc == 0) {
    sqlite3_bind_text(s, 1, canon, -1, SQLITE_STATIC);
    rc = reed__store_step_done(st, s, "delete ban");
    if (rc == 0 && sqlite3_changes(st->db) == 0)
      rc = REED_ENOTFOUND;
  }
  sqlite3_finalize(s);
  return reed__store_txn_end(st, rc);
}

int
reed_store_ban_list(reed_store_t *st,
                    void (*cb)(void *ud, const reed_sban_view_t *b), void *ud)
{
  sqlite3_stmt *s = NULL;
  int rc, step;

  if (st == NULL || cb == NULL)
    return REED_EINVAL;
  rc = prepare(st,
               "SELECT target, kind, reason, setter, set_ms, expires_ms"
               " FROM server_bans ORDER BY set_ms, target",
               &s);
  if (rc != 0)
    return rc;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    reed_sban_view_t v = {
        .target = (const char *)sqlite3_column_text(s, 0),
        .kind = sqlite3_column_int(s, 1),
        .reason = (const char *)sqlite3_column_text(s, 2),
        .setter = (const char *)sqlite3_column_text(s, 3),
        .set_ms = (uint64_t)sqlite3_column_int64(s, 4),
        .expires_ms = (uint64_t)sqlite3_column_int64(s, 5),
    };
    if (v.target != NULL && v.reason != NULL && v.setter != NULL)
      cb(ud, &v);
  }
  if (step != SQLITE_DONE)
    rc = reed__store_fail(st, "list bans");
  sqlite3_finalize(s);
  return rc;
}

/* ---- The model's copy ---------------------------------------------------- */

/* A snapshot of one list (the table's or the model's), owned strings. */
typedef struct {
  char target[REED_SBAN_TARGET_MAX + 1];
  char *reason, *setter;
  uint64_t set_ms, expires_ms;
} row_t;

typedef struct {
  row_t *v;
  size_t n, cap;
  bool oom;
} rows_t;

static void
rows_add(void *ud, const reed_sban_view_t *b)
{
  rows_t *a = ud;
  row_t *r;

  if (a->oom)
    return;
  if (reed_array_grow(&a->v, &a->cap, a->n, sizeof(*a->v), 16) != 0) {
    a->oom = true;
    return;
  }
  r = &a->v[a->n];
  reed_strlcpy(r->target, b->target, sizeof(r->target));
  r->reason = reed_strdup(b->reason);
  r->setter = reed_strdup(b->setter);
  r->set_ms = b->set_ms;
  r->expires_ms = b->expires_ms;
  if (r->reason == NULL || r->setter == NULL) {
    reed_free(r->reason);
    reed_free(r->setter);
    a->oom = true;
    return;
  }
  a->n++;
}

static void
rows_free(rows_t *a)
{
  for (size_t i = 0; i < a->n; i++) {
    reed_free(a->v[i].reason);
    reed_free(a->v[i].setter);
  }
  reed_free(a->v);
}

static const row_t *
rows_find(const rows_t *a, const char *target)
{
  for (size_t i = 0; i < a->n; i++)
    if (sqlite3_stricmp(a->v[i].target, target) == 0)
      return &a->v[i];
  return NULL;
}

static bool
same_row(const row_t *a, const row_t *b)
{
  return a->set_ms == b->set_ms && a->expires_ms == b->expires_ms &&
         strcmp(a->reason, b->reason) == 0 && strcmp(a->setter, b->setter) == 0;
}

/* Makes the model's ban list the table's: bans gone from the table are
 * lifted, new or changed ones are set (which removes matching sessions).
 * Expired rows are left to the model, which drops them. */
int
reed__store_sync_bans(reed_store_t *st)
{
  rows_t db = {0}, mine = {0};
  uint64_t now =
      reed_model_clock(st->model)->wall_ms(reed_model_clock(st->model)->c);
  int rc = reed_store_ban_list(st, rows_add, &db);

  if (rc == 0) {
    reed_model_sban_each(st->model, rows_add, &mine);
    rc = (db.oom || mine.oom) ? REED_ENOMEM : 0;
  }
  for (size_t i = 0; rc == 0 && i < mine.n; i++) {
    if (rows_find(&db, mine.v[i].target) != NULL)
      continue;
    reed_model_sban_del(st->model, mine.v[i].target);
    reed_log(st->log, REED_LOG_INFO, "store: ban on %s was lifted",
             mine.v[i].target);
  }
  for (size_t i = 0; rc == 0 && i < db.n; i++) {
    const row_t *r = &db.v[i], *m = rows_find(&mine, r->target);
    int arc;
    if ((m != NULL && same_row(m, r)) ||
        (r->expires_ms != 0 && r->expires_ms <= now))
      continue;
    arc = reed_model_sban_add(st->model,
                              &(reed_sban_view_t){.target = r->target,
                                                  .reason = r->reason,
                                                  .setter = r->setter,
                                                  .set_ms = r->set_ms,
                                                  .expires_ms = r->expires_ms});
    if (arc == REED_ENOMEM)
      rc = arc;
    else if (arc != 0)
      reed_log(st->log, REED_LOG_WARN, "store: ban on %s not loaded: %s",
               r->target, reed_strerror(arc));
    else if (m == NULL)
      reed_log(st->log, REED_LOG_INFO, "store: ban on %s set by %s: %s",
               r->target, r->setter, r->reason);
  }
  rows_free(&db);
  rows_free(&mine);
  return rc;
}
