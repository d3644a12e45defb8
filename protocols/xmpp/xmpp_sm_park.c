/* XEP-0198 resumption: parking a session when its connection drops, and
 * a new stream taking it over.
 *
 * The core itself is what is parked. At eof with resumption on, the core
 * stays bound and registered and its model session stays, but its env
 * becomes a copy the module owns (xsm_t.penv) whose transport writes
 * nowhere; `parked` makes the output hook keep every stanza in the queue
 * and makes config reads go through the module's env (a reload repoints
 * that one). conn_free then leaves the core alone (sm_keep), and the
 * window's timer on the process clock ends it as eof would have.
 *
 * A new stream that authenticated as the same account and sends <resume/>
 * before binding adopts the parked core's state: session, resource,
 * registry entry, every extension slot (presence, roster, carbons, stream
 * management; CSI is flushed and dropped: a new stream starts active), and
 * the model session's listener is repointed to the new core
 * (reed_session_set_listener). The old core, emptied, is freed. A live old
 * connection (the client resumed before we saw the drop) is closed first
 * and emptied the same way; net frees it as usual. */
#include "xmpp_sm.h"
#include "xmpp_im_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- The parked transport -------------------------------------------- */

static int
pt_write(void *t, reed_buf_t *buf)
{
  REED_UNUSED(t);
  REED_UNUSED(buf);
  return 0; /* never reached while parked: the output hook keeps */
}

static int
pt_write2(void *t, const void *head, size_t head_len, reed_buf_t *body)
{
  REED_UNUSED(t);
  REED_UNUSED(head);
  REED_UNUSED(head_len);
  REED_UNUSED(body);
  return 0;
}

static void
pt_pause(void *t, bool paused)
{
  REED_UNUSED(t);
  REED_UNUSED(paused);
}

/* The server ended a parked session (a KILL, a newer bind of the same
 * resource): it is gone; free it from the clock, not inside this call. */
static void
pt_close(void *t, const char *reason)
{
  reed_xmpp_core_t *c = t;
  xsm_t *sm = reed__xsm(c);

  REED_UNUSED(reason);
  if (sm != NULL)
    reed__xsm_end_soon(c, sm);
}

/* ---- Parking ----------------------------------------------------------- */

static void
cancel(reed_xmpp_core_t *c, uint64_t *timer)
{
  reed_clock_t *clk = c->st->env->clock;

  if (*timer != 0)
    clk->cancel(clk->c, *timer);
  *timer = 0;
}

bool
reed__xmpp_sm_park(reed_xmpp_core_t *c, const char *reason)
{
  xsm_t *sm = reed__xsm(c);
  reed_clock_t *clk = c->st->env->clock;

  if (sm == NULL || !sm->resume || sm->overflow || !c->bound ||
      (c->closed && !sm->lost) || c->parked || c->session == NULL)
    return false;
  c->closed = false; /* a failed write is no close of ours */
  sm->ptp = (reed_transport_t){.write = pt_write,
                               .write2 = pt_write2,
                               .close = pt_close,
                               .pause_reading = pt_pause,
                               .t = c};
  sm->net_env = c->env;
  sm->penv = *c->env;
  sm->penv.transport = &sm->ptp;
  sm->penv.host = NULL;
  c->env = &sm->penv;
  c->parked = true;
  cancel(c, &c->timer);
  cancel(c, &c->ka_timer);
  cancel(c, &sm->req_timer);
  cancel(c, &sm->end_timer);
  reed_strlcpy(sm->reason, reason != NULL ? reason : "Connection closed",
               sizeof(sm->reason));
  sm->end_timer = clk->call_later(clk->c, reed__xmpp_conf(c)->resume_window_ms,
                                  reed__xsm_end_timer, c);
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: %s parked for resumption (%s)",
           c->full_jid, sm->reason);
  return true;
}

