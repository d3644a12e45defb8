/* bench: the load generator's XMPP stanza reader under libFuzzer: the
 * input is cut into items as a server's stream would be, each element is
 * tokenized and summarized. Invariants: an item lies inside the input and
 * is not empty, every view of a token or a summary lies inside its
 * element, and framing the same bytes twice gives the same answer. */
#include "base.h"
#include "lg_xmpp_xml.h"

#include <stdlib.h>

static void
inside(bench_view_t v, const char *p, size_t n)
{
  if (v.len && (v.p < p || v.p + v.len > p + n))
    abort();
}

static void
walk(const char *p, size_t n)
{
  lg_xml_it_t it;
  lg_xml_tok_t t;
  lg_xstanza_t s;
  bench_view_t v;

  lg_xml_it_init(&it, p, n);
  while (lg_xml_it_next(&it, &t) == 1) {
    inside(t.name, p, n);
    inside(t.attrs, p, n);
    inside(t.text, p, n);
    if (t.kind == LG_TOK_START && lg_xml_attr(t.attrs, "type", &v))
      inside(v, t.attrs.p, t.attrs.len);
  }
  if (lg_xstanza_read(p, n, &s) == 0) {
    inside(s.name, p, n);
    inside(s.type, p, n);
    inside(s.id, p, n);
    inside(s.from, p, n);
    inside(s.body, p, n);
    inside(s.text, p, n);
    inside(s.cond, p, n);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data;
  size_t off = 0;
  ssize_t r;
  int kind, again;

  while ((r = lg_xml_frame(p + off, size - off, &kind)) > 0) {
    if ((size_t)r > size - off ||
        lg_xml_frame(p + off, size - off, &again) != r || again != kind)
      abort();
    if (kind == LG_XML_ELEMENT)
      walk(p + off, (size_t)r);
    off += (size_t)r;
  }
  return 0;
}
