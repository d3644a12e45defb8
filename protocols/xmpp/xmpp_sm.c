/* XEP-0198 stream management on a live stream: the feature, <enable/>,
 * the two counts (<r/> answered with <a/>; our <r/> after XSM_REQ_EVERY
 * stanzas or XSM_REQ_MS), and the queue of unacknowledged writes, bounded
 * by [xmpp] max_resume_queue stanzas. Past the bound the stream ends with
 * <resource-constraint/> (RFC 6120 4.9.3.17: the server lacks the
 * resources to serve the stream), from the clock. Parking and resumption
 * are in xmpp_sm_park.c. */
#include "xmpp_sm.h"

#include <stdio.h>
#include <string.h>

#define SM_R "<r xmlns='" REED_NS_SM "'/>"

xsm_t *
reed__xsm(const reed_xmpp_core_t *c)
{
  return reed__xmpp_ext_get(c, XMPP_EXT_SM);
}

static void
item_clear(xsm_item_t *it)
{
  reed_buf_unref(it->body);
  reed_free(it->head);
  memset(it, 0, sizeof(*it));
}

void
reed__xsm_free(reed_xmpp_core_t *c, void *p)
{
  xsm_t *sm = p;
  reed_clock_t *clk = c->st->env->clock;

  if (sm->req_timer != 0)
    clk->cancel(clk->c, sm->req_timer);
  if (sm->end_timer != 0)
    clk->cancel(clk->c, sm->end_timer);
  for (size_t i = 0; i < sm->q_len; i++)
    item_clear(&sm->q[(sm->q_head + i) % sm->q_cap]);
  reed_free(sm->q);
  reed_free(sm);
}

void
reed__xmpp_feature_sm(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed && !c->bound)
    reed__xmpp_out_raw(o, "<sm xmlns='" REED_NS_SM "'/>");
}

void
reed__xsm_failed_out(xmpp_out_t *o, const char *cond, bool has_h, uint32_t h)
{
  char hs[16];

  snprintf(hs, sizeof(hs), "%lu", (unsigned long)h);
  reed__xmpp_out_raw(o, "<failed xmlns='" REED_NS_SM "'");
  reed__xmpp_out_attr(o, "h", has_h ? hs : NULL);
  reed__xmpp_out_raw(o, "><");
  reed__xmpp_out_raw(o, cond);
  reed__xmpp_out_raw(o, " xmlns='" REED_NS_STANZA_ERR "'/></failed>");
}

void
reed__xsm_failed(reed_xmpp_core_t *c, const char *cond, bool has_h, uint32_t h)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xsm_failed_out(&o, cond, has_h, h);
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

bool
reed__xsm_parse_h(const char *s, uint32_t *h)
{
  uint64_t v = 0;

  if (s == NULL || *s == '\0' || strlen(s) > 10)
    return false;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  if (v > UINT32_MAX)
    return false;
  *h = (uint32_t)v;
  return true;
}

/* The id a resumed stream names: random bytes from the portal, in
 * base64 (the alphabet needs no escaping in an attribute). */
static bool
new_id(reed_xmpp_core_t *c, char *id, size_t size)
{
  uint8_t raw[XSM_ID_BYTES];

  if (c->env->portal == NULL || size < 4 * (XSM_ID_BYTES / 3) + 1)
    return false;
  reed_portal_random(c->env->portal, raw, sizeof(raw));
  reed_base64_encode(raw, sizeof(raw), id);
  return true;
}

bool
reed__xsm_resume_asked(const reed_xml_el_t *enable)
{
  const char *r = reed_xml_attr(enable, "resume");

  return r != NULL && (strcmp(r, "true") == 0 || strcmp(r, "1") == 0);
}

