/* History pruning, the loader restoring a model after a restart, room lists,
 * and the store's failure paths (the rows themselves: test_persist_rows.c). */
#include "harness.h"
#include "persist_test.h"

#include <stdio.h>
#include <string.h>

/* A second observer that records the ids the model hands out. */
typedef struct {
  uint64_t first, last;
  size_t n;
} ids_t;

static void
record_id(void *ud, const reed_event_t *ev)
{
  ids_t *ids = ud;

  if (ids->n++ == 0)
    ids->first = ev->id;
  ids->last = ev->id;
}

static void
watch_ids(pf_t *p, ids_t *ids)
{
  reed_model_observer_t o = {.on_change = record_id, .ud = ids};

  memset(ids, 0, sizeof(*ids));
  ASSERT_EQ(reed_model_add_observer(p->m, &o), 0);
}

typedef struct {
  uint64_t ids[16];
  char texts[16][16];
  char nicks[16][16];
  size_t n;
} hist_t;

static void
hist_cb(void *ud, const reed_hist_entry_t *e)
{
  hist_t *h = ud;

  ASSERT(h->n < REED_ARRAY_SIZE(h->ids));
  h->ids[h->n] = e->id;
  snprintf(h->texts[h->n], sizeof(h->texts[0]), "%.*s", (int)e->text_len,
           e->text);
  snprintf(h->nicks[h->n], sizeof(h->nicks[0]), "%s/%s/%s", e->from.nick,
           e->from.account ? e->from.account : "-", e->from.origin);
  h->n++;
}

static const reed_hist_query_t latest = {.dir = REED_HIST_LATEST, .limit = 10};

