/* SASL over IRC (IRCv3 sasl-3.1/3.2): AUTHENTICATE with base64 in
 * 400-byte chunks, mechanisms run by the portal (PLAIN, SCRAM-SHA-256,
 * EXTERNAL from this TLS session's certificate). While the portal hashes a
 * password on the worker, input is held back (feed stops, reading paused)
 * and the answer comes back through the callback. Numerics 900, 903, 904,
 * 905, 906, 907, 908. */
#include "irc_int.h"

#include "auth.h"

#include <stdio.h>
#include <string.h>

#define IRC_SASL_CHUNK 400
/* Base64 of REED_SASL_INPUT_MAX bytes. */
#define IRC_SASL_B64_MAX (((REED_SASL_INPUT_MAX + 2) / 3) * 4)

/* ---- The exchange ----------------------------------------------------------
 */

static void
sasl_end(reed_irc_core_t *c)
{
  if (c->pend == NULL)
    return;
  reed_sasl_free(c->pend->sasl);
  c->pend->sasl = NULL;
  c->pend->sasl_final = false;
  reed_free(c->pend->sasl_buf);
  c->pend->sasl_buf = NULL;
  c->pend->sasl_len = 0;
}

void
reed__irc_sasl_cleanup(reed_irc_core_t *c)
{
  if (c->pend == NULL)
    return;
  if (c->pend->sasl_pending && c->env->portal != NULL)
    reed_portal_cancel(c->env->portal, c->env->conn_id);
  c->pend->sasl_pending = c->pend->sasl_ready = false;
  sasl_end(c);
}

static void
fail(reed_irc_core_t *c, const char *num, const char *text)
{
  sasl_end(c);
  reed__irc_num(c, num, ":%s", text);
}

static void
send_mechs(reed_irc_core_t *c)
{
  reed__irc_num(c, RPL_SASLMECHS,
                "PLAIN,SCRAM-SHA-256,EXTERNAL :are available SASL "
                "mechanisms");
}

/* Sends server data as AUTHENTICATE lines of 400 base64 bytes, ending with
 * "+" when the last one was full (or the data empty). */
static void
send_challenge(reed_irc_core_t *c, const reed_buf_t *data)
{
  char *enc;
  size_t n = 0, off = 0;

  if (data == NULL || data->len == 0) {
    reed__irc_send(c, "AUTHENTICATE +");
    return;
  }
  enc = reed_malloc((data->len + 2) / 3 * 4 + 1);
  if (enc == NULL) {
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
    return;
  }
  n = reed_base64_encode(data->data, data->len, enc);
  for (; off < n; off += IRC_SASL_CHUNK)
    reed__irc_send(c, "AUTHENTICATE %.*s", IRC_SASL_CHUNK, enc + off);
  if (n % IRC_SASL_CHUNK == 0)
    reed__irc_send(c, "AUTHENTICATE +");
  reed_free(enc);
}

int
reed__irc_bind_account(reed_irc_core_t *c, const char *account)
{
  char mask[IRC_MASK_MAX], host[IRC_HOST_MAX + 1];
  const char *nick = reed__irc_own_nick(c);
  int rc = reed__irc_ensure_session(c);

  if (rc < 0 || (rc = reed_session_login(c->session, account)) < 0)
    return rc;
  if (reed__irc_refuse_banned(c)) /* a server ban on the account */
    return REED_EBANNED;
  c->sasl_done = true;
  snprintf(mask, sizeof(mask), "%s!%s@%s", nick ? nick : "*", reed__irc_user(c),
           reed__irc_host(c, host));
  reed__irc_num(c, RPL_LOGGEDIN, "%s %s :You are now logged in as %s", mask,
                account, account);
  return 0;
}

void
reed__irc_logged_in(reed_irc_core_t *c, const char *account)
{
  /* `account` may belong to the exchange that sasl_end frees. */
  if (account != c->pend->sasl_account)
    reed_strlcpy(c->pend->sasl_account, account ? account : "",
                 sizeof(c->pend->sasl_account));
  account = c->pend->sasl_account;
  sasl_end(c);
  if (reed__irc_bind_account(c, account) < 0) {
    reed__irc_num(c, ERR_SASLFAIL, ":SASL authentication failed");
    return;
  }
  reed__irc_num(c, RPL_SASLSUCCESS, ":SASL authentication successful");
}

/* ---- Portal calls
 * ------------------------------------------------------------ A portal request
 * answers through a callback, maybe inside the call (an inline worker): then
 * the answer is kept and handled once the call has returned, so nothing is
 * freed under the portal's feet. Until it is handled, input is held back (feed
 * checks sasl_pending). */

static void
portal_result(reed_irc_core_t *c)
{
  c->pend->sasl_pending = c->pend->sasl_ready = false;
  c->pend->auth_fn(c, c->pend->sasl_status, c->pend->sasl_account);
  reed__irc_resume(c);
  reed__irc_check_write(c);
  reed__irc_pend_release(c);
}

static void
portal_done(void *ud, uint64_t req_id, int status, const char *account)
{
  reed_irc_core_t *c = ud;

  REED_UNUSED(req_id);
  c->pend->sasl_status = status;
  reed_strlcpy(c->pend->sasl_account, account ? account : "",
               sizeof(c->pend->sasl_account));
  c->pend->sasl_ready = true;
  if (!c->pend->sasl_in_step)
    portal_result(c);
}

