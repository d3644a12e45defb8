/* The sans-IO bot core with a recording transport and the fake clock:
 * filters, keep/remove, changes during dispatch, commands, timers and the
 * actions' argument checks. */
#include "bot_int.h"
#include "fake_clock.h"
#include "harness.h"

#include <stdio.h>

typedef struct {
  char log[2048];
  char nick[33];
  int rc; /* what every op returns */
} rec_t;

static void
rec(rec_t *r, const char *fmt, const char *a, const char *b, const char *c)
{
  size_t n = strlen(r->log);

  snprintf(r->log + n, sizeof(r->log) - n, fmt, a ? a : "-", b ? b : "-",
           c ? c : "-");
}

static int
r_join(void *t, const char *room, const char *key)
{
  rec(t, "join %s %s%s\n", room, key, "");
  return ((rec_t *)t)->rc;
}

static int
r_part(void *t, const char *room, const char *reason)
{
  rec(t, "part %s %s%s\n", room, reason, "");
  return ((rec_t *)t)->rc;
}

static int
r_msg(void *t, const char *target, int kind, const char *text)
{
  static const char *kinds[] = {"msg", "act", "notice"};

  rec(t, "%s %s %s\n", kinds[kind], target, text);
  return ((rec_t *)t)->rc;
}

static int
r_topic(void *t, const char *room, const char *topic)
{
  rec(t, "topic %s %s%s\n", room, topic, "");
  return ((rec_t *)t)->rc;
}

static int
r_kick(void *t, const char *room, const char *nick, const char *reason)
{
  rec(t, "kick %s %s %s\n", room, nick, reason);
  return ((rec_t *)t)->rc;
}

static int
r_nick(void *t, const char *nick)
{
  rec(t, "nick %s%s%s\n", nick, "", "");
  return ((rec_t *)t)->rc;
}

static int
r_quit(void *t, const char *reason)
{
  rec(t, "quit %s%s%s\n", reason, "", "");
  return ((rec_t *)t)->rc;
}

static const char *
r_getnick(void *t)
{
  return ((rec_t *)t)->nick;
}

static const reed__bot_ops_t rec_ops = {
    .join = r_join,
    .part = r_part,
    .msg = r_msg,
    .set_topic = r_topic,
    .kick = r_kick,
    .set_nick = r_nick,
    .quit = r_quit,
    .nick = r_getnick,
};

typedef struct {
  fake_clock_t fc;
  rec_t r;
  reed_bot_t bot;
} fixture_t;

static void
setup(fixture_t *f)
{
  memset(f, 0, sizeof(*f));
  fc_init(&f->fc);
  reed_strlcpy(f->r.nick, "bot", sizeof(f->r.nick));
  reed__bot_init(&f->bot, &rec_ops, &f->r, &f->fc.clock, NULL);
}

static void
teardown(fixture_t *f)
{
  reed__bot_cleanup(&f->bot);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* Appends "<tag>:<kind>:<nick>:<room>\n" for each call. */
static char seen[2048];

static int
note(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  size_t n = strlen(seen);

  (void)bot;
  snprintf(seen + n, sizeof(seen) - n, "%s:%d:%s:%s%s%s\n", (const char *)ud,
           (int)ev->kind, ev->nick ? ev->nick : "-", ev->room ? ev->room : "-",
           ev->command ? ":" : "", ev->command ? ev->command : "");
  return REED_BOT_KEEP;
}

static int
note_once(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  note(bot, ev, ud);
  return REED_BOT_REMOVE;
}

static int
greedy_count(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)bot;
  (void)ev;
  (*(int *)ud)++;
  return REED_BOT_KEEP;
}

static void
msg(reed_bot_t *bot, const char *nick, const char *room, const char *text)
{
  reed_bot_event_t ev = {
      .kind = REED_BOT_EV_MESSAGE, .nick = nick, .room = room, .text = text};
  reed__bot_dispatch(bot, &ev);
}

