/* HTTPS for the ACME client: libcurl's multi-socket interface on the
 * server's libuv loop. libcurl says which sockets to watch (a uv_poll_t
 * each) and when to wake it (one timer on the loop's clock); the loop
 * tells libcurl what became ready. Transfers are bounded in time and in
 * response size, and speak HTTPS only. */
#include "acme_int.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uv.h>

#define CONNECT_TIMEOUT_MS 10000L
#define TRANSFER_TIMEOUT_MS 30000L
#define HEADER_MAX 2048

typedef struct sock_s sock_t;
typedef struct req_s req_t;

struct reed_acme_http_s {
  uv_loop_t *loop;
  reed_clock_t *clock;
  CURLM *multi;
  char *ca_file;
  uint64_t timer;
  bool closing;  /* in reed__acme_http_free: no new timer */
  sock_t *socks; /* watched sockets, closed on free */
  req_t *reqs;   /* transfers in flight */
};

struct sock_s {
  uv_poll_t poll;
  curl_socket_t fd;
  reed_acme_http_t *h; /* NULL once closing */
  sock_t *next;
};

struct req_s {
  reed_acme_http_t *h;
  CURL *easy;
  struct curl_slist *headers;
  reed_acme_http_cb cb;
  void *ud;
  char *body;
  size_t len;
  bool too_big;
  char location[HEADER_MAX], nonce[256], retry_after[64], ctype[128];
  char err[CURL_ERROR_SIZE];
  req_t *next;
};

static unsigned curl_users;

/* ---- Requests ------------------------------------------------------------ */

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
  req_t *r = ud;
  size_t len = size * n;
  char *grown;

  if (r->len + len > REED_ACME_MAX_BODY) {
    r->too_big = true;
    return 0; /* aborts the transfer */
  }
  if ((grown = reed_realloc(r->body, r->len + len + 1)) == NULL)
    return 0;
  r->body = grown;
  memcpy(r->body + r->len, p, len);
  r->len += len;
  r->body[r->len] = '\0';
  return len;
}

/* Copies a header's value, trimmed, when it is the one named. */
static void
header_value(const char *line, size_t len, const char *name, char *out,
             size_t size)
{
  size_t n = strlen(name), v;

  if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
    return;
  for (v = n + 1; v < len && (line[v] == ' ' || line[v] == '\t'); v++)
    ;
  while (len > v && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
                     line[len - 1] == ' '))
    len--;
  if (len - v < size) {
    memcpy(out, line + v, len - v);
    out[len - v] = '\0';
  }
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
  req_t *r = ud;
  size_t len = size * n;

  header_value(p, len, "Location", r->location, sizeof(r->location));
  header_value(p, len, "Replay-Nonce", r->nonce, sizeof(r->nonce));
  header_value(p, len, "Retry-After", r->retry_after, sizeof(r->retry_after));
  header_value(p, len, "Content-Type", r->ctype, sizeof(r->ctype));
  return len;
}

static void
req_free(req_t *r)
{
  curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->headers);
  reed_free(r->body);
  reed_free(r);
}

static void
unlink_req(reed_acme_http_t *h, req_t *r)
{
  for (req_t **p = &h->reqs; *p != NULL; p = &(*p)->next)
    if (*p == r) {
      *p = r->next;
      return;
    }
}

static void
finish(reed_acme_http_t *h, req_t *r, CURLcode code)
{
  reed_acme_resp_t res = {.body = r->body ? r->body : "", .len = r->len};

  unlink_req(h, r);
  curl_multi_remove_handle(h->multi, r->easy);
  if (code == CURLE_OK)
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
  res.err = r->too_big  ? "response too large"
            : r->err[0] ? r->err
                        : curl_easy_strerror(code);
  res.location = r->location[0] ? r->location : NULL;
  res.nonce = r->nonce[0] ? r->nonce : NULL;
  res.retry_after = r->retry_after[0] ? r->retry_after : NULL;
  res.content_type = r->ctype[0] ? r->ctype : NULL;
  r->cb(r->ud, &res);
  req_free(r);
}

/* Every finished transfer's callback, after libcurl had its say. */
static void
check_done(reed_acme_http_t *h)
{
  CURLMsg *m;
  int left;

  while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
    req_t *r = NULL;
    if (m->msg != CURLMSG_DONE)
      continue;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    finish(h, r, m->data.result);
  }
}

static int
set_method(req_t *r, const char *method, const char *body)
{
  int rc = 0;

  if (method != NULL && strcmp(method, "HEAD") == 0)
    return curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
  if (body == NULL)
    return 0;
  r->headers = curl_slist_append(NULL, "Content-Type: application/jose+json");
  if (r->headers == NULL)
    return -1;
  rc |= curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
  rc |= curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS, body);
  return rc;
}

static int
set_options(reed_acme_http_t *h, req_t *r, const char *url)
{
  CURL *e = r->easy;
  int rc = 0;

  rc |= curl_easy_setopt(e, CURLOPT_URL, url);
  rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
  rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  rc |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
  rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
  rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "reed (ACME client)");
  rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  rc |= curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  rc |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  rc |= curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->err);
  rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
  if (h->ca_file != NULL)
    rc |= curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
  return rc;
}

