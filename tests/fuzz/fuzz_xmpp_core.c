/* Fuzzes the XMPP c2s core: the input (after a first byte giving the chunk
 * size) is what one client sends on a direct TLS connection, fed to the
 * core in the protocol world (the real model and portal between the fake
 * transport and clock); the account "fuzzer" (password "pw") exists, so
 * seeds that log in reach the bound stages. Besides the world's own checks
 * (nothing left behind, a short feed only while paused), every stream the
 * server wrote must parse: nothing a client sends can break our XML. */
#include "fuzz_xmpp.h"
#include "model.h"

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
  fuzz_xmpp_streams_parse(c->ft->out ? c->ft->out : "", c->ft->out_len);
  fuzz_xmpp_end(w, c);
  return 0;
}
