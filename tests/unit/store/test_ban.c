/* Server bans in the store: add, replace, list, delete; loaded at attach;
 * a ban set or lifted by another process reaches the running model. */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>
#include <string.h>

static char listed[1024];

static void
list_cb(void *ud, const reed_sban_view_t *b)
{
  size_t n = strlen(listed);

  (void)ud;
  snprintf(listed + n, sizeof(listed) - n, "%d %s %s %s %llu %llu\n", b->kind,
           b->target, b->setter, b->reason, (unsigned long long)b->set_ms,
           (unsigned long long)b->expires_ms);
}

static const char *
list(reed_store_t *st)
{
  listed[0] = '\0';
  ASSERT_EQ(reed_store_ban_list(st, list_cb, NULL), 0);
  return listed;
}

TEST(ban_add_list_del)
{
  store_fixture_t f;
  reed_store_t *st;

  sf_init(&f);
  st = sf_open(&f);
  ASSERT_EQ(reed_store_ban_add(st, &(reed_sban_view_t){.target = "10.1.2.3/8",
                                                       .reason = "spam",
                                                       .setter = "root",
                                                       .set_ms = 1}),
            0);
  ASSERT_EQ(reed_store_ban_add(st, &(reed_sban_view_t){.target = "user@host",
                                                       .setter = "op",
                                                       .set_ms = 2,
                                                       .expires_ms = 99}),
            0);
  ASSERT_EQ(reed_store_ban_add(st, &(reed_sban_view_t){.target = "Mallory",
                                                       .setter = "op",
                                                       .reason = "x",
                                                       .set_ms = 3}),
            0);
  ASSERT_STR_EQ(list(st), "1 10.0.0.0/8 root spam 1 0\n"
                          "2 *!user@host op  2 99\n"
                          "3 Mallory op x 3 0\n");
  /* The same target in another spelling replaces the row. */
  ASSERT_EQ(reed_store_ban_add(st, &(reed_sban_view_t){.target = "MALLORY",
                                                       .reason = "y",
                                                       .setter = "op",
                                                       .set_ms = 4}),
            0);
  ASSERT_EQ(reed_store_ban_del(st, "10.9.9.9/8"), 0);
  ASSERT_EQ(reed_store_ban_del(st, "10.0.0.0/8"), REED_ENOTFOUND);
  ASSERT_EQ(reed_store_ban_del(st, "not valid!"), REED_EINVAL);
  ASSERT_EQ(reed_store_ban_add(
                st, &(reed_sban_view_t){.target = "a b", .setter = "op"}),
            REED_EINVAL);
  ASSERT_EQ(reed_store_ban_add(st, &(reed_sban_view_t){.target = "bob"}),
            REED_EINVAL);
  ASSERT_STR_EQ(list(st), "2 *!user@host op  2 99\n"
                          "3 MALLORY op y 4 0\n");
  reed_store_close(st);
  sf_cleanup(&f);
}

static void
other(pf_t *p, const char *add, const char *del)
{
  reed_store_t *o;

  ASSERT_EQ(reed_store_turn_end(p->st), 0);
  o = sf_open(&p->f);
  if (add != NULL)
    ASSERT_EQ(reed_store_ban_add(o, &(reed_sban_view_t){.target = add,
                                                        .reason = "cli",
                                                        .setter = "root",
                                                        .set_ms = 5}),
              0);
  if (del != NULL)
    ASSERT_EQ(reed_store_ban_del(o, del), 0);
  reed_store_close(o);
}

TEST(ban_loaded_and_synced)
{
  pf_t p = {0};
  reed_session_t *a, *b;
  reed_sban_view_t v;
  reed_model_stats_t ms;
  uint64_t now;

  sf_init(&p.f);
  pf_start(&p);
  now = p.fc.clock.wall_ms(p.fc.clock.c);
  /* One in force and one expired before the restart. */
  ASSERT_EQ(reed_store_ban_add(p.st, &(reed_sban_view_t){.target = "9.9.9.9",
                                                         .setter = "op",
                                                         .set_ms = now}),
            0);
  ASSERT_EQ(reed_store_ban_add(p.st, &(reed_sban_view_t){.target = "8.8.8.8",
                                                         .setter = "op",
                                                         .set_ms = now,
                                                         .expires_ms = now}),
            0);
  pf_restart(&p);
  ASSERT_EQ(reed_model_sban_count(p.m), 1);
  ASSERT(reed_model_sban_find(p.m, &(reed_sban_who_t){.ip = "9.9.9.9"}, &v));
  a = pf_session(&p, "Alice", "alice"); /* from 127.0.0.1 */
  b = pf_session(&p, "Bob", NULL);
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "Chat", NULL), 0);
  other(&p, "ALICE", NULL);
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT(sf_logged(&p.f, "ban on ALICE set by root: cli"));
  ASSERT(reed_model_session_by_id(p.m, reed_session_id(b)) == b);
  reed_model_stats(p.m, &ms);
  ASSERT_EQ(ms.sessions, 1);
  other(&p, NULL, "alice");
  other(&p, NULL, "9.9.9.9");
  fc_advance(&p.fc, 1000);
  ASSERT_EQ(reed_store_sync_accounts(p.st, false), 0);
  ASSERT_EQ(reed_model_sban_count(p.m), 0);
  ASSERT(sf_logged(&p.f, "ban on ALICE was lifted"));
  pf_stop(&p);
  sf_cleanup(&p.f);
}
