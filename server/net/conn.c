/* Connections: accept, the transport a core writes to, the read path with
 * the feed contract, the flush, and the close sequence. A connection is
 * freed only in its uv_close callback; everything else marks it and lets
 * the end of the loop turn act. */
#include "net_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define FLUSH_IOVS 64
#define FLUSH_ROUNDS 16 /* try_write calls per connection and turn */
#define KEEPALIVE_S 300 /* idle seconds before TCP keepalive probes */
#define FEED_SLICE 4096 /* input fed between two looks at the send queue */

/* ---- Close ----------------------------------------------------------------
 */
static void
set_reason(reed_conn_t *c, const char *reason, bool copy)
{
  if (c->reason != NULL)
    return;
  if (copy && (c->reason_buf = reed_strdup(reason)) != NULL)
    c->reason = c->reason_buf;
  else
    c->reason = copy ? "closed" : reason;
}

/* Schedules the core's eof unless it closed the connection itself or has
 * been told already. */
static void
tell_core(reed_conn_t *c)
{
  if (c->core == NULL || (c->flags & CONN_NO_EOF))
    return;
  c->flags |= CONN_NO_EOF | CONN_NEED_EOF;
  reed__net_mark_work(c);
}

static void
begin_close(reed_conn_t *c, const char *reason, bool copy)
{
  reed_net_t *net = c->net;

  c->flags |= CONN_CLOSING;
  set_reason(c, reason, copy);
  uv_read_stop(&c->io.s);
  reed__conn_set_deadline(c, net->limits.close_timeout_ms);
}

void
reed__conn_set_deadline(reed_conn_t *c, uint64_t ms)
{
  c->deadline = ms ? uv_now(&c->net->loop) + ms : 0;
  if (c->deadline != 0)
    reed__net_arm_sweep(c->net, c->deadline);
}

void
reed__conn_close(reed_conn_t *c, const char *reason, bool tell)
{
  if (c->flags & (CONN_CLOSING | CONN_UVCLOSED))
    return;
  begin_close(c, reason, false);
  if (tell)
    tell_core(c);
  else
    c->flags |= CONN_NO_EOF;
  if (c->tls != NULL)
    reed__tls_close_notify(c);
  reed__net_mark_dirty(c);
}

void
reed__conn_abort(reed_conn_t *c, const char *reason)
{
  if (c->flags & CONN_UVCLOSED)
    return;
  if (!(c->flags & CONN_CLOSING))
    begin_close(c, reason, false);
  c->flags |= CONN_ABORT;
  tell_core(c);
  reed__net_mark_dirty(c);
}

static void
on_closed(uv_handle_t *h)
{
  reed_conn_t *c = h->data;
  reed_net_t *net = c->net;

  /* conn_free first: a core not yet told of the close names its user. */
  if (c->core != NULL && c->module->conn_free != NULL)
    c->module->conn_free(c->core);
  c->core = NULL;
  reed_log(net->log, REED_LOG_INFO, "conn %llu %s closed%s%s%s: %s",
           (unsigned long long)c->env.conn_id, c->peer.ip, c->label ? " (" : "",
           c->label ? c->label : "", c->label ? ")" : "",
           c->reason ? c->reason : "closed");
  reed__net_unlazy(c);
  reed_free(c->label);
  reed__tls_conn_free(c);
  if (c->flags & CONN_COUNTED)
    reed__ip_release(net, c->peer.ip);
  if (c->prev != NULL)
    c->prev->next = c->next;
  else
    net->conns = c->next;
  if (c->next != NULL)
    c->next->prev = c->prev;
  net->nconns--;
  reed__outq_clear(&c->outq);
  reed__inbuf_clear(&c->inbuf);
  reed_free(c->reason_buf);
  reed_free(c);
  if (net->state == NET_SHUTTING && net->nconns == 0)
    net->state = NET_DONE;
}

void
reed__conn_uvclose(reed_conn_t *c)
{
  c->flags |= CONN_UVCLOSED | CONN_CLOSING;
  uv_close(&c->io.h, on_closed);
}

