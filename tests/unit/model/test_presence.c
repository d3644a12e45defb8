/* Nick history (WHOWAS) and presence watching (MONITOR): what is recorded
 * and when, the bounds, casefolding, and who hears about a watched nick. */
#include "rec.h"

#include <stdio.h>

/* Collects history entries as "nick user@host account realname" lines. */
static char hist[4096];

static void
hist_cb(void *ud, const reed_nick_was_t *e)
{
  size_t n = strlen(hist);

  (void)ud;
  snprintf(hist + n, sizeof(hist) - n, "%s %s@%s %s %s %s %llu\n", e->who.nick,
           e->who.user, e->who.host, e->who.account ? e->who.account : "-",
           e->who.origin, e->who.realname, (unsigned long long)e->ts_ms);
}

static const char *
history(fx_t *f, const char *nick, size_t limit)
{
  hist[0] = '\0';
  if (reed_model_nick_history(f->m, nick, limit, hist_cb, NULL) != 0)
    return "none";
  return hist;
}

TEST(nick_history_quit_change_case)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");
  reed_session_t *n = sess(&f, "s3", "irc", NULL);

  ASSERT_STR_EQ(history(&f, "alice", 0), "none");
  fc_advance(&f.fc, 1000);
  reed_session_quit(a, "bye");
  ASSERT_LINES(history(&f, "ALICE", 0),
               "alice s1@s1.example - irc Real Name 1700000001000");
  ASSERT_EQ(reed_session_set_nick(b, "Bob"), 0); /* case only: not gone */
  ASSERT_STR_EQ(history(&f, "bob", 0), "none");
  ASSERT_EQ(reed_session_set_realname(b, "Robert B"), 0);
  ASSERT_EQ(reed_session_set_nick(b, "robert"), 0);
  ASSERT_LINES(history(&f, "bob", 0),
               "Bob s2@s2.example - xmpp Robert B 1700000001000");
  reed_session_quit(n, "never had a nick"); /* nothing to record */
  ASSERT_EQ(reed_session_set_nick(b, "bob"), 0);
  ASSERT_EQ(reed_session_set_nick(b, "bobby"), 0);
  /* Newest first; a limit keeps the newest. */
  ASSERT_LINES(history(&f, "bob", 0),
               "bob s2@s2.example - xmpp Robert B 1700000001000\n"
               "Bob s2@s2.example - xmpp Robert B 1700000001000");
  ASSERT_LINES(history(&f, "BOB", 1),
               "bob s2@s2.example - xmpp Robert B 1700000001000");
  ASSERT_LINES(history(&f, "robert", 5),
               "robert s2@s2.example - xmpp Robert B 1700000001000");
  ASSERT_STR_EQ(history(&f, "bobby", 0), "none"); /* still held */
  ASSERT_STR_EQ(history(&f, "9bad", 0), "none");
  ASSERT_EQ(reed_model_nick_history(f.m, NULL, 0, hist_cb, NULL),
            REED_ENOSUCHNICK);
  ASSERT_EQ(reed_model_nick_history(f.m, "bob", 0, NULL, NULL),
            REED_ENOSUCHNICK);
  fx_done(&f);
}

TEST(nick_history_bounded_oldest_evicted)
{
  fx_t f;
  reed_model_opts_t o = {.server_name = "t", .nick_history = 3};
  char nick[16];

  fx_init_opts(&f, &o);
  reed_session_t *a = sess(&f, "s1", "irc", "n0");
  for (int i = 1; i <= 5; i++) {
    snprintf(nick, sizeof(nick), "n%d", i);
    ASSERT_EQ(reed_session_set_nick(a, nick), 0); /* n(i-1) goes */
  }
  ASSERT_STR_EQ(history(&f, "n0", 0), "none");
  ASSERT_STR_EQ(history(&f, "n1", 0), "none");
  ASSERT(strncmp(history(&f, "n2", 0), "n2 ", 3) == 0);
  ASSERT(strncmp(history(&f, "n4", 0), "n4 ", 3) == 0);
  /* Many entries for one nick: still three in all. */
  for (int i = 0; i < 4; i++) {
    ASSERT_EQ(reed_session_set_nick(a, "x"), 0);
    ASSERT_EQ(reed_session_set_nick(a, "y"), 0);
  }
  ASSERT_LINES(history(&f, "x", 0),
               "x s1@s1.example - irc Real Name 1700000000000\n"
               "x s1@s1.example - irc Real Name 1700000000000");
  ASSERT_STR_EQ(history(&f, "n4", 0), "none");
  fx_done(&f); /* the ring's entries are freed with the model */
}