TEST(persist_reload_restores_model)
{
  static const reed_mode_change_t modes[] = {
      {.mode = REED_RMODE_KEY, .set = true, .arg = "k3y"},
      {.mode = REED_RMODE_MODERATED, .set = true},
  };
  pf_t p = {0};
  reed_session_t *a, *b, *c;
  uint64_t ids[3], pid = 0;
  ids_t before, after;
  hist_t h = {.n = 0};
  reed_room_view_t v;
  reed_room_t *r;

  sf_init(&p.f);
  pf_start(&p);
  watch_ids(&p, &before);
  a = pf_session(&p, "Alice", "alice");
  b = pf_session(&p, "Bob", "bob");
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "Chat", 0, "one", 3, NULL, &ids[0]), 0);
  ASSERT_EQ(reed_room_say(b, "Chat", 1, "two", 3, NULL, &ids[1]), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(reed_room_say(a, "Chat", 2, "three", 5, NULL, &ids[2]), 0);
  ASSERT_EQ(reed_tell(a, "Bob", 0, "psst", 4, NULL, &pid), 0);
  ASSERT_EQ(reed_room_set_topic(a, "Chat", "the topic"), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Chat", modes, 2, NULL), 0);
  ASSERT(before.n >= 8);

  pf_restart(&p);
  watch_ids(&p, &after);
  ASSERT(reed_model_account_exists(p.m, "ALICE"));
  ASSERT(reed_model_account_exists(p.m, "bob"));
  c = pf_session(&p, "Carol", NULL);
  /* The room is dormant until someone joins, with its settings kept. */
  ASSERT(reed_room_find(p.m, "chat") == NULL);
  ASSERT_EQ(reed_room_join(c, "Chat", NULL), REED_EBADKEY);
  ASSERT_EQ(reed_room_join(c, "Chat", "k3y"), 0);
  /* Ids keep counting from the last one handed out before the restart. */
  ASSERT_EQ(after.first, before.last + 1);
  r = reed_room_find(p.m, "chat");
  ASSERT(r != NULL);
  reed_room_view(r, &v);
  ASSERT_STR_EQ(v.name, "Chat");
  ASSERT_STR_EQ(v.topic, "the topic");
  ASSERT_STR_EQ(v.topic_by, "Alice");
  ASSERT_STR_EQ(v.key, "k3y");
  ASSERT(v.moderated);
  ASSERT(v.no_external);
  ASSERT(!v.secret);
  ASSERT_EQ(reed_history_room(c, "Chat", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 3);
  for (size_t i = 0; i < 3; i++)
    ASSERT_EQ(h.ids[i], ids[i]);
  ASSERT_STR_EQ(h.texts[0], "one");
  ASSERT_STR_EQ(h.texts[2], "three");
  ASSERT_STR_EQ(h.nicks[1], "Bob/bob/irc");

  a = pf_session(&p, "Alice", "alice");
  memset(&h, 0, sizeof(h));
  ASSERT_EQ(reed_history_private(a, "bob", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 1);
  ASSERT_EQ(h.ids[0], pid);
  ASSERT_STR_EQ(h.texts[0], "psst");
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(persist_ids_survive_turn_without_messages)
{
  pf_t p = {0};
  reed_session_t *s;
  ids_t before, after;

  sf_init(&p.f);
  pf_start(&p);
  watch_ids(&p, &before);
  s = pf_session(&p, "Alice", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT(before.n >= 1);
  ASSERT(reed_store_in_batch(p.st));
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 0);
  ASSERT_EQ(pf_count(&p, "SELECT value FROM meta WHERE key = 'last_id'"),
            (long long)before.last);
  pf_restart(&p);
  watch_ids(&p, &after);
  s = pf_session(&p, "Alice", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(after.first, before.last + 1);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_prunes_history)
{
  pf_t p = {.keep_room = 8, .keep_private = 4};
  reed_session_t *a, *b;
  uint64_t last = 0, plast = 0;
  hist_t h = {.n = 0};
  long long n;

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  b = pf_session(&p, "Bob", "bob");
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "Other", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "Other", 0, "keep", 4, NULL, NULL), 0);
  for (int i = 0; i < 50; i++) {
    char text[16];
    int len = snprintf(text, sizeof(text), "m%d", i);
    ASSERT_EQ(reed_room_say(a, "Chat", 0, text, (size_t)len, NULL, &last), 0);
    ASSERT_EQ(reed_tell(b, "alice", 0, text, (size_t)len, NULL, &plast), 0);
    if (i % 7 == 0)
      ASSERT_EQ(reed_store_turn_end(p.st), 0);
  }
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  /* At least `keep` newest rows, never more than a quarter past it. */
  n = pf_count(&p, "SELECT count(*) FROM messages WHERE conv = 'r:chat'");
  ASSERT(n >= 8 && n <= 10);
  ASSERT_EQ(pf_count(&p, "SELECT max(id) FROM messages WHERE room = 'Chat'"),
            (long long)last);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM (SELECT id, text FROM messages"
                         " WHERE conv = 'r:chat' ORDER BY id DESC LIMIT 8)"
                         " WHERE CAST(text AS TEXT) IN ('m42', 'm43', 'm44',"
                         " 'm45', 'm46', 'm47', 'm48', 'm49')"),
            0 + 8);
  n = pf_count(&p, "SELECT count(*) FROM messages WHERE room IS NULL");
  ASSERT(n >= 4 && n <= 5);
  ASSERT_EQ(pf_count(&p, "SELECT max(id) FROM messages WHERE room IS NULL"),
            (long long)plast);
  /* Another room's history is untouched. */
  ASSERT_EQ(
      pf_count(&p, "SELECT count(*) FROM messages WHERE conv = 'r:other'"), 1);

  /* The loader fills up to half the bound into the model's ring. */
  pf_restart(&p);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_history_room(a, "Chat", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 4);
  ASSERT_STR_EQ(h.texts[0], "m46");
  ASSERT_EQ(h.ids[3], last);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_attach_errors)
{
  pf_t p = {0};
  reed_model_t *m2;
  reed_model_opts_t o = {.clock = &p.fc.clock};

  sf_init(&p.f);
  pf_start(&p);
  ASSERT_EQ(reed_store_attach(p.st, p.m), REED_EINVAL);
  ASSERT_EQ(reed_model_new(&o, &m2), 0);
  ASSERT_EQ(reed_store_attach(p.st, m2), REED_EINVAL);
  ASSERT_EQ(reed_store_attach(p.st, NULL), REED_EINVAL);
  reed_model_free(m2);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_load_skips_bad_rows)
{
  pf_t p = {0};
  reed_session_t *s;
  hist_t h = {.n = 0};
  sqlite3 *raw;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "ok", 2, NULL, NULL), 0);
  pf_stop(&p);
  /* Rows written by something else that the model refuses. */
  raw = sf_raw(&p.f);
  ASSERT_EQ(sqlite3_exec(raw,
                         "INSERT INTO accounts(folded, name, created_ms,"
                         " pwhash) VALUES('9bad', '9bad', 0, '');"
                         "INSERT INTO rooms(folded, name, room_key) VALUES"
                         " ('odd', 'Odd', 'bad key');"
                         "INSERT INTO room_affiliations(room, room_name,"
                         " account, name, aff, set_by, set_ms) VALUES"
                         " ('odd', 'Odd', 'alice', 'alice', 'owner', '', 0),"
                         " ('odd', 'Odd', 'x y', 'x y', 'admin', '', 0);"
                         "INSERT INTO messages(id, ts_ms, conv, room, nick,"
                         " kind, text) VALUES(1000, 0, 'r:odd',"
                         " 'Odd', 'x y', 0, 'lost'),"
                         " (1001, 0, 'r:odd', 'Odd', 'x', 0, 'kept');",
                         NULL, NULL, NULL),
            SQLITE_OK);
  sqlite3_close(raw);
  p.f.nlines = 0;
  pf_start(&p);
  ASSERT(sf_logged(&p.f, "account 9bad not loaded"));
  ASSERT(reed_model_account_exists(p.m, "alice"));
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_history_room(s, "Chat", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 1);
  ASSERT_STR_EQ(h.texts[0], "ok");
  /* A room whose settings row the model refuses: the rest still comes. */
  ASSERT_EQ(reed_room_join(s, "odd", NULL), 0);
  ASSERT(sf_logged(&p.f, "room Odd not loaded"));
  ASSERT(sf_logged(&p.f, "affiliation of x y not loaded"));
  ASSERT(reed_room_registered(reed_room_find(p.m, "odd")));
  ASSERT(sf_logged(&p.f, "message 1000 not loaded"));
  memset(&h, 0, sizeof(h));
  ASSERT_EQ(reed_history_room(s, "odd", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 1);
  ASSERT_STR_EQ(h.texts[0], "kept");
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_write_error_is_logged_for_that_row)
{
  pf_t p = {0};
  reed_session_t *s;
  uint64_t bad = 0, good = 0;
  sqlite3 *raw;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TRIGGER no_boom BEFORE INSERT ON messages"
                         " WHEN CAST(NEW.text AS TEXT) = 'boom'"
                         " BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
                         NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "boom", 4, NULL, &bad), 0);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "still saved"), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "fine", 4, NULL, &good), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT(sf_logged(&p.f, "disk says no"));
  ASSERT(sf_logged(&p.f, "not saved"));
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM messages"), 1);
  ASSERT_EQ(sf_int(raw, "SELECT id FROM messages"), (long long)good);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM rooms"
                        " WHERE topic = 'still saved'"),
            1);
  sqlite3_close(raw);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_failed_commit_rolls_back)
{
  pf_t p = {0};
  reed_session_t *s;
  sqlite3 *db;

  sf_init(&p.f);
  pf_start(&p);
  s = pf_session(&p, "Alice", "alice");
  db = reed_store_sqlite(p.st);
  /* A deferred foreign key makes COMMIT itself fail. */
  ASSERT_EQ(sqlite3_exec(db,
                         "PRAGMA foreign_keys=ON;"
                         "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                         "CREATE TABLE child(p INTEGER REFERENCES parent(id)"
                         " DEFERRABLE INITIALLY DEFERRED);",
                         NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "lost", 4, NULL, NULL), 0);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO child VALUES(42)", NULL, NULL, NULL),
            SQLITE_OK);
  ASSERT_EQ(reed_store_turn_end(p.st), REED_EIO);
  ASSERT(sf_logged(&p.f, "commit: FOREIGN KEY constraint failed"));
  ASSERT(!reed_store_in_batch(p.st));
  ASSERT(sqlite3_get_autocommit(db));
  /* The batch is held (its message was not lost: the store writes it
   * again at the retry), and messages are refused until then. */
  ASSERT(reed_store_held(p.st));
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "refused", 7, NULL, NULL),
            REED_EUNAVAILABLE);
  fc_advance(&p.fc, REED_STORE_RETRY_MS);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "kept", 4, NULL, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 2);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM child"), 0);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(persist_attach_out_of_memory)
{
  pf_t p = {0};
  reed_session_t *s;
  int ok = 0, failures = 0;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "t"), 0);
  ASSERT_EQ(reed_room_set_modes(s, "Chat",
                                &(reed_mode_change_t){.mode = REED_RMODE_BAN,
                                                      .set = true,
                                                      .arg = "evil"},
                                1, NULL),
            0);
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(reed_room_say(s, "Chat", 0, "x", 1, NULL, NULL), 0);
  ASSERT_EQ(reed_tell(s, "Alice", 0, "me", 2, NULL, NULL), 0);
  pf_stop(&p);
  /* Allocation n fails during the load: attach says ENOMEM and everything
   * it made is freed with the model. */
  for (long n = 0; n < 200 && !ok; n++) {
    reed_model_opts_t o = {.clock = &p.fc.clock};
    reed_model_t *m;
    reed_store_t *st = sf_open(&p.f);
    int rc;

    fc_init(&p.fc);
    ASSERT_EQ(reed_model_new(&o, &m), 0);
    reed_alloc_fail_after(n);
    rc = reed_store_attach(st, m);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    ok = rc == 0;
    failures += rc == REED_ENOMEM;
    reed_model_free(m);
    reed_store_close(st);
    fc_cleanup(&p.fc);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT(ok);
  ASSERT(failures >= 5);
  sf_cleanup(&p.f);
}

