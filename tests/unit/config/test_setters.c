/* The generic directive setters: each type, its bounds and its errors. */
#include "config.h"
#include "harness.h"

typedef struct {
  char *s;
  int i, bounded, e;
  bool b;
  size_t size;
  uint64_t ms, secs, odd_ms;
  size_t q;
  reed_strlist_t list;
} conf_t;

static const char *const colours[] = {"red", "green", "blue", NULL};

#define O(f) offsetof(conf_t, f)
static const reed_directive_t dirs[] = {
    {.key = "s", .set = reed_conf_set_str, .offset = O(s), .max = 8},
    {.key = "i", .set = reed_conf_set_int, .offset = O(i)},
    {.key = "bounded",
     .set = reed_conf_set_int,
     .offset = O(bounded),
     .min = -5,
     .max = 10},
    {.key = "b", .set = reed_conf_set_bool, .offset = O(b)},
    {.key = "size",
     .set = reed_conf_set_size,
     .offset = O(size),
     .min = 1,
     .max = 1L << 30},
    {.key = "ms",
     .set = reed_conf_set_duration_ms,
     .offset = O(ms),
     .min = 1,
     .max = 86400000},
    /* Bounds in other units, for the range messages. */
    {.key = "q",
     .set = reed_conf_set_size,
     .offset = O(q),
     .min = 512,
     .max = 16L << 20},
    {.key = "secs",
     .set = reed_conf_set_duration_ms,
     .offset = O(secs),
     .min = 1000,
     .max = 3600000},
    {.key = "odd_ms",
     .set = reed_conf_set_duration_ms,
     .offset = O(odd_ms),
     .min = 1500,
     .max = 5400000},
    {.key = "e", .set = reed_conf_set_enum, .offset = O(e), .names = colours},
    {.key = "list", .set = reed_conf_set_strlist, .offset = O(list)},
    {.key = NULL},
};

static const reed_directive_t *
dir(const char *key)
{
  for (size_t i = 0; dirs[i].key != NULL; i++)
    if (strcmp(dirs[i].key, key) == 0)
      return &dirs[i];
  abort();
}

/* Sets key=value on a fresh conf; returns rc and the field as text. */
static int
set(const char *key, const char *value, char *out, size_t n, char *msg)
{
  conf_t c = {.s = NULL};
  reed_conf_err_t err = {.line = 0};
  const reed_directive_t *d = dir(key);
  int rc = d->set(&c, value, d, &err);

  snprintf(msg, 256, "%s", err.msg);
  if (strcmp(key, "s") == 0)
    snprintf(out, n, "%s", c.s ? c.s : "(null)");
  else if (strcmp(key, "i") == 0)
    snprintf(out, n, "%d", c.i);
  else if (strcmp(key, "bounded") == 0)
    snprintf(out, n, "%d", c.bounded);
  else if (strcmp(key, "b") == 0)
    snprintf(out, n, "%d", (int)c.b);
  else if (strcmp(key, "size") == 0)
    snprintf(out, n, "%zu", c.size);
  else if (strcmp(key, "ms") == 0)
    snprintf(out, n, "%llu", (unsigned long long)c.ms);
  else if (strcmp(key, "secs") == 0)
    snprintf(out, n, "%llu", (unsigned long long)c.secs);
  else if (strcmp(key, "e") == 0)
    snprintf(out, n, "%d", c.e);
  reed_free(c.s);
  return rc;
}

