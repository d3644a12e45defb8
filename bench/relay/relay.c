/* bench: a trivial IRC relay on libuv, the ceiling on this machine. It
 * registers a client on NICK + USER with 001, answers PING, echoes JOIN to
 * every member of the channel, and forwards PRIVMSG and NOTICE to a channel
 * to its other members: the line is copied unparsed after a ":nick!u@relay "
 * prefix. Output is queued per connection and flushed once per loop turn
 * (uv_check), one write per connection. Nothing else of IRC is here. */
#include "bline.h"

#include "base.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#define RELAY_LINE_MAX 1024
#define RELAY_SENDQ_MAX (64u << 20)
#define RELAY_CHANS 4

typedef struct rchan_s rchan_t;
typedef struct relay_s relay_t;

typedef struct rconn_s {
  uv_tcp_t tcp;
  relay_t *r;
  struct rconn_s *next_dirty;
  uint8_t dirty, dead, writing, closing, has_user, registered, skipping;
  uint16_t inlen;
  char nick[33];
  char *out;
  size_t outlen, outcap;
  rchan_t *chans[RELAY_CHANS];
  char in[RELAY_LINE_MAX];
} rconn_t;

struct rchan_s {
  rchan_t *next;
  rconn_t **m;
  uint32_t n, cap;
  char name[64];
};

struct relay_s {
  uv_loop_t *loop;
  uv_tcp_t listener;
  uv_check_t flush;
  uv_signal_t sigterm, sigint;
  rchan_t *chans;
  rconn_t *dirty;
  uint32_t nconns;
  int stopping;
};

typedef struct rwrite_s {
  uv_write_t req;
  rconn_t *c;
  char *data;
} rwrite_t;

static char rbuf[64 * 1024];

static void conn_close(rconn_t *c);

/* ---- output ------------------------------------------------------------ */

static void
mark_dirty(rconn_t *c)
{
  if (c->dirty)
    return;
  c->dirty = 1;
  c->next_dirty = c->r->dirty;
  c->r->dirty = c;
}

/* A connection that cannot take more output is closed at the next flush,
 * never here: the caller may be walking a channel's member array. */
static void
kill_later(rconn_t *c, const char *why)
{
  fprintf(stderr, "relay: %s: %s\n", c->nick, why);
  c->dead = 1;
  mark_dirty(c);
}

static void
out_append(rconn_t *c, const char *p, size_t n)
{
  size_t cap;
  char *nb;

  if (c->closing || c->dead)
    return;
  if (c->outlen + n > c->outcap) {
    if (c->outlen + n > RELAY_SENDQ_MAX) {
      kill_later(c, "sendq exceeded");
      return;
    }
    cap = c->outcap ? c->outcap * 2 : 4096;
    while (cap < c->outlen + n)
      cap *= 2;
    nb = reed_realloc(c->out, cap);
    if (nb == NULL) {
      kill_later(c, "out of memory");
      return;
    }
    c->out = nb;
    c->outcap = cap;
  }
  memcpy(c->out + c->outlen, p, n);
  c->outlen += n;
  mark_dirty(c);
}

static void
on_written(uv_write_t *req, int status)
{
  rwrite_t *w = (rwrite_t *)req;
  rconn_t *c = w->c;

  reed_free(w->data);
  reed_free(w);
  c->writing = 0;
  if (status < 0) {
    conn_close(c);
    return;
  }
  if (c->outlen)
    mark_dirty(c);
}

/* Hands the pending bytes to uv_write; the buffer goes with the request. */
static void
write_rest(rconn_t *c, size_t from)
{
  rwrite_t *w = reed_malloc(sizeof(*w));
  uv_buf_t b;

  if (w == NULL) {
    conn_close(c);
    return;
  }
  memmove(c->out, c->out + from, c->outlen - from);
  w->c = c;
  w->data = c->out;
  b = uv_buf_init(c->out, (unsigned)(c->outlen - from));
  c->out = NULL;
  c->outlen = c->outcap = 0;
  c->writing = 1;
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) < 0) {
    reed_free(w->data);
    reed_free(w);
    c->writing = 0;
    conn_close(c);
  }
}

