/* Server bans on AMP: a ban closes a logged-in connection with the
 * reason; a banned account's Login is answered BANNED with the reason and
 * the connection closed; a banned address is closed at once. */
#include "amp_fixture.h"
#include "harness.h"

TEST(ban_account_kills_and_refuses_login)
{
  world_t w;
  client_t a, b;
  tbox_t tb;

  world_init(&w, 0);
  world_account(&w, "alice", "secret");
  cl_open(&w, &a);
  cl_login(&a, "alice", "secret", NULL);
  ASSERT_EQ(
      reed_model_sban_add(w.model, &(reed_sban_view_t){.target = "Alice",
                                                       .reason = "spamming",
                                                       .setter = "cli"}),
      0);
  expect_event(&a, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Killed: Banned: spamming");
  tb_free(&tb);
  ASSERT(a.ft.closed);
  cl_close(&a);
  cl_open(&w, &b);
  cl_send(&b, "Login", "username", "alice", "password", "secret", NULL);
  ASSERT(cl_recv(&b, &tb));
  ASSERT_KEY(&tb, "_error_code", "BANNED");
  ASSERT_KEY(&tb, "_error_description", "Banned: spamming");
  tb_free(&tb);
  expect_event(&b, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Banned: spamming");
  tb_free(&tb);
  ASSERT(b.ft.closed);
  cl_close(&b);
  world_free(&w);
}

TEST(ban_address_closes_at_connection)
{
  world_t w;
  client_t a;
  tbox_t tb;

  world_init(&w, 0);
  ASSERT_EQ(
      reed_model_sban_add(
          w.model, &(reed_sban_view_t){.target = "127.0.0.1", .setter = "cli"}),
      0);
  cl_open(&w, &a);
  expect_event(&a, "Closing", &tb);
  ASSERT_KEY(&tb, "reason", "Banned: no reason given");
  tb_free(&tb);
  ASSERT(a.ft.closed);
  cl_close(&a);
  ASSERT_EQ(reed_model_sban_del(w.model, "127.0.0.1"), 0);
  cl_open(&w, &a);
  ASSERT(!a.ft.closed);
  cl_close(&a);
  world_free(&w);
}
