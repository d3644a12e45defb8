/* The in-process transport against the real model (fake clock): a bot
 * joins a room, a human session says "!time", the bot answers; plugins are
 * loaded with dlopen and unloaded without leaving handlers or timers. */
#include "bot_int.h"
#include "model.h"
#include "fake_clock.h"
#include "harness.h"

#include <dlfcn.h>
#include <stdio.h>

typedef struct {
  fake_clock_t fc;
  reed_model_t *m;
  reed_session_t *alice;
  char heard[4096]; /* what alice's session got */
  char seen[4096];  /* what the bot's handlers got */
} world_t;

static const char *const kinds[] = {
    "MESSAGE", "JOIN",   "PART",   "QUIT", "NICK",    "TOPIC",
    "MODE",    "KICK",   "INVITE", "AWAY", "ACCOUNT", "REALNAME",
    "HOST",    "REDACT", "TAGMSG", "KILL",
};

static void
human_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  world_t *w = ud;
  size_t n = strlen(w->heard);

  (void)s;
  if (ev->echo)
    return;
  snprintf(w->heard + n, sizeof(w->heard) - n, "%s %s %s %s %.*s\n",
           kinds[ev->kind], ev->from.nick ? ev->from.nick : "-",
           ev->from.origin ? ev->from.origin : "-", ev->room ? ev->room : "-",
           ev->text ? (int)ev->text_len : 1, ev->text ? ev->text : "-");
}

static const reed_session_listener_t human = {.on_event = human_event};

static void
world_init(world_t *w)
{
  reed_model_opts_t o = {.server_name = "test"};
  reed_session_info_t info = {.origin = "irc", .listener = &human, .ud = w};

  memset(w, 0, sizeof(*w));
  fc_init(&w->fc);
  o.clock = &w->fc.clock;
  ASSERT_EQ(reed_model_new(&o, &w->m), 0);
  ASSERT_EQ(reed_session_new(w->m, &info, &w->alice), 0);
  ASSERT_EQ(reed_session_set_nick(w->alice, "alice"), 0);
  ASSERT_EQ(reed_room_join(w->alice, "bots", NULL), 0);
  w->heard[0] = '\0';
}

static void
world_free(world_t *w)
{
  if (w->alice)
    reed_session_quit(w->alice, "done");
  ASSERT_EQ(reed_model_live_objects(w->m), 0);
  reed_model_free(w->m);
  ASSERT_EQ(fc_pending(&w->fc), 0);
  fc_cleanup(&w->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
say(world_t *w, const char *text)
{
  ASSERT_EQ(reed_room_say(w->alice, "bots", REED_MSG_NORMAL, text, strlen(text),
                          NULL, NULL),
            0);
}

static int
record(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  world_t *w = ud;
  size_t n = strlen(w->seen);

  (void)bot;
  snprintf(w->seen + n, sizeof(w->seen) - n, "%d %s %s %s %s %s self=%d\n",
           (int)ev->kind, ev->nick ? ev->nick : "-",
           ev->origin ? ev->origin : "-", ev->room ? ev->room : "-",
           ev->target ? ev->target : "-", ev->text ? ev->text : "-", ev->self);
  return REED_BOT_KEEP;
}

static int
on_connected(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ev;
  (void)ud;
  ASSERT_EQ(reed_bot_join(bot, "#nowhere", NULL),
            REED_BOT_EINVAL); /* no nick yet */
  ASSERT_EQ(reed_bot_set_nick(bot, "alice"), REED_BOT_ENICKINUSE);
  ASSERT_EQ(reed_bot_set_nick(bot, "timebot"), 0);
  ASSERT_EQ(reed_bot_join(bot, "#bots", NULL), 0);
  return REED_BOT_REMOVE;
}

static int
on_time(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  char text[64];

  (void)ud;
  snprintf(text, sizeof(text), "%s: it is %llu", ev->nick,
           (unsigned long long)reed_bot_wall_ms(bot));
  ASSERT_EQ(reed_bot_reply(bot, ev, text), 0);
  return REED_BOT_KEEP;
}

static int
tick_keep(reed_bot_t *bot, void *ud)
{
  (void)bot;
  (void)ud;
  return REED_BOT_KEEP;
}

TEST(local_bot_answers_time)
{
  world_t w;
  reed_bot_t *bot;
  reed_bot_filter_t conn = {.kind = REED_BOT_EV_CONNECTED};
  reed_bot_filter_t time_cmd = {.command = "time"};
  reed_bot_filter_t all = {0};

  world_init(&w);
  ASSERT_EQ(reed_bot_local_new(w.m, &w.fc.clock, NULL, &bot), 0);
  ASSERT(reed_bot_nick(bot) == NULL);
  ASSERT_EQ(reed_bot_on(bot, &conn, on_connected, &w), 0);
  ASSERT_EQ(reed_bot_on(bot, &time_cmd, on_time, &w), 0);
  ASSERT_EQ(reed_bot_on(bot, &all, record, &w), 0);
  fc_advance(&w.fc, 0);
  ASSERT_STR_EQ(reed_bot_nick(bot), "timebot");
  ASSERT_LINES(w.heard, "JOIN timebot bot bots -\n");
  w.heard[0] = '\0';
  say(&w, "!time");
  ASSERT_STR_EQ(w.heard, ""); /* the bot answers from its timer */
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.heard,
               "MESSAGE timebot bot bots alice: it is 1700000001000\n");
  /* Privately, the answer is private. */
  w.heard[0] = '\0';
  ASSERT_EQ(
      reed_tell(w.alice, "timebot", REED_MSG_NORMAL, "!time", 5, NULL, NULL),
      0);
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.heard, "MESSAGE timebot bot - alice: it is 1700000001000\n");
  ASSERT_EQ(reed_room_set_topic(w.alice, "bots", "new"), 0);
  ASSERT_EQ(reed_room_part(w.alice, "bots", "bye"), 0);
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.seen, "1 - - - - - self=1\n"
                       "7 timebot bot #bots - - self=1\n"
                       "3 alice irc #bots - !time self=0\n"
                       "6 alice irc #bots - !time self=0\n"
                       "3 alice irc - timebot !time self=0\n"
                       "6 alice irc - timebot !time self=0\n"
                       "11 alice irc #bots - new self=0\n"
                       "8 alice irc #bots - bye self=0\n");
  /* The bot's own actions report the model's answers. */
  ASSERT_EQ(reed_bot_say(bot, "#nowhere", "x"), REED_BOT_ENOSUCHROOM);
  ASSERT_EQ(reed_bot_tell(bot, "nobody", "x"), REED_BOT_ENOSUCHNICK);
  ASSERT_EQ(reed_bot_set_topic(bot, "#bots", "bot topic"), 0);
  ASSERT_EQ(reed_bot_part(bot, "#bots", NULL), 0);
  ASSERT_EQ(reed_bot_part(bot, "#bots", NULL), REED_BOT_ENOSUCHROOM);
  reed_bot_local_free(bot);
  world_free(&w);
}