TEST(persist_close_before_model_free)
{
  pf_t p = {0};
  reed_session_t *s;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "saved", 5, NULL, NULL), 0);
  /* Closing commits the batch and detaches: the model goes on alone. */
  reed_store_close(p.st);
  p.st = NULL;
  ASSERT_EQ(reed_room_say(s, "Chat", 0, "unsaved", 7, NULL, NULL), 0);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "t"), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 1);
  /* Alice's room: its row came with her ownership, not with the topic. */
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM rooms"), 1);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM rooms WHERE topic IS NULL"), 1);
  reed_model_free(p.m);
  fc_cleanup(&p.fc);
  ASSERT_EQ(reed_alloc_live(), 0);
  /* The other order: the model tells the store it is gone. */
  pf_start(&p);
  reed_model_free(p.m);
  reed_store_close(p.st);
  fc_cleanup(&p.fc);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

static void
list_cb(void *ud, const reed_list_entry_t *e)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 512 - n, "%s%s/%s/%llu ", e->account ? "account:" : "",
           e->mask, e->by, (unsigned long long)e->ms);
}

static void
list_of(pf_t *p, const char *room, reed_room_mode_t which, char out[512])
{
  reed_room_t *r = reed_room_find(p->m, room);

  ASSERT(r != NULL);
  out[0] = '\0';
  reed_room_each_list(r, which, list_cb, out);
}

