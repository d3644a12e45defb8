/* Server secrets (xmpp_store.h): one row per name, written once. */
#include "xstore_int.h"

#include <string.h>

static const char sql_put[] =
    "INSERT OR IGNORE INTO xmpp_secret(name, value) VALUES(?1, ?2)";
static const char sql_get[] = "SELECT value FROM xmpp_secret WHERE name = ?1";

int
reed_xstore_secret(reed_xstore_t *xs, const char *name, uint8_t *buf, size_t n)
{
  sqlite3_stmt *s;
  int rc;

  if (xs == NULL || name == NULL || n == 0 || n > 64)
    return REED_EINVAL;
  if ((rc = reed_store_batch_begin(xs->st)) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_SECRET_PUT, sql_put)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob(s, 2, buf, (int)n, SQLITE_STATIC);
  if ((rc = reed__xs_done(xs, s, "secret put")) != 0)
    return rc;
  if ((s = reed__xs_stmt(xs, XS_SECRET_GET, sql_get)) == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) {
    rc = rc == SQLITE_DONE ? REED_EIO : reed__xs_fail(xs, "secret get");
  } else if ((size_t)sqlite3_column_bytes(s, 0) != n) {
    rc = REED_EINVAL;
  } else {
    memcpy(buf, sqlite3_column_blob(s, 0), n);
    rc = 0;
  }
  sqlite3_reset(s);
  return rc;
}
