/* The AMP core's connection rules through the fake transport with the real
 * model and portal: Login/Register, login state, the check order and its
 * error codes, flood control, framing faults, StartTLS, Ping, Quit, in-order
 * answers while a hash runs, and the connection's end. Most scenarios run
 * at several input chunk sizes (run_chunked). */
#include "amp_fixture.h"

#include <stdlib.h>
#include <string.h>

static void
s_login_ok(void)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "Alice", "secret");
  cl_open(&w, &a);
  cl_send(&a, "Login", "username", "alice", "password", "secret", NULL);
  expect_answer(&a, &tb);
  ASSERT_KEY(&tb, "user", "Alice");
  ASSERT_KEY(&tb, "nick", "Alice");
  tb_free(&tb);
  expect_none(&a);
  ASSERT_STR_EQ(reed_session_account(session_of(&w, "alice")), "Alice");
  cl_close(&a);
  world_free(&w);
}

TEST(login_ok)
{
  run_chunked(s_login_ok);
}

static void
s_login_unauthorized(void)
{
  world_t w;
  client_t a;
  tbox_t t1, t2;

  world_init(&w, 0);
  world_account(&w, "alice", "secret");
  cl_open(&w, &a);
  cl_send(&a, "Login", "username", "alice", "password", "wrong", NULL);
  ASSERT(cl_recv(&a, &t1));
  cl_send(&a, "Login", "username", "nobody", "password", "wrong", NULL);
  ASSERT(cl_recv(&a, &t2));
  /* Wrong password and unknown account look the same. */
  ASSERT_KEY(&t1, "_error_code", "UNAUTHORIZED");
  ASSERT_KEY(&t2, "_error_code", "UNAUTHORIZED");
  ASSERT_STR_EQ(tb_get(&t1, "_error_description"),
                tb_get(&t2, "_error_description"));
  ASSERT_KEY(&t2, "_error", a.last_tag);
  tb_free(&t1);
  tb_free(&t2);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

TEST(login_unauthorized)
{
  run_chunked(s_login_unauthorized);
}

TEST(login_failures_close)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "secret");
  cl_open(&w, &a);
  /* From the fourth failure the portal's throttle slows the answer
   * (auth_fail_delay_after): it comes on the clock. */
  for (int i = 0; i < 4; i++) {
    cl_send(&a, "Login", "username", "alice", "password", "x", NULL);
    fc_advance(&w.fc, 1000);
    expect_error(&a, "UNAUTHORIZED");
  }
  ASSERT(!a.ft.closed);
  cl_send(&a, "Login", "username", "alice", "password", "x", NULL);
  fc_advance(&w.fc, 1000);
  expect_error(&a, "UNAUTHORIZED");
  expect_event(&a, "Closing", &tb);
  tb_free(&tb);
  ASSERT(a.ft.closed);
  /* Nothing more is read from a closed connection. */
  cl_send(&a, "Ping", NULL);
  expect_none(&a);
  cl_close(&a);
  world_free(&w);
}

static void
s_login_nicks(void)
{
  world_t w;
  client_t a, a2, b, g;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &a2);
  cl_open(&w, &b);
  cl_open(&w, &g);
  cl_login(&a, "alice", "pw", "ally");
  /* Another account's name, or a nick another person holds. */
  cl_send(&b, "Login", "username", "bob", "password", "pw", "nick", "alice",
          NULL);
  expect_error(&b, "NICK_IN_USE");
  cl_send(&b, "Login", "username", "bob", "password", "pw", "nick", "ALLY",
          NULL);
  expect_error(&b, "NICK_IN_USE");
  /* Retrying with another nick works on the same connection. */
  cl_send(&b, "Login", "username", "bob", "password", "pw", NULL);
  expect_answer(&b, &tb);
  ASSERT_KEY(&tb, "nick", "bob");
  tb_free(&tb);
  /* A second session of alice's account may share the nick she holds. */
  cl_send(&a2, "Login", "username", "alice", "password", "pw", "nick", "ally",
          NULL);
  expect_answer(&a2, &tb);
  ASSERT_KEY(&tb, "nick", "ally");
  tb_free(&tb);
  /* A wrong password says nothing about the nick. */
  cl_send(&g, "Login", "username", "bob", "password", "no", "nick", "ally",
          NULL);
  expect_error(&g, "UNAUTHORIZED");
  cl_close(&a);
  cl_close(&a2);
  cl_close(&b);
  cl_close(&g);
  world_free(&w);
}

