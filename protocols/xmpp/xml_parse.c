/* The stream parser: libexpat's push parser with namespaces, turned into
 * stream_open / element / stream_close callbacks, with RFC 6120's XML
 * restrictions and reed's limits.
 *
 * How a feed walks its input, and why. The input is given to expat in
 * pieces that each end just after a '>' byte (or at the end of the
 * input), and the pause flag, the limits and the stream state are looked
 * at between pieces:
 * - Pause. An element ends with its end tag's '>', which is therefore the
 *   last byte of some piece; with reparse deferral off, expat tokenizes
 *   the end tag as soon as it has that byte, so the element callback runs
 *   inside that piece's XML_Parse and expat is left holding no byte past
 *   it. Stopping the loop there returns *used just past the end tag, and
 *   the caller owns every later byte (for this parser after resume, or a
 *   new document after reset). XML_StopParser(resumable) would instead
 *   leave expat holding the rest of its buffer, which a reset throws away.
 * - Limits. Before a piece goes to expat, the bytes of the current
 *   top-level element (or of the stream header) including that piece are
 *   known, so an oversized element is refused before expat buffers more
 *   than the limit, at the same byte for every split of the input.
 * - Keepalives. After the stream header and after each top-level element,
 *   expat holds no partial token, so whitespace there is skipped without
 *   giving it to expat at all: it neither counts towards the next element
 *   nor grows anything.
 * The price is one XML_Parse call per tag, which is small next to the
 * tokenizing itself. */
#include "xml_int.h"

#include <expat.h>
#include <limits.h>
#include <string.h>

/* A byte no XML 1.0 document may contain, so it cannot occur in a URI. */
#define NS_SEP '\x01'
/* The text stack's capacity kept between elements. */
#define TEXT_KEEP 4096

typedef struct node_s {
  reed_xml_el_t el; /* first: a reed_xml_el_t * to it is a node_t * */
  reed_xml_el_t *last;
  size_t tstart; /* where this element's text starts in the text stack */
} node_t;

struct reed_xml_stream_s {
  XML_Parser xp;
  reed_xml_cbs_t cbs;
  void *ud;
  reed_xml_limits_t lim, next_lim;
  reed_xml_err_t err;
  bool opened, closed, paused, at_boundary, boundary_event;
  bool in_feed, reset_pending;
  size_t depth;      /* open elements, the stream element included */
  size_t pending_ns; /* namespace declarations of the next start tag */
  uint64_t fed;      /* bytes given to expat in this document */
  uint64_t el_start; /* `fed` where the current top-level element began */
  char *default_ns;  /* the stream header's default namespace */
  node_t *cur;       /* innermost open element below the stream */
  reed__xml_arena_t arena;
  /* Text of the open elements, innermost last: a child's text is popped
   * into the arena at its end tag, so each element's text stays
   * contiguous even when children interrupt it. */
  char *tbuf;
  size_t tlen, tcap;
};

const char *
reed_xml_err_condition(reed_xml_err_t err)
{
  switch (err) {
  case REED_XML_OK:
    return "";
  case REED_XML_ERR_NOT_WELL_FORMED:
    return "not-well-formed";
  case REED_XML_ERR_RESTRICTED_XML:
    return "restricted-xml";
  case REED_XML_ERR_POLICY_VIOLATION:
    return "policy-violation";
  case REED_XML_ERR_INVALID_NAMESPACE:
    return "invalid-namespace";
  case REED_XML_ERR_BAD_FORMAT:
    return "bad-format";
  case REED_XML_ERR_NOMEM:
    break;
  }
  return "internal-server-error";
}

static void
fail(reed_xml_stream_t *p, reed_xml_err_t err)
{
  if (p->err == REED_XML_OK) {
    p->err = err;
    XML_StopParser(p->xp, XML_FALSE);
  }
}

static reed_xml_limits_t
normalize(const reed_xml_limits_t *lim)
{
  reed_xml_limits_t l = lim ? *lim : (reed_xml_limits_t){0};

  if (l.max_depth == 0)
    l.max_depth = 32;
  if (l.max_attrs == 0)
    l.max_attrs = 64;
  if (l.max_stanza == 0)
    l.max_stanza = 10000;
  if (l.max_stream_hdr == 0)
    l.max_stream_hdr = 4096;
  return l;
}