/* ---- Output ----------------------------------------------------------------
 */
static void start_write(reed_conn_t *c);

static void
on_written(uv_write_t *req, int status)
{
  reed_conn_t *c = req->data;

  reed_free(req);
  c->wreq = NULL;
  if (status == UV_ECANCELED)
    return;
  if (status < 0) {
    reed__conn_abort(c, uv_strerror(status));
    return;
  }
  reed__outq_consume(&c->outq, c->inflight);
  c->inflight = 0;
  reed__net_mark_dirty(c);
}

static void
start_write(reed_conn_t *c)
{
  reed_iov_t iov[FLUSH_IOVS];
  uv_buf_t bufs[FLUSH_IOVS];
  size_t n = reed__outq_peek(&c->outq, iov, FLUSH_IOVS);
  int rc;

  c->wreq = reed_malloc(sizeof(*c->wreq));
  if (c->wreq == NULL) {
    reed__conn_abort(c, "out of memory");
    return;
  }
  c->wreq->data = c;
  c->inflight = 0;
  for (size_t i = 0; i < n; i++) {
    bufs[i] = uv_buf_init((char *)iov[i].base, (unsigned)iov[i].len);
    c->inflight += iov[i].len;
  }
  rc = uv_write(c->wreq, &c->io.s, bufs, (unsigned)n, on_written);
  if (rc != 0) {
    reed_free(c->wreq);
    c->wreq = NULL;
    c->inflight = 0;
    reed__conn_abort(c, uv_strerror(rc));
  }
}

/* Writes one batch of the queue without blocking; returns the bytes the
 * kernel took, or < 0 after cutting the connection. */
static ssize_t
try_write_batch(reed_conn_t *c, size_t *offered)
{
  reed_iov_t iov[FLUSH_IOVS];
  uv_buf_t bufs[FLUSH_IOVS];
  size_t n = reed__outq_peek(&c->outq, iov, FLUSH_IOVS);
  int rc;

  *offered = 0;
  for (size_t i = 0; i < n; i++) {
    bufs[i] = uv_buf_init((char *)iov[i].base, (unsigned)iov[i].len);
    *offered += iov[i].len;
  }
  rc = uv_try_write(&c->io.s, bufs, (unsigned)n);
  if (rc == UV_EAGAIN)
    return 0;
  if (rc < 0)
    reed__conn_abort(c, uv_strerror(rc));
  return rc;
}

/* uv_try_write while the kernel takes whole batches; a write request only
 * for what remains. */
static void
try_write(reed_conn_t *c)
{
  for (int round = 0; round < FLUSH_ROUNDS && c->outq.bytes > 0; round++) {
    size_t offered;
    ssize_t n = try_write_batch(c, &offered);
    if (n < 0)
      return;
    reed__outq_consume(&c->outq, (size_t)n);
    if ((size_t)n < offered)
      break;
  }
  if (c->outq.bytes > 0)
    start_write(c);
}

size_t
reed__conn_queued(const reed_conn_t *c)
{
  return c->outq.bytes + reed__tls_queued(c);
}

/* Back-pressure on a client's own requests: past half the send-queue
 * limit its input is neither fed nor read, so what it pipelines waits in
 * the kernel and its writes block; below a quarter it is read again. The
 * limit itself still cuts what the client did not ask for (a fan-out to a
 * reader that stalled). */
static void
check_backlog(reed_conn_t *c)
{
  size_t limit = c->net->limits.sendq, queued = reed__conn_queued(c);

  if (limit == 0 || (c->flags & (CONN_CLOSING | CONN_UVCLOSED)))
    return;
  if (!(c->flags & CONN_BACKLOG) && queued > limit / 2) {
    c->flags |= CONN_BACKLOG;
    uv_read_stop(&c->io.s);
  } else if ((c->flags & CONN_BACKLOG) && queued <= limit / 4) {
    c->flags &= ~CONN_BACKLOG;
    c->flags |= CONN_REFEED;
    reed__net_mark_work(c);
  }
}

