/* Rosters: items, groups, unlisted state, versions and tombstones. */
#include "harness.h"
#include "xs_test.h"

#include <stdio.h>

TEST(xs_roster_group_walk)
{
  static const struct {
    const char *packed, *want;
  } cases[] = {
      {"", ""},
      {"A", "[A]"},
      {"A\x1f"
       "B",
       "[A][B]"},
      {"Friends\x1fWork\x1f"
       "Family",
       "[Friends][Work][Family]"},
      {"x y\x1f\xc3\xa9t\xc3\xa9", "[x y][\xc3\xa9t\xc3\xa9]"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char out[128] = "";
    const char *cur = cases[i].packed, *g;
    size_t len, off = 0;
    while (reed_xroster_group_next(&cur, &g, &len))
      off +=
          (size_t)snprintf(out + off, sizeof(out) - off, "[%.*s]", (int)len, g);
    ASSERT_STR_EQ(out, cases[i].want);
  }
  {
    const char *cur = NULL, *g;
    size_t len;
    ASSERT(!reed_xroster_group_next(&cur, &g, &len));
  }
}

/* Each put is read back exactly: the fields, the groups, listed or not. */
TEST(xs_roster_put_get_table)
{
  static const char *const g2[] = {"Friends", "Work"};
  static const char *const g1[] = {"\xc3\xa9quipe & <co>"};
  static const struct {
    reed_xroster_item_t it;
    const char *want;
  } cases[] = {
      {{.jid = "a@x.org", .listed = true}, "a@x.org|-|0|0|0|-|0|1||1|0"},
      {{.jid = "b@x.org",
        .name = "B",
        .sub = REED_XSUB_TO,
        .ask = true,
        .listed = true,
        .groups = g2,
        .n_groups = 2},
       "b@x.org|B|1|1|0|-|0|1|Friends,Work|2|0"},
      {{.jid = "c@x.org",
        .sub = REED_XSUB_FROM,
        .pending_in = true,
        .pending_status = "let me in",
        .listed = true,
        .groups = g1,
        .n_groups = 1},
       "c@x.org|-|2|0|1|let me in|0|1|\xc3\xa9quipe & <co>|3|0"},
      {{.jid = "d@x.org", .name = "", .sub = REED_XSUB_BOTH, .listed = true},
       "d@x.org|-|3|0|0|-|0|1||4|0"},
      /* Unlisted: a request from someone not in the roster; no version. */
      {{.jid = "e@x.org", .pending_in = true, .pending_status = "hi"},
       "e@x.org|-|0|0|1|hi|0|0||0|0"},
      {{.jid = "f@x.org", .approved = true}, "f@x.org|-|0|0|0|-|1|0||0|0"},
      /* A status without pending_in is not kept. */
      {{.jid = "g@x.org", .pending_status = "stale", .listed = true},
       "g@x.org|-|0|0|0|-|0|1||5|0"},
  };
  xs_fixture_t x;
  uint64_t ver = 99;

  xf_open(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    xf_lines_t l = {0};
    ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &cases[i].it, &ver), 0);
    ASSERT_EQ(reed_xstore_roster_get(x.xs, "ALICE", cases[i].it.jid,
                                     xf_roster_cb, &l),
              0);
    ASSERT_LINES(l.buf, cases[i].want);
  }
  ASSERT_EQ(ver, 5);
  ASSERT_EQ(reed_xstore_roster_count(x.xs, "alice"), 7);
  ASSERT_EQ(reed_xstore_roster_count(x.xs, "bob"), 0);
  {
    xf_lines_t l = {0};
    ASSERT_EQ(reed_xstore_roster_list(x.xs, "alice", false, xf_roster_cb, &l),
              0);
    ASSERT_EQ(l.n, 5);
    l = (xf_lines_t){0};
    ASSERT_EQ(reed_xstore_roster_list(x.xs, "alice", true, xf_roster_cb, &l),
              0);
    ASSERT_EQ(l.n, 7);
  }
  xf_close(&x);
}

