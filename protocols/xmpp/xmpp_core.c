/* The XMPP core of one connection: its life (conn_new to conn_free), the
 * feed loop around the XML parser (pauses, restarts, TLS), the
 * negotiation timeout, and the module-wide state. */
#include "xmpp_component.h"
#include "xmpp_int.h"
#include "xmpp_payload.h"
#include "xmpp_store.h"
#include "xmpp_upload.h"

#include <stdio.h>
#include <string.h>

/* The [xmpp] defaults, as the directives' `def` give them (strings stay
 * NULL: derived at run time), for a conf made without the loader. */
static const reed_xmpp_conf_t default_conf = {
    .require_tls = true,
    .max_stanza_pre_auth = 10000,
    .max_stanza = 256 * 1024,
    .offline_max = 100,
    .resume_window_ms = 300000,
    .max_resume_queue = 1000,
    .negotiation_timeout_ms = 60000,
    .fast_expiry_ms = 14ull * 24 * 3600 * 1000,
};

void
reed__xmpp_conf_defaults(void *conf)
{
  *(reed_xmpp_conf_t *)conf = default_conf;
}

const reed_xmpp_conf_t *
reed__xmpp_conf(const reed_xmpp_core_t *c)
{
  const void *conf = c->parked ? c->st->env->conf : c->env->conf;

  return conf != NULL ? conf : &default_conf;
}

const char *
reed__xmpp_domain(const reed_xmpp_core_t *c)
{
  const reed_server_conf_t *sv =
      c->parked ? c->st->env->server_conf : c->env->server_conf;

  if (reed__xmpp_conf(c)->domain != NULL)
    return reed__xmpp_conf(c)->domain;
  return sv != NULL && sv->name != NULL ? sv->name : "localhost";
}

const char *
reed__xmpp_st_domain(const reed_xmpp_state_t *st)
{
  const reed_xmpp_conf_t *conf = st->env->conf;
  const reed_server_conf_t *sv = st->env->server_conf;

  if (conf != NULL && conf->domain != NULL)
    return conf->domain;
  return sv != NULL && sv->name != NULL ? sv->name : "localhost";
}

void
reed__xmpp_new_id(reed_xmpp_core_t *c, char *buf, size_t size)
{
  snprintf(buf, size, "%llx-%llx", (unsigned long long)c->st->boot_ms,
           (unsigned long long)++c->st->next_id);
}

void *
reed__xmpp_ext_get(const reed_xmpp_core_t *c, int slot)
{
  return slot >= 0 && slot < XMPP_EXT_MAX ? c->ext[slot] : NULL;
}

void
reed__xmpp_ext_set(reed_xmpp_core_t *c, int slot, void *p)
{
  if (slot >= 0 && slot < XMPP_EXT_MAX)
    c->ext[slot] = p;
}

/* ---- Module-wide state --------------------------------------------------- */

int
reed__xmpp_init(const reed_module_env_t *env, void **state)
{
  reed_xmpp_state_t *st = reed_calloc(1, sizeof(*st));
  int rc;

  if (st == NULL)
    return REED_ENOMEM;
  st->env = env;
  st->boot_ms = env->clock->wall_ms(env->clock->c);
  /* The module's tables: the host ran their migrations (the module's
   * `migrations`) before init; the handle checks the schema's version. */
  if (env->store != NULL) {
    rc = reed_xstore_open(env->store, env->log, &st->xs);
    if (rc < 0) {
      reed_free(st);
      return rc;
    }
  }
  if ((rc = reed__xmpp_fast_init(st)) < 0) {
    reed_xstore_close(st->xs);
    reed_free(st);
    return rc;
  }
  *state = st;
  if ((rc = reed__xim_init(st)) < 0)
    return rc;
  return reed__xmpp_retract_arch_init(st);
}

void
reed__xmpp_cleanup(void *state)
{
  reed_xmpp_state_t *st = state;

  if (st == NULL)
    return;
  reed__xmpp_retract_arch_cleanup(st);
  reed__xmpp_react_sets_free(st);
  reed__xmpp_fast_cleanup(st);
  reed__xmpp_sm_cleanup(st);
  reed__xmpp_reg_cleanup(&st->reg);
  reed__xim_cleanup(st);
  reed__xupload_cleanup(st);
  reed_xstore_close(st->xs);
  reed_free(st);
}

