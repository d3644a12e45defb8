/* The host's inner cores (inner.h): a module's core on another
 * connection's transport, with the env net would have given it. */
#include "inner.h"

#include <string.h>

struct reed_inner_s {
  reed_inner_host_t *h;
  const reed_protocol_module_t *module;
  void *core;
  reed_transport_t transport; /* the caller's, copied */
  reed_proto_env_t env;       /* the core keeps a pointer to it */
  reed_inner_t *prev, *next;
  bool counted; /* holds a per-address slot under ip */
  char ip[46];
};

static const reed_protocol_module_t *
module_named(const reed_inner_host_t *h, const char *name)
{
  for (size_t i = 0; h->table[i] != NULL; i++)
    if (strcmp(h->table[i]->name, name) == 0)
      return h->table[i];
  return NULL;
}

static void
unlink_inner(reed_inner_t *in)
{
  reed_inner_host_t *h = in->h;

  if (in->prev != NULL)
    in->prev->next = in->next;
  else
    h->open = in->next;
  if (in->next != NULL)
    in->next->prev = in->prev;
  if (in->counted && h->release != NULL)
    h->release(h->ud, in->ip);
}

/* The client's address through the carrier's peer(), as the slot's key. */
static int
admit(reed_inner_t *in)
{
  reed_inner_host_t *h = in->h;
  const reed_peer_t *peer =
      in->transport.peer != NULL ? in->transport.peer(in->transport.t) : NULL;
  int rc;

  if (h->admit == NULL || peer == NULL)
    return 0;
  reed_strlcpy(in->ip, peer->ip, sizeof(in->ip));
  rc = h->admit(h->ud, in->ip);
  in->counted = rc == 0;
  return rc < 0 ? rc : 0;
}

reed_inner_t *
reed_inner_open(reed_inner_host_t *h, const char *module,
                const reed_transport_t *transport, unsigned framing)
{
  const reed_protocol_module_t *m = module_named(h, module);
  const void *conf = m != NULL ? reed_config_module(h->cfg, m->name) : NULL;
  reed_inner_t *in;

  if (conf == NULL || (in = reed_calloc(1, sizeof(*in))) == NULL)
    return NULL;
  in->h = h;
  in->module = m;
  in->transport = *transport;
  in->env = (reed_proto_env_t){
      .transport = &in->transport,
      .clock = h->clock,
      .worker = h->worker,
      .model = h->model,
      .portal = h->portal,
      .store = h->store,
      .conf = conf,
      .server_conf = &h->cfg->server,
      .log = h->log,
      .conn_id = h->next_conn_id != NULL ? h->next_conn_id(h->ud) : 0,
      .module_state = reed_modhost_state(h->modules, m),
      .host = h->host,
      .framing = framing,
  };
  if (admit(in) < 0) {
    reed_free(in);
    return NULL;
  }
  in->next = h->open;
  if (h->open != NULL)
    h->open->prev = in;
  h->open = in;
  if (m->conn_new(&in->env, &in->core) < 0) {
    in->core = NULL;
    reed_inner_free(in);
    return NULL;
  }
  return in;
}

ssize_t
reed_inner_feed(reed_inner_t *in, const uint8_t *p, size_t len)
{
  return in->module->feed(in->core, p, len);
}

void
reed_inner_eof(reed_inner_t *in, const char *reason)
{
  if (in->module->eof != NULL)
    in->module->eof(in->core, reason);
}

void
reed_inner_shutdown(reed_inner_t *in, int why)
{
  if (in->module->shutdown != NULL)
    in->module->shutdown(in->core, why);
}

void
reed_inner_free(reed_inner_t *in)
{
  if (in == NULL)
    return;
  if (in->core != NULL && in->module->conn_free != NULL)
    in->module->conn_free(in->core);
  unlink_inner(in);
  reed_free(in);
}

size_t
reed_inner_count(const reed_inner_host_t *h, const char *module)
{
  size_t n = 0;

  for (const reed_inner_t *in = h->open; in != NULL; in = in->next)
    n += strcmp(in->module->name, module) == 0;
  return n;
}

void
reed_inner_reload(reed_inner_host_t *h, const reed_config_t *cfg)
{
  h->cfg = cfg;
  for (reed_inner_t *in = h->open; in != NULL; in = in->next) {
    in->env.conf = reed_config_module(cfg, in->module->name);
    in->env.server_conf = &cfg->server;
  }
}