TEST(core_filters)
{
  fixture_t f;
  reed_bot_filter_t by_room = {.room = "#Lobby"};
  reed_bot_filter_t by_nick = {.kind = REED_BOT_EV_MESSAGE, .nick = "ALICE"};
  reed_bot_filter_t joins = {.kind = REED_BOT_EV_JOIN};
  reed_bot_event_t join = {
      .kind = REED_BOT_EV_JOIN, .nick = "bob", .room = "#lobby"};

  setup(&f);
  seen[0] = '\0';
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, note, "any"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, &by_room, note, "room"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, &by_nick, note, "nick"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, &joins, note, "join"), 0);
  msg(&f.bot, "alice", "#lobby", "hi");
  msg(&f.bot, "bob", "#other", "hi");
  msg(&f.bot, "alice", NULL, "private");
  reed__bot_dispatch(&f.bot, &join);
  ASSERT_LINES(seen, "any:3:alice:#lobby\n"
                     "room:3:alice:#lobby\n"
                     "nick:3:alice:#lobby\n"
                     "any:3:bob:#other\n"
                     "any:3:alice:-\n"
                     "nick:3:alice:-\n"
                     "any:7:bob:#lobby\n"
                     "room:7:bob:#lobby\n"
                     "join:7:bob:#lobby\n");
  teardown(&f);
}

TEST(core_bad_registrations)
{
  fixture_t f;
  reed_bot_filter_t bad = {.kind = REED_BOT_EV_KIND_COUNT};

  setup(&f);
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, NULL, NULL), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_on(NULL, NULL, note, NULL), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_on(&f.bot, &bad, note, NULL), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_off(&f.bot, note, NULL), REED_BOT_ENOTFOUND);
  ASSERT_EQ(reed_bot_every(&f.bot, 0, NULL, NULL), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_timer_off(&f.bot, NULL, NULL), REED_BOT_ENOTFOUND);
  /* A failed allocation leaves nothing installed. */
  reed_alloc_fail_after(1);
  {
    reed_bot_filter_t fr = {.room = "#a", .nick = "b"};
    ASSERT_EQ(reed_bot_on(&f.bot, &fr, note, NULL), REED_BOT_ENOMEM);
  }
  reed_alloc_fail_after(-1);
  ASSERT(f.bot.handlers == NULL);
  teardown(&f);
}

TEST(core_commands)
{
  fixture_t f;
  reed_bot_filter_t time_cmd = {.command = "TIME"};
  reed_bot_filter_t cmds = {.kind = REED_BOT_EV_COMMAND};
  static const struct {
    const char *text;
    int is_cmd;
    const char *name, *args;
  } cases[] = {
      {"!time", 1, "time", ""},
      {"!time  now  ", 1, "time", "now"},
      {"!echo a  b", 1, "echo", "a  b"},
      {"bot: time x", 1, "time", "x"},
      {"BOT,echo hi", 1, "echo", "hi"},
      {"bot time", 0, NULL, NULL},
      {"botty: time", 0, NULL, NULL},
      {"!", 0, NULL, NULL},
      {"! time", 0, NULL, NULL},
      {"time", 0, NULL, NULL},
      {"!averyveryveryveryveryverylongcommandname1", 0, NULL, NULL},
  };
  char name[33], args[64];

  setup(&f);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int got = reed__bot_parse_command(&f.bot, cases[i].text, name, sizeof(name),
                                      args, sizeof(args));
    ASSERT_EQ(got, cases[i].is_cmd);
    if (got) {
      ASSERT_STR_EQ(name, cases[i].name);
      ASSERT_STR_EQ(args, cases[i].args);
    }
  }
  seen[0] = '\0';
  ASSERT_EQ(reed_bot_on(&f.bot, &time_cmd, note, "t"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, &cmds, note, "c"), 0);
  msg(&f.bot, "al", "#r", "!time");
  msg(&f.bot, "al", "#r", "!echo x");
  ASSERT_EQ(reed_bot_set_prefix(&f.bot, ""), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_set_prefix(&f.bot, "a b"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_set_prefix(&f.bot, "123456789"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_set_prefix(&f.bot, ".."), 0);
  msg(&f.bot, "al", "#r", "!time");
  msg(&f.bot, "al", "#r", "..time");
  ASSERT_LINES(seen, "t:6:al:#r:time\n"
                     "c:6:al:#r:time\n"
                     "c:6:al:#r:echo\n"
                     "t:6:al:#r:time\n"
                     "c:6:al:#r:time\n");
  teardown(&f);
}

TEST(core_keep_and_remove)
{
  fixture_t f;

  setup(&f);
  seen[0] = '\0';
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, note_once, "once"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, note, "keep"), 0);
  msg(&f.bot, "a", "#r", "1");
  msg(&f.bot, "b", "#r", "2");
  ASSERT_EQ(reed_bot_off(&f.bot, note, "keep"), 0);
  msg(&f.bot, "c", "#r", "3");
  ASSERT_LINES(seen, "once:3:a:#r\nkeep:3:a:#r\nkeep:3:b:#r\n");
  ASSERT(f.bot.handlers == NULL);
  teardown(&f);
}

