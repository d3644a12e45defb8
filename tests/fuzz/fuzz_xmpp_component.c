/* Fuzzes the XEP-0114 component stream: the input (after a first byte
 * giving the chunk size) is what one component sends on a component_listen
 * connection, in the protocol world with the component "gw.fuzz" (secret
 * "pw") configured. With the first byte's top bit set, a header and the
 * right <handshake/> go first, so the bytes reach the routing of an
 * authenticated component. Besides the world's own checks (nothing left
 * behind), the stream the server wrote must parse. */
#include "fuzz_xmpp.h"
#include "model.h"

#include <openssl/sha.h>
#include <stdio.h>

#define HDR                                                                    \
  "<stream:stream xmlns='jabber:component:accept' "                            \
  "xmlns:stream='http://etherx.jabber.org/streams' to='gw.fuzz'>"

static char *entries[] = {"gw.fuzz:pw"};

/* The header and the handshake for the world's first stream id. */
static void
log_in(tw_client_t *c)
{
  reed_xmpp_core_t *core = c->core;
  char in[80], hs[128];
  uint8_t md[SHA_DIGEST_LENGTH];
  size_t k;

  tw_send(c, HDR);
  snprintf(in, sizeof(in), "%spw", core->stream_id);
  SHA1((const uint8_t *)in, strlen(in), md);
  k = (size_t)snprintf(hs, sizeof(hs), "<handshake>");
  for (size_t i = 0; i < sizeof(md); i++)
    k += (size_t)snprintf(hs + k, sizeof(hs) - k, "%02x", md[i]);
  snprintf(hs + k, sizeof(hs) - k, "</handshake>");
  tw_send(c, hs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  tw_t *w;
  tw_client_t *c;
  reed_xmpp_conf_t *conf;

  if (size == 0)
    return 0;
  w = tw_new(&(tw_opts_t){.module = &reed_xmpp_module, .portal = true});
  conf = w->conf;
  conf->components = (reed_strlist_t){entries, 1};
  w->chunk = (size_t)(data[0] & 0x7f) % 17 + 1;
  w->role = "component";
  c = tw_client(w, "gw");
  if (data[0] & 0x80)
    log_in(c);
  tw_send_bytes(c, data + 1, size - 1); /* stops at an error */
  fuzz_xmpp_streams_parse(c->ft->out ? c->ft->out : "", c->ft->out_len);
  tw_eof(c, "Connection closed");
  conf->components = (reed_strlist_t){0};
  tw_free(w);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
