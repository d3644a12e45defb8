/* Logging in, through the fake transport with the real model and portal:
 * STARTTLS, SASL SCRAM-SHA-256 and PLAIN, the restarts, bind and the
 * legacy session, each run whole and at 1, 2, 3 and 7 bytes per feed with
 * identical transcripts (tw_run_chunked); the portal's pause; direct TLS;
 * generated resources and the model session's nick. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The challenge's text: the base64 between '>' and '</challenge>'. */
static void
challenge_text(const char *out, char *raw, size_t size)
{
  const char *p = strchr(out, '>'), *e = strstr(out, "</challenge>");
  ssize_t n;

  ASSERT(strncmp(out, "<challenge " SASL_NS ">",
                 strlen("<challenge " SASL_NS ">")) == 0);
  ASSERT(p != NULL && e != NULL && (size_t)(e - p) / 4 * 3 < size);
  n = reed_base64_decode(p + 1, (size_t)(e - p - 1), (uint8_t *)raw);
  ASSERT(n > 0);
  raw[n] = '\0';
}

static void
send_b64(tw_client_t *c, const char *el, const char *attrs, const char *msg)
{
  char b64[1024], buf[1400];

  reed_base64_encode((const uint8_t *)msg, strlen(msg), b64);
  snprintf(buf, sizeof(buf), "<%s " SASL_NS "%s>%s</%s>", el, attrs, b64, el);
  tw_send(c, buf);
}

/* tls, SCRAM-SHA-256, bind, session: every answer exact. */
static void
s_full_login(void *arg)
{
  xw_t w;
  tw_client_t *c;
  tscram_t sc;
  char h[256], want[1024], raw[512], b64[256];

  REED_UNUSED(arg);
  xw_init(&w, false);
  tw_account(&w.tw, "alice", "secret");
  c = xw_client(&w, "alice", false);
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want), "%s" F_TLS, xw_hdr(h, sizeof(h), 1));
  XW_EXPECT(c, want);
  xw_starttls(c);
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want), "%s" F_SASL, xw_hdr(h, sizeof(h), 2));
  XW_EXPECT(c, want);
  ts_first(&sc, "alice", "fyko+d2lbbFgONRv9qkxdawL");
  snprintf(raw, sizeof(raw), "n,,%s", sc.first_bare);
  send_b64(c, "auth", " mechanism='SCRAM-SHA-256'", raw);
  challenge_text(tw_take(c), raw, sizeof(raw));
  ASSERT(strncmp(raw, "r=fyko+d2lbbFgONRv9qkxdawL", 26) == 0);
  ts_final(&sc, raw, "secret");
  send_b64(c, "response", "", sc.final);
  reed_base64_encode((const uint8_t *)sc.verifier, strlen(sc.verifier), b64);
  snprintf(want, sizeof(want), "<success " SASL_NS ">%s</success>", b64);
  XW_EXPECT(c, want);
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want), "%s" F_BIND, xw_hdr(h, sizeof(h), 3),
           xw_f_bind());
  XW_EXPECT(c, want);
  tw_send(c, "<iq type='set' id='b1'><bind " BIND_NS
             "><resource>laptop</resource></bind></iq>");
  XW_EXPECT(
      c, "<iq to='alice@reed.test/laptop' type='result' id='b1'><bind " BIND_NS
         "><jid>alice@reed.test/laptop</jid></bind></iq>");
  tw_send(c, "<iq type='set' id='s1'><session "
             "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
  XW_EXPECT(c, "<iq to='alice@reed.test/laptop' type='result' id='s1'/>");
  ASSERT_STR_EQ(reed_session_account(xw_session(c)), "alice");
  ASSERT_STR_EQ(reed_session_nick(xw_session(c)), "alice");
  tw_send(c, "</stream:stream>");
  XW_EXPECT(c, "</stream:stream>");
  ASSERT(c->ft->closed);
  ASSERT(xw_session(c) == NULL);
  xw_free(&w);
}

TEST(login_starttls_scram)
{
  tw_run_chunked(s_full_login, NULL);
}

/* PLAIN, with the client's whole login pipelined in one write after
 * STARTTLS (as a client that does not wait would send it). */
