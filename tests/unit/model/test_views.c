/* The model object, views, and the hash tables under load. */
#include "rec.h"

#include <stdio.h>

TEST(model_new_needs_a_clock)
{
  long live0 = reed_alloc_live();
  reed_model_t *m = (reed_model_t *)1;
  reed_clock_t noclock = {0};
  reed_model_opts_t o = {0};

  ASSERT_EQ(reed_model_new(NULL, &m), REED_EINVAL);
  ASSERT(m == NULL);
  ASSERT_EQ(reed_model_new(&o, &m), REED_EINVAL);
  o.clock = &noclock;
  ASSERT_EQ(reed_model_new(&o, &m), REED_EINVAL);
  reed_model_free(NULL);
  for (long n = 0; n < 2; n++) {
    fake_clock_t fc;
    fc_init(&fc);
    o.clock = &fc.clock;
    reed_alloc_fail_after(n);
    ASSERT_EQ(reed_model_new(&o, &m), REED_ENOMEM);
    reed_alloc_fail_after(-1);
    fc_cleanup(&fc);
  }
  ASSERT_EQ(reed_alloc_live(), live0);
}

static void
first_origin(void *ud, const reed_member_view_t *mv)
{
  snprintf(ud, 32, "%s/%s", mv->who.nick, mv->who.origin);
}

TEST(member_shows_earliest_joined_session)
{
  fx_t f;
  char buf[32];
  fx_init(&f);
  reed_session_t *i = sess_acct(&f, "i", "alice", "alice");
  reed_session_t *x = sess(&f, "x", "xmpp", NULL);
  reed_room_t *r;

  ASSERT_EQ(reed_session_login(x, "alice"), 0);
  ASSERT_EQ(reed_session_set_nick(x, "alice"), 0);
  ASSERT_EQ(reed_room_join(i, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(x, "r", NULL), 0);
  r = reed_room_find(f.m, "r");
  reed_room_each_member(r, first_origin, buf);
  ASSERT_STR_EQ(buf, "alice/irc");
  ASSERT_EQ(reed_room_part(i, "r", NULL), 0);
  ASSERT(reed_room_find(f.m, "r") == r); /* x is still joined */
  reed_room_each_member(r, first_origin, buf);
  ASSERT_STR_EQ(buf, "alice/xmpp");
  reed_member_view_t mv;
  ASSERT_EQ(reed_room_member(r, "alice", &mv), 0);
  ASSERT_EQ(mv.who.session_id, reed_session_id(x));
  ASSERT(mv.op); /* op belongs to the person, not the session */
  fx_done(&f);
}

static void
collect_nick(void *ud, const char *nick, bool op, bool voice)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 128 - n, "%s%s%s ", op ? "@" : "", voice ? "+" : "", nick);
}

static void
collect_view(void *ud, const reed_member_view_t *mv)
{
  collect_nick(ud, mv->who.nick, mv->op, mv->voice);
}

/* The light member list agrees with the full one: join order, prefixes,
 * and the current nick after a change. */
TEST(each_nick_matches_each_member)
{
  fx_t f;
  char light[128] = "", full[128] = "";
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");
  reed_session_t *c = sess(&f, "s3", "amp", "carol");
  reed_mode_change_t v = {.mode = REED_RMODE_VOICE, .set = true, .arg = "c"};
  reed_room_t *r;

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT_EQ(reed_session_set_nick(c, "c"), 0); /* renamed while joined */
  r = reed_room_find(f.m, "r");
  ASSERT_EQ(reed_room_set_modes(a, "r", &v, 1, NULL), 0);
  reed_room_each_nick(r, collect_nick, light);
  reed_room_each_member(r, collect_view, full);
  ASSERT_STR_EQ(light, "@alice bob +c ");
  ASSERT_STR_EQ(light, full);
  fx_done(&f);
}

TEST(person_view_and_idle)
{
  fx_t f;
  reed_person_view_t pv;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_model_find_nick(f.m, "alice", &pv), 0);
  ASSERT_EQ(pv.signon_ms, 1700000000000ull);
  ASSERT_EQ(pv.idle_since_ms, 1700000000000ull);
  ASSERT(!pv.oper);
  fc_advance(&f.fc, 2500);
  ASSERT_EQ(tell(a, "bob", "hi"), 0);
  reed_session_set_oper(a, true);
  ASSERT_EQ(reed_model_find_nick(f.m, "ALICE", &pv), 0);
  ASSERT_EQ(pv.idle_since_ms, 1700000002500ull);
  ASSERT(pv.oper);
  ASSERT_STR_EQ(pv.who.user, "s1");
  ASSERT_EQ(reed_model_find_nick(f.m, "1bad", &pv), REED_ENOSUCHNICK);
  fx_done(&f);
}