/* ---- Feeding ------------------------------------------------------------ */

static void
xml_failed(reed_xmpp_core_t *c, reed_xml_err_t err)
{
  if (err == REED_XML_ERR_NOMEM)
    reed_log(c->env->log, REED_LOG_ERROR, "xmpp: parser out of memory");
  reed__xmpp_stream_error(c, reed_xml_err_condition(err), NULL);
}

/* Before the next byte: a pending restart gives a fresh document; a
 * pause that has served its purpose is lifted. */
static int
parser_ready(reed_xmpp_core_t *c)
{
  if (c->xml_paused) {
    reed_xml_stream_resume(c->xml);
    c->xml_paused = false;
  }
  if (c->restart) {
    c->restart = false;
    if (c->authed) {
      reed_xml_limits_t lim = {.max_stanza = reed__xmpp_conf(c)->max_stanza};
      reed_xml_stream_set_limits(c->xml, &lim);
    }
    if (reed_xml_stream_reset(c->xml) < 0)
      return REED_ENOMEM;
    return c->ws ? reed__xmpp_ws_prime(c) : 0;
  }
  return 0;
}

ssize_t
reed__xmpp_feed(void *core, const uint8_t *in, size_t len)
{
  reed_xmpp_core_t *c = core;
  size_t pos = 0;

  c->last_rx_ms = c->env->clock->now_ms(c->env->clock->c);
  /* After <starttls/>, until tls_ready: plain text the client pipelined,
   * dropped (RFC 6120 5.4.3.3). */
  while (pos < len && !c->closed && !c->tls_pending) {
    size_t used = 0;
    reed_xml_err_t err;
    if (c->sasl.pending) {
      reed__xmpp_hold_input(c, true); /* the portal is working */
      return (ssize_t)pos;
    }
    if (parser_ready(c) < 0) {
      reed__xmpp_stream_error(c, "internal-server-error", NULL);
      break;
    }
    err = reed_xml_stream_feed(c->xml, in + pos, len - pos, &used);
    pos += used;
    if (err != REED_XML_OK) {
      xml_failed(c, err);
      break;
    }
    if (used == 0 && !c->xml_paused)
      break; /* nothing taken and nothing to change: never spin */
  }
  return (ssize_t)len;
}

/* ---- Life --------------------------------------------------------------- */

static void
negotiation_timeout(void *arg)
{
  reed_xmpp_core_t *c = arg;

  c->timer = 0;
  if (!c->bound && !c->closed)
    reed__xmpp_stream_error(c, "connection-timeout", NULL);
}

static uint64_t
keepalive_interval(const reed_xmpp_core_t *c)
{
  const reed_server_conf_t *sv = c->env->server_conf;

  return sv != NULL && sv->ping_interval > 0 ? sv->ping_interval : 120000;
}

/* No whitespace between WebSocket messages (RFC 7395 3.3): an XEP-0199
 * ping, whose result the dispatch drops as any result to the server. */
static void
ws_ping(reed_xmpp_core_t *c)
{
  xmpp_out_t o;
  char id[48];

  reed__xmpp_new_id(c, id, sizeof(id));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "iq", c->full_jid, reed__xmpp_domain(c), "get", id);
  reed__xmpp_out_raw(&o, "><ping xmlns='urn:xmpp:ping'/></iq>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
keepalive(void *arg)
{
  reed_xmpp_core_t *c = arg;
  reed_clock_t *clk = c->env->clock;
  uint64_t every = keepalive_interval(c);
  uint64_t idle = clk->now_ms(clk->c) - c->last_rx_ms;

  c->ka_timer = 0;
  if (c->closed || !(c->bound || (c->component && c->authed)))
    return;
  if (idle >= every) {
    if (c->ws)
      ws_ping(c);
    else
      reed__xmpp_send_raw(c, " ");
    idle = 0;
  }
  if (!c->closed)
    c->ka_timer = clk->call_later(clk->c, every - idle, keepalive, c);
}

void
reed__xmpp_keepalive_start(reed_xmpp_core_t *c)
{
  reed_clock_t *clk = c->env->clock;

  if (c->ka_timer == 0)
    c->ka_timer = clk->call_later(clk->c, keepalive_interval(c), keepalive, c);
}

/* A server ban on the peer's address: a stream error at once. */
static void
refuse_banned_ip(reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;
  reed_sban_view_t v;
  char why[REED_REASON_MAX + 16];

  if (peer == NULL ||
      !reed_model_sban_find(c->env->model, &(reed_sban_who_t){.ip = peer->ip},
                            &v))
    return;
  snprintf(why, sizeof(why), "Banned: %s",
           v.reason[0] != '\0' ? v.reason : "no reason given");
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: refused %s: banned (%s)",
           peer->ip, v.target);
  reed__xmpp_stream_error(c, "policy-violation", why);
}

