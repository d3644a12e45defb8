/* The degraded state (store.h): the turn's commit and what follows when it
 * fails, the free-space look before a turn's first row, the sequencer gate
 * that refuses changes needing a row meanwhile, and the retry that writes
 * the journal and leaves the state. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

int
reed__store_set_dir(reed_store_t *st, const char *path)
{
  const char *slash = strrchr(path, '/');
  size_t n = slash == NULL ? 1 : (slash == path ? 1 : (size_t)(slash - path));

  st->dir = reed_malloc(n + 1);
  if (st->dir == NULL)
    return REED_ENOMEM;
  memcpy(st->dir, slash == NULL ? "." : path, n);
  st->dir[n] = '\0';
  return 0;
}

void
reed_store_set_min_free(reed_store_t *st, uint64_t bytes)
{
  st->min_free = bytes;
}

bool
reed_store_degraded(const reed_store_t *st)
{
  return st->degraded;
}

bool
reed_store_held(const reed_store_t *st)
{
  return st->held;
}

/* Free bytes for an unprivileged writer, or UINT64_MAX when unknown (a
 * filesystem that cannot say is not taken for a full one). */
static uint64_t
free_bytes(const reed_store_t *st)
{
  struct statvfs v;

  if (st->dir == NULL || statvfs(st->dir, &v) != 0)
    return UINT64_MAX;
  return (uint64_t)v.f_bavail * (uint64_t)v.f_frsize;
}

static bool
space_ok(reed_store_t *st, char *why, size_t size)
{
  uint64_t n;

  if (st->min_free == 0 || (n = free_bytes(st)) >= st->min_free)
    return true;
  snprintf(why, size, "%llu bytes free in %s, below the %llu it keeps",
           (unsigned long long)n, st->dir, (unsigned long long)st->min_free);
  return false;
}

static uint64_t
now_ms(const reed_store_t *st)
{
  return st->model != NULL ? reed__store_now_ms(st) : 0;
}

void
reed__store_degrade(reed_store_t *st, const char *why, bool held)
{
  st->held = st->held || held;
  st->retry_ms = now_ms(st) + REED_STORE_RETRY_MS;
  if (st->degraded)
    return;
  st->degraded = true;
  reed_log(st->log, REED_LOG_ERROR, "store degraded: %s", why);
}

/* The batch is written: nothing waits any more. */
static void
committed(reed_store_t *st)
{
  st->batch_last_id = 0;
  st->batch_failed = false;
  st->journal_lost = false;
  reed__journal_reset(&st->journal);
  reed__journal_trim(&st->journal);
}

/* The open batch: its last id, the account log's prune, COMMIT. A failure
 * rolls back and holds the batch when it had rows (their output must wait
 * for the retry). reed__store_commit_batch times it. */
static int
commit_rows(reed_store_t *st)
{
  int rc = st->batch_failed ? REED_EIO : 0;

  st->in_batch = false;
  if (rc == 0 && st->batch_last_id != 0)
    rc = reed__store_save_last_id(st);
  if (rc == 0)
    reed__store_prune_account_log(st); /* logged; commits regardless */
  if (rc == 0)
    rc = reed__store_commit(st);
  else
    reed__store_rollback(st);
  if (rc == 0) {
    committed(st);
    return 0;
  }
  st->batch_failed = false;
  reed__store_degrade(st, st->last_error[0] ? st->last_error : "commit failed",
                      st->journal.n > 0 || st->journal_lost);
  return REED_EIO;
}

/* Commit time buckets, in seconds: from a WAL append to the page cache
 * (tens of microseconds) to a disk that stalls. */
static const double commit_bounds[] = {
    0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
    0.005,    0.01,    0.025,  0.05,    0.1,    0.25,  1};

void
reed__store_times_init(reed_store_t *st)
{
  reed_hist_init(&st->commit_times, commit_bounds,
                 REED_ARRAY_SIZE(commit_bounds));
}

const reed_hist_t *
reed_store_commit_times(const reed_store_t *st)
{
  return &st->commit_times;
}

static double
mono_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
reed__store_commit_batch(reed_store_t *st)
{
  double t0 = mono_s();
  int rc = commit_rows(st);

  reed_hist_observe(&st->commit_times, mono_s() - t0);
  return rc;
}

/* Writes every journaled change again, then the last id, in one
 * transaction. */
static int
replay(reed_store_t *st)
{
  int rc = reed__store_begin(st);

  for (size_t i = 0; rc == 0 && i < st->journal.n; i++) {
    const reed_event_t *ev = &st->journal.evs[i];
    rc = reed__store_persist(st, ev);
    if (rc != 0 && reed__store_row_refused(st, ev))
      rc = 0;
  }
  if (rc == 0 && st->batch_last_id != 0)
    rc = reed__store_save_last_id(st);
  if (rc == 0)
    return reed__store_commit(st);
  reed__store_rollback(st);
  return rc;
}

int
reed__store_retry(reed_store_t *st, bool now)
{
  char why[160];

  if (!now && now_ms(st) < st->retry_ms)
    return 0;
  st->retry_ms = now_ms(st) + REED_STORE_RETRY_MS;
  if (!space_ok(st, why, sizeof(why)) || replay(st) != 0)
    return 0;
  if (st->journal_lost)
    reed_log(st->log, REED_LOG_ERROR,
             "store: changes were lost while out of memory");
  committed(st);
  st->degraded = false;
  st->held = false;
  st->last_error[0] = '\0';
  reed_log(st->log, REED_LOG_INFO, "store recovered");
  return 0;
}

/* ---- The sequencer gate --------------------------------------------------
 */
/* Changes whose rows the store writes when sequenced. Read markers are
 * not sequenced (store.h). */
static bool
needs_row(int kind)
{
  return kind != REED_EV_READ_MARKER && reed__store_writes_rows(kind);
}

/* May this turn write rows? The first change of a turn that needs one
 * looks at the free space. */
static bool
writable(reed_store_t *st)
{
  char why[160];

  if (st->degraded)
    return false;
  if (st->space_checked)
    return true;
  st->space_checked = true;
  if (space_ok(st, why, sizeof(why)))
    return true;
  reed__store_degrade(st, why, false);
  return false;
}

static int
gate_order(void *ud, reed_change_t *c)
{
  reed_store_t *st = ud;

  if (needs_row(c->kind) && !writable(st))
    return REED_EUNAVAILABLE;
  return st->next_seq.order(st->next_seq.s, c);
}

int
reed__store_gate_attach(reed_store_t *st)
{
  reed_model_sequencer(st->model, &st->next_seq);
  reed_model_set_sequencer(st->model,
                           &(reed_sequencer_t){.order = gate_order, .s = st});
  return 0;
}

void
reed__store_gate_detach(reed_store_t *st)
{
  if (st->next_seq.order != NULL)
    reed_model_set_sequencer(st->model, &st->next_seq);
  st->next_seq = (reed_sequencer_t){0};
}
