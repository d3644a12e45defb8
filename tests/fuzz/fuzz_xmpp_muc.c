/* Fuzzes XEP-0045: two bound clients of the protocol world ("fuzzer" and
 * "watcher", direct TLS, SASL PLAIN) in room r of the MUC service; the
 * input (after a first byte giving the chunk size) is what fuzzer sends
 * next: joins, parts, nick changes, groupchat, admin and owner iqs, forms,
 * invitations. Every stream either client got must parse, and nothing is
 * left allocated. */
#include "fuzz_xmpp.h"
#include "model.h"

#define HEAD                                                                   \
  "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define LOGIN(b64)                                                             \
  HEAD "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" b64 \
       "</auth>" HEAD "<iq type='set' id='1'><bind "                           \
       "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r</resource>"       \
       "</bind></iq><presence to='r@conference.localhost/%s'><x "              \
       "xmlns='http://jabber.org/protocol/muc'/></presence>"

static tw_client_t *
joined(tw_t *w, const char *user, const char *b64)
{
  tw_client_t *c = tw_client(w, user);
  char buf[1024];

  c->ft->peer.tls = true;
  snprintf(buf, sizeof(buf), b64, user);
  tw_send(c, buf);
  return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  tw_t *w;
  tw_client_t *f, *v;

  if (size == 0)
    return 0;
  w = tw_new(&(tw_opts_t){.module = &reed_xmpp_module, .portal = true});
  tw_account(w, "fuzzer", "pw");
  tw_account(w, "watcher", "pw");
  v = joined(w, "watcher", LOGIN("AHdhdGNoZXIAcHc="));
  f = joined(w, "fuzzer", LOGIN("AGZ1enplcgBwdw=="));
  /* Both are in: the watcher saw the fuzzer arrive. */
  if (v->ft->out == NULL ||
      strstr(v->ft->out, "from='r@conference.localhost/fuzzer'") == NULL)
    abort();
  w->chunk = (size_t)data[0] % 17 + 1;
  tw_send_bytes(f, data + 1, size - 1); /* stops at an error */
  fuzz_xmpp_streams_parse(f->ft->out ? f->ft->out : "", f->ft->out_len);
  fuzz_xmpp_streams_parse(v->ft->out ? v->ft->out : "", v->ft->out_len);
  tw_eof(v, "Connection closed");
  fuzz_xmpp_end(w, f);
  return 0;
}
