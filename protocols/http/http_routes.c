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
int reed__http_metrics(const reed_http_req_t *req, reed_http_res_t *res);

/* File upload */
#include "http_upload.h"

/* ACME http-01 */
int reed__http_acme_challenge(const reed_http_req_t *req, reed_http_res_t *res);

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
    {.method = "GET", .path = "/metrics", .handler = reed__http_metrics},

    /* File upload (http_upload.c, http_upload_get.c): soju.im/FILEHOST's
     * POST URL, XEP-0363 PUTs, the files served back. */
    {.method = "POST",
     .path = "/upload",
     .max_body = reed__http_upload_max_body,
     .handler = reed__http_upload_post},
    {.method = "OPTIONS",
     .path = "/upload",
     .handler = reed__http_upload_options},
    {.method = "PUT",
     .path = "/upload/",
     .max_body = reed__http_upload_max_body,
     .handler = reed__http_upload_put},
    {.method = "GET", .path = "/upload/", .handler = reed__http_upload_get},
    {.method = "OPTIONS",
     .path = "/upload/",
     .handler = reed__http_upload_preflight},

    /* ACME http-01 */
    {.method = "GET",
     .path = "/.well-known/acme-challenge/",
     .handler = reed__http_acme_challenge},

    /* The web client: every other GET (a prefix of every path). */
    {.method = "GET", .path = "/", .handler = reed__http_static},
};

const size_t reed__http_n_routes = REED_ARRAY_SIZE(reed__http_routes);
