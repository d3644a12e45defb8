/* WebSocket messages (RFC 6455): frames from the framer are reassembled
 * into messages no longer than [http] ws_max_message (1009 beyond), text
 * messages must be UTF-8 (1007), pings are answered and bounded by a
 * token bucket (a flood closes with 1008), and the close handshake is
 * kept: a peer's close is echoed and the connection closed; ours waits a
 * little for the peer's. Output frames are unmasked and one per message. */
#include "http_ws_int.h"

#include <string.h>

/* ---- The transport routes see: pauses are noted so that feed stops
 * after the message that paused. */
static int
tp_write(void *t, reed_buf_t *buf)
{
  reed_transport_t *r = ((reed_ws_t *)t)->core->env->transport;
  return r->write(r->t, buf);
}

static int
tp_write2(void *t, const void *head, size_t head_len, reed_buf_t *body)
{
  reed_transport_t *r = ((reed_ws_t *)t)->core->env->transport;
  return r->write2(r->t, head, head_len, body);
}

static void
tp_close(void *t, const char *reason)
{
  reed_ws_close(t, 1000, reason);
}

static void
tp_pause(void *t, bool paused)
{
  reed_ws_t *ws = t;
  reed_transport_t *r = ws->core->env->transport;

  ws->paused = paused;
  r->pause_reading(r->t, paused);
}

static int
tp_start_tls(void *t)
{
  REED_UNUSED(t);
  return REED_ETLS;
}

static const reed_peer_t *
tp_peer(void *t)
{
  reed_transport_t *r = ((reed_ws_t *)t)->core->env->transport;
  return r->peer(r->t);
}

static void
tp_set_label(void *t, const char *label)
{
  reed_transport_t *r = ((reed_ws_t *)t)->core->env->transport;
  if (r->set_label != NULL)
    r->set_label(r->t, label);
}

static int
tp_channel_binding(void *t, const char *type, uint8_t *out, size_t *len)
{
  reed_transport_t *r = ((reed_ws_t *)t)->core->env->transport;
  if (r->channel_binding == NULL)
    return REED_EINVAL;
  return r->channel_binding(r->t, type, out, len);
}

reed_ws_t *
reed__ws_new(reed_http_core_t *c, const reed_ws_ops_t *ops, void *ud)
{
  reed_ws_t *ws = reed_calloc(1, sizeof(*ws));

  if (ws == NULL)
    return NULL;
  ws->core = c;
  ws->ops = ops;
  ws->ud = ud;
  ws->state = WS_OPEN;
  ws->ping_tokens = WS_PING_BURST;
  ws->ping_ms = c->env->clock->now_ms(c->env->clock->c);
  ws->tp = (reed_transport_t){.write = tp_write,
                              .write2 = tp_write2,
                              .close = tp_close,
                              .pause_reading = tp_pause,
                              .start_tls = tp_start_tls,
                              .peer = tp_peer,
                              .set_label = tp_set_label,
                              .channel_binding = tp_channel_binding,
                              .t = ws};
  return ws;
}

const reed_transport_t *
reed_ws_transport(reed_ws_t *ws)
{
  return &ws->tp;
}

/* ---- Output -------------------------------------------------------------- */
static int
send_frame(reed_ws_t *ws, uint8_t op, const void *p, size_t len)
{
  reed_transport_t *r = ws->core->env->transport;
  uint8_t hdr[10];
  size_t hlen = reed__ws_frame_header(hdr, op, len);
  reed_buf_t *b = reed_buf_new(hlen + len);
  int rc;

  if (b == NULL)
    return REED_ENOMEM;
  memcpy(b->data, hdr, hlen);
  if (len > 0)
    memcpy(b->data + hlen, p, len);
  b->len = hlen + len;
  rc = r->write(r->t, b);
  reed_buf_unref(b);
  return rc;
}

