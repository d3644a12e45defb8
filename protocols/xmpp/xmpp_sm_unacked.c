/* XEP-0198's unacknowledged stanzas after the stream is gone.
 *
 * Resent after <resumed/>: each message and presence carries XEP-0203
 * <delay from=domain stamp=/> with the time it was first kept (unless it
 * has a delay of its own: offline deliveries, MAM results inside), so a
 * client can tell old news; iq get/set are left alone (RFC 6120 8.2.3: one
 * payload child).
 *
 * Never resumed (the window ended, XEP-0198 5: "as it would treat a stanza
 * sent to an unavailable resource"), as Prosody's mod_smacks: an iq get or
 * set from another local resource gets <recipient-unavailable/> back; a
 * chat or normal message with a body goes to the account's other
 * available resources (RFC 6121 8.5.3.2.1: a full JID that is gone is
 * treated as the bare JID) that did not already see it (carbons-enabled
 * ones got a copy of everything, XEP-0280), or, when there is no other
 * available resource, to offline storage, dated when it was first kept;
 * presence, results, errors, MAM results and carbons are dropped (the
 * next initial presence, the archive and the other resources have them).
 *
 * Both look inside kept writes with the scanner's walk (xmpp_sm_scan.c):
 * the writer counted the stanzas but did not say where each one ends. */
#include "xmpp_sm.h"
#include "xmpp_carbons.h"
#include "xmpp_im_int.h"

#include <stdio.h>
#include <string.h>

/* ---- <delay/> on the stanzas of a text ---------------------------------- */

typedef struct delay_s {
  reed_xmpp_core_t *c;
  const char *text;
  const char *delay; /* the element, built once */
  xmpp_out_t *o;
  size_t copied;  /* text[0, copied) is in o */
  size_t start;   /* the current top-level start tag's '>' */
  size_t end_tag; /* its end tag's '<', SIZE_MAX when none yet */
  bool has;       /* it has a delay child */
} delay_t;

static void
copy_to(delay_t *d, size_t pos)
{
  if (d->o->err == 0 && pos > d->copied)
    d->o->err = reed_buf_append(&d->o->b, d->text + d->copied, pos - d->copied);
  d->copied = pos;
}

static void
delay_ev(void *ud, const xsm_ev_t *ev)
{
  delay_t *d = ud;

  if (ev->kind == XSM_EV_OPEN) {
    d->end_tag = SIZE_MAX;
    d->has = false;
  } else if (ev->kind == XSM_EV_START) {
    d->start = ev->pos;
  } else if (ev->kind == XSM_EV_CHILD) {
    d->has |= strcmp(ev->name, "delay") == 0;
  } else if (ev->kind == XSM_EV_END_TAG) {
    d->end_tag = ev->pos;
  } else if (ev->kind == XSM_EV_DONE && !d->has &&
             (strcmp(ev->top, "message") == 0 ||
              strcmp(ev->top, "presence") == 0)) {
    if (d->end_tag == SIZE_MAX) { /* <presence .../>: opened up */
      copy_to(d, d->start - 1);
      reed__xmpp_out_raw(d->o, ">");
      reed__xmpp_out_raw(d->o, d->delay);
      reed__xmpp_out_raw(d->o, "</");
      reed__xmpp_out_raw(d->o, ev->top);
      reed__xmpp_out_raw(d->o, ">");
      d->copied = ev->pos;
    } else {
      copy_to(d, d->end_tag);
      reed__xmpp_out_raw(d->o, d->delay);
    }
  }
}

/* `flat` with the delay in each message and presence; NULL without
 * memory. */
