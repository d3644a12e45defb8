/* The IRC line parser and serializer, table-driven: the IRCv3 parser-tests
 * cases (ircdocs/parser-tests, msg-split.yaml and msg-join.yaml, CC0)
 * transcribed into C, then reed's own limit cases. */
#include "irc.h"
#include "harness.h"

typedef struct {
  const char *k, *v;
} kv_t;

typedef struct {
  const char *in;
  kv_t tags[6]; /* ends at k == NULL */
  const char *source;
  const char *verb;
  const char *params[6]; /* ends at NULL */
} split_case_t;

static const split_case_t split_cases[] = {
    {.in = "foo bar baz asdf", .verb = "foo", .params = {"bar", "baz", "asdf"}},
    {.in = ":coolguy foo bar baz asdf",
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "asdf"}},
    {.in = "foo bar baz :asdf quux",
     .verb = "foo",
     .params = {"bar", "baz", "asdf quux"}},
    {.in = "foo bar baz :", .verb = "foo", .params = {"bar", "baz", ""}},
    {.in = "foo bar baz ::asdf",
     .verb = "foo",
     .params = {"bar", "baz", ":asdf"}},
    {.in = ":coolguy foo bar baz :asdf quux",
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "asdf quux"}},
    {.in = ":coolguy foo bar baz :  asdf quux ",
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "  asdf quux "}},
    {.in = ":coolguy PRIVMSG bar :lol :) ",
     .source = "coolguy",
     .verb = "PRIVMSG",
     .params = {"bar", "lol :) "}},
    {.in = ":coolguy foo bar baz :",
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", ""}},
    {.in = ":coolguy foo bar baz :  ",
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "  "}},
    {.in = "@a=b;c=32;k;rt=ql7 foo",
     .tags = {{"a", "b"}, {"c", "32"}, {"k", ""}, {"rt", "ql7"}},
     .verb = "foo"},
    {.in = "@a=b\\\\and\\nk;c=72\\s45;d=gh\\:764 foo",
     .tags = {{"a", "b\\and\nk"}, {"c", "72 45"}, {"d", "gh;764"}},
     .verb = "foo"},
    {.in = "@c;h=;a=b :quux ab cd",
     .tags = {{"c", ""}, {"h", ""}, {"a", "b"}},
     .source = "quux",
     .verb = "ab",
     .params = {"cd"}},
    {.in = ":src JOIN #chan",
     .source = "src",
     .verb = "JOIN",
     .params = {"#chan"}},
    {.in = ":src JOIN :#chan",
     .source = "src",
     .verb = "JOIN",
     .params = {"#chan"}},
    {.in = ":src AWAY", .source = "src", .verb = "AWAY"},
    {.in = ":src AWAY ", .source = "src", .verb = "AWAY"},
    {.in = ":cool\tguy foo bar baz",
     .source = "cool\tguy",
     .verb = "foo",
     .params = {"bar", "baz"}},
    {.in = ":coolguy!ag@net\x03"
           "5w\x03"
           "ork.admin PRIVMSG foo :bar baz",
     .source = "coolguy!ag@net\x03"
               "5w\x03"
               "ork.admin",
     .verb = "PRIVMSG",
     .params = {"foo", "bar baz"}},
    {.in = ":coolguy!~ag@n\x02"
           "et\x03"
           "05w\x0f"
           "ork.admin PRIVMSG foo :bar baz",
     .source = "coolguy!~ag@n\x02"
               "et\x03"
               "05w\x0f"
               "ork.admin",
     .verb = "PRIVMSG",
     .params = {"foo", "bar baz"}},
    {.in = "@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4= "
           ":irc.example.com COMMAND param1 param2 :param3 param3",
     .tags = {{"tag1", "value1"},
              {"tag2", ""},
              {"vendor1/tag3", "value2"},
              {"vendor2/tag4", ""}},
     .source = "irc.example.com",
     .verb = "COMMAND",
     .params = {"param1", "param2", "param3 param3"}},
    {.in = ":irc.example.com COMMAND param1 param2 :param3 param3",
     .source = "irc.example.com",
     .verb = "COMMAND",
     .params = {"param1", "param2", "param3 param3"}},
    {.in = "@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4 COMMAND "
           "param1 param2 :param3 param3",
     .tags = {{"tag1", "value1"},
              {"tag2", ""},
              {"vendor1/tag3", "value2"},
              {"vendor2/tag4", ""}},
     .verb = "COMMAND",
     .params = {"param1", "param2", "param3 param3"}},
    {.in = "COMMAND", .verb = "COMMAND"},
    {.in = "@foo=\\\\\\\\\\:\\\\s\\s\\r\\n COMMAND",
     .tags = {{"foo", "\\\\;\\s \r\n"}},
     .verb = "COMMAND"},
    {.in = ":gravel.mozilla.org 432  #momo :Erroneous Nickname: Illegal "
           "characters",
     .source = "gravel.mozilla.org",
     .verb = "432",
     .params = {"#momo", "Erroneous Nickname: Illegal characters"}},
    {.in = ":gravel.mozilla.org MODE #tckk +n ",
     .source = "gravel.mozilla.org",
     .verb = "MODE",
     .params = {"#tckk", "+n"}},
    {.in = ":services.esper.net MODE #foo-bar +o foobar  ",
     .source = "services.esper.net",
     .verb = "MODE",
     .params = {"#foo-bar", "+o", "foobar"}},
    {.in = "@tag1=value\\\\ntest COMMAND",
     .tags = {{"tag1", "value\\ntest"}},
     .verb = "COMMAND"},
    {.in = "@tag1=value\\1 COMMAND",
     .tags = {{"tag1", "value1"}},
     .verb = "COMMAND"},
    {.in = "@tag1=value1\\ COMMAND",
     .tags = {{"tag1", "value1"}},
     .verb = "COMMAND"},
    {.in = "@tag1=1;tag2=3;tag3=4;tag1=5 COMMAND",
     .tags = {{"tag1", "5"}, {"tag2", "3"}, {"tag3", "4"}},
     .verb = "COMMAND"},
    {.in = "@tag1=1;tag2=3;tag3=4;tag1=5;vendor/tag2=8 COMMAND",
     .tags =
         {{"tag1", "5"}, {"tag2", "3"}, {"tag3", "4"}, {"vendor/tag2", "8"}},
     .verb = "COMMAND"},
    {.in = ":SomeOp MODE #channel :+i",
     .source = "SomeOp",
     .verb = "MODE",
     .params = {"#channel", "+i"}},
    {.in = ":SomeOp MODE #channel +oo SomeUser :AnotherUser",
     .source = "SomeOp",
     .verb = "MODE",
     .params = {"#channel", "+oo", "SomeUser", "AnotherUser"}},
};

