/* Sessions, persons, accounts and the one nickname namespace. */
#include "rec.h"

#include <stdio.h>
#include <string.h>

TEST(session_new_ids_and_views)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", NULL);
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");

  ASSERT(reed_session_id(b) > reed_session_id(a));
  ASSERT(reed_model_session_by_id(f.m, reed_session_id(a)) == a);
  ASSERT(reed_model_session_by_id(f.m, 999) == NULL);
  ASSERT(reed_session_nick(a) == NULL);
  ASSERT_STR_EQ(reed_session_nick(b), "bob");
  ASSERT(reed_session_account(b) == NULL);
  ASSERT_STR_EQ((const char *)reed_session_ud(b), "s2");
  ASSERT(reed_model_clock(f.m) == &f.fc.clock);
  ASSERT_EQ(reed_model_live_objects(f.m), 4); /* 2 persons + 2 sessions */
  reed_session_quit(a, "bye");
  ASSERT(reed_model_session_by_id(f.m, 1) == NULL);
  ASSERT_EQ(reed_model_live_objects(f.m), 2);
  reed_session_quit(b, NULL);
  ASSERT_EQ(reed_model_live_objects(f.m), 0);
  ASSERT_LINES(rec_take(), "");
  fx_done(&f);
}

TEST(session_new_rejects_bad_info)
{
  fx_t f;
  reed_session_t *s = (reed_session_t *)1;
  fx_init(&f);
  reed_session_info_t bad[] = {
      {.origin = NULL},
      {.origin = "irc", .host = "a b"},
      {.origin = "irc", .user = ""},
      {.origin = "irc", .ip = "1.2.3.4\n"},
      {.origin = "irc", .realname = "bad\x01name"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    ASSERT_EQ(reed_session_new(f.m, &bad[i], &s), REED_EINVAL);
    ASSERT(s == NULL);
  }
  ASSERT_EQ(reed_session_new(f.m, NULL, &s), REED_EINVAL);
  reed_session_info_t ok = {.origin = "amp"};
  ASSERT_EQ(reed_session_new(f.m, &ok, &s), 0);
  ASSERT_EQ(reed_session_set_nick(s, "x"), 0); /* no listener: no crash */
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT_EQ(reed_model_live_objects(f.m), 3);
  fx_done(&f);
}

TEST(nick_errors)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", NULL);

  ASSERT_EQ(reed_session_set_nick(b, "9lives"), REED_EBADNICK);
  ASSERT_EQ(reed_session_set_nick(b, ""), REED_EBADNICK);
  ASSERT_EQ(reed_session_set_nick(b, NULL), REED_EBADNICK);
  ASSERT_EQ(reed_session_set_nick(b, "ALICE"), REED_ENICKINUSE);
  ASSERT_EQ(reed_model_account_add(f.m, "Carol"), 0);
  ASSERT_EQ(reed_session_set_nick(b, "carol"), REED_ENICKRESERVED);
  ASSERT_EQ(reed_session_set_nick(a, "CAROL"), REED_ENICKRESERVED);
  ASSERT_EQ(reed_session_set_nick(a, "alice"), 0); /* unchanged: no event */
  ASSERT_LINES(rec_take(), "");
  ASSERT_EQ(reed_session_set_nick(b, "bob"), 0); /* first nick: no event */
  ASSERT_LINES(rec_take(), "");
  ASSERT_EQ(reed_session_set_nick(a, "Alice"), 0); /* case change */
  ASSERT_LINES(rec_take(), "s1 NICK alice Alice");
  ASSERT_STR_EQ(reed_session_nick(a), "Alice");
  ASSERT_EQ(reed_session_set_nick(a, "al"), 0);
  ASSERT_EQ(reed_session_set_nick(b, "alice"), 0); /* freed by the change */
  ASSERT_LINES(rec_take(), "s1 NICK Alice al\n"
                           "s2 NICK bob alice");
  fx_done(&f);
}

