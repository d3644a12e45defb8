/* A WebSocket carrying an inner core (http_wsb.h). */
#include "http_wsb.h"

#include "http_wslines.h"

#include <string.h>

#define PENDING_MAX 8          /* messages written before the upgrade */
#define HELD_MAX (64u * 1024u) /* input held while the core pauses */
#define REASON_MAX 120         /* a close frame's reason (RFC 6455: 123) */

typedef struct wsb_s {
  int kind;
  reed_ws_t *ws; /* NULL until the upgrade is accepted */
  const reed_inner_ops_t *ops;
  reed_inner_t *in;
  reed_transport_t tp; /* the core's */
  reed_peer_t peer;
  /* The WebSocket's transport once accepted (its pause holds further
   * messages back), the connection's before. */
  const reed_transport_t *outer;
  reed_clock_t *clock;
  uint64_t refeed_timer;
  bool paused;      /* the core paused reading */
  bool core_closed; /* the core closed: no eof for it */
  bool eof_told;    /* the core heard of the end */
  bool gone;        /* the WebSocket is closed: writes fail */
  reed_buf_t *held; /* input the core left, from held_off */
  size_t held_off;
  reed_buf_t *partial; /* IRC: output after the last LF */
  reed_buf_t *pending[PENDING_MAX];
  size_t n_pending;
  char close_reason[REASON_MAX + 4]; /* a close before the upgrade */
  bool close_pending;
} wsb_t;

/* ---- Output ------------------------------------------------------------ */

static bool
text_kind(const wsb_t *b)
{
  return b->kind != REED_WSB_IRC_BINARY;
}

/* One message, bytes [off, off+len) of buf; queued until the upgrade. */
static int
send_msg(wsb_t *b, reed_buf_t *buf, size_t off, size_t len)
{
  reed_buf_t *copy;

  if (b->ws != NULL)
    return reed_ws_send(b->ws, text_kind(b), buf, off, len);
  if (b->n_pending == PENDING_MAX ||
      (copy = reed_buf_from(buf->data + off, len)) == NULL)
    return REED_EQUEUEFULL;
  b->pending[b->n_pending++] = copy;
  return 0;
}

/* A text line that is not UTF-8 goes with U+FFFD in place of what is
 * not (IRCv3 websocket: never non-UTF-8 in a text message). */
static int
send_line(wsb_t *b, reed_buf_t *buf, size_t off, size_t len)
{
  size_t size;
  reed_buf_t *fixed;
  int rc;

  if (!text_kind(b) || (size = reed_wsl_utf8_size(buf->data + off, len)) == len)
    return send_msg(b, buf, off, len);
  if ((fixed = reed_buf_new(size)) == NULL)
    return REED_ENOMEM;
  reed_wsl_utf8_fix(buf->data + off, len, fixed->data);
  fixed->len = size;
  rc = send_msg(b, fixed, 0, size);
  reed_buf_unref(fixed);
  return rc;
}

/* IRC: each line of buf a message; what follows the last LF waits for
 * the rest of its line in the next write. */
static int
send_lines(wsb_t *b, reed_buf_t *buf)
{
  size_t off = 0, used, len;
  int rc = 0;

  while (rc == 0 &&
         (used = reed_wsl_next(buf->data + off, buf->len - off, &len)) > 0) {
    rc = send_line(b, buf, off, len);
    off += used;
  }
  if (rc == 0 && off < buf->len &&
      (b->partial = reed_buf_from(buf->data + off, buf->len - off)) == NULL)
    rc = REED_ENOMEM;
  return rc;
}

static int
write_out(wsb_t *b, const void *head, size_t head_len, reed_buf_t *body)
{
  reed_buf_t *flat = NULL, *pre = b->partial;
  int rc;

  if (b->gone || b->core_closed)
    return REED_ECLOSED;
  if (b->kind == REED_WSB_XMPP && head_len == 0)
    return send_msg(b, body, 0, body->len); /* one write, one message */
  /* A head, or the rest of a line before it: one buffer. */
  if (head_len > 0 || pre != NULL) {
    size_t pre_len = pre != NULL ? pre->len : 0;
    if ((flat = reed_buf_new(pre_len + head_len + body->len)) == NULL)
      return REED_ENOMEM;
    if ((pre != NULL && reed_buf_append(&flat, pre->data, pre->len) < 0) ||
        reed_buf_append(&flat, head, head_len) < 0 ||
        reed_buf_append(&flat, body->data, body->len) < 0) {
      reed_buf_unref(flat);
      return REED_ENOMEM;
    }
    b->partial = NULL;
    reed_buf_unref(pre);
    body = flat;
  }
  rc = b->kind == REED_WSB_XMPP ? send_msg(b, body, 0, body->len)
                                : send_lines(b, body);
  reed_buf_unref(flat);
  return rc;
}

static int
tp_write(void *t, reed_buf_t *buf)
{
  return write_out(t, NULL, 0, buf);
}

static int
tp_write2(void *t, const void *head, size_t head_len, reed_buf_t *body)
{
  return write_out(t, head, head_len, body);
}