static size_t
count_params(const char *const *p)
{
  size_t n = 0;

  while (n < 6 && p[n] != NULL)
    n++;
  return n;
}

static void
check_split(const split_case_t *c, const reed_irc_msg_t *m)
{
  size_t n_tags = 0;

  while (n_tags < 6 && c->tags[n_tags].k != NULL)
    n_tags++;
  ASSERT_EQ(m->n_tags, n_tags);
  for (size_t i = 0; i < n_tags; i++)
    ASSERT_STR_EQ(reed_irc_msg_tag(m, c->tags[i].k), c->tags[i].v);
  if (c->source == NULL)
    ASSERT(m->source == NULL);
  else
    ASSERT_STR_EQ(m->source, c->source);
  ASSERT_STR_EQ(m->command, c->verb);
  ASSERT_EQ(m->n_params, count_params(c->params));
  for (size_t i = 0; i < m->n_params; i++)
    ASSERT_STR_EQ(m->params[i], c->params[i]);
}

TEST(line_split_table)
{
  static reed_irc_msg_t m;

  for (size_t i = 0; i < REED_ARRAY_SIZE(split_cases); i++) {
    const split_case_t *c = &split_cases[i];
    int rc = reed_irc_line_parse(c->in, strlen(c->in), &m);
    if (rc != 0)
      reed__test_fail(__FILE__, __LINE__, "case %zu (%s): rc %d", i, c->in, rc);
    check_split(c, &m);
  }
}

