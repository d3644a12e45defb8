/* XEP-0352 client state indication. While the client says it is
 * <inactive/>, presence (available and unavailable) that would go to it
 * is held back, only the latest per sender, at most XCSI_HELD_MAX
 * senders (past that everything held goes out). It all goes out, in the
 * order the senders first came, at <active/>, or just before something
 * the client should not wait for: a message with a body, an iq, or
 * presence that is not a plain status (subscription requests). Bodyless
 * messages (chat states) pass without flushing.
 *
 * This is the output hook (xmpp_tables.c): what it lets through goes on
 * to stream management's stage, which counts what really leaves. */
#include "xmpp_sm.h"

#include <string.h>

typedef struct held_s {
  char *from; /* as written in the stanza */
  reed_buf_t *b;
} held_t;

typedef struct xcsi_s {
  bool inactive;
  size_t n;
  held_t held[XCSI_HELD_MAX];
} xcsi_t;

void
reed__xcsi_free(reed_xmpp_core_t *c, void *p)
{
  xcsi_t *x = p;

  REED_UNUSED(c);
  for (size_t i = 0; i < x->n; i++) {
    reed_free(x->held[i].from);
    reed_buf_unref(x->held[i].b);
  }
  reed_free(x);
}

void
reed__xcsi_flush(reed_xmpp_core_t *c)
{
  xcsi_t *x = reed__xmpp_ext_get(c, XMPP_EXT_CSI);
  size_t n;

  if (x == NULL)
    return;
  n = x->n;
  x->n = 0; /* what goes out below is not held again */
  for (size_t i = 0; i < n; i++) {
    reed__xsm_out(c, NULL, 0, x->held[i].b, 1);
    reed_free(x->held[i].from);
    reed_buf_unref(x->held[i].b);
  }
}

/* Holds a presence stanza; false when it is not one to hold (or no
 * memory): then it goes out now. */
static bool
hold(reed_xmpp_core_t *c, xcsi_t *x, reed_buf_t *flat)
{
  char type[16], from[REED_JID_MAX + 1];
  const char *text = (const char *)flat->data;
  char *key;

  if (reed__xsm_attr(text, flat->len, "type", type, sizeof(type)) &&
      strcmp(type, "unavailable") != 0)
    return false; /* subscription traffic, errors, probes: not a status */
  if (!reed__xsm_attr(text, flat->len, "from", from, sizeof(from)))
    return false;
  for (size_t i = 0; i < x->n; i++) {
    if (strcmp(x->held[i].from, from) == 0) {
      reed_buf_unref(x->held[i].b);
      x->held[i].b = reed_buf_ref(flat);
      return true;
    }
  }
  if (x->n == XCSI_HELD_MAX)
    reed__xcsi_flush(c);
  if ((key = reed_strdup(from)) == NULL)
    return false;
  x->held[x->n].from = key;
  x->held[x->n++].b = reed_buf_ref(flat);
  return true;
}

static bool
important(const void *head, size_t head_len, reed_buf_t *body,
          const xsm_scan_t *scan)
{
  const char *h = head;
  const char *b = (const char *)body->data;
  bool message = head_len >= 8
                     ? memcmp(h, "<message", 8) == 0
                     : body->len >= 8 && memcmp(b, "<message", 8) == 0;

  if (scan->stanzas == 0)
    return false;
  if (!message || scan->stanzas > 1)
    return true;
  /* A message: important when it has a body (a chat state has none). */
  for (size_t i = 0; i + 5 <= body->len; i++)
    if (memcmp(b + i, "<body", 5) == 0)
      return true;
  return false;
}

int
reed__xmpp_csi_out(reed_xmpp_core_t *c, const void *head, size_t head_len,
                   reed_buf_t *body, int n)
{
  xcsi_t *x = reed__xmpp_ext_get(c, XMPP_EXT_CSI);
  xsm_scan_t scan;
  reed_buf_t *flat;

  if (x == NULL || !x->inactive)
    return reed__xsm_out(c, head, head_len, body, n);
  reed__xsm_count(head, head_len, body, n, &scan);
  if (scan.stanzas == 1 && scan.presences == 1 &&
      (flat = reed__xsm_flat(head, head_len, body)) != NULL) {
    bool held = hold(c, x, flat);
    reed_buf_unref(flat);
    if (held)
      return 0;
    reed__xcsi_flush(c);
  } else if (important(head, head_len, body, &scan)) {
    reed__xcsi_flush(c);
  }
  return reed__xsm_out(c, head, head_len, body, (int)scan.stanzas);
}

void
reed__xmpp_feature_csi(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed && !c->bound)
    reed__xmpp_out_raw(o, "<csi xmlns='" REED_NS_CSI "'/>");
}

void
reed__xmpp_nz_inactive(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xcsi_t *x = reed__xmpp_ext_get(c, XMPP_EXT_CSI);

  REED_UNUSED(el);
  if (x == NULL) {
    if ((x = reed_calloc(1, sizeof(*x))) == NULL)
      return; /* stays active: everything goes out */
    reed__xmpp_ext_set(c, XMPP_EXT_CSI, x);
  }
  x->inactive = true;
}

void
reed__xmpp_nz_active(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xcsi_t *x = reed__xmpp_ext_get(c, XMPP_EXT_CSI);

  REED_UNUSED(el);
  if (x == NULL)
    return;
  x->inactive = false;
  reed__xcsi_flush(c);
}
