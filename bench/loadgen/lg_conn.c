/* bench: the load generator's connections: connect with a cap on
 * handshakes in flight, register, split input into lines, write. */
#include "lg.h"

#include "base.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One read buffer for every client: the loop is single-threaded and each
 * read is consumed before the next one. */
static char rbuf[64 * 1024];

typedef struct wreq_s {
  uv_write_t req;
  char data[];
} wreq_t;

static void
on_written(uv_write_t *req, int status)
{
  REED_UNUSED(status);
  reed_free(req);
}

int
lg_send(lg_client_t *c, const char *p, size_t len)
{
  if (c->proto == LG_IRCWS)
    return lg_ws_send(c, p, len);
  return lg_send_raw(c, p, len);
}

int
lg_send_raw(lg_client_t *c, const char *p, size_t len)
{
  uv_buf_t b = uv_buf_init((char *)p, (unsigned)len);
  wreq_t *w;
  int n;

  if (c->state == LG_DEAD || c->closing)
    return REED_ECLOSED;
  n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
  if (n == (int)len)
    return 0;
  if (n < 0 && n != UV_EAGAIN)
    return REED_EIO;
  n = n < 0 ? 0 : n;
  w = reed_malloc(sizeof(*w) + len - (size_t)n);
  if (w == NULL)
    return REED_ENOMEM;
  memcpy(w->data, p + n, len - (size_t)n);
  b = uv_buf_init(w->data, (unsigned)(len - (size_t)n));
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) < 0) {
    reed_free(w);
    return REED_EIO;
  }
  return 0;
}

int
lg_sendf(lg_client_t *c, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof(line))
    return REED_ETOOBIG;
  return lg_send(c, line, (size_t)n);
}

static void
on_closed(uv_handle_t *h)
{
  REED_UNUSED(h);
}

