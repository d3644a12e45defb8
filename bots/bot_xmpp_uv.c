/* The XMPP transport on the bot's libuv loop. libstrophe owns the
 * connection: TCP, TLS (OpenSSL, its certificate checks), SASL, bind and
 * the XML stream. It has no "feed these bytes" entry point; what it offers
 * an outside loop is xmpp_run_once(ctx, timeout), one turn of its own
 * select() loop: write what is queued, fire its due timed handlers,
 * select() on its sockets for at most `timeout` ms, read at most 4 KB of
 * each ready one and hand the stanzas parsed to the handlers. With a
 * timeout of 0 that turn never waits, so it is a non-blocking step, and
 * libuv decides when to take it:
 *
 *  - a uv_poll on libstrophe's socket (the fd comes from the socket-option
 *    callback, which libstrophe calls between socket() and connect()):
 *    readable always, writable while libstrophe's send queue holds bytes
 *    or the TCP connect is in progress; each poll event takes one step;
 *  - over TLS, OpenSSL may keep decrypted bytes that the socket no longer
 *    shows (a record is up to 16 KB, a step reads 4 KB), and libuv cannot
 *    see them: after a readable event the adapter keeps stepping until
 *    four steps in a row took nothing from the socket (FIONREAD), which
 *    empties a whole record;
 *  - a 1 s uv_timer steps while a connection exists, for libstrophe's own
 *    timed handlers (connect timeout, missing features, the 2 s wait for
 *    the server's </stream:stream>): libstrophe 0.12 does not say when its
 *    next one is due;
 *  - bot actions call xmpp_send (libstrophe queues) and re-arm the poll
 *    for writable, so they go out on the next loop turn.
 *
 * Two things in libstrophe 0.12 still block the loop, briefly: the TLS
 * handshake (its tls_start waits on the socket with select() until done)
 * and, for a host name, its resolver; the adapter resolves the host on
 * libuv's thread pool itself and hands libstrophe the numeric address, so
 * only the handshake's round trips remain. A networked bot is its own
 * process, so that wait stalls no one else.
 *
 * A connection object serves one attempt: a new one per reconnect (with
 * the handlers added again), the old one released at the next attempt,
 * never inside its own callbacks. */
#include "bot_uv_clock.h"
#include "bot_xmpp_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <uv.h>

#define TICK_MS 1000
#define DRAIN_QUIET 4
#define DRAIN_MAX 64

typedef struct uvx_s uvx_t;

struct uvx_s {
  reed__bot_xmpp_t x; /* first: a reed_bot_t * is a uvx_t * */
  uv_loop_t *loop;
  reed__bot_uv_clock_t clock;
  reed_log_t log;
  xmpp_log_t xlog;
  xmpp_ctx_t *ctx;
  xmpp_conn_t *conn;  /* this attempt's, or NULL */
  xmpp_conn_t *spent; /* a finished attempt's, released later */
  char *host, *password, *ca_file;
  uint16_t port;
  int direct_tls, insecure;
  uv_getaddrinfo_t *gai;
  unsigned attempt; /* which resolved address to try */
  uv_poll_t *poll;
  int fd;
  uv_timer_t *tick;
  char reason[160]; /* the last warning libstrophe logged */
  int auth_failed;
  int pending; /* handles and requests whose callback has not run */
  int freeing;
};

static void maybe_free(uvx_t *ub);

/* ---- Handles ------------------------------------------------------------ */
static void
handle_closed(uv_handle_t *h)
{
  uvx_t *ub = h->data;

  reed_free(h);
  ub->pending--;
  maybe_free(ub);
}

/* ---- Driving libstrophe
 * ------------------------------------------------------
 */
static void on_poll(uv_poll_t *h, int status, int events);

static int
socket_backlog(int fd)
{
  int n = 0;

  return fd >= 0 && ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
}

static void
rearm(uvx_t *ub)
{
  int events = UV_READABLE;

  if (ub->conn == NULL || ub->poll == NULL)
    return;
  if (xmpp_conn_is_connecting(ub->conn) ||
      xmpp_conn_send_queue_len(ub->conn) > 0)
    events |= UV_WRITABLE;
  uv_poll_start(ub->poll, events, on_poll);
}

/* One step; after a readable event over TLS, steps until DRAIN_QUIET in a
 * row took nothing from the socket (see the top of the file). */
