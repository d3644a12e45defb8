/* Read markers in the store: saved for accounts (never for guests), never
 * going back, bounded per account, restored after a restart, and gone with
 * their account. */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>

TEST(read_marker_saved_and_restored)
{
  pf_t p = {0};
  reed_session_t *a, *g;
  sqlite3 *raw;

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  g = pf_session(&p, "guest", NULL);
  ASSERT_EQ(reed_read_marker_set(a, "Chat", true, 5000, NULL), 0);
  ASSERT_EQ(reed_read_marker_set(a, "Bob", false, 7000, NULL), 0);
  ASSERT_EQ(reed_read_marker_set(a, "chat", true, 4000, NULL), 0);
  ASSERT_EQ(reed_read_marker_set(g, "Chat", true, 9000, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM read_markers"), 2);
  ASSERT_EQ(sf_int(raw, "SELECT ts_ms FROM read_markers WHERE target = "
                        "'#chat' AND account = 'alice'"),
            5000);
  sqlite3_close(raw);
  pf_restart(&p);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_read_marker_get(a, "CHAT", true), 5000);
  ASSERT_EQ(reed_read_marker_get(a, "bob", false), 7000);
  ASSERT_EQ(reed_read_marker_get(a, "bob", true), 0);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(read_marker_bounded_and_deleted_with_account)
{
  pf_t p = {0};
  reed_session_t *a;
  sqlite3 *raw;
  char room[16];

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  for (int i = 0; i < REED_READ_MARKERS_MAX + 5; i++) {
    snprintf(room, sizeof(room), "r%d", i);
    ASSERT_EQ(reed_read_marker_set(a, room, true, 1000 + (uint64_t)i, NULL), 0);
  }
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM read_markers"),
            REED_READ_MARKERS_MAX);
  ASSERT_EQ(sf_int(raw, "SELECT min(ts_ms) FROM read_markers"), 1005);
  ASSERT_EQ(reed_read_marker_get(a, "r0", true), 0); /* forgotten */
  ASSERT_EQ(reed_read_marker_get(a, "r5", true), 1005);
  reed_session_quit(a, NULL);
  ASSERT_EQ(reed_store_account_delete(p.st, "alice"), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM read_markers"), 0);
  sqlite3_close(raw);
  pf_stop(&p);
  sf_cleanup(&p.f);
}
