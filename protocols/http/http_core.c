/* The HTTP/1.1 connection core (sans-IO, like the IRC and AMP cores):
 * bytes in through feed, one request at a time: its head (http_parse.c),
 * its Content-Length body, its route's handler, its response; then the
 * next request of a pipelined burst, so answers leave in order. A handler
 * that holds its response pauses reading until it releases it. Timers
 * through env->clock: the header timeout from a request's first byte (and
 * between body bytes), the keep-alive timeout between requests. */
#include "http_core_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const reed_http_conf_t *
reed__http_conf(const reed_http_core_t *c)
{
  return c->env->conf;
}

static void on_timer(void *arg);

static void
timer_stop(reed_http_core_t *c)
{
  if (c->timer != 0)
    c->env->clock->cancel(c->env->clock->c, c->timer);
  c->timer = 0;
}

static void
timer_start(reed_http_core_t *c, uint64_t ms)
{
  timer_stop(c);
  if (ms > 0)
    c->timer = c->env->clock->call_later(c->env->clock->c, ms, on_timer, c);
}

static uint64_t
now_ms(const reed_http_core_t *c)
{
  return c->env->clock->now_ms(c->env->clock->c);
}

static void
close_conn(reed_http_core_t *c, const char *reason)
{
  timer_stop(c);
  c->phase = P_CLOSED;
  c->env->transport->close(c->env->transport->t, reason);
}

static void
on_timer(void *arg)
{
  reed_http_core_t *c = arg;
  uint64_t limit = reed__http_conf(c)->header_timeout_ms;
  uint64_t idle = now_ms(c) - c->progress_ms;

  c->timer = 0;
  if (c->phase == P_IDLE) {
    close_conn(c, "idle timeout");
  } else if (c->phase == P_BODY && idle < limit) {
    timer_start(c, limit - idle);
  } else if (c->phase == P_HEAD || c->phase == P_BODY) {
    reed__http_fail(c, 408);
  }
}

int
reed__http_conn_new(const reed_proto_env_t *env, void **core)
{
  reed_http_core_t *c = reed_calloc(1, sizeof(*c));

  if (c == NULL)
    return REED_ENOMEM;
  c->env = env;
  reed__http_head_init(&c->head);
  c->phase = P_IDLE;
  /* A connection that says nothing is dropped like an idle one. */
  timer_start(c, reed__http_conf(c)->header_timeout_ms);
  *core = c;
  return 0;
}

/* The current request is done with: free its parts. */
static void
request_clear(reed_http_core_t *c)
{
  reed__http_res_unref(c->res);
  c->res = NULL;
  reed_free(c->body);
  c->body = NULL;
  c->body_len = c->body_need = 0;
  c->route = NULL;
  /* An idle keep-alive connection keeps no buffer. */
  reed__http_head_cleanup(&c->head);
}

void
reed__http_finish(reed_http_core_t *c)
{
  bool keep = c->res != NULL && c->res->keep_alive;

  if (c->res != NULL && c->res->upgraded) {
    request_clear(c);
    c->phase = P_WS;
    timer_stop(c);
    return;
  }
  request_clear(c);
  if (!keep) {
    close_conn(c, "Connection closed");
    return;
  }
  c->phase = P_IDLE;
  timer_start(c, reed__http_conf(c)->keepalive_timeout_ms);
}

void
reed__http_fail(reed_http_core_t *c, int status)
{
  if (c->res == NULL)
    c->res = reed__http_res_new(c, 1, false, false);
  if (c->res == NULL) {
    close_conn(c, "out of memory");
    return;
  }
  c->res->keep_alive = false;
  reed_http_error(c->res, status, reed__http_reason(status));
  reed__http_finish(c);
}

/* Splits the target into path and query (origin-form, or absolute-form:
 * RFC 9112, 3.2); 0 or 400. Dot segments are refused: no client that
 * normalizes its URLs sends them, and no route should see them. */
static int
split_target(reed_http_core_t *c, char *t)
{
  char *q = strchr(t, '?');

  c->req.query = "";
  if (q != NULL) {
    *q = '\0';
    c->req.query = q + 1;
  }
  if (strncasecmp(t, "http://", 7) == 0 || strncasecmp(t, "https://", 8) == 0)
    t = strchr(strchr(t, ':') + 3, '/');
  if (t == NULL) {
    c->req.path = "/";
    return 0;
  }
  if (t[0] != '/')
    return 400;
  c->req.path = t;
  for (const char *s = t; s != NULL; s = strchr(s + 1, '/')) {
    size_t n = strcspn(s + 1, "/");
    if ((n == 1 && s[1] == '.') || (n == 2 && s[1] == '.' && s[2] == '.'))
      return 400;
  }
  return 0;
}

