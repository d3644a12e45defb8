/* The connection core's structs, shared by its files (http_core.c: input
 * and phases; http_res.c: responses; http_ws.c: the upgrade). */
#ifndef REED_HTTP_CORE_INT_H
#define REED_HTTP_CORE_INT_H

#include "http_int.h"

enum {
  P_IDLE,   /* between requests: the keep-alive timer runs */
  P_HEAD,   /* reading a request's head: the header timer runs */
  P_BODY,   /* reading its body */
  P_HELD,   /* a handler holds the response: reading is paused */
  P_WS,     /* upgraded: WebSocket frames */
  P_CLOSED, /* closing: input is dropped */
};

struct reed_http_res_s {
  reed_http_core_t *core; /* NULL once the connection is gone */
  unsigned refs;          /* the core's, and a holder's */
  reed_buf_t *headers;    /* "Name: value\r\n" lines the route added */
  int minor;              /* the request's HTTP/1.<minor> */
  bool head_only;         /* HEAD: headers only */
  bool keep_alive;        /* the request allows another after it */
  bool responded, holding, upgraded, has_csp;
};

struct reed_http_core_s {
  const reed_proto_env_t *env;
  reed_http_head_t head;
  int phase;
  uint64_t timer;
  uint64_t progress_ms; /* when body bytes last arrived */
  const reed_http_route_t *route;
  uint8_t *body;
  size_t body_len, body_need;
  reed_http_res_t *res; /* the request being answered */
  reed_ws_t *ws;        /* after an upgrade */
  char client_ip[46];
  reed_http_req_t req;
};

const reed_http_conf_t *reed__http_conf(const reed_http_core_t *c);
/* A new response for the current request (one reference: the core's). */
reed_http_res_t *reed__http_res_new(reed_http_core_t *c, int minor,
                                    bool head_only, bool keep_alive);
void reed__http_res_unref(reed_http_res_t *res);
/* The request is answered (or upgraded): on to the next, or closing. */
void reed__http_finish(reed_http_core_t *c);
/* Answers `status` with a short text and closes (a bad request). */
void reed__http_fail(reed_http_core_t *c, int status);
const char *reed__http_reason(int status);
/* Writes raw bytes on the connection (the interim 100 Continue). */
void reed__http_write_raw(reed_http_core_t *c, const char *s);

#endif
