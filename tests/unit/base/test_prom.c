/* The Prometheus text writer: values, escaping, names refused, families,
 * histograms (cumulative buckets, +Inf equal to _count), and the sticky
 * error on allocation failure. */
#include "base.h"
#include "harness.h"

#include <math.h>
#include <string.h>

/* The writer's output as a C string (the buffer is freed). */
static char *
text_of(reed_buf_t *b)
{
  static char out[4096];

  ASSERT(b->len < sizeof(out));
  memcpy(out, b->data, b->len);
  out[b->len] = '\0';
  reed_buf_unref(b);
  return out;
}

TEST(prom_value_table)
{
  static const struct {
    double v;
    const char *want;
  } cases[] = {
      {0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-3, "-3"},
      {123456789012, "123456789012"},
      {0.5, "0.5"},
      {0.1, "0.1"},
      {0.005, "0.005"},
      {2.5e-7, "2.5e-07"},
      {1e15, "1e+15"},
      {1.0 / 3.0, "0.33333333333333331"},
      {INFINITY, "+Inf"},
      {-INFINITY, "-Inf"},
      {NAN, "NaN"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char out[40];
    reed_prom_format_value(cases[i].v, out, sizeof(out));
    ASSERT_STR_EQ(out, cases[i].want);
  }
}

TEST(prom_sample_table)
{
  static const reed_prom_label_t one[] = {{"protocol", "irc"}};
  static const reed_prom_label_t esc[] = {{"a", "x\\y"},
                                          {"b", "say \"hi\"\nbye"}};
  static const reed_prom_label_t empty[] = {{"v", ""}};
  static const reed_prom_label_t le[] = {{"le", "1"}};
  static const reed_prom_label_t under[] = {{"__name", "1"}};
  static const reed_prom_label_t colon[] = {{"a:b", "1"}};
  static const struct {
    const char *name;
    const reed_prom_label_t *labels;
    size_t n;
    double v;
    int rc;
    const char *want;
  } cases[] = {
      {"reed_up", NULL, 0, 1, 0, "reed_up 1\n"},
      {"reed_x_total", one, 1, 42, 0, "reed_x_total{protocol=\"irc\"} 42\n"},
      {"reed_esc", esc, 2, 0.25, 0,
       "reed_esc{a=\"x\\\\y\",b=\"say \\\"hi\\\"\\nbye\"} 0.25\n"},
      {"reed_e", empty, 1, 0, 0, "reed_e{v=\"\"} 0\n"},
      {"ns:reed_rule", NULL, 0, 2, 0, "ns:reed_rule 2\n"},
      {"9lives", NULL, 0, 1, REED_EINVAL, ""},
      {"", NULL, 0, 1, REED_EINVAL, ""},
      {"reed-dash", NULL, 0, 1, REED_EINVAL, ""},
      {"reed_x", le, 1, 1, REED_EINVAL, ""},
      {"reed_x", under, 1, 1, REED_EINVAL, ""},
      {"reed_x", colon, 1, 1, REED_EINVAL, ""},
      {"reed_x", NULL, 1, 1, REED_EINVAL, ""},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_buf_t *b = reed_buf_new(0);
    reed_prom_t w;

    reed_prom_init(&w, &b);
    ASSERT_EQ(reed_prom_sample(&w, cases[i].name, cases[i].labels, cases[i].n,
                               cases[i].v),
              cases[i].rc);
    ASSERT_STR_EQ(text_of(b), cases[i].want);
  }
}

TEST(prom_family_and_u64)
{
  reed_buf_t *b = reed_buf_new(0);
  reed_prom_t w;

  reed_prom_init(&w, &b);
  ASSERT_EQ(reed_prom_family(&w, "reed_messages_total", "counter",
                             "Messages\\accepted\nper protocol."),
            0);
  ASSERT_EQ(reed_prom_sample_u64(&w, "reed_messages_total",
                                 (const reed_prom_label_t[]){{"p", "amp"}}, 1,
                                 18446744073709551615ull),
            0);
  ASSERT_STR_EQ(text_of(b),
                "# HELP reed_messages_total Messages\\\\accepted\\nper "
                "protocol.\n"
                "# TYPE reed_messages_total counter\n"
                "reed_messages_total{p=\"amp\"} 18446744073709551615\n");
}

TEST(prom_family_refused)
{
  static const struct {
    const char *name, *type;
  } bad[] = {{"reed_x", "summary"}, {"reed_x", NULL}, {"x y", "gauge"}};

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    reed_buf_t *b = reed_buf_new(0);
    reed_prom_t w;

    reed_prom_init(&w, &b);
    ASSERT_EQ(reed_prom_family(&w, bad[i].name, bad[i].type, "h"), REED_EINVAL);
    /* Sticky: what follows is not written. */
    ASSERT_EQ(reed_prom_sample(&w, "reed_ok", NULL, 0, 1), REED_EINVAL);
    ASSERT_STR_EQ(text_of(b), "");
  }
}

