/* Room commands and the events they cause, through the fake transport
 * with the real model: Join, Leave, SetTopic, ListRooms, Members, SetNick,
 * History, and kicks and kills from the model side (as another protocol
 * would cause them). Say, Tell and bans: test_messages.c. */
#include "amp_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_join(void)
{
  world_t w;
  client_t a, b;
  tbox_t tb;
  char members[256];

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&a, "alice", "pw", NULL);
  cl_login(&b, "bob", "pw", NULL);
  cl_send(&a, "Join", "room", "#Lobby", NULL);
  expect_answer(&a, &tb);
  ASSERT_KEY(&tb, "room", "Lobby");
  ASSERT_KEY(&tb, "topic", "");
  ASSERT_KEY(&tb, "more", "False");
  list_join(&tb, "members", members, sizeof(members));
  ASSERT_STR_EQ(members, "alice");
  tb_free(&tb);
  cl_send(&b, "Join", "room", "lobby", NULL);
  expect_answer(&b, &tb);
  ASSERT_KEY(&tb, "room", "Lobby"); /* canonical */
  list_join(&tb, "members", members, sizeof(members));
  ASSERT_STR_EQ(members, "bob,alice"); /* self first */
  tb_free(&tb);
  expect_event(&a, "Joined", &tb);
  ASSERT_KEY(&tb, "room", "Lobby");
  ASSERT_KEY(&tb, "user", "bob");
  ASSERT_KEY(&tb, "account", "bob");
  ASSERT_KEY(&tb, "origin", "amp");
  tb_free(&tb);
  expect_none(&b); /* no event to the joiner */
  /* Joining again: the same answer, no events. */
  cl_send(&b, "Join", "room", "LOBBY", NULL);
  expect_answer(&b, &tb);
  list_join(&tb, "members", members, sizeof(members));
  ASSERT_STR_EQ(members, "bob,alice");
  tb_free(&tb);
  expect_none(&a);
  /* One leading '#' is stripped: ##x names room #x. */
  cl_send(&a, "Join", "room", "##x", NULL);
  expect_answer(&a, &tb);
  ASSERT_KEY(&tb, "room", "#x");
  tb_free(&tb);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}

TEST(join)
{
  run_chunked(s_join);
}

TEST(join_refused)
{
  pair_t p;
  client_t c;
  reed_mode_change_t key = {.mode = REED_RMODE_KEY, .set = true, .arg = "k1"};
  tbox_t tb;

  pair_init(&p);
  world_account(&p.w, "carol", "pw");
  cl_open(&p.w, &c);
  cl_login(&c, "carol", "pw", NULL);
  ASSERT_EQ(
      reed_room_set_modes(session_of(&p.w, "alice"), "lobby", &key, 1, NULL),
      0);
  cl_send(&c, "Join", "room", "lobby", NULL);
  expect_error(&c, "FORBIDDEN");
  cl_send(&c, "Join", "room", "lobby", "key", "k2", NULL);
  expect_error(&c, "FORBIDDEN");
  cl_send(&c, "Join", "room", "lobby", "key", "k1", NULL);
  expect_answer(&c, &tb);
  tb_free(&tb);
  p.w.conf.create_rooms = false;
  cl_send(&c, "Join", "room", "elsewhere", NULL);
  expect_error(&c, "NO_SUCH_ROOM");
  cl_close(&c);
  pair_free(&p);
}

static void
s_leave(void)
{
  pair_t p;
  tbox_t tb;

  pair_init(&p);
  cl_send(&p.b, "Leave", "room", "lobby", "reason", "later", NULL);
  expect_answer(&p.b, &tb);
  ASSERT_EQ(tb.n, 1);
  tb_free(&tb);
  expect_none(&p.b);
  expect_event(&p.a, "Left", &tb);
  ASSERT_KEY(&tb, "room", "lobby");
  ASSERT_KEY(&tb, "user", "bob");
  ASSERT_KEY(&tb, "kind", "part");
  ASSERT_KEY(&tb, "reason", "later");
  tb_free(&tb);
  cl_send(&p.b, "Leave", "room", "lobby", NULL);
  expect_error(&p.b, "NOT_A_MEMBER");
  cl_send(&p.b, "Leave", "room", "nowhere", NULL);
  expect_error(&p.b, "NO_SUCH_ROOM");
  pair_free(&p);
}

