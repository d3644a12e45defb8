/* Rosters with versions and tombstones (xmpp_store.h, Rosters). */
#include "xstore_int.h"

#include <string.h>

#define COLS                                                                   \
  "jid, name, sub, ask, pending_in, pending_status, approved, listed,"         \
  " groups, ver, deleted"

static const char sql_bump[] =
    "INSERT INTO xmpp_roster_ver(account, ver) VALUES(?1, 1)"
    " ON CONFLICT(account) DO UPDATE SET ver = ver + 1 RETURNING ver";
/* ?11 NULL keeps the row's version (a change the client does not see). */
static const char sql_put[] =
    "INSERT OR REPLACE INTO xmpp_roster(account, " COLS ")"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, coalesce(?11, (SELECT"
    " ver FROM xmpp_roster WHERE account = ?1 AND jid = ?2), 0), 0)";
/* listed: 1 listed, 0 unlisted, 2 a tombstone, -1 no row. */
static const char sql_listed[] =
    "SELECT CASE WHEN deleted THEN 2 ELSE listed END FROM xmpp_roster"
    " WHERE account = ?1 AND jid = ?2";
static const char sql_tomb[] =
    "UPDATE xmpp_roster SET deleted = 1, listed = 0, ver = coalesce(?3, ver), "
    "name = NULL, sub = 0,"
    " ask = 0, pending_in = 0, pending_status = NULL, approved = 0,"
    " groups = '' WHERE account = ?1 AND jid = ?2";
/* Raises the floor to the version of the newest tombstone past the bound,
 * then drops the tombstones at or below it. */
static const char sql_floor[] =
    "UPDATE xmpp_roster_ver SET floor = max(floor, coalesce((SELECT ver FROM"
    " xmpp_roster WHERE account = ?1 AND deleted = 1 ORDER BY ver DESC"
    " LIMIT 1 OFFSET ?2), 0)) WHERE account = ?1";
static const char sql_prune[] =
    "DELETE FROM xmpp_roster WHERE account = ?1 AND deleted = 1 AND ver <="
    " coalesce((SELECT floor FROM xmpp_roster_ver WHERE account = ?1), 0)";
static const char sql_get[] =
    "SELECT " COLS " FROM xmpp_roster"
    " WHERE account = ?1 AND jid = ?2 AND NOT deleted";
static const char sql_list[] =
    "SELECT " COLS " FROM xmpp_roster WHERE account = ?1 AND NOT deleted"
    " AND listed ORDER BY jid";
static const char sql_list_all[] = "SELECT " COLS " FROM xmpp_roster"
                                   " WHERE account = ?1 AND NOT deleted"
                                   " ORDER BY jid";
static const char sql_ver[] =
    "SELECT ver, floor FROM xmpp_roster_ver WHERE account = ?1";
/* A row that is not listed (a tombstone, or one that left the roster)
 * is a removal for the client. */
static const char sql_since[] =
    "SELECT jid, name, sub, ask, pending_in, pending_status, approved,"
    " listed, groups, ver, deleted OR NOT listed FROM xmpp_roster"
    " WHERE account = ?1 AND ver > ?2 ORDER BY ver";
static const char sql_count[] =
    "SELECT count(*) FROM xmpp_roster WHERE account = ?1 AND NOT deleted";

bool
reed_xroster_group_next(const char **cursor, const char **name, size_t *len)
{
  const char *p = *cursor, *end;

  if (p == NULL || *p == '\0')
    return false;
  end = strchr(p, REED_XROSTER_GROUP_SEP);
  *name = p;
  *len = end != NULL ? (size_t)(end - p) : strlen(p);
  *cursor = end != NULL ? end + 1 : p + *len;
  return true;
}

/* Joins the groups into one allocated string ("" for none), or NULL: out
 * of memory (*rc REED_ENOMEM) or a name holding the separator or empty
 * (*rc REED_EINVAL). */
static char *
pack_groups(const reed_xroster_item_t *it, int *rc)
{
  size_t n = 1, off = 0;
  char *out;

  for (size_t i = 0; i < it->n_groups; i++) {
    const char *g = it->groups[i];
    if (g == NULL || g[0] == '\0' ||
        strchr(g, REED_XROSTER_GROUP_SEP) != NULL) {
      *rc = REED_EINVAL;
      return NULL;
    }
    n += strlen(g) + 1;
  }
  if ((out = reed_malloc(n)) == NULL) {
    *rc = REED_ENOMEM;
    return NULL;
  }
  for (size_t i = 0; i < it->n_groups; i++) {
    size_t len = strlen(it->groups[i]);
    if (i > 0)
      out[off++] = REED_XROSTER_GROUP_SEP;
    memcpy(out + off, it->groups[i], len);
    off += len;
  }
  out[off] = '\0';
  return out;
}

static long long
bump(reed_xstore_t *xs, const char *acct)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_ROSTER_BUMP, sql_bump);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  return reed__xs_int(xs, s, REED_EIO, "roster version");
}

