/* A WebSocket connection after the upgrade (http_ws.c, its messages and
 * close handshake; http_ws_accept.c, the opening handshake). */
#ifndef REED_HTTP_WS_INT_H
#define REED_HTTP_WS_INT_H

#include "http_core_int.h"

#define WS_PING_BURST 10      /* pings taken at once ... */
#define WS_PING_EVERY_MS 1000 /* ... and one more per second; past: 1008 */
#define WS_CLOSE_WAIT_MS 5000 /* for the peer's close after ours */
#define WS_PAUSED 1           /* a callback's result: the handler paused */

enum { WS_OPEN, WS_CLOSE_SENT, WS_DONE };

struct reed_ws_s {
  reed_http_core_t *core;
  const reed_ws_ops_t *ops;
  void *ud;
  reed_transport_t tp; /* what reed_ws_transport gives: notes pauses */
  reed_ws_frame_t frame;
  uint8_t *msg; /* the message being reassembled */
  size_t msg_len, msg_cap;
  uint8_t msg_op; /* WS_OP_TEXT or WS_OP_BINARY while one is open, else 0 */
  uint8_t ctl[125];
  size_t ctl_len;
  int state;
  bool paused, told_closed;
  uint64_t close_timer;
  uint64_t ping_ms; /* the ping bucket's last refill */
  unsigned ping_tokens;
};

/* A new WebSocket on core c (state OPEN); NULL when out of memory. */
reed_ws_t *reed__ws_new(reed_http_core_t *c, const reed_ws_ops_t *ops,
                        void *ud);

#endif
