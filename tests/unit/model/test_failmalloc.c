/* failmalloc: a join+say scenario (with login, nick sharing, modes, topic,
 * private messages, history and quits) rerun with allocation N failing for
 * N = 0, 1, ... until it runs clean. Every run must end without a crash
 * or a leak, whatever failed. */
#include "rec.h"

#include <stdio.h>

static int events;

/* Formats through the cache like a protocol, tolerating ENOMEM. */
static void
count_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  reed_buf_t *b = reed_event_cache_get(ev, 1);

  (void)ud;
  (void)s;
  if (b == NULL && (b = reed_buf_from("x", 1)) != NULL)
    reed_event_cache_put(ev, 1, reed_buf_ref(b));
  reed_buf_unref(b);
  events++;
}

static const reed_session_listener_t counting = {.on_event = count_event};

static void
ignore_entry(void *ud, const reed_hist_entry_t *e)
{
  (void)ud;
  (void)e;
}

static void
ignore_was(void *ud, const reed_nick_was_t *e)
{
  (void)ud;
  (void)e;
}

#define TRY(x)                                                                 \
  do {                                                                         \
    if ((x) != 0)                                                              \
      failed++;                                                                \
  } while (0)

static reed_session_t *
new_session(reed_model_t *m, const char *nick, int *failed)
{
  reed_session_info_t info = {
      .origin = "irc", .user = "u", .host = "h.example", .listener = &counting};
  reed_session_t *s = NULL;

  if (reed_session_new(m, &info, &s) != 0) {
    (*failed)++;
    return NULL;
  }
  if (reed_session_set_nick(s, nick) != 0)
    (*failed)++;
  return s;
}

static int
rooms_and_messages(reed_model_t *m, reed_session_t *a, reed_session_t *b)
{
  int failed = 0;
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_BAN, .set = true, .arg = "evil"},
      {.mode = REED_RMODE_OP, .set = true, .arg = "bob"},
      {.mode = REED_RMODE_KEY, .set = true, .arg = "k"},
  };
  reed_hist_query_t hq = {.dir = REED_HIST_LATEST, .limit = 10};

  TRY(reed_room_join(a, "room", NULL));
  TRY(reed_room_join(b, "room", "k"));
  TRY(reed_room_say(a, "room", 0, "hello", 5, NULL, NULL));
  TRY(reed_room_set_modes(a, "room", ch, 3, NULL));
  TRY(reed_room_set_topic(b, "room", "topic"));
  TRY(reed_tell(a, "bob", 0, "psst", 4, NULL, NULL));
  TRY(reed_room_invite(a, "room", "carol"));
  TRY(reed_history_room(a, "room", &hq, ignore_entry, NULL));
  TRY(reed_history_private(b, "alice", &hq, ignore_entry, NULL));
  TRY(reed_tagmsg(a, "room", true,
                  &(reed_msg_extra_t){.irc_client_tags = "+t"}));
  TRY(reed_session_set_away(b, "away"));
  TRY(reed_session_set_host(b, "user", "cloak"));
  reed_session_set_oper(a, true);
  TRY(reed_session_chghost(a, "bob", "vhost"));
  TRY(reed_room_kick(a, "room", "bob", "bye"));
  TRY(reed_room_join(a, "second", NULL));
  TRY(reed_room_part(a, "room", NULL));
  TRY(reed_room_join(a, "loaded", NULL));
  TRY(reed_room_say(a, "loaded", 0, "new", 3, NULL, NULL));
  TRY(reed_redact(a, "loaded", 100, NULL));
  (void)m;
  return failed;
}

/* What the store does at start-up. */
static int
load_state(reed_model_t *m)
{
  reed_room_state_t st = {.name = "loaded", .topic = "t", .topic_by = "x"};
  reed_hist_entry_t e = {.id = 100,
                         .from = {.nick = "alice", .account = "alice"},
                         .room = "loaded",
                         .text = "old",
                         .text_len = 3};
  reed_hist_entry_t p = {.id = 101,
                         .from = {.nick = "bob"},
                         .target = "alice",
                         .target_account = "alice",
                         .text = "hi",
                         .text_len = 2};
  int failed = 0;

  TRY(reed_room_load(m, &st));
  TRY(reed_room_load_list(m, "loaded", REED_RMODE_BAN, "bad!*@*", false, "x",
                          1));
  TRY(reed_room_load_list(m, "lists", REED_RMODE_EXCEPT, "ok", false, NULL, 2));
  TRY(reed_history_load(m, &e));
  TRY(reed_history_load(m, &p));
  reed_model_set_next_id(m, 102);
  return failed;
}

/* Returns how many operations failed (0: a clean run). */
static int
scenario(fake_clock_t *fc)
{
  reed_model_opts_t o = {.clock = &fc->clock, .server_name = "s"};
  reed_model_t *m;
  reed_session_t *a, *a2, *b, *c;
  int failed = 0;

  if (reed_model_new(&o, &m) != 0)
    return 1;
  TRY(reed_model_account_add(m, "alice"));
  failed += load_state(m);
  a = new_session(m, "guest1", &failed);
  a2 = new_session(m, "guest2", &failed);
  b = new_session(m, "bob", &failed);
  c = new_session(m, "carol", &failed);
  if (c != NULL) { /* watches and the nick history (MONITOR, WHOWAS) */
    TRY(reed_session_watch(c, "bob"));
    TRY(reed_session_watch(c, "guest1"));
  }
  if (a && a2) {
    TRY(reed_session_login(a, "alice"));
    TRY(reed_session_set_nick(a, "alice"));
    TRY(reed_session_login(a2, "alice"));
    TRY(reed_session_set_nick(a2, "alice"));
  }
  if (a && b)
    failed += rooms_and_messages(m, a, b);
  else
    failed++;
  reed_session_quit(b, "quit");
  TRY(reed_model_nick_history(m, "bob", 0, ignore_was, NULL));
  if (a != NULL && c != NULL) {
    reed_session_set_oper(a, true);
    TRY(reed_session_kill(a, "carol", "bye"));
  }
  reed_model_free(m);
  return failed;
}

TEST(failmalloc_join_say)
{
  fake_clock_t fc;
  long live0 = reed_alloc_live();
  bool clean = false;
  long n;

  fc_init(&fc);
  for (n = 0; n < 2000 && !clean; n++) {
    reed_alloc_fail_after(n);
    clean = scenario(&fc) == 0;
    reed_alloc_fail_after(-1);
    ASSERT_EQ(reed_alloc_live(), live0);
  }
  ASSERT(clean);
  printf("failmalloc: clean run after %ld failing allocation points\n", n - 1);
  fflush(stdout);
  ASSERT(n > 20); /* the scenario allocates: early runs did fail */
  ASSERT(events > 0);
  ASSERT_EQ(fc_pending(&fc), 0);
  fc_cleanup(&fc);
}