TEST(leave)
{
  run_chunked(s_leave);
}

static void
s_topic(void)
{
  pair_t p;
  tbox_t tb;
  reed_mode_change_t lock = {.mode = REED_RMODE_TOPICLOCK, .set = true};

  pair_init(&p);
  fc_advance(&p.w.fc, 5000);
  cl_send(&p.b, "SetTopic", "room", "lobby", "topic", "Welcome", NULL);
  expect_answer(&p.b, &tb);
  ASSERT_EQ(tb.n, 1);
  tb_free(&tb);
  expect_none(&p.b);
  expect_event(&p.a, "TopicChanged", &tb);
  ASSERT_KEY(&tb, "room", "lobby");
  ASSERT_KEY(&tb, "user", "bob");
  ASSERT_KEY(&tb, "topic", "Welcome");
  ASSERT(tb_get(&tb, "time") != NULL);
  tb_free(&tb);
  cl_send(&p.a, "Join", "room", "lobby", NULL);
  expect_answer(&p.a, &tb);
  ASSERT_KEY(&tb, "topic", "Welcome");
  tb_free(&tb);
  ASSERT_EQ(
      reed_room_set_modes(session_of(&p.w, "alice"), "lobby", &lock, 1, NULL),
      0);
  cl_send(&p.b, "SetTopic", "room", "lobby", "topic", "", NULL);
  expect_error(&p.b, "FORBIDDEN");
  cl_send(&p.a, "SetTopic", "room", "lobby", "topic", "", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&p.b, "TopicChanged", &tb);
  ASSERT_KEY(&tb, "topic", "");
  tb_free(&tb);
  cl_send(&p.a, "SetTopic", "room", "nowhere", "topic", "x", NULL);
  expect_error(&p.a, "NO_SUCH_ROOM");
  cl_join(&p.a, "mine");
  cl_send(&p.b, "SetTopic", "room", "mine", "topic", "x", NULL);
  expect_error(&p.b, "NOT_A_MEMBER");
  pair_free(&p);
}

TEST(set_topic)
{
  run_chunked(s_topic);
}

TEST(list_rooms)
{
  pair_t p;
  tbox_t tb;
  char names[256];
  reed_mode_change_t sec = {.mode = REED_RMODE_SECRET, .set = true};

  pair_init(&p);
  cl_join(&p.a, "Zoo");
  cl_join(&p.a, "apple");
  cl_join(&p.a, "hidden");
  ASSERT_EQ(
      reed_room_set_modes(session_of(&p.w, "alice"), "hidden", &sec, 1, NULL),
      0);
  cl_send(&p.b, "ListRooms", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "rooms", "name", names, sizeof(names));
  ASSERT_STR_EQ(names, "apple,lobby,Zoo");
  amplist_join(&tb, "rooms", "size", names, sizeof(names));
  ASSERT_STR_EQ(names, "1,2,1");
  ASSERT_NO_KEY(&tb, "next");
  tb_free(&tb);
  cl_send(&p.a, "ListRooms", "after", "Apple", NULL);
  expect_answer(&p.a, &tb);
  amplist_join(&tb, "rooms", "name", names, sizeof(names));
  ASSERT_STR_EQ(names, "hidden,lobby,Zoo"); /* alice is in hidden */
  tb_free(&tb);
  pair_free(&p);
}

