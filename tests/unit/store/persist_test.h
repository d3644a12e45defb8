/* A store attached to a real model on a fake clock, for the persistence
 * and crash tests. */
#ifndef REED_TEST_PERSIST_TEST_H
#define REED_TEST_PERSIST_TEST_H

#include "fake_clock.h"
#include "model.h"
#include "store_test.h"

typedef struct {
  store_fixture_t f;
  fake_clock_t fc;
  reed_model_t *m;
  reed_store_t *st;
  size_t room_history, private_history; /* model rings (0: default) */
  size_t keep_room, keep_private;       /* store bounds (0: default) */
  size_t max_dormant;                   /* model's dormant rooms (0: default) */
} pf_t;

/* Opens the store, makes a model and attaches (asserting success). */
void pf_start(pf_t *p);
/* Commits, frees the model and closes the store. */
void pf_stop(pf_t *p);
/* pf_stop then pf_start on the same database. */
void pf_restart(pf_t *p);
/* A session with `nick` (logged in to `account` when not NULL; the account
 * is created in the store and the model if needed). */
reed_session_t *pf_session(pf_t *p, const char *nick, const char *account);

/* sf_init, pf_start, and Alice (account alice) in room Chat. */
reed_session_t *pf_start_in_chat(pf_t *p);
/* The first column of `sql`'s first row, read through a second connection
 * to the database file as another process would see it (-1: no row). */
long long pf_count(pf_t *p, const char *sql);
/* Whether message `id` is in the database file. */
bool pf_stored(pf_t *p, uint64_t id);

#endif