int
reed_ws_send(reed_ws_t *ws, bool text, reed_buf_t *buf, size_t off, size_t len)
{
  reed_transport_t *r = ws->core->env->transport;
  uint8_t op = text ? WS_OP_TEXT : WS_OP_BINARY;
  uint8_t hdr[10];

  if (ws->state != WS_OPEN)
    return REED_ECLOSED;
  if (off > buf->len || len > buf->len - off)
    return REED_EINVAL;
  /* A whole buffer is shared (a fan-out formats once); a slice is
   * copied behind its header. */
  if (off == 0 && len == buf->len)
    return r->write2(r->t, hdr, reed__ws_frame_header(hdr, op, len), buf);
  return send_frame(ws, op, buf->data + off, len);
}

static void
tell_closed(reed_ws_t *ws, const char *reason)
{
  if (ws->told_closed)
    return;
  ws->told_closed = true;
  if (ws->ops->closed != NULL)
    ws->ops->closed(ws->ud, reason);
}

static void
send_close(reed_ws_t *ws, unsigned code, const char *reason)
{
  uint8_t p[125];
  size_t n = 0;

  if (code != 0) {
    p[0] = (uint8_t)(code >> 8);
    p[1] = (uint8_t)code;
    n = 2 + reed_utf8_cut(reason, strlen(reason), sizeof(p) - 2);
    memcpy(p + 2, reason, n - 2);
  }
  send_frame(ws, WS_OP_CLOSE, p, n);
}

static void
on_close_wait(void *arg)
{
  reed_ws_t *ws = arg;
  reed_transport_t *r = ws->core->env->transport;

  ws->close_timer = 0;
  ws->state = WS_DONE;
  r->close(r->t, "WebSocket closed");
}

void
reed_ws_close(reed_ws_t *ws, unsigned code, const char *reason)
{
  const reed_clock_t *clk = ws->core->env->clock;

  if (ws->state != WS_OPEN)
    return;
  send_close(ws, code, reason != NULL ? reason : "");
  ws->state = WS_CLOSE_SENT;
  ws->close_timer =
      clk->call_later(clk->c, WS_CLOSE_WAIT_MS, on_close_wait, ws);
}

/* Fails the connection (RFC 6455, 7.1.7): our close, then closing. */
static void
ws_fail(reed_ws_t *ws, unsigned code, const char *why)
{
  reed_transport_t *r = ws->core->env->transport;

  if (ws->state == WS_OPEN)
    send_close(ws, code, why);
  ws->state = WS_DONE;
  tell_closed(ws, why);
  r->close(r->t, why);
}

/* ---- Input --------------------------------------------------------------- */
static int
on_begin(void *ud, const reed_ws_frame_t *f)
{
  reed_ws_t *ws = ud;
  const reed_http_conf_t *conf = reed__http_conf(ws->core);

  if (f->opcode >= WS_OP_CLOSE) {
    ws->ctl_len = 0;
    return 0;
  }
  if ((f->opcode == WS_OP_CONT) != (ws->msg_op != 0))
    return 1002; /* a continuation of nothing, or a message inside one */
  if (f->opcode != WS_OP_CONT) {
    ws->msg_op = f->opcode;
    ws->msg_len = 0;
  }
  if (f->len > conf->ws_max_message - ws->msg_len)
    return 1009;
  if (ws->msg_len + f->len > ws->msg_cap) {
    size_t cap = ws->msg_len + (size_t)f->len;
    uint8_t *m = reed_realloc(ws->msg, cap > 0 ? cap : 1);
    if (m == NULL)
      return 1011;
    ws->msg = m;
    ws->msg_cap = cap;
  }
  return 0;
}

static int
on_data(void *ud, const uint8_t *p, size_t len)
{
  reed_ws_t *ws = ud;

  if (ws->frame.opcode >= WS_OP_CLOSE) {
    memcpy(ws->ctl + ws->ctl_len, p, len);
    ws->ctl_len += len;
  } else {
    memcpy(ws->msg + ws->msg_len, p, len);
    ws->msg_len += len;
  }
  return 0;
}

static int
on_ping(reed_ws_t *ws)
{
  const reed_clock_t *clk = ws->core->env->clock;
  uint64_t now = clk->now_ms(clk->c);
  uint64_t add = (now - ws->ping_ms) / WS_PING_EVERY_MS;

  if (add > 0) {
    ws->ping_tokens = add + ws->ping_tokens > WS_PING_BURST
                          ? WS_PING_BURST
                          : ws->ping_tokens + (unsigned)add;
    ws->ping_ms += add * WS_PING_EVERY_MS;
  }
  if (ws->ping_tokens == 0)
    return 1008;
  ws->ping_tokens--;
  if (ws->state == WS_OPEN)
    send_frame(ws, WS_OP_PONG, ws->ctl, ws->ctl_len);
  return 0;
}