/* msg-join: atoms -> a line that must be one of `matches`. */
typedef struct {
  kv_t tags[3];
  const char *source;
  const char *verb;
  const char *params[4];
  const char *matches[4];
} join_case_t;

static const join_case_t join_cases[] = {
    {.verb = "foo",
     .params = {"bar", "baz", "asdf"},
     .matches = {"foo bar baz asdf", "foo bar baz :asdf"}},
    {.source = "src", .verb = "AWAY", .matches = {":src AWAY"}},
    {.source = "src",
     .verb = "AWAY",
     .params = {""},
     .matches = {":src AWAY :"}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "asdf"},
     .matches = {":coolguy foo bar baz asdf", ":coolguy foo bar baz :asdf"}},
    {.verb = "foo",
     .params = {"bar", "baz", "asdf quux"},
     .matches = {"foo bar baz :asdf quux"}},
    {.verb = "foo", .params = {"bar", "baz", ""}, .matches = {"foo bar baz :"}},
    {.verb = "foo",
     .params = {"bar", "baz", ":asdf"},
     .matches = {"foo bar baz ::asdf"}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "asdf quux"},
     .matches = {":coolguy foo bar baz :asdf quux"}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "  asdf quux "},
     .matches = {":coolguy foo bar baz :  asdf quux "}},
    {.source = "coolguy",
     .verb = "PRIVMSG",
     .params = {"bar", "lol :) "},
     .matches = {":coolguy PRIVMSG bar :lol :) "}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", ""},
     .matches = {":coolguy foo bar baz :"}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "  "},
     .matches = {":coolguy foo bar baz :  "}},
    {.source = "coolguy",
     .verb = "foo",
     .params = {"b\tar", "baz"},
     .matches = {":coolguy foo b\tar baz", ":coolguy foo b\tar :baz"}},
    {.tags = {{"asd", ""}},
     .source = "coolguy",
     .verb = "foo",
     .params = {"bar", "baz", "  "},
     .matches = {"@asd :coolguy foo bar baz :  ",
                 "@asd= :coolguy foo bar baz :  "}},
    {.tags = {{"a", "b\\and\nk"}, {"d", "gh;764"}},
     .verb = "foo",
     .matches = {"@a=b\\\\and\\nk;d=gh\\:764 foo",
                 "@d=gh\\:764;a=b\\\\and\\nk foo"}},
    {.tags = {{"a", "b\\and\nk"}, {"d", "gh;764"}},
     .verb = "foo",
     .params = {"par1", "par2"},
     .matches = {"@a=b\\\\and\\nk;d=gh\\:764 foo par1 par2",
                 "@a=b\\\\and\\nk;d=gh\\:764 foo par1 :par2",
                 "@d=gh\\:764;a=b\\\\and\\nk foo par1 par2",
                 "@d=gh\\:764;a=b\\\\and\\nk foo par1 :par2"}},
    {.tags = {{"foo", "\\\\;\\s \r\n"}},
     .verb = "COMMAND",
     .matches = {"@foo=\\\\\\\\\\:\\\\s\\s\\r\\n COMMAND"}},
};

static void
build_join(const join_case_t *c, reed_irc_msg_t *m)
{
  memset(m, 0, sizeof(*m));
  while (m->n_tags < 3 && c->tags[m->n_tags].k != NULL) {
    m->tags[m->n_tags].key = c->tags[m->n_tags].k;
    m->tags[m->n_tags].value = c->tags[m->n_tags].v;
    m->n_tags++;
  }
  m->source = c->source;
  m->command = c->verb;
  while (m->n_params < 4 && c->params[m->n_params] != NULL) {
    m->params[m->n_params] = c->params[m->n_params];
    m->n_params++;
  }
}

static int
matches_one(const join_case_t *c, const reed_buf_t *b)
{
  for (size_t i = 0; i < 4 && c->matches[i] != NULL; i++) {
    size_t n = strlen(c->matches[i]);
    if (b->len == n + 2 && memcmp(b->data, c->matches[i], n) == 0 &&
        memcmp(b->data + n, "\r\n", 2) == 0)
      return 1;
  }
  return 0;
}

