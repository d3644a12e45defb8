/* The process host as protocols see it (proto.h's reed_host_t): REHASH
 * reloads as SIGHUP does, STATS reads the listeners, connections per
 * module and the start time, and /metrics the whole process (metrics.c). */
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

static size_t
host_connections(void *ud, const char *module)
{
  return reed_net_connections_of(((app_t *)ud)->net, module);
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
      .metrics = reed__app_metrics,
      .started_ms =
          (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u,
      .ud = a,
  };
}