bool
reed__xmpp_sm_keep(reed_xmpp_core_t *c)
{
  xsm_t *sm = reed__xsm(c);

  if (!c->parked || sm == NULL)
    return false;
  /* net's env goes away with the connection; ours stays. */
  reed_xml_stream_free(c->xml);
  c->xml = NULL;
  sm->penv.transport = &sm->ptp;
  c->env = &sm->penv;
  sm->kept = true;
  return true;
}

/* ---- The end of a parked session ------------------------------------- */

/* The window is over (or the session was ended meanwhile): the session
 * quits as at eof, and the core is freed once net has let it go. */
static void
end_parked(reed_xmpp_core_t *c, xsm_t *sm)
{
  bool kept = sm->kept;

  if (!c->closed)
    reed__xsm_unacked(c, sm);
  sm->penv.conf = c->st->env->conf; /* current after any reload */
  sm->penv.server_conf = c->st->env->server_conf;
  c->parked = false;
  c->closed = true;
  reed__xmpp_unbind(c, sm->reason);
  if (kept)
    reed__xmpp_conn_free(c);
  else
    c->env = sm->net_env;
}

void
reed__xsm_end_timer(void *arg)
{
  reed_xmpp_core_t *c = arg;
  xsm_t *sm = reed__xsm(c);

  sm->end_timer = 0;
  if (c->parked)
    end_parked(c, sm);
  else if (!c->closed)
    reed__xmpp_stream_error(c, "resource-constraint",
                            "Too many unacknowledged stanzas");
}

void
reed__xsm_end_soon(reed_xmpp_core_t *c, xsm_t *sm)
{
  reed_clock_t *clk = c->st->env->clock;

  sm->overflow = true;
  if (sm->end_timer != 0)
    clk->cancel(clk->c, sm->end_timer);
  sm->end_timer = clk->call_later(clk->c, 0, reed__xsm_end_timer, c);
}

void
reed__xmpp_sm_cleanup(reed_xmpp_state_t *st)
{
  reed_xmpp_core_t **v;
  size_t n = 0;

  for (size_t i = 0; i < st->reg.n_buckets; i++)
    for (reed_xmpp_core_t *c = st->reg.buckets[i]; c != NULL; c = c->reg_next)
      n += c->parked;
  if (n == 0 || (v = reed_calloc(n, sizeof(*v))) == NULL)
    return;
  n = 0;
  for (size_t i = 0; i < st->reg.n_buckets; i++)
    for (reed_xmpp_core_t *c = st->reg.buckets[i]; c != NULL; c = c->reg_next)
      if (c->parked)
        v[n++] = c;
  for (size_t i = 0; i < n; i++) /* unbinding edits the registry */
    end_parked(v[i], reed__xsm(v[i]));
  reed_free(v);
}

/* ---- Resumption -------------------------------------------------------- */

typedef struct find_s {
  const char *id;
  reed_xmpp_core_t *found;
} find_t;

static void
find_one(void *ud, reed_xmpp_core_t *o)
{
  find_t *f = ud;
  xsm_t *sm = reed__xsm(o);

  if (sm != NULL && sm->resume && !sm->overflow && !o->closed &&
      strcmp(sm->id, f->id) == 0)
    f->found = o;
}

/* A live old connection: told and closed; net frees it as usual. */
static void
close_live(reed_xmpp_core_t *old)
{
  reed_clock_t *clk = old->st->env->clock;

  reed__xmpp_send_raw(old, "<stream:error><conflict xmlns='" REED_NS_STREAM_ERR
                           "'/><text xmlns='" REED_NS_STREAM_ERR
                           "'>Resumed by another stream</text>"
                           "</stream:error>");
  reed__xmpp_send_raw(old, reed__xmpp_stream_end(old));
  old->closed = true;
  old->env->transport->close(old->env->transport->t, "Resumed elsewhere");
  if (old->ka_timer != 0)
    clk->cancel(clk->c, old->ka_timer);
  old->ka_timer = 0;
}

