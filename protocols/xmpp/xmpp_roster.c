/* Rosters (RFC 6121 section 2) with versioning (XEP-0237): get (the whole
 * roster, or an empty result and pushes for the changes since the
 * client's version), set (one item), and remove (with the unsubscribe and
 * unsubscribed it implies). The rows are xmpp_roster_row.c's. */
#include "xmpp_im_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- get -------------------------------------------------------------------
 */
static void
list_item(void *ud, const reed_xroster_item_t *it)
{
  xim_row_t row = {0};

  reed__xim_row_of(&row, it);
  reed__xim_put_item(ud, it->jid, &row);
  reed__xim_row_free(&row);
}

typedef struct {
  reed_xmpp_core_t *c;
} since_t;

/* XEP-0237 2.4: each change since the client's version as a push. */
static void
since_item(void *ud, const reed_xroster_item_t *it)
{
  since_t *s = ud;
  xim_row_t row = {0};
  xim_push_t p = {s->c->account, it->jid, NULL, it->ver};

  if (!it->deleted) {
    reed__xim_row_of(&row, it);
    p.row = &row;
  }
  reed__xim_push_to(s->c, &p);
  reed__xim_row_free(&row);
}

static void
no_item(void *ud, const reed_xroster_item_t *it)
{
  (void)ud;
  (void)it;
}

