/* The AMP module as server/net sees it: the [amp] section and the
 * per-connection entry points (docs/design.md, section 4). */
#include "amp_int.h"

#include <stddef.h>
#include <stdio.h>

static const char *const default_endpoints[] = {"tcp:7227:interface=127.0.0.1",
                                                NULL};

#define OFF(f) offsetof(reed_amp_conf_t, f)

static const reed_directive_t directives[] = {
    {.key = "login_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(login_timeout_ms),
     .def = "60s"},
    {.key = "flood_burst",
     .set = reed_conf_set_int,
     .offset = OFF(flood_burst),
     .min = 1,
     .max = 10000,
     .def = "20"},
    {.key = "flood_rate",
     .set = reed_conf_set_int,
     .offset = OFF(flood_rate),
     .min = 1,
     .max = 10000,
     .def = "5"},
    {.key = "flood_limit",
     .set = reed_conf_set_int,
     .offset = OFF(flood_limit),
     .min = 1,
     .max = 100000,
     .def = "20"},
    {.key = "max_login_failures",
     .set = reed_conf_set_int,
     .offset = OFF(max_login_failures),
     .min = 1,
     .max = 1000,
     .def = "5"},
    {.key = "create_rooms",
     .set = reed_conf_set_bool,
     .offset = OFF(create_rooms),
     .def = "yes"},
    {.key = "starttls",
     .set = reed_conf_set_bool,
     .offset = OFF(starttls),
     .def = "yes"},
    {.key = NULL},
};

static int
conf_check(const void *conf, reed_conf_err_t *err)
{
  const reed_amp_conf_t *c = conf;

  if (c->login_timeout_ms > 0 && c->login_timeout_ms < 1000) {
    snprintf(err->key, sizeof(err->key), "login_timeout");
    snprintf(err->msg, sizeof(err->msg), "must be at least 1s (or 0: none)");
    return REED_ECONFIG;
  }
  return 0;
}

/* What net sends a connection it refuses or cuts: the Closing event the
 * core sends before it closes (amp-chat.md: shutdown, flood, kill). */
static reed_buf_t *
refusal(const char *reason)
{
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_command", "Closing");
  reed_amp_enc_str(&e, "reason", reason);
  return reed_amp_enc_finish(&e, &b) == 0 ? b : NULL;
}

const reed_protocol_module_t reed_amp_module = {
    .name = "amp",
    .default_endpoints = default_endpoints,
    .directives = directives,
    .conf_size = sizeof(reed_amp_conf_t),
    .conf_defaults = NULL,
    .conf_check = conf_check,
    .conf_cleanup = NULL,
    .conn_new = reed__amp_conn_new,
    .feed = reed__amp_feed,
    .tls_ready = reed__amp_tls_ready,
    .eof = reed__amp_eof,
    .shutdown = reed__amp_shutdown,
    .conn_free = reed__amp_conn_free,
    .refusal = refusal,
};
