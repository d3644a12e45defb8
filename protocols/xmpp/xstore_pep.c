/* PEP nodes and items (XEP-0163 on XEP-0060), bounded per node. */
#include "xstore_int.h"

static const char sql_node_put[] =
    "INSERT INTO xmpp_pep_node(account, node, access, max_items, persist)"
    " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(account, node) DO UPDATE SET"
    " access = excluded.access, max_items = excluded.max_items,"
    " persist = excluded.persist";
static const char sql_node_get[] =
    "SELECT access, max_items, persist FROM xmpp_pep_node"
    " WHERE account = ?1 AND node = ?2";
static const char sql_node_list[] =
    "SELECT node, access, max_items, persist FROM xmpp_pep_node"
    " WHERE account = ?1 ORDER BY node";
static const char sql_node_del[] =
    "DELETE FROM xmpp_pep_node WHERE account = ?1 AND node = ?2";
static const char sql_items_del[] =
    "DELETE FROM xmpp_pep_item WHERE account = ?1 AND node = ?2";
/* A new seq makes a replaced id the newest. */
static const char sql_publish[] =
    "INSERT OR REPLACE INTO xmpp_pep_item(account, node, item_id, xml,"
    " published_ms) VALUES(?1, ?2, ?3, ?4, ?5)";
/* Keeps the node's max_items newest items. */
static const char sql_trim[] =
    "DELETE FROM xmpp_pep_item WHERE account = ?1 AND node = ?2 AND seq <="
    " (SELECT seq FROM xmpp_pep_item WHERE account = ?1 AND node = ?2"
    " ORDER BY seq DESC LIMIT 1 OFFSET (SELECT max_items FROM xmpp_pep_node"
    " WHERE account = ?1 AND node = ?2))";
static const char sql_retract[] = "DELETE FROM xmpp_pep_item WHERE account = ?1"
                                  " AND node = ?2 AND item_id = ?3";
static const char sql_items[] =
    "SELECT item_id, xml, published_ms FROM xmpp_pep_item"
    " WHERE account = ?1 AND node = ?2 ORDER BY seq DESC LIMIT ?3";
static const char sql_item_get[] =
    "SELECT item_id, xml, published_ms FROM xmpp_pep_item"
    " WHERE account = ?1 AND node = ?2 AND item_id = ?3";

/* Prepares slot id with ?1 the account and ?2 the node bound. */
static sqlite3_stmt *
stmt2(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql, const char *acct,
      const char *node)
{
  sqlite3_stmt *s = reed__xs_stmt(xs, id, sql);

  if (s != NULL) {
    sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, node, -1, SQLITE_STATIC);
  }
  return s;
}

static int
run2(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql, const char *acct,
     const char *node)
{
  sqlite3_stmt *s = stmt2(xs, id, sql, acct, node);

  return s == NULL ? REED_EIO : reed__xs_done(xs, s, "pep");
}

/* Folds the account and checks the node name. */
static int
args(reed_xstore_t *xs, char acct[REED_ACCOUNT_MAX + 1], const char *account,
     const char *node)
{
  if (xs == NULL || node == NULL || node[0] == '\0')
    return REED_EINVAL;
  return reed__xs_fold(acct, account);
}

static int
node_put(reed_xstore_t *xs, const char *acct, const char *node,
         const reed_xpep_conf_t *conf)
{
  sqlite3_stmt *s = stmt2(xs, XS_PEP_NODE_PUT, sql_node_put, acct, node);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int(s, 3, (int)conf->access);
  sqlite3_bind_int64(s, 4, conf->max_items);
  sqlite3_bind_int(s, 5, conf->persist);
  rc = reed__xs_done(xs, s, "pep node");
  return rc != 0 ? rc : run2(xs, XS_PEP_TRIM, sql_trim, acct, node);
}

int
reed_xstore_pep_node_put(reed_xstore_t *xs, const char *account,
                         const char *node, const reed_xpep_conf_t *conf)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if (conf == NULL || conf->max_items == 0 ||
      (unsigned)conf->access > REED_XPEP_WHITELIST)
    return REED_EINVAL;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, node_put(xs, acct, node, conf));
}

static reed_xpep_conf_t
conf_at(sqlite3_stmt *s, int col)
{
  return (reed_xpep_conf_t){
      .access = (reed_xpep_access_t)(sqlite3_column_int(s, col) & 3),
      .max_items = (uint32_t)sqlite3_column_int64(s, col + 1),
      .persist = sqlite3_column_int(s, col + 2) != 0,
  };
}

int
reed_xstore_pep_node_get(reed_xstore_t *xs, const char *account,
                         const char *node, reed_xpep_conf_t *out)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if ((s = stmt2(xs, XS_PEP_NODE_GET, sql_node_get, acct, node)) == NULL)
    return REED_EIO;
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    if (out != NULL)
      *out = conf_at(s, 0);
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? REED_ENOTFOUND : reed__xs_fail(xs, "pep node");
  }
  sqlite3_reset(s);
  return rc;
}

