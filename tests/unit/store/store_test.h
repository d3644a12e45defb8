/* Helpers shared by the store's tests: a temporary directory per test, a
 * log that records lines, and a second raw SQLite connection to look at
 * what is committed. */
#ifndef REED_TEST_STORE_TEST_H
#define REED_TEST_STORE_TEST_H

#include "base.h"
#include "store.h"

#include <sqlite3.h>

/* The version of the store's own schema this build migrates to. */
#define SF_STORE_VERSION 10

typedef struct {
  char dir[64];
  char path[128];
  reed_log_t log;
  char lines[64][256];
  int nlines;
} store_fixture_t;

/* Makes a fresh temp dir and the database path inside it. */
void sf_init(store_fixture_t *f);
/* Removes the database files and the dir. */
void sf_cleanup(store_fixture_t *f);
/* Opens the store at f->path and asserts success. */
reed_store_t *sf_open(store_fixture_t *f);
/* 1 when some recorded log line contains `needle`. */
int sf_logged(const store_fixture_t *f, const char *needle);

/* A raw read connection (a second process's view). */
sqlite3 *sf_raw(const store_fixture_t *f);
/* The first column of the first row of `sql` as an integer (-1 if none). */
long long sf_int(sqlite3 *db, const char *sql);
/* The same as text into out (empty if none). */
void sf_text(sqlite3 *db, const char *sql, char *out, size_t size);

#endif
