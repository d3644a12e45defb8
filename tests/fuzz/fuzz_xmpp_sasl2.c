/* Fuzzes SASL2 (XEP-0388) with Bind2 and FAST in the XMPP core: a direct
 * TLS client with channel binding data opens a stream, then the input is
 * read as records (kind, length, bytes) that become <authenticate/>
 * (mechanism from a table, the bytes as the initial response in base64,
 * inline <user-agent/>, <bind/>, <request-token/>, <fast/> by flag bits),
 * <response/> (the bytes in base64), <abort/>, or raw bytes. The first
 * byte gives the chunk size and, with its top bit, a store behind the
 * portal (FAST tokens; slower). The account "fuzzer" (password "pw")
 * exists, so PLAIN records can log in. Besides the world's checks
 * (nothing left behind), the output must parse as XML. */
#include "auth.h"
#include "fuzz_xmpp.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR                                                                    \
  "<?xml version='1.0'?><stream:stream version='1.0' "                         \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

static const char *const mechs[] = {"PLAIN",
                                    "SCRAM-SHA-1",
                                    "SCRAM-SHA-256",
                                    "SCRAM-SHA-1-PLUS",
                                    "SCRAM-SHA-256-PLUS",
                                    "EXTERNAL",
                                    "HT-SHA-256-NONE",
                                    "HT-SHA-256-ENDP",
                                    "HT-SHA-256-EXPR",
                                    "HT-SHA-256-UNIQ",
                                    "X-UNKNOWN",
                                    ""};

/* One record as XML into buf (NUL-terminated). */
static void
record(uint8_t kind, const uint8_t *p, size_t n, char *buf, size_t size)
{
  char b64[(255 + 2) / 3 * 4 + 1];
  const char *mech = mechs[(n > 0 ? p[0] : 0) % REED_ARRAY_SIZE(mechs)];

  reed_base64_encode(p, n, b64);
  switch (kind % 4) {
  case 0:
    snprintf(buf, size,
             "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='%s'>"
             "%s%s%s%s%s%s%s</authenticate>",
             mech, kind & 0x10 ? "<initial-response>" : "",
             kind & 0x10 ? (n > 0 ? b64 : "=") : "",
             kind & 0x10 ? "</initial-response>" : "",
             kind & 0x20 ? "<user-agent id='ua-1'><software>f</software>"
                           "</user-agent>"
                         : "",
             kind & 0x40 ? "<bind xmlns='urn:xmpp:bind:0'><tag>t</tag><enable "
                           "xmlns='urn:xmpp:sm:3' resume='true'/><enable "
                           "xmlns='urn:xmpp:carbons:2'/><inactive "
                           "xmlns='urn:xmpp:csi:0'/></bind>"
                         : "",
             kind & 0x80 ? "<request-token xmlns='urn:xmpp:fast:0' "
                           "mechanism='HT-SHA-256-NONE'/>"
                         : "",
             kind & 0x08 ? "<fast xmlns='urn:xmpp:fast:0' invalidate='1'/>"
                         : "");
    break;
  case 1:
    snprintf(buf, size, "<response xmlns='urn:xmpp:sasl:2'>%s</response>",
             n > 0 ? b64 : "=");
    break;
  case 2:
    snprintf(buf, size, "<abort xmlns='urn:xmpp:sasl:2'/>");
    break;
  default:
    memcpy(buf, p, n);
    buf[n] = '\0';
  }
}

static void
feed_records(tw_client_t *c, const uint8_t *data, size_t size)
{
  static char buf[2048];
  size_t pos = 0;

  while (pos + 2 <= size && c->core != NULL && !c->ft->closed) {
    uint8_t kind = data[pos], len = data[pos + 1];
    size_t n = len <= size - pos - 2 ? len : size - pos - 2;
    record(kind, data + pos + 2, n, buf, sizeof(buf));
    pos += 2 + n;
    if (tw_send_bytes(c, buf, strlen(buf)) < 0)
      break;
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  tw_t *w;
  tw_client_t *c;
  bool store;

  if (size == 0)
    return 0;
  store = (data[0] & 0x80) != 0;
  w = tw_new(&(tw_opts_t){
      .module = &reed_xmpp_module, .portal = !store, .store = store});
  w->chunk = (size_t)data[0] % 17 + 1;
  if (store) {
    reed_portal_opts_t po = {.store = w->store,
                             .worker = &w->iw->worker,
                             .clock = &w->fc->clock,
                             .log = &w->log,
                             .model = w->model,
                             .hash_level = REED_AUTH_HASH_MIN};
    if (reed_portal_new(&po, &w->portal) != 0 ||
        reed_auth_account_add(w->store, "fuzzer", "pw", 2,
                              REED_AUTH_HASH_MIN) != 0)
      abort();
    w->module->cleanup(w->module_state);
    w->menv.portal = w->portal;
    if (w->module->init(&w->menv, &w->module_state) != 0)
      abort();
  } else {
    tw_account(w, "fuzzer", "pw");
  }
  c = tw_client(w, "fuzzer");
  c->ft->peer.tls = true;
  ft_set_channel_binding(c->ft, "tls-exporter",
                         "0123456789abcdef0123456789abcdef", 32);
  ft_set_channel_binding(c->ft, "tls-server-end-point",
                         "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE", 32);
  tw_send(c, HDR);
  feed_records(c, data + 1, size - 1);
  fc_advance(w->fc, 60000); /* slowed answers come */
  fuzz_xmpp_parses(c->ft->out ? c->ft->out : "", c->ft->out_len);
  fuzz_xmpp_end(w, c);
  return 0;
}
