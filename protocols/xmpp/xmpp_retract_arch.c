/* Retractions kept after they happen, whatever protocol redacted: a
 * model observer sees every REDACT once (IRC's REDACT, AMP's, XMPP's
 * retraction and moderation alike) and
 * - archives it (the store's xmpp_retraction rows): MAM shows the
 *   retraction message with its own id and time after the tombstone
 *   (xmpp_mam_page.c), as XEP-0424 asks of an archive, so a client that
 *   syncs later learns of it;
 * - in a private conversation whose other party has no XMPP resource
 *   bound, keeps it for offline delivery: a copy of the message still
 *   waiting there is deleted instead (nobody saw it), else the
 *   retraction waits beside the other offline messages.
 * Observers only write: nothing here calls the model. */
#include "xmpp_im_int.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

static void
count_core(void *ud, reed_xmpp_core_t *c)
{
  (void)c;
  ++*(size_t *)ud;
}

/* The conversation's scope: both parties (account, else nick), folded,
 * sorted, as the model keys a conversation. */
static void
pair_scope(const reed_event_t *ev, char *out, size_t size)
{
  char a[REED_NICK_MAX + 1], b[REED_NICK_MAX + 1];
  const char *peer =
      ev->u.msg.target_account ? ev->u.msg.target_account : ev->target;

  reed_casefold(a, ev->from.account ? ev->from.account : ev->from.nick,
                sizeof(a));
  reed_casefold(b, peer ? peer : "", sizeof(b));
  if (strcmp(a, b) > 0)
    snprintf(out, size, "%s %s", b, a);
  else
    snprintf(out, size, "%s %s", a, b);
}

/* The retraction for the offline party: from the retracting resource
 * with the id it named (an XMPP sender), else from the person's
 * account@domain/origin with the model id. */
static void
keep_offline(reed_xmpp_state_t *st, const reed_event_t *ev, const char *account)
{
  const reed_xmpp_conf_t *conf = st->env->conf;
  const xim_sending_t *x = reed__xim_st_sending(st);
  char id[24], from[REED_JID_MAX + 1], local[REED_NICK_MAX + 1];
  reed_xoffline_t rec = {.from = from};
  reed_clock_t *clk = st->env->clock;
  xmpp_out_t o;
  int n;

  snprintf(id, sizeof(id), "%llu", (unsigned long long)ev->u.redact.ref_id);
  if ((n = reed_xstore_offline_del_id(st->xs, account, id)) != 0)
    return; /* deleted (never seen), or a store error */
  if (conf == NULL || conf->offline_max <= 0)
    return;
  reed_casefold(local, ev->from.account ? ev->from.account : ev->from.nick,
                sizeof(local));
  snprintf(from, sizeof(from), "%s@%s/%s", local, reed__xmpp_st_domain(st),
           ev->from.origin ? ev->from.origin : "unknown");
  reed__xmpp_out_init(&o);
  if (x->retract_id != NULL && x->session_id == ev->from.session_id)
    reed__xmpp_retract_chat(&o, x->from, x->retract_id);
  else
    reed__xmpp_retract_chat(&o, from, id);
  if (o.err == 0 && reed_buf_append(&o.b, "", 1) == 0) {
    rec.xml = (const char *)o.b->data;
    rec.stamp_ms = clk->wall_ms(clk->c);
    (void)reed_xstore_offline_add(st->xs, account, &rec,
                                  (size_t)conf->offline_max, NULL);
  }
  reed__xmpp_out_cleanup(&o);
}

static void
on_change(void *ud, const reed_event_t *ev)
{
  reed_xmpp_state_t *st = ud;
  char scope[2 * REED_NICK_MAX + REED_ROOM_MAX + 4];
  const char *peer;
  size_t bound = 0;
  reed_xretract_t r;

  if (ev->kind != REED_EV_REDACT || ev->from.nick == NULL)
    return;
  if (ev->room != NULL) {
    scope[0] = '#';
    reed_casefold(scope + 1, ev->room, sizeof(scope) - 1);
  } else {
    pair_scope(ev, scope, sizeof(scope));
  }
  r = (reed_xretract_t){.id = ev->id,
                        .ts_ms = ev->ts_ms,
                        .ref_id = ev->u.redact.ref_id,
                        .scope = scope,
                        .nick = ev->from.nick,
                        .account = ev->from.account,
                        .reason = ev->text_len > 0 ? ev->text : NULL};
  (void)reed_xstore_retract_add(st->xs, &r); /* best effort, logged */
  if (ev->room != NULL || (peer = ev->u.msg.target_account) == NULL)
    return;
  reed__xmpp_reg_each(&st->reg, peer, count_core, &bound);
  if (bound == 0)
    keep_offline(st, ev, peer);
}

int
reed__xmpp_retract_arch_init(reed_xmpp_state_t *st)
{
  reed_model_observer_t o = {.on_change = on_change, .ud = st};
  int rc;

  if (st->xs == NULL || st->env->model == NULL)
    return 0;
  if ((rc = reed_model_add_observer(st->env->model, &o)) != 0)
    reed_log(st->env->log, REED_LOG_WARN,
             "xmpp: retractions are not archived: %s", reed_strerror(rc));
  return 0;
}

void
reed__xmpp_retract_arch_cleanup(reed_xmpp_state_t *st)
{
  reed_model_observer_t o = {.on_change = on_change, .ud = st};

  if (st->xs != NULL && st->env->model != NULL)
    (void)reed_model_remove_observer(st->env->model, &o);
}
