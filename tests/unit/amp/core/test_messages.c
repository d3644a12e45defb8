/* Say and Tell and what refuses them (a room ban, the store's gate, the
 * model's message bound), and Ban and Unban by account, through the fake
 * transport with the real model. */
#include "amp_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_say(void)
{
  pair_t p;
  tbox_t ans, ev;
  int64_t us;

  pair_init(&p);
  cl_send(&p.a, "Say", "room", "lobby", "text", "hi\nthere", NULL);
  expect_answer(&p.a, &ans);
  expect_none(&p.a); /* never its own message back */
  expect_event(&p.b, "Receive", &ev);
  ASSERT_KEY(&ev, "room", "lobby");
  ASSERT_KEY(&ev, "sender", "alice");
  ASSERT_KEY(&ev, "account", "alice");
  ASSERT_KEY(&ev, "origin", "amp");
  ASSERT_KEY(&ev, "text", "hi\nthere");
  ASSERT_NO_KEY(&ev, "kind");
  ASSERT_STR_EQ(tb_get(&ev, "id"), tb_get(&ans, "id"));
  ASSERT_EQ(reed_amp_parse_time((const uint8_t *)tb_get(&ev, "time"), 32, &us),
            0);
  ASSERT_EQ(reed_amp_parse_time((const uint8_t *)tb_get(&ans, "time"), 32, &us),
            0);
  tb_free(&ans);
  tb_free(&ev);
  cl_send(&p.b, "Say", "room", "#lobby", "text", "waves", "kind", "action",
          NULL);
  expect_answer(&p.b, &ans);
  tb_free(&ans);
  expect_event(&p.a, "Receive", &ev);
  ASSERT_KEY(&ev, "kind", "action");
  ASSERT_KEY(&ev, "sender", "bob");
  tb_free(&ev);
  cl_send(&p.b, "Say", "room", "lobby", "text", "psst", "kind", "notice", NULL);
  expect_answer(&p.b, &ans);
  tb_free(&ans);
  expect_event(&p.a, "Receive", &ev);
  ASSERT_KEY(&ev, "kind", "notice");
  tb_free(&ev);
  cl_send(&p.a, "Say", "room", "nowhere", "text", "x", NULL);
  expect_error(&p.a, "NO_SUCH_ROOM");
  cl_join(&p.b, "other");
  cl_send(&p.a, "Say", "room", "other", "text", "x", NULL);
  expect_error(&p.a, "NOT_A_MEMBER");
  expect_none(&p.b);
  pair_free(&p);
}

TEST(say)
{
  run_chunked(s_say);
}

TEST(say_forbidden)
{
  pair_t p;
  reed_mode_change_t mod = {.mode = REED_RMODE_MODERATED, .set = true};

  pair_init(&p);
  ASSERT_EQ(
      reed_room_set_modes(session_of(&p.w, "alice"), "lobby", &mod, 1, NULL),
      0);
  cl_send(&p.b, "Say", "room", "lobby", "text", "x", NULL);
  expect_error(&p.b, "FORBIDDEN");
  expect_none(&p.a);
  pair_free(&p);
}

/* Refuses what needs a stored row, as the store's gate does while it
 * cannot write. */
static reed_sequencer_t next_seq;

static int
refuse_order(void *ud, reed_change_t *c)
{
  REED_UNUSED(ud);
  if (c->kind == REED_EV_MESSAGE || c->kind == REED_EV_TOPIC)
    return REED_EUNAVAILABLE;
  return next_seq.order(next_seq.s, c);
}

