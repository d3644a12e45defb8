/* GET /metrics (issue 19): the process's metrics in the Prometheus text
 * format 0.0.4, as the host writes them (reed_host_t.metrics; every
 * metric is in docs/operating.md). Served to loopback clients and to the
 * addresses [http] metrics_allow lists; 403 for the others. The client is
 * the one X-Forwarded-For names when the peer is a trusted proxy, so a
 * reverse proxy on the same host must be in trusted_proxies, or every
 * request it forwards would count as loopback. */
#include "http_int.h"

bool
reed__http_metrics_allowed(const reed_strlist_t *allow, const char *client_ip,
                           bool loopback)
{
  return loopback || (client_ip != NULL && reed__http_ip_in(allow, client_ip));
}

int
reed__http_metrics(const reed_http_req_t *req, reed_http_res_t *res)
{
  const reed_http_conf_t *c = req->env->conf;
  const reed_host_t *host = req->env->host;
  reed_buf_t *body;
  int rc;

  if (!reed__http_metrics_allowed(&c->metrics_allow, req->client_ip,
                                  req->loopback))
    return reed_http_error(res, 403, "metrics are not served to this address");
  if (host == NULL || host->metrics == NULL)
    return reed_http_error(res, 404, "no metrics in this process");
  if ((body = reed_buf_new(8192)) == NULL)
    return REED_ENOMEM;
  rc = host->metrics(host->ud, &body);
  if (rc == 0)
    rc = reed_http_res_header(res, "Cache-Control", "no-store");
  if (rc == 0)
    rc = reed_http_respond(res, 200, "text/plain; version=0.0.4; charset=utf-8",
                           body);
  reed_buf_unref(body);
  return rc;
}