TEST(nick_change_seen_by_room_sharers_once)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");
  reed_session_t *c = sess(&f, "s3", "amp", "carol");

  ASSERT_EQ(reed_room_join(a, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r3", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_set_nick(a, "alicia"), 0);
  ASSERT_LINES(rec_take(), "s1 NICK alice alicia\n"
                           "s2 NICK alice alicia");
  ASSERT(reed_model_find_nick(f.m, "alice", &(reed_person_view_t){0}) ==
         REED_ENOSUCHNICK);
  fx_done(&f);
}

TEST(shared_nick_joins_and_parts)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b = sess(&f, "b", "irc", "bob");
  reed_person_view_t pv;

  ASSERT_EQ(reed_model_find_nick(f.m, "ALICE", &pv), 0);
  ASSERT_EQ(pv.sessions, 2);
  ASSERT_EQ(pv.who.session_id, reed_session_id(a1));
  ASSERT_EQ(reed_room_join(b, "room", NULL), 0);
  ASSERT_EQ(reed_room_join(a1, "room", NULL), 0);
  ASSERT_LINES(rec_take(), "b JOIN bob room\n"
                           "b JOIN alice room\n"
                           "a1 JOIN alice room");
  ASSERT_EQ(reed_room_join(a2, "room", NULL), 0);
  ASSERT_LINES(rec_take(), "a2 JOIN alice room");
  ASSERT_EQ(reed_room_join(a2, "room", NULL), REED_EALREADYMEMBER);
  ASSERT_EQ(say(a1, "room", "hi"), 0);
  ASSERT_LINES(rec_take(), "a1 MSG alice room hi echo\n"
                           "b MSG alice room hi\n"
                           "a2 MSG alice room hi");
  ASSERT_EQ(reed_room_part(a1, "room", NULL), 0);
  ASSERT_LINES(rec_take(), "a1 PART alice room");
  ASSERT_EQ(say(a1, "room", "x"), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_part(a1, "room", NULL), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_part(a2, "room", "done"), 0);
  ASSERT_LINES(rec_take(), "b PART alice room :done\n"
                           "a2 PART alice room :done");
  fx_done(&f);
}

TEST(shared_nick_merge_rules)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "ali2");
  reed_session_t *a3 = sess_acct(&f, "a3", "alice", "ali3");
  reed_session_t *g = sess(&f, "g", "irc", "guest");

  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(a2, "r2", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_set_nick(a2, "alice"), REED_ENICKMERGE);
  ASSERT_EQ(reed_session_set_nick(g, "alice"), REED_ENICKINUSE);
  ASSERT_EQ(reed_session_set_nick(g, "ali3"), REED_ENICKINUSE);
  ASSERT_EQ(reed_session_set_nick(a3, "Alice"), 0); /* in no room: joins */
  ASSERT_LINES(rec_take(), "a3 NICK ali3 alice");
  ASSERT_STR_EQ(reed_session_nick(a3), "alice");
  ASSERT_EQ(reed_model_find_nick(f.m, "ali3", &(reed_person_view_t){0}),
            REED_ENOSUCHNICK);
  /* A nick change by one session changes it for all that share it. */
  ASSERT_EQ(reed_session_set_nick(a3, "alison"), 0);
  ASSERT_LINES(rec_take(), "a1 NICK alice alison\n"
                           "a3 NICK alice alison");
  ASSERT_STR_EQ(reed_session_nick(a1), "alison");
  fx_done(&f);
}

