/* reed_host_t.metrics: the whole process in the Prometheus text format
 * 0.0.4, gathered when asked from the counters each part keeps in its own
 * structs (net, the model, the portal, the store): pull, no registry.
 * docs/operating.md lists every metric. Names are reed_*, in base units
 * (seconds), labelled by protocol, login mechanism and result only. */
#include "app_int.h"
#include "reed_commit.h"

#include <string.h>

#ifndef REED_COMMIT
#define REED_COMMIT "unknown"
#endif

/* The protocols a per-protocol family is written for: every module the
 * config enabled (so each has a sample, 0 until it is used), then any
 * other origin the model has seen (in-process bots). */
typedef struct protos_s {
  const char *name[REED_MODULES_MAX + REED_MODEL_ORIGINS];
  size_t n;
  reed_model_origin_t origins[REED_MODEL_ORIGINS];
  size_t n_origins;
} protos_t;

static void
protos_add(protos_t *p, const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->name[i], name) == 0)
      return;
  p->name[p->n++] = name;
}

static void
protos_init(protos_t *p, app_t *a)
{
  memset(p, 0, sizeof(*p));
  for (size_t i = 0; i < a->modules.n; i++)
    protos_add(p, a->modules.mods[i].module->name);
  p->n_origins = reed_model_origins(a->model, p->origins);
  for (size_t i = 0; i < p->n_origins; i++)
    protos_add(p, p->origins[i].origin);
}

static const reed_model_origin_t *
origin_of(const protos_t *p, const char *name)
{
  for (size_t i = 0; i < p->n_origins; i++)
    if (strcmp(p->origins[i].origin, name) == 0)
      return &p->origins[i];
  return NULL;
}

/* Which per-protocol figure a family shows. */
enum { F_CONNS, F_SESSIONS, F_MESSAGES, F_DELIVERIES };

static uint64_t
figure(app_t *a, const protos_t *p, const char *name, int what)
{
  const reed_model_origin_t *o = origin_of(p, name);

  switch (what) {
  case F_CONNS:
    return reed_net_connections_of(a->net, name);
  case F_SESSIONS:
    return o != NULL ? o->sessions : 0;
  case F_MESSAGES:
    return o != NULL ? o->messages : 0;
  default:
    return o != NULL ? o->deliveries : 0;
  }
}

static void
per_protocol(reed_prom_t *w, app_t *a, const protos_t *p, const char *name,
             const char *type, const char *help, int what)
{
  reed_prom_family(w, name, type, help);
  for (size_t i = 0; i < p->n; i++) {
    reed_prom_label_t l = {"protocol", p->name[i]};
    /* The first entries are the modules; the others (bots) have
     * sessions but no listener: no connections sample. */
    if (what == F_CONNS && i >= a->modules.n)
      continue;
    reed_prom_sample_u64(w, name, &l, 1, figure(a, p, p->name[i], what));
  }
}

static void
one(reed_prom_t *w, const char *name, const char *type, const char *help,
    double v)
{
  reed_prom_family(w, name, type, help);
  reed_prom_sample(w, name, NULL, 0, v);
}

static void
process_info(reed_prom_t *w, app_t *a)
{
  reed_prom_label_t build[] = {{"version", REED_VERSION},
                               {"commit", REED_COMMIT}};

  reed_prom_family(w, "reed_build_info", "gauge",
                   "Always 1; the build's version and git commit as labels.");
  reed_prom_sample(w, "reed_build_info", build, REED_ARRAY_SIZE(build), 1);
  one(w, "reed_start_time_seconds", "gauge",
      "When the server started, in seconds since the Unix epoch.",
      (double)a->host.started_ms / 1000.0);
}

static void
sessions_and_rooms(reed_prom_t *w, app_t *a, const protos_t *p)
{
  reed_model_stats_t ms;

  reed_model_stats(a->model, &ms);
  per_protocol(w, a, p, "reed_connections", "gauge",
               "Open connections per protocol module (registered or not).",
               F_CONNS);
  per_protocol(w, a, p, "reed_sessions", "gauge",
               "Sessions in the model per protocol.", F_SESSIONS);
  one(w, "reed_rooms", "gauge", "Rooms with at least one member.",
      (double)ms.rooms);
  one(w, "reed_rooms_dormant", "gauge",
      "Registered rooms nobody is in, kept in memory.", (double)ms.dormant);
  per_protocol(w, a, p, "reed_messages_total", "counter",
               "Messages accepted from sessions of each protocol (rooms "
               "and private).",
               F_MESSAGES);
  per_protocol(w, a, p, "reed_deliveries_total", "counter",
               "Messages handed to sessions of each protocol (the sender's "
               "own echo aside).",
               F_DELIVERIES);
}

static void
net_figures(reed_prom_t *w, app_t *a)
{
  reed_net_stats_t st;

  reed_net_stats(a->net, &st);
  one(w, "reed_sendq_disconnects_total", "counter",
      "Connections cut because their send queue passed its limit.",
      (double)st.cut_sendq);
  one(w, "reed_flood_disconnects_total", "counter",
      "Connections cut for flooding their input buffer (Excess Flood).",
      (double)st.cut_flood);
  one(w, "reed_connections_refused_total", "counter",
      "Connections refused by a connection limit or the connect rate.",
      (double)st.refused);
  one(w, "reed_send_queue_bytes", "gauge",
      "Output waiting in every connection's send queue.",
      (double)st.queued_bytes);
  reed_prom_family(w, "reed_loop_lag_seconds", "histogram",
                   "How late the event loop ran its due timers.");
  reed_prom_hist(w, "reed_loop_lag_seconds", NULL, 0, &st.loop_lag);
}

static void
auth_figures(reed_prom_t *w, app_t *a)
{
  static const char *const results[] = {"success", "failure", "throttled"};
  reed_portal_stats_t st;

  reed_portal_stats(a->portal, &st);
  reed_prom_family(w, "reed_logins_total", "counter",
                   "Login attempts by SASL mechanism (or password outside "
                   "SASL) and result.");
  for (int m = 0; m < REED_PORTAL_METHODS; m++)
    for (int r = 0; r < REED_LOGIN_RESULTS; r++) {
      reed_prom_label_t l[] = {{"mechanism", reed_portal_method_name(m)},
                               {"result", results[r]}};
      reed_prom_sample_u64(w, "reed_logins_total", l, 2, st.logins[m][r]);
    }
  one(w, "reed_registrations_total", "counter",
      "Accounts registered by clients.", (double)st.registrations);
}

int
reed__app_metrics(void *ud, reed_buf_t **out)
{
  app_t *a = ud;
  reed_prom_t w;
  protos_t p;

  protos_init(&p, a);
  reed_prom_init(&w, out);
  process_info(&w, a);
  sessions_and_rooms(&w, a, &p);
  net_figures(&w, a);
  auth_figures(&w, a);
  reed_prom_family(&w, "reed_store_commit_seconds", "histogram",
                   "Time the store took to commit a loop turn's rows.");
  reed_prom_hist(&w, "reed_store_commit_seconds", NULL, 0,
                 reed_store_commit_times(a->store));
  return w.rc;
}
