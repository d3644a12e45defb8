/* bench: the XMPP stanza reader (see lg_xmpp_xml.h for what it is not). */
#include "lg_xmpp_xml.h"

#include "base.h"

#include <string.h>

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
view_is(bench_view_t v, const char *s)
{
  size_t n = strlen(s);

  return v.len == n && memcmp(v.p, s, n) == 0;
}

/* The name of the tag whose '<' (and '/' for an end tag) ends at p. */
static bench_view_t
tag_name(const char *p, const char *end)
{
  const char *q = p;

  while (q < end && !is_space(*q) && *q != '/' && *q != '>')
    q++;
  return (bench_view_t){p, (size_t)(q - p)};
}

/* The '>' closing the tag that starts at p, skipping quoted values, or
 * NULL when it is not in [p, end). */
static const char *
tag_close(const char *p, const char *end)
{
  char quote = 0;

  for (; p < end; p++) {
    if (quote) {
      if (*p == quote)
        quote = 0;
    } else if (*p == '\'' || *p == '"') {
      quote = *p;
    } else if (*p == '>') {
      return p;
    }
  }
  return NULL;
}

static ssize_t
frame_space(const char *p, size_t n, int *kind)
{
  size_t i = 0;

  while (i < n && is_space(p[i]))
    i++;
  if (i == 0)
    return REED_ESYNTAX; /* text at the top level */
  *kind = LG_XML_SPACE;
  return (ssize_t)i;
}

static ssize_t
frame_decl(const char *p, size_t n, int *kind)
{
  const char *q = p + 2, *end = p + n;

  for (; q + 1 < end; q++) {
    if (q[0] == '?' && q[1] == '>') {
      *kind = LG_XML_DECL;
      return q + 2 - p;
    }
  }
  return 0;
}

ssize_t
lg_xml_frame(const char *p, size_t n, int *kind)
{
  const char *q = p, *end = p + n, *gt;
  bench_view_t name;
  int depth = 0;

  if (n == 0)
    return 0;
  if (p[0] != '<')
    return frame_space(p, n, kind);
  if (n >= 2 && p[1] == '?')
    return frame_decl(p, n, kind);
  for (;;) {
    if (q + 1 >= end)
      return 0;
    if (q[1] == '!' || q[1] == '?')
      return REED_ESYNTAX;
    gt = tag_close(q + 1, end);
    if (gt == NULL)
      return 0;
    if (q[1] == '/') {
      name = tag_name(q + 2, gt);
      if (depth == 0 && view_is(name, "stream:stream")) {
        *kind = LG_XML_CLOSE;
        return gt + 1 - p;
      }
      if (depth == 0 || name.len == 0)
        return REED_ESYNTAX;
      depth--;
    } else {
      name = tag_name(q + 1, gt);
      if (name.len == 0)
        return REED_ESYNTAX;
      if (depth == 0 && view_is(name, "stream:stream")) {
        *kind = LG_XML_OPEN;
        return gt + 1 - p;
      }
      if (gt[-1] != '/' && ++depth > LG_XML_MAXDEPTH)
        return REED_ESYNTAX;
    }
    if (depth == 0) {
      *kind = LG_XML_ELEMENT;
      return gt + 1 - p;
    }
    q = memchr(gt + 1, '<', (size_t)(end - gt - 1));
    if (q == NULL)
      return 0;
  }
}

void
lg_xml_it_init(lg_xml_it_t *it, const char *p, size_t n)
{
  it->p = p;
  it->end = p + n;
}

static int
next_tag(lg_xml_it_t *it, lg_xml_tok_t *tok)
{
  const char *gt = tag_close(it->p + 1, it->end), *start;

  if (gt == NULL || it->p + 1 >= it->end || it->p[1] == '!' || it->p[1] == '?')
    return REED_ESYNTAX;
  if (it->p[1] == '/') {
    tok->kind = LG_TOK_END;
    tok->name = tag_name(it->p + 2, gt);
  } else {
    tok->kind = LG_TOK_START;
    tok->name = tag_name(it->p + 1, gt);
    start = tok->name.p + tok->name.len;
    tok->empty = gt[-1] == '/' && gt - 1 >= start;
    tok->attrs = (bench_view_t){start, (size_t)(gt - start - tok->empty)};
  }
  it->p = gt + 1;
  return tok->name.len ? 1 : REED_ESYNTAX;
}

int
lg_xml_it_next(lg_xml_it_t *it, lg_xml_tok_t *tok)
{
  const char *lt;

  memset(tok, 0, sizeof(*tok));
  if (it->p >= it->end)
    return 0;
  if (*it->p == '<')
    return next_tag(it, tok);
  lt = memchr(it->p, '<', (size_t)(it->end - it->p));
  lt = lt ? lt : it->end;
  tok->kind = LG_TOK_TEXT;
  tok->text = (bench_view_t){it->p, (size_t)(lt - it->p)};
  it->p = lt;
  return 1;
}

int
lg_xml_attr(bench_view_t attrs, const char *name, bench_view_t *val)
{
  const char *p = attrs.p, *end = attrs.p + attrs.len, *k, *v;
  size_t klen;
  char quote;

  while (p < end) {
    while (p < end && is_space(*p))
      p++;
    for (k = p; p < end && *p != '=' && !is_space(*p); p++)
      ;
    klen = (size_t)(p - k);
    while (p < end && (is_space(*p) || *p == '='))
      p++;
    if (p >= end || (*p != '\'' && *p != '"') || klen == 0)
      return 0;
    quote = *p++;
    v = memchr(p, quote, (size_t)(end - p));
    if (v == NULL)
      return 0;
    if (klen == strlen(name) && memcmp(k, name, klen) == 0) {
      *val = (bench_view_t){p, (size_t)(v - p)};
      return 1;
    }
    p = v + 1;
  }
  return 0;
}