TEST(say_unavailable)
{
  pair_t p;

  pair_init(&p);
  reed_model_sequencer(p.w.model, &next_seq);
  reed_model_set_sequencer(p.w.model,
                           &(reed_sequencer_t){.order = refuse_order});
  cl_send(&p.b, "Say", "room", "lobby", "text", "x", NULL);
  expect_error(&p.b, "UNAVAILABLE");
  cl_send(&p.b, "Tell", "user", "alice", "text", "x", NULL);
  expect_error(&p.b, "UNAVAILABLE");
  cl_send(&p.b, "SetTopic", "room", "lobby", "topic", "x", NULL);
  expect_error(&p.b, "UNAVAILABLE");
  expect_none(&p.a);
  ASSERT(!p.b.ft.closed); /* the connection stays */
  reed_model_set_sequencer(p.w.model, &next_seq);
  pair_free(&p);
}

/* The model's message bound: 4,095 line feeds are one Say that no IRC
 * member could be shown in 100 lines, refused with TOO_LONG unsequenced. */
TEST(say_and_tell_past_the_message_bound)
{
  pair_t p;
  char nl[4096];
  tbox_t ans;

  pair_init(&p);
  memset(nl, '\n', sizeof(nl) - 1);
  nl[0] = 'x';
  nl[sizeof(nl) - 1] = '\0';
  cl_send(&p.a, "Say", "room", "lobby", "text", nl, NULL);
  expect_error(&p.a, "TOO_LONG");
  cl_send(&p.a, "Tell", "user", "bob", "text", nl, NULL);
  expect_error(&p.a, "TOO_LONG");
  expect_none(&p.b);
  nl[199] = '\0'; /* 100 lines pass */
  for (size_t i = 0; i < 199; i += 2)
    nl[i] = 'x';
  cl_send(&p.a, "Say", "room", "lobby", "text", nl, NULL);
  expect_answer(&p.a, &ans);
  tb_free(&ans);
  pair_free(&p);
}

