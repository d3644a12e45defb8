/* The XMPP module as server/net sees it: the [xmpp] section, its checks,
 * the refusal bytes and the per-connection entry points. */
#include "xmpp_component.h"
#include "xmpp_int.h"
#include "xmpp_store.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const default_endpoints[] = {"tcp:5222", "ssl:5223", NULL};
/* `component_listen = ENDPOINT`: XEP-0114 components (no default). */
static const char *const listen_roles[] = {REED_XCOMP_ROLE, NULL};

#define OFF(f) offsetof(reed_xmpp_conf_t, f)

static const reed_directive_t directives[] = {
    {.key = "domain",
     .set = reed_conf_set_str,
     .offset = OFF(domain),
     .max = REED_JID_PART_MAX},
    {.key = "muc",
     .set = reed_conf_set_str,
     .offset = OFF(muc),
     .max = REED_JID_PART_MAX},
    {.key = "require_tls",
     .set = reed_conf_set_bool,
     .offset = OFF(require_tls),
     .def = "yes"},
    {.key = "max_stanza_pre_auth",
     .set = reed_conf_set_size,
     .offset = OFF(max_stanza_pre_auth),
     .min = 1024,
     .max = 1L << 20,
     .def = "10000"},
    {.key = "max_stanza",
     .set = reed_conf_set_size,
     .offset = OFF(max_stanza),
     .min = 1024,
     .max = 16L << 20,
     .def = "256k"},
    {.key = "offline_max",
     .set = reed_conf_set_int,
     .offset = OFF(offline_max),
     .min = 0,
     .max = 100000,
     .def = "100"},
    {.key = "resume_window",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(resume_window_ms),
     .def = "300s"},
    {.key = "max_resume_queue",
     .set = reed_conf_set_int,
     .offset = OFF(max_resume_queue),
     .min = 1,
     .max = 100000,
     .def = "1000"},
    {.key = "negotiation_timeout",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(negotiation_timeout_ms),
     .def = "60s"},
    {.key = "fast_expiry",
     .set = reed_conf_set_duration_ms,
     .offset = OFF(fast_expiry_ms),
     .min = 60000,
     .max = 366LL * 24 * 3600 * 1000,
     .def = "336h"},
    /* XEP-0114: `component = domain:secret`, once per component. */
    {.key = "component",
     .set = reed_conf_set_strlist,
     .offset = OFF(components),
     .max = 4095},
    {.key = NULL},
};

static int
conf_fail(reed_conf_err_t *err, const char *key, const char *msg)
{
  snprintf(err->key, sizeof(err->key), "%s", key);
  snprintf(err->msg, sizeof(err->msg), "%s", msg);
  return REED_ECONFIG;
}

static bool
domain_ok(const char *s)
{
  reed_jid_t j;

  return s == NULL || (reed_jid_parse(s, &j) == 0 && j.local[0] == '\0' &&
                       j.resource[0] == '\0');
}

static int
conf_check(const void *conf, reed_conf_err_t *err)
{
  const reed_xmpp_conf_t *c = conf;

  if (!domain_ok(c->domain))
    return conf_fail(err, "domain", "not a domain name");
  if (!domain_ok(c->muc))
    return conf_fail(err, "muc", "not a domain name");
  if (c->max_stanza_pre_auth > c->max_stanza)
    return conf_fail(err, "max_stanza_pre_auth",
                     "must not be larger than max_stanza");
  if (c->negotiation_timeout_ms > 0 && c->negotiation_timeout_ms < 1000)
    return conf_fail(err, "negotiation_timeout",
                     "must be at least 1s (or 0: none)");
  return reed__xcomp_conf_check(c, err);
}

static bool
loopback(const char *addr)
{
  return addr != NULL &&
         (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
          strncmp(addr, "::ffff:127.", 11) == 0);
}

/* require_tls = no lets plaintext logins in: only where nobody can listen
 * on the wire (loopback, unix sockets). An ssl listener is TLS anyway. */
static int
conf_check_listeners(const void *conf, const reed_listener_t *l, size_t n,
                     reed_conf_err_t *err)
{
  const reed_xmpp_conf_t *c = conf;

  if (reed__xcomp_check_listeners(l, n, err) != 0)
    return REED_ECONFIG;
  if (c->require_tls)
    return 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(l[i].module, "xmpp") != 0 || l[i].ep.kind != REED_EP_TCP ||
        l[i].role != NULL)
      continue;
    if (!loopback(l[i].ep.interface))
      return conf_fail(err, "require_tls",
                       "'no' needs every tcp listener of [xmpp] on a "
                       "loopback address (or a unix socket)");
  }
  return 0;
}

/* What net sends a connection it refuses or cuts: a stream of its own that
 * ends at once (RFC 6120 4.9.1.1: the header comes first). */
static reed_buf_t *
refusal(const char *reason)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(
      &o, "<?xml version='1.0'?><stream:stream xmlns='" REED_NS_CLIENT
          "' xmlns:stream='" REED_NS_STREAM
          "' version='1.0'><stream:error><policy-violation "
          "xmlns='" REED_NS_STREAM_ERR "'/>");
  if (reason != NULL) {
    reed__xmpp_out_raw(&o, "<text xmlns='" REED_NS_STREAM_ERR "'>");
    reed__xmpp_out_text(&o, reason, strlen(reason));
    reed__xmpp_out_raw(&o, "</text>");
  }
  reed__xmpp_out_raw(&o, "</stream:error></stream:stream>");
  if (o.err != 0) {
    reed__xmpp_out_cleanup(&o);
    return NULL;
  }
  return o.b;
}

const reed_protocol_module_t reed_xmpp_module = {
    .name = "xmpp",
    .default_endpoints = default_endpoints,
    .directives = directives,
    .conf_size = sizeof(reed_xmpp_conf_t),
    .conf_defaults = reed__xmpp_conf_defaults,
    .conf_check = conf_check,
    .conf_check_listeners = conf_check_listeners,
    .conf_cleanup = NULL,
    .migrations = reed__xmpp_migrations, /* the host runs them before init */
    .n_migrations = REED_XMPP_N_MIGRATIONS,
    .init = reed__xmpp_init,
    .cleanup = reed__xmpp_cleanup,
    .conn_new = reed__xmpp_conn_new,
    .feed = reed__xmpp_feed,
    .tls_ready = reed__xmpp_tls_ready,
    .eof = reed__xmpp_eof,
    .shutdown = reed__xmpp_shutdown,
    .conn_free = reed__xmpp_conn_free,
    .refusal = refusal,
    .listen_roles = listen_roles,
};
