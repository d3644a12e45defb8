/* bench: table tests of the line reader the load generator and the relay
 * share, of the PRIVMSG payload, and of the latency histogram. */
#include "harness.h"

#include "base.h"
#include "bline.h"
#include "lg_hist.h"

static void
assert_view(bench_view_t v, const char *want)
{
  char got[600];

  ASSERT(v.len < sizeof(got));
  if (v.len)
    memcpy(got, v.p, v.len);
  got[v.len] = '\0';
  ASSERT_STR_EQ(got, want);
}

static const struct {
  const char *in;
  const char *source, *nick, *command;
  int nparams;
  const char *p0, *plast;
} lines[] = {
    {"PING :abc", "", "", "PING", 1, "abc", "abc"},
    {":srv 001 b0 :Welcome to IRC", "srv", "srv", "001", 2, "b0",
     "Welcome to IRC"},
    {":b1!u@h JOIN #bench", "b1!u@h", "b1", "JOIN", 1, "#bench", "#bench"},
    {":b1!u@h JOIN :#bench", "b1!u@h", "b1", "JOIN", 1, "#bench", "#bench"},
    {":b2@h PRIVMSG #c :0 5 123 xx", "b2@h", "b2", "PRIVMSG", 2, "#c",
     "0 5 123 xx"},
    {"@time=2024;msgid=x :n!u@h PRIVMSG #c :hi", "n!u@h", "n", "PRIVMSG", 2,
     "#c", "hi"},
    {":srv  353  me = #c :a b c", "srv", "srv", "353", 4, "me", "a b c"},
    {"NOTICE * :", "", "", "NOTICE", 2, "*", ""},
    {"QUIT", "", "", "QUIT", 0, NULL, NULL},
    {":s 005 me A B C :are supported", "s", "s", "005", 5, "me",
     "are supported"},
    {"CMD a:b :c d", "", "", "CMD", 2, "a:b", "c d"},
};

TEST(line_table)
{
  bench_line_t m;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(lines); i++) {
    ASSERT_EQ(bench_line_parse(lines[i].in, strlen(lines[i].in), &m), 0);
    assert_view(m.source, lines[i].source);
    assert_view(m.nick, lines[i].nick);
    assert_view(m.command, lines[i].command);
    ASSERT_EQ(m.nparams, lines[i].nparams);
    if (m.nparams) {
      assert_view(m.params[0], lines[i].p0);
      assert_view(m.params[m.nparams - 1], lines[i].plast);
    }
  }
}

TEST(line_rejects)
{
  static const struct {
    const char *in;
    size_t len;
  } bad[] = {
      {"", 0},       {":srv", 4},   {":srv   ", 7}, {"@a=b", 4}, {"@a=b :s", 7},
      {"PING\r", 5}, {"PI\nNG", 5}, {"PING\0x", 6}, {"   ", 3},
  };
  bench_line_t m;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(bad); i++)
    ASSERT_EQ(bench_line_parse(bad[i].in, bad[i].len, &m), REED_ESYNTAX);
  /* A lone space is accepted as a command separator, but the command must
   * be there. */
  ASSERT_EQ(bench_line_parse(" PING", 5, &m), 0);
  assert_view(m.command, "PING");
}

TEST(line_param_limit)
{
  const char *in = "C 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
  bench_line_t m;

  ASSERT_EQ(bench_line_parse(in, strlen(in), &m), 0);
  ASSERT_EQ(m.nparams, BENCH_LINE_MAXPARAMS);
  assert_view(m.params[0], "1");
  assert_view(m.params[BENCH_LINE_MAXPARAMS - 1], "15 16 17");
}

TEST(payload_table)
{
  static const struct {
    const char *in;
    int rc;
    uint32_t sender, seq;
    uint64_t us;
  } cases[] = {
      {"0 0 0", 0, 0, 0, 0},
      {"3 17 123456 xxxx", 0, 3, 17, 123456},
      {"4294967295 4294967295 18446744073709551615", 0, 4294967295u,
       4294967295u, UINT64_MAX},
      {"4294967296 0 0", REED_ESYNTAX, 0, 0, 0},
      {"1 2 18446744073709551616", REED_ESYNTAX, 0, 0, 0},
      {"1 2", REED_ESYNTAX, 0, 0, 0},
      {"1 2 ", REED_ESYNTAX, 0, 0, 0},
      {"a 2 3", REED_ESYNTAX, 0, 0, 0},
      {"1 -2 3", REED_ESYNTAX, 0, 0, 0},
      {"1 2x 3", REED_ESYNTAX, 0, 0, 0},
      {"", REED_ESYNTAX, 0, 0, 0},
  };
  bench_payload_t p;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    bench_view_t v = {cases[i].in, strlen(cases[i].in)};

    memset(&p, 0xa5, sizeof(p));
    ASSERT_EQ(bench_payload_parse(v, &p), cases[i].rc);
    if (cases[i].rc == 0) {
      ASSERT_EQ(p.sender, cases[i].sender);
      ASSERT_EQ(p.seq, cases[i].seq);
      ASSERT(p.sent_us == cases[i].us);
    }
  }
}

