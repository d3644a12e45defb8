/* What the XMPP core's fuzz targets share: the output check (what the
 * server wrote must parse as XML, whatever a client sent) and the end of a
 * run (the client leaves, the world goes, and nothing is left allocated). */
#ifndef REED_FUZZ_XMPP_H
#define REED_FUZZ_XMPP_H

#include "world.h"
#include "xmpp_int.h"

#include <stdlib.h>
#include <string.h>

static inline void
fuzz_xmpp_ignore_open(void *ud, const reed_xml_el_t *hdr, const char *ns)
{
  (void)ud;
  (void)hdr;
  (void)ns;
}

static inline void
fuzz_xmpp_ignore_el(void *ud, reed_xml_el_t *el)
{
  (void)ud;
  (void)el;
}

static inline void
fuzz_xmpp_ignore_close(void *ud)
{
  (void)ud;
}

/* out[0..len) parses as one stream without an error, as far as it goes;
 * aborts otherwise. */
static inline void
fuzz_xmpp_parses(const char *out, size_t len)
{
  static const reed_xml_cbs_t cbs = {.stream_open = fuzz_xmpp_ignore_open,
                                     .element = fuzz_xmpp_ignore_el,
                                     .stream_close = fuzz_xmpp_ignore_close};
  reed_xml_limits_t lim = {.max_stanza = 1 << 20};
  reed_xml_stream_t *x;
  size_t used = 0;

  if (reed_xml_stream_new(&lim, &cbs, NULL, &x) != 0)
    abort();
  if (reed_xml_stream_feed(x, (const uint8_t *)out, len, &used) != REED_XML_OK)
    abort();
  reed_xml_stream_free(x);
}

/* Each stream the server began (at each XML declaration: restarts after
 * STARTTLS and SASL) parses as fuzz_xmpp_parses says. */
static inline void
fuzz_xmpp_streams_parse(const char *out, size_t len)
{
  static const char decl[] = "<?xml version='1.0'?>";
  const char *p = out, *end = out + len;

  while (p < end) {
    const char *next = p + 1 < end ? strstr(p + 1, decl) : NULL;
    size_t n = (size_t)((next ? next : end) - p);
    fuzz_xmpp_parses(p, n);
    p += n;
  }
}

/* The client leaves, the world is freed, and nothing is left allocated
 * (aborts otherwise). */
static inline void
fuzz_xmpp_end(tw_t *w, tw_client_t *c)
{
  tw_eof(c, "Connection closed");
  tw_free(w);
  if (reed_alloc_live() != 0)
    abort();
}

#endif