/* Everything that makes the session moves from old to c. */
static void
take_state(reed_xmpp_core_t *c, reed_xmpp_core_t *old)
{
  c->session = old->session;
  c->resource = old->resource;
  c->full_jid = old->full_jid;
  old->session = NULL;
  old->resource = old->full_jid = NULL;
  old->bound = false;
  c->bound = true;
  for (int i = 0; i < XMPP_EXT_MAX; i++) {
    if (i == XMPP_EXT_SASL2 || old->ext[i] == NULL)
      continue; /* SASL2's state is this stream's own */
    if (c->ext[i] != NULL && reed__xmpp_ext_free[i] != NULL)
      reed__xmpp_ext_free[i](c, c->ext[i]);
    c->ext[i] = old->ext[i];
    old->ext[i] = NULL;
  }
}

static void
resumed(reed_xmpp_core_t *c, xsm_t *sm)
{
  char buf[160];
  void *csi = reed__xmpp_ext_get(c, XMPP_EXT_CSI);

  snprintf(buf, sizeof(buf),
           "<resumed xmlns='" REED_NS_SM "' h='%lu' previd='%s'/>",
           (unsigned long)sm->h_in, sm->id);
  reed__xmpp_send_raw(c, buf);
  reed__xsm_resend(c, sm);
  if (csi != NULL) { /* a new stream starts active (XEP-0352 5) */
    reed__xcsi_flush(c);
    reed__xmpp_ext_set(c, XMPP_EXT_CSI, NULL);
    reed__xcsi_free(c, csi);
  }
}

static void
adopt(reed_xmpp_core_t *c, reed_xmpp_core_t *old)
{
  xsm_t *sm = reed__xsm(old);
  reed_clock_t *clk = c->env->clock;
  bool parked = old->parked, kept = sm->kept;

  if (!parked)
    close_live(old);
  cancel(old, &sm->end_timer);
  cancel(old, &sm->req_timer);
  reed__xmpp_reg_del(&c->st->reg, old);
  take_state(c, old);
  if (parked) /* penv goes with sm; a live one keeps net's env */
    old->env = kept ? c->env : sm->net_env;
  old->parked = false;
  sm->kept = false;
  reed_session_set_listener(c->session, &reed__xmpp_listener, c);
  if (c->timer != 0)
    clk->cancel(clk->c, c->timer);
  c->timer = 0;
  if (parked && kept)
    reed__xmpp_conn_free(old);
  if (reed__xmpp_reg_add(&c->st->reg, c) < 0) {
    reed__xmpp_stream_error(c, "internal-server-error", NULL);
    return;
  }
  reed__xmpp_keepalive_start(c);
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: %s resumed", c->full_jid);
  resumed(c, sm);
}

/* The h of <resume/> above what was sent: <failed/>, and the old session
 * ends (XEP-0198 4). */
static void
resume_bad_h(reed_xmpp_core_t *c, reed_xmpp_core_t *old, xsm_t *sm)
{
  reed__xsm_failed(c, "undefined-condition", true, sm->h_in);
  if (old->parked)
    reed__xsm_end_soon(old, sm);
  else
    reed__xmpp_stream_error(old, "undefined-condition",
                            "Resumed with a wrong count");
}

void
reed__xmpp_nz_resume(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  find_t f = {reed_xml_attr(el, "previd"), NULL};
  uint32_t h;

  if (c->bound || reed__xsm(c) != NULL) {
    reed__xsm_failed(c, "unexpected-request", false, 0);
    return;
  }
  if (f.id == NULL || !reed__xsm_parse_h(reed_xml_attr(el, "h"), &h)) {
    reed__xsm_failed(c, "bad-request", false, 0);
    return;
  }
  reed__xmpp_reg_each(&c->st->reg, c->account, find_one, &f);
  if (f.found == NULL)
    reed__xsm_failed(c, "item-not-found", false, 0);
  else if (reed__xsm_ack(reed__xsm(f.found), h) < 0)
    resume_bad_h(c, f.found, reed__xsm(f.found));
  else
    adopt(c, f.found);
}
