/* Internals of the XMPP store (xstore_*.c): the handle, its statement
 * cache and the helpers every family uses. */
#ifndef REED_XSTORE_INT_H
#define REED_XSTORE_INT_H

#include "xmpp_store.h"

#include <sqlite3.h>

/* One slot per cached statement; each family file keeps its SQL next to
 * its code and passes it with the slot. */
typedef enum {
  XS_SAVEPOINT,
  XS_RELEASE,
  XS_ROLLBACK_TO,
  XS_ACCOUNT_EXISTS,
  XS_ROSTER_BUMP,
  XS_ROSTER_PUT,
  XS_ROSTER_LISTED,
  XS_ROSTER_TOMB,
  XS_ROSTER_FLOOR,
  XS_ROSTER_PRUNE,
  XS_ROSTER_GET,
  XS_ROSTER_LIST,
  XS_ROSTER_LIST_ALL,
  XS_ROSTER_VER,
  XS_ROSTER_SINCE,
  XS_ROSTER_COUNT,
  XS_OFFLINE_COUNT,
  XS_OFFLINE_ADD,
  XS_OFFLINE_LIST,
  XS_OFFLINE_DEL,
  XS_OFFLINE_DEL_ID,
  XS_RETRACT_ADD,
  XS_RETRACT_PRUNE,
  XS_RETRACT_OF,
  XS_RETRACT_DROP,
  XS_BLOCK_ADD,
  XS_BLOCK_DEL,
  XS_BLOCK_CLEAR,
  XS_BLOCK_LIST,
  XS_BLOCK_MATCH,
  XS_BLOCK_COUNT,
  XS_PRIVATE_SET,
  XS_PRIVATE_GET,
  XS_VCARD_SET,
  XS_VCARD_GET,
  XS_VCARD_DEL,
  XS_PEP_NODE_PUT,
  XS_PEP_NODE_GET,
  XS_PEP_NODE_LIST,
  XS_PEP_NODE_DEL,
  XS_PEP_ITEMS_DEL,
  XS_PEP_PUBLISH,
  XS_PEP_TRIM,
  XS_PEP_RETRACT,
  XS_PEP_ITEMS,
  XS_PEP_ITEM_GET,
  XS_FAST_EXPIRE,
  XS_FAST_DROP_PREV,
  XS_FAST_DEMOTE,
  XS_FAST_INSERT,
  XS_FAST_TRIM_CLIENTS,
  XS_FAST_GET,
  XS_FAST_DEL_CLIENT,
  XS_FAST_DEL_ACCOUNT,
  XS_SECRET_PUT,
  XS_SECRET_GET,
  XS__COUNT
} reed__xs_stmt_id;

struct reed_xstore_s {
  reed_store_t *st;
  sqlite3 *db;
  reed_log_t *log;
  sqlite3_stmt *stmts[XS__COUNT];
};

/* The folded account name (the store's key), or REED_EBADACCOUNT. */
int reed__xs_fold(char out[REED_ACCOUNT_MAX + 1], const char *account);
/* The cached statement of slot `id` (prepared from sql at first use),
 * reset with its bindings cleared, or NULL (logged). */
sqlite3_stmt *reed__xs_stmt(reed_xstore_t *xs, reed__xs_stmt_id id,
                            const char *sql);
/* Logs SQLite's message; REED_ENOMEM or REED_EIO. */
int reed__xs_fail(reed_xstore_t *xs, const char *what);
/* Steps a statement whose rows are not read, then resets it: 0,
 * REED_EEXIST (a unique key refused the row) or reed__xs_fail. */
int reed__xs_done(reed_xstore_t *xs, sqlite3_stmt *s, const char *what);
/* Steps a statement returning one integer: the integer, `none` when it
 * returns no row, or a negative code. */
long long reed__xs_int(reed_xstore_t *xs, sqlite3_stmt *s, long long none,
                       const char *what);
/* Rows the last statement changed (triggers' rows not counted). */
int reed__xs_changes(reed_xstore_t *xs);

/* A write: joins the turn's batch and opens a savepoint, after checking
 * that the account exists. 0 or REED_EUNAVAILABLE (degraded),
 * REED_ENOACCOUNT, REED_EIO. */
int reed__xs_write_begin(reed_xstore_t *xs, const char *folded);
/* Releases the savepoint when rc is 0, else rolls back to it; returns rc
 * or the release's error. */
int reed__xs_write_end(reed_xstore_t *xs, int rc);

/* Binds text (NULL binds NULL), borrowed for the statement's step. */
void reed__xs_text(sqlite3_stmt *s, int i, const char *v);
/* A column as text, "" for NULL. */
const char *reed__xs_col(sqlite3_stmt *s, int i);

#endif