TEST(login_nicks)
{
  run_chunked(s_login_nicks);
}

TEST(login_default_nick_shared)
{
  world_t w;
  client_t a, a2;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_open(&w, &a2);
  cl_login(&a, "alice", "pw", NULL);
  cl_send(&a2, "Login", "username", "alice", "password", "pw", NULL);
  expect_answer(&a2, &tb);
  ASSERT_KEY(&tb, "nick", "alice");
  tb_free(&tb);
  cl_close(&a);
  cl_close(&a2);
  world_free(&w);
}

TEST(login_timeout)
{
  world_t w;
  client_t a, b;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&b, "bob", "pw", NULL);
  fc_advance(&w.fc, 59999);
  ASSERT(!a.ft.closed);
  fc_advance(&w.fc, 1);
  expect_event(&a, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Login timeout");
  tb_free(&tb);
  ASSERT(a.ft.closed);
  ASSERT(!b.ft.closed);
  expect_none(&b);
  cl_close(&a);
  cl_close(&b);
  ASSERT_EQ(fc_pending(&w.fc), 0);
  world_free(&w);
}

static void
s_login_state(void)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_send(&a, "Join", "room", "lobby", NULL);
  expect_error(&a, "NOT_LOGGED_IN");
  cl_send(&a, "Say", "room", "lobby", "text", "hi", NULL);
  expect_error(&a, "NOT_LOGGED_IN");
  /* NOT_LOGGED_IN comes before BAD_REQUEST. */
  cl_send(&a, "ListRooms", "after", "\xff", NULL);
  expect_error(&a, "NOT_LOGGED_IN");
  cl_send(&a, "Ping", NULL);
  expect_answer(&a, &tb);
  tb_free(&tb);
  cl_login(&a, "alice", "pw", NULL);
  cl_send(&a, "Login", "username", "alice", "password", "pw", NULL);
  expect_error(&a, "ALREADY_LOGGED_IN");
  cl_send(&a, "Register", "username", "zed", "password", "pw", NULL);
  expect_error(&a, "ALREADY_LOGGED_IN");
  /* ALREADY_LOGGED_IN comes before BAD_REQUEST too. */
  cl_send(&a, "Login", NULL);
  expect_error(&a, "ALREADY_LOGGED_IN");
  cl_close(&a);
  world_free(&w);
}

TEST(login_state)
{
  run_chunked(s_login_state);
}

static void
s_unhandled(void)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  cl_open(&w, &a);
  cl_send(&a, "Frobnicate", "x", "1", NULL);
  ASSERT(cl_recv(&a, &tb));
  ASSERT_KEY(&tb, "_error", a.last_tag);
  ASSERT_KEY(&tb, "_error_code", "UNHANDLED");
  ASSERT_KEY(&tb, "_error_description", "Unhandled Command: 'Frobnicate'");
  tb_free(&tb);
  /* Names are case-sensitive. */
  cl_send(&a, "ping", NULL);
  expect_error(&a, "UNHANDLED");
  /* Without _ask an unknown command is ignored, and the connection stays. */
  cl_send_noask(&a, "Frobnicate", NULL);
  expect_none(&a);
  cl_send(&a, "Ping", NULL);
  expect_answer(&a, &tb);
  tb_free(&tb);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

TEST(unhandled)
{
  run_chunked(s_unhandled);
}