/* ---- Building elements ------------------------------------------------- */
/* Splits expat's "uri<SEP>local" (or a bare "local") into the arena. */
static bool
split_name(reed_xml_stream_t *p, const char *qname, const char **ns,
           const char **local)
{
  const char *sep = strchr(qname, NS_SEP);

  if (sep == NULL) {
    *ns = "";
    *local = reed__xml_arena_strndup(&p->arena, qname, strlen(qname));
  } else {
    *ns = reed__xml_arena_strndup(&p->arena, qname, (size_t)(sep - qname));
    *local = reed__xml_arena_strndup(&p->arena, sep + 1, strlen(sep + 1));
  }
  return *ns != NULL && *local != NULL;
}

static bool
fill_attrs(reed_xml_stream_t *p, reed_xml_el_t *el, const char **atts, size_t n)
{
  el->n_attrs = n;
  el->attrs = NULL;
  if (n == 0)
    return true;
  el->attrs = reed__xml_arena_alloc(&p->arena, n * sizeof(*el->attrs));
  if (el->attrs == NULL)
    return false;
  for (size_t i = 0; i < n; i++) {
    reed_xml_attr_t *a = &el->attrs[i];
    const char *v = atts[2 * i + 1];

    if (!split_name(p, atts[2 * i], &a->ns, &a->name))
      return false;
    a->value = reed__xml_arena_strndup(&p->arena, v, strlen(v));
    if (a->value == NULL)
      return false;
  }
  return true;
}

static size_t
count_attrs(const char **atts)
{
  size_t n = 0;

  while (atts[2 * n] != NULL)
    n++;
  return n;
}

/* A new element in the arena, with no text and no children yet. */
static node_t *
new_node(reed_xml_stream_t *p, const char *qname, const char **atts,
         size_t n_attrs)
{
  node_t *n = reed__xml_arena_alloc(&p->arena, sizeof(*n));

  if (n == NULL)
    return NULL;
  *n = (node_t){.el = {.text = ""}, .tstart = p->tlen};
  if (!split_name(p, qname, &n->el.ns, &n->el.name) ||
      !fill_attrs(p, &n->el, atts, n_attrs))
    return NULL;
  return n;
}

/* ---- expat handlers ------------------------------------------------------ */
static void
open_stream(reed_xml_stream_t *p, const char *qname, const char **atts,
            size_t n_attrs)
{
  node_t *hdr = new_node(p, qname, atts, n_attrs);

  if (hdr == NULL) {
    fail(p, REED_XML_ERR_NOMEM);
    return;
  }
  if (strcmp(hdr->el.ns, REED_NS_STREAM) != 0) {
    fail(p, REED_XML_ERR_INVALID_NAMESPACE);
    return;
  }
  if (strcmp(hdr->el.name, "stream") != 0) {
    fail(p, REED_XML_ERR_BAD_FORMAT);
    return;
  }
  p->opened = true;
  p->boundary_event = true;
  if (p->cbs.stream_open != NULL)
    p->cbs.stream_open(p->ud, &hdr->el,
                       p->default_ns != NULL ? p->default_ns : "");
  reed__xml_arena_clear(&p->arena);
}

static void XMLCALL
on_start(void *ud, const char *qname, const char **atts)
{
  reed_xml_stream_t *p = ud;
  size_t n_attrs = count_attrs(atts), n_decls = p->pending_ns;
  node_t *n;

  p->pending_ns = 0;
  if (p->err != REED_XML_OK)
    return;
  if (n_attrs + n_decls > p->lim.max_attrs ||
      (p->depth > 0 && p->depth > p->lim.max_depth)) {
    fail(p, REED_XML_ERR_POLICY_VIOLATION);
    return;
  }
  if (p->depth++ == 0) {
    open_stream(p, qname, atts, n_attrs);
    return;
  }
  n = new_node(p, qname, atts, n_attrs);
  if (n == NULL) {
    fail(p, REED_XML_ERR_NOMEM);
    return;
  }
  if (p->cur != NULL) {
    n->el.parent = &p->cur->el;
    if (p->cur->last != NULL)
      p->cur->last->next = &n->el;
    else
      p->cur->el.first = &n->el;
    p->cur->last = &n->el;
  }
  p->cur = n;
}

