/* Room affiliations: ownership at creation, op on join, admission of
 * owners, what an emptied room keeps, who may change what (a table), the
 * events and their consequences, outcasts as account bans, unregistering
 * and the loader. */
#include "rec.h"

#include <stdio.h>

static void
collect_aff(void *ud, const reed_aff_entry_t *e)
{
  static const char *const names[] = {"none", "outcast", "member", "admin",
                                      "owner"};
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s=%s/%s ", e->account, names[e->aff], e->by);
}

static const char *
affs(fx_t *f, const char *room, reed_affiliation_t which)
{
  static char out[256];

  out[0] = '\0';
  reed_room_each_affiliation(reed_room_lookup(f->m, room), which, collect_aff,
                             out);
  return out;
}

static reed_affiliation_t
aff_of(fx_t *f, const char *room, const char *account)
{
  return reed_room_affiliation(reed_room_lookup(f->m, room), account);
}

static bool
is_op(fx_t *f, const char *room, const char *nick)
{
  reed_member_view_t mv;

  ASSERT_EQ(reed_room_member(reed_room_find(f->m, room), nick, &mv), 0);
  return mv.op;
}

TEST(aff_logged_in_creator_owns_the_room)
{
  fx_t f;
  reed_member_view_t mv;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *g = sess(&f, "s2", "irc", "guest");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  /* The AFFILIATION comes before the JOIN, to nobody yet in the room. */
  ASSERT_LINES(rec_take(), "s1 JOIN alice r");
  ASSERT(reed_room_registered(reed_room_find(f.m, "r")));
  ASSERT_EQ(aff_of(&f, "r", "ALICE"), REED_AFF_OWNER);
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "r"), "alice", &mv), 0);
  ASSERT(mv.op);
  ASSERT_EQ(mv.aff, REED_AFF_OWNER);
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_NONE), "alice=owner/alice ");
  /* A guest's new room has no owner; its first member gets op. */
  ASSERT_EQ(reed_room_join(g, "g", NULL), 0);
  ASSERT(!reed_room_registered(reed_room_find(f.m, "g")));
  ASSERT(is_op(&f, "g", "guest"));
  ASSERT_EQ(aff_of(&f, "g", NULL), REED_AFF_NONE);
  ASSERT_EQ(reed_room_affiliation(NULL, "alice"), REED_AFF_NONE);
  /* Joining a room with members claims nothing. */
  ASSERT_EQ(reed_room_join(a, "g", NULL), 0);
  ASSERT_EQ(aff_of(&f, "g", "alice"), REED_AFF_NONE);
  ASSERT(!is_op(&f, "g", "alice"));
  fx_done(&f);
}

TEST(aff_registered_room_keeps_state_and_gives_no_first_op)
{
  fx_t f;
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess_acct(&f, "s3", "carol", "carol");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(a, "r", "kept"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_MODERATED, true, NULL), 0);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT(reed_room_find(f.m, "r") == NULL);
  ASSERT(reed_room_lookup(f.m, "R") != NULL); /* dormant, registered */
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT(!is_op(&f, "r", "bob")); /* arriving first gives nothing */
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT_STR_EQ(v.topic, "kept");
  ASSERT(v.moderated);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT(!is_op(&f, "r", "carol"));
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT(is_op(&f, "r", "alice")); /* the owner does */
  fx_done(&f);
}

TEST(aff_owner_gets_in_past_everything)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "s2", "alice", "alice2");
  reed_session_t *b = sess_acct(&f, "s3", "bob", "bob");
  reed_session_t *g = sess(&f, "s4", "irc", "guest");
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_INVITEONLY, .set = true},
      {.mode = REED_RMODE_KEY, .set = true, .arg = "pw"},
      {.mode = REED_RMODE_LIMIT, .set = true, .arg = "1"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "*!*@*"},
  };

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "r", ch, 4, NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_MEMBER, NULL), 0);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(g, "r", "pw"), REED_EBANNED);
  /* A member passes invite-only, not the ban, key or limit. */
  ASSERT_EQ(reed_room_join(b, "r", "pw"), REED_EBANNED);
  ASSERT_EQ(mode1(a2, "r", REED_RMODE_BAN, false, "*!*@*"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, false, "*!*@*"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_LIMIT, false, NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", "pw"), 0);
  ASSERT_EQ(reed_room_join(g, "r", "pw"), REED_EINVITEONLY);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_part(b, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_LIMIT, true, "1"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a2, "r", NULL), 0); /* another of her nicks */
  ASSERT(is_op(&f, "r", "alice2"));
  fx_done(&f);
}