TEST(local_kick_and_kill)
{
  world_t w;
  reed_bot_t *bot;
  reed_bot_filter_t all = {0};

  world_init(&w);
  ASSERT_EQ(reed_bot_local_new(w.m, &w.fc.clock, NULL, &bot), 0);
  ASSERT_EQ(reed_bot_on(bot, &all, record, &w), 0);
  ASSERT_EQ(reed_bot_set_nick(bot, "kbot"), 0);
  ASSERT_EQ(reed_bot_join(bot, "#bots", NULL), 0);
  fc_advance(&w.fc, 0);
  w.seen[0] = '\0';
  /* alice created the room, so she is op. */
  ASSERT_EQ(reed_room_kick(w.alice, "bots", "kbot", "out"), 0);
  reed_session_set_oper(w.alice, true);
  ASSERT_EQ(reed_session_kill(w.alice, "kbot", "gone"), 0);
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.seen, "12 alice irc #bots kbot out self=1\n"
                       "2 - - - - gone self=0\n");
  ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), REED_BOT_ECLOSED);
  ASSERT(reed_bot_nick(bot) == NULL);
  reed_bot_local_free(bot);
  world_free(&w);
}

static int
greedy(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)bot;
  (void)ev;
  (*(int *)ud)++;
  return REED_BOT_KEEP;
}

TEST(local_queue_is_bounded)
{
  world_t w;
  reed_bot_t *bot;
  int calls = 0;

  world_init(&w);
  ASSERT_EQ(reed_bot_local_new(w.m, &w.fc.clock, NULL, &bot), 0);
  ASSERT_EQ(reed_bot_set_nick(bot, "qbot"), 0);
  ASSERT_EQ(reed_bot_join(bot, "#bots", NULL), 0);
  ASSERT_EQ(reed_bot_on(bot, NULL, greedy, &calls), 0);
  /* Nobody runs the loop: events past the bound are dropped, not kept. */
  for (int i = 0; i < 5000; i++)
    say(&w, "flood");
  fc_advance(&w.fc, 0);
  ASSERT_EQ(calls, 4096);
  reed_bot_local_free(bot);
  world_free(&w);
}