TEST(login_and_accounts)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *s = sess(&f, "s1", "irc", "zed");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_model_account_add(f.m, "_bad"), REED_EBADACCOUNT);
  ASSERT_EQ(reed_model_account_add(f.m, "Alice"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "alice"), REED_EACCOUNTEXISTS);
  ASSERT(reed_model_account_exists(f.m, "ALICE"));
  ASSERT(!reed_model_account_exists(f.m, "nobody"));
  ASSERT(!reed_model_account_exists(f.m, "no body"));
  ASSERT_EQ(reed_session_login(s, "nobody"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_session_login(s, "bad name"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_login(s, "alice"), 0);
  ASSERT_LINES(rec_take(), "s1 ACCOUNT zed Alice\n"
                           "s2 ACCOUNT zed Alice");
  ASSERT_STR_EQ(reed_session_account(s), "Alice");
  ASSERT_EQ(reed_session_login(s, "ALICE"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "other"), 0);
  ASSERT_EQ(reed_session_login(s, "other"), REED_EINVAL);
  ASSERT_EQ(reed_session_set_nick(s, "alice"), 0); /* its own reserved */
  rec_clear();
  ASSERT_EQ(reed_model_account_del(f.m, "nobody"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_model_account_del(f.m, "bad name"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_model_account_del(f.m, "alice"), 0);
  ASSERT_LINES(rec_take(), "s1 ACCOUNT alice *\n"
                           "s2 ACCOUNT alice *");
  ASSERT(reed_session_account(s) == NULL);
  reed_model_stats_t st;
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.accounts, 1);
  ASSERT_EQ(st.guests, 2);
  fx_done(&f);
}

TEST(quit_once_per_sharer)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_room_join(a, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r2", NULL), 0);
  rec_clear();
  reed_session_quit(a, "gone\x01"
                       "bad"); /* a bad reason is dropped */
  ASSERT_LINES(rec_take(), "s2 QUIT alice\n"
                           "s3 QUIT alice");
  reed_session_quit(b, "bye");
  ASSERT_LINES(rec_take(), "s3 QUIT bob :bye");
  reed_room_view_t v;
  reed_room_view(reed_room_find(f.m, "r2"), &v);
  ASSERT_EQ(v.members, 1);
  ASSERT(reed_room_find(f.m, "r1") == NULL); /* empty: gone */
  reed_session_quit(NULL, "x");
  fx_done(&f);
}

TEST(quit_of_one_shared_session_parts)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b = sess(&f, "b", "irc", "bob");

  ASSERT_EQ(reed_room_join(a1, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(a2, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(a2, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r2", NULL), 0);
  rec_clear();
  /* Only the quit's PARTs say so; reed_room_part's do not (above). */
  reed_session_quit(a2, "phone died");
  ASSERT_LINES(rec_take(), "b PART alice r2 :phone died quitting");
  reed_session_quit(a1, "bye");
  ASSERT_LINES(rec_take(), "b QUIT alice :bye");
  fx_done(&f);
}

TEST(kill_needs_oper)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *op = sess(&f, "op", "irc", "oper");
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b = sess(&f, "b", "irc", "bob");

  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_kill(op, "alice", "spam"), REED_ENOPRIV);
  ASSERT(!reed_session_is_oper(op));
  reed_session_set_oper(op, true);
  ASSERT(reed_session_is_oper(op));
  ASSERT_EQ(reed_session_kill(op, "nobody", "x"), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_session_kill(op, "bob", "bad\x02"), REED_EBADTEXT);
  ASSERT_EQ(reed_session_kill(op, "alice", "spam"), 0);
  ASSERT_LINES(rec_take(), "a1 KILL oper alice :spam\n"
                           "a2 KILL oper alice :spam\n"
                           "b QUIT alice :spam");
  ASSERT(reed_model_session_by_id(f.m, reed_session_id(b)) == b);
  ASSERT_EQ(reed_model_live_objects(f.m), 2 + 2 + 1);
  (void)a2;
  fx_done(&f);
}

TEST(away_realname_host_bot)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");
  reed_session_t *n = sess(&f, "s4", "irc", NULL);
  reed_person_view_t pv;

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_session_set_away(a, "lunch"), 0);
  ASSERT_EQ(reed_session_set_away(a, "bad\nline"), REED_EBADTEXT);
  ASSERT_EQ(reed_model_find_nick(f.m, "alice", &pv), 0);
  ASSERT_STR_EQ(pv.away, "lunch");
  ASSERT_EQ(reed_session_set_away(a, NULL), 0);
  ASSERT_EQ(reed_session_set_away(a, ""), 0); /* already back: nothing */
  ASSERT_EQ(reed_session_set_realname(a, "Alice A."), 0);
  ASSERT_EQ(reed_session_set_realname(a, "a\x01"), REED_EBADTEXT);
  ASSERT_EQ(reed_session_set_realname(a, NULL), REED_EBADTEXT);
  ASSERT_EQ(reed_session_set_host(a, "al", "cloak.example"), 0);
  ASSERT_EQ(reed_session_set_host(a, "al", "bad host"), REED_EINVAL);
  ASSERT_EQ(reed_session_set_host(a, NULL, "h"), REED_EINVAL);
  ASSERT_EQ(reed_session_set_bot(a, true), 0);
  /* An oper's CHGHOST changes every session of the person. */
  ASSERT_EQ(reed_session_chghost(b, "alice", "vhost.example"), REED_ENOPRIV);
  reed_session_set_oper(b, true);
  ASSERT_EQ(reed_session_chghost(b, "nobody", "v"), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_session_chghost(b, "alice", "bad host"), REED_EINVAL);
  ASSERT_EQ(reed_session_chghost(b, "ALICE", "vhost.example"), 0);
  ASSERT_LINES(rec_take(), "s1 AWAY alice :lunch\n"
                           "s2 AWAY alice :lunch\n"
                           "s1 AWAY alice\n"
                           "s2 AWAY alice\n"
                           "s1 REALNAME alice :Alice A.\n"
                           "s2 REALNAME alice :Alice A.\n"
                           "s1 HOST alice s1@s1.example -> al@cloak.example\n"
                           "s2 HOST alice s1@s1.example -> al@cloak.example\n"
                           "s1 HOST alice al@cloak.example -> "
                           "al@vhost.example\n"
                           "s2 HOST alice al@cloak.example -> "
                           "al@vhost.example");
  ASSERT_EQ(reed_model_find_nick(f.m, "alice", &pv), 0);
  ASSERT(pv.who.bot);
  ASSERT_STR_EQ(pv.who.realname, "Alice A.");
  ASSERT_STR_EQ(pv.who.host, "vhost.example");
  ASSERT_STR_EQ(pv.who.origin, "irc");
  ASSERT(pv.away == NULL);
  /* Without a nick nobody is told. */
  ASSERT_EQ(reed_session_set_away(n, "x"), 0);
  ASSERT_EQ(reed_session_set_realname(n, "x"), 0);
  ASSERT_EQ(reed_session_set_host(n, "x", "y"), 0);
  ASSERT_LINES(rec_take(), "");
  (void)c;
  fx_done(&f);
}

/* Operator announcements reach the sessions that asked, in any protocol,
 * and the sender, once each. */
TEST(announce_to_those_who_asked)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "amp", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");
  reed_session_t *n = sess(&f, "s4", "irc", NULL);

  ASSERT_EQ(reed_model_announce(a, "hi"), REED_ENOPRIV);
  reed_session_set_oper(a, true);
  reed_session_set_oper(n, true);
  reed_session_set_announcements(b, true);
  ASSERT(reed_session_announcements(b));
  ASSERT(!reed_session_announcements(c));
  ASSERT_EQ(reed_model_announce(a, ""), REED_EBADTEXT);
  ASSERT_EQ(reed_model_announce(a, "two\nlines"), REED_EBADTEXT);
  ASSERT_EQ(reed_model_announce(n, "no nick"), REED_EINVAL);
  rec_clear();
  ASSERT_EQ(reed_model_announce(a, "restart at noon"), 0);
  ASSERT_LINES(rec_take(), "s1 ANNOUNCE alice :restart at noon\n"
                           "s2 ANNOUNCE alice :restart at noon");
  reed_session_set_announcements(a, true);
  reed_session_set_announcements(b, false);
  ASSERT_EQ(reed_model_announce(a, "again"), 0);
  ASSERT_LINES(rec_take(), "s1 ANNOUNCE alice :again");
  /* The server's own: no sender, to those who asked only. */
  ASSERT_EQ(reed_model_announce_server(f.m, "a\rb"), REED_EBADTEXT);
  ASSERT_EQ(reed_model_announce_server(f.m, "store degraded"), 0);
  ASSERT_LINES(rec_take(), "s1 ANNOUNCE * :store degraded");
  (void)c;
  fx_done(&f);
}