/* The name without its prefix: "stream:features" -> "features". */
static bench_view_t
local_name(bench_view_t name)
{
  const char *c = memchr(name.p, ':', name.len);

  if (c == NULL)
    return name;
  return (bench_view_t){c + 1, name.len - (size_t)(c + 1 - name.p)};
}

enum { EL_OTHER, EL_BODY, EL_MUC_USER, EL_MECHS, EL_MECH, EL_ERROR };

typedef struct walk_s {
  lg_xstanza_t *out;
  uint8_t stack[LG_XML_MAXDEPTH + 1]; /* what each open element is */
  int depth;
  int root_is_error; /* stream:error or SASL failure: cond is its child */
} walk_t;

static int
attr_is(const lg_xml_tok_t *t, const char *name, const char *want)
{
  bench_view_t v;

  return lg_xml_attr(t->attrs, name, &v) && view_is(v, want);
}

static void
on_root(walk_t *w, const lg_xml_tok_t *t)
{
  lg_xstanza_t *o = w->out;

  o->name = t->name;
  lg_xml_attr(t->attrs, "type", &o->type);
  lg_xml_attr(t->attrs, "id", &o->id);
  lg_xml_attr(t->attrs, "from", &o->from);
  if (view_is(t->name, "stream:error") || view_is(t->name, "failure")) {
    o->flags |= LG_XS_ERROR;
    w->root_is_error = 1;
  }
}

/* A child of the root: which facts it carries. */
static uint8_t
on_child(walk_t *w, const lg_xml_tok_t *t)
{
  lg_xstanza_t *o = w->out;
  bench_view_t n = local_name(t->name);

  if (w->root_is_error && o->cond.len == 0)
    o->cond = n;
  if (view_is(n, "body")) {
    o->flags |= LG_XS_BODY;
    return EL_BODY;
  }
  if (view_is(n, "subject"))
    o->flags |= LG_XS_SUBJECT;
  else if (view_is(n, "delay"))
    o->flags |= LG_XS_DELAY;
  else if (view_is(n, "bind"))
    o->flags |= LG_XS_BIND;
  else if (view_is(n, "mechanisms")) {
    o->flags |= LG_XS_MECHS;
    return EL_MECHS;
  } else if (view_is(n, "error")) {
    o->flags |= LG_XS_ERROR;
    return EL_ERROR;
  } else if (view_is(n, "x") &&
             attr_is(t, "xmlns", "http://jabber.org/protocol/muc#user")) {
    o->flags |= LG_XS_MUC_USER;
    return EL_MUC_USER;
  }
  return EL_OTHER;
}

/* A grandchild: MUC status codes, SASL mechanisms, error conditions. */
static uint8_t
on_grandchild(walk_t *w, uint8_t parent, const lg_xml_tok_t *t)
{
  lg_xstanza_t *o = w->out;
  bench_view_t n = local_name(t->name);

  if (parent == EL_MUC_USER && view_is(n, "status")) {
    if (attr_is(t, "code", "110"))
      o->flags |= LG_XS_SELF;
    else if (attr_is(t, "code", "201"))
      o->flags |= LG_XS_CREATED;
  } else if (parent == EL_MECHS && view_is(n, "mechanism")) {
    return EL_MECH;
  } else if (parent == EL_ERROR && o->cond.len == 0 && !view_is(n, "text")) {
    o->cond = n;
  }
  return EL_OTHER;
}

static void
on_text(walk_t *w, bench_view_t text)
{
  lg_xstanza_t *o = w->out;
  uint8_t el = w->stack[w->depth - 1];

  if (w->depth == 1 && o->text.len == 0)
    o->text = text;
  else if (w->depth == 2 && el == EL_BODY && o->body.len == 0)
    o->body = text;
  else if (w->depth == 3 && el == EL_MECH && view_is(text, "PLAIN"))
    o->flags |= LG_XS_PLAIN;
  else if (w->depth == 3 && el == EL_MECH && view_is(text, "SCRAM-SHA-1"))
    o->flags |= LG_XS_SCRAM_SHA1;
}

static int
on_start(walk_t *w, const lg_xml_tok_t *t)
{
  uint8_t el = EL_OTHER;

  if (w->depth >= LG_XML_MAXDEPTH)
    return REED_ESYNTAX;
  if (w->depth == 0)
    on_root(w, t);
  else if (w->depth == 1)
    el = on_child(w, t);
  else if (w->depth == 2)
    el = on_grandchild(w, w->stack[1], t);
  if (!t->empty)
    w->stack[w->depth++] = el;
  return 0;
}

int
lg_xstanza_read(const char *p, size_t n, lg_xstanza_t *out)
{
  walk_t w = {.out = out};
  lg_xml_it_t it;
  lg_xml_tok_t t;
  int rc;

  memset(out, 0, sizeof(*out));
  lg_xml_it_init(&it, p, n);
  while ((rc = lg_xml_it_next(&it, &t)) == 1) {
    if (t.kind == LG_TOK_START && on_start(&w, &t) < 0)
      return REED_ESYNTAX;
    else if (t.kind == LG_TOK_END && w.depth > 0)
      w.depth--;
    else if (t.kind == LG_TOK_TEXT && w.depth > 0)
      on_text(&w, t.text);
  }
  return rc < 0 || out->name.len == 0 ? REED_ESYNTAX : 0;
}
