/* Output: the builder every handler writes with, our stream header, stream
 * errors (RFC 6120 4.9) and stanza replies (8.2.3, 8.3). Text that came
 * from a client only ever goes out through the escaping calls. */
#include "xmpp_int.h"

#include <stdio.h>
#include <string.h>

void
reed__xmpp_out_init(xmpp_out_t *o)
{
  o->b = reed_buf_new(256);
  o->err = o->b == NULL ? REED_ENOMEM : 0;
  o->stanzas = 0;
}

void
reed__xmpp_out_cleanup(xmpp_out_t *o)
{
  reed_buf_unref(o->b);
  o->b = NULL;
}

void
reed__xmpp_out_raw(xmpp_out_t *o, const char *s)
{
  if (o->err == 0)
    o->err = reed_buf_append(&o->b, s, strlen(s));
}

void
reed__xmpp_out_text(xmpp_out_t *o, const char *s, size_t len)
{
  if (o->err == 0)
    o->err = reed_xml_put_escaped(&o->b, s, len);
}

void
reed__xmpp_out_attr(xmpp_out_t *o, const char *name, const char *value)
{
  if (o->err == 0)
    o->err = reed_xml_put_attr(&o->b, name, value);
}

void
reed__xmpp_out_el(xmpp_out_t *o, const reed_xml_el_t *el, const char *parent_ns)
{
  if (o->err == 0)
    o->err = reed_xml_put_el(&o->b, el, parent_ns);
}

void
reed__xmpp_out_stanza(xmpp_out_t *o, const char *name, const char *to,
                      const char *from, const char *type, const char *id)
{
  o->stanzas++;
  reed__xmpp_out_raw(o, "<");
  reed__xmpp_out_raw(o, name);
  reed__xmpp_out_attr(o, "to", to);
  reed__xmpp_out_attr(o, "from", from);
  reed__xmpp_out_attr(o, "type", type);
  reed__xmpp_out_attr(o, "id", id);
}

int
reed__xmpp_transport_write(reed_xmpp_core_t *c, const void *head,
                           size_t head_len, reed_buf_t *body)
{
  reed_transport_t *t = c->env->transport;
  int rc;

  if (c->closed)
    return REED_ECLOSED;
  if (c->ws)
    rc = reed__xmpp_ws_write(c, head, head_len, body);
  else
    rc = head != NULL ? t->write2(t->t, head, head_len, body)
                      : t->write(t->t, body);
  if (rc < 0)
    c->closed = true; /* over the send-queue limit: net is closing it */
  return rc;
}

/* The one way out: through the hook (xmpp_int.h) when there is one. */
static void
out(reed_xmpp_core_t *c, const void *head, size_t head_len, reed_buf_t *body,
    int n)
{
  if (c->closed)
    return;
  if (reed__xmpp_out_hook != NULL)
    reed__xmpp_out_hook(c, head, head_len, body, n);
  else
    reed__xmpp_transport_write(c, head, head_len, body);
}

int
reed__xmpp_send(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  int rc = o->err;

  if (rc == 0)
    out(c, NULL, 0, o->b, (int)o->stanzas);
  reed__xmpp_out_cleanup(o);
  reed__xmpp_out_init(o);
  if (rc < 0 && !c->closed) {
    /* No memory for output: nothing more can be said on this stream. */
    reed_log(c->env->log, REED_LOG_ERROR, "xmpp: cannot build output: %s",
             reed_strerror(rc));
    reed__xmpp_close(c, "internal error");
  }
  return rc;
}

void
reed__xmpp_send_raw(reed_xmpp_core_t *c, const char *s)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, s); /* a nonza or stream markup: no stanza */
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_write2(reed_xmpp_core_t *c, const char *head, size_t head_len,
                  reed_buf_t *body)
{
  out(c, head, head_len, body, 1); /* the head starts the one stanza */
}

const char *
reed__xmpp_stream_end(const reed_xmpp_core_t *c)
{
  return c->ws ? "<close xmlns='" REED_NS_FRAMING "'/>" : "</stream:stream>";
}

/* RFC 6120 4.7: from is our domain, id fresh for each stream, to the
 * client's 'from' when it gave one. */