static void
ws_close(wsb_t *b, unsigned code, const char *reason)
{
  size_t n = strlen(reason);

  b->gone = true;
  if (b->ws == NULL) {
    b->close_pending = true;
    n = reed_utf8_cut(reason, n, REASON_MAX);
    memcpy(b->close_reason, reason, n);
    b->close_reason[n] = '\0';
    return;
  }
  if (n > REASON_MAX) {
    char cut[REASON_MAX + 1];
    n = reed_utf8_cut(reason, n, REASON_MAX);
    memcpy(cut, reason, n);
    cut[n] = '\0';
    reed_ws_close(b->ws, code, cut);
    return;
  }
  reed_ws_close(b->ws, code, reason);
}

static void
tp_close(void *t, const char *reason)
{
  wsb_t *b = t;

  if (b->core_closed || b->gone) {
    b->core_closed = true;
    return;
  }
  b->core_closed = true;
  ws_close(b, 1000, reason != NULL ? reason : "closed");
}

/* ---- Input ------------------------------------------------------------- */

static void
unhold(wsb_t *b)
{
  reed_buf_unref(b->held);
  b->held = NULL;
  b->held_off = 0;
}

/* The core failed on its input (feed < 0): closed as net closes it. */
static void
feed_failed(wsb_t *b)
{
  b->eof_told = true;
  if (!b->gone)
    ws_close(b, 1008, "protocol error");
}

/* Feeds what is held until the core pauses again; the WebSocket's
 * connection is read again once all of it is in. */
static void
feed_held(wsb_t *b)
{
  while (b->held != NULL && !b->paused && !b->gone && !b->core_closed) {
    size_t n = b->held->len - b->held_off;
    ssize_t r = b->ops->feed(b->in, b->held->data + b->held_off, n);
    if (r < 0) {
      feed_failed(b);
      break;
    }
    b->held_off += (size_t)r;
    if ((size_t)r == n)
      unhold(b);
    else if (r == 0 && !b->paused)
      break; /* the core wants more than there is: keep it */
  }
  if (b->held == NULL || b->gone || b->core_closed)
    unhold(b);
  if (b->held == NULL && !b->paused && !b->gone)
    b->outer->pause_reading(b->outer->t, false);
}

static void
refeed_due(void *arg)
{
  wsb_t *b = arg;

  b->refeed_timer = 0;
  feed_held(b);
}

static void
tp_pause(void *t, bool paused)
{
  wsb_t *b = t;
  reed_clock_t *clk = b->clock;

  if (b->paused == paused)
    return;
  b->paused = paused;
  if (paused) {
    b->outer->pause_reading(b->outer->t, true);
    return;
  }
  /* Not inside the core's own call: from the clock, as net defers it. */
  if (b->refeed_timer == 0)
    b->refeed_timer = clk->call_later(clk->c, 0, refeed_due, b);
}

/* Adds p[0..n) (and CRLF) to the held input. */
static int
hold(wsb_t *b, const uint8_t *p, size_t n, bool crlf)
{
  size_t have = b->held != NULL ? b->held->len - b->held_off : 0;
  reed_buf_t *nb;

  if (have + n + 2 > HELD_MAX)
    return REED_ETOOBIG;
  if ((nb = reed_buf_new(have + n + 2)) == NULL)
    return REED_ENOMEM;
  if ((have > 0 &&
       reed_buf_append(&nb, b->held->data + b->held_off, have) < 0) ||
      reed_buf_append(&nb, p, n) < 0 ||
      (crlf && reed_buf_append(&nb, "\r\n", 2) < 0)) {
    reed_buf_unref(nb);
    return REED_ENOMEM;
  }
  unhold(b);
  b->held = nb;
  return 0;
}

/* The core's eof, once, unless it closed or failed itself. */
static void
tell_eof(wsb_t *b, const char *reason)
{
  if (b->eof_told || b->core_closed)
    return;
  b->eof_told = true;
  b->ops->eof(b->in, reason);
}

static void
on_message(void *ud, bool text, const uint8_t *p, size_t n)
{
  wsb_t *b = ud;
  bool irc = b->kind != REED_WSB_XMPP;
  int rc;

  REED_UNUSED(text); /* the core validated a text message's UTF-8 */
  if (b->gone || b->core_closed || b->eof_told)
    return;
  if (irc && reed_wsl_message(p, n, &n) != 0) {
    static const char msg[] =
        "ERROR :Closing link: a WebSocket message must be one IRC line";
    reed_buf_t *e = reed_buf_from(msg, sizeof(msg) - 1);
    if (e != NULL)
      send_msg(b, e, 0, e->len);
    reed_buf_unref(e);
    tell_eof(b, "CR or LF inside a WebSocket message");
    ws_close(b, 1008, "CR or LF inside a message");
    return;
  }
  rc = hold(b, p, n, irc);
  if (rc == REED_ETOOBIG) {
    tell_eof(b, "Excess Flood");
    ws_close(b, 1008, "Excess Flood");
    return;
  }
  if (rc != 0) {
    tell_eof(b, "Out of memory");
    ws_close(b, 1011, "out of memory");
    return;
  }
  if (!b->paused && b->refeed_timer == 0)
    feed_held(b);
}