static void
flush_one(rconn_t *c)
{
  uv_buf_t b;
  int n;

  c->dirty = 0;
  if (c->dead)
    conn_close(c);
  if (c->closing || c->writing || c->outlen == 0)
    return;
  b = uv_buf_init(c->out, (unsigned)c->outlen);
  n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
  if (n == UV_EAGAIN)
    n = 0;
  if (n < 0) {
    conn_close(c);
  } else if ((size_t)n == c->outlen) {
    reed_free(c->out); /* an idle connection holds no output buffer */
    c->out = NULL;
    c->outlen = c->outcap = 0;
  } else {
    write_rest(c, (size_t)n);
  }
}

static void
on_flush(uv_check_t *h)
{
  relay_t *r = h->data;
  rconn_t *c;

  while ((c = r->dirty) != NULL) {
    r->dirty = c->next_dirty;
    flush_one(c);
  }
}

/* ---- channels ---------------------------------------------------------- */

static rchan_t *
chan_get(relay_t *r, bench_view_t name)
{
  rchan_t *ch;

  if (name.len == 0 || name.len >= sizeof(ch->name))
    return NULL;
  for (ch = r->chans; ch; ch = ch->next)
    if (bench_view_eq(name, ch->name))
      return ch;
  ch = reed_calloc(1, sizeof(*ch));
  if (ch == NULL)
    return NULL;
  memcpy(ch->name, name.p, name.len);
  ch->next = r->chans;
  r->chans = ch;
  return ch;
}

static int
chan_add(rchan_t *ch, rconn_t *c)
{
  rconn_t **m;
  int i;

  for (i = 0; i < RELAY_CHANS && c->chans[i] != ch; i++)
    ;
  if (i < RELAY_CHANS)
    return 1; /* already a member */
  for (i = 0; i < RELAY_CHANS && c->chans[i]; i++)
    ;
  if (i == RELAY_CHANS)
    return REED_ELIMIT;
  if (ch->n == ch->cap) {
    m = reed_realloc(ch->m, (ch->cap ? ch->cap * 2 : 16) * sizeof(*m));
    if (m == NULL)
      return REED_ENOMEM;
    ch->m = m;
    ch->cap = ch->cap ? ch->cap * 2 : 16;
  }
  ch->m[ch->n++] = c;
  c->chans[i] = ch;
  return 0;
}

static void
chan_remove_all(rconn_t *c)
{
  rchan_t *ch;
  uint32_t k;
  int i;

  for (i = 0; i < RELAY_CHANS; i++) {
    if ((ch = c->chans[i]) == NULL)
      continue;
    for (k = 0; k < ch->n && ch->m[k] != c; k++)
      ;
    if (k < ch->n)
      ch->m[k] = ch->m[--ch->n];
    c->chans[i] = NULL;
  }
}

static void
chan_send(rchan_t *ch, rconn_t *except, const char *p, size_t n)
{
  uint32_t k;

  for (k = 0; k < ch->n; k++)
    if (ch->m[k] != except)
      out_append(ch->m[k], p, n);
}

/* ---- commands ---------------------------------------------------------- */

static void sendf(rconn_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sendf(rconn_t *c, const char *fmt, ...)
{
  char line[RELAY_LINE_MAX + 128];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n > 0 && (size_t)n < sizeof(line))
    out_append(c, line, (size_t)n);
}

/* The member list for a joiner, in 353 lines of about 400 bytes, then 366:
 * a client learns of the members that joined before it from these. */