TEST(local_plugin_load_unload)
{
  world_t w;
  reed_bot_plugin_t *p;
  reed_log_t log;

  world_init(&w);
  reed_log_init_stderr(&log, REED_LOG_ERROR);
  ASSERT_EQ(
      reed_bot_plugin_load(REED_BOT_EXAMPLE_PLUGIN, w.m, &w.fc.clock, &log, &p),
      0);
  fc_advance(&w.fc, 0);
  ASSERT_STR_EQ(reed_bot_nick(reed_bot_plugin_bot(p)), "timebot");
  ASSERT_LINES(w.heard, "JOIN timebot bot bots -\n");
  w.heard[0] = '\0';
  say(&w, "!echo hi there");
  say(&w, "!seen alice");
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.heard, "MESSAGE timebot bot bots hi there\n"
                        "MESSAGE timebot bot bots alice was last seen in "
                        "#bots at 2023-11-14 22:13:21 UTC\n");
  w.heard[0] = '\0';
  fc_advance(&w.fc, 60000); /* the plugin's minute timer */
  say(&w, "!uptime");
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.heard, "MESSAGE timebot bot bots up 1 minutes\n");
  w.heard[0] = '\0';
  ASSERT(fc_pending(&w.fc) > 0);
  reed_bot_plugin_unload(p);
  ASSERT_EQ(fc_pending(&w.fc), 0); /* its timer is gone */
  ASSERT_LINES(w.heard, "QUIT timebot bot - bot unloaded\n");
  w.heard[0] = '\0';
  say(&w, "!echo anyone?");
  fc_advance(&w.fc, 120000);
  ASSERT_STR_EQ(w.heard, "");
  world_free(&w);
}

TEST(local_plugin_failures)
{
  world_t w;
  reed_bot_plugin_t *p = (reed_bot_plugin_t *)&w;

  world_init(&w);
  ASSERT_EQ(reed_bot_plugin_load("/nonexistent/plugin.so", w.m, &w.fc.clock,
                                 NULL, &p),
            REED_BOT_ENOTFOUND);
  ASSERT(p == NULL);
  ASSERT_EQ(
      reed_bot_plugin_load(REED_BOT_NOINIT_PLUGIN, w.m, &w.fc.clock, NULL, &p),
      REED_BOT_ENOTFOUND);
  /* Its init installs a handler and a timer, joins, then refuses. */
  ASSERT_EQ(
      reed_bot_plugin_load(REED_BOT_FAIL_PLUGIN, w.m, &w.fc.clock, NULL, &p),
      REED_BOT_EINVAL);
  ASSERT_EQ(fc_pending(&w.fc), 0);
  ASSERT_EQ(reed_bot_plugin_load(NULL, w.m, &w.fc.clock, NULL, &p),
            REED_BOT_EINVAL);
  reed_bot_plugin_unload(NULL);
  world_free(&w);
}

TEST(local_send_rate)
{
  world_t w;
  reed_bot_t *bot;

  world_init(&w);
  ASSERT_EQ(reed_bot_local_new(w.m, &w.fc.clock, NULL, &bot), 0);
  ASSERT_EQ(reed_bot_set_nick(bot, "rbot"), 0);
  ASSERT_EQ(reed_bot_join(bot, "#bots", NULL), 0);
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), 0);
  ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), REED_BOT_EQUEUEFULL);
  ASSERT_EQ(reed_bot_tell(bot, "alice", "x"), REED_BOT_EQUEUEFULL);
  fc_advance(&w.fc, 199);
  ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), REED_BOT_EQUEUEFULL);
  fc_advance(&w.fc, 1);
  ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), 0);
  ASSERT_EQ(reed_bot_say(bot, "#bots", "x"), REED_BOT_EQUEUEFULL);
  fc_advance(&w.fc, 10000);
  for (int i = 0; i < 10; i++)
    ASSERT_EQ(reed_bot_tell(bot, "alice", "y"), 0);
  ASSERT_EQ(reed_bot_tell(bot, "alice", "y"), REED_BOT_EQUEUEFULL);
  reed_bot_local_free(bot);
  world_free(&w);
}

/* libreed-bot exports the API and hides everything else (base included). */
TEST(lib_exports_only_api)
{
  void *dl = dlopen(REED_BOT_SHARED_LIB, RTLD_NOW | RTLD_LOCAL);

  ASSERT(dl != NULL);
  ASSERT(dlsym(dl, "reed_bot_on") != NULL);
  ASSERT(dlsym(dl, "reed_bot_irc_new") != NULL);
  ASSERT(dlsym(dl, "reed_bot_set_command_rate") != NULL);
  ASSERT(dlsym(dl, "reed_malloc") == NULL);
  ASSERT(dlsym(dl, "reed__bot_dispatch") == NULL);
  ASSERT(dlsym(dl, "reed__bot_irc_parse") == NULL);
  ASSERT(dlsym(dl, "reed_bot_local_new") == NULL);
  dlclose(dl);
}

