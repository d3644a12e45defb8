/* Operator commands on AMP: a Login to an operator account makes the
 * session a server operator (the answer says `operator`, an audit line
 * says who); Kill ends a person's sessions; ServerBan, ServerUnban and
 * ServerBans manage the server bans in the model and the store, as IRC's
 * KILL and UBAN do. Anyone else gets FORBIDDEN. */
#include "amp_fixture.h"
#include "harness.h"
#include "store.h"

#include <string.h>

/* The audit lines the world's log receives. */
typedef struct {
  char lines[8][512];
  int n;
} audit_t;

static void
capture(void *ud, int level, const char *line)
{
  audit_t *a = ud;

  REED_UNUSED(level);
  if (strncmp(line, "audit: ", 7) == 0 && a->n < 8)
    reed_strlcpy(a->lines[a->n++], line, sizeof(a->lines[0]));
}

static void
listen_audit(world_t *w, audit_t *a)
{
  memset(a, 0, sizeof(*a));
  w->tw.log.emit = capture;
  w->tw.log.ud = a;
}

/* An account in the credential source, the model and the store, made an
 * operator there as `reed account oper add` does. */
static void
oper_account(world_t *w, const char *name, const char *password)
{
  reed_account_rec_t rec = {0};

  world_account(w, name, password);
  reed_strlcpy(rec.name, name, sizeof(rec.name));
  reed_strlcpy(rec.pwhash, "$argon2id$x", sizeof(rec.pwhash));
  ASSERT_EQ(reed_store_account_create(w->tw.store, &rec), 0);
  ASSERT_EQ(reed_store_oper_set(w->tw.store, name, true), 0);
}

static void
login_answer(client_t *cl, const char *user, const char *pw, tbox_t *tb)
{
  cl_send(cl, "Login", "username", user, "password", pw, NULL);
  expect_answer(cl, tb);
}

static void
count_ban(void *ud, const reed_sban_view_t *b)
{
  REED_UNUSED(b);
  (*(int *)ud)++;
}

static int
store_ban_count(world_t *w)
{
  int n = 0;

  ASSERT_EQ(reed_store_ban_list(w->tw.store, count_ban, &n), 0);
  return n;
}

