/* The XMPP XML tests' recorder: every callback of a stream parser as one
 * line of a transcript, so two parses compare as two strings. */
#ifndef REED_TEST_XML_REC_H
#define REED_TEST_XML_REC_H

#include "xmpp_xml.h"

typedef struct {
  reed_buf_t *log;
  reed_xml_stream_t *p;
  int n_el;                   /* elements seen */
  int pause_at;               /* pause after this many elements (0: never) */
  bool reset_in_cb;           /* and reset from inside the callback as well */
  reed_xml_limits_t next_lim; /* set from stream_open when max_stanza != 0 */
  reed_xml_limits_t el_lim;   /* set from each element when max_stanza != 0 */
} rec_t;

/* One line per element: {ns}name a=v {ns}b=v "text" (child) (child). */
void rec_dump(reed_buf_t **b, const reed_xml_el_t *el);
/* A recorder and its parser; rec_done frees both. */
void rec_init(rec_t *r, const reed_xml_limits_t *lim);
void rec_done(rec_t *r);
/* The transcript so far, NUL-terminated (valid until the next callback). */
const char *rec_text(rec_t *r);
/* Feeds in[0, len) in two chunks split at `split`, resuming after each
 * pause, and appends "err <condition>" when the parser fails. */
void rec_feed_split(rec_t *r, const char *in, size_t len, size_t split);
/* The transcript of one input fed whole, as a malloc'd string. */
char *transcript(const char *in, size_t len, const reed_xml_limits_t *lim);

/* The first element of HDR + stanza (a jabber:client stream), cloned;
 * free it with reed_xml_el_free. Fails the test when there is none. */
reed_xml_el_t *parse_el(const char *stanza);

#endif