void
reed__xmpp_send_header(reed_xmpp_core_t *c, const char *to)
{
  xmpp_out_t o;

  if (c->header_out)
    return;
  c->header_out = true;
  reed__xmpp_new_id(c, c->stream_id, sizeof(c->stream_id));
  reed__xmpp_out_init(&o);
  if (c->ws) { /* RFC 7395 3.4 */
    reed__xmpp_out_raw(&o, "<open xmlns='" REED_NS_FRAMING "'");
    reed__xmpp_out_attr(&o, "id", c->stream_id);
    reed__xmpp_out_attr(&o, "from", reed__xmpp_domain(c));
    reed__xmpp_out_attr(&o, "to", to);
    reed__xmpp_out_raw(&o, " version='1.0' xml:lang='en'/>");
    reed__xmpp_send(c, &o);
    reed__xmpp_out_cleanup(&o);
    return;
  }
  /* A component's stream (XEP-0114) ends here only on an error. */
  reed__xmpp_out_raw(&o, "<?xml version='1.0'?><stream:stream xmlns='");
  reed__xmpp_out_raw(&o, c->component ? REED_NS_COMPONENT : REED_NS_CLIENT);
  reed__xmpp_out_raw(&o, "' xmlns:stream='" REED_NS_STREAM "'");
  reed__xmpp_out_attr(&o, "id", c->stream_id);
  reed__xmpp_out_attr(&o, "from", reed__xmpp_domain(c));
  reed__xmpp_out_attr(&o, "to", to);
  reed__xmpp_out_raw(&o, " version='1.0' xml:lang='en'>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_close(reed_xmpp_core_t *c, const char *reason)
{
  reed_transport_t *t = c->env->transport;
  bool was_closed = c->closed;

  c->closed = true;
  reed__xmpp_unbind(c, reason);
  if (!was_closed)
    t->close(t->t, reason);
}

void
reed__xmpp_stream_error(reed_xmpp_core_t *c, const char *cond, const char *text)
{
  char reason[128];
  xmpp_out_t o;

  if (c->closed)
    return;
  reed__xmpp_send_header(c, NULL);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<stream:error><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_STREAM_ERR "'/>");
  if (text != NULL) {
    reed__xmpp_out_raw(&o, "<text xmlns='" REED_NS_STREAM_ERR "'>");
    reed__xmpp_out_text(&o, text, strlen(text));
    reed__xmpp_out_raw(&o, "</text>");
  }
  reed__xmpp_out_raw(&o, "</stream:error>");
  reed__xmpp_out_raw(&o, reed__xmpp_stream_end(c));
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
  snprintf(reason, sizeof(reason), "XMPP stream error: %s", cond);
  reed__xmpp_close(c, text != NULL ? text : reason);
}

/* Replies go to the client's full JID once bound (none before: the bind
 * result), from whatever the request was addressed to. */
static const char *
reply_to(const reed_xmpp_core_t *c)
{
  return c->bound ? c->full_jid : NULL;
}

void
reed__xmpp_iq_result(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                     xmpp_out_t *payload)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "iq", reply_to(c), st->to, "result", st->id);
  if (payload == NULL || payload->b == NULL || payload->b->len == 0) {
    reed__xmpp_out_raw(&o, "/>");
  } else {
    reed__xmpp_out_raw(&o, ">");
    if (o.err == 0)
      o.err = reed_buf_append(&o.b, payload->b->data, payload->b->len);
    reed__xmpp_out_raw(&o, "</iq>");
  }
  if (payload != NULL && payload->err != 0)
    o.err = payload->err;
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_stanza_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                        const char *type, const char *cond, const char *text)
{
  reed__xmpp_stanza_error_ext(c, st, type, cond, text, NULL);
}

void
reed__xmpp_stanza_error_ext(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                            const char *type, const char *cond,
                            const char *text, const char *extra)
{
  xmpp_out_t o;

  if (st->type != NULL && strcmp(st->type, "error") == 0)
    return; /* RFC 6120 8.3.1: never an error for an error */
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, st->el->name, reply_to(c), st->to, "error", st->id);
  reed__xmpp_out_raw(&o, "><error");
  reed__xmpp_out_attr(&o, "type", type);
  reed__xmpp_out_raw(&o, "><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_STANZA_ERR "'/>");
  if (text != NULL) {
    reed__xmpp_out_raw(&o, "<text xmlns='" REED_NS_STANZA_ERR "'>");
    reed__xmpp_out_text(&o, text, strlen(text));
    reed__xmpp_out_raw(&o, "</text>");
  }
  if (extra != NULL)
    reed__xmpp_out_raw(&o, extra);
  reed__xmpp_out_raw(&o, "</error></");
  reed__xmpp_out_raw(&o, st->el->name);
  reed__xmpp_out_raw(&o, ">");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}
