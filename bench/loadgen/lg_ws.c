/* bench: IRC over WebSocket (--proto ircws, the /irc endpoint of the
 * [http] listener at --port): the upgrade, then each line the IRC side
 * writes as one masked text frame, and each frame the server sends as a
 * line. The rest of the client is IRC's (lg_conn.c). */
#include "lg.h"

#include "base.h"

#include <stdio.h>
#include <string.h>

#define WS_MASK                                                                \
  0x5a3c96e1u /* RFC 6455 wants one per frame; a bench may not                 \
               */

/* c->xstage for ircws: the upgrade is answered. */
enum { WS_UPGRADING = 0, WS_OPEN = 1 };

static int
grow(lg_client_t *c, size_t need)
{
  uint8_t *b;
  uint32_t cap = c->acap ? c->acap : 4096;

  while (cap < need)
    cap *= 2;
  if (cap == c->acap)
    return 0;
  if ((b = reed_realloc(c->abuf, cap)) == NULL)
    return REED_ENOMEM;
  c->abuf = b;
  c->acap = cap;
  return 0;
}

void
lg_ws_register(lg_client_t *c)
{
  char req[512];
  int n = snprintf(req, sizeof(req),
                   "GET /irc HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Protocol: text.ircv3.net\r\n\r\n",
                   c->lg->opt.host, c->lg->opt.port);

  c->xstage = WS_UPGRADING;
  lg_send_raw(c, req, (size_t)n);
}

/* One masked frame of opcode op. */
static int
send_frame(lg_client_t *c, int op, const char *p, size_t len)
{
  static const uint8_t mask[4] = {WS_MASK >> 24, (WS_MASK >> 16) & 0xff,
                                  (WS_MASK >> 8) & 0xff, WS_MASK & 0xff};
  uint8_t f[LG_LINE_MAX + 16];
  size_t h = 0;

  if (len > LG_LINE_MAX)
    return REED_ETOOBIG;
  f[h++] = (uint8_t)(0x80 | op);
  if (len < 126) {
    f[h++] = (uint8_t)(0x80 | len);
  } else {
    f[h++] = 0x80 | 126;
    f[h++] = (uint8_t)(len >> 8);
    f[h++] = (uint8_t)len;
  }
  memcpy(f + h, mask, 4);
  h += 4;
  for (size_t i = 0; i < len; i++)
    f[h + i] = (uint8_t)p[i] ^ mask[i & 3];
  return lg_send_raw(c, (const char *)f, h + len);
}

/* What the IRC side writes: each CRLF-ended line one text frame. */
int
lg_ws_send(lg_client_t *c, const char *p, size_t len)
{
  int rc = 0;

  while (rc == 0 && len > 0) {
    const char *nl = memchr(p, '\n', len);
    size_t take = nl ? (size_t)(nl - p) + 1 : len;
    size_t line = take;
    if (line > 0 && p[line - 1] == '\n')
      line--;
    if (line > 0 && p[line - 1] == '\r')
      line--;
    rc = send_frame(c, 0x1, p, line);
    p += take;
    len -= take;
  }
  return rc;
}

/* The 101 answer: everything up to the blank line. */
static size_t
upgrade(lg_client_t *c, const uint8_t *p, size_t n)
{
  const char *end;

  if (grow(c, c->alen + n + 1) < 0) {
    lg_conn_kill(c, "out of memory");
    return n;
  }
  memcpy(c->abuf + c->alen, p, n);
  c->alen += (uint32_t)n;
  c->abuf[c->alen] = '\0';
  end = strstr((const char *)c->abuf, "\r\n\r\n");
  if (end == NULL)
    return n;
  if (strncmp((const char *)c->abuf, "HTTP/1.1 101", 12) != 0) {
    lg_conn_kill(c, "WebSocket upgrade refused");
    return n;
  }
  {
    size_t head = (size_t)(end + 4 - (const char *)c->abuf);
    size_t rest = c->alen - head;
    c->xstage = WS_OPEN;
    memmove(c->abuf, c->abuf + head, rest);
    c->alen = (uint32_t)rest;
  }
  lg_proto_register_irc(c);
  return n;
}

/* Whole frames from abuf: text ones are lines, pings get pongs. */
static void
frames(lg_client_t *c)
{
  size_t off = 0;

  while (c->state != LG_DEAD) {
    const uint8_t *f = c->abuf + off;
    size_t have = c->alen - off, h = 2, len;
    if (have < 2)
      break;
    len = f[1] & 0x7f;
    if (len == 126) {
      if (have < 4)
        break;
      len = (size_t)f[2] << 8 | f[3];
      h = 4;
    } else if (len == 127) {
      lg_conn_kill(c, "frame too long");
      return;
    }
    if (have < h + len)
      break;
    switch (f[0] & 0x0f) {
    case 0x1:
    case 0x2:
      lg_irc_line(c, (const char *)f + h, len);
      break;
    case 0x9:
      send_frame(c, 0xA, (const char *)f + h, len);
      break;
    case 0x8:
      lg_conn_kill(c, "WebSocket closed by server");
      return;
    }
    off += h + len;
  }
  memmove(c->abuf, c->abuf + off, c->alen - off);
  c->alen -= (uint32_t)off;
}

void
lg_ws_feed(lg_client_t *c, const char *p, size_t n)
{
  const uint8_t *u = (const uint8_t *)p;

  if (c->xstage == WS_UPGRADING) {
    upgrade(c, u, n);
    if (c->xstage != WS_OPEN || c->state == LG_DEAD)
      return;
    frames(c);
    return;
  }
  if (grow(c, c->alen + n) < 0) {
    lg_conn_kill(c, "out of memory");
    return;
  }
  memcpy(c->abuf + c->alen, u, n);
  c->alen += (uint32_t)n;
  frames(c);
}
