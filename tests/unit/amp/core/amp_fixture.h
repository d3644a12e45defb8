/* A world for AMP core tests: the real model and portal between a fake
 * clock, an inline worker and fake transports (tests/support/world.h).
 * Clients speak AMP through the same codec (it is symmetric), so every
 * assertion reads real boxes. */
#ifndef REED_TEST_AMP_FIXTURE_H
#define REED_TEST_AMP_FIXTURE_H

#include "auth.h"
#include "amp.h"
#include "amp_int.h"
#include "model.h"
#include "world.h"

/* The world running reed_amp_module with a portal; the clock, the worker
 * and the [amp] config live here (lent to tw), so tests read w.fc, w.conf. */
typedef struct world_s {
  fake_clock_t fc;
  inline_worker_t iw;
  reed_model_t *model;
  reed_portal_t *portal;
  reed_amp_conf_t conf;
  tw_t tw;
} world_t;

/* A received box, copied out of the decoder. */
typedef struct {
  size_t n;
  char *k[REED_AMP_MAX_PAIRS];
  char *v[REED_AMP_MAX_PAIRS];
  size_t vlen[REED_AMP_MAX_PAIRS];
} tbox_t;

typedef struct client_s {
  world_t *w;
  fake_transport_t ft; /* lent to cl */
  void *core;          /* cl.core */
  tw_client_t cl;
  reed_amp_decoder_t dec;
  size_t seen; /* bytes of ft.out already decoded */
  unsigned tag;
  char last_tag[16];
} client_t;

void world_init(world_t *w, int deferred_worker);
/* The same with a SQLite store in a temp dir (w->tw.store): operator
 * accounts and stored server bans. */
void world_init_store(world_t *w);
/* Frees the portal and model and asserts nothing is left (tw_free). */
void world_free(world_t *w);
/* An account in the credential source and in the model. */
void world_account(world_t *w, const char *name, const char *password);

void cl_open(world_t *w, client_t *cl);
/* Peer gone (eof) then conn_free. */
void cl_close(client_t *cl);
/* Feeds bytes as net would: in the world's chunk size, holding what a
 * paused core leaves. */
ssize_t cl_feed(client_t *cl, const void *bytes, size_t len);
/* Runs the worker's queued jobs and refeeds held input. */
void cl_resume(client_t *cl);
/* Encodes a command box: key, value pairs up to NULL. `ask` adds an _ask
 * tag (remembered as last_tag). Appends to *out. */
void cl_build(client_t *cl, reed_buf_t **out, bool ask, const char *cmd, ...);
/* Builds and feeds one command with _ask. */
void cl_send(client_t *cl, const char *cmd, ...);
void cl_send_noask(client_t *cl, const char *cmd, ...);
/* Next box the server wrote; 0 when none. */
int cl_recv(client_t *cl, tbox_t *tb);
void tb_free(tbox_t *tb);
const char *tb_get(const tbox_t *tb, const char *key);

/* Logs in (asserting success) with the default nick or `nick`. */
void cl_login(client_t *cl, const char *user, const char *pw, const char *nick);
/* Joins (asserting success) and drops the answer. */
void cl_join(client_t *cl, const char *room);

/* Assertions on the next box. The returned box must be tb_free'd. */
void expect_answer_(client_t *cl, tbox_t *tb, const char *file, int line);
void expect_error_(client_t *cl, const char *code, const char *file, int line);
void expect_event_(client_t *cl, const char *cmd, tbox_t *tb, const char *file,
                   int line);
void expect_none_(client_t *cl, const char *file, int line);
#define expect_answer(cl, tb) expect_answer_(cl, tb, __FILE__, __LINE__)
#define expect_error(cl, code) expect_error_(cl, code, __FILE__, __LINE__)
#define expect_event(cl, cmd, tb) expect_event_(cl, cmd, tb, __FILE__, __LINE__)
#define expect_none(cl) expect_none_(cl, __FILE__, __LINE__)
#define ASSERT_KEY(tb, key, val) ASSERT_STR_EQ(tb_get(tb, key), val)
#define ASSERT_NO_KEY(tb, key) ASSERT(tb_get(tb, key) == NULL)

/* Runs fn once per chunk size (whole, 1, 2, 3, 7 bytes) and compares what
 * every client received (tw_run_chunked). */
void run_chunked(void (*fn)(void));

/* The elements of the ListOf(Unicode) value `key`, comma-joined. */
void list_join(const tbox_t *tb, const char *key, char *out, size_t n);
/* Field `field` of each box of the AmpList value `key`, comma-joined
 * ("-" where a box lacks it). */
void amplist_join(const tbox_t *tb, const char *key, const char *field,
                  char *out, size_t n);

/* Two logged-in clients, alice and bob, both in `lobby` (alice first). */
typedef struct {
  world_t w;
  client_t a, b;
} pair_t;
void pair_init(pair_t *p);
void pair_free(pair_t *p);

/* The model session behind a nick. */
reed_session_t *session_of(world_t *w, const char *nick);

#endif