reed_irc_portal_cb
reed__irc_portal_begin(reed_irc_core_t *c, reed_irc_auth_fn fn)
{
  if (reed__irc_pend(c) == NULL)
    return NULL;
  c->pend->auth_fn = fn;
  c->pend->sasl_in_step = true;
  c->pend->sasl_ready = false;
  return portal_done;
}

void
reed__irc_portal_end(reed_irc_core_t *c, bool waiting)
{
  c->pend->sasl_in_step = false;
  c->pend->sasl_pending = waiting;
  if (waiting && c->pend->sasl_ready)
    portal_result(c);
}

/* A slowed SCRAM success still sends its "v=" first (as step_result). */
static void
sasl_answer(reed_irc_core_t *c, int status, const char *account)
{
  reed_buf_t *data = status == 0 && c->pend->sasl != NULL
                         ? reed_portal_sasl_success_data(c->pend->sasl)
                         : NULL;

  if (data != NULL) {
    c->pend->sasl_final = true;
    send_challenge(c, data);
    reed_buf_unref(data);
  } else if (status == 0 && account[0] != '\0') {
    reed__irc_logged_in(c, account);
  } else {
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
  }
}

static void
step_result(reed_irc_core_t *c, int rc, reed_buf_t *out)
{
  switch (rc) {
  case REED_SASL_CONTINUE:
    send_challenge(c, out);
    break;
  case REED_SASL_SUCCESS:
    if (out != NULL && out->len > 0) {
      c->pend->sasl_final = true; /* SCRAM's v=: the client answers "+" */
      send_challenge(c, out);
    } else {
      reed__irc_logged_in(c, reed_sasl_account(c->pend->sasl));
    }
    break;
  case REED_SASL_PENDING:
    break; /* handled by reed__irc_portal_end */
  case REED_ETOOBIG:
    fail(c, ERR_SASLTOOLONG, "SASL message too long");
    break;
  default:
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
  }
  reed_buf_unref(out);
}

/* The client's whole message is in: decode it and step the mechanism. */
static void
client_message(reed_irc_core_t *c)
{
  uint8_t *raw = reed_malloc(c->pend->sasl_len / 4 * 3 + 1);
  reed_buf_t *out = NULL;
  reed_irc_portal_cb cb;
  ssize_t n;
  int rc;

  if (raw == NULL) {
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
    return;
  }
  n = reed_base64_decode(c->pend->sasl_buf ? c->pend->sasl_buf : "",
                         c->pend->sasl_len, raw);
  reed_free(c->pend->sasl_buf);
  c->pend->sasl_buf = NULL;
  c->pend->sasl_len = 0;
  if (n < 0) {
    reed_free(raw);
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
    return;
  }
  if (c->pend->sasl_final) {
    reed_free(raw);
    c->pend->sasl_final = false;
    reed__irc_logged_in(c, reed_sasl_account(c->pend->sasl));
    return;
  }
  cb = reed__irc_portal_begin(c, sasl_answer);
  rc = reed_portal_sasl_step(c->pend->sasl, raw, (size_t)n, &out, cb, c,
                             c->env->conn_id);
  reed_free(raw);
  step_result(c, rc, out);
  reed__irc_portal_end(c, rc == REED_SASL_PENDING);
}

/* Collects one 400-byte chunk ("+" is empty); a shorter chunk ends it. */
static void
client_chunk(reed_irc_core_t *c, const char *arg)
{
  size_t len = strcmp(arg, "+") == 0 ? 0 : strlen(arg);
  char *nb;

  if (len > IRC_SASL_CHUNK || c->pend->sasl_len + len > IRC_SASL_B64_MAX) {
    fail(c, ERR_SASLTOOLONG, "SASL message too long");
    return;
  }
  if (len > 0) {
    nb = reed_realloc(c->pend->sasl_buf, c->pend->sasl_len + len + 1);
    if (nb == NULL) {
      fail(c, ERR_SASLFAIL, "SASL authentication failed");
      return;
    }
    memcpy(nb + c->pend->sasl_len, arg, len);
    c->pend->sasl_buf = nb;
    c->pend->sasl_len += len;
  }
  if (len < IRC_SASL_CHUNK)
    client_message(c);
}

static void
start(reed_irc_core_t *c, const char *mech)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  int rc = reed_portal_sasl_new(c->env->portal, mech, peer ? peer->ip : NULL,
                                peer ? peer->cert_fp : NULL, &c->pend->sasl);

  if (rc < 0) {
    c->pend->sasl = NULL;
    send_mechs(c);
    fail(c, ERR_SASLFAIL, "SASL authentication failed");
    return;
  }
  reed__irc_send(c, "AUTHENTICATE +");
}

void
reed__irc_cmd_authenticate(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *arg = m->params[0];

  if (!(c->caps & IRC_CAP_SASL) || c->env->portal == NULL ||
      reed__irc_pend(c) == NULL) {
    reed__irc_num(c, ERR_SASLFAIL, ":SASL authentication failed");
    return;
  }
  if (strcmp(arg, "*") == 0) {
    if (c->pend->sasl == NULL)
      reed__irc_num(c, ERR_SASLABORTED, ":SASL authentication aborted");
    else
      fail(c, ERR_SASLABORTED, "SASL authentication aborted");
    return;
  }
  if (c->sasl_done) {
    reed__irc_num(c, ERR_SASLALREADY,
                  ":You have already authenticated using SASL");
    return;
  }
  if (c->pend->sasl == NULL)
    start(c, arg);
  else
    client_chunk(c, arg);
}
