/* XMPP over WebSocket (RFC 7395) at GET /xmpp-websocket (Prosody's path,
 * which Converse.js configurations usually name), the `xmpp` subprotocol
 * required; the XMPP core frames it itself (env->framing). And its
 * discovery (XEP-0156): /.well-known/host-meta (XRD) and host-meta.json
 * name the WebSocket's URL, built from the request's Host and the
 * listener's scheme (wss behind TLS). */
#include "http_wsb.h"

#include <stdio.h>
#include <string.h>

#define ALT_WS "urn:xmpp:alt-connections:websocket"

int
reed_ws_xmpp_route(const reed_http_req_t *req, reed_http_res_t *res)
{
  static const char *const xmpp[] = {"xmpp", NULL};

  if (reed_wsb_pick(req, xmpp) == NULL)
    return reed_http_error(res, 400,
                           "The xmpp WebSocket subprotocol is required");
  return reed_wsb_accept(req, res, "xmpp", "xmpp", REED_WSB_XMPP);
}

/* A Host header is a name or an address with an optional port: nothing
 * that would need escaping in the XML or JSON it goes into. */
static bool
host_ok(const char *h)
{
  size_t n = h != NULL ? strlen(h) : 0;

  return n > 0 && n <= 255 &&
         strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789.-:[]") == n;
}

static int
host_meta(const reed_http_req_t *req, reed_http_res_t *res, bool json)
{
  const char *host = reed_http_header(req, "Host");
  reed_buf_t *b;
  int rc;

  if (!host_ok(host))
    return reed_http_error(res, 400, "A valid Host header is required");
  b = reed_buf_new(256);
  if (b == NULL)
    return REED_ENOMEM;
  if (json)
    rc = reed_buf_printf(&b,
                         "{\"links\":[{\"rel\":\"" ALT_WS "\","
                         "\"href\":\"%s://%s/xmpp-websocket\"}]}\n",
                         req->tls ? "wss" : "ws", host);
  else
    rc = reed_buf_printf(
        &b,
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
        "  <Link rel='" ALT_WS "' href='%s://%s/xmpp-websocket'/>\n"
        "</XRD>\n",
        req->tls ? "wss" : "ws", host);
  /* Web clients on other origins read it (XEP-0156 3.2: CORS). */
  if (rc == 0)
    rc = reed_http_res_header(res, "Access-Control-Allow-Origin", "*");
  if (rc == 0)
    rc = reed_http_respond(
        res, 200, json ? "application/json" : "application/xrd+xml", b);
  reed_buf_unref(b);
  return rc;
}

int
reed_host_meta_route(const reed_http_req_t *req, reed_http_res_t *res)
{
  return host_meta(req, res, false);
}

int
reed_host_meta_json_route(const reed_http_req_t *req, reed_http_res_t *res)
{
  return host_meta(req, res, true);
}