void
reed__conn_flush(reed_conn_t *c)
{
  if (c->flags & (CONN_UVCLOSED | CONN_WORK))
    return;
  if (!(c->flags & CONN_ABORT) && reed__tls_encrypt(c) != 0)
    reed__conn_abort(c, "TLS error");
  if (!(c->flags & CONN_ABORT) && c->wreq == NULL && c->outq.bytes > 0)
    try_write(c);
  check_backlog(c);
  if (c->flags & (CONN_DIRTY | CONN_WORK))
    return; /* marked again meanwhile: the next pass decides */
  if ((c->flags & CONN_ABORT) ||
      ((c->flags & CONN_CLOSING) && c->outq.bytes == 0 && c->wreq == NULL &&
       reed__tls_queued(c) == 0))
    reed__conn_uvclose(c);
}

/* ---- The transport -------------------------------------------------------
 */
/* What a write's result does to the connection: a full queue or an error
 * cuts it; queued bytes go out at the end of the turn. */
static int
wrote(reed_conn_t *c, int rc)
{
  if (rc == REED_EQUEUEFULL) {
    c->net->cut_sendq++;
    reed__conn_abort(c, "SendQ exceeded");
  } else if (rc != 0) {
    reed__conn_abort(c, reed_strerror(rc));
  } else {
    check_backlog(c);
    reed__net_mark_dirty(c);
  }
  return rc;
}

static int
tp_write(void *t, reed_buf_t *buf)
{
  reed_conn_t *c = t;
  int rc;

  if (c->flags & (CONN_CLOSING | CONN_UVCLOSED))
    return REED_ECLOSED;
  if (c->tls != NULL)
    rc = reed__tls_write(c, buf);
  else
    rc = reed__outq_push(&c->outq, buf, c->net->limits.sendq);
  return wrote(c, rc);
}

static int
tp_write2(void *t, const void *head, size_t head_len, reed_buf_t *body)
{
  reed_conn_t *c = t;
  int rc;

  if (c->flags & (CONN_CLOSING | CONN_UVCLOSED))
    return REED_ECLOSED;
  if (c->tls != NULL)
    rc = reed__tls_write2(c, head, head_len, body);
  else
    rc = reed__outq_push2(&c->outq, head, head_len, body, c->net->limits.sendq);
  return wrote(c, rc);
}

static void
tp_close(void *t, const char *reason)
{
  reed_conn_t *c = t;

  if (c->flags & (CONN_CLOSING | CONN_UVCLOSED))
    return;
  c->flags |= CONN_NO_EOF;
  begin_close(c, reason ? reason : "closed", true);
  if (c->tls != NULL)
    reed__tls_close_notify(c);
  reed__net_mark_dirty(c);
}

static void
tp_set_label(void *t, const char *label)
{
  reed_conn_t *c = t;

  reed_free(c->label);
  c->label = label != NULL ? reed_strdup(label) : NULL;
}

static void
tp_pause(void *t, bool paused)
{
  reed_conn_t *c = t;

  if (paused) {
    c->flags |= CONN_PAUSED;
    uv_read_stop(&c->io.s);
    return;
  }
  if (!(c->flags & CONN_PAUSED))
    return;
  c->flags &= ~CONN_PAUSED;
  /* Fed again only if the send queue does not hold it back too. */
  c->flags |= CONN_REFEED;
  reed__net_mark_work(c);
}

static int
tp_start_tls(void *t)
{
  reed_conn_t *c = t;

  if (c->tls != NULL || c->net->ctx == NULL ||
      (c->flags & (CONN_CLOSING | CONN_UVCLOSED)))
    return REED_ETLS;
  if (reed__tls_conn_start(c, c->net->ctx) != 0)
    return REED_ETLS;
  c->flags |= CONN_STARTTLS;
  reed__conn_set_deadline(c, c->net->limits.handshake_timeout_ms);
  return 0;
}

static const reed_peer_t *
tp_peer(void *t)
{
  return &((reed_conn_t *)t)->peer;
}