static void
send_names(rconn_t *c, rchan_t *ch)
{
  char line[512];
  size_t head, n, len;
  uint32_t k;

  head = (size_t)snprintf(line, sizeof(line), ":relay 353 %s = %s :", c->nick,
                          ch->name);
  n = head;
  for (k = 0; k < ch->n; k++) {
    len = strlen(ch->m[k]->nick);
    if (n + len + 3 > 420) {
      memcpy(line + n - 1, "\r\n", 2);
      out_append(c, line, n + 1);
      n = head;
    }
    memcpy(line + n, ch->m[k]->nick, len);
    n += len;
    line[n++] = ' ';
  }
  if (n > head) {
    memcpy(line + n - 1, "\r\n", 2);
    out_append(c, line, n + 1);
  }
  sendf(c, ":relay 366 %s %s :End of /NAMES list.\r\n", c->nick, ch->name);
}

static void
cmd_join(rconn_t *c, bench_view_t list)
{
  const char *p = list.p, *end = list.p + list.len, *comma;
  bench_view_t name;
  rchan_t *ch;

  while (p < end) {
    comma = memchr(p, ',', (size_t)(end - p));
    name = (bench_view_t){p, (size_t)((comma ? comma : end) - p)};
    p = comma ? comma + 1 : end;
    ch = chan_get(c->r, name);
    if (ch && chan_add(ch, c) == 0) {
      char line[160];
      int n = snprintf(line, sizeof(line), ":%s!u@relay JOIN %s\r\n", c->nick,
                       ch->name);
      chan_send(ch, NULL, line, (size_t)n);
      send_names(c, ch);
    }
  }
}

/* Forwards the line from its command on, after the sender's prefix. */
static void
cmd_forward(rconn_t *c, const bench_line_t *m, const char *line, size_t len)
{
  const char *rest = m->command.p;
  size_t n = len - (size_t)(rest - line);
  char buf[RELAY_LINE_MAX + 64];
  rchan_t *ch;
  int k;

  if (m->nparams < 2 || m->params[0].p[0] != '#')
    return;
  ch = chan_get(c->r, m->params[0]);
  if (ch == NULL)
    return;
  k = snprintf(buf, sizeof(buf), ":%s!u@relay ", c->nick);
  memcpy(buf + k, rest, n);
  memcpy(buf + k + n, "\r\n", 2);
  chan_send(ch, c, buf, (size_t)k + n + 2);
}

static void
cmd_register(rconn_t *c, const bench_line_t *m)
{
  if (bench_view_eq(m->command, "NICK") && m->nparams >= 1 &&
      m->params[0].len < sizeof(c->nick)) {
    memcpy(c->nick, m->params[0].p, m->params[0].len);
    c->nick[m->params[0].len] = '\0';
  } else if (bench_view_eq(m->command, "USER")) {
    c->has_user = 1;
  }
  if (!c->registered && c->has_user && c->nick[0]) {
    c->registered = 1;
    sendf(c, ":relay 001 %s :Welcome to the bench relay\r\n", c->nick);
  }
}

static void
handle_line(rconn_t *c, const char *line, size_t len)
{
  bench_line_t m;

  if (len && line[len - 1] == '\r')
    len--;
  if (len == 0 || bench_line_parse(line, len, &m) < 0)
    return;
  if (bench_view_eq(m.command, "PING"))
    sendf(c, ":relay PONG relay :%.*s\r\n",
          m.nparams ? (int)m.params[0].len : 0, m.nparams ? m.params[0].p : "");
  else if (bench_view_eq(m.command, "QUIT"))
    conn_close(c);
  else if (!c->registered)
    cmd_register(c, &m);
  else if (bench_view_eq(m.command, "JOIN") && m.nparams >= 1)
    cmd_join(c, m.params[0]);
  else if (bench_view_eq(m.command, "PRIVMSG") ||
           bench_view_eq(m.command, "NOTICE"))
    cmd_forward(c, &m, line, len);
}

/* ---- connections ------------------------------------------------------- */