int
reed__acme_http_request(reed_acme_http_t *h, const char *method,
                        const char *url, const char *body, reed_acme_http_cb cb,
                        void *ud)
{
  req_t *r = reed_calloc(1, sizeof(*r));

  if (r == NULL)
    return REED_ENOMEM;
  *r = (req_t){.h = h, .cb = cb, .ud = ud, .easy = curl_easy_init()};
  if (r->easy == NULL || set_options(h, r, url) != 0 ||
      set_method(r, method, body) != 0 ||
      curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
    req_free(r);
    return REED_ENOMEM;
  }
  r->next = h->reqs;
  h->reqs = r;
  return 0;
}

/* ---- libcurl on the loop ----------------------------------------------- */

static void
on_poll(uv_poll_t *p, int status, int events)
{
  sock_t *s = p->data;
  reed_acme_http_t *h = s->h;
  int flags = 0, running;

  if (h == NULL)
    return;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE)
    flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;
  curl_multi_socket_action(h->multi, s->fd, flags, &running);
  check_done(h);
}

static void
sock_closed(uv_handle_t *handle)
{
  reed_free(handle->data);
}

static void
sock_close(reed_acme_http_t *h, sock_t *s)
{
  for (sock_t **p = &h->socks; *p != NULL; p = &(*p)->next)
    if (*p == s) {
      *p = s->next;
      break;
    }
  s->h = NULL;
  uv_close((uv_handle_t *)&s->poll, sock_closed);
}

static sock_t *
sock_new(reed_acme_http_t *h, curl_socket_t fd)
{
  sock_t *s = reed_calloc(1, sizeof(*s));

  if (s == NULL)
    return NULL;
  if (uv_poll_init_socket(h->loop, &s->poll, fd) != 0) {
    reed_free(s);
    return NULL;
  }
  s->poll.data = s;
  s->fd = fd;
  s->h = h;
  s->next = h->socks;
  h->socks = s;
  curl_multi_assign(h->multi, fd, s);
  return s;
}

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp)
{
  reed_acme_http_t *h = ud;
  sock_t *s = sockp;
  int events = 0;

  REED_UNUSED(easy);
  if (what == CURL_POLL_REMOVE) {
    if (s != NULL) {
      curl_multi_assign(h->multi, fd, NULL);
      sock_close(h, s);
    }
    return 0;
  }
  if (s == NULL && (s = sock_new(h, fd)) == NULL)
    return -1;
  if (what & CURL_POLL_IN)
    events |= UV_READABLE;
  if (what & CURL_POLL_OUT)
    events |= UV_WRITABLE;
  return uv_poll_start(&s->poll, events, on_poll) == 0 ? 0 : -1;
}

static void
timer_fired(void *arg)
{
  reed_acme_http_t *h = arg;
  int running;

  h->timer = 0;
  curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(h);
}

static int
on_timer(CURLM *multi, long ms, void *ud)
{
  reed_acme_http_t *h = ud;

  REED_UNUSED(multi);
  if (h->timer != 0)
    h->clock->cancel(h->clock->c, h->timer);
  h->timer = 0;
  if (ms >= 0 && !h->closing)
    h->timer = h->clock->call_later(h->clock->c, (uint64_t)ms, timer_fired, h);
  return ms >= 0 && !h->closing && h->timer == 0 ? -1 : 0;
}

int
reed__acme_http_new(uv_loop_t *loop, reed_clock_t *clock, const char *ca_file,
                    reed_acme_http_t **out)
{
  reed_acme_http_t *h;

  if (curl_users == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return REED_ENOMEM;
  curl_users++;
  h = reed_calloc(1, sizeof(*h));
  if (h == NULL)
    goto fail;
  *h = (reed_acme_http_t){.loop = loop, .clock = clock};
  if (ca_file != NULL && (h->ca_file = reed_strdup(ca_file)) == NULL)
    goto fail;
  if ((h->multi = curl_multi_init()) == NULL)
    goto fail;
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
  *out = h;
  return 0;

fail:
  if (h != NULL)
    reed_free(h->ca_file);
  reed_free(h);
  if (--curl_users == 0)
    curl_global_cleanup();
  return REED_ENOMEM;
}

void
reed__acme_http_free(reed_acme_http_t *h)
{
  if (h == NULL)
    return;
  h->closing = true;
  while (h->reqs != NULL) {
    req_t *r = h->reqs;
    h->reqs = r->next;
    curl_multi_remove_handle(h->multi, r->easy);
    req_free(r);
  }
  if (h->timer != 0)
    h->clock->cancel(h->clock->c, h->timer);
  h->timer = 0;
  /* libcurl's socket callback may still close some while cleaning up. */
  curl_multi_cleanup(h->multi);
  while (h->socks != NULL)
    sock_close(h, h->socks);
  reed_free(h->ca_file);
  reed_free(h);
  if (--curl_users == 0)
    curl_global_cleanup();
}
