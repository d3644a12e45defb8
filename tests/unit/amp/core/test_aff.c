/* Room affiliations over amp-chat: SetAffiliation (who may, the errors),
 * Affiliations (all, or one kind; a registered room while empty), the
 * affiliation in Members, and the AffiliationChanged event. alice made
 * `lobby` while logged in, so she owns it. */
#include "amp_fixture.h"

#include <string.h>

TEST(aff_set_and_list)
{
  pair_t p;
  tbox_t tb;
  char out[256];

  pair_init(&p);
  world_account(&p.w, "carol", "pw");
  cl_send(&p.b, "SetAffiliation", "room", "lobby", "account", "carol",
          "affiliation", "member", NULL);
  expect_error(&p.b, "FORBIDDEN");
  cl_send(&p.a, "SetAffiliation", "room", "lobby", "account", "carol",
          "affiliation", "boss", NULL);
  expect_error(&p.a, "BAD_REQUEST");
  cl_send(&p.a, "SetAffiliation", "room", "lobby", "account", "nobody",
          "affiliation", "member", NULL);
  expect_error(&p.a, "NO_SUCH_ACCOUNT");
  cl_send(&p.a, "SetAffiliation", "room", "nowhere", "account", "carol",
          "affiliation", "member", NULL);
  expect_error(&p.a, "NO_SUCH_ROOM");
  cl_send(&p.a, "SetAffiliation", "room", "lobby", "account", "alice",
          "affiliation", "none", NULL);
  expect_error(&p.a, "LAST_OWNER");
  /* bob becomes admin: he sees the event (and the op it brings), alice
   * only her answer. */
  cl_send(&p.a, "SetAffiliation", "room", "lobby", "account", "bob",
          "affiliation", "admin", "reason", "helps out", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&p.b, "AffiliationChanged", &tb);
  ASSERT_KEY(&tb, "room", "lobby");
  ASSERT_KEY(&tb, "account", "bob");
  ASSERT_KEY(&tb, "affiliation", "admin");
  ASSERT_KEY(&tb, "previous", "none");
  ASSERT_KEY(&tb, "by", "alice");
  ASSERT_KEY(&tb, "nick", "bob");
  ASSERT_KEY(&tb, "reason", "helps out");
  tb_free(&tb);
  expect_none(&p.a);
  expect_none(&p.b);
  /* An admin may make members, not admins. */
  cl_send(&p.b, "SetAffiliation", "room", "lobby", "account", "carol",
          "affiliation", "admin", NULL);
  expect_error(&p.b, "FORBIDDEN");
  cl_send(&p.b, "SetAffiliation", "room", "#lobby", "account", "carol",
          "affiliation", "member", NULL);
  expect_answer(&p.b, &tb);
  tb_free(&tb);
  expect_event(&p.a, "AffiliationChanged", &tb);
  ASSERT_NO_KEY(&tb, "nick"); /* carol is not in the room */
  tb_free(&tb);
  cl_send(&p.b, "Affiliations", "room", "lobby", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "affiliations", "account", out, sizeof(out));
  ASSERT_STR_EQ(out, "alice,bob,carol");
  amplist_join(&tb, "affiliations", "affiliation", out, sizeof(out));
  ASSERT_STR_EQ(out, "owner,admin,member");
  amplist_join(&tb, "affiliations", "by", out, sizeof(out));
  ASSERT_STR_EQ(out, "alice,alice,bob");
  ASSERT_KEY(&tb, "registered", "True");
  ASSERT_KEY(&tb, "more", "False");
  tb_free(&tb);
  cl_send(&p.b, "Affiliations", "room", "lobby", "which", "admin", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "affiliations", "account", out, sizeof(out));
  ASSERT_STR_EQ(out, "bob");
  tb_free(&tb);
  cl_send(&p.b, "Affiliations", "room", "lobby", "which", "none", NULL);
  expect_error(&p.b, "BAD_REQUEST");
  cl_send(&p.b, "Members", "room", "lobby", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "members", "affiliation", out, sizeof(out));
  ASSERT_STR_EQ(out, "owner,admin");
  tb_free(&tb);
  pair_free(&p);
}

/* An outcast is kicked and kept out; the room, registered, answers while
 * empty. */
TEST(aff_outcast_and_empty_room)
{
  pair_t p;
  tbox_t tb;
  char out[256];

  pair_init(&p);
  cl_send(&p.a, "SetAffiliation", "room", "lobby", "account", "bob",
          "affiliation", "outcast", "reason", "bye", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  expect_event(&p.b, "AffiliationChanged", &tb);
  ASSERT_KEY(&tb, "affiliation", "outcast");
  tb_free(&tb);
  expect_event(&p.b, "Left", &tb);
  ASSERT_KEY(&tb, "kind", "kick");
  ASSERT_KEY(&tb, "reason", "bye");
  tb_free(&tb);
  cl_send(&p.b, "Join", "room", "lobby", NULL);
  expect_error(&p.b, "FORBIDDEN");
  cl_send(&p.a, "Leave", "room", "lobby", NULL);
  expect_answer(&p.a, &tb);
  tb_free(&tb);
  cl_send(&p.b, "Affiliations", "room", "lobby", "which", "outcast", NULL);
  expect_answer(&p.b, &tb);
  amplist_join(&tb, "affiliations", "account", out, sizeof(out));
  ASSERT_STR_EQ(out, "bob");
  tb_free(&tb);
  pair_free(&p);
}