TEST(xs_roster_bad_arguments)
{
  static const char *const bad_groups[] = {"a\x1f"
                                           "b"};
  static const char *const empty_group[] = {""};
  reed_xroster_item_t it = {.jid = "a@x.org", .listed = true};
  xs_fixture_t x;
  xf_lines_t l = {0};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", NULL, NULL), REED_EINVAL);
  it.jid = "";
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, NULL), REED_EINVAL);
  it.jid = "a@x.org";
  it.sub = (reed_xsub_t)4;
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, NULL), REED_EINVAL);
  it.sub = REED_XSUB_NONE;
  it.groups = bad_groups;
  it.n_groups = 1;
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, NULL), REED_EINVAL);
  it.groups = empty_group;
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, NULL), REED_EINVAL);
  it.groups = NULL;
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, NULL), REED_EINVAL);
  it.n_groups = 0;
  ASSERT_EQ(reed_xstore_roster_put(x.xs, "carol", &it, NULL), REED_ENOACCOUNT);
  ASSERT_EQ(reed_xstore_roster_get(x.xs, "alice", "a@x.org", xf_roster_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", "a@x.org", NULL),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_roster_count(x.xs, "alice"), 0);
  ASSERT_EQ(l.n, 0);
  xf_close(&x);
}

static void
put(xs_fixture_t *x, const char *jid, reed_xsub_t sub, bool listed)
{
  reed_xroster_item_t it = {.jid = jid, .sub = sub, .listed = listed};

  ASSERT_EQ(reed_xstore_roster_put(x->xs, "alice", &it, NULL), 0);
}

static const char *
since(xs_fixture_t *x, uint64_t v, xf_lines_t *l)
{
  *l = (xf_lines_t){0};
  ASSERT_EQ(reed_xstore_roster_since(x->xs, "alice", v, xf_roster_cb, l), 0);
  return l->buf;
}

/* XEP-0237: every change of what the roster shows has a version; since(M)
 * reports the items changed after M and the removals. */
TEST(xs_roster_versions_and_tombstones)
{
  xs_fixture_t x;
  xf_lines_t l;
  uint64_t ver = 0;

  xf_open(&x);
  ASSERT_EQ(reed_xstore_roster_version(x.xs, "alice", &ver), 0);
  ASSERT_EQ(ver, 0);
  ASSERT_LINES(since(&x, 0, &l), "");
  put(&x, "a@x.org", REED_XSUB_NONE, true);  /* 1 */
  put(&x, "b@x.org", REED_XSUB_TO, true);    /* 2 */
  put(&x, "c@x.org", REED_XSUB_NONE, false); /* no version */
  put(&x, "a@x.org", REED_XSUB_BOTH, true);  /* 3 */
  ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", "b@x.org", &ver), 0); /* 4 */
  ASSERT_EQ(ver, 4);
  ASSERT_LINES(since(&x, 0, &l), "a@x.org|-|3|0|0|-|0|1||3|0\n"
                                 "b@x.org|-|0|0|0|-|0|0||4|1");
  ASSERT_LINES(since(&x, 3, &l), "b@x.org|-|0|0|0|-|0|0||4|1");
  ASSERT_LINES(since(&x, 4, &l), "");
  ASSERT_EQ(reed_xstore_roster_since(x.xs, "alice", 5, xf_roster_cb, &l),
            REED_ENOTFOUND);
  /* The tombstone is no item. */
  ASSERT_EQ(reed_xstore_roster_get(x.xs, "alice", "b@x.org", xf_roster_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", "b@x.org", NULL),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_roster_count(x.xs, "alice"), 2);
  /* A listed item that leaves the roster is a removal at its version. */
  put(&x, "a@x.org", REED_XSUB_NONE, false); /* 5 */
  ASSERT_LINES(since(&x, 4, &l), "a@x.org|-|0|0|0|-|0|0||5|1");
  /* A change to it while unlisted is no new version and keeps that one. */
  {
    reed_xroster_item_t it = {.jid = "a@x.org", .pending_in = true};
    ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, &ver), 0);
    ASSERT_EQ(ver, 5);
    ASSERT_LINES(since(&x, 4, &l), "a@x.org|-|0|0|1|-|0|0||5|1");
    it.pending_in = false;
    ASSERT_EQ(reed_xstore_roster_put(x.xs, "alice", &it, &ver), 0);
  }
  /* Adding the tombstoned contact again makes it an item. */
  put(&x, "b@x.org", REED_XSUB_FROM, true); /* 6 */
  ASSERT_LINES(since(&x, 4, &l), "a@x.org|-|0|0|0|-|0|0||5|1\n"
                                 "b@x.org|-|2|0|0|-|0|1||6|0");
  /* Deleting an unlisted row: no new version, and the removal it was stays
   * reported. */
  ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", "a@x.org", &ver), 0);
  ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", "c@x.org", NULL), 0);
  ASSERT_EQ(ver, 6);
  ASSERT_LINES(since(&x, 4, &l), "a@x.org|-|0|0|0|-|0|0||5|1\n"
                                 "b@x.org|-|2|0|0|-|0|1||6|0");
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_roster", "alice"), 2);
  /* Bob's roster has versions of its own. */
  ASSERT_EQ(reed_xstore_roster_version(x.xs, "bob", &ver), 0);
  ASSERT_EQ(ver, 0);
  xf_close(&x);
}

/* Tombstones are bounded: past REED_XROSTER_TOMBSTONES the oldest go, the
 * floor rises, and a client below it gets the whole roster. */
TEST(xs_roster_tombstones_bounded)
{
  xs_fixture_t x;
  const int n = REED_XROSTER_TOMBSTONES + 10;
  uint64_t ver, floor_ver;
  xf_lines_t l;
  char jid[32];

  xf_open(&x);
  for (int i = 0; i < n; i++) {
    snprintf(jid, sizeof(jid), "c%03d@x.org", i);
    put(&x, jid, REED_XSUB_BOTH, true); /* version i + 1 */
  }
  put(&x, "keep@x.org", REED_XSUB_BOTH, true); /* n + 1 */
  for (int i = 0; i < n; i++) {
    snprintf(jid, sizeof(jid), "c%03d@x.org", i);
    ASSERT_EQ(reed_xstore_roster_del(x.xs, "alice", jid, &ver), 0);
  }
  ASSERT_EQ(ver, (uint64_t)(2 * n + 1));
  xf_commit(&x);
  /* The newest tombstones and the item remain. */
  ASSERT_EQ(xf_rows(&x, "xmpp_roster", "alice"), REED_XROSTER_TOMBSTONES + 1);
  /* The 10 oldest deletions (versions n+2 .. n+11) are gone: the floor is
   * the last of them. */
  floor_ver = (uint64_t)(n + 1 + 10);
  ASSERT_EQ(reed_xstore_roster_since(x.xs, "alice", 0, xf_roster_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(
      reed_xstore_roster_since(x.xs, "alice", floor_ver - 1, xf_roster_cb, &l),
      REED_ENOTFOUND);
  since(&x, floor_ver, &l);
  ASSERT_EQ(l.n, REED_XROSTER_TOMBSTONES);
  ASSERT_LINES(since(&x, ver - 1, &l), "c137@x.org|-|0|0|0|-|0|0||277|1");
  /* The whole roster is still there for the client below the floor. */
  l = (xf_lines_t){0};
  ASSERT_EQ(reed_xstore_roster_list(x.xs, "alice", false, xf_roster_cb, &l), 0);
  ASSERT_LINES(l.buf, "keep@x.org|-|3|0|0|-|0|1||139|0");
  xf_close(&x);
}
