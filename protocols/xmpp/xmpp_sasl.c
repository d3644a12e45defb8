/* SASL (RFC 6120 6) through the portal, as IRC runs it (irc_sasl.c): the
 * mechanisms PLAIN (over TLS only), SCRAM-SHA-1, SCRAM-SHA-256 and
 * EXTERNAL (with a client certificate on this TLS session); base64 both
 * ways; the same throttling and failure text as IRC. While the portal
 * hashes on the worker, the parser stops after the <auth/> or <response/>
 * and input is held back; the answer comes through the callback. */
#include "xmpp_int.h"

#include <string.h>

#define XMPP_SASL_B64_MAX (((REED_SASL_INPUT_MAX + 2) / 3) * 4)
#define XMPP_SASL_MAX_FAILURES 5 /* RFC 6120 6.4.5: 2 to 5 retries */
#define FAILED_TEXT "SASL authentication failed" /* IRC's 904 */

/* ---- Mechanisms ----------------------------------------------------------*/

static const reed_peer_t *
peer_of(const reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;

  return t->peer ? t->peer(t->t) : NULL;
}

static bool
has_cert(const reed_xmpp_core_t *c)
{
  const reed_peer_t *p = peer_of(c);

  return c->secure && p != NULL && p->cert_fp != NULL && p->cert_fp[0] != '\0';
}

/* Whether this stream offers `mech`: one the portal runs; PLAIN only over
 * TLS; EXTERNAL only with a client certificate on this TLS session; the
 * -PLUS ones with channel binding data (xmpp_cbind.c); the HT ones of FAST
 * only in SASL2 (xmpp_fast.c). */
static bool
mech_offered(const reed_xmpp_core_t *c, const char *mech)
{
  if (reed_sasl_mech_parse(mech) < 0)
    return false; /* only what the portal runs */
  if (strcmp(mech, "SCRAM-SHA-256") == 0 || strcmp(mech, "SCRAM-SHA-1") == 0)
    return true;
  if (strcmp(mech, "SCRAM-SHA-256-PLUS") == 0 ||
      strcmp(mech, "SCRAM-SHA-1-PLUS") == 0)
    return reed__xmpp_cb_plus(c);
  if (strncmp(mech, "HT-", 3) == 0)
    return reed__xmpp_sasl2_active(c) && reed__xmpp_fast_offers(c, mech);
  if (strcmp(mech, "PLAIN") == 0)
    return c->secure;
  return strcmp(mech, "EXTERNAL") == 0 && has_cert(c);
}

/* In our order of preference. */
static const char *const mechs[] = {"SCRAM-SHA-256-PLUS",
                                    "SCRAM-SHA-1-PLUS",
                                    "SCRAM-SHA-256",
                                    "SCRAM-SHA-1",
                                    "PLAIN",
                                    "EXTERNAL"};

void
reed__xmpp_sasl_list(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(mechs); i++) {
    if (!mech_offered(c, mechs[i]))
      continue;
    reed__xmpp_out_raw(o, "<mechanism>");
    reed__xmpp_out_raw(o, mechs[i]);
    reed__xmpp_out_raw(o, "</mechanism>");
  }
}

void
reed__xmpp_feature_mechanisms(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed || c->env->portal == NULL ||
      (!c->secure && reed__xmpp_conf(c)->require_tls))
    return;
  reed__xmpp_out_raw(o, "<mechanisms xmlns='" REED_NS_SASL "'>");
  reed__xmpp_sasl_list(c, o);
  reed__xmpp_out_raw(o, "</mechanisms>");
}

/* ---- The exchange --------------------------------------------------------*/

static void
sasl_end(reed_xmpp_core_t *c)
{
  reed_sasl_free(c->sasl.ex);
  c->sasl.ex = NULL;
}

void
reed__xmpp_sasl_cleanup(reed_xmpp_core_t *c)
{
  if (c->sasl.pending && c->env->portal != NULL)
    reed_portal_cancel(c->env->portal, c->env->conn_id);
  c->sasl.pending = c->sasl.ready = false;
  sasl_end(c);
}

/* <failure/> with an RFC 6120 6.5 condition; past the retries, the stream
 * ends (6.4.5). */
