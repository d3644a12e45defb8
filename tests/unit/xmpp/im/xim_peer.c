/* Another protocol's client on the world's model (xim_peer.h). */
#define _GNU_SOURCE /* memmem */
#include "xim_peer.h"
#include "irc.h"
#include "xw_common.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

void
xpeer_open(tw_t *w, xpeer_t *p, const reed_protocol_module_t *mod)
{
  memset(p, 0, sizeof(*p));
  p->w = w;
  p->mod = mod;
  p->conf = calloc(1, mod->conf_size + 1);
  ASSERT(p->conf != NULL);
  if (mod->conf_defaults != NULL)
    mod->conf_defaults(p->conf);
  ft_init(&p->ft);
  p->env = (reed_proto_env_t){
      .transport = &p->ft.transport,
      .clock = &w->fc->clock,
      .worker = &w->iw->worker,
      .model = w->model,
      .portal = w->portal,
      .store = w->store,
      /* AMP has no conf_defaults: it reads its defaults from a NULL conf. */
      .conf = mod->conf_defaults != NULL ? p->conf : NULL,
      .log = &w->log,
      .conn_id = ++w->next_conn,
  };
  ASSERT_EQ(mod->conn_new(&p->env, &p->core), 0);
}

void
xpeer_send(xpeer_t *p, const char *text)
{
  size_t len = strlen(text), off = 0;

  for (int spins = 0; off < len && spins < 1000; spins++) {
    ssize_t r = p->mod->feed(p->core, (const uint8_t *)text + off, len - off);

    ASSERT(r >= 0);
    off += (size_t)r;
    if (off < len) { /* held back: let the hash and the fakelag pass */
      iw_run(p->w->iw);
      fc_advance(p->w->fc, 100);
    }
  }
  ASSERT_EQ(off, len);
  tw_turn_end(p->w);
}

const char *
xpeer_take(xpeer_t *p)
{
  return ft_take(&p->ft);
}

bool
xpeer_saw(xpeer_t *p, const char *needle)
{
  size_t from = p->ft.read_pos;

  ft_take(&p->ft);
  return memmem(p->ft.out + from, p->ft.out_len - from, needle,
                strlen(needle)) != NULL;
}

/* AMP's wire form: 2-byte big-endian lengths, key then value, and an
 * empty key to end the box. */
void
xpeer_box(xpeer_t *p, const char *const *kv)
{
  char buf[1024];
  size_t n = 0, off = 0;

  for (size_t i = 0; kv[i] != NULL; i++) {
    size_t l = strlen(kv[i]);

    ASSERT(n + l + 4 <= sizeof(buf));
    buf[n++] = (char)(l >> 8);
    buf[n++] = (char)l;
    memcpy(buf + n, kv[i], l);
    n += l;
  }
  buf[n++] = 0;
  buf[n++] = 0;
  for (int spins = 0; off < n && spins < 1000; spins++) {
    ssize_t r = p->mod->feed(p->core, (const uint8_t *)buf + off, n - off);

    ASSERT(r >= 0);
    off += (size_t)r;
    if (off < n) {
      iw_run(p->w->iw);
      fc_advance(p->w->fc, 100);
    }
  }
  ASSERT_EQ(off, n);
  tw_turn_end(p->w);
}

void
xpeer_close(xpeer_t *p)
{
  if (p->core == NULL)
    return;
  p->mod->eof(p->core, "Connection closed");
  p->mod->conn_free(p->core);
  p->core = NULL;
  ft_cleanup(&p->ft);
  if (p->mod->conf_cleanup != NULL)
    p->mod->conf_cleanup(p->conf);
  free(p->conf);
}

void
xpeer_irc_login(tw_t *w, xpeer_t *p, const char *user)
{
  char b64[96], line[320];

  xpeer_open(w, p, &reed_irc_module);
  xw_plain(user, "pw", b64, sizeof(b64));
  snprintf(line, sizeof(line),
           "CAP LS 302\r\nNICK %s\r\nUSER %s 0 * :x\r\nCAP REQ :sasl "
           "message-tags\r\nAUTHENTICATE PLAIN\r\nAUTHENTICATE %s\r\nCAP "
           "END\r\n",
           user, user, b64);
  xpeer_send(p, line);
  ASSERT(strstr(xpeer_take(p), " 001 ") != NULL);
}
