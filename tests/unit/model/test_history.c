/* History: room rings kept while dormant, private conversations keyed by
 * the pair of persons, CHATHISTORY selectors, bounds and the loader. */
#include "rec.h"

#include <stdio.h>

static char got[1024];

static void
collect(void *ud, const reed_hist_entry_t *e)
{
  size_t n = strlen(got);

  (void)ud;
  snprintf(got + n, sizeof(got) - n, "%llu:%.*s ", (unsigned long long)e->id,
           (int)e->text_len, e->text);
}

static const char *
q(reed_session_t *s, const char *room, reed_hist_dir_t dir, uint64_t id,
  uint64_t id2, size_t limit)
{
  reed_hist_query_t hq = {.dir = dir, .id = id, .id2 = id2, .limit = limit};

  got[0] = '\0';
  ASSERT_EQ(reed_history_room(s, room, &hq, collect, NULL), 0);
  return got;
}

/* Ten messages with ids 2..11 (the join took id 1), one per second; the
 * ring keeps 8, so ids 4..11 remain. */
static reed_session_t *
ten_messages(fx_t *f)
{
  reed_session_t *a = sess(f, "s1", "irc", "alice");
  char text[8];

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  for (int i = 0; i < 10; i++) {
    fc_advance(&f->fc, 1000);
    snprintf(text, sizeof(text), "m%d", i + 2);
    ASSERT_EQ(say(a, "r", text), 0);
  }
  return a;
}

TEST(history_selectors_by_id)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = ten_messages(&f);

  ASSERT_STR_EQ(q(a, "r", REED_HIST_LATEST, 0, 0, 3), "9:m9 10:m10 11:m11 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_LATEST, 0, 0, 0),
                "4:m4 5:m5 6:m6 7:m7 8:m8 9:m9 10:m10 11:m11 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_LATEST, 9, 0, 5), "10:m10 11:m11 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BEFORE, 7, 0, 2), "5:m5 6:m6 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BEFORE, 5, 0, 9), "4:m4 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BEFORE, 2, 0, 9), "");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_AFTER, 7, 0, 2), "8:m8 9:m9 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_AFTER, 11, 0, 2), "");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_AROUND, 7, 0, 4), "5:m5 6:m6 7:m7 8:m8 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_AROUND, 11, 0, 3), "9:m9 10:m10 11:m11 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_AROUND, 4, 0, 3), "4:m4 5:m5 6:m6 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BETWEEN, 5, 9, 10), "6:m6 7:m7 8:m8 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BETWEEN, 5, 10, 2), "6:m6 7:m7 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BETWEEN, 10, 5, 2), "8:m8 9:m9 ");
  ASSERT_STR_EQ(q(a, "r", REED_HIST_BETWEEN, 6, 7, 2), "");
  fx_done(&f);
}

TEST(history_selectors_by_time)
{
  fx_t f;
  reed_hist_query_t hq = {.dir = REED_HIST_BEFORE, .limit = 2};
  fx_init(&f);
  reed_session_t *a = ten_messages(&f);
  uint64_t t0 = 1700000000000ull; /* message k was said at t0 + (k-1)s */

  hq.ts = t0 + 6000; /* m7 */
  got[0] = '\0';
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), 0);
  ASSERT_STR_EQ(got, "5:m5 6:m6 ");
  hq.dir = REED_HIST_AFTER;
  got[0] = '\0';
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), 0);
  ASSERT_STR_EQ(got, "8:m8 9:m9 ");
  hq.dir = REED_HIST_BETWEEN;
  hq.ts2 = t0 + 3000; /* m4, backwards: the latest before m7 */
  hq.limit = 10;
  got[0] = '\0';
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), 0);
  ASSERT_STR_EQ(got, "5:m5 6:m6 ");
  hq.dir = REED_HIST_LATEST;
  hq.ts = t0 + 8500;
  got[0] = '\0';
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), 0);
  ASSERT_STR_EQ(got, "10:m10 11:m11 ");
  fx_done(&f);
}

