/* Fuzzes the XMPP c2s core: the input (after a first byte giving the chunk
 * size) is what one client sends on a direct TLS connection, fed to the
 * core in the protocol world (the real model and portal between the fake
 * transport and clock); the account "fuzzer" (password "pw") exists, so
 * seeds that log in reach the bound stages. Besides the world's own checks
 * (nothing left behind, a short feed only while paused), every stream the
 * server wrote must parse: nothing a client sends can break our XML. */
#include "model.h"
#include "world.h"
#include "xmpp_int.h"

#include <stdlib.h>
#include <string.h>

static void
ignore_open(void *ud, const reed_xml_el_t *hdr, const char *ns)
{
  (void)ud;
  (void)hdr;
  (void)ns;
}

static void
ignore_el(void *ud, reed_xml_el_t *el)
{
  (void)ud;
  (void)el;
}

static void
ignore_close(void *ud)
{
  (void)ud;
}

/* Each stream the server began (at each XML declaration) parses without
 * an error, as far as it goes. */
static void
check_output(const char *out, size_t len)
{
  static const char decl[] = "<?xml version='1.0'?>";
  static const reed_xml_cbs_t cbs = {.stream_open = ignore_open,
                                     .element = ignore_el,
                                     .stream_close = ignore_close};
  reed_xml_limits_t lim = {.max_stanza = 1 << 20};
  const char *p = out, *end = out + len;

  while (p < end) {
    const char *next = p + 1 < end ? strstr(p + 1, decl) : NULL;
    size_t n = (size_t)((next ? next : end) - p), used = 0;
    reed_xml_stream_t *x;
    if (reed_xml_stream_new(&lim, &cbs, NULL, &x) != 0)
      abort();
    if (reed_xml_stream_feed(x, (const uint8_t *)p, n, &used) != REED_XML_OK)
      abort();
    reed_xml_stream_free(x);
    p += n;
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  tw_t *w;
  tw_client_t *c;

  if (size == 0)
    return 0;
  w = tw_new(&(tw_opts_t){.module = &reed_xmpp_module, .portal = true});
  w->chunk = (size_t)data[0] % 17 + 1;
  tw_account(w, "fuzzer", "pw");
  c = tw_client(w, "fuzzer");
  c->ft->peer.tls = true;
  tw_send_bytes(c, data + 1, size - 1); /* stops at an error */
  check_output(c->ft->out ? c->ft->out : "", c->ft->out_len);
  tw_eof(c, "Connection closed");
  tw_free(w);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
