/* Rate-limited log lines for what an attacker can repeat at will (refused
 * connections, accept failures at the descriptor limit): the first line of
 * a second is logged as it comes, the rest of that second are counted and
 * logged once, with the count and the latest of them, when it is over. */
#include "net_int.h"

#include <stdarg.h>
#include <stdio.h>

#define GATE_MS 1000u

static void
gate_flush(void *arg)
{
  reed_net_gate_t *g = arg;

  g->armed = false;
  if (g->folded == 0)
    return;
  reed_log(g->net->log, g->level, "%llu more in the last second, the last: %s",
           (unsigned long long)g->folded, g->msg);
  g->folded = 0;
  g->last_ms = uv_now(&g->net->loop);
}

void
reed__gate_log(reed_net_t *net, reed_net_gate_t *g, int level, const char *fmt,
               ...)
{
  uint64_t now = uv_now(&net->loop);
  va_list ap;

  g->net = net;
  va_start(ap, fmt);
  vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
  va_end(ap);
  if (g->last_ms == 0 || now - g->last_ms >= GATE_MS) {
    if (g->folded == 0) {
      g->last_ms = now;
      reed_log(net->log, level, "%s", g->msg);
      return;
    }
  }
  g->folded++;
  g->level = level;
  if (!g->armed) {
    uint64_t wait =
        now - g->last_ms < GATE_MS ? GATE_MS - (now - g->last_ms) : 0;
    g->armed = net->clock.call_later(net->clock.c, wait, gate_flush, g) != 0;
  }
}
