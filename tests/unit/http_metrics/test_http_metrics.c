/* GET /metrics: who is served (loopback, [http] metrics_allow) as a
 * table; the key's values checked by the module's conf_check; and the
 * route in the protocol world with a fake host: 200 with the text
 * format's Content-Type and the host's body, 403 for another address. */
#include "http_int.h"
#include "world.h"

#include <stddef.h>
#include <string.h>

extern const reed_protocol_module_t reed_http_module;

/* Appends `value` to a list field of an [http] config, as the loader does. */
static void
conf_add(reed_http_conf_t *c, const char *key, const char *value)
{
  const reed_directive_t *d = reed_http_module.directives;
  reed_conf_err_t err;

  while (d->key != NULL && strcmp(d->key, key) != 0)
    d++;
  ASSERT(d->key != NULL);
  ASSERT_EQ(d->set(c, value, d, &err), 0);
}

TEST(metrics_allowed_table)
{
  static const struct {
    const char *ip;
    bool loopback, want;
  } cases[] = {
      {"127.0.0.1", true, true},    {"::1", true, true},
      {"203.0.113.9", false, true}, {"203.0.114.1", false, false},
      {"192.0.2.7", false, true},   {"192.0.2.8", false, false},
      {"2001:db8::5", false, true}, {"2001:db9::5", false, false},
      {"10.0.0.1", false, false},   {"", false, false},
      {"not an ip", false, false},
  };
  reed_http_conf_t c;

  memset(&c, 0, sizeof(c));
  conf_add(&c, "metrics_allow", "203.0.113.0/24, 192.0.2.7");
  conf_add(&c, "metrics_allow", "2001:db8::/32");
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed__http_metrics_allowed(&c.metrics_allow, cases[i].ip,
                                   cases[i].loopback) != cases[i].want)
      reed__test_fail(__FILE__, __LINE__, "%s: want %d", cases[i].ip,
                      cases[i].want);
  /* Without a list, loopback only. */
  reed_conf_fields_free(&c, reed_http_module.directives);
  ASSERT(reed__http_metrics_allowed(&c.metrics_allow, "127.0.0.1", true));
  ASSERT(!reed__http_metrics_allowed(&c.metrics_allow, "203.0.113.9", false));
}

TEST(metrics_allow_checked_in_config)
{
  reed_http_conf_t c;
  reed_conf_err_t err;

  memset(&c, 0, sizeof(c));
  c.header_timeout_ms = c.keepalive_timeout_ms = 10000;
  conf_add(&c, "metrics_allow", "10.0.0.0/8");
  ASSERT_EQ(reed_http_module.conf_check(&c, &err), 0);
  conf_add(&c, "metrics_allow", "prometheus.example");
  memset(&err, 0, sizeof(err));
  ASSERT_EQ(reed_http_module.conf_check(&c, &err), REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "metrics_allow");
  ASSERT(strstr(err.msg, "prometheus.example") != NULL);
  reed_conf_fields_free(&c, reed_http_module.directives);
}

static int
fake_metrics(void *ud, reed_buf_t **out)
{
  (*(int *)ud)++;
  return reed_buf_printf(out, "# TYPE reed_up gauge\nreed_up 1\n");
}

/* The response to GET /metrics from `ip` (not loopback unless it is). */
static const char *
ask(tw_t *w, tw_client_t *c, const char *ip)
{
  REED_UNUSED(w);
  reed_strlcpy(c->ft->peer.ip, ip, sizeof(c->ft->peer.ip));
  tw_send(c, "GET /metrics HTTP/1.1\r\nHost: reed.test\r\n\r\n");
  return tw_take(c);
}

TEST(metrics_route_loopback_and_refused)
{
  int calls = 0;
  reed_host_t host = {.metrics = fake_metrics, .ud = &calls};
  tw_opts_t o = {.module = &reed_http_module};
  reed_http_conf_t *c;
  tw_t w;
  const char *r;

  tw_init(&w, &o);
  w.host = &host;
  c = w.conf;
  c->header_timeout_ms = c->keepalive_timeout_ms = 10000;
  c->max_body = 8192;
  c->ws_max_message = 65536;
  conf_add(c, "metrics_allow", "192.0.2.0/24");
  tw_client_t *cl = tw_client(&w, "c");
  r = ask(&w, cl, "127.0.0.1");
  ASSERT(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
  ASSERT(strstr(r, "Content-Type: text/plain; version=0.0.4; "
                   "charset=utf-8\r\n") != NULL);
  ASSERT(strstr(r, "\r\n\r\n# TYPE reed_up gauge\nreed_up 1\n") != NULL);
  ASSERT_EQ(calls, 1);
  r = ask(&w, cl, "192.0.2.44");
  ASSERT(strncmp(r, "HTTP/1.1 200 ", 13) == 0);
  r = ask(&w, cl, "198.51.100.1");
  ASSERT(strncmp(r, "HTTP/1.1 403 ", 13) == 0);
  ASSERT(strstr(r, "reed_up") == NULL);
  ASSERT_EQ(calls, 2);
  tw_drop(cl);
  reed_conf_fields_free(c, reed_http_module.directives);
  tw_free(&w);
}
