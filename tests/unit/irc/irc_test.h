/* The IRC core's tests in the protocol world (tests/support/world.h): the
 * world runs reed_irc_module with the default [irc] config (server name
 * "irc.test"); clients are numbered 0..ITW_CLIENTS-1 and their transports,
 * cores and the config keep the fields the tests read. Scenarios run once
 * per chunk size (whole, 1, 2, 3 and 7 bytes) and must give identical
 * output every time. */
#ifndef REED_TEST_IRC_H
#define REED_TEST_IRC_H

#include "irc_int.h"
#include "world.h"

#define ITW_CLIENTS 4

typedef struct {
  fake_clock_t fc;
  inline_worker_t iw;
  reed_model_t *model;
  reed_irc_conf_t conf;
  fake_transport_t ft[ITW_CLIENTS];
  void *core[ITW_CLIENTS]; /* the clients' cores, NULL when not connected */
  const void *server_conf; /* reed_server_conf_t for new clients, or NULL */
  struct reed_portal_s *portal; /* itw_portal */
  tw_t tw;
  tw_client_t cl[ITW_CLIENTS];
} itw_t;

typedef void (*itw_scenario_fn)(itw_t *w);

/* Model, clock and the default [irc] config (server name "irc.test"), fed
 * `chunk` bytes at a time (0: whole). */
void itw_init(itw_t *w, size_t chunk);
void itw_connect(itw_t *w, int i);
/* Feeds `text` in the world's chunk size, letting the clock run while the
 * core holds input back (fakelag). */
void itw_feed(itw_t *w, int i, const char *text);
/* Output of client i since the last take (also kept in the transcript). */
const char *itw_take(itw_t *w, int i);
/* Connects and registers with NICK and USER; drops the welcome burst. */
void itw_register(itw_t *w, int i, const char *nick);
/* Gives new connections a portal over the world's credential source with
 * one account, Alice / pencil, whose certificate fingerprint is 64 'a's
 * (the account is not in the model until its first login, as for an
 * account added with `reed account add`). The worker is deferred when
 * `deferred`: hashes run when the feed helper lets time pass. */
void itw_portal(itw_t *w, int deferred);

/* Frees one client's core (the net layer's conn_free). */
void itw_drop(itw_t *w, int i);
/* Frees everything and asserts nothing is left: no model objects, no
 * timers, no allocations. */
void itw_finish(itw_t *w);
/* Runs `scenario` at every chunk size and compares the transcripts. */
void itw_run_chunked(itw_scenario_fn scenario);

#define ITW_EXPECT(w, i, lines) ASSERT_LINES(itw_take((w), (i)), (lines))

#endif
