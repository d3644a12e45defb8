/* The AMP core under strain and reconfiguration, through the fake transport
 * with the real model and portal: a full send queue, allocation failures,
 * internal faults, the [amp] directives, login timeouts (also while a hash
 * runs), _ask tags kept verbatim, a reload replacing the config, and Login's
 * argument errors. */
#include "amp_fixture.h"

#include <stdlib.h>
#include <string.h>

TEST(send_queue_full)
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
  ft_set_full(&a.ft, 1);
  cl_send(&b, "Say", "room", "lobby", "text", "x", NULL);
  expect_answer(&b, &tb);
  tb_free(&tb);
  ASSERT(((reed_amp_core_t *)a.core)->closed);
  cl_close(&a);
  cl_close(&b);
  world_free(&w);
}

/* Counts the answers and errors in a client's output. */
static int
count_replies(client_t *cl)
{
  tbox_t tb;
  int n = 0;

  while (cl_recv(cl, &tb)) {
    n += tb_get(&tb, "_answer") != NULL || tb_get(&tb, "_error") != NULL;
    tb_free(&tb);
  }
  return n;
}

/* Login, Join and Say with allocation N (and every later one) failing: no
 * crash, no leak, and never a silent stall: either all three are answered
 * or the connection is closed. */
TEST(failmalloc_login_join)
{
  for (long n = 0; n < 400; n++) {
    world_t w;
    client_t a;
    reed_buf_t *buf = NULL;

    world_init(&w, 0);
    world_account(&w, "alice", "pw");
    cl_open(&w, &a);
    cl_build(&a, &buf, true, "Login", "username", "alice", "password", "pw",
             NULL);
    cl_build(&a, &buf, true, "Join", "room", "lobby", NULL);
    cl_build(&a, &buf, true, "Say", "room", "lobby", "text", "hi", NULL);
    reed_alloc_fail_after(n);
    reed_amp_module.feed(a.core, buf->data, buf->len);
    reed_alloc_fail_after(-1);
    reed_buf_unref(buf);
    if (count_replies(&a) != 3 && !a.ft.closed)
      reed__test_fail(__FILE__, __LINE__, "n=%ld: stalled", n);
    cl_close(&a);
    world_free(&w);
  }
}

/* An internal fault (a code with no AMP meaning) is answered UNKNOWN, with
 * a description, and the connection is closed, as Twisted does. */
