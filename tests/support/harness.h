/* reed's test harness (libuv's pattern): each part has a list.h of
 *   TEST_ENTRY(name)
 * lines; its test files define them with TEST(name) { ... }. The runner
 * forks each test with a timeout (--no-fork for gdb). CMake reads list.h and
 * registers one ctest per entry, so `ctest -R model.join` works. */
#ifndef REED_TEST_HARNESS_H
#define REED_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST(name) void test_##name(void)

void reed__test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define ASSERT(cond)                                                           \
  do {                                                                         \
    if (!(cond))                                                               \
      reed__test_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);      \
  } while (0)

#define ASSERT_EQ(a, b)                                                        \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_)                                                              \
      reed__test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,    \
                      a_, b_);                                                 \
  } while (0)

#define ASSERT_NE(a, b)                                                        \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ == b_)                                                              \
      reed__test_fail(__FILE__, __LINE__, "%s != %s: both %lld", #a, #b, a_);  \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                    \
  do {                                                                         \
    const char *a_ = (a), *b_ = (b);                                           \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                       \
      reed__test_fail(__FILE__, __LINE__, "%s == %s:\n  \"%s\"\n  \"%s\"", #a, \
                      #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");             \
  } while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                 \
  do {                                                                         \
    if (memcmp((a), (b), (n)) != 0)                                            \
      reed__test_fail(__FILE__, __LINE__, "%s == %s (%zu bytes) differ", #a,   \
                      #b, (size_t)(n));                                        \
  } while (0)

/* Compares "\n"-separated expected lines with actual text (CRLF or LF). */
#define ASSERT_LINES(actual, expected)                                         \
  reed__test_assert_lines(__FILE__, __LINE__, (actual), (expected))
void reed__test_assert_lines(const char *file, int line, const char *actual,
                             const char *expected);

#endif
