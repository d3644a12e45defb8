/* Stream errors (RFC 6120 4.9) and SASL failures (6.5): one table each,
 * every case run whole and at 1, 2, 3 and 7 bytes per feed. A stream error
 * is our header (when it has not gone out yet: 4.9.1.1), the error and
 * </stream:stream>, and the connection closes. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <string.h>

#define HDR_TO(to, ver, ns)                                                    \
  "<?xml version='1.0'?><stream:stream to='" to "' " ver "xmlns='" ns          \
  "' xmlns:stream='" NS_STREAMS "'>"
#define SE(cond) "<" cond " " SE_NS "/>"
#define SE_TEXT(cond, text)                                                    \
  "<" cond " " SE_NS "/><text " SE_NS ">" text "</text>"

typedef struct {
  const char *name;
  bool tls;
  const char *in;
  const char *features; /* after our header, before the error */
  const char *error;    /* inside <stream:error> */
} stream_case_t;

static const stream_case_t stream_cases[] = {
    {"bad default namespace", true,
     HDR_TO("reed.test", "version='1.0' ", "jabber:server"), "",
     SE("invalid-namespace")},
    {"bad stream namespace", true,
     "<stream:stream to='reed.test' version='1.0' xmlns='jabber:client' "
     "xmlns:stream='urn:bad'>",
     "", SE("invalid-namespace")},
    {"host-unknown", true,
     HDR_TO("elsewhere.test", "version='1.0' ", "jabber:client"), "",
     SE("host-unknown")},
    {"host with a localpart", true,
     HDR_TO("x@reed.test", "version='1.0' ", "jabber:client"), "",
     SE("host-unknown")},
    {"no version", true, HDR_TO("reed.test", "", "jabber:client"), "",
     SE("unsupported-version")},
    {"version 0.9", true,
     HDR_TO("reed.test", "version='0.9' ", "jabber:client"), "",
     SE("unsupported-version")},
    {"version 2.0", true,
     HDR_TO("reed.test", "version='2.0' ", "jabber:client"), "",
     SE("unsupported-version")},
    {"stanza before auth", true,
     C_HDR "<message to='x@reed.test'><body>hi</body></message>", F_SASL,
     SE("not-authorized")},
    {"iq before auth", true,
     C_HDR "<iq type='set' id='1'><bind " BIND_NS "/></iq>", F_SASL,
     SE("not-authorized")},
    {"unknown element before auth", true, C_HDR "<foo xmlns='urn:x'/>", F_SASL,
     SE("not-authorized")},
    {"plaintext stanza, TLS required", false,
     C_HDR "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", F_TLS,
     SE_TEXT("policy-violation", "STARTTLS is required")},
    {"plaintext auth, TLS required", false,
     C_HDR "<auth " SASL_NS " mechanism='PLAIN'>AGEAYg==</auth>", F_TLS,
     SE_TEXT("policy-violation", "STARTTLS is required")},
    {"DOCTYPE", true,
     "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>" C_HDR, "",
     SE("restricted-xml")},
    {"comment", true, C_HDR "<!-- hello -->", F_SASL, SE("restricted-xml")},
    {"processing instruction", true, C_HDR "<?php echo 1; ?>", F_SASL,
     SE("restricted-xml")},
    {"not well-formed", true, C_HDR "<message></iq>", F_SASL,
     SE("not-well-formed")},
};

static void
s_stream_error(void *arg)
{
  const stream_case_t *k = arg;
  xw_t w;
  tw_client_t *c;
  char h[256], want[1024];

  xw_init(&w, false);
  c = xw_client(&w, "c", k->tls);
  tw_send(c, k->in);
  snprintf(want, sizeof(want),
           "%s%s<stream:error>%s</stream:error></stream:stream>",
           xw_hdr(h, sizeof(h), 1), k->features, k->error);
  XW_EXPECT(c, want);
  ASSERT(c->ft->closed);
  /* Nothing after the error is read. */
  tw_send(c, "<presence/>");
  XW_EXPECT(c, "");
  xw_free(&w);
}