static fixture_t *cur;

static int
adder(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  note(bot, ev, ud);
  ASSERT_EQ(reed_bot_on(bot, NULL, note, "new"), 0);
  return REED_BOT_REMOVE;
}

TEST(core_add_during_dispatch)
{
  fixture_t f;

  setup(&f);
  seen[0] = '\0';
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, adder, "adder"), 0);
  msg(&f.bot, "a", "#r", "1");
  msg(&f.bot, "b", "#r", "2");
  ASSERT_LINES(seen, "adder:3:a:#r\nnew:3:b:#r\n");
  teardown(&f);
}

static int
remover(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  note(bot, ev, ud);
  /* Removes the next handler and itself, then triggers a nested dispatch:
   * neither may run again. */
  ASSERT_EQ(reed_bot_off(bot, note, "victim"), 0);
  ASSERT_EQ(reed_bot_off(bot, remover, ud), 0);
  if (strcmp(ev->text, "outer") == 0)
    msg(bot, "n", "#r", "nested");
  return REED_BOT_KEEP;
}

TEST(core_remove_during_dispatch)
{
  fixture_t f;

  setup(&f);
  cur = &f;
  seen[0] = '\0';
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, remover, "rm"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, note, "victim"), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, NULL, note, "last"), 0);
  msg(&f.bot, "a", "#r", "outer");
  msg(&f.bot, "b", "#r", "again");
  ASSERT_LINES(seen, "rm:3:a:#r\nlast:3:n:#r\nlast:3:a:#r\nlast:3:b:#r\n");
  ASSERT(f.bot.handlers && f.bot.handlers->next == NULL);
  teardown(&f);
}

static int ticks;

static int
tick_until3(reed_bot_t *bot, void *ud)
{
  (void)bot;
  (void)ud;
  return ++ticks < 3 ? REED_BOT_KEEP : REED_BOT_REMOVE;
}

static int
tick_off_self(reed_bot_t *bot, void *ud)
{
  ticks += 100;
  ASSERT_EQ(reed_bot_timer_off(bot, tick_off_self, ud), 0);
  return REED_BOT_KEEP;
}