static const struct {
  const char *key, *value;
  int rc;
  const char *out; /* field after the call, or the error message */
} cases[] = {
    {"s", "hello", 0, "hello"},
    {"s", "12345678", 0, "12345678"},
    {"s", "123456789", REED_ECONFIG, "value longer than 8 bytes"},
    {"s", "", REED_ECONFIG, "empty value"},
    {"i", "0", 0, "0"},
    {"i", "-42", 0, "-42"},
    {"i", "+7", 0, "7"},
    {"i", "2147483647", 0, "2147483647"},
    {"i", "-2147483648", 0, "-2147483648"},
    {"i", "2147483648", REED_ECONFIG,
     "'2147483648' is out of range -2147483648..2147483647"},
    {"i", "99999999999999999999", REED_ECONFIG,
     "'99999999999999999999' is not an integer in range"},
    {"i", "12x", REED_ECONFIG, "'12x' is not an integer in range"},
    {"i", "", REED_ECONFIG, "'' is not an integer in range"},
    {"i", "-", REED_ECONFIG, "'-' is not an integer in range"},
    {"i", "0x10", REED_ECONFIG, "'0x10' is not an integer in range"},
    {"bounded", "-5", 0, "-5"},
    {"bounded", "10", 0, "10"},
    {"bounded", "11", REED_ECONFIG, "'11' is out of range -5..10"},
    {"bounded", "-6", REED_ECONFIG, "'-6' is out of range -5..10"},
    {"b", "yes", 0, "1"},
    {"b", "YES", 0, "1"},
    {"b", "true", 0, "1"},
    {"b", "on", 0, "1"},
    {"b", "1", 0, "1"},
    {"b", "no", 0, "0"},
    {"b", "False", 0, "0"},
    {"b", "off", 0, "0"},
    {"b", "0", 0, "0"},
    {"b", "maybe", REED_ECONFIG,
     "'maybe' is not a boolean (yes/no, true/false, on/off, 1/0)"},
    {"b", "", REED_ECONFIG,
     "'' is not a boolean (yes/no, true/false, on/off, 1/0)"},
    {"size", "512", 0, "512"},
    {"size", "96k", 0, "98304"},
    {"size", "16K", 0, "16384"},
    {"size", "2m", 0, "2097152"},
    {"size", "1g", 0, "1073741824"},
    {"size", "2g", REED_ECONFIG, "'2g' is out of range 1..1g"},
    {"size", "0", REED_ECONFIG, "'0' is out of range 1..1g"},
    /* A range reads in the unit the key takes: the largest unit that
     * divides each bound exactly, as one would write it in the file. */
    {"q", "100", REED_ECONFIG, "'100' is out of range 512..16m"},
    {"q", "17m", REED_ECONFIG, "'17m' is out of range 512..16m"},
    {"q", "16385k", REED_ECONFIG, "'16385k' is out of range 512..16m"},
    {"size", "10kb", REED_ECONFIG,
     "'10kb' is not a size (bytes, or a number with k, m or g)"},
    {"size", "k", REED_ECONFIG,
     "'k' is not a size (bytes, or a number with k, m or g)"},
    {"size", "-1", REED_ECONFIG,
     "'-1' is not a size (bytes, or a number with k, m or g)"},
    {"size", "99999999999999999999k", REED_ECONFIG,
     "'99999999999999999999k' is not a size (bytes, or a number with k, m or "
     "g)"},
    {"size", "9999999999999g", REED_ECONFIG,
     "'9999999999999g' is not a size (bytes, or a number with k, m or g)"},
    {"ms", "60", 0, "60000"},
    {"ms", "60s", 0, "60000"},
    {"ms", "2m", 0, "120000"},
    {"ms", "500ms", 0, "500"},
    {"ms", "1h", 0, "3600000"},
    {"ms", "24h", 0, "86400000"},
    {"ms", "25h", REED_ECONFIG, "'25h' is out of range 1ms..24h"},
    {"ms", "0ms", REED_ECONFIG, "'0ms' is out of range 1ms..24h"},
    {"secs", "2h", REED_ECONFIG, "'2h' is out of range 1s..1h"},
    {"secs", "999ms", REED_ECONFIG, "'999ms' is out of range 1s..1h"},
    {"secs", "3601", REED_ECONFIG, "'3601' is out of range 1s..1h"},
    {"secs", "60m", 0, "3600000"},
    {"odd_ms", "1s", REED_ECONFIG, "'1s' is out of range 1500ms..90m"},
    {"odd_ms", "2h", REED_ECONFIG, "'2h' is out of range 1500ms..90m"},
    {"ms", "1.5s", REED_ECONFIG,
     "'1.5s' is not a duration (a number with ms, s, m or h; bare = seconds)"},
    {"ms", "5 s", REED_ECONFIG,
     "'5 s' is not a duration (a number with ms, s, m or h; bare = seconds)"},
    {"ms", "3d", REED_ECONFIG,
     "'3d' is not a duration (a number with ms, s, m or h; bare = seconds)"},
    {"e", "red", 0, "0"},
    {"e", "blue", 0, "2"},
    {"e", "Blue", REED_ECONFIG, "'Blue' is not one of: red, green, blue"},
    {"e", "", REED_ECONFIG, "'' is not one of: red, green, blue"},
};