static void
step(uvx_t *ub, int readable)
{
  int quiet = 0;

  for (int i = 0; i < DRAIN_MAX && ub->conn && quiet < DRAIN_QUIET; i++) {
    int before = socket_backlog(ub->fd);
    xmpp_run_once(ub->ctx, 0);
    if (!readable || ub->conn == NULL || !xmpp_conn_is_secured(ub->conn))
      break;
    quiet = socket_backlog(ub->fd) < before ? 0 : quiet + 1;
  }
  rearm(ub);
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
  uvx_t *ub = h->data;

  step(ub, status < 0 || (events & UV_READABLE));
}

static void
on_tick(uv_timer_t *h)
{
  step(h->data, 0);
}

static void
close_handle(uvx_t *ub, uv_handle_t *h)
{
  if (h && !uv_is_closing(h))
    uv_close(h, handle_closed);
  REED_UNUSED(ub);
}

/* libstrophe closes the socket before it reports the end: stop watching
 * that fd at once (nothing else runs in between). */
static void
unwatch(uvx_t *ub)
{
  if (ub->poll) {
    uv_poll_stop(ub->poll);
    close_handle(ub, (uv_handle_t *)ub->poll);
    ub->poll = NULL;
  }
  if (ub->tick) {
    uv_timer_stop(ub->tick);
    close_handle(ub, (uv_handle_t *)ub->tick);
    ub->tick = NULL;
  }
  ub->fd = -1;
}

/* ---- libstrophe's callbacks ---------------------------------------------- */
static int
on_stanza(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
  uvx_t *ub = ud;

  if (conn == ub->conn && !ub->freeing)
    reed__bot_xmpp_stanza(&ub->x, st);
  return 1;
}

static void
end_reason(uvx_t *ub, int error, xmpp_stream_error_t *se, char *out,
           size_t size)
{
  if (ub->auth_failed)
    snprintf(out, size, "login refused: wrong JID or password?");
  else if (se && se->text)
    snprintf(out, size, "stream error: %s", se->text);
  else if (se && se->stanza && xmpp_stanza_get_children(se->stanza))
    snprintf(out, size, "stream error: %s",
             xmpp_stanza_get_name(xmpp_stanza_get_children(se->stanza)));
  else if (ub->reason[0])
    snprintf(out, size, "%s", ub->reason);
  else if (error)
    /* errno, or an OpenSSL SSL_ERROR_* code over TLS. */
    snprintf(out, size, "connection lost (error %d)", error);
  else
    snprintf(out, size, "connection closed");
}

static void
on_conn_event(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
              xmpp_stream_error_t *se, void *ud)
{
  uvx_t *ub = ud;
  char why[200];

  if (conn != ub->conn || ub->freeing)
    return;
  if (event == XMPP_CONN_CONNECT) {
    ub->reason[0] = '\0';
    reed__bot_xmpp_online(&ub->x);
    return;
  }
  if (event != XMPP_CONN_DISCONNECT && event != XMPP_CONN_FAIL)
    return;
  end_reason(ub, error, se, why, sizeof(why));
  unwatch(ub);
  ub->spent = conn;
  ub->conn = NULL;
  reed__bot_xmpp_closed(&ub->x, why, ub->auth_failed);
}

/* libstrophe's log: warnings and errors go to the bot's log, and the last
 * one becomes the DISCONNECTED reason; a refused login ("auth" errors:
 * every mechanism failed) makes the end final. */
static void
on_log(void *ud, xmpp_log_level_t level, const char *area, const char *msg)
{
  uvx_t *ub = ud;

  if (level < XMPP_LEVEL_WARN)
    return;
  reed_log(&ub->log, REED_LOG_WARN, "xmpp bot: %s: %s", area, msg);
  snprintf(ub->reason, sizeof(ub->reason), "%s: %s", area, msg);
  if (level == XMPP_LEVEL_ERROR && strcmp(area, "auth") == 0)
    ub->auth_failed = 1;
}

/* The socket-option callback is the one place libstrophe shows its
 * socket; it is called from inside xmpp_connect_client, so the attempt
 * being made is known (one thread; set just around that call). */
static uvx_t *connecting;

static int
on_socket(xmpp_conn_t *conn, void *sock)
{
  if (connecting)
    connecting->fd = *(int *)sock;
  return xmpp_sockopt_cb_keepalive(conn, sock);
}

