/* The HTTP core's test world and its test-only routes. */
#include "http_fixture.h"

#include <stdarg.h>
#include <stdio.h>

/* The web files' handler (http_routes.c declares it for the real table). */
int reed__http_static(const reed_http_req_t *req, reed_http_res_t *res);

char hx_log[4096];
reed_http_res_t *hx_held;
reed_ws_t *hx_ws;

void
hx_log_add(const char *fmt, ...)
{
  size_t n = strlen(hx_log);
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(hx_log + n, sizeof(hx_log) - n, fmt, ap);
  va_end(ap);
}

static int
text(reed_http_res_t *res, const char *s)
{
  reed_buf_t *b = reed_buf_from(s, strlen(s));
  int rc = reed_http_respond(res, 200, "text/plain", b);

  reed_buf_unref(b);
  return rc;
}

static int
r_hello(const reed_http_req_t *req, reed_http_res_t *res)
{
  REED_UNUSED(req);
  return text(res, "hello");
}

static size_t
echo_max(const reed_proto_env_t *env)
{
  REED_UNUSED(env);
  return 16;
}

static int
r_echo(const reed_http_req_t *req, reed_http_res_t *res)
{
  reed_buf_t *b = reed_buf_from(req->body, req->body_len);
  int rc = reed_http_respond(res, 200, "application/octet-stream", b);

  reed_buf_unref(b);
  return rc;
}

static int
r_hold(const reed_http_req_t *req, reed_http_res_t *res)
{
  REED_UNUSED(req);
  hx_held = reed_http_hold(res);
  return 0;
}

static int
r_ip(const reed_http_req_t *req, reed_http_res_t *res)
{
  char s[80];

  snprintf(s, sizeof(s), "%s %s", req->client_ip,
           req->loopback ? "loopback" : "remote");
  return text(res, s);
}

static int
r_fail(const reed_http_req_t *req, reed_http_res_t *res)
{
  REED_UNUSED(req);
  REED_UNUSED(res);
  return REED_EINVAL;
}

/* ---- A WebSocket echo: test-only, never in the server's table. ---- */
typedef struct {
  reed_ws_t *ws;
} echo_t;

static void
ws_message(void *ud, bool is_text, const uint8_t *p, size_t len)
{
  echo_t *e = ud;
  reed_buf_t *b = reed_buf_from(p, len);

  hx_log_add("message %s %zu;", is_text ? "text" : "binary", len);
  if (len == 8 && memcmp(p, "close-me", 8) == 0) {
    reed_ws_close(e->ws, 1000, "bye");
  } else if (len == 5 && memcmp(p, "pause", 5) == 0) {
    const reed_transport_t *t = reed_ws_transport(e->ws);
    t->pause_reading(t->t, true);
  } else if (len > 6 && memcmp(p, "slice:", 6) == 0) {
    reed_ws_send(e->ws, is_text, b, 6, len - 6);
  } else {
    reed_ws_send(e->ws, is_text, b, 0, len);
  }
  reed_buf_unref(b);
}

static void
ws_closed(void *ud, const char *reason)
{
  REED_UNUSED(ud);
  hx_log_add("closed %s;", reason);
}

static void
ws_shutdown(void *ud, int why)
{
  REED_UNUSED(ud);
  hx_log_add("shutdown %d;", why);
}

static void
ws_free(void *ud)
{
  hx_log_add("free;");
  reed_free(ud);
}

static const reed_ws_ops_t echo_ops = {.message = ws_message,
                                       .closed = ws_closed,
                                       .shutdown = ws_shutdown,
                                       .free = ws_free};

static int
r_ws(const reed_http_req_t *req, reed_http_res_t *res)
{
  const char *offer = reed_http_header(req, "Sec-WebSocket-Protocol");
  const char *proto = offer != NULL && reed__http_has_token(offer, "echo.test")
                          ? "echo.test"
                          : NULL;
  echo_t *e = reed_calloc(1, sizeof(*e));
  int rc;

  if (e == NULL)
    return REED_ENOMEM;
  rc = reed_ws_accept(req, res, proto, &echo_ops, e, &e->ws);
  if (rc == 0) {
    hx_ws = e->ws;
    return 0;
  }
  reed_free(e);
  return reed_http_error(res, rc == REED_EAUTH ? 403 : 400, "no upgrade");
}

static const reed_http_route_t routes[] = {
    {.method = "GET", .path = "/hello", .handler = r_hello},
    {.method = "POST",
     .path = "/echo",
     .max_body = echo_max,
     .handler = r_echo},
    {.method = "PUT", .path = "/echo", .handler = r_echo},
    {.method = "GET", .path = "/hold", .handler = r_hold},
    {.method = "GET", .path = "/ip", .handler = r_ip},
    {.method = "GET", .path = "/fail", .handler = r_fail},
    {.method = "GET", .path = "/ws", .handler = r_ws},
    {.method = NULL, .path = "/any/", .handler = r_hello},
    {.method = "GET", .path = "/", .handler = reed__http_static},
};

void
hx_set(hx_t *x, const char *key, const char *value)
{
  reed_conf_err_t err;

  for (const reed_directive_t *d = reed_http_module.directives; d->key; d++)
    if (strcmp(d->key, key) == 0) {
      ASSERT_EQ(d->set(&x->conf, value, d, &err), 0);
      return;
    }
  ASSERT(!"no such key");
}

void
hx_init(hx_t *x)
{
  reed_http_state_t *st;

  memset(x, 0, sizeof(*x));
  hx_log[0] = '\0';
  hx_held = NULL;
  for (const reed_directive_t *d = reed_http_module.directives; d->key; d++)
    if (d->def != NULL)
      hx_set(x, d->key, d->def);
  x->w = tw_new(&(tw_opts_t){.module = &reed_http_module, .conf = &x->conf});
  st = x->w->module_state;
  st->routes = routes;
  st->n_routes = REED_ARRAY_SIZE(routes);
}

void
hx_free(hx_t *x)
{
  tw_free(x->w);
}

const char *
hx_take(tw_client_t *c, size_t *len)
{
  size_t from = c->ft->read_pos;
  const char *s = tw_take(c);

  if (len != NULL)
    *len = c->ft->out_len - from;
  return s;
}

int
hx_status(const char *s)
{
  int st = 0;

  if (s == NULL || sscanf(s, "HTTP/1.1 %d ", &st) != 1)
    return 0;
  return st;
}

size_t
hx_count(const char *s, const char *needle)
{
  size_t n = 0;

  for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

size_t
hx_frame(uint8_t *out, uint8_t b0, const void *payload, size_t len)
{
  static const uint8_t mask[4] = {0x11, 0x22, 0x33, 0x44};
  const uint8_t *p = payload;
  size_t n = 0;

  out[n++] = b0;
  if (len < 126) {
    out[n++] = (uint8_t)(0x80 | len);
  } else {
    out[n++] = 0x80 | 126;
    out[n++] = (uint8_t)(len >> 8);
    out[n++] = (uint8_t)len;
  }
  memcpy(out + n, mask, 4);
  n += 4;
  for (size_t i = 0; i < len; i++)
    out[n + i] = p[i] ^ mask[i & 3];
  return n + len;
}

void
hx_upgrade(tw_client_t *c, const char *extra)
{
  char req[1024];

  snprintf(req, sizeof(req),
           "GET /ws HTTP/1.1\r\nHost: chat.example:8080\r\n"
           "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n%s\r\n",
           extra != NULL ? extra : "Sec-WebSocket-Version: 13\r\n");
  tw_send(c, req);
}