TEST(find_account_whatever_nick)
{
  reed_person_view_t pv;
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "ally");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "al2");
  sess(&f, "b", "irc", "bob");
  ASSERT_EQ(reed_model_account_add(f.m, "carol"), 0);

  ASSERT_EQ(reed_model_find_nick(f.m, "alice", &pv), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_model_find_account(f.m, "ALICE", &pv), 0);
  ASSERT_STR_EQ(pv.who.nick, "ally"); /* the earliest session's person */
  ASSERT_STR_EQ(pv.who.account, "alice");
  ASSERT_EQ(pv.sessions, 1);
  ASSERT_EQ(reed_model_find_account(f.m, "bob", &pv), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_model_find_account(f.m, "carol", &pv), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_model_find_account(f.m, "1bad", &pv), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_model_find_account(f.m, NULL, &pv), REED_ENOSUCHNICK);
  reed_session_quit(a1, NULL);
  ASSERT_EQ(reed_model_find_account(f.m, "alice", &pv), 0);
  ASSERT_STR_EQ(pv.who.nick, "al2");
  reed_session_quit(a2, NULL);
  ASSERT_EQ(reed_model_find_account(f.m, "alice", &pv), REED_ENOSUCHNICK);
  fx_done(&f);
}

/* Enough names to grow and shrink every table several times. */
TEST(tables_under_load)
{
  enum { N = 600 };
  static reed_session_t *s[N];
  reed_model_opts_t o = {.max_rooms = 2};
  reed_person_view_t pv;
  fx_t f;
  fx_init_opts(&f, &o);

  for (int i = 0; i < N; i++) {
    reed_session_info_t info = {.origin = "irc"};
    char nick[16], room[16];
    snprintf(nick, sizeof(nick), "Nick%d", i);
    snprintf(room, sizeof(room), "room%d", i % 50);
    ASSERT_EQ(reed_session_new(f.m, &info, &s[i]), 0);
    ASSERT_EQ(reed_session_set_nick(s[i], nick), 0);
    ASSERT_EQ(reed_room_join(s[i], room, NULL), 0);
  }
  for (int i = 0; i < N; i += 2)
    reed_session_quit(s[i], NULL);
  for (int i = 0; i < N; i++) {
    char nick[16];
    snprintf(nick, sizeof(nick), "nick%d", i);
    ASSERT_EQ(reed_model_find_nick(f.m, nick, &pv),
              i % 2 ? 0 : REED_ENOSUCHNICK);
    if (i % 2)
      ASSERT(reed_model_session_by_id(f.m, reed_session_id(s[i])) == s[i]);
  }
  reed_model_stats_t st;
  reed_model_stats(f.m, &st);
  ASSERT_EQ(st.sessions, N / 2);
  ASSERT_EQ(st.rooms, 25); /* the even rooms emptied */
  for (int i = 1; i < N; i += 2)
    reed_session_quit(s[i], NULL);
  ASSERT_EQ(reed_model_live_objects(f.m), 0);
  fx_done(&f);
}

static void
count_account(void *ud, const char *name)
{
  char *out = ud;

  /* Order is unspecified: mark each expected name once. */
  if (strcmp(name, "Alice") == 0)
    out[0]++;
  else if (strcmp(name, "bob") == 0)
    out[1]++;
  else
    out[2]++;
}

TEST(each_account_lists_names)
{
  fx_t f;
  char seen[3] = {0};
  fx_init(&f);

  reed_model_each_account(f.m, count_account, seen);
  ASSERT(seen[0] == 0 && seen[1] == 0 && seen[2] == 0);
  ASSERT_EQ(reed_model_account_add(f.m, "Alice"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "bob"), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "carol"), 0);
  ASSERT_EQ(reed_model_account_del(f.m, "CAROL"), 0);
  reed_model_each_account(f.m, count_account, seen);
  ASSERT(seen[0] == 1 && seen[1] == 1 && seen[2] == 0);
  fx_done(&f);
}