static void
deliver(reed_xml_stream_t *p, node_t *top)
{
  p->boundary_event = true;
  if (p->cbs.element != NULL)
    p->cbs.element(p->ud, &top->el);
  reed__xml_arena_clear(&p->arena);
  /* One large stanza should not pin its text buffer to an idle session. */
  if (p->tcap > TEXT_KEEP) {
    reed_free(p->tbuf);
    p->tbuf = NULL;
    p->tcap = 0;
  }
}

static void XMLCALL
on_end(void *ud, const char *qname)
{
  reed_xml_stream_t *p = ud;
  node_t *n = p->cur;

  (void)qname;
  if (p->err != REED_XML_OK)
    return;
  if (--p->depth == 0) {
    p->closed = true;
    if (p->cbs.stream_close != NULL)
      p->cbs.stream_close(p->ud);
    return;
  }
  n->el.text_len = p->tlen - n->tstart;
  if (n->el.text_len > 0) {
    n->el.text =
        reed__xml_arena_strndup(&p->arena, p->tbuf + n->tstart, n->el.text_len);
    if (n->el.text == NULL) {
      fail(p, REED_XML_ERR_NOMEM);
      return;
    }
  }
  p->tlen = n->tstart;
  p->cur = (node_t *)n->el.parent;
  if (p->depth == 1)
    deliver(p, n);
}