TEST(stream_errors)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(stream_cases); i++) {
    printf("# %s\n", stream_cases[i].name);
    tw_run_chunked(s_stream_error, (void *)&stream_cases[i]);
  }
}

/* An element past max_stanza_pre_auth (10000 bytes) before login. */
static void
s_oversized(void *arg)
{
  xw_t w;
  tw_client_t *c;
  char h[256], want[1024], big[10100];

  REED_UNUSED(arg);
  xw_init(&w, false);
  c = xw_client(&w, "c", true);
  tw_send(c, C_HDR "<message><body>");
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  tw_send(c, big);
  snprintf(want, sizeof(want),
           "%s" F_SASL "<stream:error>" SE(
               "policy-violation") "</stream:error></stream:stream>",
           xw_hdr(h, sizeof(h), 1));
  XW_EXPECT(c, want);
  ASSERT(c->ft->closed);
  xw_free(&w);
}

TEST(stream_error_oversized_before_auth)
{
  tw_run_chunked(s_oversized, NULL);
}

/* ---- SASL failures --------------------------------------------------------
 * After the first header and features of a direct TLS client. */
typedef struct {
  const char *name;
  const char *in;
  const char *out;
} sasl_case_t;

#define FAILURE(cond) "<failure " SASL_NS "><" cond "/></failure>"

static const sasl_case_t sasl_cases[] = {
    {"wrong password", /* \0alice\0wrong */
     "<auth " SASL_NS " mechanism='PLAIN'>AGFsaWNlAHdyb25n</auth>",
     "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>SASL "
     "authentication failed</text></failure>"},
    {"unknown account", /* \0nobody\0secret */
     "<auth " SASL_NS " mechanism='PLAIN'>AG5vYm9keQBzZWNyZXQ=</auth>",
     "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>SASL "
     "authentication failed</text></failure>"},
    {"unknown mechanism", "<auth " SASL_NS " mechanism='X-NOPE'>AA==</auth>",
     FAILURE("invalid-mechanism")},
    {"no mechanism", "<auth " SASL_NS ">AA==</auth>",
     FAILURE("invalid-mechanism")},
    {"EXTERNAL without a certificate",
     "<auth " SASL_NS " mechanism='EXTERNAL'>=</auth>",
     FAILURE("invalid-mechanism")},
    {"bad base64", "<auth " SASL_NS " mechanism='PLAIN'>AG*h</auth>",
     FAILURE("incorrect-encoding")},
    {"malformed PLAIN", "<auth " SASL_NS " mechanism='PLAIN'>YWJj</auth>",
     FAILURE("malformed-request")},
    {"response without auth", "<response " SASL_NS ">AA==</response>",
     FAILURE("malformed-request")},
    {"abort", "<abort " SASL_NS "/>", FAILURE("aborted")},
    {"no initial response",
     "<auth " SASL_NS " mechanism='PLAIN'/>"
     "<abort " SASL_NS "/>",
     "<challenge " SASL_NS ">=</challenge>" FAILURE("aborted")},
};

static void
s_sasl_failure(void *arg)
{
  const sasl_case_t *k = arg;
  xw_t w;
  tw_client_t *c;

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "secret");
  c = xw_client(&w, "c", true);
  tw_send(c, C_HDR);
  tw_take(c);
  tw_send(c, k->in);
  XW_EXPECT(c, k->out);
  ASSERT(!c->ft->closed);
  xw_free(&w);
}

TEST(sasl_failures)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(sasl_cases); i++) {
    printf("# %s\n", sasl_cases[i].name);
    tw_run_chunked(s_sasl_failure, (void *)&sasl_cases[i]);
  }
}

/* RFC 6120 6.4.5: a few retries, then the stream ends. */
TEST(sasl_retries_end_the_stream)
{
  xw_t w;
  tw_client_t *c;
  char want[512];

  xw_init(&w, false);
  c = xw_client(&w, "c", true);
  tw_send(c, C_HDR);
  tw_take(c);
  for (int i = 0; i < 4; i++) {
    tw_send(c, "<auth " SASL_NS " mechanism='X'>AA==</auth>");
    XW_EXPECT(c, FAILURE("invalid-mechanism"));
  }
  tw_send(c, "<auth " SASL_NS " mechanism='X'>AA==</auth>");
  snprintf(want, sizeof(want),
           FAILURE("invalid-mechanism") "<stream:error>" SE_TEXT(
               "policy-violation",
               "Too many failed authentication attempts") "</stream:error>"
                                                          "</stream:stream>");
  XW_EXPECT(c, want);
  ASSERT(c->ft->closed);
  xw_free(&w);
}