/* The peer's close: checked, echoed (unless ours went first), closed. */
static int
on_close(reed_ws_t *ws)
{
  reed_transport_t *r = ws->core->env->transport;
  unsigned code = 0;

  if (ws->ctl_len == 1)
    return 1002;
  if (ws->ctl_len >= 2) {
    code = (unsigned)ws->ctl[0] << 8 | ws->ctl[1];
    if (!reed__ws_close_code_ok(code))
      return 1002;
    if (!reed_utf8_valid(ws->ctl + 2, ws->ctl_len - 2))
      return 1007;
  }
  if (ws->state == WS_OPEN)
    send_close(ws, code, "");
  if (ws->close_timer != 0)
    ws->core->env->clock->cancel(ws->core->env->clock->c, ws->close_timer);
  ws->close_timer = 0;
  ws->state = WS_DONE;
  tell_closed(ws, "Connection closed");
  r->close(r->t, "WebSocket closed");
  return 0;
}

static int
on_message(reed_ws_t *ws)
{
  bool text = ws->msg_op == WS_OP_TEXT;

  ws->msg_op = 0;
  if (text && !reed_utf8_valid(ws->msg, ws->msg_len))
    return 1007;
  if (ws->state == WS_OPEN && ws->ops->message != NULL)
    ws->ops->message(ws->ud, text, ws->msg, ws->msg_len);
  if (ws->msg_cap > 4096) { /* a big message's room is not kept */
    reed_free(ws->msg);
    ws->msg = NULL;
    ws->msg_cap = 0;
  }
  return ws->paused ? WS_PAUSED : 0;
}

static int
on_end(void *ud, const reed_ws_frame_t *f)
{
  reed_ws_t *ws = ud;

  switch (f->opcode) {
  case WS_OP_PING:
    return on_ping(ws);
  case WS_OP_PONG:
    return 0;
  case WS_OP_CLOSE:
    return on_close(ws);
  default:
    return f->fin ? on_message(ws) : 0;
  }
}

static const reed_ws_frame_cbs_t frame_cbs = {
    .begin = on_begin, .data = on_data, .end = on_end};

static const char *
close_text(int code)
{
  switch (code) {
  case 1007:
    return "invalid UTF-8 in a text message";
  case 1008:
    return "ping flood";
  case 1009:
    return "message too big";
  case 1011:
    return "out of memory";
  default:
    return "WebSocket protocol error";
  }
}

ssize_t
reed__ws_feed(reed_ws_t *ws, const uint8_t *in, size_t len)
{
  size_t used = 0;
  int rc;

  if (ws->state == WS_DONE)
    return (ssize_t)len;
  if (ws->paused)
    return 0;
  rc = reed__ws_frame_feed(&ws->frame, &frame_cbs, ws, in, len, &used);
  if (rc == WS_PAUSED)
    return (ssize_t)used;
  if (rc != 0)
    ws_fail(ws, (unsigned)rc, close_text(rc));
  return (ssize_t)len;
}

void
reed__ws_eof(reed_ws_t *ws, const char *reason)
{
  ws->state = WS_DONE;
  tell_closed(ws, reason);
}

void
reed__ws_shutdown(reed_ws_t *ws, int why)
{
  if (ws->state == WS_OPEN && ws->ops->shutdown != NULL)
    ws->ops->shutdown(ws->ud, why);
  reed_ws_close(ws, 1001, "Server shutting down");
}

void
reed__ws_free(reed_ws_t *ws)
{
  const reed_clock_t *clk = ws->core->env->clock;

  if (ws->close_timer != 0)
    clk->cancel(clk->c, ws->close_timer);
  if (ws->ops->free != NULL)
    ws->ops->free(ws->ud);
  reed_free(ws->msg);
  reed_free(ws);
}
