/* The module struct server/net drives, and the [irc] section: its
 * directives, defaults, checks and cleanup. */
#include "irc_int.h"

#include <stddef.h>
#include <string.h>

#define OFF(f) offsetof(reed_irc_conf_t, f)

const reed_directive_t reed__irc_directives[] = {
    {.key = "network", .set = reed_conf_set_str, .offset = OFF(network)},
    {.key = "server_name",
     .set = reed_conf_set_str,
     .offset = OFF(server_name)},
    {.key = "motd",
     .set = reed_conf_set_strlist,
     .offset = OFF(motd),
     .flags = REED_CONF_EMPTY},
    {.key = "registration_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(reg_timeout_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "ping_interval",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(ping_interval_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "ping_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(ping_timeout_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "flood_burst",
     .set = reed_conf_set_int,
     .offset = OFF(flood_burst),
     .min = 1,
     .max = 10000},
    {.key = "flood_rate",
     .set = reed_conf_set_int,
     .offset = OFF(flood_rate),
     .min = 1,
     .max = 10000},
    {.key = "fakelag", .set = reed_conf_set_bool, .offset = OFF(fakelag)},
    {.key = "flood_exempt",
     .set = reed_conf_set_strlist,
     .offset = OFF(flood_exempt),
     .flags = REED_CONF_EMPTY},
    {.key = "prereg_max_lines",
     .set = reed_conf_set_int,
     .offset = OFF(prereg_max_lines),
     .min = 8,
     .max = 100000},
    {.key = "register_before_connect",
     .set = reed_conf_set_bool,
     .offset = OFF(register_before_connect)},
    {.key = "register_requires_email",
     .set = reed_conf_set_bool,
     .offset = OFF(register_requires_email)},
    {.key = "own_new_channels",
     .set = reed_conf_set_bool,
     .offset = OFF(own_new_channels)},
    {.key = "password", .set = reed_conf_set_str, .offset = OFF(password)},
    {.key = "description",
     .set = reed_conf_set_str,
     .offset = OFF(description)},
    {.key = "sts_port",
     .set = reed_conf_set_int,
     .offset = OFF(sts_port),
     .min = 1,
     .max = 65535},
    {.key = "sts_duration",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(sts_duration_ms),
     .min = 0,
     .max = 63072000000L},
    {.key = "sts_preload",
     .set = reed_conf_set_bool,
     .offset = OFF(sts_preload)},
    {.key = "oper", .set = reed_conf_set_strlist, .offset = OFF(opers)},
    {.key = NULL},
};

/* ---- Defaults, checks, cleanup ---------------------------------------------
 */

void
reed__irc_conf_defaults(void *conf)
{
  reed_irc_conf_t *c = conf;

  *c = (reed_irc_conf_t){
      .flood_burst = 5,
      .flood_rate = 20, /* two a second */
      .fakelag = true,
      .prereg_max_lines = 128,
      .register_before_connect = true,
      .own_new_channels = true,
      .sts_duration_ms = 2592000000L, /* 30 days */
  };
}

/* The loader frees the string fields itself; tests that fill a conf by
 * hand free it here, and the second call does nothing. */
void
reed__irc_conf_cleanup(void *conf)
{
  reed_conf_fields_free(conf, reed__irc_directives);
}

static int
conf_check(const void *conf, reed_conf_err_t *err)
{
  const reed_irc_conf_t *c = conf;

  for (size_t i = 0; i < c->opers.n; i++) {
    const char *sp = strchr(c->opers.v[i], ' ');
    if (sp == NULL || sp == c->opers.v[i] || sp[1] == '\0') {
      reed_strlcpy(err->key, "oper", sizeof(err->key));
      reed_strlcpy(err->msg, "expected \"oper = NAME PASSWORD\"",
                   sizeof(err->msg));
      return REED_ECONFIG;
    }
  }
  return 0;
}

static const char *const default_endpoints[] = {
    "tcp:6667:interface=127.0.0.1",
    "ssl:6697:interface=127.0.0.1",
    NULL,
};

/* A connection net refuses or cuts: no registration, so no host to name. */
static reed_buf_t *
refusal(const char *reason)
{
  reed_buf_t *b = reed_buf_new(64);

  if (b != NULL &&
      reed_buf_printf(&b, "ERROR :Closing link: %s\r\n", reason) != 0) {
    reed_buf_unref(b);
    return NULL;
  }
  return b;
}

/* Plaintext `oper` entries still work, with a warning at start-up: an
 * operator account (`reed account oper add`) keeps no password in the
 * config. */
static int
irc_init(const reed_module_env_t *env, void **state)
{
  const reed_irc_conf_t *conf = env->conf;

  *state = NULL;
  if (conf != NULL && conf->opers.n > 0)
    reed_log(env->log, REED_LOG_WARN,
             "irc: %zu plaintext `oper` entr%s in [irc], kept for "
             "compatibility; prefer operator accounts: reed account oper add "
             "NAME",
             conf->opers.n, conf->opers.n == 1 ? "y" : "ies");
  return 0;
}

const reed_protocol_module_t reed_irc_module = {
    .name = "irc",
    .default_endpoints = default_endpoints,
    .directives = reed__irc_directives,
    .conf_size = sizeof(reed_irc_conf_t),
    .conf_defaults = reed__irc_conf_defaults,
    .conf_check = conf_check,
    .conf_cleanup = reed__irc_conf_cleanup,
    .init = irc_init,
    .conn_new = reed__irc_conn_new,
    .feed = reed__irc_feed,
    .tls_ready = reed__irc_tls_ready,
    .eof = reed__irc_eof,
    .shutdown = reed__irc_shutdown,
    .conn_free = reed__irc_conn_free,
    .refusal = refusal,
};
