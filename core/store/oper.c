/* Operator accounts (`reed account oper add|del|list`): the `opers` table
 * of schema step 8, one row per account, gone with its account. Reads and
 * writes prepare their statement each time: these are rare operator
 * actions, not a chat path. */
#include "store_int.h"

#include <string.h>

static int
run(reed_store_t *st, const char *sql, const char *folded, const char *what)
{
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return reed__store_fail(st, what);
  if (folded != NULL)
    sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    rc = sqlite3_column_int(s, 0);
  else if (rc == SQLITE_DONE)
    rc = sqlite3_changes(st->db);
  else
    rc = reed__store_fail(st, what);
  sqlite3_finalize(s);
  return rc;
}

int
reed_store_oper_set(reed_store_t *st, const char *account, bool oper)
{
  char folded[REED_ACCOUNT_MAX + 1];
  int rc;

  if (!reed_store_account_name_valid(account))
    return REED_EBADACCOUNT;
  reed__store_fold(folded, account);
  if ((rc = reed__store_txn_begin(st)) != 0)
    return rc;
  if (oper)
    rc = run(st,
             "INSERT OR IGNORE INTO opers(account)"
             " SELECT folded FROM accounts WHERE folded = ?1",
             folded, "add operator");
  else
    rc = run(st, "DELETE FROM opers WHERE account = ?1", folded,
             "remove operator");
  if (rc == 0 && oper)
    rc = reed_store_oper_is(st, account) == 1 ? 0 : REED_ENOACCOUNT;
  else if (rc == 0)
    rc = REED_ENOTFOUND;
  else if (rc > 0)
    rc = 0;
  return reed__store_txn_end(st, rc);
}

int
reed_store_oper_is(reed_store_t *st, const char *account)
{
  char folded[REED_ACCOUNT_MAX + 1];

  if (!reed_store_account_name_valid(account))
    return 0;
  reed__store_fold(folded, account);
  return run(st, "SELECT count(*) FROM opers WHERE account = ?1", folded,
             "look up operator");
}

int
reed_store_oper_count(reed_store_t *st)
{
  return run(st, "SELECT count(*) FROM opers", NULL, "count operators");
}

int
reed_store_oper_list(reed_store_t *st, void (*cb)(void *ud, const char *name),
                     void *ud)
{
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2(st->db,
                         "SELECT a.name FROM opers o JOIN accounts a"
                         " ON a.folded = o.account ORDER BY o.account",
                         -1, &s, NULL) != SQLITE_OK)
    return reed__store_fail(st, "list operators");
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    cb(ud, (const char *)sqlite3_column_text(s, 0));
  rc = rc == SQLITE_DONE ? 0 : reed__store_fail(st, "list operators");
  sqlite3_finalize(s);
  return rc;
}
