/* XEP-0004 submitted forms as the commands read them (xmpp_form.c):
 * which forms pass the check, and the values a field gives. */
#include "xml_rec.h"
#include "xmpp_admin.h"
#include "harness.h"

#include <string.h>

#define X(attrs, body) "<x xmlns='jabber:x:data'" attrs ">" body "</x>"

TEST(xadmin_form_check)
{
  static const struct {
    const char *in;
    int rc;
  } rows[] = {
      {X(" type='submit'", ""), 0},
      {X(" type='submit'", "<field var='a'><value>1</value></field>"), 0},
      {X(" type='submit'", "<field var='a'/><field var='b'/>"), 0},
      /* Other namespaces may extend a form; text is no field. */
      {X(" type='submit'", "<field xmlns='urn:other'/>some text"), 0},
      {X("", "<field var='a'/>"), REED_ESYNTAX},
      {X(" type='form'", "<field var='a'/>"), REED_ESYNTAX},
      {X(" type='cancel'", ""), REED_ESYNTAX},
      {X(" type='submit'", "<field/>"), REED_ESYNTAX},
      {X(" type='submit'", "<field var=''/>"), REED_ESYNTAX},
      {X(" type='submit'", "<field var='a'/><field var='a'/>"), REED_ESYNTAX},
      {X(" type='submit'", "<value>loose</value>"), REED_ESYNTAX},
  };
  char many[4096] = X(" type='submit'", "");
  size_t len;

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    reed_xml_el_t *el = parse_el(rows[i].in);
    if (reed__xmpp_form_check(el) != rows[i].rc)
      reed__test_fail(__FILE__, __LINE__, "row %zu: %s", i, rows[i].in);
    reed_xml_el_free(el);
  }
  /* More fields than any of our forms has: refused before the quadratic
   * duplicate check grows. */
  len = strlen(many) - strlen("</x>");
  for (int i = 0; i < 65; i++)
    len += (size_t)snprintf(many + len, sizeof(many) - len,
                            "<field var='f%d'/>", i);
  reed_strlcpy(many + len, "</x>", sizeof(many) - len);
  {
    reed_xml_el_t *el = parse_el(many);
    ASSERT_EQ(reed__xmpp_form_check(el), REED_ESYNTAX);
    reed_xml_el_free(el);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(xadmin_form_values)
{
  static const struct {
    const char *var;
    size_t n;
    const char *value; /* NULL: none */
  } rows[] = {
      {"a", 0, "one"}, {"a", 1, "two & more"}, {"a", 2, ""},    {"a", 3, NULL},
      {"b", 0, NULL},  {"c", 0, NULL},         {"zz", 0, NULL},
  };
  reed_xml_el_t *x = parse_el(
      X(" type='submit'", "<field var='a'><value>one</value><value>two &amp; "
                          "more</value><value/></field><field var='b'/><field "
                          "var='c'><other/></field>"));
  char out[16];

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    const char *v = reed__xmpp_form_value(x, rows[i].var, rows[i].n);
    if (rows[i].value == NULL ? v != NULL
                              : v == NULL || strcmp(v, rows[i].value) != 0)
      reed__test_fail(__FILE__, __LINE__, "row %zu: %s[%zu] = %s", i,
                      rows[i].var, rows[i].n, v ? v : "(none)");
  }
  /* Joined with spaces; a field without values joins to nothing. */
  ASSERT_EQ(reed__xmpp_form_join(x, "a", out, sizeof(out)), 3);
  ASSERT_STR_EQ(out, "one two & more ");
  ASSERT_EQ(reed__xmpp_form_join(x, "b", out, sizeof(out)), 0);
  ASSERT_STR_EQ(out, "");
  ASSERT_EQ(reed__xmpp_form_join(x, "a", out, 15), REED_ETOOBIG);
  ASSERT_EQ(reed__xmpp_form_join(x, "a", out, 0), REED_ETOOBIG);
  /* The form of a command element. */
  ASSERT(reed__xmpp_form_find(x) == NULL);
  ASSERT(reed__xmpp_form_find(NULL) == NULL);
  reed_xml_el_free(x);
  x = parse_el(
      "<command xmlns='http://jabber.org/protocol/commands'>"
      "<x xmlns='urn:not-a-form'/>" X(" type='submit'", "") "</command>");
  ASSERT(reed__xmpp_form_find(x) != NULL);
  ASSERT_STR_EQ(reed_xml_attr(reed__xmpp_form_find(x), "type"), "submit");
  reed_xml_el_free(x);
  ASSERT_EQ(reed_alloc_live(), 0);
}