static int
tp_channel_binding(void *t, const char *type, uint8_t *out, size_t *len)
{
  return reed__tls_channel_binding(t, type, out, len);
}

/* ---- Input ----------------------------------------------------------------
 */
/* The module's refusal bytes (proto.h), queued ahead of a close. */
static void
send_refusal(reed_conn_t *c, const char *reason)
{
  reed_buf_t *b =
      c->module->refusal != NULL ? c->module->refusal(reason) : NULL;

  if (b == NULL)
    return;
  if (c->tls != NULL)
    reed__tls_write(c, b);
  else
    reed__outq_push(&c->outq, b, 0);
  reed_buf_unref(b);
}

/* What the flooder has sent and net not read yet is dropped now: closing
 * a socket with unread input resets it, and the reset would beat the
 * refusal to the client. (Bounded: a client still sending after the
 * close flushes is reset anyway.) */
static void
discard_input(reed_conn_t *c)
{
  uint8_t junk[4096];
  uv_os_fd_t fd;

  if (uv_fileno(&c->io.h, &fd) != 0)
    return;
  for (int i = 0; i < 64; i++)
    if (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) <= 0)
      return;
}

/* More unconsumed input than recvq: the client is flooding. It is told
 * in its protocol and cut; its core quits with "Excess Flood". */
static void
cut_flooder(reed_conn_t *c)
{
  c->net->cut_flood++;
  reed__gate_log(c->net, &c->net->refuse_gate, REED_LOG_WARN,
                 "cut %s: input buffer exceeded", c->peer.ip);
  send_refusal(c, "Excess Flood");
  reed__conn_close(c, "Excess Flood", true);
  discard_input(c);
}

/* Keeps what the core has not consumed. Between reads at most recvq is
 * held (check_flood), so one read more bounds it. */
static int
hold(reed_conn_t *c, const uint8_t *p, size_t n)
{
  size_t limit = c->net->limits.recvq;
  int rc;

  rc = reed__inbuf_append(&c->inbuf, p, n,
                          limit > 0 ? limit + sizeof(c->net->rbuf) : 0);
  if (rc == REED_ETOOBIG)
    cut_flooder(c);
  else if (rc != 0)
    reed__conn_abort(c, "out of memory");
  return rc;
}

/* After a read is fed: more than recvq left unconsumed is a flood (a core
 * that paused, IRC's fakelag, or a record too long). Not while the
 * client's answers back up: then reading has stopped, and what waits is
 * the rest of one read. */
static void
check_flood(reed_conn_t *c)
{
  size_t limit = c->net->limits.recvq;

  if (limit > 0 && c->inbuf.len > limit &&
      !(c->flags & (CONN_BACKLOG | CONN_CLOSING)))
    cut_flooder(c);
}

static bool
can_feed(const reed_conn_t *c)
{
  return c->core != NULL && !(c->flags & (CONN_STOPPED | CONN_CLOSING));
}

/* Feeds p[0..n) a slice at a time (the feed contract lets input be split
 * anywhere), so that the answers to a pipelined burst are weighed against
 * the send queue between slices, not after all of a 64 KiB read. A slice
 * the core leaves a partial record of is retried with twice that rest, so
 * a long record is rescanned a bounded number of times. Returns the bytes
 * consumed: it stops at the end, when the core can no longer be fed, or
 * when the core started TLS; < 0 on a protocol error. */
static ssize_t
feed_slices(reed_conn_t *c, const uint8_t *p, size_t n)
{
  bool plain = c->tls == NULL;
  size_t used = 0, want = FEED_SLICE;

  while (used < n && can_feed(c)) {
    size_t len = n - used < want ? n - used : want;
    ssize_t r = c->module->feed(c->core, p + used, len);
    if (r < 0)
      return r;
    used += (size_t)r;
    if (plain && c->tls != NULL)
      break;
    if ((size_t)r == len) {
      want = FEED_SLICE;
    } else if (used + (len - (size_t)r) == n) {
      break; /* the rest is a partial record: wait for more */
    } else {
      want = 2 * (len - (size_t)r);
      if (want < FEED_SLICE)
        want = FEED_SLICE;
    }
  }
  return (ssize_t)used;
}

