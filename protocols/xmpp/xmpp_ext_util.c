/* Helpers the extension files share: the store handle, which account a
 * stanza addresses, JIDs of accounts, serialized elements. */
#include "xmpp_ext.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

reed_xstore_t *
reed__xmpp_xstore(const reed_xmpp_core_t *c)
{
  return c->st != NULL ? c->st->xs : NULL;
}

/* Another local account's bare JID (the row's accept): disco and PEP
 * answer for the account, anything else is routed. */
bool
reed__xmpp_to_account_bare(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_jid_t *to = st->to_jid;

  return to != NULL && to->local[0] != '\0' && to->resource[0] == '\0' &&
         strcasecmp(to->domain, reed__xmpp_domain(c)) == 0;
}

/* The account a stanza addresses: the user's own for no 'to' and its
 * bare JID, else the 'to' localpart; NULL when no such account. */
const char *
reed__xmpp_target_account(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  if (st->target & (XMPP_TO_NONE | XMPP_TO_SELF_BARE))
    return c->account;
  if (st->to_jid == NULL || !reed_account_valid(st->to_jid->local))
    return NULL;
  if (reed_model_account_exists(c->env->model, st->to_jid->local))
    return st->to_jid->local;
  if (c->env->store != NULL) {
    reed_account_rec_t rec;

    if (reed_store_account_get(c->env->store, st->to_jid->local, &rec) == 0)
      return st->to_jid->local;
  }
  return NULL;
}

void
reed__xmpp_account_jid(const reed_xmpp_core_t *c, const char *account,
                       char *buf, size_t size)
{
  char low[REED_JID_PART_MAX + 1];
  size_t n = 0;

  /* Account names are ASCII letters, digits, '_' and '-': lower-cased
   * they are the JID's localpart as is. */
  for (; account[n] != '\0' && n + 1 < sizeof(low); n++)
    low[n] = (char)(account[n] >= 'A' && account[n] <= 'Z' ? account[n] + 32
                                                           : account[n]);
  low[n] = '\0';
  snprintf(buf, size, "%s@%s", low, reed__xmpp_domain(c));
}

void
reed__xmpp_out_text_raw(xmpp_out_t *o, const char *s, size_t len)
{
  if (o->err == 0)
    o->err = reed_buf_append(&o->b, s, len);
}

char *
reed__xmpp_el_string(const reed_xml_el_t *el)
{
  reed_buf_t *b = reed_buf_new(256);
  char *s = NULL;

  if (b != NULL && reed_xml_put_el(&b, el, "") == 0 &&
      (s = reed_malloc(b->len + 1)) != NULL) {
    memcpy(s, b->data, b->len);
    s[b->len] = '\0';
  }
  reed_buf_unref(b);
  return s;
}

typedef struct fragment_s {
  void (*cb)(void *ud, const reed_xml_el_t *el, const char *arg);
  const char *arg;
  void *ud;
} fragment_t;

static void
fragment_el(void *ud, reed_xml_el_t *el)
{
  fragment_t *f = ud;

  f->cb(f->ud, el, f->arg);
}

/* The stream parser wants a stream: the element goes inside a header. */
int
reed__xmpp_parse_fragment(const char *xml,
                          void (*cb)(void *ud, const reed_xml_el_t *el,
                                     const char *arg),
                          const char *arg, void *ud)
{
  static const char hdr[] =
      "<s:stream xmlns:s='" REED_NS_STREAM "' xmlns='" REED_NS_CLIENT "'>";
  reed_xml_limits_t lim = {.max_stanza = strlen(xml) + 1};
  reed_xml_cbs_t cbs = {.element = fragment_el};
  fragment_t f = {.cb = cb, .arg = arg, .ud = ud};
  reed_xml_stream_t *p;
  size_t used;
  int rc = reed_xml_stream_new(&lim, &cbs, &f, &p);

  if (rc < 0)
    return rc;
  if (reed_xml_stream_feed(p, (const uint8_t *)hdr, strlen(hdr), &used) !=
          REED_XML_OK ||
      reed_xml_stream_feed(p, (const uint8_t *)xml, strlen(xml), &used) !=
          REED_XML_OK)
    rc = REED_EINVAL;
  reed_xml_stream_free(p);
  return rc;
}
