/* Offline messages (RFC 6121 8.5.2.1.1 and 8.5.2.2.1 with XEP-0160's
 * habits): a message for an account that nobody would see now is kept in
 * the module's store, at most [xmpp] offline_max per account, and
 * delivered at the next initial presence with XEP-0203's <delay/>. What
 * is kept is the stanza body as it will be shown (from, type, id, body,
 * stanza-id, origin-id); the delay is added when it goes out. */
#include "xmpp_im_int.h"

#include <stdio.h>
#include <string.h>

int
reed__xim_offline_put(reed_xmpp_core_t *c, const char *account,
                      const xim_msg_t *m)
{
  const reed_xmpp_conf_t *conf = reed__xmpp_conf(c);
  reed_clock_t *clk = c->env->clock;
  char id[24];
  reed_xoffline_t rec = {.from = m->from};
  xmpp_out_t o;
  int rc;

  if (conf->offline_max <= 0)
    return REED_ELIMIT;
  snprintf(id, sizeof(id), "%llu", (unsigned long long)m->sid);
  rec.id = m->sid != 0 ? id : m->id;
  rec.stamp_ms = clk->wall_ms(clk->c);
  reed__xmpp_out_init(&o);
  reed__xim_msg_format(&o, m);
  if (o.err == 0)
    o.err = reed_buf_append(&o.b, "", 1); /* the store takes a C string */
  rc = o.err;
  if (rc == 0) {
    rec.xml = (const char *)o.b->data;
    rc = reed_xstore_offline_add(reed__xim_store(c), account, &rec,
                                 (size_t)conf->offline_max, NULL);
  }
  reed__xmpp_out_cleanup(&o);
  return rc;
}

typedef struct {
  reed_xmpp_core_t *c;
  reed_buf_t **bodies;
  size_t n, cap;
  uint64_t last_seq; /* the last one taken: deleted after */
  bool stop;         /* no memory: the rest waits for the next login */
} deliver_t;

/* The stored body with the delay put in front of its end tag. */
static reed_buf_t *
with_delay(reed_xmpp_core_t *c, const reed_xoffline_t *m)
{
  static const char end[] = "</message>";
  size_t len = strlen(m->xml), keep;
  char stamp[32];
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  if (len < sizeof(end) - 1 ||
      memcmp(m->xml + len - (sizeof(end) - 1), end, sizeof(end) - 1) != 0)
    return NULL; /* not one of ours: never shown */
  keep = len - (sizeof(end) - 1);
  reed__xim_stamp(m->stamp_ms, stamp, sizeof(stamp));
  reed__xmpp_out_init(&o);
  if (o.err == 0)
    o.err = reed_buf_append(&o.b, m->xml, keep);
  reed__xmpp_out_raw(&o, "<delay xmlns='" REED_NS_DELAY "'");
  reed__xmpp_out_attr(&o, "from", reed__xmpp_domain(c));
  reed__xmpp_out_attr(&o, "stamp", stamp);
  reed__xmpp_out_raw(&o, "/></message>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

static void
collect(void *ud, const reed_xoffline_t *m)
{
  deliver_t *d = ud;
  reed_buf_t *b, **nb;

  if (d->stop)
    return;
  if (d->n == d->cap) {
    nb = reed_realloc(d->bodies, (d->cap ? d->cap * 2 : 16) * sizeof(*nb));
    if (nb == NULL) {
      d->stop = true;
      return;
    }
    d->cap = d->cap ? d->cap * 2 : 16;
    d->bodies = nb;
  }
  if ((b = with_delay(d->c, m)) != NULL)
    d->bodies[d->n++] = b;
  d->last_seq = m->seq;
}

void
reed__xim_offline_deliver(reed_xmpp_core_t *c)
{
  reed_xstore_t *xs = reed__xim_store(c);
  deliver_t d = {c, NULL, 0, 0, 0, false};

  if (reed_xstore_offline_list(xs, c->account, collect, &d) != 0)
    return;
  for (size_t i = 0; i < d.n; i++) {
    reed__xim_write_to(c, "message", d.bodies[i]);
    reed_buf_unref(d.bodies[i]);
  }
  reed_free(d.bodies);
  /* They leave at the end of this loop turn, after the deletion commits
   * with the turn's batch (protocols/README.md, Output). */
  if (d.last_seq != 0)
    reed_xstore_offline_del_upto(xs, c->account, d.last_seq);
}