static long long
listed_state(reed_xstore_t *xs, const char *acct, const char *jid)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_ROSTER_LISTED, sql_listed);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, jid, -1, SQLITE_STATIC);
  return reed__xs_int(xs, s, -1, "roster item");
}

static int
current_ver(reed_xstore_t *xs, const char *acct, uint64_t *ver, uint64_t *floor)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_ROSTER_VER, sql_ver);
  int rc;

  *ver = *floor = 0;
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *ver = (uint64_t)sqlite3_column_int64(s, 0);
    *floor = (uint64_t)sqlite3_column_int64(s, 1);
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? 0 : reed__xs_fail(xs, "roster version");
  }
  sqlite3_reset(s);
  return rc;
}

static int
put_row(reed_xstore_t *xs, const char *acct, const reed_xroster_item_t *it,
        const char *groups, long long ver)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_ROSTER_PUT, sql_put);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, it->jid, -1, SQLITE_STATIC);
  if (it->name != NULL && it->name[0] != '\0')
    sqlite3_bind_text(s, 3, it->name, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 4, (int)it->sub);
  sqlite3_bind_int(s, 5, it->ask);
  sqlite3_bind_int(s, 6, it->pending_in);
  if (it->pending_in)
    reed__xs_text(s, 7, it->pending_status);
  sqlite3_bind_int(s, 8, it->approved);
  sqlite3_bind_int(s, 9, it->listed);
  sqlite3_bind_text(s, 10, groups, -1, SQLITE_STATIC);
  if (ver > 0)
    sqlite3_bind_int64(s, 11, ver);
  return reed__xs_done(xs, s, "roster put");
}

static int
put(reed_xstore_t *xs, const char *acct, const reed_xroster_item_t *it,
    const char *groups, uint64_t *ver_out)
{
  long long was = listed_state(xs, acct, it->jid), ver = 0;
  uint64_t floor;
  int rc;

  if (was < 0 && was != -1)
    return (int)was;
  /* A row the client sees, saw, or saw deleted: a change at a new version
   * (an unlisted row with a version is reported as a removal). */
  if (it->listed || was == 1 || was == 2) {
    ver = bump(xs, acct);
    if (ver < 0)
      return (int)ver;
  }
  rc = put_row(xs, acct, it, groups, ver);
  if (rc == 0 && ver_out != NULL)
    rc = current_ver(xs, acct, ver_out, &floor);
  return rc;
}

int
reed_xstore_roster_put(reed_xstore_t *xs, const char *account,
                       const reed_xroster_item_t *item, uint64_t *ver_out)
{
  char acct[REED_ACCOUNT_MAX + 1];
  char *groups;
  int rc;

  if (xs == NULL || item == NULL || item->jid == NULL || item->jid[0] == '\0' ||
      (unsigned)item->sub > REED_XSUB_BOTH ||
      (item->n_groups > 0 && item->groups == NULL))
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((groups = pack_groups(item, &rc)) == NULL)
    return rc;
  rc = reed__xs_write_begin(xs, acct);
  if (rc == 0)
    rc = reed__xs_write_end(xs, put(xs, acct, item, groups, ver_out));
  reed_free(groups);
  return rc;
}

static int
run_acct_jid(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql,
             const char *acct, const char *jid, long long arg3)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, id, sql);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  if (jid != NULL)
    sqlite3_bind_text(s, 2, jid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64(s, 2, arg3);
  if (jid != NULL && arg3 >= 0)
    sqlite3_bind_int64(s, 3, arg3);
  return reed__xs_done(xs, s, "roster delete");
}

/* Every deletion leaves a tombstone: a listed row's at a new version; an
 * unlisted row's keeps its version (one that left the roster was a
 * removal at that version; one that never was listed has version 0 and is
 * pruned at once). */