static void
s_plain_pipelined(void *arg)
{
  xw_t w;
  tw_client_t *c;
  char h[256], b64[128], in[1024], want[2048];

  REED_UNUSED(arg);
  xw_init(&w, false);
  tw_account(&w.tw, "bob", "pw");
  c = xw_client(&w, "bob", false);
  tw_send(c, C_HDR);
  tw_take(c);
  xw_starttls(c);
  xw_plain("bob", "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           C_HDR "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>" C_HDR
                 "<iq type='set' id='1'><bind " BIND_NS "/></iq>"
                 " \n <iq type='set' id='2'><session "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
           b64);
  tw_send(c, in);
  snprintf(want, sizeof(want), "%s" F_SASL "<success " SASL_NS "/>",
           xw_hdr(h, sizeof(h), 2));
  snprintf(want + strlen(want), sizeof(want) - strlen(want),
           "%s" F_BIND
           "<iq to='bob@reed.test/18bcfe56be8-4' type='result' id='1'>"
           "<bind " BIND_NS "><jid>bob@reed.test/18bcfe56be8-4</jid></bind>"
           "</iq><iq to='bob@reed.test/18bcfe56be8-4' type='result' id='2'/>",
           xw_hdr(h, sizeof(h), 3), xw_f_bind());
  XW_EXPECT(c, want);
  xw_free(&w);
}

TEST(login_plain_pipelined_generated_resource)
{
  tw_run_chunked(s_plain_pipelined, NULL);
}

/* While the portal hashes on the worker the core takes nothing past the
 * <auth/> and pauses reading; the answer lets the rest in. */
TEST(login_waits_for_the_portal)
{
  xw_t w;
  tw_client_t *c;
  char h[256], b64[128], in[512], want[1024];
  unsigned n = 0;

  xw_init(&w, true);
  tw_account(&w.tw, "bob", "pw");
  c = xw_client(&w, "bob", true);
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want), "%s" F_SASL, xw_hdr(h, sizeof(h), ++n));
  XW_EXPECT(c, want);
  xw_plain("bob", "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>" C_HDR, b64);
  tw_send(c, in);
  XW_EXPECT(c, "");
  ASSERT(c->ft->paused);
  ASSERT_EQ(c->held_len, strlen(C_HDR));
  tw_resume(c);
  snprintf(want, sizeof(want), "<success " SASL_NS "/>%s" F_BIND,
           xw_hdr(h, sizeof(h), ++n), xw_f_bind());
  XW_EXPECT(c, want);
  ASSERT(!c->ft->paused);
  xw_free(&w);
}

/* A direct TLS listener (XEP-0368): no STARTTLS offered; PLAIN is. */
TEST(login_direct_tls)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "carol", "pw");
  c = xw_client(&w, "carol", true);
  xw_login(&w, c, "carol", "pw", "phone", &n);
  ASSERT_EQ(c->ft->tls_requests, 0);
  ASSERT_STR_EQ(reed_session_nick(xw_session(c)), "carol");
  xw_free(&w);
}

/* A second resource takes the nick the account's person already has. */
TEST(login_second_resource_shares_the_nick)
{
  xw_t w;
  tw_client_t *a, *b;
  unsigned n = 0;

  xw_init(&w, false);
  tw_account(&w.tw, "dave", "pw");
  a = xw_client(&w, "a", true);
  b = xw_client(&w, "b", true);
  xw_login(&w, a, "dave", "pw", "one", &n);
  ASSERT_EQ(reed_session_set_nick(xw_session(a), "davey"), 0);
  xw_login(&w, b, "dave", "pw", "two", &n);
  ASSERT_STR_EQ(reed_session_nick(xw_session(b)), "davey");
  ASSERT(xw_session(a) != xw_session(b));
  xw_free(&w);
}

/* The account's own spelling, not the client's, and the JID folded. */
TEST(login_account_case)
{
  xw_t w;
  tw_client_t *c;
  char h[256], b64[128], in[512], want[1024];

  xw_init(&w, false);
  tw_account(&w.tw, "Erin", "pw");
  c = xw_client(&w, "erin", true);
  tw_send(c, C_HDR);
  tw_take(c);
  xw_plain("ERIN", "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>" C_HDR
           "<iq type='set' id='b'><bind " BIND_NS
           "><resource>Home Box</resource></bind></iq>",
           b64);
  tw_send(c, in);
  snprintf(
      want, sizeof(want),
      "<success " SASL_NS "/>%s" F_BIND
      "<iq to='erin@reed.test/Home Box' type='result' id='b'><bind " BIND_NS
      "><jid>erin@reed.test/Home Box</jid></bind></iq>",
      xw_hdr(h, sizeof(h), 2), xw_f_bind());
  XW_EXPECT(c, want);
  ASSERT_STR_EQ(reed_session_account(xw_session(c)), "Erin");
  xw_free(&w);
}

