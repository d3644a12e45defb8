/* The networked transport's libuv adapter: resolves and connects, feeds
 * what it reads to the sans-IO client (bot_irc.c), writes with
 * uv_try_write and queues the rest; time is bot_uv_clock.c's. Everything
 * is freed once the loop has run every close callback. */
#include "bot_irc_int.h"
#include "bot_tls.h"
#include "bot_uv_clock.h"

#include <stdio.h>
#include <string.h>
#include <uv.h>

typedef struct uvbot_s uvbot_t;

struct uvbot_s {
  reed__bot_irc_t irc; /* first: a reed_bot_t * is a uvbot_t * */
  uv_loop_t *loop;
  reed__bot_uv_clock_t clock;
  reed_log_t log;
  uv_tcp_t *tcp;
  int tcp_closing;
  uv_getaddrinfo_t *gai;
  uv_connect_t connect_req;
  char close_reason[160];   /* "" until the first reason */
  void *tls_ctx;            /* NULL without TLS */
  reed__bot_tls_t *tls;     /* this connection's, once TCP is up */
  struct addrinfo *ai_list; /* while connecting: the addresses to try */
  struct addrinfo *ai_cur;
  int try_next; /* the attempt on ai_cur failed: try the next address */
  int pending;  /* handles and requests whose callback has not run */
  int freeing;
};

static void maybe_free(uvbot_t *ub);

/* ---- The connection -------------------------------------------------------
 */
static int try_connect(uvbot_t *ub);

static void
forget_addresses(uvbot_t *ub)
{
  if (ub->ai_list)
    uv_freeaddrinfo(ub->ai_list);
  ub->ai_list = ub->ai_cur = NULL;
}

static void
tcp_closed(uv_handle_t *h)
{
  uvbot_t *ub = h->data;

  reed_free(h);
  ub->tcp = NULL;
  ub->tcp_closing = 0;
  ub->pending--;
  reed__bot_tls_free(ub->tls);
  ub->tls = NULL;
  if (ub->try_next && !ub->freeing) {
    ub->try_next = 0;
    ub->ai_cur = ub->ai_cur->ai_next;
    if (try_connect(ub) == 0)
      return;
  }
  forget_addresses(ub);
  if (!ub->freeing)
    reed__bot_irc_closed(&ub->irc, ub->close_reason[0] ? ub->close_reason
                                                       : "connection closed");
  maybe_free(ub);
}

static void
shutdown_done(uv_shutdown_t *req, int status)
{
  uv_handle_t *h = (uv_handle_t *)req->handle;

  REED_UNUSED(status);
  reed_free(req);
  uv_close(h, tcp_closed);
}

/* Closes the connection after what was written; tcp_closed reports it. */
static void
drop(uvbot_t *ub, const char *reason)
{
  uv_shutdown_t *req;

  if (ub->tcp == NULL || ub->tcp_closing)
    return;
  ub->tcp_closing = 1;
  if (ub->close_reason[0] == '\0')
    reed_strlcpy(ub->close_reason, reason, sizeof(ub->close_reason));
  uv_read_stop((uv_stream_t *)ub->tcp);
  req = reed_malloc(sizeof(*req));
  if (req == NULL ||
      uv_shutdown(req, (uv_stream_t *)ub->tcp, shutdown_done) != 0) {
    reed_free(req);
    uv_close((uv_handle_t *)ub->tcp, tcp_closed);
  }
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
  static char slab[16384];

  REED_UNUSED(h);
  REED_UNUSED(hint);
  /* One thread, and feed copies what it keeps: a static slab will do. */
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
  uvbot_t *ub = s->data;
  int rc;

  if (n > 0 && ub->tls) {
    rc = reed__bot_tls_feed(ub->tls, buf->base, (size_t)n);
    if (rc != 0)
      drop(ub, reed__bot_tls_error(ub->tls));
  } else if (n > 0) {
    reed__bot_irc_feed(&ub->irc, buf->base, (size_t)n);
  } else if (n < 0)
    drop(ub, n == UV_EOF ? "closed by the server" : uv_strerror((int)n));
}

