/* Responses (http_route.h): the route adds headers, the core adds the
 * status line, Date, Content-Length, Connection and the security headers
 * every response carries, and writes the head and the body in one
 * two-part write. Holds keep the connection paused until released. */
#include "http_core_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What every response carries: no MIME sniffing, no Referer leaving a
 * page, no framing. A route's own Content-Security-Policy (the web
 * client's pages) replaces the default, which allows nothing. */
static const char security_headers[] = "X-Content-Type-Options: nosniff\r\n"
                                       "Referrer-Policy: no-referrer\r\n"
                                       "X-Frame-Options: DENY\r\n";
static const char default_csp[] =
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n";

const char *
reed__http_reason(int status)
{
  static const struct {
    int status;
    const char *text;
  } reasons[] = {
      {100, "Continue"},
      {101, "Switching Protocols"},
      {200, "OK"},
      {201, "Created"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {304, "Not Modified"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {411, "Length Required"},
      {413, "Content Too Large"},
      {414, "URI Too Long"},
      {415, "Unsupported Media Type"},
      {417, "Expectation Failed"},
      {426, "Upgrade Required"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {503, "Service Unavailable"},
      {505, "HTTP Version Not Supported"},
      {507, "Insufficient Storage"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(reasons); i++)
    if (reasons[i].status == status)
      return reasons[i].text;
  return "Unknown";
}

reed_http_res_t *
reed__http_res_new(reed_http_core_t *c, int minor, bool head_only,
                   bool keep_alive)
{
  reed_http_res_t *res = reed_calloc(1, sizeof(*res));

  if (res == NULL)
    return NULL;
  res->core = c;
  res->refs = 1;
  res->minor = minor;
  res->head_only = head_only;
  res->keep_alive = keep_alive;
  return res;
}

void
reed__http_res_unref(reed_http_res_t *res)
{
  if (res == NULL || --res->refs > 0)
    return;
  reed_buf_unref(res->headers);
  reed_free(res);
}

static bool
header_text_ok(const char *s, bool name)
{
  if (*s == '\0' && name)
    return false;
  for (; *s != '\0'; s++)
    if (*s == '\r' || *s == '\n' || (name && (*s == ':' || *s == ' ')))
      return false;
  return true;
}

int
reed_http_res_header(reed_http_res_t *res, const char *name, const char *value)
{
  if (!header_text_ok(name, true) || !header_text_ok(value, false))
    return REED_EINVAL;
  if (strcasecmp(name, "Content-Security-Policy") == 0)
    res->has_csp = true;
  if (res->headers == NULL && (res->headers = reed_buf_new(256)) == NULL)
    return REED_ENOMEM;
  return reed_buf_printf(&res->headers, "%s: %s\r\n", name, value);
}

/* No body and no Content-Length: 1xx, 204 and 304 (RFC 9110, 8.6). */
static bool
bodyless(int status)
{
  return status < 200 || status == 204 || status == 304;
}

static reed_buf_t *
make_head(reed_http_res_t *res, int status, const char *content_type,
          size_t body_len)
{
  const reed_proto_env_t *env = res->core->env;
  reed_buf_t *h = reed_buf_new(512);
  char date[30];
  int rc;

  if (h == NULL)
    return NULL;
  reed__http_date(env->clock->wall_ms(env->clock->c), date);
  rc = reed_buf_printf(&h, "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s", status,
                       reed__http_reason(status), date, security_headers,
                       res->has_csp ? "" : default_csp);
  if (rc == 0 && content_type != NULL && !bodyless(status))
    rc = reed_buf_printf(&h, "Content-Type: %s\r\n", content_type);
  if (rc == 0 && res->headers != NULL)
    rc = reed_buf_append(&h, res->headers->data, res->headers->len);
  if (rc == 0 && !bodyless(status))
    rc = reed_buf_printf(&h, "Content-Length: %zu\r\n", body_len);
  if (rc == 0 && status != 101 && !res->keep_alive)
    rc = reed_buf_printf(&h, "Connection: close\r\n");
  else if (rc == 0 && status != 101 && res->minor == 0)
    rc = reed_buf_printf(&h, "Connection: keep-alive\r\n");
  if (rc == 0)
    rc = reed_buf_append(&h, "\r\n", 2);
  if (rc != 0) {
    reed_buf_unref(h);
    return NULL;
  }
  return h;
}

int
reed_http_respond(reed_http_res_t *res, int status, const char *content_type,
                  reed_buf_t *body)
{
  size_t blen = body != NULL ? body->len : 0;
  reed_transport_t *tp;
  reed_buf_t *head;
  int rc;

  if (res->responded)
    return REED_EINVAL;
  res->responded = true;
  if (res->core == NULL || res->core->phase == P_CLOSED)
    return 0;
  if (status >= 500 || status == 400 || status == 408 || status == 413)
    res->keep_alive = false; /* the rest of the input may be garbage */
  if ((head = make_head(res, status, content_type, blen)) == NULL)
    return REED_ENOMEM;
  tp = res->core->env->transport;
  if (blen > 0 && !res->head_only && !bodyless(status))
    rc = tp->write2(tp->t, head->data, head->len, body);
  else
    rc = tp->write(tp->t, head);
  reed_buf_unref(head);
  return rc;
}

int
reed_http_error(reed_http_res_t *res, int status, const char *text)
{
  reed_buf_t *b = reed_buf_from(text, strlen(text));
  int rc;

  if (b == NULL)
    return REED_ENOMEM;
  if (text[0] != '\0' && text[strlen(text) - 1] != '\n' &&
      reed_buf_append(&b, "\n", 1) != 0) {
    reed_buf_unref(b);
    return REED_ENOMEM;
  }
  rc = reed_http_respond(res, status, "text/plain; charset=utf-8", b);
  reed_buf_unref(b);
  return rc;
}

reed_http_res_t *
reed_http_hold(reed_http_res_t *res)
{
  res->refs++;
  res->holding = true;
  return res;
}

void
reed_http_release(reed_http_res_t *res)
{
  reed_http_core_t *c = res->core;

  res->holding = false;
  if (c != NULL && c->phase == P_HELD && c->res == res) {
    if (!res->responded)
      reed_http_error(res, 500, "Internal Server Error");
    reed__http_finish(c);
    if (c->phase != P_CLOSED)
      c->env->transport->pause_reading(c->env->transport->t, false);
  }
  reed__http_res_unref(res);
}

void
reed__http_write_raw(reed_http_core_t *c, const char *s)
{
  reed_buf_t *b = reed_buf_from(s, strlen(s));

  if (b == NULL)
    return;
  c->env->transport->write(c->env->transport->t, b);
  reed_buf_unref(b);
}
