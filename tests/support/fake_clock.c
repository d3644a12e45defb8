#include "fake_clock.h"

#include <stdlib.h>
#include <string.h>

static uint64_t
now_ms(void *c)
{
  return ((fake_clock_t *)c)->now;
}

static uint64_t
wall_ms(void *c)
{
  fake_clock_t *fc = c;
  return fc->wall_base + fc->now;
}

static uint64_t
call_later(void *c, uint64_t ms, reed_timer_cb cb, void *arg)
{
  fake_clock_t *fc = c;
  fc_timer_t *t = malloc(sizeof(*t)), **pp;

  if (t == NULL)
    return 0;
  t->id = ++fc->next_id;
  t->due = fc->now + ms;
  t->cb = cb;
  t->arg = arg;
  /* Keep the list sorted by (due, id); ids grow, so insert after equals. */
  for (pp = &fc->timers; *pp && (*pp)->due <= t->due; pp = &(*pp)->next)
    ;
  t->next = *pp;
  *pp = t;
  return t->id;
}

static void
cancel(void *c, uint64_t id)
{
  fake_clock_t *fc = c;

  for (fc_timer_t **pp = &fc->timers; *pp; pp = &(*pp)->next) {
    if ((*pp)->id == id) {
      fc_timer_t *t = *pp;
      *pp = t->next;
      free(t);
      return;
    }
  }
}

void
fc_init(fake_clock_t *fc)
{
  memset(fc, 0, sizeof(*fc));
  fc->now = 1000;
  fc->wall_base = 1700000000000ull; /* 2023-11-14T22:13:20Z */
  fc->clock.now_ms = now_ms;
  fc->clock.wall_ms = wall_ms;
  fc->clock.call_later = call_later;
  fc->clock.cancel = cancel;
  fc->clock.c = fc;
}

void
fc_advance(fake_clock_t *fc, uint64_t ms)
{
  uint64_t end = fc->now + ms;

  while (fc->timers && fc->timers->due <= end) {
    fc_timer_t *t = fc->timers;
    fc->timers = t->next;
    fc->now = t->due;
    t->cb(t->arg);
    free(t);
  }
  fc->now = end;
}

size_t
fc_pending(const fake_clock_t *fc)
{
  size_t n = 0;

  for (const fc_timer_t *t = fc->timers; t; t = t->next)
    n++;
  return n;
}

void
fc_cleanup(fake_clock_t *fc)
{
  while (fc->timers) {
    fc_timer_t *t = fc->timers;
    fc->timers = t->next;
    free(t);
  }
}
