/* Limits: line and tag lengths (417, or a close for a line past the read
 * limit), invalid UTF-8, flood control with fakelag or excess-flood
 * disconnects, the exemption list, the pre-registration cap and a full
 * send queue. */
#include "irc_test.h"

#include <stdlib.h>
#include <string.h>

static char *
repeat(const char *head, char ch, size_t n, const char *tail)
{
  size_t hl = strlen(head), tl = strlen(tail);
  char *s = malloc(hl + n + tl + 1);

  ASSERT(s != NULL);
  memcpy(s, head, hl);
  memset(s + hl, ch, n);
  memcpy(s + hl + n, tail, tl + 1);
  return s;
}

static void
sc_too_long(itw_t *w)
{
  /* "PRIVMSG bob :" is 13 bytes: 497 more make 510, 498 one too many. */
  char *ok = repeat("PRIVMSG bob :", 'x', 497, "\r\n");
  char *over = repeat("PRIVMSG bob :", 'x', 498, "\r\n");
  char *tags = repeat("@+a=", 'y', 4092, " PING :t\r\n");
  char *tags_ok = repeat("@+a=", 'y', 4091, " PING :t\r\n");

  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, ok);
  /* Relayed with its source the line passes 512 bytes: text from an IRC
   * client is relayed whole (as ergo does), never cut or split. */
  {
    char *l1 = repeat(":alice!~u0@127.0.0.1 PRIVMSG bob :", 'x', 497, "");
    ITW_EXPECT(w, 1, l1);
    free(l1);
  }
  itw_feed(w, 0, over);
  itw_feed(w, 0, tags);
  itw_feed(w, 0, tags_ok);
  ITW_EXPECT(w, 0,
             ":irc.test 417 alice :Input line was too long\n"
             ":irc.test 417 alice :Input line was too long\n"
             ":irc.test PONG irc.test :t");
  ITW_EXPECT(w, 1, "");
  ASSERT(!w->ft[0].closed);
  free(ok);
  free(over);
  free(tags);
  free(tags_ok);
}

TEST(limits_too_long_417)
{
  itw_run_chunked(sc_too_long);
}

static void
sc_no_newline(itw_t *w)
{
  char *flood = repeat("PRIVMSG bob :", 'z', 16 * 1024, "\r\nPING :x\r\n");

  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, flood);
  ITW_EXPECT(w, 0, "ERROR :Closing Link: 127.0.0.1 (Input line too long)");
  ASSERT(w->ft[0].closed);
  ASSERT(((reed_irc_core_t *)w->core[0])->rbuf == NULL);
  /* Everyone else is still served. */
  itw_feed(w, 1, "PING :still\r\n");
  ITW_EXPECT(w, 1, ":irc.test PONG irc.test :still");
  free(flood);
}

TEST(limits_long_line_closes)
{
  itw_run_chunked(sc_no_newline);
}

static void
sc_utf8(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0,
           "PRIVMSG bob :caf\xc3\xa9\r\nPRIVMSG bob :bad \xff\xfe\r\n"
           "\r\n\r\n   \r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL PRIVMSG INVALID_UTF8 :Message rejected, your "
             "message contained invalid UTF-8");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 PRIVMSG bob :caf\xc3\xa9");
}

TEST(limits_invalid_utf8)
{
  itw_run_chunked(sc_utf8);
}

/* bob (1) in #f; alice (0) sends ten messages at once. */
static uint64_t
flood_ten(itw_t *w)
{
  char lines[400] = "";
  uint64_t start;

  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 1, "JOIN #f\r\n");
  itw_take(w, 1);
  for (int i = 0; i < 10; i++)
    snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
             "PRIVMSG bob :m%d\r\n", i);
  start = w->fc.now;
  itw_feed(w, 0, lines);
  return w->fc.now - start;
}

static const char ten_lines[] = ":alice!~u0@127.0.0.1 PRIVMSG bob :m0\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m1\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m2\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m3\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m4\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m5\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m6\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m7\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m8\n"
                                ":alice!~u0@127.0.0.1 PRIVMSG bob :m9";

static void
sc_fakelag(itw_t *w)
{
  uint64_t took = flood_ten(w);

  /* Five at once, then one per 500 ms: all delivered, in order. */
  ITW_EXPECT(w, 1, ten_lines);
  ASSERT(took >= 2500);
  ASSERT(took <= 2600);
  ASSERT_EQ(w->ft[0].paused, 0);
  ASSERT(!w->ft[0].closed);
  ITW_EXPECT(w, 0, "");
}

TEST(limits_fakelag)
{
  itw_run_chunked(sc_fakelag);
}

static void
sc_excess_flood(itw_t *w)
{
  w->conf.fakelag = false;
  ASSERT_EQ(flood_ten(w), 0);
  ITW_EXPECT(w, 1,
             ":alice!~u0@127.0.0.1 PRIVMSG bob :m0\n"
             ":alice!~u0@127.0.0.1 PRIVMSG bob :m1\n"
             ":alice!~u0@127.0.0.1 PRIVMSG bob :m2\n"
             ":alice!~u0@127.0.0.1 PRIVMSG bob :m3\n"
             ":alice!~u0@127.0.0.1 PRIVMSG bob :m4");
  ITW_EXPECT(w, 0, "ERROR :Closing Link: 127.0.0.1 (Excess Flood)");
  ASSERT(w->ft[0].closed);
}

TEST(limits_excess_flood)
{
  itw_run_chunked(sc_excess_flood);
}

