/* The WebSocket opening handshake (RFC 6455, section 4.2): a GET with
 * Upgrade: websocket, Connection: upgrade, version 13 and a 16-byte key,
 * from an Origin that is allowed ([http] ws_origins), answered with 101
 * and the subprotocol the route chose among those the client offered. */
#include "http_ws_int.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

int
reed__ws_accept_key(const char *key, char out[29])
{
  uint8_t raw[18], md[EVP_MAX_MD_SIZE];
  char buf[24 + sizeof(ws_guid)];
  unsigned mdlen = 0;

  if (strlen(key) != 24 || reed_base64_decode(key, 24, raw) != 16)
    return REED_EINVAL;
  memcpy(buf, key, 24);
  memcpy(buf + 24, ws_guid, sizeof(ws_guid) - 1);
  if (EVP_Digest(buf, 24 + sizeof(ws_guid) - 1, md, &mdlen, EVP_sha1(), NULL) !=
          1 ||
      mdlen != 20)
    return REED_EINVAL;
  reed_base64_encode(md, 20, out);
  return 0;
}

/* The host part of an authority ("[::1]:8080" -> "::1"), into out. */
static void
authority_host(const char *a, char *out, size_t size)
{
  size_t n;

  if (a[0] == '[') {
    n = strcspn(a + 1, "]");
    a++;
  } else {
    n = strcspn(a, ":");
  }
  if (n >= size)
    n = size - 1;
  memcpy(out, a, n);
  out[n] = '\0';
}

static bool
loopback_name(const char *host)
{
  return strcasecmp(host, "localhost") == 0 || reed__http_ip_loopback(host);
}

static int
listed(void *ud, const char *item)
{
  return strcmp(item, "*") == 0 || strcasecmp(item, ud) == 0;
}

/* No Origin (not a browser), the request's own Host, a listed origin, or
 * with no list a loopback name (a page served on this machine). */
static bool
origin_allowed(const reed_http_req_t *req, const reed_http_conf_t *conf)
{
  const char *origin = reed_http_header(req, "Origin");
  const char *host = reed_http_header(req, "Host");
  const char *auth;
  char name[256];

  if (origin == NULL)
    return true;
  if ((auth = strstr(origin, "://")) == NULL)
    return false; /* "null": a sandboxed or file: page */
  auth += 3;
  if (host != NULL && strcasecmp(auth, host) == 0)
    return true;
  if (reed__http_list_each(&conf->ws_origins, listed, (void *)origin))
    return true;
  authority_host(auth, name, sizeof(name));
  return conf->ws_origins.n == 0 && loopback_name(name);
}

/* Did the client offer `proto` in a Sec-WebSocket-Protocol header? */
static bool
offered(const reed_http_core_t *c, const char *proto)
{
  const reed_http_head_t *h = &c->head;

  for (unsigned i = 0; i < h->n_headers; i++)
    if (strcasecmp(HEAD_STR(h, h->name[i]), "Sec-WebSocket-Protocol") == 0 &&
        reed__http_has_token(HEAD_STR(h, h->value[i]), proto))
      return true;
  return false;
}

static int
check_upgrade(const reed_http_req_t *req, reed_http_res_t *res,
              const char *subprotocol, char accept[29])
{
  const reed_http_core_t *c = req->core_;
  const char *version = reed_http_header(req, "Sec-WebSocket-Version");
  const char *key = reed_http_header(req, "Sec-WebSocket-Key");

  if (strcmp(req->method, "GET") != 0 || c->head.minor < 1 ||
      !reed__http_has_token(reed_http_header(req, "Upgrade"), "websocket") ||
      !reed__http_has_token(reed_http_header(req, "Connection"), "upgrade"))
    return REED_EINVAL;
  if (version == NULL || strcmp(version, "13") != 0) {
    reed_http_res_header(res, "Sec-WebSocket-Version", "13");
    return REED_EINVAL;
  }
  if (key == NULL || reed__ws_accept_key(key, accept) != 0)
    return REED_EINVAL;
  if (subprotocol != NULL && !offered(c, subprotocol))
    return REED_EINVAL;
  if (!origin_allowed(req, reed__http_conf(c)))
    return REED_EAUTH;
  return 0;
}

int
reed_ws_accept(const reed_http_req_t *req, reed_http_res_t *res,
               const char *subprotocol, const reed_ws_ops_t *ops, void *ud,
               reed_ws_t **out)
{
  reed_http_core_t *c = req->core_;
  char accept[29];
  reed_ws_t *ws;
  int rc;

  if ((rc = check_upgrade(req, res, subprotocol, accept)) != 0)
    return rc;
  if ((rc = reed_http_res_header(res, "Upgrade", "websocket")) != 0 ||
      (rc = reed_http_res_header(res, "Connection", "Upgrade")) != 0 ||
      (rc = reed_http_res_header(res, "Sec-WebSocket-Accept", accept)) != 0 ||
      (subprotocol != NULL &&
       (rc = reed_http_res_header(res, "Sec-WebSocket-Protocol",
                                  subprotocol)) != 0))
    return rc;
  if ((ws = reed__ws_new(c, ops, ud)) == NULL)
    return REED_ENOMEM;
  res->upgraded = true;
  c->ws = ws;
  rc = reed_http_respond(res, 101, NULL, NULL);
  *out = ws;
  return rc == REED_EQUEUEFULL || rc == REED_ECLOSED ? 0 : rc;
}