/* After STARTTLS began inside a feed, what followed the command is the
 * client's handshake: it goes to TLS, not to the core. */
static void
starttls_rest(reed_conn_t *c, const uint8_t *p, size_t n)
{
  reed_inbuf_t rest = c->inbuf;

  /* Detached first: the TLS input path may hold plaintext again. */
  c->inbuf = (reed_inbuf_t){0};
  if (p != NULL && n > 0)
    reed__tls_input(c, p, n);
  else if (rest.len > 0)
    reed__tls_input(c, rest.p, rest.len);
  reed__inbuf_clear(&rest);
}

/* Feeds held input until it is gone, the core pauses, or it stops
 * consuming. */
static void
feed_held(reed_conn_t *c)
{
  bool plain = c->tls == NULL;
  ssize_t r;

  if (c->inbuf.len == 0 || !can_feed(c))
    return;
  r = feed_slices(c, c->inbuf.p, c->inbuf.len);
  if (r < 0) {
    reed__conn_close(c, "protocol error", false);
    return;
  }
  reed__inbuf_consume(&c->inbuf, (size_t)r);
  if (plain && c->tls != NULL)
    starttls_rest(c, NULL, 0);
}

void
reed__conn_deliver(reed_conn_t *c, const uint8_t *p, size_t n)
{
  bool plain = c->tls == NULL;
  ssize_t r;

  if (c->flags & CONN_CLOSING)
    return;
  if (c->inbuf.len > 0 || !can_feed(c)) {
    if (hold(c, p, n) == 0)
      feed_held(c);
    check_flood(c);
    return;
  }
  r = feed_slices(c, p, n);
  if (r < 0) {
    reed__conn_close(c, "protocol error", false);
  } else if ((size_t)r < n && plain && c->tls != NULL) {
    starttls_rest(c, p + r, n - (size_t)r);
  } else if ((size_t)r < n && hold(c, p + r, n - (size_t)r) == 0) {
    check_flood(c);
  }
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
  reed_conn_t *c = h->data;

  REED_UNUSED(hint);
  /* One buffer for the whole loop: a read is handled before the next. */
  *buf = uv_buf_init((char *)c->net->rbuf, sizeof(c->net->rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
  reed_conn_t *c = s->data;

  if (nread == 0)
    return;
  if (nread == UV_EOF) {
    reed__conn_close(c, "connection closed by peer", true);
    return;
  }
  if (nread < 0) {
    reed__conn_abort(c, uv_strerror((int)nread));
    return;
  }
  c->net->feeding = c;
  if (c->tls != NULL)
    reed__tls_input(c, (const uint8_t *)buf->base, (size_t)nread);
  else
    reed__conn_deliver(c, (const uint8_t *)buf->base, (size_t)nread);
  c->net->feeding = NULL;
  if (c->flags & (CONN_STOPPED | CONN_CLOSING))
    uv_read_stop(s);
}

static void
resume(reed_conn_t *c)
{
  c->net->feeding = c;
  feed_held(c);
  /* Records may wait in the TLS buffers even when some held input is left
   * (a partial line that the next record completes). */
  if (c->tls != NULL && can_feed(c))
    reed__tls_pump(c);
  c->net->feeding = NULL;
  if (can_feed(c) ||
      (c->core == NULL && !(c->flags & (CONN_CLOSING | CONN_BACKLOG))))
    uv_read_start(&c->io.s, on_alloc, on_read);
}

/* The reason a core quits with: the peer's own close is "Connection
 * closed"; net's reasons ("SendQ exceeded", uv's "connection reset by
 * peer") go as they are, with a capital first letter. */
static void
tell_eof(reed_conn_t *c)
{
  const char *r = c->reason;
  char shown[128];

  if (r == NULL || strcmp(r, "closed") == 0 ||
      strcmp(r, "connection closed by peer") == 0 ||
      strcmp(r, "TLS closed by peer") == 0)
    r = "Connection closed";
  reed_strlcpy(shown, r, sizeof(shown));
  if (shown[0] >= 'a' && shown[0] <= 'z')
    shown[0] = (char)(shown[0] - 'a' + 'A');
  c->module->eof(c->core, shown);
}

void
reed__conn_do_work(reed_conn_t *c)
{
  if (c->flags & CONN_UVCLOSED)
    return;
  if (c->flags & CONN_NEED_EOF) {
    c->flags &= ~(CONN_NEED_EOF | CONN_REFEED);
    if (c->core != NULL && c->module->eof != NULL)
      tell_eof(c);
  } else if (c->flags & CONN_REFEED) {
    c->flags &= ~CONN_REFEED;
    resume(c);
  }
  reed__net_mark_dirty(c);
}

/* ---- Accept ----------------------------------------------------------------
 */
int
reed__conn_start_core(reed_conn_t *c)
{
  int rc = c->module->conn_new(&c->env, &c->core);

  if (rc < 0) {
    c->core = NULL;
    reed__conn_close(c, "could not start a session", false);
  }
  return rc;
}

static void
fill_addr(const struct sockaddr_storage *ss, char *ip, size_t size,
          uint16_t *port)
{
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    uv_ip6_name(a, ip, size);
    *port = ntohs(a->sin6_port);
  } else if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    uv_ip4_name(a, ip, size);
    *port = ntohs(a->sin_port);
  } else {
    reed_strlcpy(ip, "unix", size);
    *port = 0;
  }
}

