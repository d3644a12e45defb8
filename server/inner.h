/* The host's inner cores (proto.h's reed_inner_ops_t): a protocol module's
 * core running on a transport another module provides, IRC or XMPP over
 * the HTTP module's WebSocket. No protocol links another: the HTTP module
 * reaches them through env->host->inner, and server/host.c points that at
 * these functions.
 *
 * An inner core is a session of its module like a TCP connection's: its
 * env carries that module's config and module state, the model, portal,
 * store, clock, worker, log and host, a fresh connection id, the caller's
 * transport (whose peer() gives the client's real address) and the
 * framing. It counts in reed_inner_count (so the host's connections of
 * IRC include IRC over WebSocket), takes a per-address slot through
 * `admit` (the connect rate and max_per_ip under the client's address,
 * unless its carrier already holds that address's slot), is repointed
 * at a new config by reed_inner_reload as net's connections are, gets
 * shutdown through its carrier (SIGTERM reaches the carrier, which passes
 * it on) and is freed with the carrier's connection. */
#ifndef REED_INNER_H
#define REED_INNER_H

#include "proto.h"

#include "modhost.h"

/* What the host gives every inner core; set before the first open. */
typedef struct reed_inner_host_s {
  reed_model_t *model;
  reed_portal_t *portal;
  reed_store_t *store;
  reed_clock_t *clock;
  reed_worker_t *worker;
  reed_log_t *log;
  const reed_host_t *host;
  const reed_config_t *cfg;      /* the config in force (reload changes it) */
  const reed_modhost_t *modules; /* module state by module */
  const reed_protocol_module_t *const *table; /* NULL-terminated */
  /* Per-address admission (net.h's reed_net_admit and _release): 1 not
   * counted, 0 counted (release later), < 0 refused. NULL: none. */
  int (*admit)(void *ud, const char *ip);
  void (*release)(void *ud, const char *ip);
  uint64_t (*next_conn_id)(void *ud);
  void *ud;
  reed_inner_t *open; /* the open inner cores */
} reed_inner_host_t;

/* reed_inner_ops_t's open, for a host whose ud leads to `h`: NULL when
 * the module is unknown or not enabled, the address is refused, or
 * memory or the module's conn_new fails. */
reed_inner_t *reed_inner_open(reed_inner_host_t *h, const char *module,
                              const reed_transport_t *transport,
                              unsigned framing);
ssize_t reed_inner_feed(reed_inner_t *in, const uint8_t *p, size_t len);
void reed_inner_eof(reed_inner_t *in, const char *reason);
void reed_inner_shutdown(reed_inner_t *in, int why);
void reed_inner_free(reed_inner_t *in);

/* Open inner cores of `module`. */
size_t reed_inner_count(const reed_inner_host_t *h, const char *module);
/* After a reload: every inner core's conf and server_conf from `cfg`. */
void reed_inner_reload(reed_inner_host_t *h, const reed_config_t *cfg);

#endif