static void
s_no_ask_runs(void)
{
  world_t w;
  client_t a, b;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&a, "alice", "pw", NULL);
  cl_login(&b, "bob", "pw", NULL);
  cl_join(&b, "lobby");
  cl_send_noask(&a, "Join", "room", "lobby", NULL);
  expect_none(&a);
  expect_event(&b, "Joined", &tb);
  ASSERT_KEY(&tb, "user", "alice");
  tb_free(&tb);
  /* Errors of an unasked command are not sent either. */
  cl_send_noask(&a, "Say", "room", "nowhere", "text", "x", NULL);
  cl_send_noask(&a, "Say", "room", "lobby", NULL);
  expect_none(&a);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}

TEST(no_ask_runs)
{
  run_chunked(s_no_ask_runs);
}

static const struct {
  const char *cmd;
  const char *k1, *v1, *k2, *v2, *k3, *v3;
  const char *code;
} arg_cases[] = {
    {"Join", NULL, NULL, NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "#", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "a b", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "a,b", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "a:b", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "a\x07", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "\xc3(", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Join", "room", "lobby", "key", "a b", NULL, NULL, "BAD_REQUEST"},
    {"Join", "room",
     "r234567890123456789012345678901234567890123456789012345678901234", NULL,
     NULL, NULL, NULL, "TOO_LONG"},
    {"Join", "room",
     "#r23456789012345678901234567890123456789012345678901234567890123", NULL,
     NULL, NULL, NULL, "NO_ERROR"},
    {"Join", "room", "lobby", "key", "k23456789012345678901234567890123", NULL,
     NULL, "TOO_LONG"},
    {"Say", "room", "lobby", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"Say", "room", "lobby", "text", "", NULL, NULL, "BAD_REQUEST"},
    {"Say", "room", "lobby", "text", "a\rb", NULL, NULL, "BAD_REQUEST"},
    {"Say", "room", "lobby", "text", "hi", "kind", "shout", "BAD_REQUEST"},
    {"Say", "room", "lobby", "text", "hi", "kind", "Action", "BAD_REQUEST"},
    {"SetTopic", "room", "lobby", "topic", "a\nb", NULL, NULL, "BAD_REQUEST"},
    {"SetNick", "nick", "9lives", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"SetNick", "nick", "a b", NULL, NULL, NULL, NULL, "BAD_REQUEST"},
    {"SetNick", "nick", "n23456789012345678901234567890123", NULL, NULL, NULL,
     NULL, "TOO_LONG"},
    /* A syntax error beats a length error. */
    {"SetNick", "nick", "n2345678901234567890123456789012 ", NULL, NULL, NULL,
     NULL, "BAD_REQUEST"},
    {"Tell", "user", "bob", "text", "", NULL, NULL, "BAD_REQUEST"},
    {"History", "room", "lobby", "limit", "ten", NULL, NULL, "BAD_REQUEST"},
    {"History", "room", "lobby", "limit", "0", NULL, NULL, "BAD_REQUEST"},
};

TEST(arg_errors_table)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  w.conf.flood_burst = 1000;
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_login(&a, "alice", "pw", NULL);
  cl_join(&a, "lobby");
  for (size_t i = 0; i < REED_ARRAY_SIZE(arg_cases); i++) {
    cl_send(&a, arg_cases[i].cmd, arg_cases[i].k1, arg_cases[i].v1,
            arg_cases[i].k2, arg_cases[i].v2, arg_cases[i].k3, arg_cases[i].v3,
            NULL);
    ASSERT(cl_recv(&a, &tb));
    if (strcmp(arg_cases[i].code, "NO_ERROR") == 0) {
      if (tb_get(&tb, "_answer") == NULL)
        reed__test_fail(__FILE__, __LINE__, "case %zu: error %s", i,
                        tb_get(&tb, "_error_code"));
    } else if (tb_get(&tb, "_error_code") == NULL ||
               strcmp(tb_get(&tb, "_error_code"), arg_cases[i].code) != 0) {
      reed__test_fail(__FILE__, __LINE__, "case %zu: want %s, got %s", i,
                      arg_cases[i].code,
                      tb_get(&tb, "_error_code") ? tb_get(&tb, "_error_code")
                                                 : "an answer");
    }
    tb_free(&tb);
  }
  expect_none(&a);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

/* Values that cannot pass through C strings: NUL, long text, repeats. */
static void
send_pairs(client_t *cl, const char *cmd, const char *k, const void *v,
           size_t vlen, bool twice)
{
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;

  snprintf(cl->last_tag, sizeof(cl->last_tag), "c%u", ++cl->tag);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_ask", cl->last_tag);
  reed_amp_enc_str(&e, "_command", cmd);
  reed_amp_enc_str(&e, "room", "lobby");
  reed_amp_enc_put(&e, k, v, vlen);
  if (twice)
    reed_amp_enc_put(&e, k, v, vlen);
  ASSERT_EQ(reed_amp_enc_finish(&e, &b), 0);
  cl_feed(cl, b->data, b->len);
  reed_buf_unref(b);
}

TEST(arg_errors_binary)
{
  world_t w;
  client_t a;
  char *big = malloc(5000);
  tbox_t tb;

  memset(big, 'x', 5000);
  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_login(&a, "alice", "pw", NULL);
  cl_join(&a, "lobby");
  send_pairs(&a, "Say", "text", "a\0b", 3, false);
  expect_error(&a, "BAD_REQUEST");
  send_pairs(&a, "Say", "text", big, 4097, false);
  expect_error(&a, "TOO_LONG");
  send_pairs(&a, "Say", "text", big, 4096, false);
  expect_answer(&a, &tb);
  tb_free(&tb);
  send_pairs(&a, "SetTopic", "topic", big, 391, false);
  expect_error(&a, "TOO_LONG");
  send_pairs(&a, "Say", "text", "hi", 2, true);
  expect_error(&a, "BAD_REQUEST");
  /* An invalid UTF-8 byte in long text is BAD_REQUEST, not TOO_LONG. */
  big[10] = '\xff';
  send_pairs(&a, "Say", "text", big, 4097, false);
  expect_error(&a, "BAD_REQUEST");
  expect_none(&a);
  free(big);
  cl_close(&a);
  world_free(&w);
}

TEST(rate_limited)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_login(&a, "alice", "pw", NULL); /* one token */
  for (int i = 0; i < 19; i++) {
    cl_send(&a, "Frobnicate", NULL); /* unknown commands cost one too */
    expect_error(&a, "UNHANDLED");
  }
  cl_send(&a, "ListRooms", NULL);
  expect_error(&a, "RATE_LIMITED");
  /* RATE_LIMITED comes first, even before UNHANDLED and BAD_REQUEST. */
  cl_send(&a, "Frobnicate", NULL);
  expect_error(&a, "RATE_LIMITED");
  cl_send(&a, "Join", NULL);
  expect_error(&a, "RATE_LIMITED");
  cl_send(&a, "Ping", NULL); /* exempt */
  expect_answer(&a, &tb);
  tb_free(&tb);
  fc_advance(&w.fc, 200); /* 5 per second: one more */
  cl_send(&a, "ListRooms", NULL);
  expect_answer(&a, &tb);
  tb_free(&tb);
  cl_send(&a, "ListRooms", NULL);
  expect_error(&a, "RATE_LIMITED");
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

TEST(flood_disconnects)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  w.conf.flood_burst = 2;
  w.conf.flood_limit = 3;
  cl_open(&w, &a);
  cl_send(&a, "X", NULL);
  expect_error(&a, "UNHANDLED");
  cl_send(&a, "X", NULL);
  expect_error(&a, "UNHANDLED");
  cl_send(&a, "X", NULL);
  expect_error(&a, "RATE_LIMITED");
  cl_send(&a, "X", NULL);
  expect_error(&a, "RATE_LIMITED");
  ASSERT(!a.ft.closed);
  cl_send(&a, "X", NULL);
  expect_error(&a, "RATE_LIMITED");
  expect_event(&a, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Excess flood");
  tb_free(&tb);
  ASSERT(a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

#define FRAME(name, s)                                                         \
  {                                                                            \
    name, s, sizeof(s) - 1                                                     \
  }

static const struct {
  const char *name;
  const char *bytes;
  size_t len;
} bad_frames[] = {
    FRAME("empty box", "\0\0"),
    FRAME("key over 255", "\1\0"),
    FRAME("no command", "\0\4_ask\0\0011\0\0"),
    FRAME("two _ask",
          "\0\4_ask\0\0011\0\4_ask\0\0012\0\10_command\0\4Ping\0\0"),
    FRAME("two _command", "\0\10_command\0\4Ping\0\10_command\0\4Ping\0\0"),
    FRAME("two _answer", "\0\7_answer\0\0011\0\7_answer\0\0011\0\0"),
};

TEST(framing_faults_close_quietly)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad_frames); i++) {
    world_t w;
    client_t a, b;
    tbox_t tb;

    world_init(&w, 0);
    world_account(&w, "alice", "pw");
    world_account(&w, "bob", "pw");
    cl_open(&w, &a);
    cl_open(&w, &b);
    cl_login(&a, "alice", "pw", NULL);
    cl_login(&b, "bob", "pw", NULL);
    cl_join(&a, "lobby");
    cl_join(&b, "lobby");
    expect_event(&a, "Joined", &tb);
    tb_free(&tb);
    ASSERT(reed_amp_module.feed(a.core, (const uint8_t *)bad_frames[i].bytes,
                                bad_frames[i].len) < 0);
    if (!a.ft.closed)
      reed__test_fail(__FILE__, __LINE__, "%s: not closed", bad_frames[i].name);
    expect_none(&a); /* nothing sent */
    /* The other connection keeps its session. */
    cl_send(&b, "Say", "room", "lobby", "text", "still here", NULL);
    expect_answer(&b, &tb);
    tb_free(&tb);
    cl_close(&a);
    expect_event(&b, "Left", &tb);
    ASSERT_KEY(&tb, "kind", "quit");
    tb_free(&tb);
    cl_close(&b);
    world_free(&w);
  }
}