static void
fail(reed_xmpp_core_t *c, const char *cond, const char *text)
{
  xmpp_out_t o;

  sasl_end(c);
  if (reed__xmpp_sasl2_active(c)) {
    reed__xmpp_sasl2_failure(c, cond, text);
    goto count;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<failure xmlns='" REED_NS_SASL "'><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, "/>");
  if (text != NULL) {
    reed__xmpp_out_raw(&o, "<text xml:lang='en'>");
    reed__xmpp_out_raw(&o, text);
    reed__xmpp_out_raw(&o, "</text>");
  }
  reed__xmpp_out_raw(&o, "</failure>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
count:
  if (strcmp(cond, "aborted") != 0 &&
      ++c->sasl.failures >= XMPP_SASL_MAX_FAILURES)
    reed__xmpp_stream_error(c, "policy-violation",
                            "Too many failed authentication attempts");
}

static void
fail_code(reed_xmpp_core_t *c, int rc)
{
  switch (rc) {
  case REED_ETOOBIG:
    fail(c, "malformed-request", "SASL message too long");
    break;
  case REED_ESYNTAX:
    fail(c, "malformed-request", NULL);
    break;
  case REED_ENOMEM:
    fail(c, "temporary-auth-failure", NULL);
    break;
  default: /* REED_EAUTH, REED_ETHROTTLED...: one text for all, as IRC */
    fail(c, "not-authorized", FAILED_TEXT);
  }
}

/* <challenge/> or <success/> carrying data in base64, "=" for none. */
static void
send_data(reed_xmpp_core_t *c, const char *el, const reed_buf_t *data)
{
  size_t n = data != NULL ? data->len : 0;
  char *enc = reed_malloc((n + 2) / 3 * 4 + 2);
  xmpp_out_t o;

  if (enc == NULL) {
    fail(c, "temporary-auth-failure", NULL);
    return;
  }
  if (n == 0)
    memcpy(enc, "=", 2);
  else
    reed_base64_encode(data->data, n, enc);
  if (reed__xmpp_sasl2_active(c)) { /* only challenges come here */
    reed__xmpp_sasl2_challenge(c, enc);
    reed_free(enc);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<");
  reed__xmpp_out_raw(&o, el);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_SASL "'>");
  reed__xmpp_out_raw(&o, enc);
  reed__xmpp_out_raw(&o, "</");
  reed__xmpp_out_raw(&o, el);
  reed__xmpp_out_raw(&o, ">");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
  reed_free(enc);
}

/* Success (with SCRAM's v= when there is one): the stream restarts, with
 * the post-authentication stanza limit. */
static void
succeeded(reed_xmpp_core_t *c, const char *account, const reed_buf_t *data)
{
  reed_strlcpy(c->account, account, sizeof(c->account));
  if (reed__xmpp_sasl2_active(c)) {
    reed__xmpp_sasl2_success(c, data); /* no restart (XEP-0388) */
    return;
  }
  sasl_end(c);
  if (data != NULL && data->len > 0)
    send_data(c, "success", data);
  else
    reed__xmpp_send_raw(c, "<success xmlns='" REED_NS_SASL "'/>");
  c->authed = true;
  reed__xmpp_restart(c);
}

/* ---- Portal calls
 * ------------------------------------------------------------ A portal request
 * answers through a callback, maybe inside the call (an inline worker): the
 * answer is then kept and handled once the call has returned, so nothing is
 * freed under the portal's feet. Until it is handled the parser stays paused
 * and input is held back. */

static void
portal_answer(reed_xmpp_core_t *c)
{
  reed_buf_t *data;

  c->sasl.pending = c->sasl.ready = false;
  if (c->closed) {
    sasl_end(c);
    return;
  }
  if (c->sasl.answer < 0 || c->sasl.account[0] == '\0') {
    fail_code(c, c->sasl.answer < 0 ? c->sasl.answer : REED_EAUTH);
  } else {
    /* A slowed SCRAM success still carries its v= (irc_sasl.c). */
    data = reed_portal_sasl_success_data(c->sasl.ex);
    succeeded(c, c->sasl.account, data);
    reed_buf_unref(data);
  }
  reed__xmpp_hold_input(c, false);
}

static void
portal_done(void *ud, uint64_t req_id, int status, const char *account)
{
  reed_xmpp_core_t *c = ud;

  REED_UNUSED(req_id);
  c->sasl.answer = status;
  reed_strlcpy(c->sasl.account, status == 0 && account ? account : "",
               sizeof(c->sasl.account));
  c->sasl.ready = true;
  if (!c->sasl.in_step)
    portal_answer(c);
}

static void
step_result(reed_xmpp_core_t *c, int rc, reed_buf_t *out)
{
  switch (rc) {
  case REED_SASL_CONTINUE:
    send_data(c, "challenge", out);
    break;
  case REED_SASL_SUCCESS:
    succeeded(c, reed_sasl_account(c->sasl.ex), out);
    break;
  case REED_SASL_PENDING:
    break; /* the answer comes through portal_done */
  default:
    reed__xmpp_cb_note_failure(c, rc);
    fail_code(c, rc);
  }
  reed_buf_unref(out);
}

/* Steps the mechanism with one decoded client message. */
static void
step(reed_xmpp_core_t *c, const uint8_t *in, size_t len)
{
  reed_buf_t *out = NULL;
  int rc;

  c->sasl.in_step = true;
  c->sasl.ready = false;
  rc = reed_portal_sasl_step(c->sasl.ex, in, len, &out, portal_done, c,
                             c->env->conn_id);
  c->sasl.in_step = false;
  step_result(c, rc, out);
  if (rc != REED_SASL_PENDING)
    return;
  c->sasl.pending = true;
  if (c->sasl.ready) {
    portal_answer(c);
  } else {
    reed__xmpp_pause_parser(c); /* the rest of the input waits */
    reed__xmpp_hold_input(c, true);
  }
}

/* The element's text: base64, or "=" for an empty message (RFC 6120
 * 6.4.2). */
static void
client_message(reed_xmpp_core_t *c, const reed_xml_el_t *el)
{
  uint8_t *raw;
  ssize_t n = 0;
  bool empty = el->text_len == 1 && el->text[0] == '=';

  if (el->text_len > XMPP_SASL_B64_MAX) {
    fail_code(c, REED_ETOOBIG);
    return;
  }
  if ((raw = reed_malloc(el->text_len / 4 * 3 + 1)) == NULL) {
    fail_code(c, REED_ENOMEM);
    return;
  }
  if (!empty)
    n = reed_base64_decode(el->text, el->text_len, raw);
  if (n < 0)
    fail(c, "incorrect-encoding", NULL);
  else
    step(c, raw, (size_t)n);
  reed_free(raw);
}

void
reed__xmpp_nz_auth(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  reed__xmpp_sasl2_end(c); /* an RFC 6120 exchange answers as one */
  reed__xmpp_sasl_begin(c, reed_xml_attr(el, "mechanism"),
                        el->text_len > 0 ? el : NULL);
}

void
reed__xmpp_sasl_begin(reed_xmpp_core_t *c, const char *mech,
                      const reed_xml_el_t *ir)
{
  const reed_peer_t *peer = peer_of(c);
  reed_sasl_cbind_t cb;

  sasl_end(c); /* a new <auth/> replaces an exchange in progress */
  if (mech == NULL || c->env->portal == NULL) {
    fail(c, "invalid-mechanism", NULL);
    return;
  }
  if (strcmp(mech, "PLAIN") == 0 && !c->secure) {
    fail(c, "encryption-required", NULL);
    return;
  }
  reed__xmpp_cb_make(c, &cb);
  if (!mech_offered(c, mech) ||
      reed_portal_sasl_new_cb(c->env->portal, mech, peer ? peer->ip : NULL,
                              peer ? peer->cert_fp : NULL, &cb,
                              &c->sasl.ex) < 0 ||
      /* HT looks the FAST token up by the SASL2 user-agent id. */
      reed_sasl_set_fast_client(c->sasl.ex, reed__xmpp_sasl2_client(c)) < 0) {
    reed_sasl_free(c->sasl.ex);
    c->sasl.ex = NULL;
    fail(c, "invalid-mechanism", NULL);
    return;
  }
  /* No initial response: an empty challenge asks for one. */
  if (ir == NULL)
    send_data(c, "challenge", NULL);
  else
    client_message(c, ir);
}

void
reed__xmpp_nz_response(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  if (c->sasl.ex == NULL) {
    fail(c, "malformed-request", NULL);
    return;
  }
  client_message(c, el);
}

void
reed__xmpp_nz_abort(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  REED_UNUSED(el);
  fail(c, "aborted", NULL);
}
