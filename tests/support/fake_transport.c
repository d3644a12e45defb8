#include "fake_transport.h"

#include <stdlib.h>
#include <string.h>

static void
append(fake_transport_t *ft, const void *p, size_t n)
{
  if (ft->out_len + n + 1 > ft->out_cap) {
    size_t cap = ft->out_cap ? ft->out_cap : 256;
    while (cap < ft->out_len + n + 1)
      cap *= 2;
    ft->out = realloc(ft->out, cap);
    if (ft->out == NULL)
      abort();
    ft->out_cap = cap;
  }
  memcpy(ft->out + ft->out_len, p, n);
  ft->out_len += n;
  ft->out[ft->out_len] = '\0';
}

static int
ft_write(void *t, reed_buf_t *buf)
{
  fake_transport_t *ft = t;

  if (ft->full || ft->closed) {
    return REED_EQUEUEFULL;
  }
  append(ft, buf->data, buf->len);
  if (ft->sep != NULL)
    append(ft, ft->sep, strlen(ft->sep));
  ft->writes++;
  return 0;
}

/* Both parts or neither, as the real send queue does. */
static int
ft_write2(void *t, const void *head, size_t head_len, reed_buf_t *body)
{
  fake_transport_t *ft = t;

  if (ft->full || ft->closed)
    return REED_EQUEUEFULL;
  append(ft, head, head_len);
  append(ft, body->data, body->len);
  if (ft->sep != NULL)
    append(ft, ft->sep, strlen(ft->sep));
  ft->writes++;
  ft->writes2++;
  return 0;
}

static void
ft_close(void *t, const char *reason)
{
  fake_transport_t *ft = t;

  if (ft->closed)
    return;
  ft->closed = 1;
  reed_strlcpy(ft->close_reason, reason ? reason : "",
               sizeof(ft->close_reason));
}

static void
ft_pause(void *t, bool paused)
{
  ((fake_transport_t *)t)->paused = paused;
}

static int
ft_start_tls(void *t)
{
  ((fake_transport_t *)t)->tls_requests++;
  return 0;
}

static const reed_peer_t *
ft_peer(void *t)
{
  return &((fake_transport_t *)t)->peer;
}

/* As net's: only over TLS, and only the types it knows. */
static int
ft_channel_binding(void *t, const char *type, uint8_t *out, size_t *len)
{
  fake_transport_t *ft = t;
  const uint8_t *data = NULL;
  size_t n = 0;

  if (strcmp(type, "tls-exporter") == 0) {
    data = ft->cb_exporter;
    n = ft->cb_exporter_len;
  } else if (strcmp(type, "tls-server-end-point") == 0) {
    data = ft->cb_end_point;
    n = ft->cb_end_point_len;
  }
  if (!ft->peer.tls || n == 0 || n > *len)
    return REED_EINVAL;
  memcpy(out, data, n);
  *len = n;
  return 0;
}

void
ft_set_channel_binding(fake_transport_t *ft, const char *type, const void *data,
                       size_t len)
{
  bool exp = strcmp(type, "tls-exporter") == 0;

  if (!exp && strcmp(type, "tls-server-end-point") != 0)
    abort(); /* a test asking for a type no transport gives */
  uint8_t *dst = exp ? ft->cb_exporter : ft->cb_end_point;
  size_t max = exp ? sizeof(ft->cb_exporter) : sizeof(ft->cb_end_point);

  if (len > max)
    abort();
  if (len > 0)
    memcpy(dst, data, len);
  *(exp ? &ft->cb_exporter_len : &ft->cb_end_point_len) = len;
}

void
ft_init(fake_transport_t *ft)
{
  memset(ft, 0, sizeof(*ft));
  reed_strlcpy(ft->peer.ip, "127.0.0.1", sizeof(ft->peer.ip));
  ft->peer.port = 40000;
  ft->peer.local_port = 6667;
  ft->peer.cert_fp = ft->cert_fp;
  ft->transport.write = ft_write;
  ft->transport.write2 = ft_write2;
  ft->transport.close = ft_close;
  ft->transport.pause_reading = ft_pause;
  ft->transport.start_tls = ft_start_tls;
  ft->transport.peer = ft_peer;
  ft->transport.channel_binding = ft_channel_binding;
  ft->transport.t = ft;
}

void
ft_cleanup(fake_transport_t *ft)
{
  free(ft->out);
  ft->out = NULL;
}

void
ft_set_full(fake_transport_t *ft, int full)
{
  ft->full = full;
}

const char *
ft_take(fake_transport_t *ft)
{
  const char *s = ft->out ? ft->out + ft->read_pos : "";

  ft->read_pos = ft->out_len;
  return s;
}

void
ft_clear(fake_transport_t *ft)
{
  ft->out_len = 0;
  ft->read_pos = 0;
  if (ft->out)
    ft->out[0] = '\0';
}