TEST(stats_count_everything)
{
  fx_t f;
  reed_model_stats_t st;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  sess_acct(&f, "a2", "alice", "alice");
  sess(&f, "g", "irc", "guest");

  reed_session_set_oper(a1, true);
  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.sessions, 3);
  ASSERT_EQ(st.persons, 2);
  ASSERT_EQ(st.guests, 1);
  ASSERT_EQ(st.rooms, 1);
  ASSERT_EQ(st.opers, 1);
  ASSERT_EQ(st.accounts, 1);
  /* The counts follow the changes: an oper twice and then not, a guest
   * logging in, an account deleted (its person becomes a guest), quits. */
  reed_session_set_oper(a1, true);
  reed_session_t *g2 = sess(&f, "g2", "irc", "guest2");
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.opers, 1);
  ASSERT_EQ(st.guests, 2);
  ASSERT_EQ(reed_model_account_add(f.m, "bob"), 0);
  ASSERT_EQ(reed_session_login(g2, "bob"), 0);
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.guests, 1);
  ASSERT_EQ(reed_model_account_del(f.m, "alice"), 0);
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.guests, 2);
  reed_session_quit(a1, "bye");
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.opers, 0);
  ASSERT_EQ(st.guests, 2);
  reed_session_quit(g2, "bye");
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.guests, 1 + 1); /* a2 (alice's other session) and g */
  fx_done(&f);
}