TEST(list_rooms_paging)
{
  pair_t p;
  tbox_t tb;
  char topic[REED_TOPIC_MAX + 1], name[16], *names = malloc(65536);
  size_t pages = 0, total = 0;
  const char *after = NULL;
  char next[64] = "";
  reed_session_t *bots[3];

  memset(topic, 't', REED_TOPIC_MAX);
  topic[REED_TOPIC_MAX] = '\0';
  pair_init(&p);
  /* Three model sessions (another protocol's users) fill 300 rooms. */
  for (int k = 0; k < 3; k++) {
    reed_session_info_t info = {.origin = "bot", .user = "b", .host = "h"};
    char nick[8];
    snprintf(nick, sizeof(nick), "bot%d", k);
    ASSERT_EQ(reed_session_new(p.w.model, &info, &bots[k]), 0);
    ASSERT_EQ(reed_session_set_nick(bots[k], nick), 0);
    for (int i = 0; i < 100; i++) {
      snprintf(name, sizeof(name), "r%03d", k * 100 + i);
      ASSERT_EQ(reed_room_join(bots[k], name, NULL), 0);
      ASSERT_EQ(reed_room_set_topic(bots[k], name, topic), 0);
    }
  }
  p.w.conf.flood_burst = 100;
  for (int guard = 0; guard < 10; guard++) {
    if (after)
      cl_send(&p.b, "ListRooms", "after", after, NULL);
    else
      cl_send(&p.b, "ListRooms", NULL);
    expect_answer(&p.b, &tb);
    amplist_join(&tb, "rooms", "name", names, 65536);
    if (names[0] != '\0') {
      total++;
      for (char *c = names; *c; c++)
        total += *c == ',';
    }
    pages++;
    if (tb_get(&tb, "next") == NULL) {
      tb_free(&tb);
      break;
    }
    snprintf(next, sizeof(next), "%s", tb_get(&tb, "next"));
    after = next;
    tb_free(&tb);
  }
  if (pages < 2)
    reed__test_fail(__FILE__, __LINE__, "%zu pages, %zu rooms", pages, total);
  ASSERT_EQ(total, 301); /* the 300 rooms and lobby, each once */
  for (int k = 0; k < 3; k++)
    reed_session_quit(bots[k], "done");
  free(names);
  pair_free(&p);
}

TEST(members)
{
  pair_t p;
  client_t a2;
  tbox_t tb;
  char s[256];

  pair_init(&p);
  cl_open(&p.w, &a2);
  cl_login(&a2, "alice", "pw", NULL);
  cl_join(&a2, "lobby");
  cl_send(&p.b, "Members", "room", "#lobby", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "members", "nick", s, sizeof(s));
  ASSERT_STR_EQ(s, "alice,bob"); /* alice once, with two sessions */
  amplist_join(&tb, "members", "account", s, sizeof(s));
  ASSERT_STR_EQ(s, "alice,bob");
  amplist_join(&tb, "members", "origin", s, sizeof(s));
  ASSERT_STR_EQ(s, "amp,amp");
  ASSERT_NO_KEY(&tb, "next");
  tb_free(&tb);
  cl_send(&p.b, "Members", "room", "lobby", "after", "alice", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "members", "nick", s, sizeof(s));
  ASSERT_STR_EQ(s, "bob");
  tb_free(&tb);
  cl_send(&p.b, "Members", "room", "nowhere", NULL);
  expect_error(&p.b, "NO_SUCH_ROOM");
  cl_close(&a2);
  pair_free(&p);
}

TEST(set_nick)
{
  pair_t p;
  client_t c;
  tbox_t tb;

  pair_init(&p);
  world_account(&p.w, "carol", "pw");
  cl_open(&p.w, &c);
  cl_login(&c, "carol", "pw", NULL);
  cl_send(&p.b, "SetNick", "nick", "bobby", NULL);
  expect_answer(&p.b, &tb);
  ASSERT_KEY(&tb, "nick", "bobby");
  tb_free(&tb);
  expect_none(&p.b);
  expect_event(&p.a, "NickChanged", &tb);
  ASSERT_KEY(&tb, "old", "bob");
  ASSERT_KEY(&tb, "new", "bobby");
  ASSERT_KEY(&tb, "account", "bob");
  ASSERT_KEY(&tb, "origin", "amp");
  tb_free(&tb);
  expect_none(&c); /* shares no room */
  cl_send(&p.b, "SetNick", "nick", "alice", NULL);
  expect_error(&p.b, "NICK_IN_USE");
  cl_send(&p.b, "SetNick", "nick", "carol", NULL);
  expect_error(&p.b, "NICK_IN_USE");
  cl_send(&p.b, "Say", "room", "lobby", "text", "x", NULL);
  expect_answer(&p.b, &tb);
  tb_free(&tb);
  expect_event(&p.a, "Receive", &tb);
  ASSERT_KEY(&tb, "sender", "bobby");
  tb_free(&tb);
  cl_close(&c);
  pair_free(&p);
}

