/* The blocklist (XEP-0191) and its JID matching. */
#include "xstore_int.h"

#include <string.h>

static const char sql_add[] =
    "INSERT INTO xmpp_block(account, jid) VALUES(?1, ?2)";
static const char sql_del[] =
    "DELETE FROM xmpp_block WHERE account = ?1 AND jid = ?2";
static const char sql_clear[] = "DELETE FROM xmpp_block WHERE account = ?1";
static const char sql_list[] =
    "SELECT jid FROM xmpp_block WHERE account = ?1 ORDER BY jid";
static const char sql_match[] =
    "SELECT 1 FROM xmpp_block WHERE account = ?1 AND jid IN (?2, ?3, ?4, ?5)";
static const char sql_count[] =
    "SELECT count(*) FROM xmpp_block WHERE account = ?1";

/* Runs one write of this file; returns its result, then the rows it
 * changed (ENOTFOUND when `need` and none). */
static int
change(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql,
       const char *account, const char *jid, bool need)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc, n = 0;

  if (xs == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, id, sql)) == NULL) {
    rc = REED_EIO;
  } else {
    sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
    reed__xs_text(s, 2, jid);
    rc = reed__xs_done(xs, s, "block");
    n = rc == 0 ? reed__xs_changes(xs) : 0;
    if (rc == 0 && need && n == 0)
      rc = REED_ENOTFOUND;
  }
  rc = reed__xs_write_end(xs, rc);
  return rc != 0 ? rc : n;
}

int
reed_xstore_block_add(reed_xstore_t *xs, const char *account, const char *jid)
{
  int rc;

  if (jid == NULL || jid[0] == '\0')
    return REED_EINVAL;
  rc = change(xs, XS_BLOCK_ADD, sql_add, account, jid, false);
  return rc < 0 ? rc : 0;
}

int
reed_xstore_block_del(reed_xstore_t *xs, const char *account, const char *jid)
{
  int rc;

  if (jid == NULL)
    return REED_EINVAL;
  rc = change(xs, XS_BLOCK_DEL, sql_del, account, jid, true);
  return rc < 0 ? rc : 0;
}

int
reed_xstore_block_clear(reed_xstore_t *xs, const char *account)
{
  return change(xs, XS_BLOCK_CLEAR, sql_clear, account, NULL, false);
}

int
reed_xstore_block_list(reed_xstore_t *xs, const char *account,
                       void (*cb)(void *ud, const char *jid), void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_BLOCK_LIST, sql_list)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    cb(ud, reed__xs_col(s, 0));
  rc = rc == SQLITE_DONE ? 0 : reed__xs_fail(xs, "block list");
  sqlite3_reset(s);
  return rc;
}

/* Binds the JID itself, its bare JID, its domain/resource and its domain
 * (some are the same JID again when it has no localpart or resource). */
static void
bind_forms(sqlite3_stmt *s, const char *jid)
{
  const char *slash = strchr(jid, '/');
  size_t bare_len = slash != NULL ? (size_t)(slash - jid) : strlen(jid);
  const char *at = memchr(jid, '@', bare_len);
  const char *domain = at != NULL ? at + 1 : jid;
  size_t domain_len = bare_len - (size_t)(domain - jid);

  sqlite3_bind_text(s, 2, jid, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, jid, (int)bare_len, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, domain, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, domain, (int)domain_len, SQLITE_STATIC);
}

int
reed_xstore_block_match(reed_xstore_t *xs, const char *account, const char *jid)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || jid == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_BLOCK_MATCH, sql_match)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  bind_forms(s, jid);
  return (int)reed__xs_int(xs, s, 0, "block match");
}

int
reed_xstore_block_count(reed_xstore_t *xs, const char *account)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_BLOCK_COUNT, sql_count)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  return (int)reed__xs_int(xs, s, 0, "block count");
}