/* A listener that quits its own session when it hears a message: the quit
 * must wait until the fan-out is done. */
static reed_session_t *quitter;

static void
quit_on_msg(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  rec_listener.on_event(ud, s, ev);
  if (ev->kind == REED_EV_MESSAGE && s == quitter)
    reed_session_quit(s, "queue full");
}

TEST(quit_inside_fanout_is_deferred)
{
  static const reed_session_listener_t l = {.on_event = quit_on_msg};
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_info_t info = {
      .origin = "irc", .listener = &l, .ud = (void *)"s2"};
  reed_session_t *b, *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_session_new(f.m, &info, &b), 0);
  ASSERT_EQ(reed_session_set_nick(b, "bob"), 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  quitter = b;
  rec_clear();
  ASSERT_EQ(say(a, "r", "hi"), 0);
  ASSERT_LINES(rec_take(), "s1 MSG alice r hi echo\n"
                           "s2 MSG alice r hi\n"
                           "s3 MSG alice r hi\n"
                           "s1 QUIT bob :queue full\n"
                           "s3 QUIT bob :queue full");
  ASSERT(reed_model_find_nick(f.m, "bob", &(reed_person_view_t){0}) ==
         REED_ENOSUCHNICK);
  fx_done(&f);
}

static int heard;

static void
quit_on_anything(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  (void)ud;
  (void)ev;
  heard++;
  reed_session_quit(s, "flood");
}

static void
quit_on_logout(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  if (ev->kind == REED_EV_ACCOUNT && ev->from.account == NULL)
    quit_on_anything(ud, s, ev);
}

TEST(many_quits_inside_fanouts)
{
  static const reed_session_listener_t l = {.on_event = quit_on_anything};
  static const reed_session_listener_t lo = {.on_event = quit_on_logout};
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_info_t info = {.origin = "irc", .listener = &l};

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "acct"), 0);
  for (int i = 0; i < 200; i++) {
    reed_session_t *s;
    char nick[16];
    snprintf(nick, sizeof(nick), "n%d", i);
    ASSERT_EQ(reed_session_new(f.m, &info, &s), 0);
    ASSERT_EQ(reed_session_set_nick(s, nick), 0);
    if (i % 2)
      ASSERT_EQ(reed_session_login(s, "acct"), 0); /* quits on ACCOUNT */
    else
      ASSERT_EQ(reed_room_join(s, "r", NULL), 0); /* quits on its JOIN */
  }
  ASSERT_EQ(reed_model_live_objects(f.m), 3);
  rec_clear();
  heard = 0;
  info.listener = &lo;
  for (int i = 0; i < 100; i++) {
    reed_session_t *s;
    char nick[16];
    snprintf(nick, sizeof(nick), "m%d", i);
    ASSERT_EQ(reed_session_new(f.m, &info, &s), 0);
    ASSERT_EQ(reed_session_set_nick(s, nick), 0);
    ASSERT_EQ(reed_session_login(s, "acct"), 0);
  }
  ASSERT_EQ(heard, 0);
  ASSERT_EQ(reed_model_account_del(f.m, "acct"), 0);
  ASSERT_EQ(heard, 100); /* each heard its ACCOUNT and quit afterwards */
  ASSERT_EQ(reed_model_live_objects(f.m), 3);
  fx_done(&f);
}

