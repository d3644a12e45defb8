/* The XMPP XML layer (sans-IO, base and libexpat only): a push parser for
 * one XML stream that hands the core each top-level element (a stanza, a
 * <starttls/>, an <auth/>...) as a small tree, and the writer helpers that
 * escape text and attributes into a reed_buf_t. Nothing here knows XMPP's
 * semantics beyond the stream's shape: the core (xmpp_core.c) decides what
 * a stanza means.
 *
 * Restrictions (RFC 6120 section 11.1), each an error of the whole stream:
 * no DTD or DOCTYPE, no entity declaration, no comment, no processing
 * instruction (the XML declaration <?xml ...?> at the very start of a
 * stream is allowed), no reference to an undeclared entity; expat's
 * billion-laughs and amplification protections stay on; limits on element
 * depth, attributes per element and bytes per top-level element. */
#ifndef REED_XMPP_XML_H
#define REED_XMPP_XML_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REED_NS_STREAM "http://etherx.jabber.org/streams"
#define REED_NS_CLIENT "jabber:client"
#define REED_NS_COMPONENT "jabber:component:accept"
#define REED_NS_XML "http://www.w3.org/XML/1998/namespace"

/* ---- Element trees ---------------------------------------------------------
 * One top-level element as parsed. Every string is NUL-terminated UTF-8
 * with entities resolved. The whole tree lives in one arena that the
 * parser frees after the stanza callback returns: a handler copies what
 * it keeps (or keeps the element with reed_xml_el_clone). */
typedef struct reed_xml_attr_s {
  const char *name;  /* local name */
  const char *ns;    /* namespace URI; "" for an unprefixed attribute */
  const char *value; /* resolved text */
} reed_xml_attr_t;

typedef struct reed_xml_el_s reed_xml_el_t;
struct reed_xml_el_s {
  const char *name; /* local name: "message" */
  const char *ns;   /* namespace URI: "jabber:client"; "" for none */
  reed_xml_attr_t *attrs;
  size_t n_attrs;
  /* Character data directly inside this element (not its children's),
   * concatenated; "" when none. text_len excludes the NUL. */
  const char *text;
  size_t text_len;
  reed_xml_el_t *parent; /* NULL for the top-level element */
  reed_xml_el_t *first;  /* first child element */
  reed_xml_el_t *next;   /* next sibling element */
};

/* The value of the attribute `name` without a namespace, or NULL. */
const char *reed_xml_attr(const reed_xml_el_t *el, const char *name);
/* The value of the attribute {ns}name, or NULL ("xml:lang" is
 * reed_xml_attr_ns(el, REED_NS_XML, "lang")). */
const char *reed_xml_attr_ns(const reed_xml_el_t *el, const char *ns,
                             const char *name);
/* The first child with this name and namespace (either may be NULL: any),
 * or NULL. */
reed_xml_el_t *reed_xml_child(const reed_xml_el_t *el, const char *name,
                              const char *ns);
/* The next sibling after `after` with this name and namespace, or NULL. */
reed_xml_el_t *reed_xml_next(const reed_xml_el_t *after, const char *name,
                             const char *ns);
/* The text of the first child (name, ns), or NULL when there is none. */
const char *reed_xml_child_text(const reed_xml_el_t *el, const char *name,
                                const char *ns);
/* A deep copy that owns its memory (freed with reed_xml_el_free), for an
 * element a handler keeps past the callback (stored private XML, a PEP
 * item). NULL on allocation failure. */
reed_xml_el_t *reed_xml_el_clone(const reed_xml_el_t *el);
void reed_xml_el_free(reed_xml_el_t *el);

/* ---- The stream parser -----------------------------------------------------
 */
/* Namespace declarations count as attributes. A top-level element's bytes
 * run from the '<' of its start tag to the '>' of its end tag (keepalive
 * whitespace between elements counts nowhere); the header's from the
 * document's first byte (an XML declaration included) to the header's
 * '>'. A limit fails the stream at the first byte past it, whatever the
 * split of the input. */
typedef struct reed_xml_limits_s {
  size_t max_depth;      /* element depth below the stream element (0: 32) */
  size_t max_attrs;      /* attributes per element (0: 64) */
  size_t max_stanza;     /* bytes of one top-level element (0: 10000) */
  size_t max_stream_hdr; /* bytes of the stream header (0: 4096) */
} reed_xml_limits_t;

/* Why the parser ended the stream: the RFC 6120 stream error the core
 * sends (reed_xml_err_condition gives its element name). */
typedef enum {
  REED_XML_OK = 0,
  REED_XML_ERR_NOT_WELL_FORMED,   /* bad XML, or bad UTF-8 */
  REED_XML_ERR_RESTRICTED_XML,    /* DTD, entity decl, comment, PI */
  REED_XML_ERR_POLICY_VIOLATION,  /* depth, attrs, stanza size limits */
  REED_XML_ERR_INVALID_NAMESPACE, /* stream element not {streams}stream */
  REED_XML_ERR_BAD_FORMAT,        /* text between top-level elements, a
                                     stream element not named "stream" */
  REED_XML_ERR_NOMEM,
} reed_xml_err_t;
/* "not-well-formed", "restricted-xml", "policy-violation",
 * "invalid-namespace", "bad-format", "internal-server-error" */