static void
write_done(uv_write_t *req, int status)
{
  uvbot_t *ub = req->data;

  reed_free(req);
  ub->pending--;
  if (status < 0 && !ub->freeing)
    drop(ub, uv_strerror(status));
  maybe_free(ub);
}

/* Bytes for the socket (ciphertext with TLS). */
static int
raw_write(void *io, const char *data, size_t len)
{
  uvbot_t *ub = io;
  uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
  uv_write_t *req;
  int n;

  if (ub->tcp == NULL || ub->tcp_closing)
    return REED_ECLOSED;
  n = uv_try_write((uv_stream_t *)ub->tcp, &b, 1);
  if (n == UV_EAGAIN)
    n = 0;
  if (n < 0) {
    drop(ub, uv_strerror(n));
    return REED_EIO;
  }
  if ((size_t)n == len)
    return 0;
  req = reed_malloc(sizeof(*req) + len - (size_t)n);
  if (req == NULL)
    return REED_ENOMEM;
  memcpy(req + 1, data + n, len - (size_t)n);
  req->data = ub;
  b = uv_buf_init((char *)(req + 1), (unsigned)(len - (size_t)n));
  ub->pending++;
  uv_write(req, (uv_stream_t *)ub->tcp, &b, 1, write_done);
  return 0;
}

static int
io_write(void *io, const char *data, size_t len)
{
  uvbot_t *ub = io;
  int rc;

  if (ub->tls == NULL)
    return raw_write(io, data, len);
  if (ub->tcp == NULL || ub->tcp_closing)
    return REED_ECLOSED;
  rc = reed__bot_tls_write(ub->tls, data, len);
  if (rc != 0)
    drop(ub, reed__bot_tls_error(ub->tls));
  return rc;
}

static void
io_close(void *io)
{
  drop(io, "closed by the bot");
}

static void
tls_plain(void *ud, const char *data, size_t len)
{
  reed__bot_irc_feed(&((uvbot_t *)ud)->irc, data, len);
}

static void
tls_ready(void *ud)
{
  reed__bot_irc_connected(&((uvbot_t *)ud)->irc);
}

static void
tls_begin(uvbot_t *ub)
{
  reed__bot_tls_io_t io = {
      .send = raw_write, .plain = tls_plain, .ready = tls_ready, .ud = ub};

  if (reed__bot_tls_new(ub->tls_ctx, ub->irc.host, &io, &ub->tls) != 0) {
    drop(ub, "TLS set-up failed");
    return;
  }
  if (reed__bot_tls_start(ub->tls) != 0)
    drop(ub, reed__bot_tls_error(ub->tls));
}

static void
on_connect(uv_connect_t *req, int status)
{
  uvbot_t *ub = req->data;

  ub->pending--;
  if (ub->freeing) {
    maybe_free(ub);
    return;
  }
  if (status < 0) {
    reed_strlcpy(ub->close_reason, uv_strerror(status),
                 sizeof(ub->close_reason));
    ub->tcp_closing = 1;
    ub->try_next = 1;
    uv_close((uv_handle_t *)ub->tcp, tcp_closed);
    return;
  }
  forget_addresses(ub);
  uv_read_start((uv_stream_t *)ub->tcp, on_alloc, on_read);
  if (ub->tls_ctx == NULL)
    reed__bot_irc_connected(&ub->irc);
  else
    tls_begin(ub);
}

/* Connects to ai_cur; a failure moves on to the next address (from
 * tcp_closed). Returns 0 while an attempt is under way, else an error. */
static int
try_connect(uvbot_t *ub)
{
  if (ub->ai_cur == NULL)
    return REED_ENOTFOUND;
  ub->tcp = reed_malloc(sizeof(*ub->tcp));
  if (ub->tcp == NULL)
    return REED_ENOMEM;
  uv_tcp_init(ub->loop, ub->tcp);
  ub->tcp->data = ub;
  ub->pending++; /* the handle */
  ub->connect_req.data = ub;
  if (uv_tcp_connect(&ub->connect_req, ub->tcp, ub->ai_cur->ai_addr,
                     on_connect) != 0) {
    reed_strlcpy(ub->close_reason, "connect failed", sizeof(ub->close_reason));
    ub->tcp_closing = 1;
    ub->try_next = 1;
    uv_close((uv_handle_t *)ub->tcp, tcp_closed);
    return 0;
  }
  ub->pending++; /* the request */
  return 0;
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *ai)
{
  uvbot_t *ub = req->data;

  reed_free(req);
  ub->gai = NULL;
  ub->pending--;
  ub->ai_list = ub->ai_cur = status == 0 ? ai : NULL;
  if (ub->freeing || try_connect(ub) != 0) {
    forget_addresses(ub);
    if (!ub->freeing)
      reed__bot_irc_closed(&ub->irc, status < 0 ? "cannot resolve the server"
                                                : "cannot connect");
  }
  maybe_free(ub);
}