TEST(core_timers)
{
  fixture_t f;

  setup(&f);
  ticks = 0;
  ASSERT_EQ(reed_bot_every(&f.bot, 1000, tick_until3, NULL), 0);
  fc_advance(&f.fc, 999);
  ASSERT_EQ(ticks, 0);
  fc_advance(&f.fc, 1);
  ASSERT_EQ(ticks, 1);
  fc_advance(&f.fc, 5000);
  ASSERT_EQ(ticks, 3); /* removed itself on the third call */
  ASSERT_EQ(fc_pending(&f.fc), 0);
  ASSERT(f.bot.timers == NULL);

  ticks = 0;
  ASSERT_EQ(reed_bot_every(&f.bot, 10, tick_off_self, NULL), 0);
  fc_advance(&f.fc, 100);
  ASSERT_EQ(ticks, 100);
  ASSERT(f.bot.timers == NULL);

  ticks = 0;
  ASSERT_EQ(reed_bot_after(&f.bot, 50, tick_until3, NULL), 0);
  ASSERT_EQ(reed_bot_every(&f.bot, 20, tick_until3, &f), 0);
  ASSERT_EQ(reed_bot_timer_off(&f.bot, tick_until3, &f), 0);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(ticks, 1); /* the one-shot once; the removed one never */
  ASSERT_EQ(fc_pending(&f.fc), 0);

  /* Timers left at cleanup are cancelled. */
  ASSERT_EQ(reed_bot_every(&f.bot, 20, tick_until3, NULL), 0);
  ASSERT_EQ(fc_pending(&f.fc), 1);
  teardown(&f);
}