static const char list_sql[] =
    "SELECT group_concat(printf('%s|%s|%s|%s|%s|%s|%d', room, room_name,"
    " list, folded, mask, set_by, set_ms), ' ') FROM (SELECT * FROM"
    " room_lists ORDER BY seq)";

/* Account entries survive a restart as account entries: the account is
 * kept out under any nick, a mask of the same text is another entry. */
TEST(persist_account_bans)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_BAN, .set = true, .arg = "Mallory", .account = true},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "mallory"},
      {.mode = REED_RMODE_EXCEPT, .set = true, .arg = "Trent", .account = true},
  };
  pf_t p = {0};
  reed_session_t *a, *s;
  sqlite3 *raw;
  char out[512];

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Chat", set, REED_ARRAY_SIZE(set), NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  sf_text(raw,
          "SELECT group_concat(list || '|' || folded || '|' || mask || '|' ||"
          " account, ' ') FROM (SELECT * FROM room_lists ORDER BY seq)",
          out, sizeof(out));
  ASSERT_STR_EQ(out, "ban|mallory|Mallory|1 ban|mallory!*@*|mallory!*@*|0 "
                     "except|trent|Trent|1");
  sqlite3_close(raw);
  pf_restart(&p);
  s = pf_session(&p, "Someone", "MALLORY");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), REED_EBANNED);
  s = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  list_of(&p, "Chat", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "account:Mallory/Alice/1700000001000 "
                     "mallory!*@*/Alice/1700000001000 ");
  list_of(&p, "Chat", REED_RMODE_EXCEPT, out);
  ASSERT_STR_EQ(out, "account:Trent/Alice/1700000001000 ");
  /* Its owner gets op; removing the account entry leaves the mask
   * entry in the store. */
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(s, "Chat",
                                &(reed_mode_change_t){.mode = REED_RMODE_BAN,
                                                      .arg = "mallory",
                                                      .account = true},
                                1, NULL),
            0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  pf_restart(&p);
  s = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  list_of(&p, "Chat", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "mallory!*@*/Alice/1700000001000 ");
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(persist_room_lists)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_BAN, .set = true, .arg = "*!*@Host.Example"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "bob"},
      {.mode = REED_RMODE_EXCEPT, .set = true, .arg = "Carol"},
      {.mode = REED_RMODE_EXCEPT, .set = true, .arg = "dave"},
      {.mode = REED_RMODE_INVEX, .set = true, .arg = "dave"},
      {.mode = REED_RMODE_INVITEONLY, .set = true},
  };
  pf_t p = {0};
  reed_session_t *a, *s;
  sqlite3 *raw;
  char out[512];

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Chat", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Chat", set, REED_ARRAY_SIZE(set), NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  raw = sf_raw(&p.f);
  sf_text(raw, list_sql, out, sizeof(out));
  ASSERT_STR_EQ(out, "chat|Chat|ban|*!*@host.example|*!*@Host.Example|Alice|"
                     "1700000001000 "
                     "chat|Chat|ban|bob!*@*|bob!*@*|Alice|1700000001000 "
                     "chat|Chat|except|carol!*@*|Carol!*@*|Alice|1700000001000 "
                     "chat|Chat|except|dave!*@*|dave!*@*|Alice|1700000001000 "
                     "chat|Chat|invex|dave!*@*|dave!*@*|Alice|1700000001000");
  /* Removal in another case; a list-only change in another room (no
   * settings row), set later. */
  fc_advance(&p.fc, 5);
  ASSERT_EQ(reed_room_set_modes(
                a, "Chat",
                &(reed_mode_change_t){.mode = REED_RMODE_BAN, .arg = "BOB!*@*"},
                1, NULL),
            0);
  ASSERT_EQ(reed_room_join(a, "Bans", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Bans",
                                &(reed_mode_change_t){.mode = REED_RMODE_BAN,
                                                      .set = true,
                                                      .arg = "eve"},
                                1, NULL),
            0);
  ASSERT_EQ(reed_room_part(a, "Bans", NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM room_lists"
                        " WHERE folded = 'bob!*@*'"),
            0);
  /* Alice owns Bans (she made it): its row came with that. */
  ASSERT_EQ(sf_int(raw, "SELECT count(*) FROM rooms WHERE folded = 'bans'"), 1);
  ASSERT_EQ(sf_int(raw, "SELECT set_ms FROM room_lists WHERE room = 'bans'"),
            1700000001005ll);
  sqlite3_close(raw);

  pf_restart(&p);
  /* Everyone here is on host.example: banned unless excepted, and the
   * room is invite-only unless on the invite-exception list. */
  s = pf_session(&p, "Bob", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), REED_EBANNED);
  s = pf_session(&p, "Carol", NULL);
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), REED_EINVITEONLY);
  s = pf_session(&p, "Dave", NULL);
  ASSERT_EQ(reed_room_join(s, "chat", NULL), 0);
  list_of(&p, "Chat", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "*!*@Host.Example/Alice/1700000001000 ");
  list_of(&p, "Chat", REED_RMODE_EXCEPT, out);
  ASSERT_STR_EQ(out, "Carol!*@*/Alice/1700000001000 "
                     "dave!*@*/Alice/1700000001000 ");
  list_of(&p, "Chat", REED_RMODE_INVEX, out);
  ASSERT_STR_EQ(out, "dave!*@*/Alice/1700000001000 ");
  s = pf_session(&p, "Eve", NULL);
  ASSERT_EQ(reed_room_join(s, "bans", NULL), REED_EBANNED);
  s = pf_session(&p, "Frank", NULL);
  ASSERT_EQ(reed_room_join(s, "bans", NULL), 0);
  list_of(&p, "Bans", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "eve!*@*/Alice/1700000001005 ");
  /* Changes after the restart are saved too (by its owner: arriving
   * first in a registered room gives no op). */
  s = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "bans", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(
                s, "Bans",
                &(reed_mode_change_t){.mode = REED_RMODE_BAN, .arg = "EVE"}, 1,
                NULL),
            0);
  pf_restart(&p);
  s = pf_session(&p, "Eve", NULL);
  ASSERT_EQ(reed_room_join(s, "bans", NULL), 0);
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(persist_room_lists_bad_rows_skipped)
{
  pf_t p = {0};
  reed_session_t *s;
  sqlite3 *raw;
  char out[512];

  sf_init(&p.f);
  pf_start(&p);
  pf_stop(&p);
  raw = sf_raw(&p.f);
  ASSERT_EQ(sqlite3_exec(raw,
                         "INSERT INTO room_lists(room, room_name, list, folded,"
                         " mask, set_by, set_ms) VALUES"
                         " ('r', 'R', 'ban', 'a!*@*', 'a!*@*', 'x', 1),"
                         " ('r', 'R', 'quiet', 'b!*@*', 'b!*@*', 'x', 2),"
                         " ('r', 'R', 'ban', 'c d', 'c d', 'x', 3),"
                         " ('r', 'R', 'ban', 'f!*@*', 'f!*@*', 'x', 5);"
                         "INSERT INTO room_affiliations(room, room_name,"
                         " account, name, aff, set_by, set_ms) VALUES"
                         " ('r', 'R', 'zed', 'zed', 'owner', 'x', 0);",
                         NULL, NULL, NULL),
            SQLITE_OK);
  sqlite3_close(raw);
  p.f.nlines = 0;
  pf_start(&p);
  s = pf_session(&p, "Zed", NULL);
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT(sf_logged(&p.f, "list entry quiet b!*@* of R not loaded"));
  ASSERT(sf_logged(&p.f, "list entry ban c d of R not loaded"));
  ASSERT(sf_logged(&p.f, "room r loaded (2 list entries, 0 messages)"));
  list_of(&p, "r", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "a!*@*/x/1 f!*@*/x/5 ");
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* A room whose dormant state the model evicted comes back from the store
 * at the next join, settings, lists and history included. */
TEST(persist_evicted_room_comes_back)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_KEY, .set = true, .arg = "k3y"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "bob"},
  };
  pf_t p = {.max_dormant = 1};
  reed_session_t *a, *s;
  hist_t h = {.n = 0};
  reed_room_view_t v;
  char out[512];

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Vault", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(a, "Vault", "kept"), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Vault", set, 2, NULL), 0);
  ASSERT_EQ(reed_room_say(a, "Vault", 0, "m1", 2, NULL, NULL), 0);
  ASSERT_EQ(reed_room_part(a, "Vault", NULL), 0);
  /* Two more rooms empty out: the model keeps one dormant room. */
  ASSERT_EQ(reed_room_join(a, "A", NULL), 0);
  ASSERT_EQ(reed_room_part(a, "A", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "B", NULL), 0);
  ASSERT_EQ(reed_room_part(a, "B", NULL), 0);
  ASSERT(!sf_logged(&p.f, "room vault loaded"));
  s = pf_session(&p, "Bob", NULL);
  ASSERT_EQ(reed_room_join(s, "vault", "k3y"), REED_EBANNED);
  ASSERT(sf_logged(&p.f, "room vault loaded (1 list entries, 1"
                         " messages)"));
  s = pf_session(&p, "Carol", NULL);
  ASSERT_EQ(reed_room_join(s, "VAULT", NULL), REED_EBADKEY);
  ASSERT_EQ(reed_room_join(s, "VAULT", "k3y"), 0);
  reed_room_view(reed_room_find(p.m, "vault"), &v);
  ASSERT_STR_EQ(v.name, "Vault");
  ASSERT_STR_EQ(v.topic, "kept");
  list_of(&p, "vault", REED_RMODE_BAN, out);
  ASSERT_STR_EQ(out, "bob!*@*/Alice/1700000001000 ");
  ASSERT_EQ(reed_history_room(s, "vault", &latest, hist_cb, &h), 0);
  ASSERT_EQ(h.n, 1);
  ASSERT_STR_EQ(h.texts[0], "m1");
  /* A room the store never saw is simply new. */
  ASSERT_EQ(reed_room_join(s, "Nowhere", NULL), 0);
  ASSERT(!sf_logged(&p.f, "room Nowhere loaded"));
  /* Closed first, the store is no longer asked. */
  reed_store_close(p.st);
  p.st = NULL;
  ASSERT_EQ(reed_room_part(s, "vault", NULL), 0);
  ASSERT_EQ(reed_room_join(s, "A", NULL), 0);
  ASSERT_EQ(reed_room_part(s, "A", NULL), 0);
  ASSERT_EQ(reed_room_join(s, "vault", NULL), 0);
  reed_model_free(p.m);
  fc_cleanup(&p.fc);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