TEST(history_errors)
{
  fx_t f;
  reed_hist_query_t hq = {.dir = REED_HIST_BEFORE, .limit = 2};
  fx_init(&f);
  reed_session_t *a = ten_messages(&f);
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_history_room(a, "none", &hq, collect, NULL), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_history_room(b, "r", &hq, collect, NULL), REED_ENOTMEMBER);
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), REED_EINVAL);
  hq.dir = REED_HIST_AFTER;
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), REED_EINVAL);
  hq.dir = REED_HIST_AROUND;
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), REED_EINVAL);
  hq.dir = REED_HIST_BETWEEN;
  hq.id = 5;
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), REED_EINVAL);
  hq.dir = (reed_hist_dir_t)42;
  ASSERT_EQ(reed_history_room(a, "r", &hq, collect, NULL), REED_EINVAL);
  hq.dir = REED_HIST_LATEST;
  ASSERT_EQ(reed_history_room(a, "r", NULL, collect, NULL), REED_EINVAL);
  ASSERT_EQ(reed_history_room(a, "r", &hq, NULL, NULL), REED_EINVAL);
  fx_done(&f);
}

TEST(history_survives_dormancy)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = ten_messages(&f);

  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT(reed_room_find(f.m, "r") == NULL);
  ASSERT_EQ(reed_room_join(a, "R", NULL), 0);
  ASSERT_STR_EQ(q(a, "r", REED_HIST_LATEST, 0, 0, 2), "10:m10 11:m11 ");
  fx_done(&f);
}

static const char *
qp(reed_session_t *s, const char *nick, size_t limit)
{
  reed_hist_query_t hq = {.dir = REED_HIST_LATEST, .limit = limit};

  got[0] = '\0';
  ASSERT_EQ(reed_history_private(s, nick, &hq, collect, NULL), 0);
  return got;
}

TEST(history_private_pairs)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "b", "bob", "bob");
  reed_session_t *c = sess(&f, "c", "irc", "carol");
  reed_session_t *n = sess(&f, "n", "irc", NULL);

  ASSERT_EQ(tell(a, "bob", "p1"), 0);
  ASSERT_EQ(tell(b, "alice", "p2"), 0);
  ASSERT_EQ(tell(c, "alice", "p3"), 0);
  ASSERT_STR_EQ(qp(a, "bob", 10), "1:p1 2:p2 ");
  ASSERT_STR_EQ(qp(b, "ALICE", 10), "1:p1 2:p2 ");
  ASSERT_STR_EQ(qp(a, "carol", 10), "3:p3 ");
  ASSERT_STR_EQ(qp(c, "bob", 10), "");
  /* Keyed by account: a nick change keeps the conversation. */
  ASSERT_EQ(reed_session_set_nick(b, "robert"), 0);
  ASSERT_STR_EQ(qp(a, "robert", 10), "1:p1 2:p2 ");
  /* An account name works when its owner is offline. */
  reed_session_quit(b, NULL);
  ASSERT_STR_EQ(qp(a, "bob", 1), "2:p2 ");
  ASSERT_STR_EQ(qp(a, "nobody", 1), "");
  reed_hist_query_t hq = {.dir = REED_HIST_LATEST};
  ASSERT_EQ(reed_history_private(a, "1bad", &hq, collect, NULL),
            REED_ENOSUCHNICK);
  ASSERT_EQ(reed_history_private(n, "alice", &hq, collect, NULL), REED_EINVAL);
  fx_done(&f);
}

TEST(history_private_ring_and_lru_bounds)
{
  fx_t f;
  reed_model_opts_t o = {.private_history = 2, .max_private_convs = 2};
  fx_init_opts(&f, &o);
  reed_session_t *a = sess(&f, "a", "irc", "alice");
  sess(&f, "b", "irc", "bob");
  sess(&f, "c", "irc", "carol");
  sess(&f, "d", "irc", "dave");

  ASSERT_EQ(tell(a, "bob", "b1"), 0);
  ASSERT_EQ(tell(a, "bob", "b2"), 0);
  ASSERT_EQ(tell(a, "bob", "b3"), 0);
  ASSERT_STR_EQ(qp(a, "bob", 0), "2:b2 3:b3 ");
  ASSERT_EQ(tell(a, "carol", "c1"), 0);
  ASSERT_STR_EQ(qp(a, "bob", 0), "2:b2 3:b3 "); /* bob is now the newest */
  ASSERT_EQ(tell(a, "dave", "d1"), 0);          /* evicts carol's */
  ASSERT_STR_EQ(qp(a, "carol", 0), "");
  ASSERT_STR_EQ(qp(a, "bob", 0), "2:b2 3:b3 ");
  ASSERT_STR_EQ(qp(a, "dave", 0), "5:d1 ");
  fx_done(&f);
}

