/* One ACME exchange (RFC 8555 section 7): the directory, a nonce, the
 * account (newAccount with the key: the existing one is returned), a new
 * order for the names, each authorization's http-01 challenge answered
 * and polled, the order finalized with a CSR for a new key, polled, and
 * the certificate chain downloaded and stored. Every request is signed
 * with a fresh nonce; a badNonce answer is retried with the nonce it
 * carries. Each step is a callback of the one before; any failure ends
 * the exchange through reed__acme_done(a, false) after logging the
 * server's problem document. */
#include "acme_int.h"

#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLL_MIN_S 1
#define POLL_MAX_S 10

static void send_post(reed_acme_t *a);
static void next_authz(reed_acme_t *a);
static void handle_order(reed_acme_t *a, json_t *order);
static void on_account(reed_acme_t *a, const reed_acme_resp_t *res,
                       json_t *body);

static void fail(reed_acme_t *a, const char *fmt, ...) REED_PRINTF(2, 3);

static void
fail(reed_acme_t *a, const char *fmt, ...)
{
  char msg[600];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  /* The CA's words go to the log: no line breaks or escapes from it. */
  for (char *c = msg; *c != '\0'; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  reed_log(a->o.log, REED_LOG_ERROR, "acme: %s failed: %s", a->step, msg);
  reed__acme_done(a, false);
}

static const char *
jstr(json_t *obj, const char *key)
{
  return json_string_value(json_object_get(obj, key));
}

static char *
dup_or_null(const char *s)
{
  return s != NULL ? reed_strdup(s) : NULL;
}

static void
set_str(char **field, const char *value)
{
  reed_free(*field);
  *field = dup_or_null(value);
}

/* The problem document (RFC 7807) the server sent, as type: detail;
 * `status` 0 for one inside an object (a challenge's or order's error). */
static void
fail_problem(reed_acme_t *a, long status, json_t *prob)
{
  const char *type = jstr(prob, "type"), *detail = jstr(prob, "detail");
  char code[32] = "";

  if (status > 0)
    snprintf(code, sizeof(code), "HTTP %ld ", status);
  fail(a, "%s%s: %s", code, type ? type : "(no problem type)",
       detail ? detail : "(no detail)");
}

/* ---- Signed requests ------------------------------------------------------
 */

static json_t *
parse_body(const reed_acme_resp_t *res)
{
  if (res->content_type == NULL || strstr(res->content_type, "json") == NULL)
    return NULL;
  return json_loadb(res->body, res->len, JSON_REJECT_DUPLICATES, NULL);
}

static void
on_post_resp(void *ud, const reed_acme_resp_t *res)
{
  reed_acme_t *a = ud;
  json_t *body;
  const char *type;

  if (res->nonce != NULL)
    set_str(&a->nonce, res->nonce);
  if (res->status == 0) {
    fail(a, "%s", res->err);
    return;
  }
  body = parse_body(res);
  type = jstr(body, "type");
  if (res->status == 400 && type != NULL &&
      strcmp(type, "urn:ietf:params:acme:error:badNonce") == 0 &&
      a->nonce_retries++ < REED_ACME_MAX_NONCE_RETRIES) {
    json_decref(body);
    send_post(a);
    return;
  }
  if (res->status >= 300)
    fail_problem(a, res->status, body);
  else
    a->on_post(a, res, body);
  json_decref(body);
}

static void
on_nonce(void *ud, const reed_acme_resp_t *res)
{
  reed_acme_t *a = ud;

  if (res->nonce == NULL) {
    fail(a, "no Replay-Nonce from %s (HTTP %ld%s%s)", a->url_nonce, res->status,
         res->status ? "" : ": ", res->status ? "" : res->err);
    return;
  }
  set_str(&a->nonce, res->nonce);
  send_post(a);
}

static void
send_post(reed_acme_t *a)
{
  char *jws;
  int rc;

  if (a->nonce == NULL) {
    rc = reed__acme_http_request(a->http, "HEAD", a->url_nonce, NULL, on_nonce,
                                 a);
    if (rc != 0)
      fail(a, "%s", reed_strerror(rc));
    return;
  }
  jws = reed__acme_jws(a->account_key, a->post_by_key ? NULL : a->kid, a->nonce,
                       a->post_url, a->post_as_get ? NULL : a->post_payload);
  reed_free(a->nonce); /* a nonce is good for one request */
  a->nonce = NULL;
  rc = jws != NULL ? reed__acme_http_request(a->http, "POST", a->post_url, jws,
                                             on_post_resp, a)
                   : REED_ETLS;
  reed_free(jws);
  if (rc != 0)
    fail(a, "cannot sign or send the request: %s", reed_strerror(rc));
}

/* Signs `payload` (NULL: POST-as-GET) for `url`; on_post gets a 2xx
 * answer. */
static void
post(reed_acme_t *a, const char *step, const char *url, json_t *payload,
     void (*on_post)(reed_acme_t *, const reed_acme_resp_t *, json_t *))
{
  a->step = step;
  a->on_post = on_post;
  a->nonce_retries = 0;
  a->post_as_get = payload == NULL;
  a->post_by_key = on_post == on_account;
  set_str(&a->post_url, url);
  reed_free(a->post_payload);
  a->post_payload = payload != NULL ? reed__acme_dump(payload) : NULL;
  json_decref(payload);
  if (a->post_url == NULL || (!a->post_as_get && a->post_payload == NULL)) {
    fail(a, "out of memory");
    return;
  }
  send_post(a);
}

/* ---- Polling ------------------------------------------------------------ */

static void
poll_fired(void *arg)
{
  reed_acme_t *a = arg;
  void (*step)(reed_acme_t *) = a->poll_next;

  a->poll_timer = 0;
  step(a);
}

/* Again after Retry-After (1-10 s), at most REED_ACME_MAX_POLLS times. */
static void
poll_later(reed_acme_t *a, const reed_acme_resp_t *res,
           void (*step)(reed_acme_t *a))
{
  long s = res->retry_after != NULL ? strtol(res->retry_after, NULL, 10) : 0;

  if (++a->polls > REED_ACME_MAX_POLLS) {
    fail(a, "still not done after %u polls", REED_ACME_MAX_POLLS);
    return;
  }
  s = s < POLL_MIN_S ? POLL_MIN_S : s > POLL_MAX_S ? POLL_MAX_S : s;
  a->poll_next = step;
  a->poll_timer =
      a->o.clock->call_later(a->o.clock->c, (uint64_t)s * 1000u, poll_fired, a);
}

/* ---- The certificate ------------------------------------------------------
 */

/* The chain must start with a certificate for the key this order made. */
static int
store_chain(reed_acme_t *a, const char *pem, size_t len)
{
  BIO *b = BIO_new_mem_buf(pem, (int)len);
  X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
  bool ok = x != NULL && X509_check_private_key(x, a->cert_key) == 1;
  int rc;

  X509_free(x);
  BIO_free(b);
  if (!ok)
    return REED_ETLS;
  rc = reed__acme_write_key(a->key_path, a->cert_key);
  return rc != 0 ? rc : reed__acme_write_file(a->cert_path, pem, len, 0644);
}

static void
on_cert(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body)
{
  int rc;

  REED_UNUSED(body);
  rc = store_chain(a, res->body, res->len);
  if (rc == REED_ETLS)
    fail(a, "the certificate sent is not a PEM chain for the order's key");
  else if (rc != 0)
    fail(a, "cannot write %s: %s", a->cert_path, reed_strerror(rc));
  else
    reed__acme_done(a, true);
}

static void
download(reed_acme_t *a)
{
  post(a, "certificate download", a->cert_url, NULL, on_cert);
}

static void
on_order_poll(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body)
{
  REED_UNUSED(res);
  handle_order(a, body);
}

static void
poll_order(reed_acme_t *a)
{
  post(a, "order poll", a->order_url, NULL, on_order_poll);
}

static const reed_acme_resp_t no_resp;

/* After finalize: "processing" until "valid" names the certificate. */
static void
handle_order(reed_acme_t *a, json_t *order)
{
  const char *status = jstr(order, "status");

  if (status != NULL && strcmp(status, "valid") == 0 &&
      jstr(order, "certificate") != NULL) {
    set_str(&a->cert_url, jstr(order, "certificate"));
    download(a);
  } else if (status != NULL &&
             (strcmp(status, "processing") == 0 ||
              strcmp(status, "ready") == 0 || strcmp(status, "valid") == 0)) {
    poll_later(a, &no_resp, poll_order);
  } else {
    json_t *err = json_object_get(order, "error");
    a->step = "order";
    if (err != NULL)
      fail_problem(a, 0, err);
    else
      fail(a, "the order is %s", status ? status : "without a status");
  }
}

static void
on_finalize(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body)
{
  REED_UNUSED(res);
  handle_order(a, body);
}

static void
finalize(reed_acme_t *a)
{
  char *csr;

  EVP_PKEY_free(a->cert_key);
  a->cert_key = EVP_EC_gen("P-256");
  csr = a->cert_key ? reed__acme_csr(a->cert_key, a->names, a->n_names) : NULL;
  a->polls = 0;
  if (csr == NULL) {
    a->step = "finalize";
    fail(a, "cannot make a key and CSR");
    return;
  }
  post(a, "finalize", a->finalize_url, json_pack("{s:s}", "csr", csr),
       on_finalize);
  reed_free(csr);
}

/* ---- Authorizations -------------------------------------------------------
 */

static bool
serve_token(reed_acme_t *a, const char *token)
{
  reed_acme_token_t *t;

  for (size_t i = 0; i < a->n_tokens; i++)
    if (strcmp(a->tokens[i].token, token) == 0)
      return true;
  if (a->n_tokens == REED_ACME_MAX_NAMES)
    return false;
  t = &a->tokens[a->n_tokens];
  t->token = reed_strdup(token);
  t->authz = reed__acme_key_authz(token, a->thumbprint);
  if (t->token == NULL || t->authz == NULL) {
    reed_free(t->token);
    reed_free(t->authz);
    return false;
  }
  a->n_tokens++;
  return true;
}

static json_t *
http01_of(json_t *authz)
{
  json_t *chals = json_object_get(authz, "challenges"), *c;
  size_t i;

  json_array_foreach(chals, i, c)
  {
    const char *type = jstr(c, "type");
    if (type != NULL && strcmp(type, "http-01") == 0)
      return c;
  }
  return NULL;
}

static void
poll_authz(reed_acme_t *a)
{
  next_authz(a);
}

static void
on_challenge(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body)
{
  REED_UNUSED(body);
  a->responded = true;
  poll_later(a, res, poll_authz);
}

/* Why an authorization failed: its http-01 challenge's error. */
static void
fail_authz(reed_acme_t *a, json_t *authz, json_t *chal, const char *status)
{
  json_t *err = json_object_get(chal, "error");
  const char *name = jstr(json_object_get(authz, "identifier"), "value");
  char step[300];

  snprintf(step, sizeof(step), "http-01 for %s", name ? name : "?");
  a->step = step;
  if (err != NULL)
    fail_problem(a, 0, err);
  else
    fail(a, "the authorization is %s", status ? status : "without a status");
  a->step = "authorization";
}

static void
on_authz(reed_acme_t *a, const reed_acme_resp_t *res, json_t *authz)
{
  const char *status = jstr(authz, "status");
  json_t *chal = http01_of(authz);
  const char *token = jstr(chal, "token"), *url = jstr(chal, "url");

  if (status != NULL && strcmp(status, "valid") == 0) {
    a->next_authz++;
    a->responded = false;
    a->polls = 0;
    next_authz(a);
  } else if (status == NULL || strcmp(status, "pending") != 0) {
    fail_authz(a, authz, chal, status);
  } else if (token == NULL || url == NULL) {
    fail(a, "the server offers no http-01 challenge");
  } else if (!serve_token(a, token)) {
    fail(a, "cannot keep the challenge token");
  } else if (a->responded) {
    poll_later(a, res, poll_authz);
  } else {
    /* The token is served from now on: tell the server to look. */
    post(a, "challenge", url, json_object(), on_challenge);
  }
}

static void
next_authz(reed_acme_t *a)
{
  if (a->next_authz == a->n_authz) {
    finalize(a);
    return;
  }
  post(a, "authorization", a->authz[a->next_authz], NULL, on_authz);
}

/* ---- Account and order ----------------------------------------------------
 */

static void
on_order(reed_acme_t *a, const reed_acme_resp_t *res, json_t *order)
{
  json_t *authz = json_object_get(order, "authorizations"), *v;
  size_t i, n = json_array_size(authz);

  if (res->location == NULL || jstr(order, "finalize") == NULL || n == 0 ||
      n > REED_ACME_MAX_NAMES) {
    fail(a, "the order has no URL, finalize URL or authorizations");
    return;
  }
  set_str(&a->order_url, res->location);
  set_str(&a->finalize_url, jstr(order, "finalize"));
  a->authz = reed_calloc(n, sizeof(*a->authz));
  if (a->authz == NULL) {
    fail(a, "out of memory");
    return;
  }
  json_array_foreach(authz, i, v)
  {
    if (json_string_value(v) == NULL ||
        (a->authz[a->n_authz++] = reed_strdup(json_string_value(v))) == NULL) {
      fail(a, "bad authorization URL");
      return;
    }
  }
  next_authz(a);
}

static void
new_order(reed_acme_t *a)
{
  json_t *ids = json_array(), *payload;
  char *id;

  for (size_t i = 0; i < a->n_names; i++)
    json_array_append_new(
        ids, json_pack("{s:s, s:s}", "type", "dns", "value", a->names[i]));
  payload = json_pack("{s:o}", "identifiers", ids);
  /* RFC 9773 section 5: a CA with renewal information is told which
   * certificate this order replaces. */
  if (a->have_cert && a->ari_url != NULL &&
      (id = reed__acme_cert_id(a->cert_path)) != NULL) {
    json_object_set_new(payload, "replaces", json_string(id));
    reed_free(id);
  }
  post(a, "new order", a->url_order, payload, on_order);
}

static void
on_account(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body)
{
  const char *status = jstr(body, "status");

  if (res->location == NULL) {
    fail(a, "no account URL (Location) in the answer");
    return;
  }
  if (status != NULL && strcmp(status, "valid") != 0) {
    fail(a, "the account is %s", status);
    return;
  }
  if (a->kid == NULL || strcmp(a->kid, res->location) != 0)
    reed_log(a->o.log, REED_LOG_INFO, "acme: account %s", res->location);
  set_str(&a->kid, res->location);
  new_order(a);
}

static void
new_account(reed_acme_t *a)
{
  json_t *contact = json_array();
  json_t *payload;

  for (size_t i = 0; i < a->n_contact; i++)
    json_array_append_new(contact, json_string(a->contact[i]));
  payload =
      json_pack("{s:b, s:o}", "termsOfServiceAgreed", 1, "contact", contact);
  /* The account is looked up by its key (post_by_key). */
  post(a, "account", a->url_account, payload, on_account);
}

static void
on_directory(void *ud, const reed_acme_resp_t *res)
{
  reed_acme_t *a = ud;
  json_t *dir;

  if (res->status != 200) {
    dir = parse_body(res);
    if (res->status == 0)
      fail(a, "%s: %s", a->directory, res->err);
    else
      fail_problem(a, res->status, dir);
    json_decref(dir);
    return;
  }
  dir = json_loadb(res->body, res->len, 0, NULL);
  set_str(&a->url_nonce, jstr(dir, "newNonce"));
  set_str(&a->url_account, jstr(dir, "newAccount"));
  set_str(&a->url_order, jstr(dir, "newOrder"));
  json_decref(dir);
  if (a->url_nonce == NULL || a->url_account == NULL || a->url_order == NULL)
    fail(a, "%s is not an ACME directory", a->directory);
  else
    new_account(a);
}

void
reed__acme_flow_start(reed_acme_t *a)
{
  int rc;

  reed__acme_flow_reset(a);
  a->busy = true;
  a->step = "directory";
  rc = reed__acme_http_request(a->http, NULL, a->directory, NULL, on_directory,
                               a);
  if (rc != 0)
    fail(a, "%s", reed_strerror(rc));
}

void
reed__acme_flow_reset(reed_acme_t *a)
{
  char **strs[] = {&a->url_nonce, &a->url_account,  &a->url_order,
                   &a->order_url, &a->finalize_url, &a->cert_url,
                   &a->post_url,  &a->post_payload};

  for (size_t i = 0; i < REED_ARRAY_SIZE(strs); i++)
    set_str(strs[i], NULL);
  for (size_t i = 0; i < a->n_authz; i++)
    reed_free(a->authz[i]);
  reed_free(a->authz);
  a->authz = NULL;
  a->n_authz = a->next_authz = 0;
  for (size_t i = 0; i < a->n_tokens; i++) {
    reed_free(a->tokens[i].token);
    reed_free(a->tokens[i].authz);
  }
  a->n_tokens = 0;
  EVP_PKEY_free(a->cert_key);
  a->cert_key = NULL;
  if (a->poll_timer != 0)
    a->o.clock->cancel(a->o.clock->c, a->poll_timer);
  a->poll_timer = 0;
  a->polls = 0;
  a->responded = false;
  a->busy = false;
}
