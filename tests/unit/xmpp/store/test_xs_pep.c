/* PEP nodes and items. */
#include "harness.h"
#include "xs_test.h"

#include <stdio.h>

static void
publish(xs_fixture_t *x, const char *node, const char *id, const char *xml,
        uint64_t ms)
{
  reed_xpep_item_t it = {.id = id, .xml = xml, .published_ms = ms};

  ASSERT_EQ(reed_xstore_pep_publish(x->xs, "alice", node, &it), 0);
}

static const char *
items(xs_fixture_t *x, const char *node, size_t max, xf_lines_t *l)
{
  *l = (xf_lines_t){0};
  ASSERT_EQ(reed_xstore_pep_items(x->xs, "alice", node, max, xf_item_cb, l), 0);
  return l->buf;
}

static void
node_line(void *ud, const char *node, const reed_xpep_conf_t *c)
{
  xf_add(ud, "%s|%d|%u|%d", node, (int)c->access, (unsigned)c->max_items,
         c->persist);
}

TEST(xs_pep_nodes)
{
  static const struct {
    const char *node;
    reed_xpep_conf_t conf;
  } nodes[] = {
      {"urn:xmpp:bookmarks:1", {REED_XPEP_WHITELIST, 128, true}},
      {"eu.siacs.conversations.axolotl.devicelist", {REED_XPEP_OPEN, 1, true}},
      {"http://jabber.org/protocol/tune", {REED_XPEP_PRESENCE, 1, false}},
      {"urn:xmpp:avatar:data", {REED_XPEP_ROSTER, 3, true}},
  };
  xs_fixture_t x;
  xf_lines_t l = {0};
  reed_xpep_conf_t got, bad = {.access = REED_XPEP_OPEN, .max_items = 0};

  xf_open(&x);
  for (size_t i = 0; i < REED_ARRAY_SIZE(nodes); i++) {
    ASSERT_EQ(
        reed_xstore_pep_node_put(x.xs, "alice", nodes[i].node, &nodes[i].conf),
        0);
    ASSERT_EQ(reed_xstore_pep_node_get(x.xs, "Alice", nodes[i].node, &got), 0);
    ASSERT_EQ(got.access, nodes[i].conf.access);
    ASSERT_EQ(got.max_items, nodes[i].conf.max_items);
    ASSERT_EQ(got.persist, nodes[i].conf.persist);
  }
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "n", &bad), REED_EINVAL);
  bad = (reed_xpep_conf_t){.access = (reed_xpep_access_t)4, .max_items = 1};
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "n", &bad), REED_EINVAL);
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "", &nodes[0].conf),
            REED_EINVAL);
  ASSERT_EQ(reed_xstore_pep_node_get(x.xs, "bob", nodes[0].node, &got),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_pep_node_list(x.xs, "alice", node_line, &l), 0);
  ASSERT_LINES(l.buf, "eu.siacs.conversations.axolotl.devicelist|0|1|1\n"
                      "http://jabber.org/protocol/tune|1|1|0\n"
                      "urn:xmpp:avatar:data|2|3|1\n"
                      "urn:xmpp:bookmarks:1|3|128|1");
  ASSERT_EQ(reed_xstore_pep_node_del(x.xs, "alice", "urn:xmpp:avatar:data"), 0);
  ASSERT_EQ(reed_xstore_pep_node_del(x.xs, "alice", "urn:xmpp:avatar:data"),
            REED_ENOTFOUND);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_pep_node", "alice"), 3);
  xf_close(&x);
}

/* Publish replaces the same id and makes it newest; items come newest
 * first; the node keeps max_items; retract and node delete. */
TEST(xs_pep_items)
{
  reed_xpep_conf_t conf = {
      .access = REED_XPEP_OPEN, .max_items = 3, .persist = true};
  xs_fixture_t x;
  xf_lines_t l;
  reed_xpep_item_t it = {.id = "x", .xml = "<x/>"};

  xf_open(&x);
  ASSERT_EQ(reed_xstore_pep_publish(x.xs, "alice", "bm", &it), REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_pep_items(x.xs, "alice", "bm", 0, xf_item_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "bm", &conf), 0);
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "other", &conf), 0);
  ASSERT_LINES(items(&x, "bm", 0, &l), "");
  publish(&x, "bm", "a", "<a>1</a>", 1);
  publish(&x, "bm", "b", "<b/>", 2);
  publish(&x, "bm", "c", "<c/>", 3);
  publish(&x, "other", "a", "<o/>", 4);
  ASSERT_LINES(items(&x, "bm", 0, &l), "c|<c/>|3\nb|<b/>|2\na|<a>1</a>|1");
  /* Same id: replaced, and now the newest. */
  publish(&x, "bm", "a", "<a>2</a>", 5);
  ASSERT_LINES(items(&x, "bm", 0, &l), "a|<a>2</a>|5\nc|<c/>|3\nb|<b/>|2");
  ASSERT_LINES(items(&x, "bm", 1, &l), "a|<a>2</a>|5");
  /* A fourth pushes the oldest out. */
  publish(&x, "bm", "d", "<d/>", 6);
  ASSERT_LINES(items(&x, "bm", 0, &l), "d|<d/>|6\na|<a>2</a>|5\nc|<c/>|3");
  /* A lower max_items trims at once. */
  conf.max_items = 2;
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "bm", &conf), 0);
  ASSERT_LINES(items(&x, "bm", 0, &l), "d|<d/>|6\na|<a>2</a>|5");
  l = (xf_lines_t){0};
  ASSERT_EQ(reed_xstore_pep_item_get(x.xs, "alice", "bm", "a", xf_item_cb, &l),
            0);
  ASSERT_LINES(l.buf, "a|<a>2</a>|5");
  ASSERT_EQ(reed_xstore_pep_item_get(x.xs, "alice", "bm", "c", xf_item_cb, &l),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_xstore_pep_retract(x.xs, "alice", "bm", "a"), 0);
  ASSERT_EQ(reed_xstore_pep_retract(x.xs, "alice", "bm", "a"), REED_ENOTFOUND);
  ASSERT_LINES(items(&x, "bm", 0, &l), "d|<d/>|6");
  ASSERT_LINES(items(&x, "other", 0, &l), "a|<o/>|4");
  it.id = "";
  ASSERT_EQ(reed_xstore_pep_publish(x.xs, "alice", "bm", &it), REED_EINVAL);
  /* Deleting a node deletes its items only. */
  ASSERT_EQ(reed_xstore_pep_node_del(x.xs, "alice", "bm"), 0);
  xf_commit(&x);
  ASSERT_EQ(xf_rows(&x, "xmpp_pep_item", "alice"), 1);
  ASSERT_EQ(reed_xstore_pep_node_put(x.xs, "alice", "bm", &conf), 0);
  ASSERT_LINES(items(&x, "bm", 0, &l), "");
  xf_close(&x);
}