/* Content-Length: digits only, repeats allowed when equal; -1 absent,
 * -2 malformed. */
static long long
content_length(const reed_http_head_t *h)
{
  long long len = -1;

  for (unsigned i = 0; i < h->n_headers; i++) {
    const char *v = HEAD_STR(h, h->value[i]);
    char *end;
    long long n;

    if (strcasecmp(HEAD_STR(h, h->name[i]), "Content-Length") != 0)
      continue;
    if (v[0] < '0' || v[0] > '9' || strlen(v) > 18)
      return -2;
    n = strtoll(v, &end, 10);
    if (*end != '\0' || (len >= 0 && n != len))
      return -2;
    len = n;
  }
  return len;
}

static void
fill_client(reed_http_core_t *c)
{
  const reed_http_head_t *h = &c->head;
  const reed_peer_t *peer = c->env->transport->peer(c->env->transport->t);
  const char *xff[REED_HTTP_MAX_HEADERS];
  size_t n = 0;

  for (unsigned i = 0; i < h->n_headers; i++)
    if (strcasecmp(HEAD_STR(h, h->name[i]), "X-Forwarded-For") == 0)
      xff[n++] = HEAD_STR(h, h->value[i]);
  reed__http_client_ip(&reed__http_conf(c)->trusted_proxies, peer->ip, xff, n,
                       c->client_ip);
  c->req.client_ip = c->client_ip;
  c->req.tls = peer->tls;
  c->req.loopback = reed__http_ip_loopback(c->client_ip);
}

/* The head is read: check it, find the route, and size the body. Returns
 * 0 or the status to fail with. */
static int
check_head(reed_http_core_t *c, long long *len)
{
  reed_http_head_t *h = &c->head;
  const char *conn = reed__http_head_get(h, "Connection");
  const char *te = reed__http_head_get(h, "Transfer-Encoding");
  const char *host = reed__http_head_get(h, "Host");
  bool keep = h->minor >= 1 ? !reed__http_has_token(conn, "close")
                            : reed__http_has_token(conn, "keep-alive");
  int rc;

  c->req = (reed_http_req_t){
      .method = HEAD_STR(h, h->method), .env = c->env, .core_ = c};
  c->res =
      reed__http_res_new(c, h->minor, strcmp(c->req.method, "HEAD") == 0, keep);
  if (c->res == NULL)
    return 500;
  if ((rc = split_target(c, h->buf + h->target)) != 0)
    return rc;
  if (h->minor >= 1 && host == NULL)
    return 400;
  for (unsigned i = 0, n = 0; i < h->n_headers; i++)
    if (strcasecmp(HEAD_STR(h, h->name[i]), "Host") == 0 && ++n > 1)
      return 400;
  *len = content_length(h);
  if (*len == -2 || (te != NULL && *len >= 0))
    return 400;
  if (te != NULL) /* chunked request bodies are not taken (README) */
    return reed__http_has_token(te, "chunked") ? 411 : 501;
  fill_client(c);
  return 0;
}

static void
dispatch(reed_http_core_t *c)
{
  reed_http_res_t *res = c->res;
  int rc;

  c->req.body = c->body;
  c->req.body_len = c->body_len;
  timer_stop(c);
  rc = c->route->handler(&c->req, res);
  if (c->phase == P_CLOSED)
    return;
  if (res->holding && !res->upgraded) {
    c->phase = P_HELD;
    c->env->transport->pause_reading(c->env->transport->t, true);
    return;
  }
  if (!res->responded && !res->upgraded)
    reed_http_error(res, 500, rc < 0 ? reed_strerror(rc) : "no response");
  reed__http_finish(c);
}

static size_t
max_body(const reed_http_core_t *c)
{
  if (c->route->max_body != NULL)
    return c->route->max_body(c->env);
  return reed__http_conf(c)->max_body;
}

