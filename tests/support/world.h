/* The protocol world: what a protocol core's unit tests run in, for any
 * reed_protocol_module_t. The real model (and, when asked, a portal over
 * the in-memory credential source and a SQLite store in a temp dir) between
 * a fake clock, an inline worker and one fake transport per client; every test
 * ends by asserting nothing is left (no model object, timer, job or
 * allocation).
 *
 *   tw_t *w = tw_new(&(tw_opts_t){.module = &reed_xmpp_module,
 *                                 .portal = true});
 *   tw_account(w, "alice", "pw");
 *   tw_client_t *a = tw_client(w, "alice");
 *   tw_send(a, "<stream:stream ...>");
 *   tw_expect(a, "<stream:features>...");
 *   tw_free(w);
 *
 * and a scenario `void sc(void *arg)` doing the same runs as
 * tw_run_chunked(sc, arg). Input goes to the core in the world's chunk size, so
 * a scenario run by tw_run_chunked is fed whole and 1, 2, 3 and 7 bytes at a
 * time; every byte each client received (cut where the test took it) and every
 * close reason goes to a transcript, and the transcripts of all runs must be
 * identical (the feed contract: input split at any byte gives identical
 * results).
 *
 * Fixtures with typed fields of their own (irc_test.h, amp_fixture.h) lend
 * the world their storage for the clock, the worker, the module config and
 * each client's transport; the world initializes and cleans up lent storage
 * as its own. */
#ifndef REED_TEST_WORLD_H
#define REED_TEST_WORLD_H

#include "proto.h"
#include "fake_clock.h"
#include "fake_transport.h"
#include "harness.h"
#include "inline_worker.h"
#include "memsrc.h"

typedef struct tw_s tw_t;
typedef struct tw_client_s tw_client_t;

typedef struct tw_opts_s {
  const reed_protocol_module_t *module;
  const char *server_name; /* the model's; "reed.test" when NULL */
  bool portal;             /* a portal over w->mem now (else tw_portal) */
  bool deferred_worker;    /* jobs wait for iw_run or tw_resume */
  bool store; /* a SQLite store in a fresh temp dir, attached to the model */
  /* Called when a core holds input back (returns less than it was fed),
   * before the rest is fed again: a fixture lets time pass there (IRC's
   * fakelag). NULL: the rest waits in the client until tw_resume. */
  void (*on_pause)(tw_t *w);
  void *conf;       /* lent module config (module->conf_size bytes), or NULL */
  fake_clock_t *fc; /* lent, or NULL */
  inline_worker_t *iw; /* lent, or NULL */
} tw_opts_t;

struct tw_client_s {
  tw_t *w;
  char name[32];        /* the transcript's label */
  fake_transport_t *ft; /* own_ft, or lent by a fixture */
  reed_proto_env_t env; /* the core keeps a pointer to it */
  void *core;           /* NULL once dropped */
  uint8_t *held;        /* input the core has not taken yet, in order */
  size_t held_len;
  tw_client_t *next; /* the world's clients, newest first */
  bool heap;         /* allocated by tw_client */
  fake_transport_t own_ft;
};

struct tw_s {
  const reed_protocol_module_t *module;
  fake_clock_t *fc;
  inline_worker_t *iw;
  reed_model_t *model;
  reed_portal_t *portal; /* NULL unless asked for */
  reed_store_t *store;   /* NULL unless asked for */
  memsrc_t mem;          /* the portal's accounts */
  reed_credsrc_t src;
  reed_log_t log;          /* quiet below errors */
  void *conf;              /* the module's config, defaults applied */
  const void *server_conf; /* reed_server_conf_t for new clients, or NULL */
  const reed_host_t *host; /* env->host of new clients, or NULL */
  const char *role;        /* env->role of new clients (a listener's) */
  unsigned framing;        /* env->framing of new clients (REED_FRAMING_*) */
  /* The module's migrations (with a store) and init ran with menv, as
   * the host runs them; clients get its state, and tw_free runs its
   * cleanup. */
  reed_module_env_t menv;
  void *module_state;
  size_t chunk; /* bytes per feed call, 0 for whole sends */
  void (*on_pause)(tw_t *w);
  tw_client_t *clients;
  uint64_t next_conn;
  char *transcript;
  size_t tlen, tcap;
  char store_dir[64];
  bool heap, own_conf;
  fake_clock_t own_fc;
  inline_worker_t own_iw;
};

/* Builds a world in `w` (tw_init) or on the heap (tw_new). The chunk size
 * is the running tw_run_chunked pass's, 0 outside one. */
void tw_init(tw_t *w, const tw_opts_t *opts);
tw_t *tw_new(const tw_opts_t *opts);
/* Drops every client still open, runs the worker's jobs, frees the portal,
 * the store (and its temp dir) and the model and asserts nothing is left: no
 * model object, no timer, no job, no allocation. Hands the transcript to the
 * running pass. */
void tw_free(tw_t *w);

/* Ends the loop turn as net does: the store commits the turn's rows.
 * tw_send_bytes and tw_resume end theirs; a test that calls the model or
 * the clock directly calls this before it reads the database. */
void tw_turn_end(tw_t *w);
/* Creates the portal (registration open, minimum hash cost) over w->mem;
 * clients opened afterwards get it. */
void tw_portal(tw_t *w);
/* Adds an account to the credential source (not to the model: as for an
 * account made with `reed account add`, the model learns it at login). */
void tw_account(tw_t *w, const char *name, const char *password);

/* Opens a client in the caller's storage `c`, which stays in the world's
 * list until tw_free and must live that long: a fresh transport (`ft`
 * lent, or the client's own), then the module's conn_new (which may write
 * a greeting). Returns conn_new's result; on failure the client is not in
 * the world. */
int tw_open(tw_t *w, tw_client_t *c, const char *name, fake_transport_t *ft);
/* tw_open on a client the world allocates, asserting success. */
tw_client_t *tw_client(tw_t *w, const char *name);
/* Gives the core `len` bytes in the world's chunk size, as net would:
 * input the core holds back stays in the client (see on_pause). Returns
 * the first negative feed result (net closes; the rest is dropped), or 0. */
ssize_t tw_send_bytes(tw_client_t *c, const void *bytes, size_t len);
ssize_t tw_send(tw_client_t *c, const char *text);
/* Runs the worker's queued jobs, then feeds held input again unless the
 * core still pauses reading. */
void tw_resume(tw_client_t *c);
/* Output since the last take, NUL-terminated, valid until the client is
 * written to again; also appended to the transcript. */
const char *tw_take(tw_client_t *c);
/* Asserts the output since the last take is `lines` ("\n"-separated;
 * CRLF or LF on the wire). */
#define tw_expect(c, lines) ASSERT_LINES(tw_take(c), (lines))
/* The module's eof: the peer is gone (the core quits its session). */
void tw_eof(tw_client_t *c, const char *reason);
/* Frees the core as net does (conn_free), after taking what is left of its
 * output and its close reason into the transcript. Idempotent. */
void tw_drop(tw_client_t *c);

/* Runs `scenario(arg)` once whole and once at each of 1, 2, 3 and 7 bytes
 * per feed (the worlds it builds take that chunk size) and fails unless
 * every pass leaves the same transcripts. */
void tw_run_chunked(void (*scenario)(void *arg), void *arg);
/* The running pass's chunk size; 0 outside tw_run_chunked. */
size_t tw_chunk(void);

#endif