TEST(oversized_box_closes)
{
  world_t w;
  client_t a;
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;
  char *big = calloc(1, 65535);

  world_init(&w, 0);
  cl_open(&w, &a);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_command", "Ping");
  reed_amp_enc_put(&e, "a", big, 65535);
  ASSERT_EQ(reed_amp_enc_finish(&e, &b), 0);
  b->data[b->len - 1] = 1; /* not the end: a key length of 1 follows */
  ASSERT_EQ(reed_amp_module.feed(a.core, b->data, b->len), (ssize_t)b->len);
  ASSERT(!a.ft.closed);
  reed_buf_unref(b);
  /* The second big value passes 128 KiB: closed without a reply. */
  b = reed_buf_new(8);
  ASSERT_EQ(reed_buf_append(&b, "b\377\377", 3), 0);
  ASSERT(reed_amp_module.feed(a.core, b->data, b->len) < 0);
  ASSERT(a.ft.closed);
  ASSERT_EQ(a.ft.out_len, 0);
  reed_buf_unref(b);
  free(big);
  cl_close(&a);
  world_free(&w);
}

static void
s_ping(void)
{
  world_t w;
  client_t a;
  tbox_t tb;
  int64_t us;
  const char *t;

  world_init(&w, 0);
  cl_open(&w, &a);
  fc_advance(&w.fc, 1500);
  cl_send(&a, "Ping", NULL);
  expect_answer(&a, &tb);
  t = tb_get(&tb, "time");
  ASSERT(t != NULL);
  ASSERT_EQ(strlen(t), 32);
  ASSERT_STR_EQ(t + 26, "+00:00");
  ASSERT_EQ(reed_amp_parse_time((const uint8_t *)t, 32, &us), 0);
  ASSERT_EQ(us, (int64_t)w.fc.clock.wall_ms(w.fc.clock.c) * 1000);
  tb_free(&tb);
  cl_close(&a);
  world_free(&w);
}

