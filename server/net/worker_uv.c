/* reed_worker_t over uv_queue_work: `work` runs on libuv's thread pool and
 * touches only its argument; `done` runs on the loop afterwards. The net
 * counts jobs in flight so reed_net_run returns only after the last one. */
#include "net_int.h"

typedef struct reed_uvjob_s {
  uv_work_t req;
  reed_net_t *net;
  void (*work)(void *arg);
  void (*done)(void *arg, int status);
  void *arg;
} reed_uvjob_t;

static void
on_work(uv_work_t *req)
{
  reed_uvjob_t *j = req->data;

  j->work(j->arg);
}

static void
on_after_work(uv_work_t *req, int status)
{
  reed_uvjob_t *j = req->data;
  reed_net_t *net = j->net;

  net->workers_pending--;
  j->done(j->arg, status == UV_ECANCELED ? REED_ECLOSED : 0);
  reed_free(j);
  reed__net_wake(net);
}

static int
uvw_submit(void *w, void (*work)(void *), void (*done)(void *, int), void *arg)
{
  reed_net_t *net = w;
  reed_uvjob_t *j = reed_malloc(sizeof(*j));

  if (j == NULL)
    return REED_ENOMEM;
  *j = (reed_uvjob_t){.net = net, .work = work, .done = done, .arg = arg};
  j->req.data = j;
  if (uv_queue_work(&net->loop, &j->req, on_work, on_after_work) != 0) {
    reed_free(j);
    return REED_ENOMEM;
  }
  net->workers_pending++;
  return 0;
}

void
reed__worker_init(reed_net_t *net)
{
  net->worker = (reed_worker_t){.submit = uvw_submit, .w = net};
}
