/* The observer's row for each kind of change (room and private messages,
 * topics and modes, redactions) and one transaction per turn. */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>
#include <string.h>

static const char row_sql[] =
    "SELECT printf('%d|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d|%s|%s', ts_ms, conv,"
    " coalesce(room, '-'), coalesce(target, '-'),"
    " coalesce(target_account, '-'), nick, coalesce(account, '-'), origin,"
    " user, host, kind, CAST(text AS TEXT), coalesce(tags, '-'))"
    " FROM messages WHERE id = ?";

static void
row_of(sqlite3 *raw, uint64_t id, char *out, size_t size)
{
  sqlite3_stmt *s = NULL;

  ASSERT_EQ(sqlite3_prepare_v2(raw, row_sql, -1, &s, NULL), SQLITE_OK);
  sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
  out[0] = '\0';
  if (sqlite3_step(s) == SQLITE_ROW)
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
}

static void
reply_of(void *ud, const reed_hist_entry_t *e)
{
  *(uint64_t *)ud = e->reply_to;
}

TEST(persist_room_message_row)
{
  pf_t p = {0};
  reed_session_t *s;
  reed_msg_extra_t x = {
      .irc_client_tags = "+typing=x", .reply_to = 7, .label = "L1"};
  reed_hist_query_t q = {.dir = REED_HIST_LATEST};
  uint64_t id = 0, reply = 0;
  sqlite3 *raw;
  char row[512];

  sf_init(&p.f);
  pf_start(&p);
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(reed_room_say(s, "Chat", REED_MSG_ACTION, "waves", 5, &x, &id), 0);
  ASSERT(id != 0);
  /* Appended to the open batch only. */
  ASSERT(reed_store_in_batch(p.st));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(!reed_store_in_batch(p.st));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 1);
  row_of(raw, id, row, sizeof(row));
  ASSERT_STR_EQ(row, "1700000001000|r:chat|Chat|-|-|Alice|alice|irc|u_Alice|"
                     "host.example|1|waves|+typing=x");
  ASSERT_EQ(sf_int(raw, "SELECT reply_to FROM messages"), 7);
  ASSERT_EQ(sf_int(raw, "SELECT value FROM meta WHERE key = 'last_id'"),
            (long long)id);
  sqlite3_close(raw);
  /* The reply survives a restart with its message. */
  pf_restart(&p);
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_history_room(s, "Chat", &q, reply_of, &reply), 0);
  ASSERT_EQ(reply, 7);
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(persist_private_message_rows)
{
  pf_t p = {0};
  reed_session_t *a, *b, *g, *h;
  uint64_t id1 = 0, id2 = 0, id3 = 0;
  sqlite3 *raw;
  char row[512];

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  b = pf_session(&p, "Bobby", "Bob");
  g = pf_session(&p, "Guest1", NULL);
  ASSERT_EQ(reed_tell(a, "bobby", REED_MSG_NORMAL, "psst", 4, NULL, &id1), 0);
  ASSERT_EQ(reed_tell(b, "ALICE", REED_MSG_NOTICE, "yes?", 4, NULL, &id2), 0);
  ASSERT_EQ(reed_tell(g, "Alice", REED_MSG_NORMAL, "hi", 2, NULL, &id3), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  row_of(raw, id1, row, sizeof(row));
  ASSERT_STR_EQ(row, "1700000001000|p:alice bob|-|Bobby|Bob|Alice|alice|irc|"
                     "u_Alice|host.example|0|psst|-");
  row_of(raw, id2, row, sizeof(row));
  ASSERT_STR_EQ(row, "1700000001000|p:alice bob|-|Alice|alice|Bobby|Bob|irc|"
                     "u_Bobby|host.example|2|yes?|-");
  row_of(raw, id3, row, sizeof(row));
  ASSERT_STR_EQ(row, "1700000001000|p:alice ~guest1|-|Alice|alice|Guest1|-|"
                     "irc|u_Guest1|host.example|0|hi|-");
  /* Between two guests: nobody could read it after a restart. */
  h = pf_session(&p, "Guest2", NULL);
  ASSERT_EQ(reed_tell(g, "guest2", REED_MSG_NORMAL, "yo", 2, NULL, &id3), 0);
  ASSERT_EQ(reed_tell(h, "guest1", REED_MSG_NORMAL, "hey", 3, NULL, &id3), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 3);
  sqlite3_close(raw);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

static const char room_sql[] =
    "SELECT printf('%s|%s|%s|%d|%d|%d|%d|%d|%s|%d', name,"
    " coalesce(topic, '-'), coalesce(topic_by, '-'), moderated, invite_only,"
    " topic_lock, secret, no_external, coalesce(room_key, '-'), member_limit)"
    " FROM rooms WHERE folded = 'chat'";

TEST(persist_topic_and_modes)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_KEY, .set = true, .arg = "sekrit"},
      {.mode = REED_RMODE_LIMIT, .set = true, .arg = "10"},
      {.mode = REED_RMODE_MODERATED, .set = true},
      {.mode = REED_RMODE_TOPICLOCK, .set = true},
      {.mode = REED_RMODE_SECRET, .set = true},
      {.mode = REED_RMODE_NOEXTERNAL, .set = true},
      {.mode = REED_RMODE_INVITEONLY, .set = true},
  };
  static const reed_mode_change_t unset[] = {
      {.mode = REED_RMODE_KEY, .set = false, .arg = "sekrit"},
      {.mode = REED_RMODE_LIMIT, .set = false},
      {.mode = REED_RMODE_SECRET, .set = false},
  };
  pf_t p = {0};
  reed_session_t *s;
  sqlite3 *raw;
  char row[512];

  sf_init(&p.f);
  pf_start(&p);
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "Hello world"), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM rooms"), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  sf_text(raw, room_sql, row, sizeof(row));
  ASSERT(strncmp(row, "Chat|Hello world|Alice", 22) == 0);
  ASSERT_STR_EQ(strchr(row + 22, '|'), "|0|0|0|0|1|-|0");
  ASSERT_EQ(sf_int(raw, "SELECT topic_ms FROM rooms"), 1700000001000ll);

  ASSERT_EQ(reed_room_set_modes(s, "Chat", set, REED_ARRAY_SIZE(set), NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  sf_text(raw, room_sql, row, sizeof(row));
  ASSERT_STR_EQ(strchr(row + 22, '|'), "|1|1|1|1|1|sekrit|10");

  ASSERT_EQ(reed_room_set_modes(s, "Chat", unset, REED_ARRAY_SIZE(unset), NULL),
            0);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", ""), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  sf_text(raw, room_sql, row, sizeof(row));
  ASSERT_STR_EQ(row, "Chat|-|-|1|1|1|0|1|-|0");
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM rooms"), 1);
  sqlite3_close(raw);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

static void
tomb_of(void *ud, const reed_hist_entry_t *e)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s%.*s%s%s ", e->redacted ? "X" : "",
           (int)e->text_len, e->text, e->xmpp_payload ? "+" : "",
           e->xmpp_payload ? e->xmpp_payload : "");
}

