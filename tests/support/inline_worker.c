#include "inline_worker.h"

#include <stdlib.h>
#include <string.h>

static int
submit(void *w, void (*work)(void *), void (*done)(void *, int), void *arg)
{
  inline_worker_t *iw = w;
  iw_job_t *j, **pp;

  if (!iw->deferred) {
    work(arg);
    done(arg, 0);
    return 0;
  }
  j = malloc(sizeof(*j));
  if (j == NULL)
    return REED_ENOMEM;
  j->work = work;
  j->done = done;
  j->arg = arg;
  j->next = NULL;
  for (pp = &iw->jobs; *pp; pp = &(*pp)->next)
    ;
  *pp = j;
  return 0;
}

void
iw_init(inline_worker_t *iw, int deferred)
{
  memset(iw, 0, sizeof(*iw));
  iw->deferred = deferred;
  iw->worker.submit = submit;
  iw->worker.w = iw;
}

int
iw_run(inline_worker_t *iw)
{
  int n = 0;

  while (iw->jobs) {
    iw_job_t *j = iw->jobs;
    iw->jobs = j->next;
    j->work(j->arg);
    j->done(j->arg, 0);
    free(j);
    n++;
  }
  return n;
}

size_t
iw_pending(const inline_worker_t *iw)
{
  size_t n = 0;

  for (const iw_job_t *j = iw->jobs; j; j = j->next)
    n++;
  return n;
}