TEST(ping)
{
  run_chunked(s_ping);
}

TEST(start_tls)
{
  world_t w;
  client_t a, b, c;
  tbox_t tb;

  world_init(&w, 0);
  cl_open(&w, &a);
  cl_send(&a, "StartTLS", NULL);
  expect_answer(&a, &tb);
  ASSERT_EQ(tb.n, 1); /* {} */
  tb_free(&tb);
  ASSERT_EQ(a.ft.tls_requests, 1);
  cl_send(&a, "StartTLS", NULL);
  expect_error(&a, "TLS_ERROR");
  ASSERT_EQ(a.ft.tls_requests, 1);
  /* Already on a TLS listener. */
  cl_open(&w, &b);
  b.ft.peer.tls = true;
  cl_send(&b, "StartTLS", NULL);
  expect_error(&b, "TLS_ERROR");
  /* Not offered. */
  w.conf.starttls = false;
  cl_open(&w, &c);
  cl_send(&c, "StartTLS", NULL);
  expect_error(&c, "TLS_ERROR");
  ASSERT_EQ(c.ft.tls_requests, 0);
  cl_close(&a);
  cl_close(&b);
  cl_close(&c);
  world_free(&w);
}

static void
s_quit(void)
{
  world_t w;
  client_t a, b;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&a, "alice", "pw", NULL);
  cl_login(&b, "bob", "pw", NULL);
  cl_join(&a, "lobby");
  cl_join(&b, "lobby");
  expect_event(&a, "Joined", &tb);
  tb_free(&tb);
  cl_send(&a, "Quit", "reason", "bye now", NULL);
  expect_answer(&a, &tb);
  ASSERT_EQ(tb.n, 1);
  tb_free(&tb);
  ASSERT(a.ft.closed);
  expect_event(&b, "Left", &tb);
  ASSERT_KEY(&tb, "room", "lobby");
  ASSERT_KEY(&tb, "user", "alice");
  ASSERT_KEY(&tb, "kind", "quit");
  ASSERT_KEY(&tb, "reason", "bye now");
  tb_free(&tb);
  cl_close(&a);
  expect_none(&b);
  /* Quit before login is allowed too. */
  cl_open(&w, &a);
  cl_send(&a, "Quit", NULL);
  expect_answer(&a, &tb);
  tb_free(&tb);
  ASSERT(a.ft.closed);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}

