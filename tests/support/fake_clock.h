/* A fake reed_clock_t: time moves only when a test calls fc_advance, which
 * fires due callbacks in (deadline, start order), including ones scheduled
 * inside the window (libuv's start_id rule). */
#ifndef REED_TEST_FAKE_CLOCK_H
#define REED_TEST_FAKE_CLOCK_H

#include "base.h"

typedef struct fc_timer_s {
  uint64_t id, due;
  reed_timer_cb cb;
  void *arg;
  struct fc_timer_s *next;
} fc_timer_t;

typedef struct {
  reed_clock_t clock; /* hand &fc.clock to the code under test */
  uint64_t now, wall_base, next_id;
  fc_timer_t *timers;
} fake_clock_t;

void fc_init(fake_clock_t *fc);
void fc_advance(fake_clock_t *fc, uint64_t ms);
size_t fc_pending(const fake_clock_t *fc);
void fc_cleanup(fake_clock_t *fc);

#endif