xsm_t *
reed__xsm_start(reed_xmpp_core_t *c, bool resume, xmpp_out_t *o)
{
  const reed_xmpp_conf_t *conf = reed__xmpp_conf(c);
  xsm_t *sm = reed__xsm(c);
  char max[24];

  if (!c->bound || sm != NULL) { /* XEP-0198 3: after bind, once */
    reed__xsm_failed_out(o, "unexpected-request", false, 0);
    return NULL;
  }
  if ((sm = reed_calloc(1, sizeof(*sm))) == NULL) {
    o->err = REED_ENOMEM;
    return NULL;
  }
  reed__xmpp_ext_set(c, XMPP_EXT_SM, sm);
  sm->resume = resume && conf->resume_window_ms > 0 &&
               conf->max_resume_queue > 0 && new_id(c, sm->id, sizeof(sm->id));
  reed__xmpp_out_raw(o, "<enabled xmlns='" REED_NS_SM "'");
  if (sm->resume) {
    snprintf(max, sizeof(max), "%llu",
             (unsigned long long)(conf->resume_window_ms / 1000));
    reed__xmpp_out_attr(o, "id", sm->id);
    reed__xmpp_out_raw(o, " resume='true'");
    reed__xmpp_out_attr(o, "max", max);
  }
  reed__xmpp_out_raw(o, "/>");
  return sm;
}

void
reed__xmpp_nz_enable(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xmpp_out_t o;
  xsm_t *sm;

  reed__xmpp_out_init(&o);
  sm = reed__xsm_start(c, reed__xsm_resume_asked(el), &o);
  reed__xmpp_send(c, &o); /* no memory: the stream ends there */
  reed__xmpp_out_cleanup(&o);
  if (sm != NULL)
    sm->enabled = true; /* counting starts after <enabled/> */
}

void
reed__xmpp_sm_in(reed_xmpp_core_t *c)
{
  xsm_t *sm = reed__xsm(c);

  if (sm != NULL && sm->enabled)
    sm->h_in++;
}

void
reed__xmpp_nz_r(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xsm_t *sm = reed__xsm(c);
  char a[64];

  REED_UNUSED(el);
  if (sm == NULL || !sm->enabled)
    return; /* nothing counted: nothing to say */
  snprintf(a, sizeof(a), "<a xmlns='" REED_NS_SM "' h='%lu'/>",
           (unsigned long)sm->h_in);
  reed__xmpp_send_raw(c, a);
}

int
reed__xsm_ack(xsm_t *sm, uint32_t h)
{
  if ((int32_t)(h - sm->acked) < 0)
    return 0; /* older than what we know: nothing new */
  if (h - sm->acked > sm->h_out - sm->acked)
    return REED_EINVAL;
  sm->acked = h;
  while (sm->q_len > 0 && h - sm->q_first >= sm->q[sm->q_head].n) {
    xsm_item_t *it = &sm->q[sm->q_head];
    sm->q_first += it->n;
    sm->q_stanzas -= it->n;
    item_clear(it);
    sm->q_head = (sm->q_head + 1) % sm->q_cap;
    sm->q_len--;
  }
  if (sm->q_len == 0)
    sm->q_first = h;
  return 0;
}

/* XEP-0198 4: h above what we sent ends the stream. */
static void
too_high(reed_xmpp_core_t *c, xsm_t *sm, uint32_t h)
{
  char buf[360];

  snprintf(buf, sizeof(buf),
           "<stream:error><undefined-condition xmlns='" REED_NS_STREAM_ERR
           "'/><handled-count-too-high xmlns='" REED_NS_SM
           "' h='%lu' send-count='%lu'/></stream:error>%s",
           (unsigned long)h, (unsigned long)sm->h_out,
           reed__xmpp_stream_end(c));
  reed__xmpp_send_raw(c, buf);
  reed__xmpp_close(c, "XMPP stream error: handled-count-too-high");
}

void
reed__xmpp_nz_a(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xsm_t *sm = reed__xsm(c);
  uint32_t h;

  if (sm == NULL || !sm->enabled)
    return;
  if (!reed__xsm_parse_h(reed_xml_attr(el, "h"), &h))
    reed__xmpp_stream_error(c, "invalid-xml", "Missing or invalid 'h'");
  else if (reed__xsm_ack(sm, h) < 0)
    too_high(c, sm, h);
}

/* ---- Output --------------------------------------------------------------*/