const char *reed_xml_err_condition(reed_xml_err_t err);

typedef struct reed_xml_cbs_s {
  /* The stream header: the {streams}stream element with its attributes
   * (to, from, version, xml:lang, id) and no children. `default_ns` is
   * the default namespace the header declared ("jabber:client"), "" when
   * none. */
  void (*stream_open)(void *ud, const reed_xml_el_t *hdr,
                      const char *default_ns);
  /* One complete top-level element. Valid during the call only. The
   * callback may call reed_xml_stream_pause on the parser. */
  void (*element)(void *ud, reed_xml_el_t *el);
  /* </stream:stream> */
  void (*stream_close)(void *ud);
} reed_xml_cbs_t;

typedef struct reed_xml_stream_s reed_xml_stream_t;

/* NULL limits: the defaults. Returns 0 or REED_ENOMEM. Reparse deferral
 * is off where the library has the switch (so a stanza split over two
 * reads is delivered as soon as its last byte arrives), and the stream
 * starts at a fresh document. */
int reed_xml_stream_new(const reed_xml_limits_t *lim, const reed_xml_cbs_t *cbs,
                        void *ud, reed_xml_stream_t **out);
void reed_xml_stream_free(reed_xml_stream_t *p);
/* Changes the limits from the next element on (the stanza size after
 * authentication, say). */
void reed_xml_stream_set_limits(reed_xml_stream_t *p,
                                const reed_xml_limits_t *lim);
/* Parses up to len bytes and sets *used to the bytes consumed. Whitespace
 * between top-level elements (keepalives) is ignored. Returns REED_XML_OK,
 * or an error after which the stream is dead (every later feed returns
 * the same error). *used < len only when a callback paused the parser: the
 * bytes from *used on belong after the pause (feed them again, to this
 * parser after reed_xml_stream_resume or to a fresh one after
 * reed_xml_stream_reset). A feed split at any byte gives the same
 * callbacks as one feed. While paused, a feed takes nothing (*used 0).
 * After </stream:stream> the rest of the input is dropped (*used = len).
 * A NUL byte is not-well-formed (so is anything not UTF-8). */
reed_xml_err_t reed_xml_stream_feed(reed_xml_stream_t *p, const uint8_t *in,
                                    size_t len, size_t *used);
/* From inside the element callback: stop after this element; the current
 * feed returns with *used just past its end tag. Used for a stream restart
 * (after <starttls/> and after SASL success: reset, then feed the rest to
 * the new stream) and while a stanza waits for asynchronous work (a
 * password hash on the worker: the core then returns fewer bytes from its
 * own feed, and net gives them again). */
void reed_xml_stream_pause(reed_xml_stream_t *p);
/* Clears a pause; the next feed goes on where the stream stopped. */
void reed_xml_stream_resume(reed_xml_stream_t *p);
/* Starts a new document (a stream restart): the next bytes must open a
 * new stream header. Keeps the limits; clears a pause and an error. From
 * inside a callback it acts as reed_xml_stream_pause, and the reset
 * happens as the feed returns. 0 or REED_ENOMEM (then every feed gives
 * REED_XML_ERR_NOMEM). */
int reed_xml_stream_reset(reed_xml_stream_t *p);

/* ---- Writing ---------------------------------------------------------------
 * Every byte that came from a client goes out through these: text and
 * attribute values are escaped (& < > " '), and characters XML 1.0 forbids
 * (controls other than tab, CR, LF; U+FFFE, U+FFFF) are dropped, and each
 * byte that is not part of valid UTF-8 becomes U+FFFD, so nothing a client
 * (or an IRC user) sent can end an element or a stream early, or make the
 * stream ill-formed. CR is written &#xD; (a reader would turn it into
 * LF). */
/* Appends s (len bytes; strlen when len is (size_t)-1) escaped for text
 * or an attribute value in either quote (in an attribute, a reader turns
 * a raw TAB or LF into a space: reed_xml_put_attr keeps them). 0 or
 * REED_ENOMEM (the buffer may then hold part of the output). */
int reed_xml_put_escaped(reed_buf_t **b, const char *s, size_t len);
/* Appends ` name='value'` with the value escaped (TAB and LF as
 * character references too); nothing when value is NULL. 0 or
 * REED_ENOMEM. */
int reed_xml_put_attr(reed_buf_t **b, const char *name, const char *value);
/* Appends the element serialized (a canonical form: every namespace that
 * differs from its parent's as an xmlns attribute, xmlns='' included,
 * attributes in order, an attribute in a namespace other than xml's with
 * a prefix "n<i>" declared on its element, text escaped and before the
 * children, <x/> when empty). `parent_ns` is the namespace in scope where
 * it goes ("jabber:client" inside a stanza; NULL as ""). Parsing the
 * output in that scope gives the same tree. 0 or REED_ENOMEM. */
int reed_xml_put_el(reed_buf_t **b, const reed_xml_el_t *el,
                    const char *parent_ns);

#endif