static void
sc_exempt(itw_t *w)
{
  reed_conf_err_t err = {0};
  const reed_directive_t *d = reed_irc_module.directives;

  while (strcmp(d->key, "flood_exempt") != 0)
    d++;
  ASSERT_EQ(d->set(&w->conf, "127.0.0.1", d, &err), 0);
  ASSERT_EQ(flood_ten(w), 0);
  ITW_EXPECT(w, 1, ten_lines);
}

TEST(limits_flood_exempt)
{
  itw_run_chunked(sc_exempt);
}

static void
sc_prereg(itw_t *w)
{
  char *pings = malloc(200 * 8 + 1);

  ASSERT(pings != NULL);
  pings[0] = '\0';
  for (int i = 0; i < 200; i++)
    strcat(pings, "PING x\r\n");
  itw_connect(w, 0);
  itw_feed(w, 0, pings);
  ASSERT(w->ft[0].closed);
  ASSERT_STR_EQ(w->ft[0].close_reason, "Excess Flood");
  ASSERT(strstr(itw_take(w, 0), "ERROR :Closing Link: 127.0.0.1 (Excess "
                                "Flood)\r\n") != NULL);
  free(pings);
}

TEST(limits_prereg_lines)
{
  itw_run_chunked(sc_prereg);
}

static void
sc_sendq(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "JOIN #s\r\n");
  itw_feed(w, 1, "JOIN #s\r\n");
  itw_feed(w, 2, "JOIN #s\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_take(w, 2);
  ft_set_full(&w->ft[1], 1);
  itw_feed(w, 0, "PRIVMSG #s :one\r\nPRIVMSG #s :two\r\n");
  ASSERT(w->ft[1].closed);
  ASSERT_STR_EQ(w->ft[1].close_reason, "SendQ exceeded");
  ITW_EXPECT(w, 2,
             ":alice!~u0@127.0.0.1 PRIVMSG #s :one\n"
             ":bob!~u1@127.0.0.1 QUIT :SendQ exceeded\n"
             ":alice!~u0@127.0.0.1 PRIVMSG #s :two");
}

TEST(limits_sendq_full)
{
  itw_run_chunked(sc_sendq);
}

/* A write that fails outside a fan-out closes too: the server's PING from
 * the ping timer, and a command's own replies (the rest of the input is
 * not read). */
static void
sc_sendq_own(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #s\r\n");
  itw_take(w, 0);
  ft_set_full(&w->ft[0], 1);
  fc_advance(&w->fc, 120000);
  ASSERT(w->ft[0].closed);
  ASSERT_STR_EQ(w->ft[0].close_reason, "SendQ exceeded");
  ft_set_full(&w->ft[1], 1);
  itw_feed(w, 1, "LUSERS\r\nJOIN #t\r\n");
  ASSERT(w->ft[1].closed);
  ASSERT_STR_EQ(w->ft[1].close_reason, "SendQ exceeded");
  ASSERT(reed_room_find(w->model, "t") == NULL);
}

TEST(limits_sendq_full_own_writes)
{
  itw_run_chunked(sc_sendq_own);
}

TEST(limits_directives)
{
  static const struct {
    const char *key, *value;
    int rc;
  } cases[] = {
      {"ping_interval", "90", 0},
      {"ping_interval", "90s", 0},
      {"ping_interval", "2m", 0},
      {"ping_interval", "1500ms", 0},
      {"ping_interval", "10x", REED_ECONFIG},
      {"ping_interval", "0", REED_ECONFIG},
      {"ping_interval", "-5", REED_ECONFIG},
      {"flood_burst", "10", 0},
      {"flood_burst", "0", REED_ECONFIG},
      {"flood_burst", "ten", REED_ECONFIG},
      {"fakelag", "off", 0},
      {"fakelag", "maybe", REED_ECONFIG},
      {"network", "ExampleNet", 0},
      {"network", "", REED_ECONFIG},
      {"motd", "", 0}, /* a blank MOTD line */
      {"sts_duration", "0", 0},
  };
  reed_irc_conf_t conf;

  reed_irc_module.conf_defaults(&conf);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    const reed_directive_t *d = reed_irc_module.directives;
    reed_conf_err_t err = {0};
    while (d->key != NULL && strcmp(d->key, cases[i].key) != 0)
      d++;
    ASSERT(d->key != NULL);
    if (d->set(&conf, cases[i].value, d, &err) != cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu (%s = %s)", i, cases[i].key,
                      cases[i].value);
    ASSERT(cases[i].rc == 0 || err.msg[0] != '\0');
  }
  ASSERT_EQ(conf.ping_interval_ms, 1500);
  ASSERT_EQ(conf.flood_burst, 10);
  ASSERT(!conf.fakelag);
  ASSERT_STR_EQ(conf.network, "ExampleNet");
  reed_irc_module.conf_cleanup(&conf);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(limits_oper_directive_checked)
{
  reed_irc_conf_t conf;
  reed_conf_err_t err = {0};
  const reed_directive_t *d = reed_irc_module.directives;

  while (strcmp(d->key, "oper") != 0)
    d++;
  reed_irc_module.conf_defaults(&conf);
  ASSERT_EQ(d->set(&conf, "nopassword", d, &err), 0);
  ASSERT_EQ(reed_irc_module.conf_check(&conf, &err), REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "oper");
  reed_irc_module.conf_cleanup(&conf);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* The bytes net sends a connection it refuses or cuts: an ERROR line. */
TEST(limits_refusal_is_an_error_line)
{
  reed_buf_t *b = reed_irc_module.refusal("Excess Flood");

  ASSERT(b != NULL);
  ASSERT_EQ(b->len, strlen("ERROR :Closing link: Excess Flood\r\n"));
  ASSERT(memcmp(b->data, "ERROR :Closing link: Excess Flood\r\n", b->len) == 0);
  reed_buf_unref(b);
}