static bool
all_space(const char *s, int len)
{
  for (int i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      return false;
  return true;
}

static void XMLCALL
on_text(void *ud, const char *s, int len)
{
  reed_xml_stream_t *p = ud;
  size_t n = (size_t)len;

  if (p->err != REED_XML_OK)
    return;
  if (p->depth <= 1) {
    /* Only whitespace may sit between top-level elements. */
    if (!all_space(s, len))
      fail(p, REED_XML_ERR_BAD_FORMAT);
    return;
  }
  if (p->tlen + n > p->tcap) {
    size_t cap = p->tcap ? p->tcap : 256;
    char *nb;

    while (cap < p->tlen + n)
      cap *= 2;
    nb = reed_realloc(p->tbuf, cap);
    if (nb == NULL) {
      fail(p, REED_XML_ERR_NOMEM);
      return;
    }
    p->tbuf = nb;
    p->tcap = cap;
  }
  memcpy(p->tbuf + p->tlen, s, n);
  p->tlen += n;
}

static void XMLCALL
on_ns_decl(void *ud, const char *prefix, const char *uri)
{
  reed_xml_stream_t *p = ud;

  p->pending_ns++;
  if (p->err != REED_XML_OK || p->depth != 0 || prefix != NULL)
    return;
  reed_free(p->default_ns);
  p->default_ns = reed_strdup(uri != NULL ? uri : "");
  if (p->default_ns == NULL)
    fail(p, REED_XML_ERR_NOMEM);
}

/* RFC 6120 section 11.1: each of these ends the stream. */
static void XMLCALL
on_doctype(void *ud, const char *name, const char *sysid, const char *pubid,
           int has_internal_subset)
{
  (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
  fail(ud, REED_XML_ERR_RESTRICTED_XML);
}

static void XMLCALL
on_comment(void *ud, const char *data)
{
  (void)data;
  fail(ud, REED_XML_ERR_RESTRICTED_XML);
}

static void XMLCALL
on_pi(void *ud, const char *target, const char *data)
{
  (void)target, (void)data;
  fail(ud, REED_XML_ERR_RESTRICTED_XML);
}

static void XMLCALL
on_entity_decl(void *ud, const char *name, int is_pe, const char *value,
               int value_len, const char *base, const char *sysid,
               const char *pubid, const char *notation)
{
  (void)name, (void)is_pe, (void)value, (void)value_len, (void)base;
  (void)sysid, (void)pubid, (void)notation;
  fail(ud, REED_XML_ERR_RESTRICTED_XML);
}

static void XMLCALL
on_skipped_entity(void *ud, const char *name, int is_pe)
{
  (void)name, (void)is_pe;
  fail(ud, REED_XML_ERR_RESTRICTED_XML);
}

/* ---- The expat parser of one document ------------------------------------ */
static const XML_Memory_Handling_Suite mem = {
    .malloc_fcn = reed_malloc,
    .realloc_fcn = reed_realloc,
    .free_fcn = reed_free,
};

static XML_Parser
new_expat(reed_xml_stream_t *p)
{
  /* "UTF-8" overrides any encoding a document declares: XMPP is UTF-8. */
  XML_Parser xp = XML_ParserCreate_MM("UTF-8", &mem, (XML_Char[]){NS_SEP, 0});

  if (xp == NULL)
    return NULL;
  XML_SetUserData(xp, p);
  XML_SetElementHandler(xp, on_start, on_end);
  XML_SetCharacterDataHandler(xp, on_text);
  XML_SetStartNamespaceDeclHandler(xp, on_ns_decl);
  XML_SetStartDoctypeDeclHandler(xp, on_doctype);
  XML_SetCommentHandler(xp, on_comment);
  XML_SetProcessingInstructionHandler(xp, on_pi);
  XML_SetEntityDeclHandler(xp, on_entity_decl);
  XML_SetSkippedEntityHandler(xp, on_skipped_entity);
  XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef REED_HAVE_XML_REPARSE_DEFERRAL
  XML_SetReparseDeferralEnabled(xp, XML_FALSE);
#endif
  /* The billion-laughs and amplification protections are on by default
   * (expat >= 2.4) and stay so; with no DTD allowed nothing can expand. */
  return xp;
}

/* Back to the state before any byte of a document. */
static void
clear_document(reed_xml_stream_t *p)
{
  reed__xml_arena_clear(&p->arena);
  reed_free(p->default_ns);
  p->default_ns = NULL;
  p->cur = NULL;
  p->tlen = 0;
  p->depth = p->pending_ns = 0;
  p->fed = p->el_start = 0;
  p->opened = p->closed = p->paused = p->at_boundary = false;
  p->reset_pending = false;
  p->err = REED_XML_OK;
  p->lim = p->next_lim;
}

int
reed_xml_stream_new(const reed_xml_limits_t *lim, const reed_xml_cbs_t *cbs,
                    void *ud, reed_xml_stream_t **out)
{
  reed_xml_stream_t *p = reed_calloc(1, sizeof(*p));

  *out = NULL;
  if (p == NULL)
    return REED_ENOMEM;
  p->cbs = *cbs;
  p->ud = ud;
  p->next_lim = p->lim = normalize(lim);
  p->xp = new_expat(p);
  if (p->xp == NULL) {
    reed_free(p);
    return REED_ENOMEM;
  }
  *out = p;
  return 0;
}

void
reed_xml_stream_free(reed_xml_stream_t *p)
{
  if (p == NULL)
    return;
  if (p->xp != NULL)
    XML_ParserFree(p->xp);
  reed__xml_arena_free(&p->arena);
  reed_free(p->default_ns);
  reed_free(p->tbuf);
  reed_free(p);
}

void
reed_xml_stream_set_limits(reed_xml_stream_t *p, const reed_xml_limits_t *lim)
{
  p->next_lim = normalize(lim);
  if (!p->opened)
    p->lim = p->next_lim;
}

void
reed_xml_stream_pause(reed_xml_stream_t *p)
{
  p->paused = true;
}

void
reed_xml_stream_resume(reed_xml_stream_t *p)
{
  p->paused = false;
}

static int
do_reset(reed_xml_stream_t *p)
{
  if (p->xp != NULL)
    XML_ParserFree(p->xp);
  clear_document(p);
  p->xp = new_expat(p);
  if (p->xp == NULL) {
    p->err = REED_XML_ERR_NOMEM;
    return REED_ENOMEM;
  }
  return 0;
}

int
reed_xml_stream_reset(reed_xml_stream_t *p)
{
  /* From inside a callback expat is still running: the reset waits for
   * the end of the current piece, and the feed stops there as if paused. */
  if (p->in_feed) {
    p->reset_pending = true;
    p->paused = true;
    return 0;
  }
  return do_reset(p);
}

/* ---- Feeding ------------------------------------------------------------- */
static reed_xml_err_t
expat_error(XML_Parser xp)
{
  switch (XML_GetErrorCode(xp)) {
  case XML_ERROR_NO_MEMORY:
    return REED_XML_ERR_NOMEM;
  case XML_ERROR_UNDEFINED_ENTITY:
  case XML_ERROR_RECURSIVE_ENTITY_REF:
  case XML_ERROR_PARAM_ENTITY_REF:
  case XML_ERROR_BINARY_ENTITY_REF:
  case XML_ERROR_ATTRIBUTE_EXTERNAL_ENTITY_REF:
  case XML_ERROR_EXTERNAL_ENTITY_HANDLING:
  case XML_ERROR_AMPLIFICATION_LIMIT_BREACH:
    return REED_XML_ERR_RESTRICTED_XML;
  default:
    return REED_XML_ERR_NOT_WELL_FORMED;
  }
}

static bool
is_space(uint8_t c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The bytes to give expat next: up to and including the next '>'. */
static size_t
piece_len(const uint8_t *in, size_t len)
{
  const uint8_t *gt = memchr(in, '>', len);

  return gt != NULL ? (size_t)(gt - in) + 1 : len;
}

/* How many more bytes the stream header, or the current top-level
 * element, may take. */
static uint64_t
room(const reed_xml_stream_t *p)
{
  uint64_t max = p->opened ? p->lim.max_stanza : p->lim.max_stream_hdr;
  uint64_t used = p->fed - (p->opened ? p->el_start : 0);

  return used < max ? max - used : 0;
}

static bool
parse(reed_xml_stream_t *p, const uint8_t *in, size_t n)
{
  if (XML_Parse(p->xp, (const char *)in, (int)n, XML_FALSE) != XML_STATUS_OK) {
    if (p->err == REED_XML_OK)
      p->err = expat_error(p->xp);
    return false;
  }
  p->fed += n;
  return true;
}

/* Whether a piece may go to expat whole. If not, expat gets the bytes
 * before the first one refused (an error in them wins at every split) and
 * the stream fails: at the limit of the header or element (only the limit
 * byte is the same for every split, not the size of a piece), or at a NUL
 * byte. No XML has a NUL, and expat would take "x\0" at the start of a
 * document for UTF-16 when both bytes come in one read but not in two. */
static bool
piece_ok(reed_xml_stream_t *p, const uint8_t *in, size_t n)
{
  reed_xml_err_t why = REED_XML_OK;
  size_t stop = n;
  const uint8_t *nul;

  if (n > room(p)) {
    stop = (size_t)room(p);
    why = REED_XML_ERR_POLICY_VIOLATION;
  }
  nul = memchr(in, '\0', stop);
  if (nul != NULL) {
    stop = (size_t)(nul - in);
    why = REED_XML_ERR_NOT_WELL_FORMED;
  }
  if (why == REED_XML_OK)
    return true;
  if (stop > 0)
    (void)parse(p, in, stop);
  if (p->err == REED_XML_OK)
    p->err = why;
  return false;
}

/* Parses from *pos up to the end of one piece; false when the stream
 * failed. Skips whitespace between top-level elements first. */
static bool
feed_piece(reed_xml_stream_t *p, const uint8_t *in, size_t len, size_t *pos)
{
  size_t n;

  if (p->at_boundary) {
    while (*pos < len && is_space(in[*pos]))
      (*pos)++;
    if (*pos == len)
      return true;
    /* Text between top-level elements (whitespace aside) is refused at
     * its first byte, before expat reports it in split-dependent runs. */
    if (in[*pos] != '<') {
      p->err = REED_XML_ERR_BAD_FORMAT;
      return false;
    }
    p->at_boundary = false;
    p->lim = p->next_lim;
    p->el_start = p->fed;
  }
  n = piece_len(in + *pos, len - *pos);
  if (!piece_ok(p, in + *pos, n))
    return false;
  if (n > INT_MAX) /* only with a limit past 2 GiB: the piece goes in parts */
    n = INT_MAX;
  p->boundary_event = false;
  if (!parse(p, in + *pos, n))
    return false;
  *pos += n;
  p->at_boundary = p->boundary_event;
  return true;
}

reed_xml_err_t
reed_xml_stream_feed(reed_xml_stream_t *p, const uint8_t *in, size_t len,
                     size_t *used)
{
  size_t pos = 0;

  *used = 0;
  if (p->err != REED_XML_OK || p->paused)
    return p->err;
  p->in_feed = true;
  while (pos < len && !p->paused && !p->closed && feed_piece(p, in, len, &pos))
    ;
  p->in_feed = false;
  *used = pos;
  if (p->reset_pending)
    return do_reset(p) != 0 ? REED_XML_ERR_NOMEM : REED_XML_OK;
  /* Bytes after </stream:stream> are dropped: the stream is over. */
  if (p->closed && p->err == REED_XML_OK)
    *used = len;
  return p->err;
}