static int
io_connect(void *io)
{
  uvbot_t *ub = io;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  char port[8];

  ub->close_reason[0] = '\0';
  ub->gai = reed_malloc(sizeof(*ub->gai));
  if (ub->gai == NULL)
    return REED_ENOMEM;
  ub->gai->data = ub;
  snprintf(port, sizeof(port), "%u", (unsigned)ub->irc.port);
  if (uv_getaddrinfo(ub->loop, ub->gai, on_resolved, ub->irc.host, port,
                     &hints) != 0) {
    reed_free(ub->gai);
    ub->gai = NULL;
    return REED_EIO;
  }
  ub->pending++;
  return 0;
}

/* ---- Public ---------------------------------------------------------------
 */
static void
maybe_free(uvbot_t *ub)
{
  if (ub->freeing && ub->pending == 0 && ub->clock.open == 0) {
    reed__bot_tls_ctx_free(ub->tls_ctx);
    reed_free(ub);
  }
}

static void
clock_closed(void *owner)
{
  maybe_free(owner);
}

static int
tls_setup(uvbot_t *ub, const reed_bot_irc_opts_t *opts)
{
  ub->tls_ctx = reed__bot_tls_ctx_new(opts->tls_ca_file, opts->tls_insecure);
  if (ub->tls_ctx == NULL)
    return REED_ETLS;
  if (opts->tls_insecure)
    reed_log(&ub->log, REED_LOG_WARN,
             "bot: TLS certificate checks are OFF for %s: anyone on the "
             "path can read and change this connection",
             opts->host);
  return 0;
}

REED_EXTERN int
reed_bot_irc_new(struct uv_loop_s *loop, const reed_bot_irc_opts_t *opts,
                 reed_bot_t **out)
{
  uvbot_t *ub;
  reed__bot_irc_io_t io = {
      .write = io_write, .connect = io_connect, .close = io_close};
  int rc;

  if (loop == NULL || out == NULL)
    return REED_EINVAL;
  ub = reed_calloc(1, sizeof(*ub));
  if (ub == NULL)
    return REED_ENOMEM;
  ub->loop = loop;
  reed__bot_uv_clock_init(&ub->clock, loop, clock_closed, ub);
  reed_log_init_stderr(&ub->log, REED_LOG_INFO);
  io.io = ub;
  rc = reed__bot_irc_init(&ub->irc, opts, &io, &ub->clock.clock, &ub->log);
  if (rc == 0 && opts->tls)
    rc = tls_setup(ub, opts);
  if (rc != 0) {
    if (ub->irc.bot.clock)
      reed__bot_irc_cleanup(&ub->irc);
    reed_free(ub);
    return rc;
  }
  *out = &ub->irc.bot;
  return 0;
}

REED_EXTERN int
reed_bot_irc_start(reed_bot_t *bot)
{
  if (bot == NULL)
    return REED_EINVAL;
  return reed__bot_irc_start((reed__bot_irc_t *)bot);
}

REED_EXTERN void
reed_bot_irc_free(reed_bot_t *bot)
{
  uvbot_t *ub = (uvbot_t *)bot;

  if (ub == NULL)
    return;
  ub->freeing = 1;
  reed__bot_irc_cleanup(&ub->irc);
  if (ub->gai)
    uv_cancel((uv_req_t *)ub->gai);
  if (ub->tcp && !ub->tcp_closing) {
    ub->tcp_closing = 1;
    uv_close((uv_handle_t *)ub->tcp, tcp_closed);
  }
  reed_log_flush(&ub->log);
  maybe_free(ub);
}