static reed_buf_t *
with_delay(reed_xmpp_core_t *c, reed_buf_t *flat, uint64_t ms)
{
  char stamp[32];
  xmpp_out_t el, o;
  delay_t d = {.c = c, .text = (const char *)flat->data, .o = &o};
  reed_buf_t *b = NULL;

  reed__xim_stamp(ms, stamp, sizeof(stamp));
  reed__xmpp_out_init(&el);
  reed__xmpp_out_raw(&el, "<delay xmlns='" REED_NS_DELAY "'");
  reed__xmpp_out_attr(&el, "from", reed__xmpp_domain(c));
  reed__xmpp_out_attr(&el, "stamp", stamp);
  reed__xmpp_out_raw(&el, "/>");
  if (el.err == 0)
    el.err = reed_buf_append(&el.b, "", 1);
  reed__xmpp_out_init(&o);
  if (el.err == 0) {
    d.delay = (const char *)el.b->data;
    reed__xsm_walk(NULL, 0, flat, delay_ev, &d);
    copy_to(&d, flat->len);
    if (o.err == 0)
      b = reed_buf_ref(o.b);
  }
  reed__xmpp_out_cleanup(&o);
  reed__xmpp_out_cleanup(&el);
  return b;
}

reed_buf_t *
reed__xsm_delayed(reed_xmpp_core_t *c, const xsm_item_t *it)
{
  reed_buf_t *flat = reed__xsm_flat(it->head, it->head_len, it->body);
  reed_buf_t *b;

  if (flat == NULL)
    return NULL;
  b = with_delay(c, flat, it->kept_ms);
  reed_buf_unref(flat);
  return b;
}

/* ---- The end of a parked session's queue -------------------------------- */

/* One top-level stanza of a kept write, NUL-terminated. */
typedef struct one_s {
  const char *name;
  char *text;
  size_t len;
  bool body; /* a <body/> child */
  bool skip; /* a MAM result, a carbon: a copy of what is kept elsewhere */
} one_t;

typedef struct split_s {
  reed_xmpp_core_t *c;
  xsm_t *sm;
  const xsm_item_t *it;
  const char *text;
  size_t open;
  bool body, skip;
  bool others; /* the account has another available resource */
} split_t;

/* Resources of the account other than c: whether any is available, and
 * delivery to those that did not see the message. */
typedef struct others_s {
  reed_xmpp_core_t *self;
  bool any;
  reed_buf_t *body; /* set: deliver it */
} others_t;

static void
other_one(void *ud, reed_xmpp_core_t *o)
{
  others_t *x = ud;

  if (o == x->self || o->parked || !reed__xim_available(o))
    return;
  x->any = true;
  if (x->body != NULL && !reed__xcarb_on(o))
    reed__xim_write_to(o, "message", x->body);
}

static bool
attr(const one_t *s, const char *name, char *out, size_t size)
{
  return reed__xsm_attr(s->text, s->len, name, out, size) &&
         strpbrk(out, "'\"<") == NULL; /* as written: safe to write back */
}

/* An iq get or set from another local resource: recipient-unavailable. */
static void
iq_error(reed_xmpp_core_t *c, const one_t *s)
{
  char type[8], from[REED_JID_MAX + 1], id[256];
  reed_jid_t *j = reed_calloc(1, sizeof(*j));
  reed_xmpp_core_t *to = NULL;
  xmpp_out_t o;

  if (j != NULL && attr(s, "type", type, sizeof(type)) &&
      (strcmp(type, "get") == 0 || strcmp(type, "set") == 0) &&
      attr(s, "from", from, sizeof(from)) && reed_jid_parse(from, j) == 0 &&
      strcmp(j->domain, reed__xmpp_domain(c)) == 0)
    to = reed__xmpp_reg_find(&c->st->reg, j->local, j->resource);
  reed_free(j);
  if (to == NULL || to == c || to->closed)
    return;
  if (!attr(s, "id", id, sizeof(id)))
    id[0] = '\0';
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<iq type='error' to='");
  reed__xmpp_out_raw(&o, from);
  reed__xmpp_out_raw(&o, "'");
  reed__xmpp_out_attr(&o, "from", c->full_jid);
  reed__xmpp_out_raw(&o, " id='");
  reed__xmpp_out_raw(&o, id);
  reed__xmpp_out_raw(&o, "'><error type='cancel'><recipient-unavailable "
                         "xmlns='" REED_NS_STANZA_ERR "'/></error></iq>");
  o.stanzas = 1;
  reed__xmpp_send(to, &o);
  reed__xmpp_out_cleanup(&o);
}

/* The stanza after its "<message to='...'": the form offline storage
 * and reed__xim_write_to take. */
