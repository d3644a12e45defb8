#include "base.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

TEST(err_names)
{
  ASSERT_STR_EQ(reed_err_name(REED_ENICKINUSE), "ENICKINUSE");
  ASSERT_STR_EQ(reed_strerror(REED_ENOMEM), "out of memory");
  ASSERT_STR_EQ(reed_err_name(0), "OK");
  ASSERT_STR_EQ(reed_strerror(-9999), "unknown error");
  ASSERT(REED_EPROTO <= REED_EFATAL);
}

TEST(alloc_fail_after)
{
  long live = reed_alloc_live();
  void *a, *b;

  reed_alloc_fail_after(1);
  a = reed_malloc(8);
  b = reed_malloc(8);
  reed_alloc_fail_after(-1);
  ASSERT(a != NULL);
  ASSERT(b == NULL);
  ASSERT_EQ(reed_alloc_live(), live + 1);
  reed_free(a);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* reed_array_grow: room for one more, doubling from `first`; the elements
 * already there are kept; a failed allocation or an overflowing size
 * changes nothing. */
TEST(array_grow_table)
{
  static const struct {
    size_t cap, n, first, want_cap;
    int rc;
  } cases[] = {
      {0, 0, 16, 16, 0},  /* the first element */
      {16, 3, 16, 16, 0}, /* room already */
      {16, 16, 16, 32, 0},
      {32, 32, 64, 64, 0}, /* doubles whatever `first` was */
  };
  long live = reed_alloc_live();

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    uint32_t *v = NULL;
    size_t cap = 0;

    if (cases[i].cap > 0) {
      ASSERT_EQ(reed_array_grow(&v, &cap, 0, sizeof(*v), cases[i].cap), 0);
      for (size_t k = 0; k < cases[i].n; k++)
        v[k] = (uint32_t)k * 7u;
    }
    ASSERT_EQ(reed_array_grow(&v, &cap, cases[i].n, sizeof(*v), cases[i].first),
              cases[i].rc);
    ASSERT_EQ(cap, cases[i].want_cap);
    ASSERT(v != NULL);
    for (size_t k = 0; k < cases[i].n; k++)
      ASSERT_EQ(v[k], (uint32_t)k * 7u);
    v[cases[i].n] = 1; /* the new room is writable (ASan checks) */
    reed_free(v);
  }
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(array_grow_failure_changes_nothing)
{
  uint64_t *v = NULL;
  size_t cap = 0;
  void *before;

  ASSERT_EQ(reed_array_grow(&v, &cap, 0, sizeof(*v), 4), 0);
  before = v;
  reed_alloc_fail_after(0);
  ASSERT_EQ(reed_array_grow(&v, &cap, 4, sizeof(*v), 4), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT(v == before);
  ASSERT_EQ(cap, 4);
  /* A size past SIZE_MAX is refused before any allocation. */
  cap = SIZE_MAX / 2 + 1;
  ASSERT_EQ(reed_array_grow(&v, &cap, cap, sizeof(*v), 4), REED_ENOMEM);
  ASSERT_EQ(cap, SIZE_MAX / 2 + 1);
  ASSERT(v == before);
  reed_free(v);
}

TEST(buf_append_printf)
{
  reed_buf_t *b = reed_buf_new(2);

  ASSERT_EQ(reed_buf_append(&b, "abc", 3), 0);
  ASSERT_EQ(reed_buf_printf(&b, ":%s %d", "x", 42), 0);
  ASSERT_EQ(b->len, 8);
  ASSERT_MEM_EQ(b->data, "abc:x 42", 8);
  reed_buf_unref(b);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(buf_refcount)
{
  reed_buf_t *b = reed_buf_from("hi", 2);

  ASSERT_EQ(b->refs, 1);
  reed_buf_ref(b);
  reed_buf_unref(b);
  ASSERT_EQ(reed_alloc_live(), 1);
  reed_buf_unref(b);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static char logged[8][128];
static int nlogged;

static void
record(void *ud, int level, const char *line)
{
  REED_UNUSED(ud);
  REED_UNUSED(level);
  if (nlogged < 8)
    snprintf(logged[nlogged++], sizeof(logged[0]), "%s", line);
}

TEST(log_folds_repeats)
{
  reed_log_t log = {.emit = record, .min_level = REED_LOG_INFO};

  nlogged = 0;

  reed_log(&log, REED_LOG_DEBUG, "hidden");
  for (int i = 0; i < 5; i++)
    reed_log(&log, REED_LOG_WARN, "flood %d", 1);
  reed_log(&log, REED_LOG_INFO, "other");
  reed_log(&log, REED_LOG_INFO, "other");
  reed_log_flush(&log);
  ASSERT_EQ(nlogged, 4);
  ASSERT_STR_EQ(logged[0], "flood 1");
  ASSERT_STR_EQ(logged[1], "last message repeated 4 more times");
  ASSERT_STR_EQ(logged[2], "other");
  ASSERT_STR_EQ(logged[3], "last message repeated 1 more times");
}

TEST(log_format_table)
{
  static const struct {
    int64_t ms;
    int level, style;
    const char *want;
  } cases[] = {
      {0, REED_LOG_INFO, REED_LOG_STYLE_STAMPED,
       "1970-01-01T00:00:00.000Z INFO hi"},
      {1796655845123LL, REED_LOG_WARN, REED_LOG_STYLE_STAMPED,
       "2026-12-07T15:04:05.123Z WARN hi"},
      {1796655845123LL, REED_LOG_ERROR, REED_LOG_STYLE_JOURNAL, "<3>ERROR hi"},
      {5, REED_LOG_DEBUG, REED_LOG_STYLE_JOURNAL, "<7>DEBUG hi"},
      {5, REED_LOG_INFO, REED_LOG_STYLE_JOURNAL, "<6>INFO hi"},
  };
  char out[128];

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    reed_log_format(out, sizeof(out), cases[i].ms, cases[i].level, "hi",
                    cases[i].style);
    ASSERT_STR_EQ(out, cases[i].want);
  }
}

TEST(log_journal_stream_table)
{
  static const struct {
    const char *in;
    bool ok;
    unsigned long long dev, ino;
  } cases[] = {
      {"8:1234", true, 8, 1234},
      {"0:0", true, 0, 0},
      {NULL, false, 0, 0},
      {"", false, 0, 0},
      {"8", false, 0, 0},
      {"8:", false, 0, 0},
      {":5", false, 0, 0},
      {"8:5x", false, 0, 0},
      {"-8:5", false, 0, 0},
      {"8:-5", false, 0, 0},
      {"99999999999999999999999:1", false, 0, 0},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    unsigned long long dev = 0, ino = 0;
    bool ok = reed_log_parse_journal_stream(cases[i].in, &dev, &ino);

    ASSERT_EQ(ok, cases[i].ok);
    if (ok) {
      ASSERT_EQ(dev, cases[i].dev);
      ASSERT_EQ(ino, cases[i].ino);
    }
  }
}

TEST(audit_is_tagged_and_never_folded)
{
  reed_log_t log = {.emit = record, .min_level = REED_LOG_ERROR};

  nlogged = 0;
  reed_audit(&log, "OPER %s", "alice");
  reed_audit(&log, "OPER %s", "alice");
  ASSERT_EQ(nlogged, 2);
  ASSERT_STR_EQ(logged[0], "audit: OPER alice");
  ASSERT_STR_EQ(logged[1], "audit: OPER alice");
}

TEST(utf8_table)
{
  static const struct {
    const char *in;
    int valid;
  } cases[] = {
      {"", 1},
      {"plain ascii", 1},
      {"caf\xc3\xa9", 1},
      {"\xe2\x82\xac", 1},
      {"\xf0\x9f\x98\x80", 1},
      {"\xc3", 0},             /* truncated */
      {"\xc0\xaf", 0},         /* overlong */
      {"\xe0\x80\xaf", 0},     /* overlong */
      {"\xed\xa0\x80", 0},     /* surrogate */
      {"\xf4\x90\x80\x80", 0}, /* > U+10FFFF */
      {"\xff", 0},
      {"a\x80", 0},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_utf8_valid((const uint8_t *)cases[i].in, strlen(cases[i].in)) !=
        cases[i].valid)
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
}

TEST(utf8_cut_table)
{
  static const struct {
    const char *in;
    size_t max, cut;
  } cases[] = {
      {"", 0, 0},
      {"abc", 3, 3},         /* fits */
      {"abc", 10, 3},        /* fits with room */
      {"abcdef", 4, 4},      /* ASCII cuts anywhere */
      {"ab", 0, 0},          /* nothing fits */
      {"caf\xc3\xa9", 4, 3}, /* before the 2-byte e-acute */
      {"caf\xc3\xa9", 5, 5},
      {"\xe2\x82\xac\xe2\x82\xac", 5, 3}, /* euro signs */
      {"\xe2\x82\xac\xe2\x82\xac", 6, 6},
      {"\xf0\x9f\x98\x80x", 3, 0}, /* one 4-byte char > max */
      {"\xf0\x9f\x98\x80x", 4, 4},
      {"a\xf0\x9f\x98\x80", 4, 1},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_utf8_cut(cases[i].in, strlen(cases[i].in), cases[i].max) !=
        cases[i].cut)
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
}

TEST(strlcpy_truncates)
{
  char b[4];

  ASSERT_EQ(reed_strlcpy(b, "abcdef", sizeof(b)), 6);
  ASSERT_STR_EQ(b, "abc");
}

static char order[8];
static int norder;

static void
mark(void *arg)
{
  order[norder++] = *(const char *)arg;
}

static void
mark_and_schedule(void *arg)
{
  fake_clock_t *fc = arg;
  order[norder++] = 'c';
  fc->clock.call_later(fc->clock.c, 0, mark, "d");
}

TEST(fake_clock_order)
{
  fake_clock_t fc;

  fc_init(&fc);
  fc.clock.call_later(fc.clock.c, 10, mark, "b");
  fc.clock.call_later(fc.clock.c, 5, mark, "a");
  fc.clock.call_later(fc.clock.c, 10, mark_and_schedule, &fc);
  uint64_t gone = fc.clock.call_later(fc.clock.c, 7, mark, "x");
  fc.clock.cancel(fc.clock.c, gone);
  fc_advance(&fc, 9);
  ASSERT_EQ(norder, 1);
  fc_advance(&fc, 1);
  ASSERT_EQ(norder, 4);
  ASSERT_MEM_EQ(order, "abcd", 4);
  ASSERT_EQ(fc_pending(&fc), 0);
  fc_cleanup(&fc);
}

static int work_ran, done_status = -1;

static void
work(void *arg)
{
  REED_UNUSED(arg);
  work_ran++;
}

static void
done(void *arg, int status)
{
  REED_UNUSED(arg);
  done_status = status;
}

TEST(inline_worker_deferred)
{
  inline_worker_t iw;

  iw_init(&iw, 1);
  ASSERT_EQ(iw.worker.submit(iw.worker.w, work, done, NULL), 0);
  ASSERT_EQ(work_ran, 0);
  ASSERT_EQ(iw_pending(&iw), 1);
  ASSERT_EQ(iw_run(&iw), 1);
  ASSERT_EQ(work_ran, 1);
  ASSERT_EQ(done_status, 0);
}