static int
del(reed_xstore_t *xs, const char *acct, const char *jid, uint64_t *ver_out)
{
  long long was = listed_state(xs, acct, jid), ver = -1;
  uint64_t floor;
  int rc;

  if (was < 0 && was != -1)
    return (int)was;
  if (was == -1 || was == 2)
    return REED_ENOTFOUND;
  if (was == 1 && (ver = bump(xs, acct)) < 0)
    return (int)ver;
  if ((rc = run_acct_jid(xs, XS_ROSTER_TOMB, sql_tomb, acct, jid, ver)) == 0 &&
      (rc = run_acct_jid(xs, XS_ROSTER_FLOOR, sql_floor, acct, NULL,
                         REED_XROSTER_TOMBSTONES)) == 0)
    rc = run_acct_jid(xs, XS_ROSTER_PRUNE, sql_prune, acct, NULL, 0);
  if (rc == 0 && ver_out != NULL)
    rc = current_ver(xs, acct, ver_out, &floor);
  return rc;
}

int
reed_xstore_roster_del(reed_xstore_t *xs, const char *account, const char *jid,
                       uint64_t *ver_out)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc;

  if (xs == NULL || jid == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  rc = reed__xs_write_begin(xs, acct);
  return rc != 0 ? rc : reed__xs_write_end(xs, del(xs, acct, jid, ver_out));
}

/* Steps s, reporting each row as an item; returns the number of rows or a
 * negative code. */
static int
each(reed_xstore_t *xs, sqlite3_stmt *s, reed_xroster_cb cb, void *ud)
{
  int rc, n = 0;

  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    reed_xroster_item_t it = {
        .jid = reed__xs_col(s, 0),
        .name = sqlite3_column_text(s, 1) ? reed__xs_col(s, 1) : NULL,
        .sub = (reed_xsub_t)(sqlite3_column_int(s, 2) & 3),
        .ask = sqlite3_column_int(s, 3) != 0,
        .pending_in = sqlite3_column_int(s, 4) != 0,
        .pending_status = sqlite3_column_text(s, 5) ? reed__xs_col(s, 5) : NULL,
        .approved = sqlite3_column_int(s, 6) != 0,
        .listed = sqlite3_column_int(s, 7) != 0,
        .groups_packed = reed__xs_col(s, 8),
        .ver = (uint64_t)sqlite3_column_int64(s, 9),
        .deleted = sqlite3_column_int(s, 10) != 0,
    };
    n++;
    cb(ud, &it);
  }
  rc = rc == SQLITE_DONE ? n : reed__xs_fail(xs, "roster read");
  sqlite3_reset(s);
  return rc;
}

int
reed_xstore_roster_get(reed_xstore_t *xs, const char *account, const char *jid,
                       reed_xroster_cb cb, void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || jid == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_ROSTER_GET, sql_get)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, jid, -1, SQLITE_STATIC);
  rc = each(xs, s, cb, ud);
  return rc < 0 ? rc : (rc == 0 ? REED_ENOTFOUND : 0);
}

int
reed_xstore_roster_list(reed_xstore_t *xs, const char *account, bool unlisted,
                        reed_xroster_cb cb, void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  s = unlisted ? reed__xs_stmt(xs, XS_ROSTER_LIST_ALL, sql_list_all)
               : reed__xs_stmt(xs, XS_ROSTER_LIST, sql_list);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  rc = each(xs, s, cb, ud);
  return rc < 0 ? rc : 0;
}

int
reed_xstore_roster_version(reed_xstore_t *xs, const char *account,
                           uint64_t *ver_out)
{
  char acct[REED_ACCOUNT_MAX + 1];
  uint64_t floor;
  int rc;

  if (xs == NULL || ver_out == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  return current_ver(xs, acct, ver_out, &floor);
}

int
reed_xstore_roster_since(reed_xstore_t *xs, const char *account, uint64_t since,
                         reed_xroster_cb cb, void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  uint64_t ver, floor;
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0 ||
      (rc = current_ver(xs, acct, &ver, &floor)) != 0)
    return rc;
  if (since > ver || since < floor)
    return REED_ENOTFOUND;
  if ((s = reed__xs_stmt(xs, XS_ROSTER_SINCE, sql_since)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)since);
  rc = each(xs, s, cb, ud);
  return rc < 0 ? rc : 0;
}

int
reed_xstore_roster_count(reed_xstore_t *xs, const char *account)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_ROSTER_COUNT, sql_count)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  return (int)reed__xs_int(xs, s, 0, "roster count");
}