TEST(aff_ownerless_room_forgets_when_it_empties)
{
  fx_t f;
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *b = sess(&f, "s1", "irc", "bob");
  reed_session_t *c = sess(&f, "s2", "irc", "carol");

  ASSERT_EQ(reed_room_join(b, "g", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(b, "g", "gone"), 0);
  ASSERT_EQ(say(b, "g", "kept"), 0);
  ASSERT_EQ(mode1(b, "g", REED_RMODE_INVITEONLY, true, NULL), 0);
  ASSERT_EQ(mode1(b, "g", REED_RMODE_KEY, true, "pw"), 0);
  ASSERT_EQ(mode1(b, "g", REED_RMODE_BAN, true, "carol"), 0);
  ASSERT_EQ(reed_room_invite(b, "g", "carol"), 0);
  ASSERT_EQ(reed_room_part(b, "g", NULL), 0);
  /* Nobody could ever open it again: it forgets. */
  ASSERT_EQ(reed_room_join(c, "g", NULL), 0);
  ASSERT(is_op(&f, "g", "carol"));
  reed_room_view(reed_room_find(f.m, "g"), &v);
  ASSERT(v.topic == NULL && v.key == NULL && !v.invite_only);
  ASSERT(v.no_external && v.created_ms > 0);
  ASSERT_STR_EQ(affs(&f, "g", REED_AFF_NONE), "");
  fx_done(&f);
}

static void
count_hist(void *ud, const reed_hist_entry_t *e)
{
  (void)e;
  (*(int *)ud)++;
}

TEST(aff_forgotten_room_keeps_history)
{
  fx_t f;
  int n = 0;
  reed_hist_query_t q = {.dir = REED_HIST_LATEST, .limit = 10};
  fx_init(&f);
  reed_session_t *b = sess(&f, "s1", "irc", "bob");

  ASSERT_EQ(reed_room_join(b, "g", NULL), 0);
  ASSERT_EQ(say(b, "g", "kept"), 0);
  ASSERT_EQ(reed_room_part(b, "g", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "g", NULL), 0);
  ASSERT_EQ(reed_history_room(b, "g", &q, count_hist, &n), 0);
  ASSERT_EQ(n, 1);
  fx_done(&f);
}

/* Who may change what: alice owns #r, bob is admin, carol member, dave
 * has nothing, erin is the target (set to `from` first, by alice). */
typedef struct {
  const char *setter; /* alice, bob, carol, dave, oper */
  reed_affiliation_t from, to;
  int rc;
} perm_row_t;

static const perm_row_t perm_rows[] = {
    {"alice", REED_AFF_NONE, REED_AFF_OWNER, 0},
    {"alice", REED_AFF_NONE, REED_AFF_ADMIN, 0},
    {"alice", REED_AFF_OWNER, REED_AFF_NONE, 0},
    {"alice", REED_AFF_ADMIN, REED_AFF_OUTCAST, 0},
    {"alice", REED_AFF_MEMBER, REED_AFF_MEMBER, 0},
    {"bob", REED_AFF_NONE, REED_AFF_MEMBER, 0},
    {"bob", REED_AFF_NONE, REED_AFF_OUTCAST, 0},
    {"bob", REED_AFF_MEMBER, REED_AFF_NONE, 0},
    {"bob", REED_AFF_OUTCAST, REED_AFF_MEMBER, 0},
    {"bob", REED_AFF_NONE, REED_AFF_ADMIN, REED_ENOPRIV},
    {"bob", REED_AFF_NONE, REED_AFF_OWNER, REED_ENOPRIV},
    {"bob", REED_AFF_ADMIN, REED_AFF_NONE, REED_ENOPRIV},
    {"bob", REED_AFF_OWNER, REED_AFF_OUTCAST, REED_ENOPRIV},
    {"carol", REED_AFF_NONE, REED_AFF_MEMBER, REED_ENOPRIV},
    {"dave", REED_AFF_NONE, REED_AFF_OUTCAST, REED_ENOPRIV},
    {"oper", REED_AFF_NONE, REED_AFF_OWNER, 0},
    {"oper", REED_AFF_ADMIN, REED_AFF_NONE, 0},
};

TEST(aff_who_may_change_what)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(perm_rows); i++) {
    const perm_row_t *row = &perm_rows[i];
    fx_t f;
    fx_init(&f);
    reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
    reed_session_t *b = sess_acct(&f, "s2", "bob", "bob");
    reed_session_t *c = sess_acct(&f, "s3", "carol", "carol");
    reed_session_t *d = sess_acct(&f, "s4", "dave", "dave");
    reed_session_t *o = sess(&f, "s5", "irc", "oper");
    reed_session_t *who = !strcmp(row->setter, "alice")   ? a
                          : !strcmp(row->setter, "bob")   ? b
                          : !strcmp(row->setter, "carol") ? c
                          : !strcmp(row->setter, "dave")  ? d
                                                          : o;
    ASSERT_EQ(reed_model_account_add(f.m, "erin"), 0);
    reed_session_set_oper(o, true);
    ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
    ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_ADMIN, NULL),
              0);
    ASSERT_EQ(reed_room_set_affiliation(a, "r", "carol", REED_AFF_MEMBER, NULL),
              0);
    ASSERT_EQ(reed_room_set_affiliation(a, "r", "erin", row->from, NULL), 0);
    if (reed_room_set_affiliation(who, "r", "Erin", row->to, "why") !=
        row->rc) {
      fprintf(stderr, "row %zu\n", i);
      ASSERT(0);
    }
    ASSERT_EQ(aff_of(&f, "r", "erin"), row->rc == 0 ? row->to : row->from);
    fx_done(&f);
  }
}