TEST(line_join_table)
{
  static reed_irc_msg_t m, back;

  for (size_t i = 0; i < REED_ARRAY_SIZE(join_cases); i++) {
    const join_case_t *c = &join_cases[i];
    reed_buf_t *b = reed_buf_new(16);

    build_join(c, &m);
    ASSERT_EQ(reed_irc_msg_write(&m, &b), 0);
    if (!matches_one(c, b))
      reed__test_fail(__FILE__, __LINE__, "case %zu: got \"%.*s\"", i,
                      (int)b->len, (const char *)b->data);
    /* The line reads back as the same atoms. */
    ASSERT_EQ(reed_irc_line_parse((const char *)b->data, b->len - 2, &back), 0);
    ASSERT_EQ(back.n_tags, m.n_tags);
    ASSERT_EQ(back.n_params, m.n_params);
    for (size_t k = 0; k < m.n_params; k++)
      ASSERT_STR_EQ(back.params[k], m.params[k]);
    for (size_t k = 0; k < m.n_tags; k++)
      ASSERT_STR_EQ(reed_irc_msg_tag(&back, m.tags[k].key), m.tags[k].value);
    reed_buf_unref(b);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* Builds "@" + tag data of `tag_bytes` + " " + a command padded to
 * `line_bytes` bytes; returns its length. */
static size_t
make_line(char *buf, size_t tag_bytes, size_t line_bytes)
{
  size_t n = 0;

  if (tag_bytes > 0) {
    buf[n++] = '@';
    buf[n++] = 'a';
    buf[n++] = '=';
    memset(buf + n, 'x', tag_bytes - 2);
    n += tag_bytes - 2;
    buf[n++] = ' ';
  }
  memcpy(buf + n, "PRIVMSG x :", 11);
  memset(buf + n + 11, 'y', line_bytes - 11);
  return n + line_bytes;
}

/* rc: reed_irc_line_parse; server_rc: reed_irc_line_parse_server, which
 * only needs the whole line to fit its buffer (8704 bytes). */
static const struct {
  size_t tag_bytes, line_bytes;
  int rc, server_rc;
} limit_cases[] = {
    {0, 510, 0, 0},               /* 512 with CRLF */
    {0, 511, REED_ETOOBIG, 0},    /* one byte over */
    {8189, 510, 0, 0},            /* 8191 with '@' and the space */
    {8190, 510, REED_ETOOBIG, 0}, /* tag section one over */
    {8189, 511, REED_ETOOBIG, 0}, /* tags fine, the rest over */
    {4094, 100, 0, 0},            /* parser leaves 4094 to the core */
    {20000, 100, REED_ETOOBIG, REED_ETOOBIG}, /* far over everything */
    {0, 8704, REED_ETOOBIG, 0},               /* a server's longest line */
    {0, 8705, REED_ETOOBIG, REED_ETOOBIG},    /* one byte over */
};

TEST(line_limits)
{
  static char buf[32000];
  static reed_irc_msg_t m;

  for (size_t i = 0; i < REED_ARRAY_SIZE(limit_cases); i++) {
    size_t n =
        make_line(buf, limit_cases[i].tag_bytes, limit_cases[i].line_bytes);
    int rc = reed_irc_line_parse(buf, n, &m);
    if (rc != limit_cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu: rc %d", i, rc);
    if (rc == 0)
      ASSERT_EQ(m.tags_len, limit_cases[i].tag_bytes);
    rc = reed_irc_line_parse_server(buf, n, &m);
    if (rc != limit_cases[i].server_rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu: server rc %d", i, rc);
    if (rc == 0)
      ASSERT_EQ(m.tags_len, limit_cases[i].tag_bytes);
  }
}

static const struct {
  const char *in;
  size_t len; /* 0: strlen */
  int rc;
} bad_cases[] = {
    {"", 0, REED_ESYNTAX},
    {"   ", 0, REED_ESYNTAX},
    {"@a=b", 0, REED_ESYNTAX},      /* tags without a command */
    {"@a=b ", 0, REED_ESYNTAX},     /* the same, with the space */
    {":src", 0, REED_ESYNTAX},      /* source without a command */
    {": PING x", 0, REED_ESYNTAX},  /* empty source */
    {"@=v PING", 0, REED_ESYNTAX},  /* empty tag key */
    {"@+ PING", 0, REED_ESYNTAX},   /* client prefix without a key */
    {"PING a\rb", 0, REED_ESYNTAX}, /* CR inside */
    {"PING a\nb", 0, REED_ESYNTAX}, /* LF inside */
    {"PING a\0b", 8, REED_ESYNTAX}, /* NUL inside */
    {"@;;a PING", 0, 0},            /* empty tag items are skipped */
    {"  PING x", 0, 0},             /* leading spaces */
};

TEST(line_bad_input)
{
  static reed_irc_msg_t m;

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad_cases); i++) {
    const char *in = bad_cases[i].in;
    size_t len = bad_cases[i].len ? bad_cases[i].len : strlen(in);
    int rc = reed_irc_line_parse(in, len, &m);
    if (rc != bad_cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu (%s): rc %d", i, in, rc);
  }
}

TEST(line_params_and_tag_count)
{
  static reed_irc_msg_t m;
  static char buf[1024];
  size_t n = 0;
  const char *line = "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 :17";

  ASSERT_EQ(reed_irc_line_parse(line, strlen(line), &m), 0);
  ASSERT_EQ(m.n_params, 15);
  ASSERT_STR_EQ(m.params[13], "14");
  ASSERT_STR_EQ(m.params[14], "15 16 :17");
  /* 64 distinct tags are fine, the 65th is refused. */
  buf[n++] = '@';
  for (int i = 0; i < 65; i++)
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "t%d;", i);
  memcpy(buf + n - 1, " PING", 5);
  n += 4;
  ASSERT_EQ(reed_irc_line_parse(buf, n, &m), REED_ELIMIT);
  buf[3] = '@'; /* "@t1;t2;...;t64 PING": 64 tags */
  ASSERT_EQ(reed_irc_line_parse(buf + 3, n - 3, &m), 0);
  ASSERT_EQ(m.n_tags, 64);
  ASSERT_STR_EQ(m.command, "PING");
}

TEST(line_tag_escape)
{
  char out[16];

  ASSERT_EQ(reed_irc_tag_escape(out, sizeof(out), "a b;c\\d\r\n"), 14);
  ASSERT_STR_EQ(out, "a\\sb\\:c\\\\d\\r\\n");
  /* Truncation keeps a clean prefix: never half an escape. */
  ASSERT_EQ(reed_irc_tag_escape(out, 4, "ab;"), 4);
  ASSERT_STR_EQ(out, "ab");
  ASSERT_EQ(reed_irc_tag_escape(out, 0, "xyz"), 3);
  ASSERT_EQ(reed_irc_tag_escape(out, sizeof(out), ""), 0);
  ASSERT_STR_EQ(out, "");
}

TEST(line_write_refuses_bad_atoms)
{
  static reed_irc_msg_t m;
  reed_buf_t *b = reed_buf_new(8);
  const char *bad_middle[] = {"", "a b", ":x"};

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad_middle); i++) {
    memset(&m, 0, sizeof(m));
    m.command = "PRIVMSG";
    m.params[0] = bad_middle[i];
    m.params[1] = "text";
    m.n_params = 2;
    ASSERT_EQ(reed_irc_msg_write(&m, &b), REED_EINVAL);
  }
  m.params[0] = "x";
  m.params[1] = "a\r\nQUIT";
  ASSERT_EQ(reed_irc_msg_write(&m, &b), REED_EINVAL);
  m.params[1] = "ok";
  m.source = "a b";
  ASSERT_EQ(reed_irc_msg_write(&m, &b), REED_EINVAL);
  m.source = NULL;
  m.command = "";
  ASSERT_EQ(reed_irc_msg_write(&m, &b), REED_EINVAL);
  ASSERT_EQ(b->len, 0);
  /* Allocation failure leaves the buffer as it was. */
  m.command = "PRIVMSG";
  reed_alloc_fail_after(0);
  ASSERT_EQ(reed_irc_msg_write(&m, &b), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT_EQ(b->len, 0);
  ASSERT_EQ(reed_irc_msg_write(&m, &b), 0);
  ASSERT_MEM_EQ(b->data, "PRIVMSG x ok\r\n", b->len);
  reed_buf_unref(b);
}