static int
grow(xsm_t *sm)
{
  size_t cap = sm->q_cap ? sm->q_cap * 2 : 16;
  xsm_item_t *q = reed_calloc(cap, sizeof(*q));

  if (q == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < sm->q_len; i++)
    q[i] = sm->q[(sm->q_head + i) % sm->q_cap];
  reed_free(sm->q);
  sm->q = q;
  sm->q_cap = cap;
  sm->q_head = 0;
  return 0;
}

static int
keep(reed_xmpp_core_t *c, xsm_t *sm, const void *head, size_t head_len,
     reed_buf_t *body, unsigned n)
{
  xsm_item_t *it;

  if (sm->q_stanzas + n > (uint32_t)reed__xmpp_conf(c)->max_resume_queue)
    return REED_ELIMIT;
  if (sm->q_len == sm->q_cap && grow(sm) < 0)
    return REED_ENOMEM;
  it = &sm->q[(sm->q_head + sm->q_len) % sm->q_cap];
  if (head != NULL && (it->head = reed_malloc(head_len + 1)) == NULL)
    return REED_ENOMEM;
  if (head != NULL)
    memcpy(it->head, head, head_len);
  it->head_len = head_len;
  it->body = reed_buf_ref(body);
  it->n = n;
  it->kept_ms = c->env->clock->wall_ms(c->env->clock->c);
  sm->q_len++;
  sm->q_stanzas += n;
  return 0;
}

static void
send_r(reed_xmpp_core_t *c, xsm_t *sm)
{
  sm->req_h = sm->h_out;
  reed__xmpp_send_raw(c, SM_R);
}

static void
req_due(void *arg)
{
  reed_xmpp_core_t *c = arg;
  xsm_t *sm = reed__xsm(c);

  sm->req_timer = 0;
  if (!c->parked && !c->closed && sm->acked != sm->h_out &&
      sm->req_h != sm->h_out)
    send_r(c, sm);
}

/* After stanzas went out: an <r/> now after XSM_REQ_EVERY of them, else
 * one XSM_REQ_MS later if they are still not acknowledged. */
static void
maybe_request(reed_xmpp_core_t *c, xsm_t *sm)
{
  reed_clock_t *clk = c->env->clock;

  if (sm->h_out - sm->req_h >= XSM_REQ_EVERY)
    send_r(c, sm);
  else if (sm->req_timer == 0)
    sm->req_timer = clk->call_later(clk->c, XSM_REQ_MS, req_due, c);
}

int
reed__xsm_out(reed_xmpp_core_t *c, const void *head, size_t head_len,
              reed_buf_t *body, int n)
{
  xsm_t *sm = reed__xsm(c);
  xsm_scan_t scan;
  int rc;

  if (sm == NULL || !sm->enabled)
    return c->parked ? 0 : reed__xmpp_transport_write(c, head, head_len, body);
  reed__xsm_count(head, head_len, body, n, &scan);
  if (scan.stanzas > 0 && sm->overflow)
    return REED_ELIMIT; /* the stream is ending */
  if (scan.stanzas > 0 && sm->resume &&
      keep(c, sm, head, head_len, body, scan.stanzas) < 0) {
    reed__xsm_end_soon(c, sm);
    return REED_ELIMIT;
  }
  sm->h_out += scan.stanzas;
  if (c->parked)
    return 0; /* kept for the stream that resumes it */
  rc = reed__xmpp_transport_write(c, head, head_len, body);
  if (rc < 0)
    sm->lost = true; /* net is cutting it: eof follows, and may park */
  if (rc == 0 && scan.stanzas > 0 && !c->closed)
    maybe_request(c, sm);
  return rc;
}

void
reed__xsm_resend(reed_xmpp_core_t *c, xsm_t *sm)
{
  for (size_t i = 0; i < sm->q_len && !c->closed; i++) {
    xsm_item_t *it = &sm->q[(sm->q_head + i) % sm->q_cap];
    reed_buf_t *b = reed__xsm_delayed(c, it);
    if (b != NULL)
      reed__xmpp_transport_write(c, NULL, 0, b);
    else /* no memory for the copy: as it was, undated */
      reed__xmpp_transport_write(c, it->head, it->head_len, it->body);
    reed_buf_unref(b);
  }
  if (sm->q_len > 0 && !c->closed)
    send_r(c, sm);
}