int
reed_xstore_pep_node_list(reed_xstore_t *xs, const char *account,
                          void (*cb)(void *ud, const char *node,
                                     const reed_xpep_conf_t *conf),
                          void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_PEP_NODE_LIST, sql_node_list)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    reed_xpep_conf_t conf = conf_at(s, 1);
    cb(ud, reed__xs_col(s, 0), &conf);
  }
  rc = rc == SQLITE_DONE ? 0 : reed__xs_fail(xs, "pep nodes");
  sqlite3_reset(s);
  return rc;
}

static int
node_del(reed_xstore_t *xs, const char *acct, const char *node)
{
  int rc = run2(xs, XS_PEP_NODE_DEL, sql_node_del, acct, node);

  if (rc == 0 && reed__xs_changes(xs) == 0)
    return REED_ENOTFOUND;
  return rc != 0 ? rc : run2(xs, XS_PEP_ITEMS_DEL, sql_items_del, acct, node);
}

int
reed_xstore_pep_node_del(reed_xstore_t *xs, const char *account,
                         const char *node)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc = args(xs, acct, account, node);

  if (rc != 0 || (rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, node_del(xs, acct, node));
}

static int
publish(reed_xstore_t *xs, const char *acct, const char *node,
        const reed_xpep_item_t *it)
{
  sqlite3_stmt *s;
  int rc = reed_xstore_pep_node_get(xs, acct, node, NULL);

  if (rc != 0)
    return rc;
  if ((s = stmt2(xs, XS_PEP_PUBLISH, sql_publish, acct, node)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 3, it->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, it->xml, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, (sqlite3_int64)it->published_ms);
  rc = reed__xs_done(xs, s, "pep publish");
  return rc != 0 ? rc : run2(xs, XS_PEP_TRIM, sql_trim, acct, node);
}

int
reed_xstore_pep_publish(reed_xstore_t *xs, const char *account,
                        const char *node, const reed_xpep_item_t *item)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if (item == NULL || item->id == NULL || item->id[0] == '\0' ||
      item->xml == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, publish(xs, acct, node, item));
}

static int
retract(reed_xstore_t *xs, const char *acct, const char *node, const char *id)
{
  sqlite3_stmt *s = stmt2(xs, XS_PEP_RETRACT, sql_retract, acct, node);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
  rc = reed__xs_done(xs, s, "pep retract");
  if (rc == 0 && reed__xs_changes(xs) == 0)
    rc = REED_ENOTFOUND;
  return rc;
}

int
reed_xstore_pep_retract(reed_xstore_t *xs, const char *account,
                        const char *node, const char *id)
{
  char acct[REED_ACCOUNT_MAX + 1];
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if (id == NULL)
    return REED_EINVAL;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  return reed__xs_write_end(xs, retract(xs, acct, node, id));
}

/* Reports each row of s as an item; the number of rows or a code. */
static int
each_item(reed_xstore_t *xs, sqlite3_stmt *s,
          void (*cb)(void *ud, const reed_xpep_item_t *item), void *ud)
{
  int rc, n = 0;

  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    reed_xpep_item_t it = {
        .id = reed__xs_col(s, 0),
        .xml = reed__xs_col(s, 1),
        .published_ms = (uint64_t)sqlite3_column_int64(s, 2),
    };
    n++;
    cb(ud, &it);
  }
  rc = rc == SQLITE_DONE ? n : reed__xs_fail(xs, "pep items");
  sqlite3_reset(s);
  return rc;
}

int
reed_xstore_pep_items(reed_xstore_t *xs, const char *account, const char *node,
                      size_t max,
                      void (*cb)(void *ud, const reed_xpep_item_t *item),
                      void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if (cb == NULL)
    return REED_EINVAL;
  if ((rc = reed_xstore_pep_node_get(xs, acct, node, NULL)) != 0)
    return rc;
  if ((s = stmt2(xs, XS_PEP_ITEMS, sql_items, acct, node)) == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 3,
                     max == 0 || max > INT64_MAX ? -1 : (sqlite3_int64)max);
  rc = each_item(xs, s, cb, ud);
  return rc < 0 ? rc : 0;
}

int
reed_xstore_pep_item_get(reed_xstore_t *xs, const char *account,
                         const char *node, const char *id,
                         void (*cb)(void *ud, const reed_xpep_item_t *item),
                         void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc = args(xs, acct, account, node);

  if (rc != 0)
    return rc;
  if (id == NULL || cb == NULL)
    return REED_EINVAL;
  if ((s = stmt2(xs, XS_PEP_ITEM_GET, sql_item_get, acct, node)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
  rc = each_item(xs, s, cb, ud);
  return rc < 0 ? rc : (rc == 0 ? REED_ENOTFOUND : 0);
}
