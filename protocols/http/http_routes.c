/* The HTTP module's routes: one row per feature (protocols/http/README.md,
 * "Adding a route"). A request goes to the row whose path matches it
 * longest (a path ending in '/' is a prefix), among those rows to the
 * first whose method fits (GET serves HEAD too; NULL is any method); rows
 * that match the path but not the method make a 405 with Allow. Each
 * feature declares its handler here and adds its row in its own block,
 * a blank line apart, so that features added in parallel merge cleanly. */
#include "http_int.h"

/* WebSocket endpoints */
/* IRC (IRCv3 websocket) and XMPP (RFC 7395) over WebSocket, XEP-0156
 * discovery (http_ws_irc.c, http_ws_xmpp.c, http_wsb.c). */
int reed_ws_irc_route(const reed_http_req_t *req, reed_http_res_t *res);
int reed_ws_xmpp_route(const reed_http_req_t *req, reed_http_res_t *res);
int reed_host_meta_route(const reed_http_req_t *req, reed_http_res_t *res);
int reed_host_meta_json_route(const reed_http_req_t *req, reed_http_res_t *res);

/* /metrics */

/* File upload */

/* ACME http-01 */

/* The web client's files, embedded at build time (http_static.c). */
int reed__http_static(const reed_http_req_t *req, reed_http_res_t *res);

const reed_http_route_t reed__http_routes[] = {
    /* WebSocket endpoints */
    {.method = "GET", .path = "/irc", .handler = reed_ws_irc_route},
    {.method = "GET", .path = "/xmpp-websocket", .handler = reed_ws_xmpp_route},
    {.method = "GET",
     .path = "/.well-known/host-meta",
     .handler = reed_host_meta_route},
    {.method = "GET",
     .path = "/.well-known/host-meta.json",
     .handler = reed_host_meta_json_route},

    /* /metrics */

    /* File upload */

    /* ACME http-01 */

    /* The web client: every other GET (a prefix of every path). */
    {.method = "GET", .path = "/", .handler = reed__http_static},
};

const size_t reed__http_n_routes = REED_ARRAY_SIZE(reed__http_routes);
