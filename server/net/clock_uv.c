/* reed_clock_t over libuv: now_ms is uv_now (cached per loop iteration),
 * wall_ms the real-time clock. call_later makes a small entry, found by its
 * id in a chained hash table (so cancel never follows a stale pointer) and
 * ordered by (due, id) in a binary heap; one uv_timer_t is armed for the
 * earliest, so timers that fall due together run in the order they were
 * made, as separate libuv timers did. */
#include "net_int.h"

#include <time.h>

struct reed_uvtimer_s {
  reed_uvtimer_t *next; /* hash chain */
  uint64_t id, due;
  size_t pos; /* index in the heap */
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

  if (b == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < tt->nbuckets; i++) {
    while (tt->buckets[i] != NULL) {
      reed_uvtimer_t *tm = tt->buckets[i];
      size_t s = (size_t)(tm->id * 0x9E3779B97F4A7C15ull >> 20) & (n - 1);
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

/* Unlinks the entry with that id from the hash table; NULL if none. */
static reed_uvtimer_t *
table_unlink(reed_timer_table_t *tt, uint64_t id)
{
  reed_uvtimer_t **p;

  if (tt->nbuckets == 0)
    return NULL;
  for (p = &tt->buckets[slot(tt, id)]; *p != NULL; p = &(*p)->next) {
    if ((*p)->id == id) {
      reed_uvtimer_t *tm = *p;
      *p = tm->next;
      return tm;
    }
  }
  return NULL;
}

/* ---- The heap ------------------------------------------------------------
 */
static bool
earlier(const reed_uvtimer_t *a, const reed_uvtimer_t *b)
{
  return a->due < b->due || (a->due == b->due && a->id < b->id);
}

static void
heap_set(reed_timer_table_t *tt, size_t i, reed_uvtimer_t *tm)
{
  tt->heap[i] = tm;
  tm->pos = i;
}

static void
heap_up(reed_timer_table_t *tt, size_t i)
{
  reed_uvtimer_t *tm = tt->heap[i];

  while (i > 0 && earlier(tm, tt->heap[(i - 1) / 2])) {
    heap_set(tt, i, tt->heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  heap_set(tt, i, tm);
}

static void
heap_down(reed_timer_table_t *tt, size_t i)
{
  reed_uvtimer_t *tm = tt->heap[i];

  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= tt->count)
      break;
    if (c + 1 < tt->count && earlier(tt->heap[c + 1], tt->heap[c]))
      c++;
    if (!earlier(tt->heap[c], tm))
      break;
    heap_set(tt, i, tt->heap[c]);
    i = c;
  }
  heap_set(tt, i, tm);
}

/* Room for one more entry in the heap and, at the usual load, the table. */
static int
reserve(reed_timer_table_t *tt)
{
  if (tt->count >= tt->nbuckets * 2 && table_grow(tt) != 0)
    return REED_ENOMEM;
  if (tt->count == tt->heap_cap) {
    size_t cap = tt->heap_cap ? tt->heap_cap * 2 : 64;
    reed_uvtimer_t **h = reed_realloc(tt->heap, cap * sizeof(*h));
    if (h == NULL)
      return REED_ENOMEM;
    tt->heap = h;
    tt->heap_cap = cap;
  }
  return 0;
}

/* Takes an entry out of the heap (it is already out of the table). */
static void
heap_remove(reed_timer_table_t *tt, reed_uvtimer_t *tm)
{
  size_t i = tm->pos;
  reed_uvtimer_t *last = tt->heap[--tt->count];

  if (i == tt->count)
    return;
  heap_set(tt, i, last);
  if (i > 0 && earlier(last, tt->heap[(i - 1) / 2]))
    heap_up(tt, i);
  else
    heap_down(tt, i);
}

/* Shrinks the heap's storage once it is mostly empty, so a burst of
 * timers does not stay allocated. */
static void
heap_trim(reed_timer_table_t *tt)
{
  reed_uvtimer_t **h;
  size_t cap = tt->heap_cap / 2;

  if (tt->count == 0) {
    reed_free(tt->heap);
    tt->heap = NULL;
    tt->heap_cap = 0;
    return;
  }
  if (tt->heap_cap <= 64 || tt->count * 4 > tt->heap_cap)
    return;
  if ((h = reed_realloc(tt->heap, cap * sizeof(*h))) != NULL) {
    tt->heap = h;
    tt->heap_cap = cap;
  }
}

/* ---- libuv ---------------------------------------------------------------
 */
static void on_uv_timer(uv_timer_t *t);

/* Arms the one uv timer for the earliest entry, or stops it. */
static void
arm(reed_net_t *net)
{
  reed_timer_table_t *tt = &net->timers;
  uint64_t now = uv_now(&net->loop);

  if (tt->count == 0) {
    uv_timer_stop(&tt->uv);
    return;
  }
  uv_timer_start(&tt->uv, on_uv_timer,
                 tt->heap[0]->due > now ? tt->heap[0]->due - now : 0, 0);
}

/* Runs the entries that are due, in order. Entries made meanwhile (even
 * with no delay) wait for the next pass, as libuv timers started from a
 * timer callback do, so a timer that re-arms itself cannot spin here. */
static void
on_uv_timer(uv_timer_t *t)
{
  reed_net_t *net = t->data;
  reed_timer_table_t *tt = &net->timers;
  uint64_t now = uv_now(&net->loop), last_id = tt->next_id;

  /* The loop's lag: how late the earliest due entry runs (one sample a
   * pass, so a burst of due timers costs one). */
  if (tt->count > 0 && tt->heap[0]->due <= now)
    reed_hist_observe(&net->loop_lag, (double)(now - tt->heap[0]->due) / 1e3);
  while (tt->count > 0 && tt->heap[0]->due <= now &&
         tt->heap[0]->id <= last_id) {
    reed_uvtimer_t *tm = tt->heap[0];
    reed_timer_cb cb = tm->cb;
    void *arg = tm->arg;
    table_unlink(tt, tm->id);
    heap_remove(tt, tm);
    reed_free(tm);
    cb(arg);
  }
  heap_trim(tt);
  if (!tt->closed)
    arm(net);
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
  uint64_t now = uv_now(&net->loop);
  reed_uvtimer_t *tm;
  size_t s;

  if (tt->closed || reserve(tt) != 0)
    return 0;
  if ((tm = reed_malloc(sizeof(*tm))) == NULL)
    return 0;
  *tm = (reed_uvtimer_t){
      .id = ++tt->next_id,
      .due = ms < UINT64_MAX - now ? now + ms : UINT64_MAX,
      .cb = cb,
      .arg = arg,
  };
  s = slot(tt, tm->id);
  tm->next = tt->buckets[s];
  tt->buckets[s] = tm;
  tt->heap[tt->count++] = tm;
  heap_up(tt, tt->count - 1);
  if (tt->heap[0] == tm)
    arm(net);
  return tm->id;
}

static void
uvc_cancel(void *c, uint64_t id)
{
  reed_net_t *net = c;
  reed_timer_table_t *tt = &net->timers;
  reed_uvtimer_t *tm = table_unlink(tt, id);
  bool first;

  if (tm == NULL)
    return;
  first = tm->pos == 0;
  heap_remove(tt, tm);
  reed_free(tm);
  heap_trim(tt);
  if (first && !tt->closed)
    arm(net);
}

/* Loop lag buckets, in seconds: uv_now counts whole milliseconds, so the
 * first bucket holds the timers that ran on time. */
static const double lag_bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05,
                                    0.1,   0.25,  0.5,  1,     2.5};

void
reed__clock_init(reed_net_t *net)
{
  reed_hist_init(&net->loop_lag, lag_bounds, REED_ARRAY_SIZE(lag_bounds));
  net->clock = (reed_clock_t){
      .now_ms = uvc_now,
      .wall_ms = uvc_wall,
      .call_later = uvc_call_later,
      .cancel = uvc_cancel,
      .c = net,
  };
  uv_timer_init(&net->loop, &net->timers.uv);
  net->timers.uv.data = net;
}

/* Frees every pending timer; the uv timer itself is one of the net's
 * embedded handles, closed with them. */
void
reed__clock_close_all(reed_net_t *net)
{
  reed_timer_table_t *tt = &net->timers;

  uv_timer_stop(&tt->uv);
  for (size_t i = 0; i < tt->count; i++)
    reed_free(tt->heap[i]);
  reed_free(tt->heap);
  reed_free(tt->buckets);
  tt->heap = tt->buckets = NULL;
  tt->heap_cap = tt->nbuckets = tt->count = 0;
  tt->closed = true;
}