TEST(history_load)
{
  fx_t f;
  fx_init(&f);
  reed_hist_entry_t e = {
      .id = 7,
      .ts_ms = 70,
      .from = {.nick = "alice", .account = "alice", .origin = "xmpp"},
      .room = "Loaded",
      .text = "old",
      .text_len = 3,
      .irc_client_tags = "+x=y",
  };
  reed_hist_entry_t p = {
      .id = 8,
      .from = {.nick = "bob"},
      .target = "alice",
      .target_account = "alice",
      .text = "hey",
      .text_len = 3,
  };

  ASSERT_EQ(reed_history_load(f.m, &e), 0);
  ASSERT_EQ(reed_history_load(f.m, &p), 0);
  ASSERT(reed_room_find(f.m, "loaded") == NULL); /* dormant */
  reed_model_set_next_id(f.m, 9);
  ASSERT_EQ(reed_model_account_add(f.m, "alice"), 0);
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  reed_session_t *b = sess(&f, "b", "irc", "bob");
  ASSERT_EQ(reed_room_join(a, "loaded", NULL), 0);
  ASSERT_STR_EQ(q(a, "loaded", REED_HIST_LATEST, 0, 0, 5), "7:old ");
  /* Alice reads her conversation with the guest bob of before; the guest
   * bob of now does not. */
  ASSERT_STR_EQ(qp(a, "bob", 5), "8:hey ");
  ASSERT_STR_EQ(qp(b, "alice", 5), "");
  reed_hist_entry_t bad = e;
  bad.text_len = 0;
  ASSERT_EQ(reed_history_load(f.m, &bad), REED_EBADTEXT);
  bad = e;
  bad.from.nick = NULL;
  ASSERT_EQ(reed_history_load(f.m, &bad), REED_EINVAL);
  bad = e;
  bad.room = "a b";
  ASSERT_EQ(reed_history_load(f.m, &bad), REED_EBADROOM);
  bad = p;
  bad.target = NULL;
  ASSERT_EQ(reed_history_load(f.m, &bad), REED_EINVAL);
  ASSERT_EQ(reed_history_load(f.m, NULL), REED_EINVAL);
  fx_done(&f);
}

static void
check_fields(void *ud, const reed_hist_entry_t *e)
{
  int *n = ud;

  ASSERT_STR_EQ(e->from.nick, "alice");
  ASSERT_STR_EQ(e->from.origin, "irc");
  ASSERT_STR_EQ(e->from.user, "s1");
  ASSERT_STR_EQ(e->from.host, "s1.example");
  ASSERT_STR_EQ(e->room, "r");
  ASSERT_STR_EQ(e->irc_client_tags, "+t=1");
  ASSERT_EQ(e->msg_kind, REED_MSG_ACTION);
  ASSERT(e->from.account == NULL);
  ASSERT_EQ(e->ts_ms, 1700000000000ull);
  (*n)++;
}

TEST(history_entries_carry_fields)
{
  fx_t f;
  int n = 0;
  reed_hist_query_t hq = {.dir = REED_HIST_LATEST, .limit = 5};
  reed_msg_extra_t x = {.irc_client_tags = "+t=1", .label = "unstored"};
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "r", REED_MSG_ACTION, "x", 1, &x, NULL), 0);
  ASSERT_EQ(reed_history_room(a, "r", &hq, check_fields, &n), 0);
  ASSERT_EQ(n, 1);
  fx_done(&f);
}

