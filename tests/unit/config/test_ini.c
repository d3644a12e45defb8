/* The INI parser: table-driven syntax cases, long lines, errors by line. */
#include "config.h"
#include "harness.h"

typedef struct {
  char out[1024];
  size_t len;
  int stop_at; /* return 7 from the callback on this line */
} rec_t;

static int
record(void *ud, const char *section, const char *key, const char *value,
       int line)
{
  rec_t *r = ud;
  int n;

  if (key == NULL)
    n = snprintf(r->out + r->len, sizeof(r->out) - r->len, "%d:[%s]\n", line,
                 section);
  else
    n = snprintf(r->out + r->len, sizeof(r->out) - r->len, "%d:%s|%s=%s\n",
                 line, section, key, value);
  if (n > 0)
    r->len += (size_t)n;
  return line == r->stop_at ? 7 : 0;
}

static const struct {
  const char *in;
  int rc;
  const char *out; /* recorded events */
  int err_line;
  const char *err_msg;
} cases[] = {
    {"", 0, "", 0, NULL},
    {"\n\n   \n", 0, "", 0, NULL},
    {"[a]\nk=v\n", 0, "1:[a]\n2:a|k=v\n", 0, NULL},
    {"k = v", 0, "1:|k=v\n", 0, NULL},
    {"  [ sec ]  \n  key  =  some value  \n", 0,
     "1:[sec]\n2:sec|key=some value\n", 0, NULL},
    {"; comment\n# another\n[s]\n  ; indented\nx=1", 0, "3:[s]\n5:s|x=1\n", 0,
     NULL},
    {"[s] ; trailing comment\n[t]#c\n", 0, "1:[s]\n2:[t]\n", 0, NULL},
    {"[s]\r\nk = v\r\n\r\nj=w\r\n", 0, "1:[s]\n2:s|k=v\n4:s|j=w\n", 0, NULL},
    {"\xEF\xBB\xBF[s]\n", 0, "1:[s]\n", 0, NULL},
    {"[s]\nchan = #reed ; not a comment\n", 0,
     "1:[s]\n2:s|chan=#reed ; not a comment\n", 0, NULL},
    {"[s]\nk=a=b\n", 0, "1:[s]\n2:s|k=a=b\n", 0, NULL},
    {"[s]\nk=\n", 0, "1:[s]\n2:s|k=\n", 0, NULL},
    {"[s]\nk=1\nk=2\n", 0, "1:[s]\n2:s|k=1\n3:s|k=2\n", 0, NULL},
    {"[s]\n\tk\t=\tv\t\n", 0, "1:[s]\n2:s|k=v\n", 0, NULL},
    {"[s]\njust words\n", REED_ESYNTAX, "1:[s]\n", 2, "expected 'key = value'"},
    {"[s]\n = v\n", REED_ESYNTAX, "1:[s]\n", 2, "empty key before '='"},
    {"[s\nk=v\n", REED_ESYNTAX, "", 1, "unterminated section header"},
    {"[]\n", REED_ESYNTAX, "", 1, "empty section name"},
    {"[  ]\n", REED_ESYNTAX, "", 1, "empty section name"},
    {"[a] b\n", REED_ESYNTAX, "", 1, "text after section header"},
    {"[a[b]\n", REED_ESYNTAX, "", 1, "'[' inside section name"},
    {"[a]\nx=1\n\n[b\n", REED_ESYNTAX, "1:[a]\n2:a|x=1\n", 4,
     "unterminated section header"},
};

