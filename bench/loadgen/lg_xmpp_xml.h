/* bench: the load generator's XMPP stanza reader. Not an XML parser: a
 * framer that cuts a server's stream into its header and top-level
 * elements, a tag tokenizer over one element, and a summary of the few
 * facts the load generator acts on (kind, type, id, from, body, MUC status
 * codes, SASL mechanisms). It trusts the server to send well-formed XML
 * (RFC 6120 §11 forbids comments, processing instructions past the
 * declaration, DTDs, and servers do not send CDATA), so it rejects `<!`
 * instead of handling it, checks no end-tag names against start tags and
 * decodes no entities: our payloads, nicks and base64 carry none, and a
 * value that has one simply does not match. A fraction of an expat pass
 * per stanza, and the views point into the caller's bytes. */
#ifndef REED_BENCH_LG_XMPP_XML_H
#define REED_BENCH_LG_XMPP_XML_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bline.h"

enum lg_xml_item {
  LG_XML_SPACE = 1, /* whitespace between elements (keepalives) */
  LG_XML_DECL,      /* <?xml ...?> */
  LG_XML_OPEN,      /* <stream:stream ...>, left open */
  LG_XML_CLOSE,     /* </stream:stream> */
  LG_XML_ELEMENT    /* one complete top-level element */
};

/* Cuts the next item off p[0..n). Returns the bytes it covers (the item in
 * *kind), 0 when more bytes are needed, or REED_ESYNTAX for a stream this
 * reader does not take (text at top level, `<!`, an unbalanced end tag,
 * a NUL). An element deeper than LG_XML_MAXDEPTH is refused too. */
#define LG_XML_MAXDEPTH 32
ssize_t lg_xml_frame(const char *p, size_t n, int *kind);

enum lg_xml_tok { LG_TOK_START = 1, LG_TOK_END, LG_TOK_TEXT };

typedef struct lg_xml_tok_s {
  int kind;
  int empty;          /* START: self-closing */
  bench_view_t name;  /* START, END: the qualified name */
  bench_view_t attrs; /* START: the bytes between the name and '>' */
  bench_view_t text;  /* TEXT: raw, entities left as they are */
} lg_xml_tok_t;

typedef struct lg_xml_it_s {
  const char *p, *end;
} lg_xml_it_t;

/* Walks the tokens of one element framed by lg_xml_frame (or any bytes:
 * the walk never leaves them). Returns 1 with a token, 0 at the end, or
 * REED_ESYNTAX. */
void lg_xml_it_init(lg_xml_it_t *it, const char *p, size_t n);
int lg_xml_it_next(lg_xml_it_t *it, lg_xml_tok_t *tok);

/* The value of attribute `name` in a START token's attrs; 1 if found. */
int lg_xml_attr(bench_view_t attrs, const char *name, bench_view_t *val);

/* What the load generator needs of one top-level element. */
enum lg_xs_flags {
  LG_XS_DELAY = 1 << 0,      /* <delay/>: room history */
  LG_XS_SUBJECT = 1 << 1,    /* <subject>: a room subject */
  LG_XS_BODY = 1 << 2,       /* <body> present (body holds its text) */
  LG_XS_MUC_USER = 1 << 3,   /* presence with muc#user <x/> */
  LG_XS_SELF = 1 << 4,       /* status 110 */
  LG_XS_CREATED = 1 << 5,    /* status 201: a new, possibly locked room */
  LG_XS_BIND = 1 << 6,       /* features: <bind/> */
  LG_XS_PLAIN = 1 << 7,      /* features: mechanism PLAIN */
  LG_XS_SCRAM_SHA1 = 1 << 8, /* features: mechanism SCRAM-SHA-1 */
  LG_XS_MECHS = 1 << 9,      /* features: <mechanisms/> */
  LG_XS_ERROR = 1 << 10      /* an <error/> child, or stream:error */
};

typedef struct lg_xstanza_s {
  bench_view_t name; /* root element's qualified name */
  bench_view_t type, id, from;
  bench_view_t body; /* <body> text when LG_XS_BODY */
  bench_view_t text; /* the root's own text (SASL challenge, success) */
  bench_view_t cond; /* first child of <error/> or of stream:error */
  unsigned flags;
} lg_xstanza_t;

/* Summarizes one element. Returns 0 or REED_ESYNTAX. */
int lg_xstanza_read(const char *p, size_t n, lg_xstanza_t *out);

#endif