static void
collect_target(void *ud, const char *peer, uint64_t last_ms)
{
  size_t n = strlen(got);

  (void)ud;
  snprintf(got + n, sizeof(got) - n, "%s@%llu ", peer,
           (unsigned long long)(last_ms - 1700000000000ull));
}

TEST(history_targets)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  reed_session_t *c = sess(&f, "c", "irc", "carol");
  reed_session_t *d = sess(&f, "d", "irc", "dave");
  reed_session_t *n = sess(&f, "n", "irc", NULL);
  sess(&f, "b", "irc", "bob");
  sess(&f, "e", "irc", "erin");

  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(a, 0, 0, 0, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "");
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(tell(a, "bob", "1"), 0);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(tell(c, "alice", "2"), 0);
  ASSERT_EQ(tell(d, "erin", "x"), 0);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(tell(a, "carol", "3"), 0);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(tell(a, "bob", "4"), 0);
  ASSERT_STR_EQ(qp(a, "carol", 0), "2:2 4:3 "); /* a read reorders the LRU */
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(a, 0, 0, 0, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "bob@4000 carol@3000 ");
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(a, 0, 0, 1, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "bob@4000 ");
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(a, 1700000000000ull + 2500,
                                 1700000000000ull + 3500, 0, collect_target,
                                 NULL),
            0);
  ASSERT_STR_EQ(got, "carol@3000 ");
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(c, 0, 0, 0, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "alice@3000 ");
  ASSERT_EQ(reed_history_targets(n, 0, 0, 0, collect_target, NULL),
            REED_EINVAL);
  ASSERT_EQ(reed_history_targets(a, 0, 0, 0, NULL, NULL), REED_EINVAL);
  fx_done(&f);
}

/* A guest's private history is keyed by its nick: whoever takes the nick
 * later must not read what an earlier holder said or was told. */
TEST(history_private_guest_nick_reused)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  reed_session_t *g = sess(&f, "g", "irc", "guest1");
  reed_session_t *x;

  ASSERT_EQ(tell(g, "alice", "secret"), 0);
  ASSERT_EQ(tell(a, "guest1", "reply"), 0);
  ASSERT_STR_EQ(qp(g, "alice", 0), "1:secret 2:reply ");
  reed_session_quit(g, NULL);
  /* Alice keeps the conversation with the guest who left. */
  ASSERT_STR_EQ(qp(a, "guest1", 0), "1:secret 2:reply ");
  /* A new guest with that nick, directly or by a rename, sees none of it. */
  g = sess(&f, "g2", "irc", "GUEST1");
  ASSERT_STR_EQ(qp(g, "alice", 0), "");
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(g, 0, 0, 0, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "");
  ASSERT_EQ(tell(g, "alice", "hello"), 0);
  ASSERT_STR_EQ(qp(g, "alice", 0), "4:hello "); /* 3 was the QUIT */
  got[0] = '\0';
  ASSERT_EQ(reed_history_targets(g, 0, 0, 0, collect_target, NULL), 0);
  ASSERT_STR_EQ(got, "alice@0 ");
  ASSERT_STR_EQ(qp(a, "guest1", 0), "1:secret 2:reply 4:hello ");
  reed_session_quit(g, NULL);
  x = sess(&f, "x", "irc", "other");
  ASSERT_EQ(reed_session_set_nick(x, "guest1"), 0);
  ASSERT_STR_EQ(qp(x, "alice", 0), "");
  /* Logging in ends the guest view: the account's history is whole. */
  ASSERT_EQ(tell(x, "alice", "as guest"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "acct"), 0);
  ASSERT_EQ(reed_session_login(x, "acct"), 0);
  ASSERT_EQ(tell(a, "guest1", "to acct"), 0);
  ASSERT_STR_EQ(qp(x, "alice", 0), "8:to acct ");
  /* And an account deleted under a session makes it a guest anew. */
  ASSERT_EQ(reed_model_account_del(f.m, "acct"), 0);
  ASSERT_STR_EQ(qp(x, "alice", 0), "");
  fx_done(&f);
}
