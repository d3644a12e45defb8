/* The process host as protocols see it (proto.h's reed_host_t): REHASH
 * reloads as SIGHUP does, STATS reads the listeners, connections per
 * module and the start time, and the HTTP module opens IRC and XMPP cores
 * on its WebSockets through `inner` (inner.h). */
#include "app_int.h"

#include <time.h>

static void
reload_due(void *arg)
{
  app_t *a = arg;

  a->reload_timer = 0;
  reed_log(&a->log, REED_LOG_INFO, "reload asked for by an operator");
  reed__app_reload(a);
}

/* From the top of the loop, as a signal's reload runs: the caller is in
 * the middle of a command that reads the config it would free. */
static void
host_reload(void *ud)
{
  app_t *a = ud;
  reed_clock_t *clk = reed_net_clock(a->net);

  if (a->reload_timer == 0)
    a->reload_timer = clk->call_later(clk->c, 0, reload_due, a);
}

static void
host_each_listener(void *ud,
                   void (*cb)(void *cbud, const char *module, const char *kind,
                              const char *addr, unsigned port),
                   void *cbud)
{
  reed_net_each_listener(((app_t *)ud)->net, cb, cbud);
}

/* Inner cores count as connections of their module (IRC over a
 * WebSocket is an IRC connection); their carrier counts as HTTP too. */
static size_t
host_connections(void *ud, const char *module)
{
  app_t *a = ud;

  return reed_net_connections_of(a->net, module) +
         reed_inner_count(&a->inner, module);
}

static reed_inner_t *
host_inner_open(void *ud, const char *module, const reed_transport_t *t,
                unsigned framing)
{
  return reed_inner_open(&((app_t *)ud)->inner, module, t, framing);
}

static const reed_inner_ops_t inner_ops = {
    .open = host_inner_open,
    .feed = reed_inner_feed,
    .eof = reed_inner_eof,
    .shutdown = reed_inner_shutdown,
    .free = reed_inner_free,
};

static int
inner_admit(void *ud, const char *ip)
{
  return reed_net_admit(((app_t *)ud)->net, ip);
}

static void
inner_release(void *ud, const char *ip)
{
  reed_net_release(((app_t *)ud)->net, ip);
}

static uint64_t
inner_conn_id(void *ud)
{
  return reed_net_next_conn_id(((app_t *)ud)->net);
}

void
reed__app_inner_init(app_t *a)
{
  a->inner = (reed_inner_host_t){
      .model = a->model,
      .portal = a->portal,
      .store = a->store,
      .clock = reed_net_clock(a->net),
      .worker = reed_net_worker(a->net),
      .log = &a->log,
      .host = &a->host,
      .cfg = a->cfg,
      .modules = &a->modules,
      .table = reed_protocol_modules,
      .admit = inner_admit,
      .release = inner_release,
      .next_conn_id = inner_conn_id,
      .ud = a,
  };
}

void
reed__app_host_init(app_t *a)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  a->host = (reed_host_t){
      .reload = host_reload,
      .each_listener = host_each_listener,
      .connections = host_connections,
      .inner = &inner_ops,
      .started_ms =
          (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u,
      .ud = a,
  };
}
