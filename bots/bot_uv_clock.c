/* reed_clock_t on libuv: now is uv_now (cached per loop turn), wall time
 * uv_gettimeofday, and each call_later a uv_timer handle, closed when it
 * fires or is cancelled; the owner hears of every close. */
#include "bot_uv_clock.h"

struct reed__bot_uv_timer_s {
  uv_timer_t h;
  uint64_t id;
  reed_timer_cb cb;
  void *arg;
  reed__bot_uv_clock_t *c;
  struct reed__bot_uv_timer_s *next;
};

static uint64_t
clk_now(void *c)
{
  return uv_now(((reed__bot_uv_clock_t *)c)->loop);
}

static uint64_t
clk_wall(void *c)
{
  uv_timeval64_t tv;

  REED_UNUSED(c);
  if (uv_gettimeofday(&tv) != 0)
    return 0;
  return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static void
timer_closed(uv_handle_t *h)
{
  reed__bot_uv_timer_t *t = h->data;
  reed__bot_uv_clock_t *c = t->c;

  reed_free(t);
  c->open--;
  c->closed(c->owner);
}

static void
timer_unlink_close(reed__bot_uv_timer_t *t)
{
  reed__bot_uv_timer_t **pp = &t->c->timers;

  while (*pp && *pp != t)
    pp = &(*pp)->next;
  if (*pp)
    *pp = t->next;
  uv_timer_stop(&t->h);
  uv_close((uv_handle_t *)&t->h, timer_closed);
}

static void
timer_fired(uv_timer_t *h)
{
  reed__bot_uv_timer_t *t = h->data;

  timer_unlink_close(t);
  t->cb(t->arg);
}

static uint64_t
clk_call_later(void *cv, uint64_t ms, reed_timer_cb cb, void *arg)
{
  reed__bot_uv_clock_t *c = cv;
  reed__bot_uv_timer_t *t = reed_calloc(1, sizeof(*t));

  if (t == NULL)
    return 0;
  *t = (reed__bot_uv_timer_t){.id = ++c->next_id, .cb = cb, .arg = arg, .c = c};
  uv_timer_init(c->loop, &t->h);
  t->h.data = t;
  c->open++;
  uv_timer_start(&t->h, timer_fired, ms, 0);
  t->next = c->timers;
  c->timers = t;
  return t->id;
}

static void
clk_cancel(void *cv, uint64_t id)
{
  reed__bot_uv_clock_t *c = cv;

  for (reed__bot_uv_timer_t *t = c->timers; t; t = t->next) {
    if (t->id == id) {
      timer_unlink_close(t);
      return;
    }
  }
}

void
reed__bot_uv_clock_init(reed__bot_uv_clock_t *c, uv_loop_t *loop,
                        void (*closed)(void *owner), void *owner)
{
  *c = (reed__bot_uv_clock_t){
      .clock = {.now_ms = clk_now,
                .wall_ms = clk_wall,
                .call_later = clk_call_later,
                .cancel = clk_cancel,
                .c = c},
      .loop = loop,
      .closed = closed,
      .owner = owner,
  };
}