/* on_time without asserting: the reply may meet a failing allocation. */
static int
on_time_soft(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  char text[64];
  int rc;

  (void)ud;
  snprintf(text, sizeof(text), "%s: it is %llu", ev->nick,
           (unsigned long long)reed_bot_wall_ms(bot));
  rc = reed_bot_reply(bot, ev, text);
  ASSERT(rc == 0 || rc == REED_BOT_ENOMEM);
  return REED_BOT_KEEP;
}

/* One whole in-process scenario; every step may fail for lack of memory,
 * and nothing may crash or leak. Returns the bot's last result. */
static int
scenario(world_t *w)
{
  reed_bot_t *bot;
  reed_bot_filter_t time_cmd = {.command = "time"};
  reed_bot_filter_t all = {0};
  int rc = reed_bot_local_new(w->m, &w->fc.clock, NULL, &bot);

  if (rc != 0)
    return rc;
  rc = reed_bot_on(bot, &time_cmd, on_time_soft, w);
  if (rc == 0)
    rc = reed_bot_on(bot, &all, record, w);
  if (rc == 0)
    rc = reed_bot_set_nick(bot, "fbot");
  if (rc == 0)
    rc = reed_bot_join(bot, "#bots", NULL);
  reed_room_say(w->alice, "bots", REED_MSG_NORMAL, "!time", 5, NULL, NULL);
  reed_tell(w->alice, "fbot", REED_MSG_NORMAL, "!time", 5, NULL, NULL);
  fc_advance(&w->fc, 0);
  reed_bot_every(bot, 10, tick_keep, NULL);
  fc_advance(&w->fc, 25);
  reed_bot_local_free(bot);
  return rc;
}

TEST(local_failmalloc)
{
  int ok = 0;

  for (long n = 0; n < 400 && !ok; n++) {
    world_t w;
    int rc;
    world_init(&w);
    reed_alloc_fail_after(n);
    rc = scenario(&w);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_BOT_ENOMEM);
    /* Done once both answers (room and private) got through. */
    ok = rc == 0 && strstr(w.heard, "bots alice: it is") &&
         strstr(w.heard, "- alice: it is");
    if (ok)
      fprintf(stderr, "failmalloc: %ld failure points\n", n);
    world_free(&w); /* checks that nothing leaked */
  }
  ASSERT(ok); /* the loop reached a run where everything succeeded */
}

/* reed's start and SIGHUP: the set of plugins is replaced as a whole; the
 * old ones' handlers and timers are gone before the new ones load. */
TEST(local_host_reload)
{
  world_t w;
  reed_bot_host_t *h;
  const char *one[] = {REED_BOT_EXAMPLE_PLUGIN};
  const char *mixed[] = {REED_BOT_FAIL_PLUGIN, REED_BOT_EXAMPLE_PLUGIN,
                         "/nonexistent.so"};

  world_init(&w);
  ASSERT_EQ(reed_bot_host_new(w.m, &w.fc.clock, NULL, &h), 0);
  ASSERT_EQ(reed_bot_host_reload(h, one, 1), 0);
  ASSERT_EQ(reed_bot_host_count(h), 1);
  fc_advance(&w.fc, 0);
  fc_advance(&w.fc, 60000);
  say(&w, "!uptime");
  fc_advance(&w.fc, 0);
  ASSERT(strstr(w.heard, "MESSAGE timebot bot bots up 1 minutes\n"));
  w.heard[0] = '\0';
  /* Reload: the failing plugin and the missing file are left out; the
   * example comes back fresh (its minute counter starts again). */
  ASSERT_EQ(reed_bot_host_reload(h, mixed, 3), REED_BOT_EINVAL);
  ASSERT_EQ(reed_bot_host_count(h), 1);
  fc_advance(&w.fc, 0);
  say(&w, "!uptime");
  fc_advance(&w.fc, 0);
  ASSERT_LINES(w.heard, "QUIT timebot bot - bot unloaded\n"
                        "JOIN failbot bot bots -\n"
                        "QUIT failbot bot - bot unloaded\n"
                        "JOIN timebot bot bots -\n"
                        "MESSAGE timebot bot bots up 0 minutes\n");
  w.heard[0] = '\0';
  ASSERT_EQ(reed_bot_host_reload(h, NULL, 0), 0);
  ASSERT_EQ(reed_bot_host_count(h), 0);
  ASSERT_EQ(fc_pending(&w.fc), 0);
  ASSERT_EQ(reed_bot_host_reload(h, one, 1), 0);
  reed_bot_host_free(h); /* unloads what is loaded */
  ASSERT_EQ(fc_pending(&w.fc), 0);
  world_free(&w);
}