/* A second session of alice gets her room messages (not her own). */
TEST(say_reaches_other_sessions)
{
  pair_t p;
  client_t a2;
  tbox_t tb;

  pair_init(&p);
  cl_open(&p.w, &a2);
  cl_login(&a2, "alice", "pw", NULL);
  cl_join(&a2, "lobby");
  expect_none(&p.b); /* the nick is already a member */
  cl_send(&p.a, "Say", "room", "lobby", "text", "from a1", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_none(&p.a);
  expect_event(&a2, "Receive", &tb);
  ASSERT_KEY(&tb, "sender", "alice");
  tb_free(&tb);
  expect_event(&p.b, "Receive", &tb);
  tb_free(&tb);
  /* Others see one Left, when the last session goes. */
  cl_close(&a2);
  expect_none(&p.b);
  cl_send(&p.a, "Leave", "room", "lobby", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "kind", "part");
  tb_free(&tb);
  pair_free(&p);
}

static void
s_tell(void)
{
  pair_t p;
  client_t a2;
  tbox_t ans, ev;

  pair_init(&p);
  cl_open(&p.w, &a2);
  cl_login(&a2, "alice", "pw", NULL);
  cl_send(&p.b, "Tell", "user", "ALICE", "text", "secret", NULL);
  expect_answer(&p.b, &ans);
  expect_event(&p.a, "Receive", &ev);
  ASSERT_NO_KEY(&ev, "room");
  ASSERT_KEY(&ev, "sender", "bob");
  ASSERT_KEY(&ev, "text", "secret");
  ASSERT_STR_EQ(tb_get(&ev, "id"), tb_get(&ans, "id"));
  tb_free(&ev);
  tb_free(&ans);
  expect_event(&a2, "Receive", &ev); /* every session of the person */
  tb_free(&ev);
  expect_none(&p.b);
  cl_send(&p.b, "Tell", "user", "nobody", "text", "x", NULL);
  expect_error(&p.b, "NO_SUCH_USER");
  /* An outgoing Tell is not copied to the sender's other sessions. */
  cl_send(&p.a, "Tell", "user", "bob", "text", "hi bob", "kind", "action",
          NULL);
  expect_answer(&p.a, &ans);
  tb_free(&ans);
  expect_event(&p.b, "Receive", &ev);
  ASSERT_KEY(&ev, "kind", "action");
  tb_free(&ev);
  expect_none(&a2);
  expect_none(&p.a);
  /* A Tell to your own nick reaches only your other sessions. */
  cl_send(&p.a, "Tell", "user", "alice", "text", "note to self", NULL);
  expect_answer(&p.a, &ans);
  tb_free(&ans);
  expect_none(&p.a);
  expect_event(&a2, "Receive", &ev);
  ASSERT_KEY(&ev, "text", "note to self");
  tb_free(&ev);
  cl_close(&a2);
  pair_free(&p);
}

TEST(tell)
{
  run_chunked(s_tell);
}

/* Tell by account name reaches a person whose nick is not the account's
 * name, also when it shares no room with the sender; an account that is
 * not online, or a name that is neither, is NO_SUCH_USER. */
TEST(tell_by_account)
{
  pair_t p;
  client_t c;
  tbox_t tb;

  pair_init(&p);
  world_account(&p.w, "carol", "pw");
  world_account(&p.w, "dave", "pw");
  cl_open(&p.w, &c);
  cl_login(&c, "carol", "pw", "cee");
  cl_send(&p.a, "Tell", "user", "Carol", "text", "by account", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&c, "Receive", &tb);
  ASSERT_KEY(&tb, "sender", "alice");
  ASSERT_KEY(&tb, "text", "by account");
  ASSERT_NO_KEY(&tb, "room");
  tb_free(&tb);
  expect_none(&p.b);
  cl_send(&p.a, "Tell", "user", "dave", "text", "offline", NULL);
  expect_error(&p.a, "NO_SUCH_USER");
  cl_send(&p.a, "Tell", "user", "nobody", "text", "x", NULL);
  expect_error(&p.a, "NO_SUCH_USER");
  expect_none(&c);
  cl_close(&c);
  pair_free(&p);
}

/* Ban and Unban take an account: it is kept out under any nick, and the
 * entry is the model's account entry (IRC lists it as $a:NAME). Only a
 * room operator may ban; a bad account name is BAD_REQUEST. */
static void
list_bans(void *ud, const reed_list_entry_t *e)
{
  char *out = ud;

  snprintf(out + strlen(out), 64 - strlen(out), "%s%s ",
           e->account ? "account:" : "", e->mask);
}

TEST(ban_by_account)
{
  pair_t p;
  client_t c;
  tbox_t tb;
  char bans[64] = "";

  pair_init(&p);
  world_account(&p.w, "carol", "pw");
  cl_open(&p.w, &c);
  cl_login(&c, "carol", "pw", "cee");
  cl_send(&p.b, "Ban", "room", "lobby", "account", "carol", NULL);
  expect_error(&p.b, "FORBIDDEN");
  cl_send(&p.a, "Ban", "room", "lobby", "account", "not!valid", NULL);
  expect_error(&p.a, "BAD_REQUEST");
  cl_send(&p.a, "Ban", "room", "nowhere", "account", "carol", NULL);
  expect_error(&p.a, "NO_SUCH_ROOM");
  cl_send(&p.a, "Ban", "room", "lobby", "account", "Carol", NULL);
  expect_answer(&p.a, &tb);
  ASSERT_EQ(tb.n, 1);
  tb_free(&tb);
  reed_room_each_list(reed_room_find(p.w.model, "lobby"), REED_RMODE_BAN,
                      list_bans, bans);
  ASSERT_STR_EQ(bans, "account:Carol ");
  cl_send(&c, "Join", "room", "lobby", NULL);
  expect_error(&c, "FORBIDDEN");
  cl_send(&p.a, "Unban", "room", "lobby", "account", "CAROL", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  cl_send(&c, "Join", "room", "lobby", NULL);
  expect_answer(&c, &tb);
  tb_free(&tb);
  cl_close(&c);
  pair_free(&p);
}
