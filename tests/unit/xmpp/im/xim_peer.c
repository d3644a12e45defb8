/* Another protocol's client on the world's model (xim_peer.h). */
#include "xim_peer.h"

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
      .conf = p->conf,
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
