/* FAST tokens (XEP-0484): the current and the previous token per account
 * and client. Why the token itself is stored: xmpp_store.h. */
#include "xstore_int.h"

#include <string.h>

static const char sql_expire[] =
    "DELETE FROM xmpp_fast WHERE account = ?1 AND expiry_ms <= ?2";
static const char sql_drop_prev[] =
    "DELETE FROM xmpp_fast WHERE account = ?1 AND client = ?2 AND slot = 1";
static const char sql_demote[] = "UPDATE xmpp_fast SET slot = 1"
                                 " WHERE account = ?1 AND client = ?2"
                                 " AND slot = 0";
static const char sql_insert[] =
    "INSERT INTO xmpp_fast(account, client, slot, mech, token, created_ms,"
    " expiry_ms) VALUES(?1, ?2, 0, ?3, ?4, ?5, ?6)";
/* Past the bound, the clients whose newest token is oldest go. */
static const char sql_trim_clients[] =
    "DELETE FROM xmpp_fast WHERE account = ?1 AND client IN (SELECT client"
    " FROM xmpp_fast WHERE account = ?1 GROUP BY client"
    " ORDER BY max(created_ms) DESC, client LIMIT -1 OFFSET ?2)";
static const char sql_get[] =
    "SELECT slot, mech, token, created_ms, expiry_ms FROM xmpp_fast"
    " WHERE account = ?1 AND client = ?2 AND expiry_ms > ?3 ORDER BY slot";
static const char sql_del_client[] =
    "DELETE FROM xmpp_fast WHERE account = ?1 AND client = ?2";
static const char sql_del_account[] =
    "DELETE FROM xmpp_fast WHERE account = ?1";

static bool
client_ok(const char *client)
{
  return client != NULL && client[0] != '\0' &&
         strlen(client) <= REED_XFAST_CLIENT_MAX;
}

/* Runs slot id with ?1 the account, ?2 the client, or else the integer
 * arg when it is not negative. */
static int
run(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql, const char *acct,
    const char *client, long long arg)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, id, sql);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  if (client != NULL)
    sqlite3_bind_text(s, 2, client, -1, SQLITE_STATIC);
  else if (arg >= 0)
    sqlite3_bind_int64(s, 2, arg);
  return reed__xs_done(xs, s, "fast");
}

static int
issue(reed_xstore_t *xs, const char *acct, const char *client,
      const reed_xfast_token_t *t)
{
  sqlite3_stmt *s;
  int rc;

  if ((rc = run(xs, XS_FAST_EXPIRE, sql_expire, acct, NULL,
                (long long)t->created_ms)) != 0 ||
      (rc = run(xs, XS_FAST_DROP_PREV, sql_drop_prev, acct, client, -1)) != 0 ||
      (rc = run(xs, XS_FAST_DEMOTE, sql_demote, acct, client, -1)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_FAST_INSERT, sql_insert)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, client, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, t->mech, -1, SQLITE_STATIC);
  sqlite3_bind_blob(s, 4, t->token, (int)t->token_len, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, (sqlite3_int64)t->created_ms);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)t->expiry_ms);
  if ((rc = reed__xs_done(xs, s, "fast issue")) != 0)
    return rc;
  return run(xs, XS_FAST_TRIM_CLIENTS, sql_trim_clients, acct, NULL,
             REED_XFAST_CLIENTS_MAX);
}

int
reed_xstore_fast_issue(reed_xstore_t *xs, const char *account,
                       const char *client, const reed_xfast_token_t *tok)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc;

  if (xs == NULL || !client_ok(client) || tok == NULL || tok->mech == NULL ||
      tok->mech[0] == '\0' || tok->token == NULL || tok->token_len == 0 ||
      tok->token_len > REED_XFAST_TOKEN_MAX || tok->created_ms > INT64_MAX ||
      tok->expiry_ms > INT64_MAX)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0 ||
      (rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, issue(xs, acct, client, tok));
}

int
reed_xstore_fast_get(reed_xstore_t *xs, const char *account, const char *client,
                     uint64_t now_ms,
                     void (*cb)(void *ud, const reed_xfast_token_t *t),
                     void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc, n = 0;

  if (xs == NULL || !client_ok(client) || cb == NULL || now_ms > INT64_MAX)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_FAST_GET, sql_get)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, client, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)now_ms);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    reed_xfast_token_t t = {
        .current = sqlite3_column_int(s, 0) == 0,
        .mech = reed__xs_col(s, 1),
        .token = sqlite3_column_blob(s, 2),
        .token_len = (size_t)sqlite3_column_bytes(s, 2),
        .created_ms = (uint64_t)sqlite3_column_int64(s, 3),
        .expiry_ms = (uint64_t)sqlite3_column_int64(s, 4),
    };
    n++;
    cb(ud, &t);
  }
  rc = rc == SQLITE_DONE ? n : reed__xs_fail(xs, "fast get");
  sqlite3_reset(s);
  return rc;
}

/* A delete of this file (client NULL: the whole account). */
static int
del(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql,
    const char *account, const char *client, bool need_client)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc;

  if (xs == NULL || (need_client && !client_ok(client)))
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0 ||
      (rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, run(xs, id, sql, acct, client, -1));
}

int
reed_xstore_fast_drop_previous(reed_xstore_t *xs, const char *account,
                               const char *client)
{
  return del(xs, XS_FAST_DROP_PREV, sql_drop_prev, account, client, true);
}

int
reed_xstore_fast_del_client(reed_xstore_t *xs, const char *account,
                            const char *client)
{
  return del(xs, XS_FAST_DEL_CLIENT, sql_del_client, account, client, true);
}

int
reed_xstore_fast_del_account(reed_xstore_t *xs, const char *account)
{
  return del(xs, XS_FAST_DEL_ACCOUNT, sql_del_account, account, NULL, false);
}
