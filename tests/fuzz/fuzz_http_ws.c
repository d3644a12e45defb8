/* Fuzzes the WebSocket layer through the HTTP core: a connection is
 * upgraded on a test route that echoes every message, then the input
 * is fed as client frames in pieces whose sizes the first byte chooses.
 * Every message handed to the route must be within ws_max_message (and
 * UTF-8 when text); nothing may be left allocated afterwards. */
#include "fake_clock.h"
#include "fake_transport.h"
#include "http_int.h"

#include <stdlib.h>
#include <string.h>

extern const reed_protocol_module_t reed_http_module;

typedef struct {
  reed_ws_t *ws;
  size_t max;
} echo_t;

static void
on_message(void *ud, bool text, const uint8_t *p, size_t len)
{
  echo_t *e = ud;
  reed_buf_t *b;

  if (len > e->max || (text && !reed_utf8_valid(p, len)))
    abort();
  if ((b = reed_buf_from(p, len)) == NULL)
    return;
  reed_ws_send(e->ws, text, b, len > 0 ? 1 : 0, len > 0 ? len - 1 : 0);
  if (len == 1 && p[0] == 'C')
    reed_ws_close(e->ws, 1000, "bye");
  reed_buf_unref(b);
}

static void
on_closed(void *ud, const char *reason)
{
  (void)ud;
  (void)reason;
}

static void
on_free(void *ud)
{
  reed_free(ud);
}

static const reed_ws_ops_t ops = {
    .message = on_message, .closed = on_closed, .free = on_free};

static int
r_ws(const reed_http_req_t *req, reed_http_res_t *res)
{
  echo_t *e = reed_calloc(1, sizeof(*e));

  if (e == NULL)
    return REED_ENOMEM;
  e->max = ((const reed_http_conf_t *)req->env->conf)->ws_max_message;
  if (reed_ws_accept(req, res, NULL, &ops, e, &e->ws) == 0)
    return 0;
  reed_free(e);
  return reed_http_error(res, 400, "no");
}

static const reed_http_route_t routes[] = {
    {.method = "GET", .path = "/ws", .handler = r_ws}};

static const char upgrade[] =
    "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_http_conf_t conf = {.header_timeout_ms = 10000,
                           .keepalive_timeout_ms = 60000,
                           .max_body = 8192,
                           .ws_max_message = 1024};
  reed_http_state_t st = {.routes = routes, .n_routes = 1};
  fake_transport_t ft;
  fake_clock_t fc;
  reed_proto_env_t env;
  size_t step, at = 0;
  void *core;

  if (size < 1)
    return 0;
  step = 1 + data[0] % 64;
  data++;
  size--;
  ft_init(&ft);
  fc_init(&fc);
  env = (reed_proto_env_t){.transport = &ft.transport,
                           .clock = &fc.clock,
                           .conf = &conf,
                           .module_state = &st};
  if (reed_http_module.conn_new(&env, &core) != 0)
    abort();
  reed_http_module.feed(core, (const uint8_t *)upgrade, strlen(upgrade));
  while (at < size && !ft.closed && !ft.paused) {
    size_t n = size - at < step ? size - at : step;
    ssize_t r = reed_http_module.feed(core, data + at, n);
    if (r < 0 || (size_t)r > n)
      abort();
    at += (size_t)r;
    fc_advance(&fc, 100);
  }
  reed_http_module.eof(core, "fuzz");
  reed_http_module.conn_free(core);
  fc_advance(&fc, 100000);
  if (fc_pending(&fc) != 0 || reed_alloc_live() != 0)
    abort();
  ft_cleanup(&ft);
  fc_cleanup(&fc);
  return 0;
}