/* The local port is the listener's: no getsockname per connection. */
static void
fill_peer(reed_conn_t *c, const reed_lsock_t *lst)
{
  struct sockaddr_storage ss;
  int len = sizeof(ss);

  if (c->io.h.type != UV_TCP) {
    reed_strlcpy(c->peer.ip, "unix", sizeof(c->peer.ip));
    return;
  }
  c->peer.local_port = lst->port;
  memset(&ss, 0, sizeof(ss));
  if (uv_tcp_getpeername(&c->io.tcp, (struct sockaddr *)&ss, &len) == 0)
    fill_addr(&ss, c->peer.ip, sizeof(c->peer.ip), &c->peer.port);
}

/* A refused connection gets its module's refusal in clear (on an ssl
 * listener no handshake has run: it is closed without a word). */
static void
refuse(reed_conn_t *c, const char *why)
{
  reed_net_t *net = c->net;

  net->refused++;
  c->flags |= CONN_REFUSED;
  reed__gate_log(net, &net->refuse_gate, REED_LOG_WARN, "refused %s: %s",
                 c->peer.ip, why);
  if (!c->kind_tls)
    send_refusal(c, why);
  reed__conn_close(c, why, false);
  /* Its descriptor goes now, not at the end of the turn: a burst of
   * connections past the descriptor budget is accepted in one go. */
  if (c->outq.bytes > 0)
    try_write(c);
  if (!(c->flags & CONN_UVCLOSED) && c->outq.bytes == 0 && c->wreq == NULL)
    reed__conn_uvclose(c);
}

static bool
check_limits(reed_conn_t *c)
{
  reed_net_t *net = c->net;
  bool exempt;

  if (net->limits.max_connections > 0 &&
      net->nconns > net->limits.max_connections) {
    refuse(c, "too many connections");
    return false;
  }
  if (net->nconns > reed__fd_budget(net)) {
    reed__gate_log(net, &net->accept_gate, REED_LOG_WARN,
                   "accept: descriptor limit: %zu connections open",
                   net->nconns - 1);
    refuse(c, "server full");
    return false;
  }
  if (c->io.h.type != UV_TCP)
    return true;
  exempt = reed__rate_exempt(net, c->peer.ip);
  if (!exempt && reed__rate_take(net, c->peer.ip) == REED_ELIMIT) {
    refuse(c, "connecting too fast from your address");
    return false;
  }
  if (reed__ip_acquire(net, c->peer.ip, exempt ? 0 : net->limits.max_per_ip) !=
      0) {
    refuse(c, "too many connections from your address");
    return false;
  }
  c->flags |= CONN_COUNTED;
  return true;
}

