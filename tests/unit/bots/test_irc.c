/* The networked transport without sockets: its line parser (table), and
 * the IRC client fed bytes through a recording io and the fake clock. */
#include "bot_irc_int.h"
#include "fake_clock.h"
#include "harness.h"

#include <stdio.h>

/* ---- The line parser -------------------------------------------------------
 */
TEST(irc_line_table)
{
  static const struct {
    const char *in;
    int rc;
    const char *nick, *user, *host, *command;
    size_t n;
    const char *p0, *plast;
  } cases[] = {
      {"PING :abc", 0, NULL, NULL, NULL, "PING", 1, "abc", "abc"},
      {":n!u@h PRIVMSG #c :hi there", 0, "n", "u", "h", "PRIVMSG", 2, "#c",
       "hi there"},
      {"@time=x;account=al :n!u@h JOIN #c", 0, "n", "u", "h", "JOIN", 1, "#c",
       "#c"},
      {":irc.example 001 bot :Welcome", 0, "irc.example", NULL, NULL, "001", 2,
       "bot", "Welcome"},
      {":n PRIVMSG #c :", 0, "n", NULL, NULL, "PRIVMSG", 2, "#c", ""},
      {"CMD   a   b  :c d\r\n", 0, NULL, NULL, NULL, "CMD", 3, "a", "c d"},
      {":n@h NICK new", 0, "n", NULL, "h", "NICK", 1, "new", "new"},
      {"A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", 0, NULL, NULL, NULL, "A",
       15, "1", "15 16 17"},
      {"", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {"\r\n", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {":only-prefix", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {": PRIVMSG x", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {":!u@h PRIVMSG x", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {"PRIV-MSG x", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
      {"@tags-only", REED_ESYNTAX, NULL, NULL, NULL, NULL, 0, NULL, NULL},
  };
  static reed__bot_irc_msg_t m;

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int rc = reed__bot_irc_parse(cases[i].in, strlen(cases[i].in), &m);
    if (rc != cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu \"%s\": rc %d", i,
                      cases[i].in, rc);
    if (rc != 0)
      continue;
    ASSERT_STR_EQ(m.command, cases[i].command);
    ASSERT_EQ(m.n_params, cases[i].n);
    ASSERT_STR_EQ(m.params[0], cases[i].p0);
    ASSERT_STR_EQ(m.params[m.n_params - 1], cases[i].plast);
    ASSERT(cases[i].nick ? strcmp(m.nick, cases[i].nick) == 0 : !m.nick);
    ASSERT(cases[i].user ? strcmp(m.user, cases[i].user) == 0 : !m.user);
    ASSERT(cases[i].host ? strcmp(m.host, cases[i].host) == 0 : !m.host);
  }
}

TEST(irc_line_limits_and_tags)
{
  static reed__bot_irc_msg_t m;
  static char big[REED__BOT_IRC_LINE_MAX + 2];
  char v[32];
  const char *nul = "PING a\0b";

  memset(big, 'A', sizeof(big) - 1);
  memcpy(big, "PRIVMSG #c :", 12);
  ASSERT_EQ(reed__bot_irc_parse(big, sizeof(big) - 1, &m), REED_ETOOBIG);
  ASSERT_EQ(reed__bot_irc_parse(big, sizeof(big) - 2, &m), 0);
  ASSERT_EQ(reed__bot_irc_parse(nul, 8, &m), REED_ESYNTAX);
  ASSERT_EQ(reed__bot_irc_parse("PING a\rb", 8, &m), REED_ESYNTAX);
  ASSERT_EQ(reed__bot_irc_parse("@a=1;account=al\\sx;flag;z= :n P", 31, &m), 0);
  ASSERT_EQ(reed__bot_irc_tag(&m, "account", v, sizeof(v)), 1);
  ASSERT_STR_EQ(v, "al x");
  ASSERT_EQ(reed__bot_irc_tag(&m, "flag", v, sizeof(v)), 1);
  ASSERT_STR_EQ(v, "");
  ASSERT_EQ(reed__bot_irc_tag(&m, "acc", v, sizeof(v)), 0);
  ASSERT_EQ(reed__bot_irc_tag(&m, "z", v, 2), 1);
  ASSERT_STR_EQ(v, "");
}

/* ---- The client ------------------------------------------------------------
 */
typedef struct {
  fake_clock_t fc;
  reed__bot_irc_t irc;
  char out[65536];
  size_t out_len, taken;
  int connects, closes;
  int refuse_connect;
  char events[4096];
} fx_t;

static int
io_write(void *io, const char *data, size_t len)
{
  fx_t *f = io;

  ASSERT(f->out_len + len < sizeof(f->out));
  memcpy(f->out + f->out_len, data, len);
  f->out_len += len;
  f->out[f->out_len] = '\0';
  return 0;
}

static int
io_connect(void *io)
{
  fx_t *f = io;

  f->connects++;
  return f->refuse_connect ? REED_EIO : 0;
}

static void
io_close(void *io)
{
  ((fx_t *)io)->closes++;
}

/* Output since the last call. */
static const char *
take(fx_t *f)
{
  const char *s = f->out + f->taken;

  f->taken = f->out_len;
  return s;
}

static int
record(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  fx_t *f = ud;
  size_t n = strlen(f->events);

  (void)bot;
  snprintf(f->events + n, sizeof(f->events) - n,
           "%d nick=%s acct=%s room=%s target=%s text=%s self=%d%s%s\n",
           (int)ev->kind, ev->nick ? ev->nick : "-",
           ev->account ? ev->account : "-", ev->room ? ev->room : "-",
           ev->target ? ev->target : "-", ev->text ? ev->text : "-", ev->self,
           ev->retry_ms ? " retry" : "", ev->command ? " cmd" : "");
  return REED_BOT_KEEP;
}

static void
fx_init(fx_t *f, const reed_bot_irc_opts_t *o)
{
  reed__bot_irc_io_t io = {
      .write = io_write, .connect = io_connect, .close = io_close, .io = f};

  memset(f, 0, sizeof(*f));
  fc_init(&f->fc);
  ASSERT_EQ(reed__bot_irc_init(&f->irc, o, &io, &f->fc.clock, NULL), 0);
  ASSERT_EQ(reed_bot_on(&f->irc.bot, NULL, record, f), 0);
}

static void
fx_free(fx_t *f)
{
  reed__bot_irc_cleanup(&f->irc);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
feed(fx_t *f, const char *s)
{
  reed__bot_irc_feed(&f->irc, s, strlen(s));
}

static const reed_bot_irc_opts_t plain_opts = {
    .host = "irc.test", .nick = "bot", .no_jitter = 1};

/* Connected and registered as "bot"; output and events cleared. */
static void
fx_ready(fx_t *f, const reed_bot_irc_opts_t *o)
{
  fx_init(f, o ? o : &plain_opts);
  ASSERT_EQ(reed__bot_irc_start(&f->irc), 0);
  ASSERT_EQ(f->connects, 1);
  reed__bot_irc_connected(&f->irc);
  feed(f, ":srv 001 bot :Welcome\r\n");
  ASSERT_EQ(f->irc.state, REED__BOT_IRC_READY);
  take(f);
  f->events[0] = '\0';
}

TEST(irc_register_and_events)
{
  static const char script[] =
      ":srv NOTICE * :*** Looking up your hostname\r\n"
      "PING :tok1\r\n"
      ":srv CAP * LS :multi-prefix\r\n"
      ":srv 001 bot :Welcome\r\n"
      ":srv 005 bot CHANTYPES=# BOT=B :are supported\r\n"
      ":bot!bot@h JOIN #c\r\n"
      "@account=alice :al!a@h JOIN :#c\r\n"
      ":al!a@h PRIVMSG #c :hello\r\n"
      ":al!a@h PRIVMSG bot :!time please\n"
      ":al!a@h NOTICE #c :note\r\n"
      ":al!a@h TOPIC #c :new topic\r\n"
      ":al!a@h NICK :al2\r\n"
      ":al2!a@h KICK #c bot :out\r\n"
      ":al2!a@h INVITE bot :#d\r\n"
      ":al2!a@h PART #c :bye\r\n"
      ":al2!a@h QUIT :gone\r\n"
      ":srv PRIVMSG #c :server text is no message\r\n"
      "garbage \x01 line\r\n";
  static const size_t chunks[] = {0, 1, 2, 3, 7};
  char first_out[2048] = "", first_events[4096] = "";

  for (size_t c = 0; c < REED_ARRAY_SIZE(chunks); c++) {
    fx_t *f = calloc(1, sizeof(*f));
    size_t len = strlen(script), step = chunks[c] ? chunks[c] : len;

    fx_init(f, &plain_opts);
    ASSERT_EQ(reed_bot_join(&f->irc.bot, "#c", NULL), REED_BOT_ECLOSED);
    ASSERT_EQ(reed__bot_irc_start(&f->irc), 0);
    reed__bot_irc_connected(&f->irc);
    for (size_t i = 0; i < len; i += step)
      reed__bot_irc_feed(&f->irc, script + i, len - i < step ? len - i : step);
    if (c == 0) {
      ASSERT_LINES(f->out, "CAP LS 302\nNICK bot\nUSER bot 0 * :reed bot\n"
                           "PONG :tok1\nCAP END\nMODE bot +B\n");
      ASSERT_LINES(f->events,
                   "1 nick=bot acct=- room=- target=- text=- self=1\n"
                   "7 nick=bot acct=- room=#c target=- text=- self=1\n"
                   "7 nick=al acct=alice room=#c target=- text=- self=0\n"
                   "3 nick=al acct=- room=#c target=- text=hello self=0\n"
                   "3 nick=al acct=- room=- target=- text=!time please "
                   "self=0\n"
                   "6 nick=al acct=- room=- target=- text=!time please "
                   "self=0 cmd\n"
                   "5 nick=al acct=- room=#c target=- text=note self=0\n"
                   "11 nick=al acct=- room=#c target=- text=new topic "
                   "self=0\n"
                   "10 nick=al acct=- room=- target=al2 text=- self=0\n"
                   "12 nick=al2 acct=- room=#c target=bot text=out self=1\n"
                   "13 nick=al2 acct=- room=#d target=bot text=- self=0\n"
                   "8 nick=al2 acct=- room=#c target=- text=bye self=0\n"
                   "9 nick=al2 acct=- room=- target=- text=gone self=0\n");
      reed_strlcpy(first_out, f->out, sizeof(first_out));
      reed_strlcpy(first_events, f->events, sizeof(first_events));
    } else {
      /* Input split at any byte gives the same result. */
      ASSERT_STR_EQ(f->out, first_out);
      ASSERT_STR_EQ(f->events, first_events);
    }
    fx_free(f);
    free(f);
  }
}

TEST(irc_sasl_plain)
{
  reed_bot_irc_opts_t o = {.host = "h",
                           .nick = "bot",
                           .user = "ident",
                           .realname = "Real Name",
                           .password = "srvpass",
                           .sasl_user = "bot",
                           .sasl_pass = "secret",
                           .no_jitter = 1};
  fx_t *f = calloc(1, sizeof(*f));

  fx_init(f, &o);
  reed__bot_irc_start(&f->irc);
  reed__bot_irc_connected(&f->irc);
  ASSERT_LINES(take(f), "PASS srvpass\nCAP LS 302\nNICK bot\n"
                        "USER ident 0 * :Real Name\n");
  feed(f, ":srv CAP * LS * :multi-prefix sasl=PLAIN,EXTERNAL\r\n");
  ASSERT_STR_EQ(take(f), ""); /* more to come */
  feed(f, ":srv CAP * LS :account-tag\r\n");
  ASSERT_LINES(take(f), "CAP REQ :sasl account-tag\n");
  feed(f, ":srv CAP * ACK :sasl account-tag\r\n");
  ASSERT_LINES(take(f), "AUTHENTICATE PLAIN\n");
  feed(f, "AUTHENTICATE +\r\n");
  /* base64("\0bot\0secret") */
  ASSERT_LINES(take(f), "AUTHENTICATE AGJvdABzZWNyZXQ=\n");
  feed(f, ":srv 900 bot bot!i@h bot :You are now logged in\r\n"
          ":srv 903 bot :SASL authentication successful\r\n");
  ASSERT_LINES(take(f), "CAP END\n");
  feed(f, ":srv 001 bot :Welcome\r\n");
  ASSERT_EQ(f->irc.state, REED__BOT_IRC_READY);
  fx_free(f);
  free(f);
}

static int
tick(reed_bot_t *bot, void *ud)
{
  (void)bot;
  (void)ud;
  return REED_BOT_KEEP;
}

TEST(irc_sasl_failure_is_final)
{
  reed_bot_irc_opts_t o = {.host = "h",
                           .nick = "bot",
                           .sasl_user = "bot",
                           .sasl_pass = "wrong",
                           .no_jitter = 1};
  fx_t *f = calloc(1, sizeof(*f));

  fx_init(f, &o);
  ASSERT_EQ(reed_bot_every(&f->irc.bot, 1000, tick, NULL), 0);
  reed__bot_irc_start(&f->irc);
  reed__bot_irc_connected(&f->irc);
  feed(f, ":srv CAP * ACK :sasl\r\nAUTHENTICATE +\r\n"
          ":srv 904 bot :SASL authentication failed\r\n"
          ":srv 001 bot :too late\r\n");
  ASSERT_EQ(f->closes, 1);
  ASSERT_LINES(f->events, "2 nick=- acct=- room=- target=- "
                          "text=SASL authentication failed self=0\n");
  ASSERT_EQ(fc_pending(&f->fc), 0); /* the bot's timers stop too */
  reed__bot_irc_closed(&f->irc, "closed");
  fc_advance(&f->fc, 3600000);
  ASSERT_EQ(f->connects, 1); /* never again */
  ASSERT_EQ(reed_bot_say(&f->irc.bot, "#c", "x"), REED_BOT_ECLOSED);
  ASSERT_EQ(reed__bot_irc_start(&f->irc), REED_BOT_ECLOSED);
  fx_free(f);
  free(f);
}

TEST(irc_nick_collision)
{
  fx_t *f = calloc(1, sizeof(*f));

  fx_init(f, &plain_opts);
  reed__bot_irc_start(&f->irc);
  reed__bot_irc_connected(&f->irc);
  take(f);
  feed(f, ":srv 433 * bot :Nickname is already in use\r\n");
  ASSERT_LINES(take(f), "NICK bot_\n");
  feed(f, ":srv 433 * bot_ :Nickname is already in use\r\n");
  ASSERT_LINES(take(f), "NICK bot__\n");
  feed(f, ":srv 001 bot__ :Welcome\r\n");
  ASSERT_STR_EQ(reed_bot_nick(&f->irc.bot), "bot__");
  /* After registration a 433 (a refused NICK) changes nothing. */
  ASSERT_EQ(reed_bot_set_nick(&f->irc.bot, "other"), 0);
  feed(f, ":srv 433 bot__ other :Nickname is already in use\r\n");
  ASSERT_STR_EQ(reed_bot_nick(&f->irc.bot), "bot__");
  feed(f, ":bot__!b@h NICK other\r\n");
  ASSERT_STR_EQ(reed_bot_nick(&f->irc.bot), "other");
  ASSERT_LINES(take(f), "NICK other\n");
  fx_free(f);
  free(f);
}

TEST(irc_flood_control)
{
  fx_t *f = calloc(1, sizeof(*f));
  char text[16], lines[1024] = "";

  fx_ready(f, NULL);
  for (int i = 0; i < 20; i++) {
    snprintf(text, sizeof(text), "m%d", i);
    ASSERT_EQ(reed_bot_say(&f->irc.bot, "#c", text), 0);
  }
  ASSERT_LINES(take(f), "PRIVMSG #c :m0\nPRIVMSG #c :m1\nPRIVMSG #c :m2\n"
                        "PRIVMSG #c :m3\nPRIVMSG #c :m4\n");
  fc_advance(&f->fc, 999);
  ASSERT_STR_EQ(take(f), "");
  fc_advance(&f->fc, 1);
  ASSERT_LINES(take(f), "PRIVMSG #c :m5\n");
  fc_advance(&f->fc, 3000);
  ASSERT_LINES(take(f), "PRIVMSG #c :m6\nPRIVMSG #c :m7\nPRIVMSG #c :m8\n");
  /* PONG is not held behind the queue. */
  feed(f, "PING :x\r\n");
  ASSERT_LINES(take(f), "PONG :x\n");
  fc_advance(&f->fc, 11000);
  for (int i = 9; i < 20; i++) {
    size_t n = strlen(lines);
    snprintf(lines + n, sizeof(lines) - n, "PRIVMSG #c :m%d\n", i);
  }
  ASSERT_LINES(take(f), lines);
  ASSERT_EQ(fc_pending(&f->fc), 1); /* only the keepalive */
  /* The queue is bounded. */
  for (int i = 0; i < REED__BOT_IRC_QUEUE_MAX + 5; i++)
    reed_bot_say(&f->irc.bot, "#c", "x");
  ASSERT_EQ(reed_bot_say(&f->irc.bot, "#c", "x"), REED_BOT_EQUEUEFULL);
  fx_free(f);
  free(f);
}

TEST(irc_long_text_split)
{
  fx_t *f = calloc(1, sizeof(*f));
  char text[1400];
  const char *out, *line;
  size_t total = 0, lines = 0;

  fx_ready(f, NULL);
  /* 700 two-byte characters: splitting must not cut one in half. */
  for (size_t i = 0; i < 700; i++)
    memcpy(text + 2 * i, "\xc3\xa9", 2);
  text[1399] = '\0'; /* ends in half a character: refused */
  ASSERT_EQ(reed_bot_say(&f->irc.bot, "#c", text), REED_BOT_EINVAL);
  text[1398] = '\0';
  ASSERT_EQ(reed_bot_say(&f->irc.bot, "#c", text), 0);
  fc_advance(&f->fc, 10000);
  out = take(f);
  for (line = out; *line; lines++) {
    const char *end = strstr(line, "\r\n");
    size_t n = (size_t)(end - line) - strlen("PRIVMSG #c :");
    ASSERT(end != NULL);
    ASSERT(end - line + 2 <= 512);
    ASSERT_EQ(strncmp(line, "PRIVMSG #c :", 12), 0);
    ASSERT(reed_utf8_valid((const uint8_t *)line + 12, n));
    total += n;
    line = end + 2;
  }
  ASSERT_EQ(total, 1398);
  ASSERT(lines >= 3);
  fx_free(f);
  free(f);
}

TEST(irc_reconnect_backoff_and_rejoin)
{
  reed_bot_irc_opts_t o = plain_opts;
  fx_t *f = calloc(1, sizeof(*f));

  o.reconnect_min_ms = 1000;
  o.reconnect_max_ms = 4000;
  fx_ready(f, &o);
  ASSERT_EQ(reed_bot_join(&f->irc.bot, "#a", NULL), 0);
  ASSERT_EQ(reed_bot_join(&f->irc.bot, "#b", "key"), 0);
  ASSERT_EQ(reed_bot_part(&f->irc.bot, "#b", "later"), 0);
  take(f);
  reed__bot_irc_closed(&f->irc, "connection reset");
  ASSERT_LINES(f->events, "2 nick=- acct=- room=- target=- "
                          "text=connection reset self=0 retry\n");
  ASSERT_EQ(reed_bot_say(&f->irc.bot, "#a", "x"), REED_BOT_ECLOSED);
  /* 1 s, 2 s, 4 s, 4 s between failed attempts. */
  f->refuse_connect = 1;
  fc_advance(&f->fc, 999);
  ASSERT_EQ(f->connects, 1);
  fc_advance(&f->fc, 1);
  ASSERT_EQ(f->connects, 2);
  fc_advance(&f->fc, 1999);
  ASSERT_EQ(f->connects, 2);
  fc_advance(&f->fc, 1);
  ASSERT_EQ(f->connects, 3);
  fc_advance(&f->fc, 4000);
  ASSERT_EQ(f->connects, 4);
  fc_advance(&f->fc, 4000);
  ASSERT_EQ(f->connects, 5);
  /* The next attempt works: registration, then the rooms it was in. */
  f->refuse_connect = 0;
  fc_advance(&f->fc, 4000);
  ASSERT_EQ(f->connects, 6);
  reed__bot_irc_connected(&f->irc);
  feed(f, ":srv 001 bot :Welcome back\r\n");
  ASSERT_LINES(take(f),
               "CAP LS 302\nNICK bot\nUSER bot 0 * :reed bot\nJOIN #a\n");
  /* After a stable minute the backoff starts again at 1 s. */
  fc_advance(&f->fc, 60000);
  f->events[0] = '\0';
  reed__bot_irc_closed(&f->irc, "gone");
  fc_advance(&f->fc, 1000);
  ASSERT_EQ(f->connects, 7);
  /* Quitting while waiting stops the retries. */
  reed__bot_irc_closed(&f->irc, "again");
  ASSERT_EQ(reed_bot_quit(&f->irc.bot, NULL), 0);
  fc_advance(&f->fc, 600000);
  ASSERT_EQ(f->connects, 7);
  fx_free(f);
  free(f);
}

TEST(irc_ctcp)
{
  fx_t *f = calloc(1, sizeof(*f));

  fx_ready(f, NULL);
  feed(f, ":al!a@h PRIVMSG #c :\001ACTION waves\001\r\n"
          ":al!a@h PRIVMSG bot :\001VERSION\001\r\n"
          ":al!a@h PRIVMSG bot :\001PING 123\001\r\n"
          ":al!a@h PRIVMSG bot :\001DCC SEND x 1 2 3\001\r\n");
  ASSERT_LINES(f->events,
               "4 nick=al acct=- room=#c target=- text=waves self=0\n");
  ASSERT_LINES(take(f), "NOTICE al :\001VERSION reed-bot\001\n"
                        "NOTICE al :\001PING 123\001\n");
  ASSERT_EQ(reed_bot_act(&f->irc.bot, "#c", "dances"), 0);
  ASSERT_LINES(take(f), "PRIVMSG #c :\001ACTION dances\001\n");
  fx_free(f);
  free(f);
}

TEST(irc_keepalive)
{
  fx_t *f = calloc(1, sizeof(*f));

  fx_ready(f, NULL);
  fc_advance(&f->fc, 119000);
  ASSERT_STR_EQ(take(f), "");
  fc_advance(&f->fc, 2000);
  ASSERT_LINES(take(f), "PING :reed-bot\n");
  ASSERT_EQ(f->closes, 0);
  fc_advance(&f->fc, 120000);
  ASSERT_EQ(f->closes, 1);
  reed__bot_irc_closed(&f->irc, "ping timeout");
  ASSERT_EQ(f->irc.state, REED__BOT_IRC_WAITING);
  fx_free(f);
  free(f);
}

TEST(irc_overlong_line_dropped)
{
  fx_t *f = calloc(1, sizeof(*f));
  char *big = malloc(20000);

  fx_ready(f, NULL);
  memcpy(big, ":al!a@h PRIVMSG #c :", 20);
  memset(big + 20, 'x', 20000 - 20);
  reed__bot_irc_feed(&f->irc, big, 20000);
  feed(f, "\r\n:al!a@h PRIVMSG #c :next\r\n");
  ASSERT_LINES(f->events,
               "3 nick=al acct=- room=#c target=- text=next self=0\n");
  free(big);
  fx_free(f);
  free(f);
}

TEST(irc_bad_options)
{
  static const reed_bot_irc_opts_t bad[] = {
      {.nick = "bot"},
      {.host = "h"},
      {.host = "h", .nick = "a b"},
      {.host = "h", .nick = "bot", .sasl_user = "x"},
      {.host = "h", .nick = "bot", .user = "a b"},
      {.host = "h", .nick = "bot", .password = "a\r\nQUIT"},
      {.host = "h", .nick = "bot", .realname = "a\nb"},
  };
  static reed__bot_irc_t irc;
  fake_clock_t fc;
  reed__bot_irc_io_t io = {
      .write = io_write, .connect = io_connect, .close = io_close};

  fc_init(&fc);
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++)
    ASSERT_EQ(reed__bot_irc_init(&irc, &bad[i], &io, &fc.clock, NULL),
              REED_EINVAL);
  ASSERT_EQ(reed_alloc_live(), 0);
  /* Allocation failing at each step leaves nothing behind. */
  for (long n = 0; n < 8; n++) {
    reed_bot_irc_opts_t o = {.host = "h",
                             .nick = "bot",
                             .password = "p",
                             .sasl_user = "u",
                             .sasl_pass = "p"};
    int rc;
    reed_alloc_fail_after(n);
    rc = reed__bot_irc_init(&irc, &o, &io, &fc.clock, NULL);
    reed_alloc_fail_after(-1);
    if (rc == 0)
      reed__bot_irc_cleanup(&irc);
    else
      ASSERT_EQ(rc, REED_ENOMEM);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  fc_cleanup(&fc);
}

static int
quit_now(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ev;
  (void)ud;
  ASSERT_EQ(reed_bot_quit(bot, "asked to"), 0);
  return REED_BOT_KEEP;
}

TEST(irc_quit_from_handler)
{
  fx_t *f = calloc(1, sizeof(*f));
  reed_bot_filter_t quit_cmd = {.command = "quit"};

  fx_ready(f, NULL);
  ASSERT_EQ(reed_bot_on(&f->irc.bot, &quit_cmd, quit_now, NULL), 0);
  ASSERT_EQ(reed_bot_every(&f->irc.bot, 1000, tick, NULL), 0);
  feed(f, ":al!a@h PRIVMSG #c :!quit\r\n:al!a@h PRIVMSG #c :after\r\n");
  ASSERT_LINES(take(f), "QUIT :asked to\n");
  ASSERT_EQ(f->closes, 1);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  reed__bot_irc_closed(&f->irc, "closed");
  /* "after" never arrives, nor a DISCONNECTED for the bot's own quit. */
  ASSERT_LINES(f->events,
               "3 nick=al acct=- room=#c target=- text=!quit self=0\n"
               "6 nick=al acct=- room=#c target=- text=!quit self=0 cmd\n");
  fc_advance(&f->fc, 600000);
  ASSERT_EQ(f->connects, 1);
  ASSERT_EQ(reed_bot_join(&f->irc.bot, "#c", NULL), REED_BOT_ECLOSED);
  fx_free(f);
  free(f);
}

TEST(irc_cap_negotiation)
{
  static const struct {
    int sasl;
    const char *server, *expect;
    int gives_up;
  } cases[] = {
      {0, ":s CAP * LS :multi-prefix\r\n", "CAP END\n", 0},
      {0, ":s CAP * LS :account-tag sasl\r\n", "CAP REQ :account-tag\n", 0},
      {0, ":s CAP * LS :account-tag\r\n:s CAP * ACK :account-tag\r\n",
       "CAP REQ :account-tag\nCAP END\n", 0},
      {0, ":s CAP * LS :account-tag\r\n:s CAP * NAK :account-tag\r\n",
       "CAP REQ :account-tag\nCAP END\n", 0},
      {1, ":s CAP * LS :multi-prefix\r\n", "", 1},
      {1, ":s CAP * LS :sasl\r\n:s CAP * NAK :sasl\r\n", "CAP REQ :sasl\n", 1},
      {1, ":s CAP * LS :sasl=PLAIN\r\n", "CAP REQ :sasl\n", 0},
      {0, ":s 421 * CAP :Unknown command\r\n:s 001 bot :hi\r\n", "", 0},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_bot_irc_opts_t o = {.host = "h", .nick = "bot", .no_jitter = 1};
    fx_t *f = calloc(1, sizeof(*f));
    if (cases[i].sasl) {
      o.sasl_user = "bot";
      o.sasl_pass = "pw";
    }
    fx_init(f, &o);
    reed__bot_irc_start(&f->irc);
    reed__bot_irc_connected(&f->irc);
    take(f);
    feed(f, cases[i].server);
    ASSERT_LINES(take(f), cases[i].expect);
    ASSERT_EQ(f->closes, cases[i].gives_up);
    ASSERT_EQ(f->irc.state == REED__BOT_IRC_DONE, cases[i].gives_up);
    fx_free(f);
    free(f);
  }
}

static int
note_retry(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)bot;
  *(uint64_t *)ud = ev->retry_ms;
  return REED_BOT_KEEP;
}

TEST(irc_reconnect_jitter)
{
  reed_bot_irc_opts_t o = {.host = "h", .nick = "bot"}; /* jitter on */
  reed_bot_filter_t disc = {.kind = REED_BOT_EV_DISCONNECTED};
  fx_t *f = calloc(1, sizeof(*f));
  uint64_t retry = 0, base = 1000, first = 0;
  int differ = 0;

  fx_init(f, &o);
  ASSERT_EQ(reed_bot_on(&f->irc.bot, &disc, note_retry, &retry), 0);
  reed__bot_irc_start(&f->irc);
  for (int i = 0; i < 12; i++) {
    reed__bot_irc_closed(&f->irc, "refused");
    ASSERT(retry >= base - base / 5 && retry <= base + base / 5);
    if (i == 0)
      first = retry;
    differ |= retry * 1000 / base != first;
    fc_advance(&f->fc, retry); /* the next attempt starts */
    base = base * 2 > 300000 ? 300000 : base * 2;
  }
  ASSERT(differ); /* the delays are spread, not lockstep */
  ASSERT_EQ(f->connects, 13);
  fx_free(f);
  free(f);
}
