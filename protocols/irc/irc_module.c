/* The module struct server/net drives, and the [irc] section: its
 * directives, defaults, checks and cleanup. */
#include "irc_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Setters ---------------------------------------------------------------
 */

static void *
field(void *conf, const reed_directive_t *d)
{
  return (char *)conf + d->offset;
}

static int
fail(reed_conf_err_t *err, const char *msg)
{
  if (err != NULL)
    reed_strlcpy(err->msg, msg, sizeof(err->msg));
  return REED_ECONFIG;
}

static int
set_str(void *conf, const char *value, const reed_directive_t *d,
        reed_conf_err_t *err)
{
  char **p = field(conf, d), *copy;

  if (value[0] == '\0')
    return fail(err, "expected a value");
  if ((copy = reed_strdup(value)) == NULL)
    return REED_ENOMEM;
  reed_free(*p);
  *p = copy;
  return 0;
}

static int
set_list(void *conf, const char *value, const reed_directive_t *d,
         reed_conf_err_t *err)
{
  reed_irc_strlist_t *l = field(conf, d);
  char **v, *copy;

  REED_UNUSED(err);
  if ((copy = reed_strdup(value)) == NULL)
    return REED_ENOMEM;
  v = reed_realloc(l->v, (l->n + 1) * sizeof(*v));
  if (v == NULL) {
    reed_free(copy);
    return REED_ENOMEM;
  }
  v[l->n++] = copy;
  l->v = v;
  return 0;
}

static int
parse_long(const char *value, long *out)
{
  char *end;

  errno = 0;
  *out = strtol(value, &end, 10);
  if (errno != 0 || end == value)
    return -1;
  return (int)(end - value);
}

static int
set_long(void *conf, const char *value, const reed_directive_t *d,
         reed_conf_err_t *err)
{
  long v;
  int n = parse_long(value, &v);

  if (n < 0 || value[n] != '\0')
    return fail(err, "expected an integer");
  if (d->min < d->max && (v < d->min || v > d->max))
    return fail(err, "value out of range");
  *(long *)field(conf, d) = v;
  return 0;
}

/* A duration: a number with ms, s, m or h; a bare number is seconds. */
static int
set_duration(void *conf, const char *value, const reed_directive_t *d,
             reed_conf_err_t *err)
{
  static const struct {
    const char *suffix;
    long mult;
  } units[] = {
      {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  long v;
  int n = parse_long(value, &v);

  if (n < 0 || v < 0)
    return fail(err, "expected a duration such as 30s");
  for (size_t i = 0; i < REED_ARRAY_SIZE(units); i++) {
    if (strcmp(value + n, units[i].suffix) != 0)
      continue;
    if (v > d->max / units[i].mult || v * units[i].mult < d->min)
      return fail(err, "duration out of range");
    *(long *)field(conf, d) = v * units[i].mult;
    return 0;
  }
  return fail(err, "unknown duration unit (use ms, s, m or h)");
}

static int
set_bool(void *conf, const char *value, const reed_directive_t *d,
         reed_conf_err_t *err)
{
  static const char *const yes[] = {"yes", "true", "on", "1"};
  static const char *const no[] = {"no", "false", "off", "0"};
  bool *b = field(conf, d);

  for (size_t i = 0; i < REED_ARRAY_SIZE(yes); i++) {
    if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
      *b = strcasecmp(value, yes[i]) == 0;
      return 0;
    }
  }
  return fail(err, "expected yes or no");
}

#define OFF(f) offsetof(reed_irc_conf_t, f)

const reed_directive_t reed__irc_directives[] = {
    {.key = "network", .set = set_str, .offset = OFF(network)},
    {.key = "server_name", .set = set_str, .offset = OFF(server_name)},
    {.key = "motd",
     .set = set_list,
     .offset = OFF(motd),
     .flags = REED_CONF_MULTI},
    {.key = "registration_timeout",
     .set = set_duration,
     .offset = OFF(reg_timeout_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "ping_interval",
     .set = set_duration,
     .offset = OFF(ping_interval_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "ping_timeout",
     .set = set_duration,
     .offset = OFF(ping_timeout_ms),
     .min = 1000,
     .max = 3600000},
    {.key = "flood_burst",
     .set = set_long,
     .offset = OFF(flood_burst),
     .min = 1,
     .max = 10000},
    {.key = "flood_rate",
     .set = set_long,
     .offset = OFF(flood_rate),
     .min = 1,
     .max = 10000},
    {.key = "fakelag", .set = set_bool, .offset = OFF(fakelag)},
    {.key = "flood_exempt",
     .set = set_list,
     .offset = OFF(flood_exempt),
     .flags = REED_CONF_MULTI},
    {.key = "prereg_max_lines",
     .set = set_long,
     .offset = OFF(prereg_max_lines),
     .min = 8,
     .max = 100000},
    {.key = "register_before_connect",
     .set = set_bool,
     .offset = OFF(register_before_connect)},
    {.key = "register_requires_email",
     .set = set_bool,
     .offset = OFF(register_requires_email)},
    {.key = "password", .set = set_str, .offset = OFF(password)},
    {.key = "description", .set = set_str, .offset = OFF(description)},
    {.key = "sts_port",
     .set = set_long,
     .offset = OFF(sts_port),
     .min = 1,
     .max = 65535},
    {.key = "sts_duration",
     .set = set_duration,
     .offset = OFF(sts_duration_ms),
     .min = 0,
     .max = 63072000000L},
    {.key = "sts_preload", .set = set_bool, .offset = OFF(sts_preload)},
    {.key = "oper",
     .set = set_list,
     .offset = OFF(opers),
     .flags = REED_CONF_MULTI},
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
      .sts_duration_ms = 2592000000L, /* 30 days */
  };
}

static void
list_free(reed_irc_strlist_t *l)
{
  for (size_t i = 0; i < l->n; i++)
    reed_free(l->v[i]);
  reed_free(l->v);
  *l = (reed_irc_strlist_t){0};
}

void
reed__irc_conf_cleanup(void *conf)
{
  reed_irc_conf_t *c = conf;

  reed_free(c->network);
  reed_free(c->server_name);
  reed_free(c->password);
  reed_free(c->description);
  list_free(&c->motd);
  list_free(&c->flood_exempt);
  list_free(&c->opers);
  c->network = c->server_name = c->password = c->description = NULL;
}

static int
conf_check(const void *conf, reed_conf_err_t *err)
{
  const reed_irc_conf_t *c = conf;

  for (size_t i = 0; i < c->opers.n; i++) {
    const char *sp = strchr(c->opers.v[i], ' ');
    if (sp == NULL || sp == c->opers.v[i] || sp[1] == '\0') {
      reed_strlcpy(err->key, "oper", sizeof(err->key));
      return fail(err, "expected \"oper = NAME PASSWORD\"");
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

const reed_protocol_module_t reed_irc_module = {
    .name = "irc",
    .default_endpoints = default_endpoints,
    .directives = reed__irc_directives,
    .conf_size = sizeof(reed_irc_conf_t),
    .conf_defaults = reed__irc_conf_defaults,
    .conf_check = conf_check,
    .conf_cleanup = reed__irc_conf_cleanup,
    .conn_new = reed__irc_conn_new,
    .feed = reed__irc_feed,
    .tls_ready = reed__irc_tls_ready,
    .eof = reed__irc_eof,
    .shutdown = reed__irc_shutdown,
    .conn_free = reed__irc_conn_free,
    .refusal = refusal,
};
