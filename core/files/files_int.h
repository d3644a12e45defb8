/* Internal to core/files. */
#ifndef REED_FILES_INT_H
#define REED_FILES_INT_H

#include "files.h"

#include <sqlite3.h>

enum {
  FS_INSERT,
  FS_GET,
  FS_USED,
  FS_COMMIT,
  FS_DELETE,
  FS_EXPIRED,
  FS__COUNT
};

struct reed_files_s {
  reed_store_t *st;
  sqlite3 *db;
  reed_log_t *log;
  char *dir; /* <data_dir>/uploads */
  uint8_t key[32];
  sqlite3_stmt *stmts[FS__COUNT];
};

/* Logs SQLite's error for `what`; REED_ENOMEM or REED_EIO. */
int reed__files_fail(reed_files_t *f, const char *what);
sqlite3_stmt *reed__files_stmt(reed_files_t *f, int id, const char *sql);

#endif