TEST(nick_history_kill_sessions_merge)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *op = sess(&f, "op", "irc", "oper");
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *c = sess(&f, "c", "amp", "carol");

  /* One of two sessions goes: the nick stays in use. */
  reed_session_quit(a2, "one of two");
  ASSERT_STR_EQ(history(&f, "alice", 0), "none");
  reed_session_set_oper(op, true);
  ASSERT_EQ(reed_session_kill(op, "carol", "spam"), 0);
  ASSERT_LINES(history(&f, "carol", 0),
               "carol c@c.example - amp Real Name 1700000000000");
  /* A merge: b, of alice's account, drops its own nick for alice's. */
  reed_session_t *b = sess_acct(&f, "b", "alice", "alt");
  ASSERT_EQ(reed_session_set_nick(b, "alice"), 0);
  ASSERT_LINES(history(&f, "alt", 0),
               "alt b@b.example alice irc Real Name 1700000000000");
  ASSERT_EQ(reed_session_kill(op, "alice", "both"), 0);
  ASSERT_LINES(history(&f, "alice", 0),
               "alice b@b.example alice irc Real Name 1700000000000");
  (void)a1;
  (void)c;
  fx_done(&f);
}

TEST(watch_online_offline)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *w = sess(&f, "w", "irc", "watcher");
  reed_session_t *x = sess(&f, "x", "irc", NULL);

  ASSERT_EQ(reed_session_watch(w, "bob"), 0);
  ASSERT_EQ(reed_session_watch(w, "BOB"), 0); /* once */
  ASSERT_EQ(reed_session_watch_count(w), 1);
  reed_session_t *b = sess(&f, "b", "xmpp", "Bob"); /* any protocol */
  ASSERT_LINES(rec_take(), "w PRESENCE Bob Bob on b@b.example watch");
  ASSERT_EQ(reed_session_set_nick(b, "BOB"), 0); /* case: no presence */
  ASSERT_LINES(rec_take(), "b NICK Bob BOB");
  ASSERT_EQ(reed_session_set_nick(b, "robert"), 0);
  ASSERT_LINES(rec_take(), "b NICK BOB robert\n"
                           "w PRESENCE BOB BOB off watch");
  ASSERT_EQ(reed_session_set_nick(x, "bob"), 0); /* someone else takes it */
  ASSERT_LINES(rec_take(), "w PRESENCE bob bob on x@x.example watch");
  reed_session_quit(x, "bye");
  ASSERT_LINES(rec_take(), "w PRESENCE bob bob off watch");
  ASSERT_EQ(reed_session_watch(w, "robert"), 0);
  reed_session_set_oper(w, true);
  ASSERT_EQ(reed_session_kill(w, "robert", "out"), 0);
  ASSERT_LINES(rec_take(), "b KILL watcher robert :out\n"
                           "w PRESENCE robert robert off watch");
  /* A watcher that is itself the nick hears about itself too. */
  ASSERT_EQ(reed_session_watch(w, "newname"), 0);
  ASSERT_EQ(reed_session_set_nick(w, "newname"), 0);
  ASSERT_LINES(rec_take(), "w NICK watcher newname\n"
                           "w PRESENCE newname newname on w@w.example watch");
  fx_done(&f);
}

TEST(watch_merge_goes_offline)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *w = sess(&f, "w", "irc", "watcher");
  reed_session_t *a = sess_acct(&f, "a", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "b", "alice", "alt");

  ASSERT_EQ(reed_session_watch(w, "alt"), 0);
  ASSERT_EQ(reed_session_watch(w, "alice"), 0);
  rec_clear();
  ASSERT_EQ(reed_session_set_nick(b, "alice"), 0);
  /* alice was already in use: only alt changes. */
  ASSERT_LINES(rec_take(), "b NICK alt alice\n"
                           "w PRESENCE alt alt off watch");
  reed_session_quit(a, "one of two");
  ASSERT_LINES(rec_take(), "");
  reed_session_quit(b, "last");
  ASSERT_LINES(rec_take(), "w PRESENCE alice alice off watch");
  fx_done(&f);
}

static char listed[256];

static void
list_cb(void *ud, const char *nick)
{
  (void)ud;
  strncat(listed, nick, sizeof(listed) - strlen(listed) - 2);
  strcat(listed, ",");
}

