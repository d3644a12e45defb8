/* What every XMPP unit-test world shares (xw_common.h). */
#include "xw_common.h"
#include "store.h"
#include "xmpp.h"

#include <stdio.h>
#include <string.h>

#define HDR                                                                    \
  "<?xml version='1.0'?><stream:stream to='reed.test' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

static void
counter_random(void *ud, uint8_t *buf, size_t n)
{
  uint64_t *rnd = ud;

  for (size_t i = 0; i < n; i++)
    buf[i] = (uint8_t)(++*rnd * 7);
}

reed_portal_opts_t
xw_portal_opts(tw_t *tw, uint64_t *rnd)
{
  return (reed_portal_opts_t){
      .creds = &tw->src,
      .worker = &tw->iw->worker,
      .clock = &tw->fc->clock,
      .log = &tw->log,
      .model = tw->model,
      .registration_open = true,
      .hash_level = REED_AUTH_HASH_MIN,
      .random = counter_random,
      .random_ud = rnd,
  };
}

void
xw_plain(const char *user, const char *pw, char *out, size_t size)
{
  uint8_t raw[256];
  size_t n = 0, lu = strlen(user), lp = strlen(pw);

  ASSERT(lu + lp + 2 <= sizeof(raw) && (lu + lp + 4) / 3 * 4 + 1 <= size);
  raw[n++] = 0;
  memcpy(raw + n, user, lu);
  n += lu;
  raw[n++] = 0;
  memcpy(raw + n, pw, lp);
  n += lp;
  reed_base64_encode(raw, n, out);
}

void
xw_expect_has(tw_client_t *c, const char *part)
{
  const char *out = tw_take(c);

  if (strstr(out, part) == NULL)
    reed__test_fail(__FILE__, __LINE__, "want \"%s\" in \"%s\"", part, out);
}

void
xw_store_account(tw_t *tw, const char *name)
{
  reed_account_rec_t rec = {.created_ms = 1};

  tw_account(tw, name, "pw");
  reed_strlcpy(rec.name, name, sizeof(rec.name));
  snprintf(rec.pwhash, sizeof(rec.pwhash), "unused-%s", name);
  ASSERT_EQ(reed_store_account_create(tw->store, &rec), 0);
}

void
xw_tls_plain(tw_client_t *c, const char *user)
{
  char b64[128], buf[256];

  tw_send(c, HDR);
  xw_expect_has(c, "<starttls");
  tw_send(c, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  xw_expect_has(c, "<proceed");
  c->ft->peer.tls = true;
  reed_xmpp_module.tls_ready(c->core);
  tw_send(c, HDR);
  xw_expect_has(c, "<mechanism>PLAIN</mechanism>");
  xw_plain(user, "pw", b64, sizeof(b64));
  snprintf(buf, sizeof(buf),
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
           "mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, buf);
  xw_expect_has(c, "<success");
  tw_send(c, HDR);
}