TEST(history)
{
  pair_t p;
  tbox_t tb;
  char ids[5][24], s[512];

  pair_init(&p);
  for (int i = 0; i < 5; i++) {
    char text[8];
    snprintf(text, sizeof(text), "m%d", i);
    cl_send(&p.a, "Say", "room", "lobby", "text", text, "kind",
            i == 2 ? "action" : "message", NULL);
    expect_answer(&p.a, &tb);
    snprintf(ids[i], sizeof(ids[i]), "%s", tb_get(&tb, "id"));
    tb_free(&tb);
    expect_event(&p.b, "Receive", &tb);
    tb_free(&tb);
  }
  cl_send(&p.b, "History", "room", "lobby", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "messages", "text", s, sizeof(s));
  ASSERT_STR_EQ(s, "m0,m1,m2,m3,m4");
  amplist_join(&tb, "messages", "kind", s, sizeof(s));
  ASSERT_STR_EQ(s, "-,-,action,-,-");
  amplist_join(&tb, "messages", "sender", s, sizeof(s));
  ASSERT_STR_EQ(s, "alice,alice,alice,alice,alice");
  amplist_join(&tb, "messages", "id", s, sizeof(s));
  ASSERT(strstr(s, ids[0]) == s);
  ASSERT_KEY(&tb, "more", "False");
  tb_free(&tb);
  cl_send(&p.b, "History", "room", "lobby", "limit", "2", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "messages", "text", s, sizeof(s));
  ASSERT_STR_EQ(s, "m3,m4");
  ASSERT_KEY(&tb, "more", "True");
  tb_free(&tb);
  cl_send(&p.b, "History", "room", "lobby", "before", ids[3], "limit", "2",
          NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "messages", "text", s, sizeof(s));
  ASSERT_STR_EQ(s, "m1,m2");
  amplist_join(&tb, "messages", "id", s, sizeof(s));
  ASSERT(strstr(s, ids[1]) != NULL && strstr(s, ids[2]) != NULL);
  ASSERT_KEY(&tb, "more", "True");
  tb_free(&tb);
  cl_join(&p.a, "other");
  cl_send(&p.b, "History", "room", "other", NULL);
  expect_error(&p.b, "NOT_A_MEMBER");
  cl_send(&p.b, "History", "room", "nowhere", NULL);
  expect_error(&p.b, "NO_SUCH_ROOM");
  pair_free(&p);
}

/* A kick from another protocol's operator: the kicked AMP user and the rest
 * of the room get Left{kind: kick, by}. */
TEST(kicked)
{
  pair_t p;
  tbox_t tb;

  pair_init(&p);
  ASSERT_EQ(reed_room_kick(session_of(&p.w, "alice"), "lobby", "bob", "behave"),
            0);
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "room", "lobby");
  ASSERT_KEY(&tb, "user", "bob");
  ASSERT_KEY(&tb, "kind", "kick");
  ASSERT_KEY(&tb, "by", "alice");
  ASSERT_KEY(&tb, "reason", "behave");
  tb_free(&tb);
  cl_send(&p.b, "Say", "room", "lobby", "text", "x", NULL);
  expect_error(&p.b, "NOT_A_MEMBER");
  pair_free(&p);
}

TEST(killed)
{
  pair_t p;
  tbox_t tb;
  reed_session_t *op;

  pair_init(&p);
  op = session_of(&p.w, "alice");
  reed_session_set_oper(op, true);
  ASSERT_EQ(reed_session_kill(op, "bob", "spam"), 0);
  expect_event(&p.b, "Closing", &tb);
  ASSERT(strstr(tb_get(&tb, "reason"), "spam") != NULL);
  tb_free(&tb);
  ASSERT(p.b.ft.closed);
  expect_event(&p.a, "Left", &tb);
  ASSERT_KEY(&tb, "kind", "quit");
  tb_free(&tb);
  pair_free(&p);
}

/* A session that quits (Quit, or its connection lost) while its person
 * stays online through another one is shown as Left kind quit in the rooms
 * where it was the person's last session, and not at all where another of
 * its sessions stays; a Leave is still kind part. */