static void
feed(rconn_t *c, const char *p, size_t n)
{
  const char *nl;
  size_t take;

  while (n > 0 && !c->closing) {
    nl = memchr(p, '\n', n);
    take = nl ? (size_t)(nl - p) : n;
    if (c->inlen + take > sizeof(c->in))
      c->skipping = 1; /* an over-long line is dropped */
    if (!c->skipping && nl && c->inlen == 0) {
      handle_line(c, p, take);
    } else if (!c->skipping) {
      memcpy(c->in + c->inlen, p, take);
      c->inlen += (uint16_t)take;
      if (nl)
        handle_line(c, c->in, c->inlen);
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
on_conn_closed(uv_handle_t *h)
{
  rconn_t *c = h->data;
  relay_t *r = c->r;
  rconn_t **pp;

  for (pp = &r->dirty; *pp; pp = &(*pp)->next_dirty) {
    if (*pp == c) {
      *pp = c->next_dirty;
      break;
    }
  }
  reed_free(c->out);
  reed_free(c);
  r->nconns--;
}

static void
conn_close(rconn_t *c)
{
  if (c->closing)
    return;
  c->closing = 1;
  chan_remove_all(c);
  uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
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
  rconn_t *c = s->data;

  if (nread < 0)
    conn_close(c);
  else
    feed(c, buf->base, (size_t)nread);
}

static void
on_connection(uv_stream_t *server, int status)
{
  relay_t *r = server->data;
  rconn_t *c;

  if (status < 0 || (c = reed_calloc(1, sizeof(*c))) == NULL)
    return;
  c->r = r;
  uv_tcp_init(r->loop, &c->tcp);
  c->tcp.data = c;
  r->nconns++;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
    conn_close(c);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- start and stop ---------------------------------------------------- */

static void
close_walk(uv_handle_t *h, void *arg)
{
  relay_t *r = arg;

  if (uv_is_closing(h))
    return;
  if (h->type == UV_TCP && h != (uv_handle_t *)&r->listener)
    conn_close(h->data);
  else
    uv_close(h, NULL);
}

static void
on_signal(uv_signal_t *s, int signum)
{
  relay_t *r = s->data;

  REED_UNUSED(signum);
  r->stopping = 1;
  uv_walk(r->loop, close_walk, r);
}

static int
listen_on(relay_t *r, const char *host, int port)
{
  struct sockaddr_in a;
  struct sockaddr_storage got;
  int len = sizeof(got), rc;

  uv_tcp_init(r->loop, &r->listener);
  if ((rc = uv_ip4_addr(host, port, &a)) < 0 ||
      (rc = uv_tcp_bind(&r->listener, (struct sockaddr *)&a, 0)) < 0 ||
      (rc = uv_listen((uv_stream_t *)&r->listener, 4096, on_connection)) < 0) {
    fprintf(stderr, "relay: %s:%d: %s\n", host, port, uv_strerror(rc));
    return rc;
  }
  uv_tcp_getsockname(&r->listener, (struct sockaddr *)&got, &len);
  printf("listening irc tcp %s %d\n", host,
         ntohs(((struct sockaddr_in *)&got)->sin_port));
  fflush(stdout);
  return 0;
}

static void
free_chans(relay_t *r)
{
  rchan_t *ch;

  while ((ch = r->chans) != NULL) {
    r->chans = ch->next;
    reed_free(ch->m);
    reed_free(ch);
  }
}

int
main(int argc, char **argv)
{
  relay_t r = {.loop = uv_default_loop()};
  const char *host = "127.0.0.1";
  struct rlimit rl;
  int port = 6667;

  if (argc > 1)
    port = atoi(argv[1]);
  if (argc > 2)
    host = argv[2];
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  signal(SIGPIPE, SIG_IGN);
  if (listen_on(&r, host, port) < 0)
    return 1;
  r.listener.data = &r;
  uv_check_init(r.loop, &r.flush);
  r.flush.data = &r;
  uv_check_start(&r.flush, on_flush);
  uv_signal_init(r.loop, &r.sigterm);
  uv_signal_init(r.loop, &r.sigint);
  r.sigterm.data = r.sigint.data = &r;
  uv_signal_start(&r.sigterm, on_signal, SIGTERM);
  uv_signal_start(&r.sigint, on_signal, SIGINT);
  uv_run(r.loop, UV_RUN_DEFAULT);
  free_chans(&r);
  uv_loop_close(r.loop);
  return 0;
}