TEST(ini_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    rec_t r = {.len = 0};
    reed_conf_err_t err = {.line = 0};
    int rc = reed_ini_parse(cases[i].in, strlen(cases[i].in), record, &r, &err);
    if (rc != cases[i].rc || strcmp(r.out, cases[i].out) != 0)
      fprintf(stderr, "case %zu: rc %d out:\n%s", i, rc, r.out);
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT_STR_EQ(r.out, cases[i].out);
    if (cases[i].err_msg != NULL) {
      ASSERT_EQ(err.line, cases[i].err_line);
      ASSERT_STR_EQ(err.msg, cases[i].err_msg);
    }
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(ini_nul_byte)
{
  static const char text[] = "[s]\nk=a\0b\n";
  rec_t r = {.len = 0};
  reed_conf_err_t err = {.line = 0};

  ASSERT_EQ(reed_ini_parse(text, sizeof(text) - 1, record, &r, &err),
            REED_ESYNTAX);
  ASSERT_EQ(err.line, 2);
  ASSERT_STR_EQ(err.msg, "NUL byte in line");
}

/* A callback that checks the value of one long line. */
typedef struct {
  size_t want;
  int calls, others;
} long_t;

static int
check_long(void *ud, const char *section, const char *key, const char *value,
           int line)
{
  long_t *l = ud;

  REED_UNUSED(section);
  if (key == NULL)
    return 0;
  if (strcmp(key, "k") != 0)
    return line == 3 && strcmp(value, "1") == 0 ? (l->others++, 0) : 3;
  l->calls++;
  if (strlen(value) != l->want || line != 2)
    return 1;
  for (size_t i = 0; i < l->want; i++)
    if (value[i] != (char)('a' + i % 26))
      return 2;
  return 0;
}

static char *
long_text(size_t vlen)
{
  char *t = malloc(vlen + 32);
  size_t n = (size_t)sprintf(t, "[s]\nk = ");

  for (size_t i = 0; i < vlen; i++)
    t[n++] = (char)('a' + i % 26);
  strcpy(t + n, "\nafter=1\n");
  return t;
}

TEST(ini_long_lines)
{
  static const size_t lens[] = {199, 200, 201, 4095, 4096, 4097, 60000};

  for (size_t i = 0; i < REED_ARRAY_SIZE(lens); i++) {
    char *t = long_text(lens[i]);
    long_t l = {.want = lens[i]};
    reed_conf_err_t err;
    int rc = reed_ini_parse(t, strlen(t), check_long, &l, &err);
    free(t);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(l.calls, 1);
    ASSERT_EQ(l.others, 1);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(ini_line_too_long)
{
  char *t = long_text(REED_INI_MAX_LINE);
  long_t l = {.want = 0};
  reed_conf_err_t err = {.line = 0};

  ASSERT_EQ(reed_ini_parse(t, strlen(t), check_long, &l, &err), REED_ETOOBIG);
  free(t);
  ASSERT_EQ(err.line, 2);
  ASSERT_STR_EQ(err.msg, "line longer than 65536 bytes");
  ASSERT_EQ(l.calls, 0);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(ini_callback_stops)
{
  static const char text[] = "[a]\nx=1\ny=2\nz=3\n";
  rec_t r = {.stop_at = 3};

  ASSERT_EQ(reed_ini_parse(text, strlen(text), record, &r, NULL), 7);
  ASSERT_STR_EQ(r.out, "1:[a]\n2:a|x=1\n3:a|y=2\n");
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(ini_no_trailing_newline_and_lone_cr)
{
  static const char text[] = "[a]\nx = 1\r";
  rec_t r = {.len = 0};

  ASSERT_EQ(reed_ini_parse(text, strlen(text), record, &r, NULL), 0);
  ASSERT_STR_EQ(r.out, "1:[a]\n2:a|x=1\n");
}

TEST(ini_alloc_failure)
{
  static const char text[] = "[a]\nx=1\n[b]\ny=2\n";

  for (long n = 0; n < 10; n++) {
    rec_t r = {.len = 0};
    reed_conf_err_t err = {.line = 0};
    int rc;
    reed_alloc_fail_after(n);
    rc = reed_ini_parse(text, strlen(text), record, &r, &err);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    if (rc == REED_ENOMEM)
      ASSERT_STR_EQ(err.msg, "out of memory");
    else
      ASSERT_STR_EQ(r.out, "1:[a]\n2:a|x=1\n3:[b]\n4:b|y=2\n");
    ASSERT_EQ(reed_alloc_live(), 0);
    if (n == 0)
      ASSERT_EQ(rc, REED_ENOMEM);
  }
}