TEST(quit)
{
  run_chunked(s_quit);
}

TEST(eof_and_shutdown)
{
  world_t w;
  client_t a, b;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&a, "alice", "pw", NULL);
  cl_login(&b, "bob", "pw", NULL);
  cl_join(&a, "lobby");
  cl_join(&b, "lobby");
  expect_event(&a, "Joined", &tb);
  tb_free(&tb);
  cl_close(&a); /* connection lost */
  expect_event(&b, "Left", &tb);
  ASSERT_KEY(&tb, "kind", "quit");
  tb_free(&tb);
  reed_amp_module.shutdown(b.core, REED_SHUTDOWN_SERVER);
  expect_event(&b, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Server shutting down");
  tb_free(&tb);
  ASSERT(b.ft.closed);
  cl_close(&b);
  world_free(&w);
}

/* Login, Join and Say pipelined in one write while argon2id runs on the
 * worker: nothing is answered until the hash is done, then all three in
 * order. */
static void
s_pipelined_login(void)
{
  world_t w;
  client_t a, b;
  reed_buf_t *buf = NULL;
  tbox_t tb;
  char tags[3][16];

  world_init(&w, 1);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &b);
  cl_login(&b, "bob", "pw", NULL);
  cl_join(&b, "lobby");
  cl_open(&w, &a);
  cl_build(&a, &buf, true, "Login", "username", "alice", "password", "pw",
           NULL);
  memcpy(tags[0], a.last_tag, 16);
  cl_build(&a, &buf, true, "Join", "room", "lobby", NULL);
  memcpy(tags[1], a.last_tag, 16);
  cl_build(&a, &buf, true, "Say", "room", "lobby", "text", "hello", NULL);
  memcpy(tags[2], a.last_tag, 16);
  cl_feed(&a, buf->data, buf->len);
  reed_buf_unref(buf);
  ASSERT_EQ(a.ft.out_len, 0);
  ASSERT(a.ft.paused);
  ASSERT(a.cl.held_len > 0);
  ASSERT_EQ(iw_pending(&w.iw), 1);
  cl_resume(&a);
  ASSERT(!a.ft.paused);
  for (int i = 0; i < 3; i++) {
    ASSERT(cl_recv(&a, &tb));
    ASSERT_KEY(&tb, "_answer", tags[i]);
    tb_free(&tb);
  }
  expect_none(&a);
  expect_event(&b, "Joined", &tb);
  tb_free(&tb);
  expect_event(&b, "Receive", &tb);
  ASSERT_KEY(&tb, "text", "hello");
  tb_free(&tb);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}

