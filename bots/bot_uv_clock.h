/* Internal to bots/: reed_clock_t on libuv timers, for the networked
 * transports' adapters (bot_irc_uv.c, bot_xmpp_uv.c). */
#ifndef REED_BOT_UV_CLOCK_H
#define REED_BOT_UV_CLOCK_H

#include <uv.h>

#include "base.h"

typedef struct reed__bot_uv_timer_s reed__bot_uv_timer_t;

typedef struct reed__bot_uv_clock_s {
  reed_clock_t clock; /* hand &c->clock to the bot */
  uv_loop_t *loop;
  reed__bot_uv_timer_t *timers;
  uint64_t next_id;
  int open; /* timer handles whose close callback has not run */
  /* Called after a timer handle is closed: an adapter that is being freed
   * frees itself once nothing is open. */
  void (*closed)(void *owner);
  void *owner;
} reed__bot_uv_clock_t;

void reed__bot_uv_clock_init(reed__bot_uv_clock_t *c, uv_loop_t *loop,
                             void (*closed)(void *owner), void *owner);

#endif