/* ---- Connecting ------------------------------------------------------------
 */
static void
io_send(void *io, xmpp_stanza_t *st)
{
  uvx_t *ub = io;

  if (ub->conn == NULL)
    return;
  xmpp_send(ub->conn, st);
  rearm(ub);
}

static void
io_close(void *io)
{
  uvx_t *ub = io;

  if (ub->gai)
    uv_cancel((uv_req_t *)ub->gai);
  if (ub->conn) {
    xmpp_disconnect(ub->conn);
    rearm(ub);
  }
}

static xmpp_conn_t *
new_conn(uvx_t *ub)
{
  xmpp_conn_t *conn = xmpp_conn_new(ub->ctx);
  long flags = XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM;

  if (conn == NULL)
    return NULL;
  if (ub->direct_tls)
    flags |= XMPP_CONN_FLAG_LEGACY_SSL;
  if (ub->insecure)
    flags |= XMPP_CONN_FLAG_TRUST_TLS;
  xmpp_conn_set_flags(conn, flags);
  xmpp_conn_set_jid(conn, ub->x.jid);
  xmpp_conn_set_pass(conn, ub->password);
  if (ub->ca_file)
    xmpp_conn_set_cafile(conn, ub->ca_file);
  xmpp_conn_set_sockopt_callback(conn, on_socket);
  xmpp_handler_add(conn, on_stanza, NULL, NULL, NULL, ub);
  return conn;
}

static int
watch(uvx_t *ub)
{
  ub->poll = reed_calloc(1, sizeof(*ub->poll));
  ub->tick = reed_calloc(1, sizeof(*ub->tick));
  if (ub->poll == NULL || ub->tick == NULL ||
      uv_poll_init_socket(ub->loop, ub->poll, ub->fd) != 0) {
    reed_free(ub->poll);
    reed_free(ub->tick);
    ub->poll = NULL;
    ub->tick = NULL;
    return REED_ENOMEM;
  }
  uv_timer_init(ub->loop, ub->tick);
  ub->poll->data = ub->tick->data = ub;
  ub->pending += 2;
  uv_timer_start(ub->tick, on_tick, TICK_MS, TICK_MS);
  rearm(ub);
  return 0;
}

/* One attempt on a numeric address; 0, or the attempt failed at once. */
static int
attempt(uvx_t *ub, const char *addr)
{
  xmpp_conn_t *conn;
  int rc;

  if (ub->spent) {
    xmpp_conn_release(ub->spent);
    ub->spent = NULL;
  }
  ub->conn = new_conn(ub);
  if (ub->conn == NULL)
    return REED_ENOMEM;
  ub->fd = -1;
  ub->auth_failed = 0;
  ub->reason[0] = '\0';
  connecting = ub;
  rc = xmpp_connect_client(ub->conn, addr, ub->port, on_conn_event, ub);
  connecting = NULL;
  if (rc == XMPP_EOK && ub->fd >= 0 && watch(ub) == 0)
    return 0;
  /* Not ours any more: releasing a connecting one reports its end, which
   * the caller reports itself. */
  conn = ub->conn;
  ub->conn = NULL;
  xmpp_conn_release(conn);
  return REED_EIO;
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *ai)
{
  uvx_t *ub = req->data;
  char addr[64] = "";
  unsigned n = 0, i = 0;

  reed_free(req);
  ub->gai = NULL;
  ub->pending--;
  for (struct addrinfo *a = status == 0 ? ai : NULL; a; a = a->ai_next)
    n++;
  /* Each attempt takes the next address, so a server reachable on one
   * address family only is found within two attempts. */
  for (struct addrinfo *a = n ? ai : NULL; a; a = a->ai_next, i++)
    if (i == ub->attempt % n) {
      uv_ip_name(a->ai_addr, addr, sizeof(addr));
      break;
    }
  if (ai)
    uv_freeaddrinfo(ai);
  ub->attempt++;
  if (ub->freeing) {
    maybe_free(ub);
    return;
  }
  if (ub->x.state != REED__BOT_XMPP_CONNECTING)
    return;
  if (addr[0] == '\0')
    reed__bot_xmpp_closed(&ub->x, "cannot resolve the host", 0);
  else if (attempt(ub, addr) != 0)
    reed__bot_xmpp_closed(&ub->x, ub->reason[0] ? ub->reason : "connect failed",
                          0);
}

