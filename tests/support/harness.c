/* The test runner: `test_<part> [--no-fork] [--timeout S] [name...]`.
 * Without names it runs every test of the part's list.h. */
#include "harness.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  const char *name;
  void (*fn)(void);
} test_entry_t;

#define TEST_ENTRY(name) void test_##name(void);
#include REED_TEST_LIST
#undef TEST_ENTRY

static const test_entry_t tests[] = {
#define TEST_ENTRY(name) {#name, test_##name},
#include REED_TEST_LIST
#undef TEST_ENTRY
};

static int
run_forked(const test_entry_t *t, unsigned timeout)
{
  int status;
  pid_t pid = fork();

  if (pid == 0) {
    alarm(timeout);
    t->fn();
    _exit(0);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return 1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFSIGNALED(status))
    fprintf(stderr, "%s: killed by signal %d%s\n", t->name, WTERMSIG(status),
            WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
  return 1;
}

static const test_entry_t *
find(const char *name)
{
  for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
    if (strcmp(tests[i].name, name) == 0)
      return &tests[i];
  return NULL;
}

static int
run_one(const test_entry_t *t, int fork_it, unsigned timeout)
{
  int rc;

  if (!fork_it) {
    t->fn();
    rc = 0;
  } else {
    rc = run_forked(t, timeout);
  }
  printf("%s %s\n", rc ? "not ok" : "ok", t->name);
  fflush(stdout);
  return rc;
}

int
main(int argc, char **argv)
{
  int fork_it = 1, failed = 0, named = 0;
  unsigned timeout = 60;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-fork") == 0) {
      fork_it = 0;
    } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      timeout = (unsigned)atoi(argv[++i]);
    } else {
      const test_entry_t *t = find(argv[i]);
      named++;
      if (t == NULL) {
        fprintf(stderr, "no such test: %s\n", argv[i]);
        return 2;
      }
      failed += run_one(t, fork_it, timeout);
    }
  }
  if (named == 0)
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
      failed += run_one(&tests[i], fork_it, timeout);
  return failed ? 1 : 0;
}