TEST(pipelined_login)
{
  run_chunked(s_pipelined_login);
}

TEST(conn_gone_while_hashing)
{
  world_t w;
  client_t a;

  world_init(&w, 1);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_send(&a, "Login", "username", "alice", "password", "pw", NULL);
  ASSERT(a.ft.paused);
  cl_close(&a); /* the answer must never come */
  iw_run(&w.iw);
  world_free(&w);
}

static void
s_register(void)
{
  world_t w;
  client_t a, b, c;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_open(&w, &c);
  cl_send(&a, "Register", "username", "Carol", "password", "pw2", NULL);
  expect_answer(&a, &tb);
  ASSERT_KEY(&tb, "user", "Carol");
  ASSERT_KEY(&tb, "nick", "Carol");
  tb_free(&tb);
  cl_send(&b, "Register", "username", "carol", "password", "x", NULL);
  expect_error(&b, "ACCOUNT_EXISTS");
  cl_send(&b, "Register", "username", "dave", "password", "x", "nick", "bob",
          NULL);
  expect_error(&b, "NICK_IN_USE");
  cl_send(&b, "Register", "username", "9x", "password", "x", NULL);
  expect_error(&b, "BAD_REQUEST");
  /* The new account can log in elsewhere. */
  cl_login(&c, "carol", "pw2", NULL);
  reed_portal_set_registration(w.portal, false);
  cl_send(&b, "Register", "username", "erin", "password", "x", NULL);
  expect_error(&b, "REGISTRATION_CLOSED");
  cl_close(&a);
  cl_close(&b);
  cl_close(&c);
  world_free(&w);
}

TEST(register)
{
  run_chunked(s_register);
}

TEST(events_carry_ask_and_answers_ignored)
{
  world_t w;
  client_t a, b;
  tbox_t t1, t2;
  reed_buf_t *buf = NULL;
  reed_amp_enc_t e;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  world_account(&w, "bob", "pw");
  cl_open(&w, &a);
  cl_open(&w, &b);
  cl_login(&a, "alice", "pw", NULL);
  cl_login(&b, "bob", "pw", NULL);
  cl_join(&a, "lobby");
  cl_join(&b, "lobby");
  cl_send(&b, "Say", "room", "lobby", "text", "one", NULL);
  expect_answer(&b, &t1);
  tb_free(&t1);
  expect_event(&a, "Joined", &t1);
  expect_event(&a, "Receive", &t2);
  ASSERT_KEY(&t1, "_ask", "1");
  ASSERT_KEY(&t2, "_ask", "2");
  /* The client answers one event, errors the other, and sends strays. */
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_answer", "1");
  reed_amp_enc_finish(&e, &buf);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_error", "2");
  reed_amp_enc_str(&e, "_error_code", "UNHANDLED");
  reed_amp_enc_str(&e, "_error_description", "");
  reed_amp_enc_finish(&e, &buf);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_answer", "ff");
  reed_amp_enc_finish(&e, &buf);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_error", "zz");
  reed_amp_enc_finish(&e, &buf);
  cl_feed(&a, buf->data, buf->len);
  reed_buf_unref(buf);
  expect_none(&a);
  ASSERT(!a.ft.closed);
  ASSERT_EQ(((reed_amp_core_t *)a.core)->answered, 2);
  ASSERT_EQ(((reed_amp_core_t *)a.core)->stray, 2);
  tb_free(&t1);
  tb_free(&t2);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}