TEST(watch_limits_and_list)
{
  fx_t f;
  reed_model_opts_t o = {.server_name = "t", .max_watches = 2};

  fx_init_opts(&f, &o);
  reed_session_t *w = sess(&f, "w", "irc", "watcher");
  ASSERT_EQ(reed_model_watch_limit(f.m), 2);
  ASSERT_EQ(reed_session_watch(w, "*!u@h"), REED_EBADNICK);
  ASSERT_EQ(reed_session_watch(w, NULL), REED_EBADNICK);
  ASSERT_EQ(reed_session_watch(w, "Qux"), 0);
  ASSERT_EQ(reed_session_watch(w, "bazbat"), 0);
  ASSERT_EQ(reed_session_watch(w, "third"), REED_ELISTFULL);
  ASSERT_EQ(reed_session_watch(w, "QUX"), 0); /* already there: not full */
  listed[0] = '\0';
  reed_session_each_watch(w, list_cb, NULL);
  ASSERT_STR_EQ(listed, "Qux,bazbat,"); /* as given, in order */
  ASSERT_EQ(reed_session_unwatch(w, "qux"), 0);
  ASSERT_EQ(reed_session_unwatch(w, "qux"), REED_ENOTFOUND);
  ASSERT_EQ(reed_session_unwatch(w, "9bad"), REED_ENOTFOUND);
  ASSERT_EQ(reed_session_watch(w, "third"), 0);
  reed_session_unwatch_all(w);
  ASSERT_EQ(reed_session_watch_count(w), 0);
  reed_session_t *t = sess(&f, "t", "irc", "third");
  ASSERT_LINES(rec_take(), ""); /* nobody watches any more */
  (void)t;
  fx_done(&f);
}

TEST(watch_freed_with_session)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *w1 = sess(&f, "w1", "irc", "one");
  reed_session_t *w2 = sess(&f, "w2", "irc", "two");

  ASSERT_EQ(reed_session_watch(w1, "bob"), 0);
  ASSERT_EQ(reed_session_watch(w2, "bob"), 0);
  ASSERT_EQ(reed_session_watch(w2, "carol"), 0);
  reed_session_quit(w1, "bye");
  reed_session_t *b = sess(&f, "b", "irc", "bob");
  ASSERT_LINES(rec_take(), "w2 PRESENCE bob bob on b@b.example watch");
  ASSERT_EQ(reed_session_unwatch(w2, "bob"), 0);
  reed_session_quit(b, "bye");
  ASSERT_LINES(rec_take(), "");
  /* w2 still watches carol when the model is freed: no leak (fx_done). */
  fx_done(&f);
}

TEST(watch_extended_events_once)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *w = sess(&f, "w", "irc", "watcher");
  reed_session_t *b = sess(&f, "b", "irc", "bob");

  ASSERT_EQ(reed_session_watch(w, "bob"), 0);
  ASSERT_EQ(reed_session_set_away(b, "lunch"), 0);
  ASSERT_LINES(rec_take(), "b AWAY bob :lunch\n"
                           "w AWAY bob :lunch watch");
  ASSERT_EQ(reed_session_set_realname(b, "Bob B"), 0);
  ASSERT_EQ(reed_session_set_host(b, "bu", "bh"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "bobacct"), 0);
  ASSERT_EQ(reed_session_login(b, "bobacct"), 0);
  ASSERT_LINES(rec_take(), "b REALNAME bob :Bob B\n"
                           "w REALNAME bob :Bob B watch\n"
                           "b HOST bob b@b.example -> bu@bh\n"
                           "w HOST bob b@b.example -> bu@bh watch\n"
                           "b ACCOUNT bob bobacct\n"
                           "w ACCOUNT bob bobacct watch");
  /* Sharing a room: the room's delivery, once. */
  ASSERT_EQ(reed_room_join(w, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_set_away(b, NULL), 0);
  ASSERT_LINES(rec_take(), "w AWAY bob\n"
                           "b AWAY bob");
  ASSERT_EQ(reed_model_account_del(f.m, "bobacct"), 0);
  ASSERT_LINES(rec_take(), "w ACCOUNT bob *\n"
                           "b ACCOUNT bob *");
  ASSERT_EQ(reed_room_part(w, "r", NULL), 0);
  rec_clear();
  /* Unwatched: nothing more. */
  ASSERT_EQ(reed_session_unwatch(w, "bob"), 0);
  ASSERT_EQ(reed_session_set_away(b, "again"), 0);
  ASSERT_LINES(rec_take(), "b AWAY bob :again");
  fx_done(&f);
}
