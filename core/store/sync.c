/* Accounts changed by another process (`reed account add|del` while the
 * server runs) reach the running model here. Triggers log every account
 * created or deleted (account_log, schema step 4); the store replays the
 * rows it has not applied yet, in order, so a name deleted and created
 * again ends its old sessions. PRAGMA data_version tells, cheaply,
 * whether any other connection committed since the last look, so the
 * check can run often. A forced sync compares the whole accounts table
 * with the names the model knows instead. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define SYNC_INTERVAL_MS 1000
#define ACCOUNT_GONE_REASON "Account deleted"

typedef struct {
  char folded[REED_ACCOUNT_MAX + 1];
  char name[REED_ACCOUNT_MAX + 1];
} name_t;

/* A growable array of names; `oom` records a failed append. */
typedef struct {
  name_t *v;
  size_t n, cap;
  bool oom;
} names_t;

static void
names_add(names_t *a, const char *folded, const char *name)
{
  if (reed_array_grow(&a->v, &a->cap, a->n, sizeof(*a->v), 64) != 0) {
    a->oom = true;
    return;
  }
  reed_strlcpy(a->v[a->n].folded, folded, sizeof(a->v[0].folded));
  reed_strlcpy(a->v[a->n].name, name, sizeof(a->v[0].name));
  a->n++;
}

static int
data_version(reed_store_t *st, long long *out)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_DATA_VERSION);
  int rc = 0;

  if (s == NULL)
    return REED_EIO;
  if (sqlite3_step(s) == SQLITE_ROW)
    *out = sqlite3_column_int64(s, 0);
  else
    rc = reed__store_fail(st, "read data version");
  sqlite3_reset(s);
  return rc;
}

/* The accounts table's names, ordered by folded name. */
static int
read_names(reed_store_t *st, names_t *db)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_NAMES);
  int step;

  if (s == NULL)
    return REED_EIO;
  while ((step = sqlite3_step(s)) == SQLITE_ROW && !db->oom)
    names_add(db, (const char *)sqlite3_column_text(s, 0),
              (const char *)sqlite3_column_text(s, 1));
  if (db->oom)
    step = SQLITE_DONE;
  sqlite3_reset(s);
  if (step != SQLITE_DONE)
    return reed__store_fail(st, "list accounts");
  return db->oom ? REED_ENOMEM : 0;
}

static int
cmp_folded(const void *key, const void *elem)
{
  return strcmp(key, ((const name_t *)elem)->folded);
}

typedef struct {
  const names_t *db;
  names_t gone;
} diff_t;

/* Collects the model's accounts that the table no longer has. */
static void
check_model_account(void *ud, const char *name)
{
  diff_t *d = ud;
  char folded[REED_ACCOUNT_MAX + 1];

  reed__store_fold(folded, name);
  if (d->db->n == 0 ||
      bsearch(folded, d->db->v, d->db->n, sizeof(name_t), cmp_folded) == NULL)
    names_add(&d->gone, folded, name);
}

/* A deleted account's live sessions end with a reason each protocol
 * shows; then the model forgets the name. Returns 0 when the model did
 * not know it. */
static int
account_gone(reed_store_t *st, const char *name)
{
  int n = reed_model_account_end(st->model, name, ACCOUNT_GONE_REASON);

  if (reed_model_account_del(st->model, name) != 0)
    return 0;
  reed_log(st->log, REED_LOG_INFO,
           "store: account %s was deleted; %d of its users disconnected", name,
           n > 0 ? n : 0);
  return 1;
}

static void
forget_gone(reed_store_t *st, const names_t *gone)
{
  for (size_t i = 0; i < gone->n; i++)
    account_gone(st, gone->v[i].name);
}

static int
add_new(reed_store_t *st, const names_t *db)
{
  for (size_t i = 0; i < db->n; i++) {
    int rc;
    if (reed_model_account_exists(st->model, db->v[i].name))
      continue;
    rc = reed_model_account_add(st->model, db->v[i].name);
    if (rc == REED_ENOMEM)
      return rc;
    if (rc != 0)
      reed_log(st->log, REED_LOG_WARN, "store: account %s not loaded: %s",
               db->v[i].name, reed_strerror(rc));
  }
  return 0;
}