TEST(quit_of_one_session_shows_quit)
{
  pair_t p;
  client_t a2, a3;
  tbox_t tb;

  pair_init(&p);
  cl_open(&p.w, &a2);
  cl_login(&a2, "alice", "pw", NULL);
  cl_join(&a2, "lobby");
  cl_join(&a2, "side");
  cl_join(&p.b, "side");
  expect_event(&a2, "Joined", &tb);
  ASSERT_KEY(&tb, "user", "bob");
  tb_free(&tb);
  expect_none(&p.a);
  cl_send(&a2, "Quit", "reason", "phone died", NULL);
  expect_answer(&a2, &tb);
  tb_free(&tb);
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "room", "side");
  ASSERT_KEY(&tb, "user", "alice");
  ASSERT_KEY(&tb, "kind", "quit");
  ASSERT_KEY(&tb, "reason", "phone died");
  tb_free(&tb);
  expect_none(&p.b); /* nothing for lobby, where alice stays */
  expect_none(&p.a);
  cl_close(&a2);
  cl_open(&p.w, &a3);
  cl_login(&a3, "alice", "pw", NULL);
  cl_join(&a3, "side");
  expect_event(&p.b, "Joined", &tb);
  tb_free(&tb);
  cl_close(&a3); /* connection lost */
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "room", "side");
  ASSERT_KEY(&tb, "kind", "quit");
  tb_free(&tb);
  expect_none(&p.b);
  cl_send(&p.a, "Leave", "room", "lobby", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "kind", "part");
  tb_free(&tb);
  pair_free(&p);
}

/* A room too big for one value: Join says more=True (self listed first)
 * and Members pages through every nick once with `next`. */
TEST(big_room_paging)
{
  enum { BOTS = 7000 };
  static reed_session_t *bots[BOTS];
  client_t a;
  world_t w;
  tbox_t tb;
  char *s = malloc(1 << 17), next[64] = "";
  size_t seen = 0, pages = 0;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  for (int k = 0; k < BOTS; k++) {
    reed_session_info_t info = {.origin = "bot", .user = "b", .host = "h"};
    char nick[16];
    snprintf(nick, sizeof(nick), "bot%05d", k);
    ASSERT_EQ(reed_session_new(w.model, &info, &bots[k]), 0);
    ASSERT_EQ(reed_session_set_nick(bots[k], nick), 0);
    ASSERT_EQ(reed_room_join(bots[k], "big", NULL), 0);
  }
  cl_open(&w, &a);
  cl_login(&a, "alice", "pw", NULL);
  cl_send(&a, "Join", "room", "big", NULL);
  expect_answer(&a, &tb);
  ASSERT_KEY(&tb, "more", "True");
  list_join(&tb, "members", s, 1 << 17);
  ASSERT(strncmp(s, "alice,bot00000,", 15) == 0);
  tb_free(&tb);
  w.conf.flood_burst = 1000;
  for (int guard = 0; guard < 20; guard++) {
    if (next[0])
      cl_send(&a, "Members", "room", "big", "after", next, NULL);
    else
      cl_send(&a, "Members", "room", "big", NULL);
    expect_answer(&a, &tb);
    amplist_join(&tb, "members", "nick", s, 1 << 17);
    pages++;
    seen += 1;
    for (char *c = s; *c; c++)
      seen += *c == ',';
    if (tb_get(&tb, "next") == NULL) {
      tb_free(&tb);
      break;
    }
    snprintf(next, sizeof(next), "%s", tb_get(&tb, "next"));
    tb_free(&tb);
  }
  ASSERT(pages >= 2);
  ASSERT_EQ(seen, BOTS + 1);
  for (int k = 0; k < BOTS; k++)
    reed_session_quit(bots[k], "done");
  free(s);
  cl_close(&a);
  world_free(&w);
}

/* SetNick changes the nick of every session that shares it; the other
 * session of the account learns it with one NickChanged. */
TEST(set_nick_shared)
{
  world_t w;
  client_t a1, a2;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a1);
  cl_open(&w, &a2);
  cl_login(&a1, "alice", "pw", NULL);
  cl_login(&a2, "alice", "pw", NULL);
  cl_send(&a1, "SetNick", "nick", "ally", NULL);
  expect_answer(&a1, &tb);
  tb_free(&tb);
  expect_none(&a1);
  expect_event(&a2, "NickChanged", &tb);
  ASSERT_KEY(&tb, "old", "alice");
  ASSERT_KEY(&tb, "new", "ally");
  tb_free(&tb);
  expect_none(&a2);
  ASSERT_STR_EQ(reed_session_nick(((reed_amp_core_t *)a2.core)->session),
                "ally");
  cl_close(&a1);
  cl_close(&a2);
  world_free(&w);
}
