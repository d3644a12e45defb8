/* XMPP over WebSocket (RFC 7395): the core's side of env->framing ==
 * REED_FRAMING_WEBSOCKET. The carrier (protocols/http) feeds one message
 * per feed call and sends each transport write as one message.
 *
 * In: the parser keeps its stream shape. A synthetic stream header in the
 * jabber:client namespace is fed before the first byte of each stream
 * (reed__xmpp_ws_prime), so every message is a top-level element of it,
 * whatever the split of the input; the framing namespace's <open/> and
 * <close/> are taken where the header and </stream:stream> would be.
 *
 * Out: our header is <open/>, the stream's end <close/>
 * (xmpp_out.c, reed__xmpp_stream_end), and reed__xmpp_ws_write, under the
 * output hook, makes each transport write exactly one top-level element:
 * a write that holds several (a stream error and its <close/>, a MUC
 * join's presences) leaves as several messages, whitespace between them
 * is dropped, and an element with no namespace of its own gets the one
 * the missing stream element would have declared (jabber:client on
 * stanzas, the stream prefix on <stream:features/> and <stream:error/>),
 * since each message is parsed alone. Stream management counts the core's
 * writes above this, so its figures are those of TCP. */
#include "xmpp_int.h"
#include "xmpp_sm.h"

#include <string.h>

static const char synth_hdr[] = "<stream:stream xmlns='" REED_NS_CLIENT
                                "' xmlns:stream='" REED_NS_STREAM "'>";

int
reed__xmpp_ws_prime(reed_xmpp_core_t *c)
{
  size_t used = 0;
  reed_xml_err_t err;

  c->ws_priming = true;
  err = reed_xml_stream_feed(c->xml, (const uint8_t *)synth_hdr,
                             sizeof(synth_hdr) - 1, &used);
  c->ws_priming = false;
  return err == REED_XML_OK && used == sizeof(synth_hdr) - 1 ? 0 : REED_ENOMEM;
}

/* 127.0.0.0/8, ::1 and their IPv4-mapped form: nobody else can read it. */
static bool
loopback(const char *ip)
{
  if (strncmp(ip, "::ffff:", 7) == 0)
    ip += 7;
  return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

bool
reed__xmpp_ws_secure(const reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;

  return peer != NULL && (peer->tls || loopback(peer->ip));
}

bool
reed__xmpp_ws_element(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  bool framing = strcmp(el->ns, REED_NS_FRAMING) == 0;

  if (framing && strcmp(el->name, "open") == 0) {
    if (c->header_in)
      reed__xmpp_stream_error(c, "bad-format", "<open/> on an open stream");
    else
      reed__xmpp_ws_open(c, el);
    return true;
  }
  if (framing && strcmp(el->name, "close") == 0) {
    reed__xmpp_on_stream_close(c);
    return true;
  }
  if (!c->header_in) {
    reed__xmpp_stream_error(c, "bad-format", "<open/> expected");
    return true;
  }
  return false;
}

/* ---- Output ---------------------------------------------------------- */

typedef struct split_s {
  reed_xmpp_core_t *c;
  const uint8_t *head;
  size_t head_len;
  reed_buf_t *body;
  size_t total;
  size_t open;    /* the '<' of the element being walked */
  size_t tag_end; /* the '>' ending its start tag */
  int rc;
} split_t;

static uint8_t
at(const split_t *s, size_t pos)
{
  return pos < s->head_len ? s->head[pos] : s->body->data[pos - s->head_len];
}

static bool
has_at(const split_t *s, size_t pos, size_t end, const char *text)
{
  size_t n = strlen(text);

  if (pos + n > end)
    return false;
  for (size_t i = 0; i < n; i++)
    if (at(s, pos + i) != (uint8_t)text[i])
      return false;
  return true;
}

/* Whether the start tag [from, end) declares `attr` (" xmlns='" ...). Our
 * writer escapes both quotes in values, so the pattern with its quote
 * cannot come from inside one. */
static bool
declares(const split_t *s, size_t from, size_t end, const char *attr)
{
  char pat[32];
  size_t n = strlen(attr);

  memcpy(pat, attr, n);
  for (size_t i = from; i < end; i++) {
    pat[n] = '\'';
    pat[n + 1] = '\0';
    if (has_at(s, i, end, pat))
      return true;
    pat[n] = '"';
    if (has_at(s, i, end, pat))
      return true;
  }
  return false;
}

/* What the element starting at s->open lacks, or NULL; *name_end is where
 * its name ends (where the declaration goes). */
static const char *
missing_ns(const split_t *s, size_t *name_end)
{
  static const char *const stanzas[] = {"message", "presence", "iq"};
  size_t p = s->open + 1;

  while (p < s->tag_end) {
    uint8_t ch = at(s, p);
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '/' ||
        ch == '>')
      break;
    p++;
  }
  *name_end = p;
  for (size_t i = 0; i < REED_ARRAY_SIZE(stanzas); i++) {
    size_t n = strlen(stanzas[i]);
    if (p - s->open - 1 == n && has_at(s, s->open + 1, p, stanzas[i]))
      return declares(s, p, s->tag_end, " xmlns=") ? NULL
                                                   : " xmlns='" REED_NS_CLIENT
                                                     "'";
  }
  if (has_at(s, s->open + 1, p, "stream:"))
    return declares(s, p, s->tag_end, " xmlns:stream=")
               ? NULL
               : " xmlns:stream='" REED_NS_STREAM "'";
  return NULL;
}