TEST(hist_index_roundtrip)
{
  static const uint64_t values[] = {
      0,   1,    63,   127,     128,           129,       255,
      256, 1000, 4097, 1000000, 3600000000ull, 1ull << 40};
  unsigned idx;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(values); i++) {
    idx = lg_hist_index(values[i]);
    /* The bucket's range holds the value and is under 1/64 of it wide. */
    ASSERT(lg_hist_low(idx) <= values[i]);
    ASSERT(lg_hist_low(idx + 1) > values[i]);
    ASSERT((lg_hist_low(idx + 1) - lg_hist_low(idx)) * 64 <=
           (values[i] > 128 ? values[i] : 128));
  }
  ASSERT_EQ(lg_hist_index(1ull << 62), LG_HIST_BUCKETS - 1);
}

TEST(hist_quantiles)
{
  static lg_hist_t h;
  uint64_t v, p50, p99;

  ASSERT_EQ(lg_hist_quantile(&h, 0.5), 0);
  for (v = 1; v <= 10000; v++)
    lg_hist_add(&h, v);
  p50 = lg_hist_quantile(&h, 0.50);
  p99 = lg_hist_quantile(&h, 0.99);
  ASSERT_EQ(h.count, 10000);
  ASSERT_EQ(h.max, 10000);
  ASSERT(p50 >= 4900 && p50 <= 5100);
  ASSERT(p99 >= 9800 && p99 <= 10000);
  ASSERT_EQ(lg_hist_quantile(&h, 1.0), 10000);
  lg_hist_add(&h, 1ull << 62);
  ASSERT(lg_hist_quantile(&h, 1.0) == 1ull << 62);
}

/* ---- AMP framing ------------------------------------------------------- */

#include "bamp.h"

/* Sum(a=13), the example box of Twisted's amp.py, byte for byte. */
static const uint8_t sum_box[] =
    "\0\4_ask\0\0011\0\10_command\0\3Sum\0\1a\0\00213"
    "\0\0";

TEST(amp_parse_table)
{
  static const struct {
    const uint8_t *in;
    size_t len;
    ssize_t rc;
    int pairs;
  } cases[] = {
      {sum_box, sizeof(sum_box) - 1, sizeof(sum_box) - 1, 3},
      {sum_box, sizeof(sum_box) - 2, 0, 0},         /* end marker cut */
      {sum_box, 1, 0, 0},                           /* half a length */
      {sum_box, 9, 0, 0},                           /* value cut */
      {(const uint8_t *)"\0\0", 2, REED_EPROTO, 0}, /* empty box */
      {(const uint8_t *)"\1\0", 2, REED_EPROTO, 0}, /* key over 255 */
      {(const uint8_t *)"\0\1k\0\0\0\0", 7, 7, 1},  /* empty value */
      {(const uint8_t *)"", 0, 0, 0},
  };
  bench_amp_box_t box;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    ASSERT_EQ(bench_amp_parse(cases[i].in, cases[i].len, &box), cases[i].rc);
    if (cases[i].rc > 0)
      ASSERT_EQ(box.n, cases[i].pairs);
  }
}

TEST(amp_roundtrip_and_get)
{
  uint8_t buf[256];
  bench_amp_box_t box;
  bench_view_t v;
  size_t n = 0;

  ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "_ask", "1", 1), 0);
  ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "_command", "Sum", 3), 0);
  ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "a", "13", 2), 0);
  ASSERT_EQ(bench_amp_end(buf, sizeof(buf), &n), 0);
  ASSERT_EQ(n, sizeof(sum_box) - 1);
  ASSERT_MEM_EQ(buf, sum_box, n);
  ASSERT_EQ(bench_amp_parse(buf, n, &box), (ssize_t)n);
  ASSERT_EQ(bench_amp_get(&box, "_command", &v), 1);
  assert_view(v, "Sum");
  ASSERT_EQ(bench_amp_get(&box, "b", &v), 0);
  /* Too long for the buffer, or for AMP. */
  ASSERT_EQ(bench_amp_put(buf, 8, &n, "k", "v", 1), REED_ETOOBIG);
  n = 0;
  ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "", "v", 1), REED_ETOOBIG);
  ASSERT_EQ(n, 0);
}

TEST(amp_pair_limit)
{
  static uint8_t buf[BENCH_AMP_MAXPAIRS * 8 + 16];
  bench_amp_box_t box;
  size_t n = 0;
  int i;

  for (i = 0; i < BENCH_AMP_MAXPAIRS; i++)
    ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "k", "v", 1), 0);
  ASSERT_EQ(bench_amp_end(buf, sizeof(buf), &n), 0);
  ASSERT_EQ(bench_amp_parse(buf, n, &box), (ssize_t)n);
  ASSERT_EQ(box.n, BENCH_AMP_MAXPAIRS);
  n -= 2;
  ASSERT_EQ(bench_amp_put(buf, sizeof(buf), &n, "k", "v", 1), 0);
  ASSERT_EQ(bench_amp_end(buf, sizeof(buf), &n), 0);
  ASSERT_EQ(bench_amp_parse(buf, n, &box), REED_EPROTO);
}

TEST(amp_list_walk)
{
  bench_view_t list = {"\0\3ann\0\0\0\2bo", 11}, e;
  bench_view_t cut = {"\0\5ab", 4};

  ASSERT_EQ(bench_amp_list_next(&list, &e), 1);
  assert_view(e, "ann");
  ASSERT_EQ(bench_amp_list_next(&list, &e), 1);
  assert_view(e, "");
  ASSERT_EQ(bench_amp_list_next(&list, &e), 1);
  assert_view(e, "bo");
  ASSERT_EQ(bench_amp_list_next(&list, &e), 0);
  ASSERT_EQ(bench_amp_list_next(&cut, &e), REED_EPROTO);
}
