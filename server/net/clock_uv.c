/* reed_clock_t over libuv: now_ms is uv_now (cached per loop iteration),
 * wall_ms the real-time clock, and each call_later one uv_timer_t found by
 * its id in a chained hash table, so cancel never follows a stale
 * pointer. */
#include "net_int.h"

#include <time.h>

struct reed_uvtimer_s {
  uv_timer_t t;
  reed_net_t *net;
  reed_uvtimer_t *next;
  uint64_t id;
  reed_timer_cb cb;
  void *arg;
};

static size_t
slot(const reed_timer_table_t *tt, uint64_t id)
{
  return (size_t)(id * 0x9E3779B97F4A7C15ull >> 20) & (tt->nbuckets - 1);
}

static int
table_grow(reed_timer_table_t *tt)
{
  size_t n = tt->nbuckets ? tt->nbuckets * 2 : 64;
  reed_uvtimer_t **b = reed_calloc(n, sizeof(*b));
  reed_timer_table_t nt = {.buckets = b, .nbuckets = n};

  if (b == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < tt->nbuckets; i++) {
    while (tt->buckets[i] != NULL) {
      reed_uvtimer_t *tm = tt->buckets[i];
      size_t s = slot(&nt, tm->id);
      tt->buckets[i] = tm->next;
      tm->next = b[s];
      b[s] = tm;
    }
  }
  reed_free(tt->buckets);
  tt->buckets = b;
  tt->nbuckets = n;
  return 0;
}

static reed_uvtimer_t *
table_take(reed_timer_table_t *tt, uint64_t id)
{
  reed_uvtimer_t **p;

  if (tt->nbuckets == 0)
    return NULL;
  for (p = &tt->buckets[slot(tt, id)]; *p != NULL; p = &(*p)->next) {
    if ((*p)->id == id) {
      reed_uvtimer_t *tm = *p;
      *p = tm->next;
      tt->count--;
      return tm;
    }
  }
  return NULL;
}

static void
free_timer(uv_handle_t *h)
{
  reed_free(h->data);
}

static void
on_timer(uv_timer_t *t)
{
  reed_uvtimer_t *tm = t->data;
  reed_net_t *net = tm->net;
  reed_timer_cb cb = tm->cb;
  void *arg = tm->arg;

  table_take(&net->timers, tm->id);
  uv_close((uv_handle_t *)&tm->t, free_timer);
  cb(arg);
  reed__net_wake(net);
}

static uint64_t
uvc_now(void *c)
{
  return uv_now(&((reed_net_t *)c)->loop);
}

static uint64_t
uvc_wall(void *c)
{
  struct timespec ts;

  REED_UNUSED(c);
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
uvc_call_later(void *c, uint64_t ms, reed_timer_cb cb, void *arg)
{
  reed_net_t *net = c;
  reed_timer_table_t *tt = &net->timers;
  reed_uvtimer_t *tm;
  size_t s;

  if (tt->count >= tt->nbuckets * 2 && table_grow(tt) != 0)
    return 0;
  if ((tm = reed_malloc(sizeof(*tm))) == NULL)
    return 0;
  *tm = (reed_uvtimer_t){.net = net, .id = ++tt->next_id, .cb = cb, .arg = arg};
  uv_timer_init(&net->loop, &tm->t);
  tm->t.data = tm;
  s = slot(tt, tm->id);
  tm->next = tt->buckets[s];
  tt->buckets[s] = tm;
  tt->count++;
  uv_timer_start(&tm->t, on_timer, ms, 0);
  return tm->id;
}

static void
uvc_cancel(void *c, uint64_t id)
{
  reed_net_t *net = c;
  reed_uvtimer_t *tm = table_take(&net->timers, id);

  if (tm == NULL)
    return;
  uv_timer_stop(&tm->t);
  uv_close((uv_handle_t *)&tm->t, free_timer);
}

void
reed__clock_init(reed_net_t *net)
{
  net->clock = (reed_clock_t){
      .now_ms = uvc_now,
      .wall_ms = uvc_wall,
      .call_later = uvc_call_later,
      .cancel = uvc_cancel,
      .c = net,
  };
}

void
reed__clock_close_all(reed_net_t *net)
{
  reed_timer_table_t *tt = &net->timers;

  for (size_t i = 0; i < tt->nbuckets; i++) {
    while (tt->buckets[i] != NULL) {
      reed_uvtimer_t *tm = tt->buckets[i];
      tt->buckets[i] = tm->next;
      uv_close((uv_handle_t *)&tm->t, free_timer);
    }
  }
  reed_free(tt->buckets);
  *tt = (reed_timer_table_t){.next_id = tt->next_id};
}