TEST(aff_errors)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");

  ASSERT_EQ(reed_room_set_affiliation(a, "r", "alice", REED_AFF_NONE, NULL),
            REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "nobody", REED_AFF_MEMBER, NULL),
            REED_ENOACCOUNT);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "a b", REED_AFF_MEMBER, NULL),
            REED_ENOACCOUNT);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", NULL, REED_AFF_MEMBER, NULL),
            REED_ENOACCOUNT);
  ASSERT_EQ(
      reed_room_set_affiliation(a, "r", "alice", (reed_affiliation_t)9, NULL),
      REED_EINVAL);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "alice", REED_AFF_NONE, "a\x01"),
            REED_EBADTEXT);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "alice", REED_AFF_ADMIN, NULL),
            REED_ELASTOWNER);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "alice", REED_AFF_OUTCAST, NULL),
            REED_ELASTOWNER);
  rec_clear();
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "alice", REED_AFF_OWNER, NULL),
            0);
  ASSERT_LINES(rec_take(), ""); /* nothing changed, nothing said */
  fx_done(&f);
}

TEST(aff_events_op_and_kick)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "bob");
  reed_session_t *b2 = sess_acct(&f, "s3", "bob", "bob");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b2, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_ADMIN, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 AFF alice r bob none>admin nick=bob\n"
                           "s2 AFF alice r bob none>admin nick=bob\n"
                           "s3 AFF alice r bob none>admin nick=bob\n"
                           "s1 MODE alice r +o bob\n"
                           "s2 MODE alice r +o bob\n"
                           "s3 MODE alice r +o bob");
  ASSERT(is_op(&f, "r", "bob"));
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_MEMBER, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 AFF alice r bob admin>member nick=bob\n"
                           "s2 AFF alice r bob admin>member nick=bob\n"
                           "s3 AFF alice r bob admin>member nick=bob\n"
                           "s1 MODE alice r -o bob\n"
                           "s2 MODE alice r -o bob\n"
                           "s3 MODE alice r -o bob");
  /* Op given by hand is not the affiliation's to take. */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_OP, true, "bob"), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_NONE, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 AFF alice r bob member>none nick=bob\n"
                           "s2 AFF alice r bob member>none nick=bob\n"
                           "s3 AFF alice r bob member>none nick=bob");
  ASSERT(is_op(&f, "r", "bob"));
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_OUTCAST, "out"),
            0);
  ASSERT_LINES(rec_take(), "s1 AFF alice r bob none>outcast nick=bob :out\n"
                           "s2 AFF alice r bob none>outcast nick=bob :out\n"
                           "s3 AFF alice r bob none>outcast nick=bob :out\n"
                           "s1 KICK alice r bob :out\n"
                           "s2 KICK alice r bob :out\n"
                           "s3 KICK alice r bob :out");
  ASSERT_EQ(reed_room_join(b, "r", NULL), REED_EBANNED);
  fx_done(&f);
}