/* require_tls = no (loopback): no STARTTLS required, SCRAM without TLS,
 * PLAIN only over TLS. */
TEST(sasl_plain_needs_tls)
{
  xw_t w;
  tw_client_t *c;
  char h[256], want[1024];

  xw_init(&w, false);
  xw_conf(&w)->require_tls = false;
  c = xw_client(&w, "c", false);
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want),
           "%s<stream:features><starttls " TLS_NS "/><mechanisms " SASL_NS
           "><mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1"
           "</mechanism></mechanisms></stream:features>",
           xw_hdr(h, sizeof(h), 1));
  XW_EXPECT(c, want);
  tw_send(c, "<auth " SASL_NS " mechanism='PLAIN'>AGEAYg==</auth>");
  XW_EXPECT(c, FAILURE("encryption-required"));
  xw_free(&w);
}

/* STARTTLS where it is not offered: a TLS <failure/> and the end. */
TEST(starttls_twice)
{
  xw_t w;
  tw_client_t *c;

  xw_init(&w, false);
  c = xw_client(&w, "c", true);
  tw_send(c, C_HDR);
  tw_take(c);
  tw_send(c, "<starttls " TLS_NS "/>");
  XW_EXPECT(c, "<failure " TLS_NS "/></stream:stream>");
  ASSERT(c->ft->closed);
  ASSERT_EQ(c->ft->tls_requests, 0);
  xw_free(&w);
}

/* Plain text pipelined after <starttls/> is dropped (RFC 6120 5.4.3.3). */
TEST(starttls_drops_pipelined_plaintext)
{
  xw_t w;
  tw_client_t *c;
  char h[256], want[1024];

  xw_init(&w, false);
  c = xw_client(&w, "c", false);
  tw_send(c, C_HDR);
  tw_take(c);
  tw_send(c, "<starttls " TLS_NS "/>" C_HDR "<message/>");
  XW_EXPECT(c, "<proceed " TLS_NS "/>");
  c->ft->peer.tls = true;
  reed_xmpp_module.tls_ready(c->core);
  XW_EXPECT(c, "");
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want), "%s" F_SASL, xw_hdr(h, sizeof(h), 2));
  XW_EXPECT(c, want);
  xw_free(&w);
}

/* From the fourth failure the portal slows its answer (auth_fail_delay):
 * the parser stops after that <auth/>, reading pauses, and the answer
 * comes on the clock. */
TEST(sasl_slowed_failure_holds_input)
{
  xw_t w;
  tw_client_t *c;
  static const char bad[] =
      "<auth " SASL_NS " mechanism='PLAIN'>AGFsaWNlAHdyb25n</auth>";
  static const char failed[] =
      "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>SASL "
      "authentication failed</text></failure>";

  xw_init(&w, false);
  tw_account(&w.tw, "alice", "secret");
  c = xw_client(&w, "c", true);
  tw_send(c, C_HDR);
  tw_take(c);
  for (int i = 0; i < 3; i++) {
    tw_send(c, bad);
    XW_EXPECT(c, failed);
  }
  tw_send(c, "<auth " SASL_NS
             " mechanism='PLAIN'>AGFsaWNlAHdyb25n</auth><abort " SASL_NS "/>");
  XW_EXPECT(c, "");
  ASSERT(c->ft->paused);
  ASSERT_EQ(c->held_len, strlen("<abort " SASL_NS "/>"));
  fc_advance(w.tw.fc, 5000);
  XW_EXPECT(c, failed);
  ASSERT(!c->ft->paused);
  tw_resume(c);
  XW_EXPECT(c, FAILURE("aborted"));
  xw_free(&w);
}
