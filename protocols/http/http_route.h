/* What a route of the HTTP module sees (issue 19): the interface between
 * the HTTP/1.1 core (http_core.c and its parser) and the features served
 * on it: the web client's files, /metrics, file upload, the ACME http-01
 * challenge and the WebSocket endpoints. Routes are rows of the table in
 * http_routes.c; a feature is a file with its handler and one row there. */
#ifndef REED_HTTP_ROUTE_H
#define REED_HTTP_ROUTE_H

#include "base.h"
#include "proto.h"

#include <stdbool.h>
#include <stddef.h>

/* A complete request (headers and body read; the body is bounded by the
 * route's max_body). Everything is borrowed for the handler's call. */
typedef struct reed_http_req_s {
  const char *method; /* "GET", "PUT", ... */
  const char *path;   /* the target's path, still percent-encoded */
  const char *query;  /* after '?', "" when none */
  const uint8_t *body;
  size_t body_len;
  /* The client's address: the peer's, or the last X-Forwarded-For hop
   * not in [http] trusted_proxies when the peer is one of them. */
  const char *client_ip;
  bool tls;
  bool loopback;               /* client_ip is 127.0.0.0/8 or ::1 */
  const reed_proto_env_t *env; /* the connection's: model, store, host... */
  void *core_;                 /* the core's own; not for routes */
} reed_http_req_t;

/* A request header by name (case-insensitive), the first if repeated;
 * NULL when absent. */
const char *reed_http_header(const reed_http_req_t *req, const char *name);

/* The response being made; opaque. */
typedef struct reed_http_res_s reed_http_res_t;

/* Adds a header to the response (before reed_http_respond). Content-Length,
 * Date, Connection and the security headers every response has
 * (X-Content-Type-Options: nosniff, ...) are the core's. 0 or REED_ENOMEM. */
int reed_http_res_header(reed_http_res_t *res, const char *name,
                         const char *value);
/* Sends the status line, the headers and `body` (a reference is taken;
 * NULL for none); a HEAD request gets the headers only. Once per
 * response; a no-op when the connection is gone. */
int reed_http_respond(reed_http_res_t *res, int status,
                      const char *content_type, reed_buf_t *body);
/* reed_http_respond with a short text/plain body. */
int reed_http_error(reed_http_res_t *res, int status, const char *text);

/* A handler that answers later (a file written by the worker) holds the
 * response: the connection reads no further request meanwhile. It then
 * calls reed_http_respond (a no-op if the connection went away) and
 * releases it, once. */
reed_http_res_t *reed_http_hold(reed_http_res_t *res);
void reed_http_release(reed_http_res_t *res);

/* ---- WebSocket (RFC 6455) ----
 * A handler accepts an upgrade with reed_ws_accept: the core checks the
 * handshake (version 13, key, the Origin against [http] ws_origins),
 * answers 101 with `subprotocol` (NULL: none), and from then on the
 * connection carries WebSocket frames: control frames, fragmentation,
 * masking, UTF-8 of text messages, size limits and ping floods are the
 * core's; whole messages reach ops->message. */
typedef struct reed_ws_s reed_ws_t;
typedef struct reed_ws_ops_s {
  /* One whole message; `text` for an opcode 1 message (valid UTF-8). */
  void (*message)(void *ud, bool text, const uint8_t *p, size_t len);
  /* The peer closed, or the core did (a protocol error, a full send
   * queue): the session ends; `reason` as a user may read it. */
  void (*closed)(void *ud, const char *reason);
  void (*shutdown)(void *ud, int why); /* SIGTERM: REED_SHUTDOWN_* */
  void (*free)(void *ud);              /* the connection is freed */
} reed_ws_ops_t;

/* 0, or an error after which the handler must answer with
 * reed_http_error (REED_EINVAL: not a valid upgrade, 400; REED_EAUTH: the
 * Origin is not allowed, 403). *ws is valid until ops->free. */
int reed_ws_accept(const reed_http_req_t *req, reed_http_res_t *res,
                   const char *subprotocol, const reed_ws_ops_t *ops, void *ud,
                   reed_ws_t **ws);
/* Sends one message (a reference to buf is taken; bytes [off, off+len)).
 * REED_EQUEUEFULL / REED_ECLOSED as the transport's write. */
int reed_ws_send(reed_ws_t *ws, bool text, reed_buf_t *buf, size_t off,
                 size_t len);
/* Sends a close frame (RFC 6455 code and reason) and closes. */
void reed_ws_close(reed_ws_t *ws, unsigned code, const char *reason);
/* The transport of the underlying connection (its peer(), pause). */
const reed_transport_t *reed_ws_transport(reed_ws_t *ws);

/* ---- Routes ---- */
typedef int (*reed_http_handler_fn)(const reed_http_req_t *req,
                                    reed_http_res_t *res);
typedef struct reed_http_route_s {
  const char *method; /* NULL: any method */
  const char *path;   /* exact, or a prefix when it ends in '/' */
  /* Largest body accepted (413 beyond); NULL: the module's default
   * (a few KiB). File upload reads its limit from the config. */
  size_t (*max_body)(const reed_proto_env_t *env);
  /* Responds (now, or holds the response); 0, or < 0 and the core
   * answers 500. */
  reed_http_handler_fn handler;
} reed_http_route_t;

#endif