static void
collect_list(void *ud, const reed_list_entry_t *e)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s%s ", e->account ? "account:" : "", e->mask);
}

TEST(aff_outcast_is_the_account_ban)
{
  fx_t f;
  char list[256] = "";
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "bob");
  reed_mode_change_t ban = {
      .mode = REED_RMODE_BAN, .set = true, .arg = "carol", .account = true};

  ASSERT_EQ(reed_model_account_add(f.m, "carol"), 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_ADMIN, NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "r", &ban, 1, NULL), 0);
  ASSERT_EQ(aff_of(&f, "r", "CAROL"), REED_AFF_OUTCAST);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "dave", REED_AFF_OUTCAST, NULL),
            REED_ENOACCOUNT);
  ASSERT_EQ(reed_model_account_add(f.m, "dave"), 0);
  ASSERT_EQ(reed_room_set_affiliation(b, "r", "dave", REED_AFF_OUTCAST, NULL),
            0);
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_BAN, collect_list,
                      list);
  ASSERT_STR_EQ(list, "account:carol account:dave ");
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_NONE),
                "alice=owner/alice bob=admin/alice carol=outcast/alice "
                "dave=outcast/bob ");
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_OUTCAST),
                "carol=outcast/alice dave=outcast/bob ");
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_ADMIN), "bob=admin/alice ");
  /* MODE -b of an account ban is the outcast going. */
  ban.set = false;
  ASSERT_EQ(reed_room_set_modes(a, "r", &ban, 1, NULL), 0);
  ASSERT_EQ(aff_of(&f, "r", "carol"), REED_AFF_NONE);
  /* An account ban on an admin needs an owner and replaces the admin. */
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "carol", REED_AFF_ADMIN, NULL),
            0);
  ban.set = true;
  ASSERT_EQ(reed_room_set_modes(b, "r", &ban, 1, NULL), REED_ENOPRIV);
  ASSERT_EQ(reed_room_set_modes(a, "r", &ban, 1, NULL), 0);
  ASSERT_EQ(aff_of(&f, "r", "carol"), REED_AFF_OUTCAST);
  ban.arg = "alice";
  ASSERT_EQ(reed_room_set_modes(a, "r", &ban, 1, NULL), REED_ELASTOWNER);
  fx_done(&f);
}

TEST(aff_registration_by_an_op)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *g = sess(&f, "s1", "irc", "guest");
  reed_session_t *d = sess_acct(&f, "s2", "dave", "dave");
  reed_session_t *c = sess_acct(&f, "s3", "carol", "carol");

  ASSERT_EQ(reed_room_join(g, "g", NULL), 0);
  ASSERT_EQ(reed_room_join(d, "g", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "g", NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(d, "g", "dave", REED_AFF_OWNER, NULL),
            REED_ENOPRIV); /* not op */
  ASSERT_EQ(mode1(g, "g", REED_RMODE_OP, true, "dave"), 0);
  ASSERT_EQ(reed_room_set_affiliation(d, "g", "carol", REED_AFF_OWNER, NULL),
            REED_ENOPRIV); /* only itself */
  rec_clear();
  ASSERT_EQ(reed_room_set_affiliation(d, "g", "dave", REED_AFF_OWNER, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 AFF dave g dave none>owner nick=dave\n"
                           "s2 AFF dave g dave none>owner nick=dave\n"
                           "s3 AFF dave g dave none>owner nick=dave");
  ASSERT(reed_room_registered(reed_room_find(f.m, "g")));
  ASSERT(is_op(&f, "g", "guest")); /* op given before stays */
  fx_done(&f);
}

TEST(aff_unregister)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "bob");
  reed_session_t *g = sess(&f, "s3", "irc", "guest");

  ASSERT_EQ(reed_room_unregister(a, "r"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "bob", REED_AFF_OWNER, NULL), 0);
  ASSERT_EQ(reed_model_account_add(f.m, "carol"), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "r", "carol", REED_AFF_OUTCAST, NULL),
            0);
  ASSERT_EQ(reed_room_unregister(g, "r"), REED_ENOPRIV);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, true, NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_unregister(b, "r"), 0); /* an owner not in the room */
  ASSERT_LINES(rec_take(), "s1 AFF bob r alice owner>none nick=alice\n"
                           "s1 MODE bob r -o alice\n"
                           "s1 AFF bob r bob owner>none");
  ASSERT(!reed_room_registered(reed_room_find(f.m, "r")));
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_NONE), "carol=outcast/alice ");
  ASSERT_EQ(reed_room_unregister(a, "r"), REED_EINVAL);
  /* Settings stay while people are in, and go when it empties. */
  ASSERT_EQ(reed_room_join(g, "r", NULL), REED_EINVITEONLY);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(g, "r", NULL), 0);
  ASSERT(is_op(&f, "r", "guest"));
  fx_done(&f);
}