static void
setup_env(reed_conn_t *c, reed_lsock_t *lst)
{
  reed_net_t *net = c->net;

  c->transport = (reed_transport_t){
      .write = tp_write,
      .write2 = tp_write2,
      .close = tp_close,
      .pause_reading = tp_pause,
      .start_tls = tp_start_tls,
      .peer = tp_peer,
      .set_label = tp_set_label,
      .channel_binding = tp_channel_binding,
      .t = c,
  };
  c->env = (reed_proto_env_t){
      .transport = &c->transport,
      .clock = &net->clock,
      .worker = &net->worker,
      .model = net->services.model,
      .portal = net->services.portal,
      .store = net->services.store,
      .conf = lst->module_conf,
      .module_state = lst->module_state,
      .role = lst->role,
      .server_conf = net->services.server_conf,
      .host = net->services.host,
      .log = net->log,
      .conn_id = net->next_conn_id++,
  };
}

static reed_conn_t *
conn_new(reed_lsock_t *lst)
{
  reed_net_t *net = lst->net;
  reed_conn_t *c = reed_calloc(1, CONN_SIZE(lst->kind));
  int rc;

  if (c == NULL)
    return NULL;
  if (lst->kind == REED_LISTEN_UNIX)
    rc = uv_pipe_init(&net->loop, &c->io.pipe, 0);
  else
    rc = uv_tcp_init(&net->loop, &c->io.tcp);
  if (rc != 0) {
    reed_free(c);
    return NULL;
  }
  c->io.h.data = c;
  c->peer.cert_fp = "";
  c->net = net;
  c->outq.pool = &net->outq_pool;
  c->module = lst->module;
  c->kind_tls = lst->kind == REED_LISTEN_SSL;
  c->next = net->conns;
  if (net->conns != NULL)
    net->conns->prev = c;
  net->conns = c;
  net->nconns++;
  setup_env(c, lst);
  return c;
}

void
reed__conn_accept(reed_lsock_t *lst)
{
  reed_conn_t *c = conn_new(lst);

  if (c == NULL) {
    reed_log(lst->net->log, REED_LOG_ERROR, "accept: out of memory");
    return;
  }
  if (uv_accept(&lst->io.s, &c->io.s) != 0) {
    reed__conn_abort(c, "accept failed");
    return;
  }
  fill_peer(c, lst);
  /* Output is already batched once per loop turn; Nagle would only add
   * latency to interactive lines. Keepalive finds peers that vanished
   * without a word, for protocols that do not ping. */
  if (c->io.h.type == UV_TCP) {
    uv_tcp_nodelay(&c->io.tcp, 1);
    uv_tcp_keepalive(&c->io.tcp, 1, KEEPALIVE_S);
  }
  if (!check_limits(c))
    return;
  if (c->kind_tls) {
    SSL_CTX *ctx = lst->ctx != NULL ? lst->ctx : lst->net->ctx;
    if (ctx == NULL || reed__tls_conn_start(c, ctx) != 0) {
      reed__conn_abort(c, "TLS unavailable");
      return;
    }
    reed__conn_set_deadline(c, lst->net->limits.handshake_timeout_ms);
  } else if (reed__conn_start_core(c) < 0) {
    return;
  }
  /* A core may have closed or paused already in conn_new. */
  if (!(c->flags & (CONN_CLOSING | CONN_STOPPED)))
    uv_read_start(&c->io.s, on_alloc, on_read);
}

size_t
reed__conn_footprint(const reed_conn_t *c)
{
  return (c->io.h.type == UV_NAMED_PIPE
              ? sizeof(*c)
              : offsetof(reed_conn_t, io) + sizeof(uv_tcp_t)) +
         reed__outq_footprint(&c->outq) + c->inbuf.cap +
         (c->wreq != NULL ? sizeof(*c->wreq) : 0) + reed__tls_footprint(c);
}