TEST(amp_oper_login_and_kill)
{
  world_t w;
  client_t op, bob, carol;
  audit_t au;
  tbox_t tb;

  world_init_store(&w);
  listen_audit(&w, &au);
  oper_account(&w, "alice", "secret");
  world_account(&w, "bob", "pw");
  world_account(&w, "carol", "pw");
  cl_open(&w, &op);
  login_answer(&op, "alice", "secret", &tb);
  ASSERT_KEY(&tb, "operator", "True");
  tb_free(&tb);
  ASSERT_EQ(au.n, 1);
  ASSERT_STR_EQ(au.lines[0], "audit: OPER alice by alice (conn 1 127.0.0.1): "
                             "success (operator account, AMP Login)");
  cl_open(&w, &bob);
  login_answer(&bob, "bob", "pw", &tb);
  ASSERT_NO_KEY(&tb, "operator");
  tb_free(&tb);
  cl_open(&w, &carol);
  cl_login(&carol, "carol", "pw", NULL);
  /* Not an operator: FORBIDDEN, and nobody is touched. */
  cl_send(&bob, "Kill", "nick", "carol", NULL);
  expect_error(&bob, "FORBIDDEN");
  ASSERT(!carol.ft.closed);
  cl_send(&op, "Kill", "nick", "nobody", NULL);
  expect_error(&op, "NO_SUCH_USER");
  cl_send(&op, "Kill", "nick", "Bob", "reason", "spam", NULL);
  expect_answer(&op, &tb);
  tb_free(&tb);
  expect_event(&bob, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: spam");
  tb_free(&tb);
  ASSERT(bob.ft.closed);
  ASSERT_EQ(au.n, 2);
  ASSERT_STR_EQ(au.lines[1], "audit: KILL Bob by alice: spam");
  /* Without a reason the model's own. */
  cl_send(&op, "Kill", "nick", "carol", NULL);
  expect_answer(&op, &tb);
  tb_free(&tb);
  expect_event(&carol, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: no reason given");
  tb_free(&tb);
  /* Oneself: the Closing box is the answer. */
  cl_send(&op, "Kill", "nick", "alice", "reason", "bye", NULL);
  expect_event(&op, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: bye");
  tb_free(&tb);
  expect_none(&op);
  ASSERT(op.ft.closed);
  cl_close(&op);
  cl_close(&bob);
  cl_close(&carol);
  world_free(&w);
}

TEST(amp_oper_needs_an_operator_account)
{
  world_t w;
  client_t a;
  tbox_t tb;

  /* Without a store there are no operator accounts. */
  world_init(&w, 0);
  world_account(&w, "alice", "secret");
  cl_open(&w, &a);
  login_answer(&a, "alice", "secret", &tb);
  ASSERT_NO_KEY(&tb, "operator");
  tb_free(&tb);
  cl_send(&a, "ServerBans", NULL);
  expect_error(&a, "FORBIDDEN");
  cl_send(&a, "ServerBan", "target", "10.0.0.1", NULL);
  expect_error(&a, "FORBIDDEN");
  cl_send(&a, "ServerUnban", "target", "10.0.0.1", NULL);
  expect_error(&a, "FORBIDDEN");
  ASSERT_EQ(reed_model_sban_count(w.model), 0);
  cl_close(&a);
  world_free(&w);
}

TEST(amp_server_ban_add_list_del)
{
  world_t w;
  client_t op, bob, again;
  audit_t au;
  tbox_t tb;
  char s[512];

  world_init_store(&w);
  listen_audit(&w, &au);
  oper_account(&w, "alice", "secret");
  world_account(&w, "bob", "pw");
  cl_open(&w, &op);
  cl_login(&op, "alice", "secret", NULL);
  cl_open(&w, &bob);
  cl_login(&bob, "bob", "pw", NULL);
  /* Bad arguments change nothing. */
  cl_send(&op, "ServerBan", "target", "bad target!", NULL);
  expect_error(&op, "BAD_REQUEST");
  cl_send(&op, "ServerBan", "target", "Bob", "duration", "soon", NULL);
  expect_error(&op, "BAD_REQUEST");
  ASSERT_EQ(reed_model_sban_count(w.model), 0);
  /* An account ban for an hour: bob's session ends with the reason. */
  cl_send(&op, "ServerBan", "target", "Bob", "reason", "flood", "duration",
          "1h", NULL);
  expect_answer(&op, &tb);
  ASSERT_KEY(&tb, "target", "Bob");
  ASSERT_KEY(&tb, "kind", "account");
  ASSERT(tb_get(&tb, "expires") != NULL);
  tb_free(&tb);
  expect_event(&bob, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: Banned: flood");
  tb_free(&tb);
  ASSERT(bob.ft.closed);
  ASSERT_STR_EQ(au.lines[au.n - 1],
                "audit: ServerBan Bob (account) by alice: flood");
  tw_turn_end(&w.tw);
  ASSERT_EQ(store_ban_count(&w), 1);
  /* and a mask with no reason nor expiry. */
  cl_send(&op, "ServerBan", "target", "*!*@bad.example", NULL);
  expect_answer(&op, &tb);
  ASSERT_KEY(&tb, "kind", "mask");
  ASSERT_NO_KEY(&tb, "expires");
  tb_free(&tb);
  cl_send(&op, "ServerBans", NULL);
  expect_answer(&op, &tb);
  ASSERT_KEY(&tb, "more", "False");
  amplist_join(&tb, "bans", "target", s, sizeof(s));
  ASSERT_STR_EQ(s, "Bob,*!*@bad.example");
  amplist_join(&tb, "bans", "kind", s, sizeof(s));
  ASSERT_STR_EQ(s, "account,mask");
  amplist_join(&tb, "bans", "reason", s, sizeof(s));
  ASSERT_STR_EQ(s, "flood,");
  amplist_join(&tb, "bans", "setter", s, sizeof(s));
  ASSERT_STR_EQ(s, "alice,alice");
  amplist_join(&tb, "bans", "expires", s, sizeof(s));
  ASSERT(strchr(s, ',') != NULL && strcmp(strchr(s, ','), ",-") == 0);
  tb_free(&tb);
  /* A banned account's Login is BANNED. */
  cl_open(&w, &again);
  cl_send(&again, "Login", "username", "bob", "password", "pw", NULL);
  expect_error(&again, "BANNED");
  cl_close(&again);
  /* Lifted: from the model and the store; a second time NO_SUCH_BAN. */
  cl_send(&op, "ServerUnban", "target", "bob", NULL);
  expect_answer(&op, &tb);
  tb_free(&tb);
  ASSERT_STR_EQ(au.lines[au.n - 1], "audit: ServerUnban bob by alice");
  cl_send(&op, "ServerUnban", "target", "bob", NULL);
  expect_error(&op, "NO_SUCH_BAN");
  tw_turn_end(&w.tw);
  ASSERT_EQ(store_ban_count(&w), 1);
  ASSERT_EQ(reed_model_sban_count(w.model), 1);
  cl_open(&w, &again);
  cl_login(&again, "bob", "pw", NULL);
  cl_close(&again);
  cl_close(&bob);
  cl_close(&op);
  world_free(&w);
}

TEST(amp_server_ban_on_oneself_closes)
{
  world_t w;
  client_t op;
  tbox_t tb;

  world_init_store(&w);
  oper_account(&w, "alice", "secret");
  cl_open(&w, &op);
  cl_login(&op, "alice", "secret", NULL);
  cl_send(&op, "ServerBan", "target", "127.0.0.1", "reason", "oops", NULL);
  expect_event(&op, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: Banned: oops");
  tb_free(&tb);
  expect_none(&op);
  ASSERT(op.ft.closed);
  cl_close(&op);
  world_free(&w);
}
