/* The test runner: `test_<part> [--no-fork] [--timeout S] [name...]`.
 * Without names it runs every test of the part's list.h. */
#include "harness.h"

#include <signal.h>
#include <stdarg.h>
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

void
reed__test_fail(const char *file, int line, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "%s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

/* Copies the next line of `s` into out without its CR/LF; returns the rest
 * or NULL at the end. */
static const char *
next_line(const char *s, char *out, size_t size)
{
  size_t n = strcspn(s, "\n");
  size_t k = n;

  if (*s == '\0')
    return NULL;
  if (k > 0 && s[k - 1] == '\r')
    k--;
  if (k >= size)
    k = size - 1;
  memcpy(out, s, k);
  out[k] = '\0';
  return s[n] ? s + n + 1 : s + n;
}

void
reed__test_assert_lines(const char *file, int line, const char *actual,
                        const char *expected)
{
  char a[2048], e[2048];
  const char *pa = actual ? actual : "", *pe = expected;
  int n = 1;

  for (;; n++) {
    const char *na = next_line(pa, a, sizeof(a));
    const char *ne = next_line(pe, e, sizeof(e));
    if (na == NULL && ne == NULL)
      return;
    if (na == NULL || ne == NULL || strcmp(a, e) != 0)
      reed__test_fail(file, line,
                      "line %d differs:\n  got:  %s\n  want: %s\n"
                      "--- all output ---\n%s",
                      n, na ? a : "(end)", ne ? e : "(end)", actual);
    pa = na;
    pe = ne;
  }
}

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
