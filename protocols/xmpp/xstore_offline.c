/* Offline messages, bounded per account (xmpp_store.h). */
#include "xstore_int.h"

static const char sql_count[] =
    "SELECT count(*) FROM xmpp_offline WHERE account = ?1";
static const char sql_add[] =
    "INSERT INTO xmpp_offline(account, msg_id, sender, stamp_ms, xml)"
    " VALUES(?1, ?2, ?3, ?4, ?5) RETURNING seq";
static const char sql_list[] =
    "SELECT seq, msg_id, sender, stamp_ms, xml FROM xmpp_offline"
    " WHERE account = ?1 ORDER BY seq";
static const char sql_del[] =
    "DELETE FROM xmpp_offline WHERE account = ?1 AND seq <= ?2";

static long long
count(reed_xstore_t *xs, const char *acct)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_OFFLINE_COUNT, sql_count);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  return reed__xs_int(xs, s, 0, "offline count");
}

static int
add(reed_xstore_t *xs, const char *acct, const reed_xoffline_t *m, size_t max,
    uint64_t *seq_out)
{
  long long n = count(xs, acct), seq;
  sqlite3_stmt *s;

  if (n < 0)
    return (int)n;
  if ((size_t)n >= max)
    return REED_ELIMIT;
  if ((s = reed__xs_stmt(xs, XS_OFFLINE_ADD, sql_add)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  if (m->id != NULL && m->id[0] != '\0')
    sqlite3_bind_text(s, 2, m->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, m->from, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, (sqlite3_int64)m->stamp_ms);
  sqlite3_bind_text(s, 5, m->xml, -1, SQLITE_STATIC);
  seq = reed__xs_int(xs, s, REED_EIO, "offline add");
  if (seq < 0)
    return (int)seq;
  if (seq_out != NULL)
    *seq_out = (uint64_t)seq;
  return 0;
}

int
reed_xstore_offline_add(reed_xstore_t *xs, const char *account,
                        const reed_xoffline_t *msg, size_t max,
                        uint64_t *seq_out)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc;

  if (xs == NULL || msg == NULL || msg->from == NULL || msg->xml == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, add(xs, acct, msg, max, seq_out));
}

int
reed_xstore_offline_list(reed_xstore_t *xs, const char *account,
                         void (*cb)(void *ud, const reed_xoffline_t *m),
                         void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_OFFLINE_LIST, sql_list)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    reed_xoffline_t m = {
        .seq = (uint64_t)sqlite3_column_int64(s, 0),
        .id = reed__xs_col(s, 1),
        .from = reed__xs_col(s, 2),
        .stamp_ms = (uint64_t)sqlite3_column_int64(s, 3),
        .xml = reed__xs_col(s, 4),
    };
    cb(ud, &m);
  }
  rc = rc == SQLITE_DONE ? 0 : reed__xs_fail(xs, "offline list");
  sqlite3_reset(s);
  return rc;
}

static int
del(reed_xstore_t *xs, const char *acct, uint64_t upto)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, XS_OFFLINE_DEL, sql_del);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)upto);
  rc = reed__xs_done(xs, s, "offline delete");
  return rc != 0 ? rc : reed__xs_changes(xs);
}

int
reed_xstore_offline_del_upto(reed_xstore_t *xs, const char *account,
                             uint64_t upto)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc, n;

  if (xs == NULL || upto > INT64_MAX)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  n = del(xs, acct, upto);
  rc = reed__xs_write_end(xs, n < 0 ? n : 0);
  return rc != 0 ? rc : n;
}

int
reed_xstore_offline_count(reed_xstore_t *xs, const char *account)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc;

  if (xs == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  return (int)count(xs, acct);
}

static const char sql_del_id[] =
    "DELETE FROM xmpp_offline WHERE account = ?1 AND msg_id = ?2";

int
reed_xstore_offline_del_id(reed_xstore_t *xs, const char *account,
                           const char *msg_id)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc, n;

  if (xs == NULL || msg_id == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_OFFLINE_DEL_ID, sql_del_id)) == NULL)
    return reed__xs_write_end(xs, REED_EIO);
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, msg_id, -1, SQLITE_STATIC);
  rc = reed__xs_done(xs, s, "offline delete id");
  n = rc != 0 ? rc : reed__xs_changes(xs);
  rc = reed__xs_write_end(xs, n < 0 ? n : 0);
  return rc != 0 ? rc : n;
}
