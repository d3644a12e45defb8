#include "store_test.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
record(void *ud, int level, const char *line)
{
  store_fixture_t *f = ud;

  if (getenv("STORE_TEST_LOG"))
    fprintf(stderr, "log %d: %s\n", level, line);
  if (f->nlines < (int)REED_ARRAY_SIZE(f->lines))
    snprintf(f->lines[f->nlines++], sizeof(f->lines[0]), "%s", line);
}

void
sf_init(store_fixture_t *f)
{
  memset(f, 0, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/reed-store-XXXXXX");
  ASSERT(mkdtemp(f->dir) != NULL);
  snprintf(f->path, sizeof(f->path), "%s/reed.db", f->dir);
  f->log = (reed_log_t){.emit = record, .ud = f, .min_level = REED_LOG_DEBUG};
}

void
sf_cleanup(store_fixture_t *f)
{
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  char p[160];

  for (size_t i = 0; i < REED_ARRAY_SIZE(suffixes); i++) {
    snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
    unlink(p);
  }
  rmdir(f->dir);
}

reed_store_t *
sf_open(store_fixture_t *f)
{
  reed_store_t *st = NULL;

  ASSERT_EQ(reed_store_open(f->path, &f->log, &st), 0);
  ASSERT(st != NULL);
  return st;
}

int
sf_logged(const store_fixture_t *f, const char *needle)
{
  for (int i = 0; i < f->nlines; i++)
    if (strstr(f->lines[i], needle) != NULL)
      return 1;
  return 0;
}

sqlite3 *
sf_raw(const store_fixture_t *f)
{
  sqlite3 *db = NULL;

  ASSERT_EQ(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL),
            SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  return db;
}

long long
sf_int(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *s = NULL;
  long long v = -1;

  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    reed__test_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(db));
  if (sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

void
sf_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
  sqlite3_stmt *s = NULL;

  out[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
    reed__test_fail(__FILE__, __LINE__, "%s: %s", sql, sqlite3_errmsg(db));
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
}