TEST(setters_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char out[64], msg[256];
    int rc = set(cases[i].key, cases[i].value, out, sizeof(out), msg);
    if (rc != cases[i].rc)
      fprintf(stderr, "case %zu: %s=%s rc %d (%s)\n", i, cases[i].key,
              cases[i].value, rc, msg);
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT_STR_EQ(rc == 0 ? out : msg, cases[i].out);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(setters_str_replaces)
{
  conf_t c = {.s = NULL};
  const reed_directive_t *d = dir("s");

  ASSERT_EQ(d->set(&c, "one", d, NULL), 0);
  ASSERT_EQ(d->set(&c, "two", d, NULL), 0);
  ASSERT_STR_EQ(c.s, "two");
  ASSERT_EQ(reed_alloc_live(), 1);
  ASSERT_EQ(d->set(&c, "", d, NULL), REED_ECONFIG);
  ASSERT_STR_EQ(c.s, "two");
  reed_free(c.s);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(setters_failed_numeric_keeps_value)
{
  conf_t c = {.bounded = 3, .size = 7, .ms = 9, .e = 1, .b = true};
  reed_conf_err_t err;

  ASSERT_EQ(dir("bounded")->set(&c, "99", dir("bounded"), &err), REED_ECONFIG);
  ASSERT_EQ(dir("size")->set(&c, "x", dir("size"), &err), REED_ECONFIG);
  ASSERT_EQ(dir("ms")->set(&c, "x", dir("ms"), &err), REED_ECONFIG);
  ASSERT_EQ(dir("e")->set(&c, "x", dir("e"), &err), REED_ECONFIG);
  ASSERT_EQ(dir("b")->set(&c, "x", dir("b"), &err), REED_ECONFIG);
  ASSERT_EQ(c.bounded, 3);
  ASSERT_EQ(c.size, 7);
  ASSERT_EQ(c.ms, 9);
  ASSERT_EQ(c.e, 1);
  ASSERT_EQ(c.b, true);
}

TEST(setters_strlist_appends)
{
  conf_t c = {.s = NULL};
  const reed_directive_t *d = dir("list");
  reed_conf_err_t err;

  ASSERT_EQ(d->set(&c, "a.so", d, &err), 0);
  ASSERT_EQ(d->set(&c, "b.so", d, &err), 0);
  ASSERT_EQ(d->set(&c, "", d, &err), REED_ECONFIG);
  ASSERT_STR_EQ(err.msg, "empty value");
  ASSERT_EQ(c.list.n, 2);
  ASSERT_STR_EQ(c.list.v[0], "a.so");
  ASSERT_STR_EQ(c.list.v[1], "b.so");
  for (size_t i = 0; i < c.list.n; i++)
    reed_free(c.list.v[i]);
  reed_free(c.list.v);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(setters_alloc_failure)
{
  conf_t c = {.s = NULL};
  reed_conf_err_t err;

  reed_alloc_fail_after(0);
  ASSERT_EQ(dir("s")->set(&c, "x", dir("s"), &err), REED_ENOMEM);
  ASSERT_STR_EQ(err.msg, "out of memory");
  ASSERT_EQ(dir("list")->set(&c, "x", dir("list"), &err), REED_ENOMEM);
  reed_alloc_fail_after(1);
  ASSERT_EQ(dir("list")->set(&c, "x", dir("list"), &err), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT(c.s == NULL);
  ASSERT_EQ(c.list.n, 0);
  ASSERT_EQ(reed_alloc_live(), 0);
}
