/* The crash test: a child writes batches and reports each committed
 * message id on a pipe; the parent SIGKILLs it at a random point, then
 * checks the database is intact and holds every id reported committed. The
 * next round's child reopens the same database, so recovery and the loader
 * are exercised too. */
#include "harness.h"
#include "persist_test.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 6
#define MAX_TURNS 100000
#define MSGS_PER_TURN 3

/* The writer: never returns. Exit codes say why it stopped on its own. */
static void
crash_child(const char *path, int fd)
{
  pf_t p = {.keep_room = 10000000};
  reed_session_t *s;

  snprintf(p.f.path, sizeof(p.f.path), "%s", path);
  reed_log_init_stderr(&p.f.log, REED_LOG_WARN);
  pf_start(&p);
  s = pf_session(&p, "Writer", NULL);
  if (reed_room_join(s, "Crash", NULL) != 0)
    _exit(4);
  for (int turn = 0; turn < MAX_TURNS; turn++) {
    uint64_t id = 0;
    for (int i = 0; i < MSGS_PER_TURN; i++) {
      char text[48];
      int n = snprintf(text, sizeof(text), "turn %d message %d", turn, i);
      if (reed_room_say(s, "Crash", 0, text, (size_t)n, NULL, &id) != 0)
        _exit(5);
    }
    if (reed_store_turn_end(p.st) != 0)
      _exit(3);
    if (write(fd, &id, sizeof(id)) != (ssize_t)sizeof(id))
      _exit(6);
  }
  _exit(2);
}

typedef struct {
  uint64_t *ids;
  size_t n, cap;
} reports_t;

/* Reads one report; 0 at EOF. */
static int
read_report(int fd, reports_t *r)
{
  uint64_t id;
  ssize_t got;

  do
    got = read(fd, &id, sizeof(id));
  while (got < 0 && errno == EINTR);
  if (got == 0)
    return 0;
  ASSERT_EQ(got, sizeof(id));
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 256;
    r->ids = reed_realloc(r->ids, r->cap * sizeof(*r->ids));
    ASSERT(r->ids != NULL);
  }
  r->ids[r->n++] = id;
  return 1;
}

/* Runs one child, kills it after `after` reports; returns how many it
 * reported in all. */
static size_t
run_round(const char *path, unsigned after, reports_t *r)
{
  int fds[2], status;
  size_t start = r->n;
  pid_t pid;

  ASSERT_EQ(pipe(fds), 0);
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    crash_child(path, fds[1]);
  }
  close(fds[1]);
  for (unsigned i = 0; i < after; i++)
    if (!read_report(fds[0], r))
      reed__test_fail(__FILE__, __LINE__, "writer stopped by itself");
  kill(pid, SIGKILL);
  while (read_report(fds[0], r))
    ;
  close(fds[0]);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return r->n - start;
}

static void
check_db(const char *path, const reports_t *r)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  char ok[64];

  /* A child killed before its first open left no file, or an empty one:
   * then it cannot have reported anything. */
  ASSERT_EQ(sqlite3_open_v2(path, &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
            SQLITE_OK);
  sf_text(db, "PRAGMA integrity_check", ok, sizeof(ok));
  ASSERT_STR_EQ(ok, "ok");
  if (sf_int(db, "SELECT count(*) FROM sqlite_master"
                 " WHERE name = 'messages'") == 0) {
    ASSERT_EQ(r->n, 0);
    sqlite3_close(db);
    return;
  }
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM messages WHERE id = ?",
                               -1, &s, NULL),
            SQLITE_OK);
  for (size_t i = 0; i < r->n; i++) {
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)r->ids[i]);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    if (sqlite3_column_int(s, 0) != 1)
      reed__test_fail(__FILE__, __LINE__, "reported id %llu is missing",
                      (unsigned long long)r->ids[i]);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(crash_kill9_keeps_committed_batches)
{
  store_fixture_t f;
  reports_t r = {.n = 0};
  unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
  size_t total = 0;

  fprintf(stderr, "crash test seed %u\n", seed);
  sf_init(&f);
  for (int round = 0; round < ROUNDS; round++) {
    /* Round 0 may kill during the first open and migration. */
    unsigned after = round == 0 ? (unsigned)(rand_r(&seed) % 2)
                                : 1 + (unsigned)(rand_r(&seed) % 200);
    size_t before = r.n;
    size_t n = run_round(f.path, after, &r);

    ASSERT(n >= after);
    /* Ids never go back after a restart. */
    if (before > 0 && n > 0)
      ASSERT(r.ids[before] > r.ids[before - 1]);
    check_db(f.path, &r);
    total += n;
  }
  ASSERT(total >= ROUNDS - 1);
  fprintf(stderr, "%zu committed batches checked\n", total);
  reed_free(r.ids);
  sf_cleanup(&f);
}