static void
roster_get(reed_xmpp_core_t *c, const xmpp_stanza_t *st, xim_conn_t *x)
{
  reed_xstore_t *xs = reed__xim_store(c);
  const char *ver_s = reed_xml_attr(st->payload, "ver");
  uint64_t ver = 0, theirs;
  char *end = NULL;
  since_t since = {c};
  xmpp_out_t o;

  x->interested = true;
  if (reed_xstore_roster_version(xs, c->account, &ver) != 0) {
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
    return;
  }
  theirs = ver_s != NULL ? strtoull(ver_s, &end, 10) : 0;
  if (ver_s != NULL && ver_s[0] != '\0' && *end == '\0' &&
      (theirs == ver ||
       reed_xstore_roster_since(xs, c->account, theirs, no_item, NULL) == 0)) {
    reed__xmpp_iq_result(c, st, NULL);
    if (theirs != ver)
      reed_xstore_roster_since(xs, c->account, theirs, since_item, &since);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xim_put_query(&o, ver, ver_s != NULL);
  reed_xstore_roster_list(xs, c->account, false, list_item, &o);
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- set -------------------------------------------------------------------
 */
/* The item's groups packed, after RFC 6121 2.3.3's checks: each group
 * non-empty and bounded, none twice. NULL with *cond set on failure; ""
 * for none. */
static char *
pack_groups(const reed_xml_el_t *item, const char **cond)
{
  const reed_xml_el_t *g[REED_XIM_GROUPS_MAX];
  size_t n = 0, total = 1;
  char *out, *p;

  for (const reed_xml_el_t *e = reed_xml_child(item, "group", REED_NS_ROSTER);
       e != NULL; e = reed_xml_next(e, "group", REED_NS_ROSTER)) {
    if (e->text_len == 0 || e->text_len > REED_XIM_NAME_MAX ||
        n == REED_XIM_GROUPS_MAX) {
      *cond = "not-acceptable";
      return NULL;
    }
    for (size_t i = 0; i < n; i++)
      if (g[i]->text_len == e->text_len &&
          memcmp(g[i]->text, e->text, e->text_len) == 0) {
        *cond = "bad-request";
        return NULL;
      }
    g[n++] = e;
    total += e->text_len + 1;
  }
  if ((out = p = reed_malloc(total)) == NULL) {
    *cond = "internal-server-error";
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      *p++ = REED_XROSTER_GROUP_SEP;
    memcpy(p, g[i]->text, g[i]->text_len);
    p += g[i]->text_len;
  }
  *p = '\0';
  return out;
}

/* RFC 6121 2.5.2: removing an item cancels both directions, as the
 * contact's server sees it: unsubscribe for To or a request out,
 * unsubscribed for From or a request in. */
static void
roster_remove(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *jid,
              const reed_jid_t *j)
{
  reed_xstore_t *xs = reed__xim_store(c);
  xim_row_t row;
  uint64_t ver = 0;
  bool local = reed__xim_jid_kind(c, j) == XIM_JID_LOCAL;
  char acct[REED_JID_PART_MAX + 1];

  if (reed__xim_row_get(c, c->account, jid, &row) != 0 || !row.found ||
      !row.listed) {
    reed__xim_row_free(&row);
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (reed_xstore_roster_del(xs, c->account, jid, &ver) != 0) {
    reed__xim_row_free(&row);
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
    return;
  }
  reed__xim_push_remove(c, c->account, jid, ver);
  reed__xmpp_iq_result(c, st, NULL);
  snprintf(acct, sizeof(acct), "%s", j->local);
  if (local && reed__xsm_has_from(row.st))
    reed__xim_presence_between(c, c->account, acct, false);
  if (local && (reed__xsm_has_to(row.st) || reed__xsm_ask(row.st)))
    reed__xim_sub_inbound(c, c->account, acct, REED_XSM_UNSUBSCRIBE, NULL);
  if (local && (reed__xsm_has_from(row.st) || reed__xsm_pending_in(row.st)))
    reed__xim_sub_inbound(c, c->account, acct, REED_XSM_UNSUBSCRIBED, NULL);
  reed__xim_row_free(&row);
}

static void
roster_set(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_xml_el_t *item = reed_xml_child(st->payload, "item", REED_NS_ROSTER);
  const char *jid_s = item ? reed_xml_attr(item, "jid") : NULL;
  const char *name = item ? reed_xml_attr(item, "name") : NULL;
  const char *sub = item ? reed_xml_attr(item, "subscription") : NULL;
  const char *cond = NULL;
  char jid[REED_JID_MAX + 1], self[REED_JID_MAX + 1];
  reed_jid_t j;
  xim_row_t row;
  char *groups;

  /* 2.3.3: exactly one item, with a JID. */
  if (item == NULL || reed_xml_next(item, "item", REED_NS_ROSTER) != NULL ||
      jid_s == NULL) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  if (reed_jid_parse(jid_s, &j) != 0 || j.resource[0] != '\0') {
    reed__xmpp_stanza_error(c, st, "modify", "jid-malformed", NULL);
    return;
  }
  reed__xim_bare(&j, jid, sizeof(jid));
  reed__xim_account_jid(c, c->account, self, sizeof(self));
  if (strcmp(jid, self) == 0) {
    reed__xmpp_stanza_error(c, st, "cancel", "not-allowed", NULL);
    return;
  }
  if (sub != NULL && strcmp(sub, "remove") == 0) {
    roster_remove(c, st, jid, &j);
    return;
  }
  if (name != NULL && strlen(name) > REED_XIM_NAME_MAX) {
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", NULL);
    return;
  }
  if ((groups = pack_groups(item, &cond)) == NULL) {
    reed__xmpp_stanza_error(c, st, "modify", cond, NULL);
    return;
  }
  if (reed__xim_row_get(c, c->account, jid, &row) != 0 ||
      (!row.found && reed_xstore_roster_count(reed__xim_store(c), c->account) >=
                         REED_XIM_ROSTER_MAX)) {
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
    reed__xim_row_free(&row);
    reed_free(groups);
    return;
  }
  /* 2.3.3: subscription and ask from the client are ignored. */
  reed_free(row.name);
  reed_free(row.groups);
  row.name = name != NULL && name[0] ? reed_strdup(name) : NULL;
  row.groups = groups;
  row.listed = true;
  if (reed__xim_row_put(c, c->account, jid, &row, true) != 0)
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
  else
    reed__xmpp_iq_result(c, st, NULL);
  reed__xim_row_free(&row);
}

void
reed__xmpp_iq_roster(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xim_conn_t *x = reed__xim_conn(c, true);

  if (x == NULL) {
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
    return;
  }
  if (strcmp(st->type, "get") == 0)
    roster_get(c, st, x);
  else
    roster_set(c, st);
}

/* XEP-0237 3: the stream feature a client looks for before sending ver. */
void
reed__xmpp_feature_rosterver(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed)
    reed__xmpp_out_raw(o, "<ver xmlns='" REED_NS_ROSTERVER "'/>");
}