TEST(prom_hist_cumulative)
{
  static const double bounds[] = {0.001, 0.01, 0.1};
  static const struct {
    double v;
  } obs[] = {{0.0005}, {0.001}, {0.002}, {0.05}, {0.05}, {3}};
  reed_hist_t h;
  reed_buf_t *b = reed_buf_new(0);
  reed_prom_t w;

  reed_hist_init(&h, bounds, REED_ARRAY_SIZE(bounds));
  for (size_t i = 0; i < REED_ARRAY_SIZE(obs); i++)
    reed_hist_observe(&h, obs[i].v);
  ASSERT_EQ(h.count, 6);
  /* A value on a bound falls in that bound's bucket (le is <=). */
  ASSERT_EQ(h.counts[0], 2);
  ASSERT_EQ(h.counts[3], 1);
  reed_prom_init(&w, &b);
  ASSERT_EQ(reed_prom_hist(&w, "reed_t_seconds",
                           (const reed_prom_label_t[]){{"k", "v"}}, 1, &h),
            0);
  ASSERT_STR_EQ(text_of(b), "reed_t_seconds_bucket{k=\"v\",le=\"0.001\"} 2\n"
                            "reed_t_seconds_bucket{k=\"v\",le=\"0.01\"} 3\n"
                            "reed_t_seconds_bucket{k=\"v\",le=\"0.1\"} 5\n"
                            "reed_t_seconds_bucket{k=\"v\",le=\"+Inf\"} 6\n"
                            "reed_t_seconds_sum{k=\"v\"} 3.1035\n"
                            "reed_t_seconds_count{k=\"v\"} 6\n");
}

TEST(prom_hist_empty_unlabelled)
{
  static const double bounds[] = {1};
  reed_hist_t h;
  reed_buf_t *b = reed_buf_new(0);
  reed_prom_t w;

  reed_hist_init(&h, bounds, 1);
  reed_prom_init(&w, &b);
  ASSERT_EQ(reed_prom_hist(&w, "reed_lag_seconds", NULL, 0, &h), 0);
  ASSERT_STR_EQ(text_of(b), "reed_lag_seconds_bucket{le=\"1\"} 0\n"
                            "reed_lag_seconds_bucket{le=\"+Inf\"} 0\n"
                            "reed_lag_seconds_sum 0\n"
                            "reed_lag_seconds_count 0\n");
}

/* Allocation N fails for N = 0..: the error sticks, nothing leaks and the
 * buffer stays the caller's to free. */
TEST(prom_alloc_failure_sticks)
{
  for (long n = 0; n < 8; n++) {
    reed_buf_t *b = reed_buf_new(0);
    reed_prom_t w;
    long live = reed_alloc_live();
    int rc;

    reed_prom_init(&w, &b);
    reed_alloc_fail_after(n);
    reed_prom_family(&w, "reed_a_total", "counter",
                     "a long enough help text "
                     "to need a second block");
    rc = reed_prom_sample(&w, "reed_a_total", NULL, 0, 1);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    ASSERT_EQ(reed_alloc_live(), live);
    reed_buf_unref(b);
  }
}