/* Makes the model's account names those of the table. */
static int
reconcile(reed_store_t *st)
{
  names_t db = {0};
  diff_t d = {.db = &db};
  int rc = read_names(st, &db);

  if (rc == 0) {
    reed_model_each_account(st->model, check_model_account, &d);
    rc = d.gone.oom ? REED_ENOMEM : 0;
  }
  if (rc == 0) {
    forget_gone(st, &d.gone);
    rc = add_new(st, &db);
  }
  reed_free(db.v);
  reed_free(d.gone.v);
  return rc;
}

/* The model's monotonic time (its wall clock when it has none). */
uint64_t
reed__store_now_ms(const reed_store_t *st)
{
  reed_clock_t *c = reed_model_clock(st->model);

  return c->now_ms != NULL ? c->now_ms(c->c) : c->wall_ms(c->c);
}

static int
log_last(reed_store_t *st, long long *out)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_LOG_LAST);
  int rc = 0;

  if (s == NULL)
    return REED_EIO;
  if (sqlite3_step(s) == SQLITE_ROW)
    *out = sqlite3_column_int64(s, 0);
  else
    rc = reed__store_fail(st, "read account log");
  sqlite3_reset(s);
  return rc;
}

/* Applies one logged account change to the model. */
static int
apply_logged(reed_store_t *st, const char *op, const char *name)
{
  int rc;

  if (op == NULL || name == NULL)
    return 0;
  if (strcmp(op, "del") == 0) {
    account_gone(st, name);
    return 0;
  }
  if (reed_model_account_exists(st->model, name))
    return 0;
  rc = reed_model_account_add(st->model, name);
  if (rc == REED_ENOMEM)
    return rc;
  if (rc != 0)
    reed_log(st->log, REED_LOG_WARN, "store: account %s not loaded: %s", name,
             reed_strerror(rc));
  return 0;
}

/* Applies the account_log rows after st->log_seq, in order; st->log_seq
 * follows each applied row, so a failure resumes there next time. */
static int
replay_log(reed_store_t *st)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_ACCOUNT_LOG_AFTER);
  int rc = 0, step = SQLITE_DONE;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, st->log_seq);
  while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
    rc = apply_logged(st, (const char *)sqlite3_column_text(s, 1),
                      (const char *)sqlite3_column_text(s, 2));
    if (rc == 0)
      st->log_seq = sqlite3_column_int64(s, 0);
  }
  if (rc == 0 && step != SQLITE_DONE)
    rc = reed__store_fail(st, "read account log");
  sqlite3_reset(s);
  return rc;
}

/* Remembers the data version and the account log position the model's
 * picture of the accounts matches (after the load). */
int
reed__store_sync_mark(reed_store_t *st)
{
  int rc = log_last(st, &st->log_seq);

  st->sync_ms = reed__store_now_ms(st);
  if (rc == 0)
    rc = data_version(st, &st->data_version);
  return rc;
}

/* The whole table against the model, then the log position after it. */
static int
full_sync(reed_store_t *st)
{
  long long last = 0;
  int rc = log_last(st, &last);

  if (rc == 0)
    rc = reconcile(st);
  if (rc == 0)
    st->log_seq = last;
  return rc;
}

int
reed_store_sync_accounts(reed_store_t *st, bool force)
{
  long long v = 0;
  uint64_t now;
  int rc;

  if (st == NULL || st->model == NULL)
    return REED_EINVAL;
  now = reed__store_now_ms(st);
  if (!force && now - st->sync_ms < SYNC_INTERVAL_MS)
    return 0;
  st->sync_ms = now;
  if ((rc = data_version(st, &v)) != 0)
    return rc;
  if (!force && v == st->data_version)
    return 0;
  rc = force ? full_sync(st) : replay_log(st);
  if (rc == 0)
    rc = reed__store_sync_bans(st);
  if (rc == 0)
    st->data_version = v;
  return rc;
}
