/* The assertions' failure path (harness.h), apart from the runner so the
 * fuzz targets, which bring their own main, can use code that asserts
 * (the protocol world): a failure prints and aborts. */
#include "harness.h"

#include <stdarg.h>

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
