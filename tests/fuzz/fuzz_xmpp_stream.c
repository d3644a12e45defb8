/* Fuzzes the XMPP stream parser. The first three bytes choose the limits,
 * the element to pause after, what follows the pause (resume or reset)
 * and the chunk sizes; the rest is the stream. Invariants:
 * - fed in random chunks and paused/resumed, the callbacks are those of
 *   one whole feed (the same transcript, the same final error);
 * - every element serializes to XML that parses back to the same tree;
 * - a paused feed stops at a '>' and consumes nothing more until resumed;
 * - clones match their original; no leak (ASan). */
#include "xmpp_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_HDR "xmlns:stream='http://etherx.jabber.org/streams'>"

typedef struct {
  reed_buf_t *log;
  reed_xml_stream_t *p;
  reed_xml_limits_t lim;
  char *default_ns;
  int n_el, pause_at;
  bool check;           /* serialize and re-parse each element */
  reed_xml_el_t *first; /* the re-parse's element */
} run_t;

static void
put(reed_buf_t **b, const char *s, size_t n)
{
  if (reed_buf_append(b, s, n) != 0)
    abort();
}

static void
puts_(reed_buf_t **b, const char *s)
{
  put(b, s, strlen(s));
}

static void
dump(reed_buf_t **b, const reed_xml_el_t *el)
{
  puts_(b, "{");
  puts_(b, el->ns);
  puts_(b, "}");
  puts_(b, el->name);
  for (size_t i = 0; i < el->n_attrs; i++) {
    puts_(b, " {");
    puts_(b, el->attrs[i].ns);
    puts_(b, "}");
    puts_(b, el->attrs[i].name);
    puts_(b, "=");
    puts_(b, el->attrs[i].value);
  }
  if (strlen(el->text) != el->text_len)
    abort();
  puts_(b, " \"");
  put(b, el->text, el->text_len);
  puts_(b, "\"");
  for (const reed_xml_el_t *c = el->first; c != NULL; c = c->next) {
    if (c->parent != el)
      abort();
    puts_(b, " (");
    dump(b, c);
    puts_(b, ")");
  }
}

static bool
same_dump(const reed_xml_el_t *a, const reed_xml_el_t *b)
{
  reed_buf_t *x = reed_buf_new(0), *y = reed_buf_new(0);
  bool same;

  dump(&x, a);
  dump(&y, b);
  same = x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
  reed_buf_unref(x);
  reed_buf_unref(y);
  return same;
}

static void
keep_first(void *ud, reed_xml_el_t *el)
{
  run_t *r = ud;

  if (r->first == NULL && (r->first = reed_xml_el_clone(el)) == NULL)
    abort();
}

/* put_el(el), inside a stream with the same default namespace, parses
 * back to el. */
static void
check_roundtrip(run_t *r, const reed_xml_el_t *el)
{
  reed_xml_cbs_t cbs = {.element = keep_first};
  reed_xml_limits_t lim = r->lim;
  run_t again = {0};
  reed_buf_t *b = reed_buf_new(0);
  reed_xml_stream_t *p;
  size_t used;

  puts_(&b, "<stream:stream");
  if (reed_xml_put_attr(&b, "xmlns", r->default_ns) != 0)
    abort();
  puts_(&b, " " NS_HDR);
  lim.max_stream_hdr = b->len;
  /* room for the xmlns declarations the writer adds */
  lim.max_attrs = 2 * (lim.max_attrs ? lim.max_attrs : 64) + 1;
  lim.max_stanza = 0;
  if (reed_xml_put_el(&b, el, r->default_ns) != 0)
    abort();
  lim.max_stanza = b->len;
  if (reed_xml_stream_new(&lim, &cbs, &again, &p) != 0)
    abort();
  if (reed_xml_stream_feed(p, b->data, b->len, &used) != REED_XML_OK ||
      used != b->len || again.first == NULL || !same_dump(el, again.first))
    abort();
  reed_xml_stream_free(p);
  reed_xml_el_free(again.first);
  reed_buf_unref(b);
}

static void
on_open(void *ud, const reed_xml_el_t *hdr, const char *default_ns)
{
  run_t *r = ud;

  puts_(&r->log, "open ");
  dump(&r->log, hdr);
  puts_(&r->log, default_ns);
  puts_(&r->log, "\n");
  free(r->default_ns);
  r->default_ns = strdup(default_ns);
}