static const char *
after_to(const one_t *s)
{
  static const char pre[] = "<message to='";
  const char *end;

  if (strncmp(s->text, pre, sizeof(pre) - 1) != 0 ||
      (end = strchr(s->text + sizeof(pre) - 1, '\'')) == NULL)
    return NULL;
  return end + 1;
}

/* A copy of the message, dated, to the other available resources that
 * did not see it. */
static void
reroute(split_t *sp, const one_t *s)
{
  others_t x = {.self = sp->c};
  reed_buf_t *b = reed_buf_new(s->len + 1), *d = NULL, *rest = NULL;
  one_t dated;
  const char *r;

  if (b == NULL || reed_buf_append(&b, s->text, s->len) < 0 ||
      (d = with_delay(sp->c, b, sp->it->kept_ms)) == NULL ||
      reed_buf_append(&d, "", 1) < 0)
    goto done;
  dated = (one_t){.text = (char *)d->data, .len = d->len - 1};
  if ((r = after_to(&dated)) == NULL ||
      (rest = reed_buf_new(strlen(r) + 1)) == NULL ||
      reed_buf_append(&rest, r, strlen(r)) < 0)
    goto done;
  x.body = rest;
  reed__xmpp_reg_each(&sp->c->st->reg, sp->c->account, other_one, &x);
done:
  reed_buf_unref(rest);
  reed_buf_unref(d);
  reed_buf_unref(b);
}

static void
message(split_t *sp, const one_t *s)
{
  reed_xmpp_core_t *c = sp->c;
  char type[16] = "normal", from[REED_JID_MAX + 1];
  reed_xoffline_t rec = {.from = from};
  const char *rest = after_to(s);

  reed__xsm_attr(s->text, s->len, "type", type, sizeof(type));
  if (!s->body || s->skip || rest == NULL ||
      (strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0))
    return;
  if (sp->others) {
    reroute(sp, s);
    return;
  }
  if (reed__xim_store(c) == NULL || reed__xmpp_conf(c)->offline_max <= 0 ||
      !reed__xsm_attr(s->text, s->len, "from", from, sizeof(from)))
    return;
  rec.xml = rest;
  rec.stamp_ms = sp->it->kept_ms;
  reed_xstore_offline_add(reed__xim_store(c), c->account, &rec,
                          (size_t)reed__xmpp_conf(c)->offline_max, NULL);
}

static void
split_ev(void *ud, const xsm_ev_t *ev)
{
  split_t *sp = ud;
  one_t s = {.name = ev->top};

  if (ev->kind == XSM_EV_OPEN) {
    sp->open = ev->pos;
    sp->body = sp->skip = false;
  } else if (ev->kind == XSM_EV_CHILD) {
    sp->body |= strcmp(ev->name, "body") == 0;
    sp->skip |= strcmp(ev->name, "result") == 0 ||
                strcmp(ev->name, "sent") == 0 ||
                strcmp(ev->name, "received") == 0;
  } else if (ev->kind == XSM_EV_DONE &&
             (strcmp(ev->top, "iq") == 0 || strcmp(ev->top, "message") == 0)) {
    s.len = ev->pos - sp->open;
    if ((s.text = reed_malloc(s.len + 1)) == NULL)
      return;
    memcpy(s.text, sp->text + sp->open, s.len);
    s.text[s.len] = '\0';
    s.body = sp->body;
    s.skip = sp->skip;
    if (strcmp(ev->top, "iq") == 0)
      iq_error(sp->c, &s);
    else
      message(sp, &s);
    reed_free(s.text);
  }
}

void
reed__xsm_unacked(reed_xmpp_core_t *c, xsm_t *sm)
{
  others_t x = {.self = c};
  split_t sp = {.c = c, .sm = sm};

  reed__xmpp_reg_each(&c->st->reg, c->account, other_one, &x);
  sp.others = x.any;
  for (size_t i = 0; i < sm->q_len; i++) {
    xsm_item_t *it = &sm->q[(sm->q_head + i) % sm->q_cap];
    reed_buf_t *flat = reed__xsm_flat(it->head, it->head_len, it->body);
    if (flat == NULL)
      continue;
    sp.it = it;
    sp.text = (const char *)flat->data;
    reed__xsm_walk(NULL, 0, flat, split_ev, &sp);
    reed_buf_unref(flat);
  }
}
