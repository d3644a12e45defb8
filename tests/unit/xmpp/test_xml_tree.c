/* Element trees: the accessors, and clones that outlive the parse. */
#include "harness.h"
#include "xml_rec.h"

static const char stanza[] =
    "<message to='a@b' xml:lang='en' xmlns:x='urn:x' x:to='other'>"
    "<body>one</body><x:body>two</x:body><body>three</body>"
    "<thread/></message>";

TEST(xml_tree_accessors)
{
  reed_xml_el_t *el = parse_el(stanza), *c;

  ASSERT_STR_EQ(el->name, "message");
  ASSERT_STR_EQ(el->ns, REED_NS_CLIENT);
  ASSERT_STR_EQ(reed_xml_attr(el, "to"), "a@b");
  ASSERT(reed_xml_attr(el, "lang") == NULL);
  ASSERT(reed_xml_attr(el, "from") == NULL);
  ASSERT_STR_EQ(reed_xml_attr_ns(el, REED_NS_XML, "lang"), "en");
  ASSERT_STR_EQ(reed_xml_attr_ns(el, "urn:x", "to"), "other");
  ASSERT_STR_EQ(reed_xml_attr_ns(el, "", "to"), "a@b");
  ASSERT_STR_EQ(reed_xml_child_text(el, "body", REED_NS_CLIENT), "one");
  ASSERT_STR_EQ(reed_xml_child_text(el, "body", "urn:x"), "two");
  ASSERT_STR_EQ(reed_xml_child_text(el, "thread", NULL), "");
  ASSERT(reed_xml_child_text(el, "subject", NULL) == NULL);
  c = reed_xml_child(el, NULL, "urn:x");
  ASSERT(c != NULL && strcmp(c->text, "two") == 0);
  c = reed_xml_child(el, "body", NULL);
  ASSERT_STR_EQ(c->text, "one");
  c = reed_xml_next(c, "body", NULL);
  ASSERT_STR_EQ(c->text, "two");
  c = reed_xml_next(c, "body", REED_NS_CLIENT);
  ASSERT_STR_EQ(c->text, "three");
  ASSERT(reed_xml_next(c, "body", NULL) == NULL);
  ASSERT_STR_EQ(reed_xml_next(c, NULL, NULL)->name, "thread");
  ASSERT(reed_xml_child(el, NULL, NULL) == el->first);
  reed_xml_el_free(el);
}

TEST(xml_tree_clone)
{
  long live = reed_alloc_live();
  reed_xml_el_t *el = parse_el(stanza), *c1, *c2, *child;
  reed_buf_t *a = reed_buf_new(0), *b = reed_buf_new(0);

  /* a clone of a subtree is a top-level element of its own */
  child = reed_xml_child(el, "body", "urn:x");
  c1 = reed_xml_el_clone(child);
  ASSERT(c1->parent == NULL && c1->next == NULL);
  ASSERT_STR_EQ(c1->text, "two");
  c2 = reed_xml_el_clone(el);
  reed_xml_el_free(el);
  rec_dump(&a, c2);
  ASSERT_EQ(reed_buf_append(&a, "", 1), 0);
  ASSERT_STR_EQ((const char *)a->data,
                "{jabber:client}message to=a@b "
                "{http://www.w3.org/XML/1998/namespace}lang=en {urn:x}to=other "
                "({jabber:client}body \"one\") ({urn:x}body \"two\") "
                "({jabber:client}body \"three\") ({jabber:client}thread)");
  rec_dump(&b, c1);
  reed_buf_unref(a);
  reed_buf_unref(b);
  reed_xml_el_free(c1);
  reed_xml_el_free(c2);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* Allocation failures anywhere give REED_ENOMEM or NULL, never a crash or
 * a leak. */
TEST(xml_alloc_failures)
{
  static const char in[] =
      "<stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams'>"
      "<message to='a@b'><body>hello there</body></message>";
  reed_xml_el_t *el = parse_el(strstr(in, "<message"));
  long live = reed_alloc_live();

  for (long n = 0; n < 200; n++) {
    reed_xml_cbs_t cbs = {0};
    reed_xml_stream_t *p = NULL;
    reed_xml_el_t *c;
    reed_buf_t *b = reed_buf_new(0);
    size_t used;

    reed_alloc_fail_after(n);
    if (reed_xml_stream_new(NULL, &cbs, NULL, &p) == 0) {
      reed_xml_err_t err =
          reed_xml_stream_feed(p, (const uint8_t *)in, strlen(in), &used);

      ASSERT(err == REED_XML_OK || err == REED_XML_ERR_NOMEM);
      reed_xml_stream_free(p);
    }
    c = reed_xml_el_clone(el);
    reed_xml_el_free(c);
    if (b != NULL) {
      (void)reed_xml_put_el(&b, el, NULL);
      reed_buf_unref(b);
    }
    reed_alloc_fail_after(-1);
    ASSERT_EQ(reed_alloc_live(), live);
  }
  reed_xml_el_free(el);
}