static void
on_element(void *ud, reed_xml_el_t *el)
{
  run_t *r = ud;
  reed_xml_el_t *c;

  puts_(&r->log, "el ");
  dump(&r->log, el);
  puts_(&r->log, "\n");
  (void)reed_xml_attr(el, "id");
  (void)reed_xml_attr_ns(el, REED_NS_XML, "lang");
  (void)reed_xml_child_text(el, "body", NULL);
  for (c = reed_xml_child(el, NULL, NULL); c; c = reed_xml_next(c, NULL, NULL))
    ;
  if (r->check) {
    c = reed_xml_el_clone(el);
    if (c == NULL || !same_dump(c, el))
      abort();
    reed_xml_el_free(c);
    check_roundtrip(r, el);
  }
  if (++r->n_el == r->pause_at)
    reed_xml_stream_pause(r->p);
}

static void
on_close(void *ud)
{
  puts_(&((run_t *)ud)->log, "close\n");
}

static const reed_xml_cbs_t cbs = {
    .stream_open = on_open,
    .element = on_element,
    .stream_close = on_close,
};

static void
run_init(run_t *r, const reed_xml_limits_t *lim)
{
  *r = (run_t){.log = reed_buf_new(256), .lim = *lim};
  if (r->log == NULL || reed_xml_stream_new(lim, &cbs, r, &r->p) != 0)
    abort();
}

static void
run_done(run_t *r)
{
  reed_xml_stream_free(r->p);
  reed_buf_unref(r->log);
  free(r->default_ns);
}

/* Feeds in[0, n); on a pause, resumes, or resets and gives a new header
 * when `reset`. Returns false once the parser failed. */
static bool
feed(run_t *r, const uint8_t *in, size_t n, bool reset)
{
  static const char hdr[] = "<stream:stream " NS_HDR;
  size_t pos = 0, used;
  reed_xml_err_t err;

  while (pos < n) {
    err = reed_xml_stream_feed(r->p, in + pos, n - pos, &used);
    if (err != REED_XML_OK) {
      puts_(&r->log, reed_xml_err_condition(err));
      return false;
    }
    pos += used;
    if (pos < n) {
      /* (a pause at the end of the last chunk shows here with pos 0) */
      if ((pos > 0 && in[pos - 1] != '>') ||
          reed_xml_stream_feed(r->p, in + pos, n - pos, &used) != REED_XML_OK ||
          used != 0)
        abort();
      if (!reset) {
        reed_xml_stream_resume(r->p);
        continue;
      }
      if (reed_xml_stream_reset(r->p) != 0 ||
          reed_xml_stream_feed(r->p, (const uint8_t *)hdr, strlen(hdr),
                               &used) != REED_XML_OK)
        abort();
    }
  }
  return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_xml_limits_t lim = {0};
  run_t whole, split;
  uint32_t seed;
  bool reset;

  if (size < 3)
    return 0;
  if (data[0] & 1) {
    lim.max_depth = 1 + (data[0] >> 1 & 7);
    lim.max_attrs = 1 + (data[0] >> 4);
    lim.max_stanza = 16 + 8 * (size_t)data[1];
    lim.max_stream_hdr = 32 + 4 * (size_t)data[1];
  }
  reset = data[2] & 1;
  seed = data[1] | (uint32_t)data[2] << 8;
  run_init(&whole, &lim);
  whole.check = true;
  (void)feed(&whole, data + 3, size - 3, false);
  run_init(&split, &lim);
  split.pause_at = data[2] >> 1 & 15;
  for (size_t pos = 3; pos < size;) {
    size_t n = 1 + (seed >> 16) % 17;

    seed = seed * 1103515245u + 12345u;
    n = n < size - pos ? n : size - pos;
    if (!feed(&split, data + pos, n, reset))
      break;
    pos += n;
  }
  if (getenv("FUZZ_DEBUG") != NULL) /* both transcripts, for a crash */
    fprintf(stderr, "whole:\n%.*s\nsplit:\n%.*s\n", (int)whole.log->len,
            (const char *)whole.log->data, (int)split.log->len,
            (const char *)split.log->data);
  if (!reset && (whole.log->len != split.log->len ||
                 memcmp(whole.log->data, split.log->data, whole.log->len)))
    abort();
  run_done(&whole);
  run_done(&split);
  return 0;
}