TEST(core_actions_check_arguments)
{
  fixture_t f;
  reed_bot_event_t priv = {.kind = REED_BOT_EV_MESSAGE, .nick = "al"};
  reed_bot_event_t room = {
      .kind = REED_BOT_EV_MESSAGE, .nick = "al", .room = "#r"};
  reed_bot_event_t none = {.kind = REED_BOT_EV_CONNECTED};

  setup(&f);
  ASSERT_EQ(reed_bot_say(&f.bot, "#r", "a\r\nQUIT"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_say(&f.bot, "#r", "bad \xff utf8"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_say(&f.bot, "#r", ""), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_say(&f.bot, "r", "x"), REED_BOT_EBADROOM);
  ASSERT_EQ(reed_bot_say(&f.bot, "#a b", "x"), REED_BOT_EBADROOM);
  ASSERT_EQ(reed_bot_say(&f.bot, NULL, "x"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_join(&f.bot, "#a,#b", NULL), REED_BOT_EBADROOM);
  ASSERT_EQ(reed_bot_join(&f.bot, "#a", "k y"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_join(&f.bot, "#a", ""), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_join(&f.bot, "#a", "k,y"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_tell(&f.bot, "#r", "x"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_tell(&f.bot, "a b", "x"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_set_nick(&f.bot, "a b"), REED_BOT_EBADNICK);
  ASSERT_EQ(reed_bot_kick(&f.bot, "#r", "x", "bad\nreason"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_part(&f.bot, "#r", "bad\rreason"), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_reply(&f.bot, &none, "x"), REED_BOT_EINVAL);
  ASSERT_STR_EQ(f.r.log, "");

  ASSERT_EQ(reed_bot_join(&f.bot, "#r", "k@y!"), 0);
  ASSERT_EQ(reed_bot_say(&f.bot, "#r", "hello \xc3\xa9"), 0);
  ASSERT_EQ(reed_bot_reply(&f.bot, &priv, "p"), 0);
  ASSERT_EQ(reed_bot_reply(&f.bot, &room, "q"), 0);
  ASSERT_EQ(reed_bot_act(&f.bot, "#r", "waves"), 0);
  ASSERT_EQ(reed_bot_notice(&f.bot, "al", "n"), 0);
  ASSERT_EQ(reed_bot_set_topic(&f.bot, "#r", ""), 0);
  ASSERT_EQ(reed_bot_kick(&f.bot, "#r", "al", NULL), 0);
  ASSERT_EQ(reed_bot_part(&f.bot, "#r", NULL), 0);
  ASSERT_EQ(reed_bot_set_nick(&f.bot, "bot2"), 0);
  f.r.rc = REED_BOT_ENOTMEMBER; /* the transport's answer comes back */
  ASSERT_EQ(reed_bot_say(&f.bot, "#x", "y"), REED_BOT_ENOTMEMBER);
  f.r.rc = 0;
  ASSERT_EQ(reed_bot_every(&f.bot, 10, tick_until3, NULL), 0);
  ASSERT_EQ(reed_bot_quit(&f.bot, "bye"), 0);
  ASSERT_EQ(fc_pending(&f.fc), 0); /* quit stops the timers */
  ASSERT_EQ(reed_bot_say(&f.bot, "#r", "late"), REED_BOT_ECLOSED);
  ASSERT_EQ(reed_bot_quit(&f.bot, NULL), REED_BOT_ECLOSED);
  ASSERT_EQ(reed_bot_every(&f.bot, 10, tick_until3, NULL), REED_BOT_ECLOSED);
  ASSERT_LINES(f.r.log, "join #r k@y!\n"
                        "msg #r hello \xc3\xa9\n"
                        "msg al p\n"
                        "msg #r q\n"
                        "act #r waves\n"
                        "notice al n\n"
                        "topic #r \n"
                        "kick #r al -\n"
                        "part #r -\n"
                        "nick bot2\n"
                        "msg #x y\n"
                        "quit bye\n");
  ASSERT_STR_EQ(reed_bot_strerror(REED_BOT_ENOTMEMBER),
                "not a member of that room");
  ASSERT_STR_EQ(reed_bot_nick(&f.bot), "bot");
  reed_bot_set_ud(&f.bot, &f);
  ASSERT(reed_bot_ud(&f.bot) == &f);
  teardown(&f);
}

TEST(core_command_rate)
{
  fixture_t f;
  reed_bot_filter_t cmds = {.kind = REED_BOT_EV_COMMAND};
  reed_bot_filter_t msgs = {.kind = REED_BOT_EV_MESSAGE};
  int n_cmd = 0, n_msg = 0;
  char nick[16];

  setup(&f);
  ASSERT_EQ(reed_bot_on(&f.bot, &cmds, greedy_count, &n_cmd), 0);
  ASSERT_EQ(reed_bot_on(&f.bot, &msgs, greedy_count, &n_msg), 0);
  for (int i = 0; i < 15; i++)
    msg(&f.bot, i % 2 ? "ALICE" : "alice", "#r", "!x");
  ASSERT_EQ(n_cmd, 12); /* 12 a minute by default, case-insensitively */
  ASSERT_EQ(n_msg, 15); /* messages still arrive */
  msg(&f.bot, "bob", "#r", "!x");
  ASSERT_EQ(n_cmd, 13); /* others are not affected */
  fc_advance(&f.fc, 59999);
  msg(&f.bot, "alice", "#r", "!x");
  ASSERT_EQ(n_cmd, 13);
  fc_advance(&f.fc, 1);
  msg(&f.bot, "alice", "#r", "!x");
  ASSERT_EQ(n_cmd, 14); /* a new window */
  /* 40 other nicks push alice out of the 32-slot table: a fresh window. */
  for (int i = 0; i < 40; i++) {
    snprintf(nick, sizeof(nick), "n%d", i);
    msg(&f.bot, nick, "#r", "!x");
  }
  ASSERT_EQ(n_cmd, 54);
  ASSERT_EQ(reed_bot_set_command_rate(&f.bot, 2, 0), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_set_command_rate(&f.bot, 2, 1000), 0);
  for (int i = 0; i < 5; i++)
    msg(&f.bot, "carol", "#r", "!x");
  ASSERT_EQ(n_cmd, 56);
  ASSERT_EQ(reed_bot_set_command_rate(&f.bot, 0, 0), 0);
  for (int i = 0; i < 50; i++)
    msg(&f.bot, "carol", "#r", "!x");
  ASSERT_EQ(n_cmd, 106);
  teardown(&f);
}
