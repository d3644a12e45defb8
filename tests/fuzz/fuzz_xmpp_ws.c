/* Fuzzes the XMPP core's WebSocket framing (RFC 7395, env->framing): the
 * input (after a first byte giving the chunk size) is a client's messages
 * separated by NUL bytes (a NUL is never XML), each fed as one message,
 * on a loopback connection; the account "fuzzer" (password "pw") exists.
 * Besides the world's own checks, every write the server made must be one
 * WebSocket message holding exactly one complete element that parses
 * alone: namespaced (stanzas in jabber:client, the stream prefix declared
 * where it is used), nothing after it. */
#include "fuzz_xmpp.h"
#include "model.h"

#define SEP "\x01" /* never written: the XML writer drops controls */

typedef struct {
  int elements;
} count_t;

static void
one_el(void *ud, reed_xml_el_t *el)
{
  count_t *n = ud;

  if (el->ns[0] == '\0')
    abort(); /* parsed alone, it would have no namespace */
  n->elements++;
}

/* A message parses alone: inside a stream element that declares nothing
 * the message could lean on (its prefix is not "stream"). */
static void
message_parses(const char *p, size_t len)
{
  static const char root[] =
      "<x:stream xmlns:x='http://etherx.jabber.org/streams'>";
  static const reed_xml_cbs_t cbs = {.stream_open = fuzz_xmpp_ignore_open,
                                     .element = one_el,
                                     .stream_close = fuzz_xmpp_ignore_close};
  reed_xml_limits_t lim = {.max_stanza = 1 << 20};
  reed_xml_stream_t *x;
  count_t n = {0};
  size_t used = 0;

  if (reed_xml_stream_new(&lim, &cbs, &n, &x) != 0)
    abort();
  if (reed_xml_stream_feed(x, (const uint8_t *)root, sizeof(root) - 1, &used) !=
          REED_XML_OK ||
      reed_xml_stream_feed(x, (const uint8_t *)p, len, &used) != REED_XML_OK ||
      n.elements != 1 || len == 0 || p[len - 1] != '>')
    abort();
  reed_xml_stream_free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  tw_t *w;
  tw_client_t *c;
  const uint8_t *p, *end;
  const char *out;

  if (size == 0)
    return 0;
  w = tw_new(&(tw_opts_t){.module = &reed_xmpp_module, .portal = true});
  w->chunk = (size_t)data[0] % 17 + 1;
  w->framing = REED_FRAMING_WEBSOCKET;
  tw_account(w, "fuzzer", "pw");
  c = tw_client(w, "fuzzer");
  c->ft->sep = SEP;
  for (p = data + 1, end = data + size; p < end && !c->ft->closed;) {
    const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
    size_t n = (size_t)((nul ? nul : end) - p);
    if (tw_send_bytes(c, p, n) < 0)
      break;
    p += n + (nul != NULL);
  }
  out = c->ft->out ? c->ft->out : "";
  for (const char *m = out; *m != '\0';) {
    const char *s = strstr(m, SEP);
    if (s == NULL)
      abort(); /* every write ends with the separator */
    message_parses(m, (size_t)(s - m));
    m = s + 1;
  }
  fuzz_xmpp_end(w, c);
  return 0;
}