static const reed_xml_cbs_t xml_cbs = {
    .stream_open = reed__xmpp_on_stream_open,
    .element = reed__xmpp_on_element,
    .stream_close = reed__xmpp_on_stream_close,
};

static int
start_timer(reed_xmpp_core_t *c)
{
  reed_clock_t *clk = c->env->clock;
  uint64_t ms = reed__xmpp_conf(c)->negotiation_timeout_ms;

  if (ms == 0)
    return 0;
  c->timer = clk->call_later(clk->c, ms, negotiation_timeout, c);
  return c->timer != 0 ? 0 : REED_ENOMEM;
}

int
reed__xmpp_conn_new(const reed_proto_env_t *env, void **core)
{
  reed_xmpp_core_t *c;
  reed_xml_limits_t lim = {0};
  int rc;

  if (env->module_state == NULL)
    return REED_EINVAL; /* the module's init makes it */
  if ((c = reed_calloc(1, sizeof(*c))) == NULL)
    return REED_ENOMEM;
  c->env = env;
  c->st = env->module_state;
  c->component = env->role != NULL && strcmp(env->role, REED_XCOMP_ROLE) == 0;
  c->ws = env->framing == REED_FRAMING_WEBSOCKET && !c->component;
  lim.max_stanza = reed__xmpp_conf(c)->max_stanza_pre_auth;
  rc = reed_xml_stream_new(&lim, &xml_cbs, c, &c->xml);
  if (rc == 0 && c->ws)
    rc = reed__xmpp_ws_prime(c);
  if (rc == 0)
    rc = start_timer(c);
  if (rc < 0) {
    reed_xml_stream_free(c->xml);
    reed_free(c);
    return rc;
  }
  *core = c;
  refuse_banned_ip(c);
  return 0;
}

void
reed__xmpp_eof(void *core, const char *reason)
{
  reed_xmpp_core_t *c = core;

  if (reed__xmpp_sm_park(c, reason))
    return; /* kept for XEP-0198 resumption */
  c->closed = true;
  reed__xmpp_unbind(c, reason != NULL ? reason : "Connection closed");
}

void
reed__xmpp_shutdown(void *core, int why)
{
  reed_xmpp_core_t *c = core;

  reed__xmpp_stream_error(c, "system-shutdown",
                          why == REED_SHUTDOWN_RELOAD ? "Server restarting"
                                                      : "Server shutting down");
}

void
reed__xmpp_conn_free(void *core)
{
  reed_xmpp_core_t *c = core;

  if (c == NULL || reed__xmpp_sm_keep(c))
    return;
  if (c->timer != 0)
    c->env->clock->cancel(c->env->clock->c, c->timer);
  if (c->ka_timer != 0)
    c->env->clock->cancel(c->env->clock->c, c->ka_timer);
  reed__xmpp_sasl_cleanup(c);
  reed__xmpp_unbind(c, "Connection closed");
  for (int i = 0; i < XMPP_EXT_MAX; i++)
    if (c->ext[i] != NULL && reed__xmpp_ext_free[i] != NULL)
      reed__xmpp_ext_free[i](c, c->ext[i]);
  reed_xml_stream_free(c->xml);
  reed_free(c->resource);
  reed_free(c->full_jid);
  reed_free(c);
}
