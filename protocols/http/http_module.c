/* The HTTP module as server/net sees it: the [http] section, the
 * module-wide state (the route table) and the per-connection entry points
 * (protocols/http/README.md). */
#include "http_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const default_endpoints[] = {"tcp:8080:interface=127.0.0.1",
                                                NULL};

#define OFF(f) offsetof(reed_http_conf_t, f)

static const reed_directive_t directives[] = {
    {.key = "header_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(header_timeout_ms),
     .def = "10s"},
    {.key = "keepalive_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(keepalive_timeout_ms),
     .def = "60s"},
    {.key = "max_body",
     .set = reed_conf_set_size,
     .offset = OFF(max_body),
     .min = 0,
     .max = 1L << 20,
     .def = "8k"},
    {.key = "trusted_proxies",
     .set = reed_conf_set_strlist,
     .offset = OFF(trusted_proxies)},
    {.key = "ws_origins",
     .set = reed_conf_set_strlist,
     .offset = OFF(ws_origins)},
    {.key = "ws_max_message",
     .set = reed_conf_set_size,
     .offset = OFF(ws_max_message),
     .min = 125,
     .max = 16L << 20,
     .def = "64k"},
    {.key = NULL},
};

static int
bad_proxy(void *ud, const char *item)
{
  reed_http_cidr_t n;

  if (reed__http_cidr_parse(item, &n) == 0)
    return 0;
  snprintf(ud, 256, "not an address or CIDR block: %s", item);
  return 1;
}

/* An origin is "*" or scheme://host[:port], as browsers send it. */
static int
bad_origin(void *ud, const char *item)
{
  if (strcmp(item, "*") == 0 || strncmp(item, "http://", 7) == 0 ||
      strncmp(item, "https://", 8) == 0)
    if (strchr(strstr(item, "://") ? strstr(item, "://") + 3 : item, '/') ==
        NULL)
      return 0;
  snprintf(ud, 256, "not an origin (scheme://host[:port] or *): %s", item);
  return 1;
}

static int
conf_check(const void *conf, reed_conf_err_t *err)
{
  const reed_http_conf_t *c = conf;

  if (c->header_timeout_ms < 1000 || c->keepalive_timeout_ms < 1000) {
    snprintf(err->key, sizeof(err->key), "%s",
             c->header_timeout_ms < 1000 ? "header_timeout"
                                         : "keepalive_timeout");
    snprintf(err->msg, sizeof(err->msg), "must be at least 1s");
    return REED_ECONFIG;
  }
  if (reed__http_list_each(&c->trusted_proxies, bad_proxy, err->msg) != 0) {
    snprintf(err->key, sizeof(err->key), "trusted_proxies");
    return REED_ECONFIG;
  }
  if (reed__http_list_each(&c->ws_origins, bad_origin, err->msg) != 0) {
    snprintf(err->key, sizeof(err->key), "ws_origins");
    return REED_ECONFIG;
  }
  return 0;
}

static int
init(const reed_module_env_t *env, void **state)
{
  reed_http_state_t *st = reed_calloc(1, sizeof(*st));

  if (st == NULL)
    return REED_ENOMEM;
  st->menv = env;
  st->routes = reed__http_routes;
  st->n_routes = reed__http_n_routes;
  *state = st;
  return 0;
}

static void
cleanup(void *state)
{
  reed_http_state_t *st = state;

  if (st == NULL)
    return;
  for (size_t i = 0; st->files != NULL && i < reed__http_n_files; i++)
    reed_buf_unref(st->files[i]);
  reed_free(st->files);
  reed_free(st);
}

/* What net sends a connection it refuses: a 503 that closes. */
static reed_buf_t *
refusal(const char *reason)
{
  reed_buf_t *b = reed_buf_new(256);

  if (b == NULL)
    return NULL;
  if (reed_buf_printf(&b,
                      "HTTP/1.1 503 Service Unavailable\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                      strlen(reason) + 1, reason) != 0) {
    reed_buf_unref(b);
    return NULL;
  }
  return b;
}

const reed_protocol_module_t reed_http_module = {
    .name = "http",
    .default_endpoints = default_endpoints,
    .directives = directives,
    .conf_size = sizeof(reed_http_conf_t),
    .conf_check = conf_check,
    .init = init,
    .cleanup = cleanup,
    .conn_new = reed__http_conn_new,
    .feed = reed__http_feed,
    .tls_ready = reed__http_tls_ready,
    .eof = reed__http_eof,
    .shutdown = reed__http_shutdown,
    .conn_free = reed__http_conn_free,
    .refusal = refusal,
};