/* Routes the request and starts its body, or answers it at once. */
static void
on_head(reed_http_core_t *c)
{
  const reed_http_state_t *st = c->env->module_state;
  const char *expect;
  char allow[128];
  long long len = -1;
  int rc = check_head(c, &len);

  if (rc != 0) {
    reed__http_fail(c, rc);
    return;
  }
  c->route = reed__http_route_find(st->routes, st->n_routes, c->req.method,
                                   c->req.path, allow, sizeof(allow));
  if (c->route == NULL) {
    if (len > 0)
      c->res->keep_alive = false; /* the body is not read */
    if (allow[0] != '\0')
      reed_http_res_header(c->res, "Allow", allow);
    reed_http_error(c->res, allow[0] ? 405 : 404,
                    allow[0] ? "Method Not "
                               "Allowed"
                             : "Not Found");
    reed__http_finish(c);
    return;
  }
  if (len > 0 && (unsigned long long)len > max_body(c)) {
    reed__http_fail(c, 413);
    return;
  }
  expect = reed__http_head_get(&c->head, "Expect");
  if (expect != NULL && strcasecmp(expect, "100-continue") != 0) {
    reed__http_fail(c, 417);
    return;
  }
  if (len <= 0) {
    dispatch(c);
    return;
  }
  if ((c->body = reed_malloc((size_t)len)) == NULL) {
    reed__http_fail(c, 500);
    return;
  }
  c->body_need = (size_t)len;
  c->phase = P_BODY;
  c->progress_ms = now_ms(c);
  timer_start(c, reed__http_conf(c)->header_timeout_ms);
  if (expect != NULL && c->head.minor >= 1)
    reed__http_write_raw(c, "HTTP/1.1 100 Continue\r\n\r\n");
}

static size_t
feed_head(reed_http_core_t *c, const uint8_t *in, size_t len)
{
  size_t used = 0;
  int rc;

  if (c->phase == P_IDLE) {
    c->phase = P_HEAD;
    timer_start(c, reed__http_conf(c)->header_timeout_ms);
  }
  rc = reed__http_head_feed(&c->head, in, len, &used);
  if (rc == HTTP_HEAD_DONE)
    on_head(c);
  else if (rc != HTTP_HEAD_MORE)
    reed__http_fail(c, rc);
  return used;
}

static size_t
feed_body(reed_http_core_t *c, const uint8_t *in, size_t len)
{
  size_t n = c->body_need - c->body_len;

  if (n > len)
    n = len;
  memcpy(c->body + c->body_len, in, n);
  c->body_len += n;
  c->progress_ms = now_ms(c);
  if (c->body_len == c->body_need)
    dispatch(c);
  return n;
}

ssize_t
reed__http_feed(void *core, const uint8_t *in, size_t len)
{
  reed_http_core_t *c = core;
  size_t i = 0;

  while (i < len) {
    switch (c->phase) {
    case P_IDLE:
    case P_HEAD:
      i += feed_head(c, in + i, len - i);
      break;
    case P_BODY:
      i += feed_body(c, in + i, len - i);
      break;
    case P_WS: {
      ssize_t r = reed__ws_feed(c->ws, in + i, len - i);
      return r < 0 ? r : (ssize_t)(i + (size_t)r);
    }
    case P_HELD:
      return (ssize_t)i; /* the rest waits for the release */
    default:
      return (ssize_t)len; /* closing: dropped */
    }
  }
  return (ssize_t)len;
}

void
reed__http_tls_ready(void *core)
{
  REED_UNUSED(core);
}

void
reed__http_eof(void *core, const char *reason)
{
  reed_http_core_t *c = core;

  timer_stop(c);
  if (c->ws != NULL)
    reed__ws_eof(c->ws, reason);
  c->phase = P_CLOSED;
}

void
reed__http_shutdown(void *core, int why)
{
  reed_http_core_t *c = core;

  if (c->ws != NULL && c->phase == P_WS) {
    reed__ws_shutdown(c->ws, why);
    return;
  }
  close_conn(c, "Server shutting down");
}

void
reed__http_conn_free(void *core)
{
  reed_http_core_t *c = core;

  timer_stop(c);
  if (c->res != NULL)
    c->res->core = NULL; /* a holder's respond becomes a no-op */
  request_clear(c);
  reed__http_head_cleanup(&c->head);
  if (c->ws != NULL)
    reed__ws_free(c->ws);
  reed_free(c);
}