/* The login after STARTTLS as one client write, cut in two at every byte:
 * the output is the same as for the write whole. */
static char *
login_at_split(const char *in, size_t len, size_t cut)
{
  xw_t w;
  tw_client_t *c;
  char *out;

  xw_init(&w, false);
  tw_account(&w.tw, "bob", "pw");
  c = xw_client(&w, "bob", false);
  tw_send(c, C_HDR);
  tw_take(c);
  xw_starttls(c);
  tw_send_bytes(c, in, cut);
  tw_send_bytes(c, in + cut, len - cut);
  out = strdup(tw_take(c));
  ASSERT(out != NULL);
  xw_free(&w);
  return out;
}

TEST(login_every_split)
{
  char b64[128], in[1024];
  char *whole;
  size_t len;

  xw_plain("bob", "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           C_HDR "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>" C_HDR
                 "<iq type='set' id='1'><bind " BIND_NS
                 "><resource>r</resource></bind></iq>"
                 "<iq type='set' id='2'><session "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
           b64);
  len = strlen(in);
  whole = login_at_split(in, len, len);
  ASSERT(strstr(whole, "<jid>bob@reed.test/r</jid>") != NULL);
  ASSERT(strstr(whole, "id='2'/>") != NULL);
  for (size_t cut = 0; cut < len; cut++) {
    char *out = login_at_split(in, len, cut);
    ASSERT_STR_EQ(out, whole);
    free(out);
  }
  free(whole);
}

/* EXTERNAL is offered when this TLS session has a client certificate, and
 * logs in the account the certificate is registered to. */
TEST(login_external)
{
  static const char fp[] = "0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef";
  xw_t w;
  tw_client_t *c, *d;
  char h[256], want[1024];

  xw_init(&w, false);
  tw_account(&w.tw, "frank", "pw");
  memsrc_cert(&w.tw.mem, "frank", fp);
  c = xw_client(&w, "c", true);
  reed_strlcpy(c->ft->cert_fp, fp, sizeof(c->ft->cert_fp));
  tw_send(c, C_HDR);
  snprintf(want, sizeof(want),
           "%s<stream:features><mechanisms " SASL_NS
           "><mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-1"
           "</mechanism><mechanism>PLAIN</mechanism><mechanism>EXTERNAL"
           "</mechanism></mechanisms>" F_SASL2(
               M_SASL "<mechanism>EXTERNAL</mechanism>") "</stream:features>",
           xw_hdr(h, sizeof(h), 1));
  XW_EXPECT(c, want);
  tw_send(c, "<auth " SASL_NS " mechanism='EXTERNAL'>=</auth>");
  XW_EXPECT(c, "<success " SASL_NS "/>");
  /* Another certificate: not registered, not authorized. */
  d = xw_client(&w, "d", true);
  memset(d->ft->cert_fp, 'e', 64);
  tw_send(d, C_HDR);
  tw_take(d);
  tw_send(d, "<auth " SASL_NS " mechanism='EXTERNAL'>=</auth>");
  XW_EXPECT(d, "<failure " SASL_NS "><not-authorized/><text xml:lang='en'>"
               "SASL authentication failed</text></failure>");
  xw_free(&w);
}

static void
no_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  REED_UNUSED(ud);
  REED_UNUSED(s);
  REED_UNUSED(ev);
}

/* A guest that took the account's name before the account existed keeps
 * it; the account's XMPP session gets the name with its session number. */
TEST(login_nick_taken_by_a_guest)
{
  static const reed_session_listener_t quiet = {.on_event = no_event};
  xw_t w;
  tw_client_t *c;
  reed_session_t *g;
  unsigned n = 0;
  char want[REED_NICK_MAX + 1];

  xw_init(&w, false);
  tw_account(&w.tw, "gina", "pw");
  ASSERT_EQ(reed_session_new(
                w.tw.model,
                &(reed_session_info_t){.origin = "irc", .listener = &quiet},
                &g),
            0);
  ASSERT_EQ(reed_session_set_nick(g, "gina"), 0);
  c = xw_client(&w, "c", true);
  xw_login(&w, c, "gina", "pw", "r", &n);
  snprintf(want, sizeof(want), "gina_%llu",
           (unsigned long long)reed_session_id(xw_session(c)));
  ASSERT_STR_EQ(reed_session_nick(xw_session(c)), want);
  reed_session_quit(g, NULL);
  xw_free(&w);
}