static void
client_close(lg_client_t *c)
{
  if (c->closing)
    return;
  c->closing = 1;
  lg_amp_free(c);
  lg_xmpp_free(c);
  uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void
client_dead(lg_client_t *c, const char *why)
{
  if (c->state == LG_DEAD)
    return;
  lg_on_dead(c, why);
  c->state = LG_DEAD;
  client_close(c);
}

void
lg_conn_kill(lg_client_t *c, const char *why)
{
  client_dead(c, why);
}

void
lg_irc_line(lg_client_t *c, const char *p, size_t len)
{
  bench_line_t m;

  if (len && p[len - 1] == '\r')
    len--;
  if (len == 0 || bench_line_parse(p, len, &m) < 0)
    return;
  if (bench_view_eq(m.command, "PING")) {
    lg_sendf(c, "PONG :%.*s\r\n", m.nparams ? (int)m.params[0].len : 0,
             m.nparams ? m.params[0].p : "");
    return;
  }
  if (c->state == LG_CONNECTING && bench_view_eq(m.command, "001")) {
    c->state = LG_READY;
    lg_on_registered(c);
    return;
  }
  lg_on_line(c, &m);
}

/* Appends to the partial line, or discards an over-long line up to its
 * end (counted as a server error: no server should send one). */
static void
feed(lg_client_t *c, const char *p, size_t n)
{
  const char *nl;
  size_t take;

  while (n > 0 && c->state != LG_DEAD) {
    nl = memchr(p, '\n', n);
    take = nl ? (size_t)(nl - p) : n;
    if (!c->skipping && c->inlen + take > sizeof(c->in)) {
      c->skipping = 1;
      c->lg->server_errors++;
    }
    if (!c->skipping && nl && c->inlen == 0) {
      lg_irc_line(c, p, take);
    } else if (!c->skipping) {
      memcpy(c->in + c->inlen, p, take);
      c->inlen += (uint16_t)take;
      if (nl)
        lg_irc_line(c, c->in, c->inlen);
    }
    if (nl) {
      c->inlen = 0;
      c->skipping = 0;
      take++;
    }
    p += take;
    n -= take;
  }
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
  REED_UNUSED(h);
  REED_UNUSED(hint);
  *buf = uv_buf_init(rbuf, sizeof(rbuf));
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
  lg_client_t *c = s->data;

  if (nread < 0) {
    client_dead(c,
                nread == UV_EOF ? "closed by server" : uv_strerror((int)nread));
    lg_progress(c->lg);
    return;
  }
  if (c->proto == LG_AMP)
    lg_amp_feed(c, buf->base, (size_t)nread);
  else if (c->proto == LG_XMPP)
    lg_xmpp_feed(c, buf->base, (size_t)nread);
  else if (c->proto == LG_IRCWS)
    lg_ws_feed(c, buf->base, (size_t)nread);
  else
    feed(c, buf->base, (size_t)nread);
  lg_progress(c->lg);
}

static void
on_connect(uv_connect_t *req, int status)
{
  lg_client_t *c = req->data;

  if (status < 0) {
    client_dead(c, uv_strerror(status));
    lg_progress(c->lg);
    return;
  }
  if (c->state == LG_DEAD)
    return;
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  lg_proto_register(c);
}

void
lg_proto_register(lg_client_t *c)
{
  if (c->proto == LG_AMP)
    lg_amp_register(c);
  else if (c->proto == LG_XMPP)
    lg_xmpp_register(c);
  else if (c->proto == LG_IRCWS)
    lg_ws_register(c);
  else
    lg_proto_register_irc(c);
}

void
lg_proto_register_irc(lg_client_t *c)
{
  lg_sendf(c, "NICK %s%u\r\nUSER b%u 0 * :reed bench\r\n", c->lg->opt.prefix,
           c->idx, c->idx);
}

void
lg_proto_ping(lg_client_t *c)
{
  if (c->proto == LG_AMP)
    lg_amp_ping(c);
  else if (c->proto == LG_XMPP)
    lg_xmpp_ping(c);
  else
    lg_sendf(c, "PING :sync\r\n");
}

void
lg_proto_join(lg_client_t *c)
{
  if (c->proto == LG_AMP)
    lg_amp_join(c);
  else if (c->proto == LG_XMPP)
    lg_xmpp_join(c);
  else
    lg_sendf(c, "JOIN %s\r\n", c->lg->opt.channel);
}

void
lg_proto_say(lg_client_t *c, const char *text, size_t len)
{
  if (c->proto == LG_AMP)
    lg_amp_say(c, text, len);
  else if (c->proto == LG_XMPP)
    lg_xmpp_say(c, text, len);
  else
    lg_sendf(c, "PRIVMSG %s :%.*s\r\n", c->lg->opt.channel, (int)len, text);
}

/* Binds the source address to 127.0.0.(2 + i % spread), letting connect()
 * choose the port, so many clients do not exhaust one address's ports. */
static int
bind_source(lg_client_t *c)
{
  struct sockaddr_in a;
  uv_os_fd_t fd;
  int one = 1;

  if (c->lg->opt.spread == 0)
    return 0;
  if (uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0)
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(0x7f000002u + c->idx % c->lg->opt.spread);
  return uv_tcp_bind(&c->tcp, (const struct sockaddr *)&a, 0);
}

/* The protocol of client idx, and the port it connects to. */
static int
client_proto(const lg_t *lg, uint32_t idx, int *port)
{
  static const uint8_t mixed[3] = {LG_XMPP, LG_IRC, LG_AMP};
  const char *p = lg->opt.proto;
  int proto;

  if (strcmp(p, "mixed") == 0)
    proto = mixed[idx % 3];
  else
    proto = strcmp(p, "amp") == 0     ? LG_AMP
            : strcmp(p, "xmpp") == 0  ? LG_XMPP
            : strcmp(p, "ircws") == 0 ? LG_IRCWS
                                      : LG_IRC;
  *port = lg->opt.port;
  if (strcmp(p, "mixed") == 0 && proto == LG_AMP)
    *port = lg->opt.port_amp;
  else if (strcmp(p, "mixed") == 0 && proto == LG_XMPP)
    *port = lg->opt.port_xmpp;
  return proto;
}

static int
client_start(lg_t *lg, lg_client_t *c)
{
  struct sockaddr_in dst;
  int rc, port;

  c->lg = lg;
  c->state = LG_CONNECTING;
  c->proto = (uint8_t)client_proto(lg, c->idx, &port);
  if (c->proto != LG_XMPP && strcmp(lg->opt.scenario, "register") == 0) {
    /* mixed: only XMPP accounts are registered ahead; IRC clients are
     * guests and AMP ones Register when they connect */
    c->closing = 1;
    c->state = LG_READY;
    lg->registered++;
    lg->inflight--;
    return 0;
  }
  uv_ip4_addr(lg->opt.host, port, &dst);
  rc = uv_tcp_init_ex(lg->loop, &c->tcp, AF_INET);
  if (rc < 0) {
    c->closing = 1; /* nothing to close */
    return rc;
  }
  c->tcp.data = c;
  c->connect.data = c;
  uv_tcp_nodelay(&c->tcp, 1);
  rc = bind_source(c);
  if (rc == 0)
    rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&dst,
                        on_connect);
  if (rc < 0)
    client_dead(c, uv_strerror(rc));
  return 0;
}

void
lg_conn_start_more(lg_t *lg)
{
  lg_client_t *c;

  while (lg->next < lg->nclients && lg->inflight < lg->opt.inflight) {
    c = &lg->clients[lg->next];
    c->idx = lg->next++;
    lg->inflight++;
    if (client_start(lg, c) < 0) {
      lg_on_dead(c, "socket failed");
      c->state = LG_DEAD;
    }
  }
}

void
lg_conn_close_all(lg_t *lg)
{
  uint32_t i;

  for (i = 0; i < lg->next; i++) {
    lg->clients[i].state = LG_DEAD;
    client_close(&lg->clients[i]);
  }
}