static void
on_closed(void *ud, const char *reason)
{
  wsb_t *b = ud;

  b->gone = true;
  unhold(b);
  tell_eof(b, reason != NULL ? reason : "Connection closed");
}

static void
on_shutdown(void *ud, int why)
{
  wsb_t *b = ud;

  if (!b->gone && !b->core_closed)
    b->ops->shutdown(b->in, why);
}

static void
bridge_free(wsb_t *b)
{
  if (b->refeed_timer != 0)
    b->clock->cancel(b->clock->c, b->refeed_timer);
  if (b->in != NULL)
    b->ops->free(b->in);
  unhold(b);
  reed_buf_unref(b->partial);
  for (size_t i = 0; i < b->n_pending; i++)
    reed_buf_unref(b->pending[i]);
  reed_free(b);
}

static void
on_free(void *ud)
{
  bridge_free(ud);
}

static const reed_ws_ops_t ws_ops = {
    .message = on_message,
    .closed = on_closed,
    .shutdown = on_shutdown,
    .free = on_free,
};

/* ---- The rest of the transport ------------------------------------------ */

static const reed_peer_t *
tp_peer(void *t)
{
  return &((wsb_t *)t)->peer;
}

static void
tp_set_label(void *t, const char *label)
{
  wsb_t *b = t;

  if (b->outer->set_label != NULL)
    b->outer->set_label(b->outer->t, label);
}

static int
tp_channel_binding(void *t, const char *type, uint8_t *out, size_t *len)
{
  wsb_t *b = t;

  if (b->outer->channel_binding == NULL)
    return REED_EINVAL;
  return b->outer->channel_binding(b->outer->t, type, out, len);
}

/* ---- Accept ------------------------------------------------------------ */

static void
fill_peer(wsb_t *b, const reed_http_req_t *req)
{
  const reed_peer_t *op =
      b->outer->peer != NULL ? b->outer->peer(b->outer->t) : NULL;

  if (op != NULL)
    b->peer = *op;
  else
    b->peer.cert_fp = "";
  reed_strlcpy(b->peer.ip, req->client_ip, sizeof(b->peer.ip));
  if (strcmp(req->client_ip, op != NULL ? op->ip : "") != 0)
    b->peer.port = 0; /* a proxied client's port is not known */
  b->peer.tls = req->tls;
}

static wsb_t *
bridge_new(const reed_http_req_t *req, int kind)
{
  wsb_t *b = reed_calloc(1, sizeof(*b));

  if (b == NULL)
    return NULL;
  b->kind = kind;
  b->ops = req->env->host->inner;
  b->outer = req->env->transport;
  b->clock = req->env->clock;
  b->tp = (reed_transport_t){
      .write = tp_write,
      .write2 = tp_write2,
      .close = tp_close,
      .pause_reading = tp_pause,
      .peer = tp_peer,
      .set_label = tp_set_label,
      .channel_binding = tp_channel_binding,
      .t = b,
  };
  fill_peer(b, req);
  return b;
}

/* What the core wrote (or how it closed) before the upgrade went out. */
static void
flush_pending(wsb_t *b)
{
  for (size_t i = 0; i < b->n_pending; i++) {
    reed_ws_send(b->ws, text_kind(b), b->pending[i], 0, b->pending[i]->len);
    reed_buf_unref(b->pending[i]);
  }
  b->n_pending = 0;
  if (b->close_pending)
    reed_ws_close(b->ws, 1000, b->close_reason);
}

int
reed_wsb_accept(const reed_http_req_t *req, reed_http_res_t *res,
                const char *module, const char *subprotocol, int kind)
{
  const reed_host_t *host = req->env->host;
  wsb_t *b;
  int rc;

  if (host == NULL || host->inner == NULL)
    return reed_http_error(res, 503, "Not served here");
  if ((b = bridge_new(req, kind)) == NULL)
    return reed_http_error(res, 503, "Out of memory");
  b->in = b->ops->open(host->ud, module, &b->tp, REED_FRAMING_WEBSOCKET);
  if (b->in == NULL) {
    bridge_free(b);
    return reed_http_error(res, 503, "Not served here");
  }
  rc = reed_ws_accept(req, res, subprotocol, &ws_ops, b, &b->ws);
  if (rc != 0) {
    b->ws = NULL;
    bridge_free(b);
    return reed_http_error(res, rc == REED_EAUTH ? 403 : 400,
                           rc == REED_EAUTH ? "Origin not allowed"
                                            : "Bad WebSocket upgrade");
  }
  /* Its pause stops the WebSocket after the message being handled. */
  b->outer = reed_ws_transport(b->ws);
  flush_pending(b);
  return 0;
}

const char *
reed_wsb_pick(const reed_http_req_t *req, const char *const *ours)
{
  return reed_wsl_pick(reed_http_header(req, "Sec-WebSocket-Protocol"), ours);
}
