/* Private XML storage (XEP-0049) and vcard-temp (XEP-0054): XML text per
 * account, keyed by element name and namespace, or one per account. */
#include "xstore_int.h"

static const char sql_private_set[] =
    "INSERT OR REPLACE INTO xmpp_private(account, name, ns, xml)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char sql_private_get[] = "SELECT xml FROM xmpp_private"
                                      " WHERE account = ?1 AND name = ?2"
                                      " AND ns = ?3";
static const char sql_vcard_set[] =
    "INSERT OR REPLACE INTO xmpp_vcard(account, xml) VALUES(?1, ?2)";
static const char sql_vcard_get[] =
    "SELECT xml FROM xmpp_vcard WHERE account = ?1";
static const char sql_vcard_del[] = "DELETE FROM xmpp_vcard WHERE account = ?1";

/* A write of this file: ?1 the folded account, then up to three texts.
 * With `need`, no row changed is REED_ENOTFOUND. */
static int
write_texts(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql,
            const char *account, const char *const *v, int n, bool need)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL)
    return REED_EINVAL;
  for (int i = 0; i < n; i++)
    if (v[i] == NULL)
      return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((rc = reed__xs_write_begin(xs, acct)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, id, sql)) == NULL) {
    rc = REED_EIO;
  } else {
    sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
    for (int i = 0; i < n; i++)
      sqlite3_bind_text(s, i + 2, v[i], -1, SQLITE_STATIC);
    rc = reed__xs_done(xs, s, "private write");
    if (rc == 0 && need && reed__xs_changes(xs) == 0)
      rc = REED_ENOTFOUND;
  }
  return reed__xs_write_end(xs, rc);
}

/* A read of this file: one row's xml to cb, or REED_ENOTFOUND. */
static int
read_xml(reed_xstore_t *xs, reed__xs_stmt_id id, const char *sql,
         const char *account, const char *const *v, int n, reed_xml_cb cb,
         void *ud)
{
  char acct[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || cb == NULL)
    return REED_EINVAL;
  for (int i = 0; i < n; i++)
    if (v[i] == NULL)
      return REED_EINVAL;
  if ((rc = reed__xs_fold(acct, account)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, id, sql)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, acct, -1, SQLITE_STATIC);
  for (int i = 0; i < n; i++)
    sqlite3_bind_text(s, i + 2, v[i], -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    cb(ud, reed__xs_col(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    rc = 0;
  } else {
    rc = rc == SQLITE_DONE ? REED_ENOTFOUND : reed__xs_fail(xs, "read xml");
  }
  sqlite3_reset(s);
  return rc;
}

int
reed_xstore_private_set(reed_xstore_t *xs, const char *account,
                        const char *name, const char *ns, const char *xml)
{
  const char *v[] = {name, ns, xml};

  return write_texts(xs, XS_PRIVATE_SET, sql_private_set, account, v, 3, false);
}

int
reed_xstore_private_get(reed_xstore_t *xs, const char *account,
                        const char *name, const char *ns, reed_xml_cb cb,
                        void *ud)
{
  const char *v[] = {name, ns};

  return read_xml(xs, XS_PRIVATE_GET, sql_private_get, account, v, 2, cb, ud);
}

int
reed_xstore_vcard_set(reed_xstore_t *xs, const char *account, const char *xml)
{
  const char *v[] = {xml};

  return write_texts(xs, XS_VCARD_SET, sql_vcard_set, account, v, 1, false);
}

int
reed_xstore_vcard_get(reed_xstore_t *xs, const char *account, reed_xml_cb cb,
                      void *ud)
{
  return read_xml(xs, XS_VCARD_GET, sql_vcard_get, account, NULL, 0, cb, ud);
}

int
reed_xstore_vcard_del(reed_xstore_t *xs, const char *account)
{
  return write_texts(xs, XS_VCARD_DEL, sql_vcard_del, account, NULL, 0, true);
}
