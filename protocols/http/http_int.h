/* The HTTP module's internals: the [http] settings, the request-head
 * parser, the WebSocket framer, the per-connection core and the route
 * table (protocols/http/README.md). Routes see http_route.h only. */
#ifndef REED_HTTP_INT_H
#define REED_HTTP_INT_H

#include "http_route.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- [http] settings ---------------------------------------------------- */
typedef struct reed_http_conf_s {
  uint64_t header_timeout_ms;     /* a request's head (and each body pause) */
  uint64_t keepalive_timeout_ms;  /* idle between two requests */
  size_t max_body;                /* a route's body without its own max_body */
  reed_strlist_t trusted_proxies; /* addresses/CIDRs whose XFF is believed */
  reed_strlist_t ws_origins;      /* Origins allowed beside the defaults */
  size_t ws_max_message;          /* a WebSocket message, reassembled */
} reed_http_conf_t;

/* ---- Request-head parser (http_parse.c; pure) ----------------------------
 * A resumable machine over the request line and header lines: it copies
 * them into its own buffer (NUL-terminating each part in place) and stops
 * after the empty line. Input split at any byte gives the same result. */
#define REED_HTTP_MAX_LINE 8192          /* request line; longer is 414 */
#define REED_HTTP_MAX_HEADER_BYTES 16384 /* all header lines; more is 431 */
#define REED_HTTP_MAX_HEADERS 64         /* more is 431 */

enum { HTTP_HEAD_MORE = 0, HTTP_HEAD_DONE = 1 }; /* else an HTTP status */

typedef struct reed_http_head_s {
  char *buf; /* the lines read, each part NUL-terminated */
  size_t len, cap;
  size_t line;      /* offset of the line being read */
  size_t hdr_bytes; /* bytes of header lines so far */
  int state;
  int minor;               /* HTTP/1.<minor> */
  uint32_t method, target; /* offsets in buf */
  uint32_t name[REED_HTTP_MAX_HEADERS], value[REED_HTTP_MAX_HEADERS];
  unsigned n_headers;
} reed_http_head_t;

void reed__http_head_init(reed_http_head_t *h);
/* Forgets the request read, keeping the buffer for the next. */
void reed__http_head_reset(reed_http_head_t *h);
void reed__http_head_cleanup(reed_http_head_t *h);
/* Reads p[0..len); *used is the bytes taken (up to the head's last LF when
 * done). Returns HTTP_HEAD_MORE, HTTP_HEAD_DONE, or the status of a bad
 * head: 400, 414 (request line), 431 (headers), 505 (version), or 500
 * when out of memory. */
int reed__http_head_feed(reed_http_head_t *h, const uint8_t *p, size_t len,
                         size_t *used);
const char *reed__http_head_get(const reed_http_head_t *h, const char *name);
#define HEAD_STR(h, off) ((const char *)(h)->buf + (off))

/* ---- Small helpers (http_util.c; pure) ---------------------------------- */
/* Is `token` one of the comma-separated tokens of `list` (any case)? */
bool reed__http_has_token(const char *list, const char *token);
/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate) into out[30]. */
void reed__http_date(uint64_t unix_ms, char out[30]);
/* Parses "1.2.3.4", "::1", "10.0.0.0/8" or "fd00::/8" into a family (4 or
 * 6), 16 address bytes and a prefix length. 0 or REED_EINVAL. */
typedef struct reed_http_cidr_s {
  int family;
  uint8_t addr[16];
  unsigned bits;
} reed_http_cidr_t;
int reed__http_cidr_parse(const char *s, reed_http_cidr_t *out);
bool reed__http_cidr_match(const reed_http_cidr_t *net,
                           const reed_http_cidr_t *ip);
/* Calls cb for each item of a list whose values may hold several items
 * apart by commas or blanks; a non-zero result stops and is returned. */
int reed__http_list_each(const reed_strlist_t *list,
                         int (*cb)(void *ud, const char *item), void *ud);
/* Is `ip` in one of the list's entries (entries that do not parse match
 * nothing; conf_check refuses them)? */
bool reed__http_ip_in(const reed_strlist_t *list, const char *ip);
/* The client of a request: `peer`, or when the peer is a trusted proxy,
 * the last X-Forwarded-For hop that is not one (walking right to left;
 * a hop that is not an address stops the walk at the one before it).
 * Writes at most 46 bytes with the NUL. */
void reed__http_client_ip(const reed_strlist_t *trusted, const char *peer,
                          const char *const *xff, size_t n_xff, char out[46]);
bool reed__http_ip_loopback(const char *ip);
/* A Content-Type for a file name, by its extension. */
const char *reed__http_mime(const char *path);

