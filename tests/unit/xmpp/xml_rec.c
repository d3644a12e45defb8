/* The transcript recorder of the XMPP XML tests. */
#include "xml_rec.h"

#include "harness.h"

static void
put(reed_buf_t **b, const char *s)
{
  ASSERT_EQ(reed_buf_append(b, s, strlen(s)), 0);
}

static void
put_name(reed_buf_t **b, const char *ns, const char *name)
{
  if (ns[0] != '\0') {
    put(b, "{");
    put(b, ns);
    put(b, "}");
  }
  put(b, name);
}

void
rec_dump(reed_buf_t **b, const reed_xml_el_t *el)
{
  put_name(b, el->ns, el->name);
  for (size_t i = 0; i < el->n_attrs; i++) {
    put(b, " ");
    put_name(b, el->attrs[i].ns, el->attrs[i].name);
    put(b, "=");
    put(b, el->attrs[i].value);
  }
  ASSERT_EQ(strlen(el->text), el->text_len);
  if (el->text_len) {
    put(b, " \"");
    put(b, el->text);
    put(b, "\"");
  }
  for (const reed_xml_el_t *c = el->first; c != NULL; c = c->next) {
    ASSERT(c->parent == el);
    put(b, " (");
    rec_dump(b, c);
    put(b, ")");
  }
}

static void
on_open(void *ud, const reed_xml_el_t *hdr, const char *default_ns)
{
  rec_t *r = ud;

  ASSERT(hdr->first == NULL && hdr->parent == NULL);
  put(&r->log, "open ");
  rec_dump(&r->log, hdr);
  put(&r->log, " default=");
  put(&r->log, default_ns);
  put(&r->log, "\n");
  if (r->next_lim.max_stanza != 0)
    reed_xml_stream_set_limits(r->p, &r->next_lim);
}

static void
on_element(void *ud, reed_xml_el_t *el)
{
  rec_t *r = ud;

  ASSERT(el->parent == NULL && el->next == NULL);
  put(&r->log, "el ");
  rec_dump(&r->log, el);
  put(&r->log, "\n");
  if (r->el_lim.max_stanza != 0)
    reed_xml_stream_set_limits(r->p, &r->el_lim);
  if (++r->n_el == r->pause_at) {
    reed_xml_stream_pause(r->p);
    if (r->reset_in_cb)
      ASSERT_EQ(reed_xml_stream_reset(r->p), 0);
  }
}

static void
on_close(void *ud)
{
  put(&((rec_t *)ud)->log, "close\n");
}

static const reed_xml_cbs_t rec_cbs = {
    .stream_open = on_open,
    .element = on_element,
    .stream_close = on_close,
};

void
rec_init(rec_t *r, const reed_xml_limits_t *lim)
{
  *r = (rec_t){.log = reed_buf_new(256)};
  ASSERT(r->log != NULL);
  ASSERT_EQ(reed_xml_stream_new(lim, &rec_cbs, r, &r->p), 0);
}

void
rec_done(rec_t *r)
{
  reed_xml_stream_free(r->p);
  reed_buf_unref(r->log);
}

const char *
rec_text(rec_t *r)
{
  ASSERT_EQ(reed_buf_append(&r->log, "", 1), 0);
  r->log->len--;
  return (const char *)r->log->data;
}

/* Feeds one chunk, resuming after pauses; false once the parser failed. */
static bool
feed_chunk(rec_t *r, const uint8_t *in, size_t len)
{
  size_t pos = 0, used;
  reed_xml_err_t err;

  while (pos < len) {
    err = reed_xml_stream_feed(r->p, in + pos, len - pos, &used);
    if (err != REED_XML_OK) {
      put(&r->log, "err ");
      put(&r->log, reed_xml_err_condition(err));
      put(&r->log, "\n");
      return false;
    }
    ASSERT(used <= len - pos);
    if (used < len - pos)
      reed_xml_stream_resume(r->p);
    pos += used;
  }
  return true;
}

void
rec_feed_split(rec_t *r, const char *in, size_t len, size_t split)
{
  if (feed_chunk(r, (const uint8_t *)in, split))
    feed_chunk(r, (const uint8_t *)in + split, len - split);
}

char *
transcript(const char *in, size_t len, const reed_xml_limits_t *lim)
{
  rec_t r;
  char *s;

  rec_init(&r, lim);
  rec_feed_split(&r, in, len, len);
  s = strdup(rec_text(&r));
  rec_done(&r);
  return s;
}

static void
keep_first(void *ud, reed_xml_el_t *el)
{
  reed_xml_el_t **out = ud;

  if (*out == NULL) {
    *out = reed_xml_el_clone(el);
    ASSERT(*out != NULL);
  }
}

reed_xml_el_t *
parse_el(const char *stanza)
{
  static const char hdr[] = "<stream:stream xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>";
  reed_xml_cbs_t cbs = {.element = keep_first};
  reed_xml_el_t *el = NULL;
  reed_xml_stream_t *p;
  size_t used;

  ASSERT_EQ(reed_xml_stream_new(NULL, &cbs, &el, &p), 0);
  ASSERT_EQ(reed_xml_stream_feed(p, (const uint8_t *)hdr, strlen(hdr), &used),
            REED_XML_OK);
  ASSERT_EQ(
      reed_xml_stream_feed(p, (const uint8_t *)stanza, strlen(stanza), &used),
      REED_XML_OK);
  reed_xml_stream_free(p);
  ASSERT(el != NULL);
  return el;
}
