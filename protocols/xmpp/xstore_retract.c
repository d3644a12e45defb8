/* Archived retractions (xmpp_store.h): one row per redaction, the newest
 * REED_XSTORE_RETRACT_KEEP per scope. */
#include "xstore_int.h"

static const char sql_add[] =
    "INSERT OR REPLACE INTO xmpp_retraction(id, ts_ms, scope, ref_id, nick,"
    " account, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_prune[] =
    "DELETE FROM xmpp_retraction WHERE scope = ?1 AND id NOT IN"
    " (SELECT id FROM xmpp_retraction WHERE scope = ?1"
    " ORDER BY id DESC LIMIT ?2)";
static const char sql_of[] =
    "SELECT id, ts_ms, scope, ref_id, nick, account, reason"
    " FROM xmpp_retraction WHERE ref_id = ?1 ORDER BY id LIMIT 1";
static const char sql_drop[] = "DELETE FROM xmpp_retraction WHERE scope = ?1";

static int
add(reed_xstore_t *xs, const reed_xretract_t *r)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_RETRACT_ADD, sql_add);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)r->id);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)r->ts_ms);
  reed__xs_text(s, 3, r->scope);
  sqlite3_bind_int64(s, 4, (sqlite3_int64)r->ref_id);
  reed__xs_text(s, 5, r->nick);
  reed__xs_text(s, 6, r->account);
  reed__xs_text(s, 7, r->reason);
  if ((rc = reed__xs_done(xs, s, "retraction add")) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_RETRACT_PRUNE, sql_prune)) == NULL)
    return REED_EIO;
  reed__xs_text(s, 1, r->scope);
  sqlite3_bind_int64(s, 2, REED_XSTORE_RETRACT_KEEP);
  return reed__xs_done(xs, s, "retraction prune");
}

int
reed_xstore_retract_add(reed_xstore_t *xs, const reed_xretract_t *r)
{
  int rc;

  if (xs == NULL || r == NULL || r->id == 0 || r->id > INT64_MAX ||
      r->ref_id == 0 || r->ref_id > INT64_MAX || r->scope == NULL ||
      r->nick == NULL)
    return REED_EINVAL;
  if ((rc = reed_store_batch_begin(xs->st)) != 0)
    return rc;
  return add(xs, r);
}

int
reed_xstore_retract_of(reed_xstore_t *xs, uint64_t ref_id,
                       void (*cb)(void *ud, const reed_xretract_t *r), void *ud)
{
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL || ref_id == 0 || ref_id > INT64_MAX)
    return REED_EINVAL;
  if ((s = reed__xs_stmt(xs, XS_RETRACT_OF, sql_of)) == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)ref_id);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    reed_xretract_t r = {
        .id = (uint64_t)sqlite3_column_int64(s, 0),
        .ts_ms = (uint64_t)sqlite3_column_int64(s, 1),
        .scope = reed__xs_col(s, 2),
        .ref_id = (uint64_t)sqlite3_column_int64(s, 3),
        .nick = reed__xs_col(s, 4),
        .account = sqlite3_column_type(s, 5) == SQLITE_NULL
                       ? NULL
                       : reed__xs_col(s, 5),
        .reason = sqlite3_column_type(s, 6) == SQLITE_NULL ? NULL
                                                           : reed__xs_col(s, 6),
    };
    cb(ud, &r);
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? REED_ENOTFOUND
                           : reed__xs_fail(xs, "retraction get");
  }
  sqlite3_reset(s);
  return rc;
}

int
reed_xstore_retract_drop(reed_xstore_t *xs, const char *scope)
{
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || scope == NULL)
    return REED_EINVAL;
  if ((rc = reed_store_batch_begin(xs->st)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_RETRACT_DROP, sql_drop)) == NULL)
    return REED_EIO;
  reed__xs_text(s, 1, scope);
  return reed__xs_done(xs, s, "retraction drop");
}