/* ---- WebSocket framer (http_wsframe.c; pure) ----------------------------
 * Client frames in: header bytes are gathered, payload is unmasked and
 * handed out as it arrives. The message layer (http_ws.c) reassembles. */
enum {
  WS_OP_CONT = 0,
  WS_OP_TEXT = 1,
  WS_OP_BINARY = 2,
  WS_OP_CLOSE = 8,
  WS_OP_PING = 9,
  WS_OP_PONG = 10
};

typedef struct reed_ws_frame_s {
  uint8_t hdr[14];
  uint8_t hdr_len, hdr_need;
  bool fin;
  uint8_t opcode;
  uint8_t mask[4];
  uint64_t len, done; /* payload length and bytes already given */
  bool in_payload;
} reed_ws_frame_t;

typedef struct reed_ws_frame_cbs_s {
  /* A frame's header is complete (fin, opcode, len set); 0 or a close
   * code (1002, 1009) that stops the framer. */
  int (*begin)(void *ud, const reed_ws_frame_t *f);
  /* Unmasked payload bytes of the current frame. */
  int (*data)(void *ud, const uint8_t *p, size_t len);
  /* The frame is complete. */
  int (*end)(void *ud, const reed_ws_frame_t *f);
} reed_ws_frame_cbs_t;

/* Reads p[0..len): each callback's non-zero result stops and is returned
 * (with *used the bytes taken so far); 0 when all was taken. The framer
 * refuses an unmasked frame, RSV bits, an unknown opcode, a control frame
 * that is fragmented or longer than 125 bytes, and a length with its top
 * bit set (all 1002). */
int reed__ws_frame_feed(reed_ws_frame_t *f, const reed_ws_frame_cbs_t *cbs,
                        void *ud, const uint8_t *p, size_t len, size_t *used);
/* A server frame's header (FIN set, unmasked) for `len` payload bytes
 * into out[10]; returns its length. */
size_t reed__ws_frame_header(uint8_t out[10], uint8_t opcode, uint64_t len);
/* Is `code` one a peer may send in a close frame (RFC 6455, 7.4)? */
bool reed__ws_close_code_ok(unsigned code);
/* The Sec-WebSocket-Accept value for a key into out[29]. 0 or
 * REED_EINVAL (a key that is not 16 bytes of base64). */
int reed__ws_accept_key(const char *key, char out[29]);

/* ---- The connection core (http_core.c) ----------------------------------- */
typedef struct reed_http_core_s reed_http_core_t;

/* The web client's files (generated from web/ at build time). */
typedef struct reed_http_file_s {
  const char *path; /* relative to web/: "index.html", "js/app.js" */
  const uint8_t *data;
  size_t len;
  const char *etag; /* strong: "\"<16 hex of SHA-256>\"" */
} reed_http_file_t;
extern const reed_http_file_t reed__http_files[];
extern const size_t reed__http_n_files;

/* The module's process-wide state: the routes (a test may swap them) and
 * the embedded files as shared buffers, made on first use. */
typedef struct reed_http_state_s {
  const reed_module_env_t *menv;
  const reed_http_route_t *routes;
  size_t n_routes;
  reed_buf_t **files; /* reed__http_n_files entries, NULL until served */
} reed_http_state_t;

extern const reed_http_route_t reed__http_routes[];
extern const size_t reed__http_n_routes;

int reed__http_conn_new(const reed_proto_env_t *env, void **core);
ssize_t reed__http_feed(void *core, const uint8_t *in, size_t len);
void reed__http_tls_ready(void *core);
void reed__http_eof(void *core, const char *reason);
void reed__http_shutdown(void *core, int why);
void reed__http_conn_free(void *core);

/* The route for a method and path: the row with the longest matching
 * path whose method fits (GET serves HEAD too). NULL with *allow filled
 * ("GET, HEAD") when rows match the path but not the method (405),
 * NULL with allow "" when none does (404). */
const reed_http_route_t *reed__http_route_find(const reed_http_route_t *routes,
                                               size_t n, const char *method,
                                               const char *path, char *allow,
                                               size_t allow_size);

/* Security headers every response carries, and the CSP of the web
 * client's pages. */
extern const char reed__http_csp_pages[];

/* ---- Between the core and its WebSocket (http_ws.c) ---------------------- */
/* Bytes after the upgrade; same contract as feed. */
ssize_t reed__ws_feed(reed_ws_t *ws, const uint8_t *in, size_t len);
void reed__ws_eof(reed_ws_t *ws, const char *reason);
void reed__ws_shutdown(reed_ws_t *ws, int why);
void reed__ws_free(reed_ws_t *ws);

#endif