/* A redaction leaves a tombstone row (id, time, sender; no words), and the
 * payload and the tombstone both come back after a restart. */
TEST(persist_redact_keeps_tombstone)
{
  pf_t p = {0};
  reed_session_t *s;
  reed_msg_extra_t x = {.xmpp_payload = "<receipt xmlns='urn:x'/>"};
  reed_hist_query_t all = {.dir = REED_HIST_LATEST, .tombstones = true};
  uint64_t id1 = 0, id2 = 0;
  char got[256] = "";
  sqlite3 *raw;

  sf_init(&p.f);
  pf_start(&p);
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "oops", 4, &x, &id1), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "fine", 4, &x, &id2), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages WHERE payload ="
                        " '<receipt xmlns=''urn:x''/>'"),
            2);
  ASSERT_EQ(reed_redact(s, "Chat", id1, "typo"), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 2);
  ASSERT_EQ(sf_int(raw, "SELECT id FROM messages WHERE redacted = 1 AND"
                        " length(text) = 0 AND payload IS NULL"),
            (long long)id1);
  sqlite3_close(raw);
  pf_restart(&p);
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_history_room(s, "Chat", &all, tomb_of, got), 0);
  ASSERT_STR_EQ(got, "X fine+<receipt xmlns='urn:x'/> ");
  ASSERT_EQ(reed_redact(s, "Chat", id1, NULL), REED_ENOSUCHMSG);
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(persist_batch_is_one_turn)
{
  pf_t p = {0};
  reed_session_t *s;
  reed_account_rec_t rec = {.name = "later"};
  sqlite3 *raw;

  sf_init(&p.f);
  pf_start(&p);
  s = pf_session(&p, "Alice", "alice");
  raw = sf_raw(&p.f);
  ASSERT(!reed_store_in_batch(p.st));
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(reed_room_say(s, "Chat", 0, "x", 1, NULL, NULL), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 0);
  /* An account change commits the pending rows first. */
  ASSERT_EQ(reed_store_account_create(p.st, &rec), 0);
  ASSERT(!reed_store_in_batch(p.st));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 5);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "y", 1, NULL, NULL), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 5);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 6);
  sqlite3_close(raw);
  pf_stop(&p);
  sf_cleanup(&p.f);
}
