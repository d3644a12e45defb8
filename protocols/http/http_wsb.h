/* A WebSocket carrying another module's core (IRC or XMPP): the bridge
 * between the HTTP module's WebSocket (http_route.h) and an inner core the
 * host opens (proto.h's reed_host_t.inner), so the core runs exactly as on
 * TCP with env->framing = REED_FRAMING_WEBSOCKET.
 *
 * The bridge is the core's transport: peer() gives the client's real
 * address (req->client_ip, after X-Forwarded-For from trusted proxies)
 * with the WebSocket connection's TLS state and certificate; writes
 * become messages (IRC: one per line, without CRLF, text ones made UTF-8;
 * XMPP: one per write); pause_reading holds the WebSocket's connection,
 * and what the core left unconsumed is fed again from the clock when it
 * resumes; close closes the WebSocket. Messages come in as lines (IRC:
 * CRLF added; a CR or LF inside one is refused) or as they are (XMPP).
 * SIGTERM, the WebSocket's end and its connection's free reach the core
 * as shutdown, eof and free. */
#ifndef REED_HTTP_WSB_H
#define REED_HTTP_WSB_H

#include "http_route.h"

/* How the bridge frames the core's bytes. */
enum {
  REED_WSB_IRC_TEXT = 0, /* text.ircv3.net, or no subprotocol */
  REED_WSB_IRC_BINARY,   /* binary.ircv3.net */
  REED_WSB_XMPP,         /* xmpp (RFC 7395) */
};

/* Opens `module`'s core through env->host->inner and accepts the upgrade
 * with `subprotocol` (NULL: none). Answers the request itself: 101, or
 * 503 when the module is not served here (not enabled, the address past
 * its limits), 400 / 403 for a bad upgrade or Origin. Returns 0. */
int reed_wsb_accept(const reed_http_req_t *req, reed_http_res_t *res,
                    const char *module, const char *subprotocol, int kind);

/* The first of the client's Sec-WebSocket-Protocol values (its order of
 * preference) that is in `ours` (NULL-terminated), or NULL. */
const char *reed_wsb_pick(const reed_http_req_t *req, const char *const *ours);

#endif