TEST(self_kill_and_quit_on_own_echo)
{
  static const reed_session_listener_t l = {.on_event = quit_on_msg};
  fx_t f;
  fx_init(&f);
  reed_session_t *op = sess(&f, "op", "irc", "oper");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_info_t info = {
      .origin = "irc", .listener = &l, .ud = (void *)"s3"};
  reed_session_t *c;

  ASSERT_EQ(reed_session_new(f.m, &info, &c), 0);
  ASSERT_EQ(reed_session_set_nick(c, "carol"), 0);
  ASSERT_EQ(reed_room_join(op, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  quitter = c;
  rec_clear();
  ASSERT_EQ(say(c, "r", "last words"), 0); /* c quits on its own echo */
  ASSERT_LINES(rec_take(), "s3 MSG carol r last words echo\n"
                           "op MSG carol r last words\n"
                           "s2 MSG carol r last words\n"
                           "op QUIT carol :queue full\n"
                           "s2 QUIT carol :queue full");
  reed_session_set_oper(op, true);
  ASSERT_EQ(reed_session_kill(op, "oper", "self"), 0); /* op is gone */
  ASSERT_LINES(rec_take(), "op KILL oper oper :self\n"
                           "s2 QUIT oper :self");
  ASSERT_EQ(reed_model_live_objects(f.m), 3);
  fx_done(&f);
}

/* `reed account del`: every session of the account gets a server KILL
 * (no killer nick) with the reason and goes; the others see one QUIT. */
TEST(account_end_kills_its_sessions)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess(&f, "s1", "irc", "alice");
  reed_session_t *a2 = sess(&f, "s2", "amp", "alice2");
  reed_session_t *g = sess(&f, "s3", "irc", "guest");

  ASSERT_EQ(reed_model_account_add(f.m, "acct"), 0);
  ASSERT_EQ(reed_session_login(a1, "acct"), 0);
  ASSERT_EQ(reed_session_login(a2, "acct"), 0);
  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(g, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_model_account_end(f.m, "nobody", "Account deleted"), 0);
  ASSERT_EQ(reed_model_account_end(f.m, "acct", "bad\nreason"), REED_EBADTEXT);
  ASSERT_EQ(reed_model_account_end(f.m, "ACCT", "Account deleted"), 2);
  ASSERT_LINES(rec_take(), "s1 KILL * alice :Account deleted\n"
                           "s3 QUIT alice :Account deleted\n"
                           "s2 KILL * alice2 :Account deleted");
  ASSERT(reed_session_nick(g) != NULL);
  ASSERT_EQ(reed_model_account_end(f.m, "acct", "again"), 0);
  fx_done(&f);
}

/* A protocol that moves a session to another connection (XMPP stream
 * resumption) repoints its listener: events go to the new ud. */
TEST(session_set_listener_moves_events)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");
  const char *out;

  reed_session_set_listener(b, &rec_listener, (void *)"s2-moved");
  ASSERT_STR_EQ((const char *)reed_session_ud(b), "s2-moved");
  ASSERT_EQ(tell(a, "bob", "hi"), 0);
  out = rec_take();
  ASSERT(strstr(out, "s2-moved") != NULL);
  ASSERT(strstr(out, "s2 ") == NULL);
  reed_session_quit(a, NULL);
  reed_session_quit(b, NULL);
  rec_take();
  fx_done(&f);
}