TEST(internal_fault_unknown)
{
  static const uint8_t tag[] = "t9";
  world_t w;
  client_t a;
  reed_amp_core_t *c;

  world_init(&w, 0);
  cl_open(&w, &a);
  c = a.core;
  c->ask = tag;
  c->ask_len = 2;
  c->has_ask = true;
  snprintf(a.last_tag, sizeof(a.last_tag), "t9");
  reed__amp_error_code(c, REED_EIO);
  expect_error(&a, "UNKNOWN");
  ASSERT(a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

static reed_conf_section_t
amp_section(void)
{
  const reed_protocol_module_t *m = &reed_amp_module;

  return (reed_conf_section_t){
      .name = m->name,
      .directives = m->directives,
      .conf_size = m->conf_size,
      .defaults = m->conf_defaults,
      .check = m->conf_check,
      .cleanup = m->conf_cleanup,
      .default_endpoints = m->default_endpoints,
  };
}

/* The [amp] section through the real config loader. */
TEST(config_directives)
{
  reed_conf_section_t sec = amp_section();
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;
  const reed_amp_conf_t *c;
  const reed_listener_t *l;
  size_t n;

  ASSERT_EQ(reed_config_load_string("t.ini", "[amp]\n", &sec, 1, &cfg, &err),
            0);
  c = reed_config_module(cfg, "amp");
  ASSERT(c != NULL);
  ASSERT_EQ(c->login_timeout_ms, 60000);
  ASSERT_EQ(c->flood_burst, 20);
  ASSERT_EQ(c->flood_rate, 5);
  ASSERT_EQ(c->max_login_failures, 5);
  ASSERT(c->create_rooms && c->starttls);
  l = reed_config_listeners(cfg, &n);
  ASSERT_EQ(n, 1);
  ASSERT_STR_EQ(l[0].spec, "tcp:7227:interface=127.0.0.1");
  reed_config_free(cfg);
  ASSERT_EQ(reed_config_load_string("t.ini",
                                    "[amp]\nlogin_timeout = 90s\n"
                                    "flood_burst = 50\ncreate_rooms = no\n"
                                    "starttls = off\n",
                                    &sec, 1, &cfg, &err),
            0);
  c = reed_config_module(cfg, "amp");
  ASSERT_EQ(c->login_timeout_ms, 90000);
  ASSERT_EQ(c->flood_burst, 50);
  ASSERT(!c->create_rooms && !c->starttls);
  reed_config_free(cfg);
  ASSERT(reed_config_load_string("t.ini", "[amp]\nflood_burst = 0\n", &sec, 1,
                                 &cfg, &err) < 0);
  ASSERT_STR_EQ(err.key, "flood_burst");
  ASSERT(reed_config_load_string("t.ini", "[amp]\nlogin_timeout = 10ms\n", &sec,
                                 1, &cfg, &err) < 0);
  ASSERT(reed_config_load_string("t.ini", "[amp]\nbogus = 1\n", &sec, 1, &cfg,
                                 &err) < 0);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* login_timeout = 0: no timer at all. */
TEST(no_login_timeout)
{
  world_t w;
  client_t a;

  world_init(&w, 0);
  w.conf.login_timeout_ms = 0;
  cl_open(&w, &a);
  ASSERT_EQ(fc_pending(&w.fc), 0);
  fc_advance(&w.fc, 3600 * 1000);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}

/* The login timeout fires while the hash is still on the worker: the
 * connection closes and the late result makes no session. */
TEST(timeout_while_hashing)
{
  world_t w;
  client_t a;
  tbox_t tb;
  reed_model_stats_t st;

  world_init(&w, 1);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_send(&a, "Login", "username", "alice", "password", "pw", NULL);
  fc_advance(&w.fc, 60000);
  expect_event(&a, "Closing", &tb);
  tb_free(&tb);
  ASSERT(a.ft.closed);
  iw_run(&w.iw);
  expect_none(&a);
  reed_model_stats(w.model, &st);
  ASSERT_EQ(st.sessions, 0);
  cl_close(&a);
  world_free(&w);
}

/* Any _ask comes back verbatim: long, or with NUL and high bytes, also
 * across a Login that waits for the worker. */
TEST(ask_tags_verbatim)
{
  static const char *const cmds[] = {"Ping", "Login"};
  uint8_t tag[300];
  world_t w;
  client_t a;

  for (size_t i = 0; i < sizeof(tag); i++)
    tag[i] = (uint8_t)(i * 7);
  world_init(&w, 1);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  for (size_t k = 0; k < 2; k++) {
    reed_amp_enc_t e;
    reed_buf_t *b = NULL;
    reed_amp_box_t box;
    size_t used;
    const reed_amp_pair_t *ans;

    reed_amp_enc_init(&e);
    reed_amp_enc_put(&e, "_ask", tag, sizeof(tag));
    reed_amp_enc_str(&e, "_command", cmds[k]);
    reed_amp_enc_str(&e, "username", "alice");
    reed_amp_enc_str(&e, "password", "pw");
    ASSERT_EQ(reed_amp_enc_finish(&e, &b), 0);
    cl_feed(&a, b->data, b->len);
    reed_buf_unref(b);
    cl_resume(&a);
    ASSERT_EQ(reed_amp_decode(&a.dec, (const uint8_t *)a.ft.out + a.seen,
                              a.ft.out_len - a.seen, &used, &box),
              1);
    a.seen += used;
    ans = reed_amp_box_get(&box, "_answer");
    ASSERT(ans != NULL);
    ASSERT_EQ(ans->val_len, sizeof(tag));
    ASSERT_MEM_EQ(ans->val, tag, sizeof(tag));
  }
  cl_close(&a);
  world_free(&w);
}

/* A reload replaces env->conf under a live connection (net updates the
 * pointer); the core reads the new settings from then on. */
TEST(reload_replaces_conf)
{
  world_t w;
  client_t a;
  reed_amp_conf_t *fresh = malloc(sizeof(*fresh));
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  cl_login(&a, "alice", "pw", NULL);
  *fresh = w.conf;
  fresh->create_rooms = false;
  a.cl.env.conf = fresh;
  memset(&w.conf, 0xff, sizeof(w.conf)); /* the old one is garbage now */
  cl_send(&a, "Join", "room", "brandnew", NULL);
  expect_error(&a, "NO_SUCH_ROOM");
  cl_send(&a, "Ping", NULL);
  expect_answer(&a, &tb);
  tb_free(&tb);
  cl_close(&a);
  free(fresh);
  world_free(&w);
}

/* Login's own argument rules, before any hash runs. */
TEST(login_arg_errors)
{
  static const struct {
    const char *user, *pw, *nick, *code;
  } cases[] = {
      {"a234567890123456789012345678901234", "pw", NULL, "TOO_LONG"},
      {"9lives", "pw", NULL, "BAD_REQUEST"},
      {"al ice", "pw", NULL, "BAD_REQUEST"},
      {"", "pw", NULL, "BAD_REQUEST"},
      {"alice", "", NULL, "BAD_REQUEST"},
      {"alice", "pw", "", "BAD_REQUEST"},
      {"alice", "pw", "bad nick", "BAD_REQUEST"},
      {"alice", "pw", "n23456789012345678901234567890123", "TOO_LONG"},
  };
  char *long_pw = malloc(514);
  world_t w;
  client_t a;

  memset(long_pw, 'p', 513);
  long_pw[513] = '\0';
  world_init(&w, 1); /* a hash would stay queued: none may start */
  world_account(&w, "alice", "pw");
  cl_open(&w, &a);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    if (cases[i].nick)
      cl_send(&a, "Login", "username", cases[i].user, "password", cases[i].pw,
              "nick", cases[i].nick, NULL);
    else
      cl_send(&a, "Login", "username", cases[i].user, "password", cases[i].pw,
              NULL);
    expect_error(&a, cases[i].code);
  }
  cl_send(&a, "Login", "username", "alice", "password", long_pw, NULL);
  expect_error(&a, "TOO_LONG");
  cl_send(&a, "Login", "username", "alice", NULL);
  expect_error(&a, "BAD_REQUEST");
  ASSERT_EQ(iw_pending(&w.iw), 0);
  ASSERT(!a.ft.closed); /* argument errors are not failed logins */
  free(long_pw);
  cl_close(&a);
  world_free(&w);
}

/* The bytes net sends a connection it refuses or cuts: a Closing box. */
TEST(refusal_is_a_closing_box)
{
  reed_buf_t *b = reed_amp_module.refusal("connecting too fast");
  reed_amp_box_t box;
  size_t used;
  const reed_amp_pair_t *p;

  ASSERT(b != NULL);
  ASSERT_EQ(reed_amp_box_parse(b->data, b->len, &used, &box), 0);
  ASSERT_EQ(used, b->len);
  ASSERT_EQ(reed_amp_box_check(&box), 0);
  p = reed_amp_box_get(&box, "_command");
  ASSERT(p != NULL && p->val_len == 7 && memcmp(p->val, "Closing", 7) == 0);
  p = reed_amp_box_get(&box, "reason");
  ASSERT(p != NULL && p->val_len == 19 &&
         memcmp(p->val, "connecting too fast", 19) == 0);
  ASSERT(reed_amp_box_get(&box, "_ask") == NULL);
  reed_buf_unref(b);
}