/* Allocation n fails while a join loads a saved room: the join says
 * ENOMEM and leaves nothing half loaded, so a later join gets it all. */
TEST(persist_room_load_out_of_memory)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_KEY, .set = true, .arg = "k"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "bob"},
      {.mode = REED_RMODE_EXCEPT, .set = true, .arg = "carol"},
  };
  pf_t p = {0};
  reed_session_t *s;
  int ok = 0, failures = 0;

  s = pf_start_in_chat(&p);
  ASSERT_EQ(reed_room_set_topic(s, "Chat", "t"), 0);
  ASSERT_EQ(reed_room_set_modes(s, "Chat", set, 3, NULL), 0);
  for (int i = 0; i < 5; i++)
    ASSERT_EQ(reed_room_say(s, "Chat", 0, "x", 1, NULL, NULL), 0);
  pf_stop(&p);
  for (long n = 0; n < 300 && !ok; n++) {
    reed_session_t *bob, *carol;
    int rc;

    pf_start(&p);
    bob = pf_session(&p, "Bob", NULL);
    carol = pf_session(&p, "Carol", NULL);
    reed_alloc_fail_after(n);
    rc = reed_room_join(carol, "chat", "k");
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    ok = rc == 0;
    failures += rc == REED_ENOMEM;
    /* Whatever happened, the room's bans hold. */
    ASSERT_EQ(reed_room_join(bob, "chat", "k"), REED_EBANNED);
    ASSERT_EQ(reed_room_join(carol, "chat", "k"), ok ? REED_EALREADYMEMBER : 0);
    pf_stop(&p);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT(ok);
  ASSERT(failures >= 5);
  sf_cleanup(&p.f);
}

/* Each batch commit is timed once; a turn without rows is not. */
TEST(persist_commit_times)
{
  pf_t p = {0};
  reed_session_t *a = pf_start_in_chat(&p);
  const reed_hist_t *h = reed_store_commit_times(p.st);
  uint64_t before, in_buckets = 0;

  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  before = h->count;
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(h->count, before);
  ASSERT_EQ(reed_room_say(a, "Chat", 0, "one", 3, NULL, NULL), 0);
  ASSERT_EQ(reed_room_say(a, "Chat", 0, "two", 3, NULL, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(h->count, before + 1);
  for (size_t i = 0; i <= h->n_bounds; i++)
    in_buckets += h->counts[i];
  ASSERT_EQ(in_buckets, h->count);
  ASSERT(h->sum >= 0);
  pf_stop(&p);
}