static int
io_connect(void *io)
{
  uvx_t *ub = io;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
  char port[8];

  ub->gai = reed_calloc(1, sizeof(*ub->gai));
  if (ub->gai == NULL)
    return REED_ENOMEM;
  ub->gai->data = ub;
  snprintf(port, sizeof(port), "%u", ub->port);
  if (uv_getaddrinfo(ub->loop, ub->gai, on_resolved, ub->host, port, &hints) !=
      0) {
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
maybe_free(uvx_t *ub)
{
  if (ub->freeing && ub->pending == 0 && ub->clock.open == 0) {
    if (ub->ctx)
      xmpp_ctx_free(ub->ctx);
    reed_free(ub->host);
    reed_free(ub->password);
    reed_free(ub->ca_file);
    reed_free(ub);
  }
}

static void
clock_closed(void *owner)
{
  maybe_free(owner);
}

static int
dup_or_null(const char *s, char **out)
{
  *out = s ? reed_strdup(s) : NULL;
  return s && *out == NULL ? REED_ENOMEM : 0;
}

/* Where to connect: the host given, else the JID's domain. */
static int
settings(uvx_t *ub, const reed_bot_xmpp_opts_t *o)
{
  ub->direct_tls = o->direct_tls;
  ub->insecure = o->tls_insecure;
  ub->port = o->port ? o->port : o->direct_tls ? 5223 : 5222;
  if (dup_or_null(o->host ? o->host : ub->x.domain, &ub->host) ||
      dup_or_null(o->password, &ub->password) ||
      dup_or_null(o->tls_ca_file, &ub->ca_file))
    return REED_ENOMEM;
  if (o->tls_insecure)
    reed_log(&ub->log, REED_LOG_WARN,
             "bot: TLS certificate checks are OFF for %s: anyone on the "
             "path can read and change this connection",
             ub->host);
  return 0;
}

REED_EXTERN int
reed_bot_xmpp_new(struct uv_loop_s *loop, const reed_bot_xmpp_opts_t *opts,
                  reed_bot_t **out)
{
  static int initialized;
  reed__bot_xmpp_io_t io = {
      .send = io_send, .connect = io_connect, .close = io_close};
  uvx_t *ub;
  int rc;

  if (loop == NULL || out == NULL)
    return REED_EINVAL;
  if (!initialized++)
    xmpp_initialize();
  ub = reed_calloc(1, sizeof(*ub));
  if (ub == NULL)
    return REED_ENOMEM;
  ub->loop = loop;
  ub->fd = -1;
  reed__bot_uv_clock_init(&ub->clock, loop, clock_closed, ub);
  reed_log_init_stderr(&ub->log, REED_LOG_INFO);
  ub->xlog = (xmpp_log_t){.handler = on_log, .userdata = ub};
  ub->ctx = xmpp_ctx_new(NULL, &ub->xlog);
  io.io = ub;
  rc = ub->ctx ? reed__bot_xmpp_init(&ub->x, opts, &io, ub->ctx,
                                     &ub->clock.clock, &ub->log)
               : REED_ENOMEM;
  if (rc == 0)
    rc = settings(ub, opts);
  if (rc != 0) {
    if (ub->x.bot.clock)
      reed__bot_xmpp_cleanup(&ub->x);
    ub->freeing = 1;
    maybe_free(ub);
    return rc;
  }
  *out = &ub->x.bot;
  return 0;
}

REED_EXTERN int
reed_bot_xmpp_start(reed_bot_t *bot)
{
  if (bot == NULL)
    return REED_EINVAL;
  return reed__bot_xmpp_start((reed__bot_xmpp_t *)bot);
}

REED_EXTERN void
reed_bot_xmpp_free(reed_bot_t *bot)
{
  uvx_t *ub = (uvx_t *)bot;

  if (ub == NULL)
    return;
  ub->freeing = 1;
  reed__bot_xmpp_cleanup(&ub->x);
  if (ub->gai)
    uv_cancel((uv_req_t *)ub->gai);
  if (ub->poll)
    uv_poll_stop(ub->poll); /* before libstrophe closes the fd */
  if (ub->conn)
    xmpp_conn_release(ub->conn);
  if (ub->spent)
    xmpp_conn_release(ub->spent);
  ub->conn = ub->spent = NULL;
  unwatch(ub);
  reed_log_flush(&ub->log);
  maybe_free(ub);
}