TEST(aff_unregister_dormant_forgets)
{
  fx_t f;
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(a, "r", "t"), 0);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  reed_room_view(reed_room_lookup(f.m, "r"), &v);
  ASSERT_STR_EQ(v.topic, "t");
  ASSERT_EQ(reed_room_unregister(a, "r"), 0);
  reed_room_view(reed_room_lookup(f.m, "r"), &v);
  ASSERT(v.topic == NULL);
  fx_done(&f);
}

static void
collect_nicks(void *ud, const char *nick, bool op, bool voice,
              reed_affiliation_t aff)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s:%d%d%d ", nick, op, voice, (int)aff);
}

TEST(aff_views_and_loader)
{
  fx_t f;
  char nicks[256] = "";
  reed_member_view_t mv;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "bob");
  reed_session_t *g = sess(&f, "s3", "irc", "guest");

  ASSERT_EQ(
      reed_room_load_affiliation(f.m, "r", "alice", REED_AFF_OWNER, "x", 5), 0);
  ASSERT_EQ(
      reed_room_load_affiliation(f.m, "r", "bob", REED_AFF_MEMBER, NULL, 6), 0);
  ASSERT_EQ(
      reed_room_load_affiliation(f.m, "r", "carol", REED_AFF_OUTCAST, "", 7),
      0);
  ASSERT(reed_room_find(f.m, "r") == NULL); /* dormant */
  ASSERT(reed_room_registered(reed_room_lookup(f.m, "r")));
  ASSERT_EQ(
      reed_room_load_affiliation(f.m, "a b", "alice", REED_AFF_OWNER, NULL, 0),
      REED_EBADROOM);
  ASSERT_EQ(
      reed_room_load_affiliation(f.m, "r", "a b", REED_AFF_OWNER, NULL, 0),
      REED_EINVAL);
  ASSERT_EQ(reed_room_load_affiliation(f.m, "r", "x", REED_AFF_NONE, NULL, 0),
            REED_EINVAL);
  ASSERT_EQ(reed_room_load_affiliation(f.m, "r", "x", REED_AFF_OWNER, "a b", 0),
            REED_EINVAL);
  ASSERT_EQ(reed_room_join(g, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  reed_room_each_nick_aff(reed_room_find(f.m, "r"), collect_nicks, nicks);
  ASSERT_STR_EQ(nicks, "guest:000 bob:002 alice:104 ");
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "r"), "bob", &mv), 0);
  ASSERT_EQ(mv.aff, REED_AFF_MEMBER);
  ASSERT_STR_EQ(affs(&f, "r", REED_AFF_NONE),
                "alice=owner/x bob=member/ carol=outcast/ ");
  fx_done(&f);
}

TEST(aff_owner_keeps_op_rights_and_service_nicks)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *g = sess(&f, "s2", "irc", "guest");
  reed_session_t *n = sess(&f, "s3", "irc", NULL);

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_TOPICLOCK, true, NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_OP, false, "alice"), 0);
  ASSERT_EQ(reed_room_set_topic(a, "r", "still mine"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_OP, true, "alice"), 0);
  ASSERT(is_op(&f, "r", "alice"));
  /* A service's nick is nobody's. */
  ASSERT_EQ(reed_model_reserve_nick(f.m, "ChanServ"), 0);
  ASSERT_EQ(reed_model_reserve_nick(f.m, "chanserv"), 0);
  ASSERT_EQ(reed_model_reserve_nick(f.m, "a b"), REED_EBADNICK);
  ASSERT_EQ(reed_session_set_nick(n, "CHANSERV"), REED_ENICKRESERVED);
  ASSERT_EQ(reed_session_set_nick(g, "chanserv"), REED_ENICKRESERVED);
  ASSERT_EQ(reed_session_set_nick(n, "x"), 0);
  fx_done(&f);
}
