/* A reed_worker_t for tests. Immediate mode runs work and done inside
 * submit; deferred mode queues jobs until iw_run, so tests can check what
 * happens while a hash is "in flight". */
#ifndef REED_TEST_INLINE_WORKER_H
#define REED_TEST_INLINE_WORKER_H

#include "base.h"

typedef struct iw_job_s {
  void (*work)(void *);
  void (*done)(void *, int);
  void *arg;
  struct iw_job_s *next;
} iw_job_t;

typedef struct {
  reed_worker_t worker;
  int deferred;
  iw_job_t *jobs;
} inline_worker_t;

void iw_init(inline_worker_t *iw, int deferred);
/* Runs queued jobs in submit order, including ones submitted meanwhile;
 * returns how many ran. */
int iw_run(inline_worker_t *iw);
size_t iw_pending(const inline_worker_t *iw);

#endif
