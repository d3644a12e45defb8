/* Element trees: the arena a parsed element lives in, the accessors, and
 * deep copies that own their memory. */
#include "xml_int.h"

#include <string.h>

/* ---- Arena ----------------------------------------------------------------
 */
#define BLOCK_MIN 4096
#define ALIGN 16

struct reed__xml_block_s {
  reed__xml_block_t *next;
  size_t used, cap;
  _Alignas(ALIGN) unsigned char data[];
};

void *
reed__xml_arena_alloc(reed__xml_arena_t *a, size_t n)
{
  reed__xml_block_t *b = a->head;
  void *p;

  n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (b == NULL || b->cap - b->used < n) {
    size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;

    b = reed_malloc(sizeof(*b) + cap);
    if (b == NULL)
      return NULL;
    b->used = 0;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
  }
  p = b->data + b->used;
  b->used += n;
  return p;
}

char *
reed__xml_arena_strndup(reed__xml_arena_t *a, const char *s, size_t n)
{
  char *p = reed__xml_arena_alloc(a, n + 1);

  if (p == NULL)
    return NULL;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void
reed__xml_arena_clear(reed__xml_arena_t *a)
{
  reed__xml_block_t *b = a->head, *next;

  if (b == NULL)
    return;
  /* Keep the oldest block (the last in the chain): it is the standard
   * size, where a later one may be a large one-off. */
  while (b->next != NULL) {
    next = b->next;
    reed_free(b);
    b = next;
  }
  b->used = 0;
  a->head = b;
}

void
reed__xml_arena_free(reed__xml_arena_t *a)
{
  reed__xml_block_t *b = a->head, *next;

  for (; b != NULL; b = next) {
    next = b->next;
    reed_free(b);
  }
  a->head = NULL;
}

/* ---- Accessors ------------------------------------------------------------
 */
static bool
matches(const reed_xml_el_t *el, const char *name, const char *ns)
{
  return (name == NULL || strcmp(el->name, name) == 0) &&
         (ns == NULL || strcmp(el->ns, ns) == 0);
}

const char *
reed_xml_attr(const reed_xml_el_t *el, const char *name)
{
  return reed_xml_attr_ns(el, "", name);
}

const char *
reed_xml_attr_ns(const reed_xml_el_t *el, const char *ns, const char *name)
{
  for (size_t i = 0; i < el->n_attrs; i++)
    if (strcmp(el->attrs[i].name, name) == 0 &&
        strcmp(el->attrs[i].ns, ns) == 0)
      return el->attrs[i].value;
  return NULL;
}

reed_xml_el_t *
reed_xml_child(const reed_xml_el_t *el, const char *name, const char *ns)
{
  reed_xml_el_t *c;

  for (c = el->first; c != NULL; c = c->next)
    if (matches(c, name, ns))
      return c;
  return NULL;
}

reed_xml_el_t *
reed_xml_next(const reed_xml_el_t *after, const char *name, const char *ns)
{
  reed_xml_el_t *c;

  for (c = after->next; c != NULL; c = c->next)
    if (matches(c, name, ns))
      return c;
  return NULL;
}

const char *
reed_xml_child_text(const reed_xml_el_t *el, const char *name, const char *ns)
{
  reed_xml_el_t *c = reed_xml_child(el, name, ns);

  return c != NULL ? c->text : NULL;
}

/* ---- Deep copies -----------------------------------------------------------
 * A clone is one allocation: the elements, then the attribute arrays, then
 * the strings, laid out by a sizing pass; so reed_xml_el_free is a single
 * reed_free and a clone cannot be half-built. */
typedef struct {
  unsigned char *p;
} cursor_t;

static size_t
str_size(const char *s)
{
  return strlen(s) + 1;
}

static size_t
el_size(const reed_xml_el_t *el)
{
  size_t n = sizeof(reed_xml_el_t) + el->n_attrs * sizeof(reed_xml_attr_t);

  n += str_size(el->name) + str_size(el->ns) + el->text_len + 1;
  for (size_t i = 0; i < el->n_attrs; i++)
    n += str_size(el->attrs[i].name) + str_size(el->attrs[i].ns) +
         str_size(el->attrs[i].value);
  /* Keep every element aligned for the next one. */
  n = (n + _Alignof(reed_xml_el_t) - 1) & ~(_Alignof(reed_xml_el_t) - 1);
  for (const reed_xml_el_t *c = el->first; c != NULL; c = c->next)
    n += el_size(c);
  return n;
}

static void *
take(cursor_t *c, size_t n)
{
  void *p = c->p;

  c->p += n;
  return p;
}

static const char *
copy_str(cursor_t *c, const char *s, size_t n)
{
  char *d = take(c, n + 1);

  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static reed_xml_el_t *
copy_el(cursor_t *c, const reed_xml_el_t *el, reed_xml_el_t *parent)
{
  reed_xml_el_t *d = take(c, sizeof(*d)), **link = &d->first;
  unsigned char *start = (unsigned char *)d;
  size_t used;

  *d = (reed_xml_el_t){.n_attrs = el->n_attrs, .parent = parent};
  d->attrs = el->n_attrs ? take(c, el->n_attrs * sizeof(*d->attrs)) : NULL;
  d->name = copy_str(c, el->name, strlen(el->name));
  d->ns = copy_str(c, el->ns, strlen(el->ns));
  d->text = copy_str(c, el->text, el->text_len);
  d->text_len = el->text_len;
  for (size_t i = 0; i < el->n_attrs; i++) {
    d->attrs[i].name =
        copy_str(c, el->attrs[i].name, strlen(el->attrs[i].name));
    d->attrs[i].ns = copy_str(c, el->attrs[i].ns, strlen(el->attrs[i].ns));
    d->attrs[i].value =
        copy_str(c, el->attrs[i].value, strlen(el->attrs[i].value));
  }
  used = (size_t)(c->p - start);
  c->p +=
      ((used + _Alignof(reed_xml_el_t) - 1) & ~(_Alignof(reed_xml_el_t) - 1)) -
      used;
  for (const reed_xml_el_t *ch = el->first; ch != NULL; ch = ch->next) {
    *link = copy_el(c, ch, d);
    link = &(*link)->next;
  }
  return d;
}

reed_xml_el_t *
reed_xml_el_clone(const reed_xml_el_t *el)
{
  cursor_t c = {reed_malloc(el_size(el))};
  reed_xml_el_t *d;

  if (c.p == NULL)
    return NULL;
  d = copy_el(&c, el, NULL);
  return d;
}

void
reed_xml_el_free(reed_xml_el_t *el)
{
  reed_free(el);
}
