/* Private XML storage and vcard-temp. */
#include "harness.h"
#include "xs_test.h"

TEST(xs_private_storage)
{
  static const struct {
    const char *name, *ns, *xml;
  } rows[] = {
      {"storage", "storage:bookmarks", "<storage xmlns='storage:bookmarks'/>"},
      {"storage", "storage:rosternotes", "<storage xmlns='storage:r'>1</st>"},
      {"exodus", "exodus:prefs", "<exodus xmlns='exodus:prefs'>&lt;</exodus>"},
  };
  xs_fixture_t x;

  xf_open(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++)
    ASSERT_EQ(reed_xstore_private_set(x.xs, "alice", rows[i].name, rows[i].ns,
                                      rows[i].xml),
              0);
  /* Replacing keeps one row per name and namespace. */
  ASSERT_EQ(reed_xstore_private_set(x.xs, "alice", "storage",
                                    "storage:bookmarks", "<storage new=''/>"),
            0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    xf_lines_t l = {0};
    ASSERT_EQ(reed_xstore_private_get(x.xs, "ALICE", rows[i].name, rows[i].ns,
                                      xf_xml_cb, &l),
              0);
    ASSERT_LINES(l.buf, i == 0 ? "<storage new=''/>" : rows[i].xml);
    /* Bob has none of them. */
    ASSERT_EQ(reed_xstore_private_get(x.xs, "bob", rows[i].name, rows[i].ns,
                                      xf_xml_cb, &l),
              REED_ENOTFOUND);
  }
  {
    xf_lines_t l = {0};
    ASSERT_EQ(reed_xstore_private_get(x.xs, "alice", "storage", "other",
                                      xf_xml_cb, &l),
              REED_ENOTFOUND);
    ASSERT_EQ(reed_xstore_private_set(x.xs, "alice", "a", NULL, "<a/>"),
              REED_EINVAL);
    ASSERT_EQ(reed_xstore_private_set(x.xs, "carol", "a", "b", "<a/>"),
              REED_ENOACCOUNT);
    ASSERT_EQ(l.n, 0);
  }
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_private", "alice"), 3);
  xf_close(&x);
}

TEST(xs_vcard)
{
  xs_fixture_t x;
  xf_lines_t l = {0};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "alice", xf_xml_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_vcard_del(x.xs, "alice"), REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_vcard_set(x.xs, "alice", "<vCard><FN>A</FN></vCard>"),
            0);
  ASSERT_EQ(reed_xstore_vcard_set(x.xs, "Alice", "<vCard><FN>B</FN></vCard>"),
            0);
  ASSERT_EQ(reed_xstore_vcard_set(x.xs, "alice", NULL), REED_EINVAL);
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "alice", xf_xml_cb, &l), 0);
  ASSERT_LINES(l.buf, "<vCard><FN>B</FN></vCard>");
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "bob", xf_xml_cb, &l), REED_ENOTFOUND);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_vcard", "alice"), 1);
  ASSERT_EQ(reed_xstore_vcard_del(x.xs, "alice"), 0);
  ASSERT_EQ(reed_xstore_vcard_get(x.xs, "alice", xf_xml_cb, &l),
            REED_ENOTFOUND);
  xf_close(&x);
}
