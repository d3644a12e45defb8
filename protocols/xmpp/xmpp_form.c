/* XEP-0004 data forms as a command receives them: finding the form,
 * checking a submitted one, and reading its fields' values. */
#include "xmpp_admin.h"

#include <string.h>

/* Our forms have a handful of fields; the duplicate check is quadratic. */
#define XMPP_FORM_FIELDS_MAX 64

const reed_xml_el_t *
reed__xmpp_form_find(const reed_xml_el_t *parent)
{
  return parent != NULL ? reed_xml_child(parent, "x", REED_NS_DATA) : NULL;
}

static const reed_xml_el_t *
field(const reed_xml_el_t *x, const char *var)
{
  for (const reed_xml_el_t *f = reed_xml_child(x, "field", REED_NS_DATA);
       f != NULL; f = reed_xml_next(f, "field", REED_NS_DATA)) {
    const char *v = reed_xml_attr(f, "var");
    if (v != NULL && strcmp(v, var) == 0)
      return f;
  }
  return NULL;
}

int
reed__xmpp_form_check(const reed_xml_el_t *x)
{
  const char *type = reed_xml_attr(x, "type");
  size_t fields = 0;

  if (type == NULL || strcmp(type, "submit") != 0)
    return REED_ESYNTAX;
  for (const reed_xml_el_t *el = x->first; el != NULL; el = el->next) {
    const char *var;
    if (strcmp(el->ns, REED_NS_DATA) != 0)
      continue; /* other namespaces may extend a form */
    if (strcmp(el->name, "value") == 0)
      return REED_ESYNTAX;
    if (strcmp(el->name, "field") != 0)
      continue;
    if (++fields > XMPP_FORM_FIELDS_MAX)
      return REED_ESYNTAX;
    /* XEP-0004 3.2: a submitted field names its var, once. */
    if ((var = reed_xml_attr(el, "var")) == NULL || var[0] == '\0' ||
        field(x, var) != el)
      return REED_ESYNTAX;
  }
  return 0;
}

const char *
reed__xmpp_form_value(const reed_xml_el_t *x, const char *var, size_t n)
{
  const reed_xml_el_t *f = field(x, var);
  const reed_xml_el_t *v = f ? reed_xml_child(f, "value", REED_NS_DATA) : NULL;

  for (; v != NULL && n > 0; n--)
    v = reed_xml_next(v, "value", REED_NS_DATA);
  return v != NULL ? v->text : NULL;
}

int
reed__xmpp_form_join(const reed_xml_el_t *x, const char *var, char *out,
                     size_t size)
{
  const reed_xml_el_t *f = field(x, var);
  const reed_xml_el_t *v = f ? reed_xml_child(f, "value", REED_NS_DATA) : NULL;
  size_t len = 0;
  int n = 0;

  if (size == 0)
    return REED_ETOOBIG;
  out[0] = '\0';
  /* One pass over the values: a stanza may carry thousands. */
  for (; v != NULL; v = reed_xml_next(v, "value", REED_NS_DATA), n++) {
    size_t sep = n > 0 ? 1 : 0;
    if (len + sep + v->text_len >= size)
      return REED_ETOOBIG;
    if (sep)
      out[len++] = ' ';
    memcpy(out + len, v->text, v->text_len + 1);
    len += v->text_len;
  }
  return n;
}
