/* SCRAM -PLUS over TLS (RFC 5802 section 6, XEP-0440): offered with the
 * types the transport has data for, the fake transport's bytes bound into
 * the exchange (the client side computed here), the 'y' downgrade check,
 * and nothing -PLUS without binding data. */
#include "auth_fixture.h"

#include <stdio.h>
#include <string.h>

#define M_PLUS                                                                 \
  "<mechanism>SCRAM-SHA-256-PLUS</mechanism>"                                  \
  "<mechanism>SCRAM-SHA-1-PLUS</mechanism>" M_SASL
#define F_CB                                                                   \
  "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding "         \
  "type='tls-exporter'/><channel-binding type='tls-server-end-point'/>"        \
  "</sasl-channel-binding>"
#define NOT_AUTHORIZED                                                         \
  "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>SASL "            \
  "authentication failed</text></failure>"

TEST(plus_features)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, false);
  c = xa_client_cb(&w, "c");
  ASSERT_STR_EQ(xa_open(c, &n), "<stream:features><mechanisms " SASL_NS
                                ">" M_PLUS "</mechanisms>" F_CB F_SASL2(M_PLUS)
                                    F_REGISTER "</stream:features>");
  /* Only the exporter: one type listed. */
  tw_send(c, "</stream:stream>");
  c = xw_client(&w, "d", true);
  ft_set_channel_binding(c->ft, "tls-exporter", EXPORTER_BYTES, 32);
  ASSERT(strstr(xa_open(c, &n),
                "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
                "<channel-binding type='tls-exporter'/>"
                "</sasl-channel-binding>") != NULL);
  xw_free(&w);
}

/* One SCRAM exchange with RFC 6120 SASL; returns the success line. */
static void
scram(tw_client_t *c, const char *mech, xscram_t *s, const char *pw,
      const char *want_first)
{
  char b64[512], buf[1024], ch[512];
  unsigned n = 0;

  xa_open(c, &n);
  xs_first(s, "alice", "fyko+d2lbbFgONRv9qkxdawL", b64, sizeof(b64));
  snprintf(buf, sizeof(buf), "<auth " SASL_NS " mechanism='%s'>%s</auth>", mech,
           b64);
  tw_send(c, buf);
  if (want_first != NULL) {
    XW_EXPECT(c, want_first);
    return;
  }
  ASSERT(xa_text(tw_take(c), "challenge", ch, sizeof(ch)) != NULL);
  xs_final(s, ch, pw, b64, sizeof(b64));
  snprintf(buf, sizeof(buf), "<response " SASL_NS ">%s</response>", b64);
  tw_send(c, buf);
}

static void
expect_success(tw_client_t *c, const xscram_t *s)
{
  char b64[256], want[512];

  reed_base64_encode((const uint8_t *)s->verifier, strlen(s->verifier), b64);
  snprintf(want, sizeof(want), "<success " SASL_NS ">%s</success>", b64);
  XW_EXPECT(c, want);
}

TEST(plus_scram_sha256_exporter)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.gs2 = "p=tls-exporter,,", .cb = EXPORTER_BYTES, .cb_len = 32};

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xa_client_cb(&w, "c");
  scram(c, "SCRAM-SHA-256-PLUS", &s, "secret", NULL);
  expect_success(c, &s);
  /* The wrong bytes (another channel's) fail at the proof. */
  c = xa_client_cb(&w, "d");
  s = (xscram_t){
      .gs2 = "p=tls-exporter,,", .cb = "not the same channel!!", .cb_len = 22};
  scram(c, "SCRAM-SHA-256-PLUS", &s, "secret", NULL);
  XW_EXPECT(c, NOT_AUTHORIZED);
  xw_free(&w);
}

TEST(plus_scram_sha1_end_point)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.sha1 = true,
                .gs2 = "p=tls-server-end-point,,",
                .cb = END_POINT_BYTES,
                .cb_len = 32};

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xa_client_cb(&w, "c");
  scram(c, "SCRAM-SHA-1-PLUS", &s, "secret", NULL);
  expect_success(c, &s);
  xw_free(&w);
}

/* 'y': the client can bind but thought we could not; we offered -PLUS,
 * so someone stripped it (RFC 5802 section 6). Without -PLUS offered, 'y'
 * is fine. */
TEST(plus_downgrade_refused)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.gs2 = "y,,"};

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xa_client_cb(&w, "c");
  scram(c, "SCRAM-SHA-256", &s, "secret", NOT_AUTHORIZED);
  c = xw_client(&w, "d", true);
  s = (xscram_t){.gs2 = "y,,"};
  scram(c, "SCRAM-SHA-256", &s, "secret", NULL);
  expect_success(c, &s);
  xw_free(&w);
}

/* A client that tried -PLUS with a type we lack (tls-unique: what
 * Debian 12's slixmpp sends) saw our offer: its fallback with 'y' on that
 * stream is no downgrade. */
TEST(plus_refused_type_then_y)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.gs2 = "p=tls-unique,,"};
  char b64[256], buf[512];

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xa_client_cb(&w, "c");
  scram(c, "SCRAM-SHA-256-PLUS", &s, "secret", NOT_AUTHORIZED);
  s = (xscram_t){.gs2 = "y,,"};
  xs_first(&s, "alice", "fyko+d2lbbFgONRv9qkxdawL", b64, sizeof(b64));
  snprintf(buf, sizeof(buf),
           "<auth " SASL_NS " mechanism='SCRAM-SHA-256'>%s</auth>", b64);
  tw_send(c, buf);
  ASSERT(strstr(tw_take(c), "<challenge ") != NULL);
  xw_free(&w);
}

TEST(plus_needs_binding_data)
{
  xw_t w;
  tw_client_t *c;
  xscram_t s = {.gs2 = "p=tls-exporter,,", .cb = EXPORTER_BYTES, .cb_len = 32};

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  scram(c, "SCRAM-SHA-256-PLUS", &s, "secret",
        "<failure " SASL_NS "><invalid-mechanism/></failure>");
  /* p= with a mechanism that does not bind. */
  c = xa_client_cb(&w, "d");
  s = (xscram_t){.gs2 = "p=tls-exporter,,", .cb = EXPORTER_BYTES, .cb_len = 32};
  scram(c, "SCRAM-SHA-256", &s, "secret",
        "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>SASL "
        "authentication failed</text></failure>");
  xw_free(&w);
}