static int
put_range(reed_buf_t **b, const split_t *s, size_t from, size_t to)
{
  int rc = 0;

  if (from < s->head_len) {
    size_t e = to < s->head_len ? to : s->head_len;
    rc = reed_buf_append(b, s->head + from, e - from);
    from = e;
  }
  if (rc == 0 && from < to)
    rc = reed_buf_append(b, s->body->data + (from - s->head_len), to - from);
  return rc;
}

/* One message: [s->open, end) with `ins` after its name. The whole write
 * unchanged goes as it came; a declaration that falls in write2's head
 * goes into a copy of the head; anything else is copied. */
static int
emit(split_t *s, size_t end)
{
  reed_transport_t *t = s->c->env->transport;
  size_t name_end;
  const char *ins = missing_ns(s, &name_end);
  size_t ins_len = ins != NULL ? strlen(ins) : 0;
  reed_buf_t *b;
  int rc;

  if (s->open == 0 && end == s->total && ins == NULL)
    return s->head_len > 0 ? t->write2(t->t, s->head, s->head_len, s->body)
                           : t->write(t->t, s->body);
  if (s->open == 0 && end == s->total && s->head_len >= name_end &&
      s->head_len + ins_len <= 512) {
    char head[512];
    memcpy(head, s->head, name_end);
    memcpy(head + name_end, ins, ins_len);
    memcpy(head + name_end + ins_len, s->head + name_end,
           s->head_len - name_end);
    return t->write2(t->t, head, s->head_len + ins_len, s->body);
  }
  if ((b = reed_buf_new(end - s->open + ins_len)) == NULL)
    return REED_ENOMEM;
  rc = put_range(&b, s, s->open, name_end);
  if (rc == 0 && ins != NULL)
    rc = reed_buf_append(&b, ins, ins_len);
  if (rc == 0)
    rc = put_range(&b, s, name_end, end);
  if (rc == 0)
    rc = t->write(t->t, b);
  reed_buf_unref(b);
  return rc;
}

static void
on_walk(void *ud, const xsm_ev_t *ev)
{
  split_t *s = ud;

  if (s->rc < 0)
    return;
  if (ev->kind == XSM_EV_OPEN)
    s->open = ev->pos;
  else if (ev->kind == XSM_EV_START)
    s->tag_end = ev->pos;
  else if (ev->kind == XSM_EV_DONE)
    s->rc = emit(s, ev->pos);
}

int
reed__xmpp_ws_write(reed_xmpp_core_t *c, const void *head, size_t head_len,
                    reed_buf_t *body)
{
  split_t s = {
      .c = c,
      .head = head,
      .head_len = head != NULL ? head_len : 0,
      .body = body,
  };

  s.total = s.head_len + body->len;
  reed__xsm_walk(s.head, s.head_len, body, on_walk, &s);
  return s.rc;
}
