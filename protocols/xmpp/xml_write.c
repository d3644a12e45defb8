/* The writer: escaping text and attribute values into a reed_buf_t, and
 * serializing an element tree. Whatever bytes come in (a client's text,
 * an IRC line that is not UTF-8), what goes out is well-formed XML 1.0. */
#include "xml_int.h"

#include <stdio.h>
#include <string.h>

size_t
reed__xml_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp)
{
  static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
  size_t len;
  uint32_t c;

  if (s[0] < 0xC2 || s[0] > 0xF4)
    return 0;
  len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
  if (len > n)
    return 0;
  c = s[0] & (0x7F >> len);
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return len;
}

/* What replaces byte(s) at s: NULL to copy them, "" to drop them, or an
 * escape. *n is how many bytes that covers. */
static const char *
replacement(const uint8_t *s, size_t left, bool attr, size_t *n)
{
  uint32_t cp;

  *n = 1;
  switch (s[0]) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&apos;";
  case '\r': /* a reader turns a raw CR into LF */
    return "&#xD;";
  case '\n': /* and a raw LF or TAB in an attribute into a space */
    return attr ? "&#xA;" : NULL;
  case '\t':
    return attr ? "&#x9;" : NULL;
  }
  if (s[0] < 0x20)
    return ""; /* XML 1.0 has no other C0 control, not even as &#n; */
  if (s[0] < 0x80)
    return NULL;
  *n = reed__xml_utf8_seq(s, left, &cp);
  if (*n == 0) {
    *n = 1;
    return "\xEF\xBF\xBD"; /* U+FFFD for each byte that is not UTF-8 */
  }
  return cp == 0xFFFE || cp == 0xFFFF ? "" : NULL;
}

static int
put_escaped(reed_buf_t **b, const char *str, size_t len, bool attr)
{
  const uint8_t *s = (const uint8_t *)str;
  size_t run = 0, i = 0, n;

  while (i < len) {
    const char *r = replacement(s + i, len - i, attr, &n);

    if (r == NULL) {
      i += n;
      continue;
    }
    if (reed_buf_append(b, s + run, i - run) != 0 ||
        reed_buf_append(b, r, strlen(r)) != 0)
      return REED_ENOMEM;
    i += n;
    run = i;
  }
  return reed_buf_append(b, s + run, len - run);
}

int
reed_xml_put_escaped(reed_buf_t **b, const char *s, size_t len)
{
  return put_escaped(b, s, len == (size_t)-1 ? strlen(s) : len, false);
}

static int
put_str(reed_buf_t **b, const char *s)
{
  return reed_buf_append(b, s, strlen(s));
}

/* ` prefix:name='value'` (no prefix when it is NULL). */
static int
put_qattr(reed_buf_t **b, const char *prefix, const char *name,
          const char *value)
{
  if (put_str(b, " ") != 0 ||
      (prefix != NULL && (put_str(b, prefix) != 0 || put_str(b, ":") != 0)) ||
      put_str(b, name) != 0 || put_str(b, "='") != 0 ||
      put_escaped(b, value, strlen(value), true) != 0 || put_str(b, "'") != 0)
    return REED_ENOMEM;
  return 0;
}

int
reed_xml_put_attr(reed_buf_t **b, const char *name, const char *value)
{
  return value != NULL ? put_qattr(b, NULL, name, value) : 0;
}

/* An attribute in a namespace other than xml's gets a prefix of this
 * element's own, declared on it: "n<i>" after the first attribute i in
 * that namespace. */
static int
put_ns_attr(reed_buf_t **b, const reed_xml_el_t *el, size_t i)
{
  const reed_xml_attr_t *a = &el->attrs[i];
  char prefix[32];
  size_t j = 0;

  if (strcmp(a->ns, REED_NS_XML) == 0)
    return put_qattr(b, "xml", a->name, a->value);
  while (strcmp(el->attrs[j].ns, a->ns) != 0)
    j++;
  snprintf(prefix, sizeof(prefix), "n%zu", j);
  if (j == i) {
    char decl[40];

    snprintf(decl, sizeof(decl), "xmlns:%s", prefix);
    if (put_qattr(b, NULL, decl, a->ns) != 0)
      return REED_ENOMEM;
  }
  return put_qattr(b, prefix, a->name, a->value);
}

/* The element's name as written: an element in xml's own namespace keeps
 * the reserved prefix (that namespace cannot be a default one). */
static int
put_name(reed_buf_t **b, const reed_xml_el_t *el)
{
  if (strcmp(el->ns, REED_NS_XML) == 0 && put_str(b, "xml:") != 0)
    return REED_ENOMEM;
  return put_str(b, el->name);
}

static int
put_start(reed_buf_t **b, const reed_xml_el_t *el, const char *scope)
{
  if (put_str(b, "<") != 0 || put_name(b, el) != 0)
    return REED_ENOMEM;
  if (strcmp(el->ns, scope) != 0 && strcmp(el->ns, REED_NS_XML) != 0 &&
      put_qattr(b, NULL, "xmlns", el->ns) != 0)
    return REED_ENOMEM;
  for (size_t i = 0; i < el->n_attrs; i++) {
    const reed_xml_attr_t *a = &el->attrs[i];
    int rc = a->ns[0] == '\0' ? put_qattr(b, NULL, a->name, a->value)
                              : put_ns_attr(b, el, i);

    if (rc != 0)
      return rc;
  }
  return 0;
}

/* `scope` is the default namespace in scope where the element goes. */
static int
put_el(reed_buf_t **b, const reed_xml_el_t *el, const char *scope)
{
  const char *inner = strcmp(el->ns, REED_NS_XML) != 0 ? el->ns : scope;

  if (put_start(b, el, scope) != 0)
    return REED_ENOMEM;
  if (el->text_len == 0 && el->first == NULL)
    return put_str(b, "/>");
  /* Text first, then the children: the tree keeps no interleaving, and a
   * parse concatenates an element's text the same way. */
  if (put_str(b, ">") != 0 || put_escaped(b, el->text, el->text_len, false))
    return REED_ENOMEM;
  for (const reed_xml_el_t *c = el->first; c != NULL; c = c->next)
    if (put_el(b, c, inner) != 0)
      return REED_ENOMEM;
  if (put_str(b, "</") != 0 || put_name(b, el) != 0 || put_str(b, ">") != 0)
    return REED_ENOMEM;
  return 0;
}

int
reed_xml_put_el(reed_buf_t **b, const reed_xml_el_t *el, const char *parent_ns)
{
  return put_el(b, el, parent_ns != NULL ? parent_ns : "");
}
