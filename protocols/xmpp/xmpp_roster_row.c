/* Roster rows (RFC 6121 section 2): read from and written to the module's
 * store tables, shown as <item/>, and pushed to every interested resource
 * (one that fetched its roster) at the version the write made. */
#include "xmpp_im_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
dup_or_null(const char *s)
{
  return s != NULL && s[0] != '\0' ? reed_strdup(s) : NULL;
}

void
reed__xim_row_of(void *ud, const reed_xroster_item_t *it)
{
  xim_row_t *row = ud;

  row->found = true;
  row->listed = it->listed;
  row->approved = it->approved;
  row->st = reed__xsm_of(it->sub & REED_XSUB_TO, it->sub & REED_XSUB_FROM,
                         it->ask, it->pending_in);
  row->name = dup_or_null(it->name);
  row->groups = dup_or_null(it->groups_packed);
  row->status = dup_or_null(it->pending_status);
}

int
reed__xim_row_get(reed_xmpp_core_t *c, const char *account, const char *jid,
                  xim_row_t *row)
{
  int rc;

  memset(row, 0, sizeof(*row));
  rc = reed_xstore_roster_get(reed__xim_store(c), account, jid,
                              reed__xim_row_of, row);
  return rc == REED_ENOTFOUND ? 0 : rc;
}

void
reed__xim_row_free(xim_row_t *row)
{
  reed_free(row->name);
  reed_free(row->groups);
  reed_free(row->status);
  memset(row, 0, sizeof(*row));
}

/* ---- Output ----------------------------------------------------------------
 */
void
reed__xim_put_item(xmpp_out_t *o, const char *jid, const xim_row_t *row)
{
  const char *cur = row->groups, *g;
  size_t len;

  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(o, "jid", jid);
  reed__xmpp_out_attr(o, "name", row->name);
  reed__xmpp_out_attr(o, "subscription", reed__xsm_name(row->st));
  if (row->approved)
    reed__xmpp_out_raw(o, " approved='true'");
  if (reed__xsm_ask(row->st))
    reed__xmpp_out_raw(o, " ask='subscribe'");
  if (cur == NULL || cur[0] == '\0') {
    reed__xmpp_out_raw(o, "/>");
    return;
  }
  reed__xmpp_out_raw(o, ">");
  while (reed_xroster_group_next(&cur, &g, &len)) {
    reed__xmpp_out_raw(o, "<group>");
    reed__xmpp_out_text(o, g, len);
    reed__xmpp_out_raw(o, "</group>");
  }
  reed__xmpp_out_raw(o, "</item>");
}

void
reed__xim_put_query(xmpp_out_t *o, uint64_t ver, bool with_ver)
{
  char v[24];

  reed__xmpp_out_raw(o, "<query xmlns='" REED_NS_ROSTER "'");
  if (with_ver) {
    snprintf(v, sizeof(v), "%llu", (unsigned long long)ver);
    reed__xmpp_out_attr(o, "ver", v);
  }
  reed__xmpp_out_raw(o, ">");
}

/* One push to one interested resource (RFC 6121 2.1.6). */
static void
push_one(void *ud, reed_xmpp_core_t *o)
{
  const xim_push_t *p = ud;
  xim_conn_t *x = reed__xim_conn(o, false);
  char id[32];
  xmpp_out_t out;

  if (x == NULL || !x->interested || o->closed)
    return;
  reed__xmpp_new_id(o, id, sizeof(id));
  reed__xmpp_out_init(&out);
  reed__xmpp_out_stanza(&out, "iq", o->full_jid, NULL, "set", id);
  reed__xmpp_out_raw(&out, ">");
  reed__xim_put_query(&out, p->ver, true);
  if (p->row != NULL)
    reed__xim_put_item(&out, p->jid, p->row);
  else {
    reed__xmpp_out_raw(&out, "<item");
    reed__xmpp_out_attr(&out, "jid", p->jid);
    reed__xmpp_out_raw(&out, " subscription='remove'/>");
  }
  reed__xmpp_out_raw(&out, "</query></iq>");
  reed__xmpp_send(o, &out);
  reed__xmpp_out_cleanup(&out);
}

static void
push_all(reed_xmpp_core_t *c, const xim_push_t *p)
{
  reed__xim_each(c, p->account, push_one, (void *)p);
}

void
reed__xim_push_remove(reed_xmpp_core_t *c, const char *account, const char *jid,
                      uint64_t ver)
{
  xim_push_t p = {account, jid, NULL, ver};

  push_all(c, &p);
}

/* ---- Writing rows
 * ------------------------------------------------------------ The store takes
 * groups as an array: unpack a packed copy in place. */
static const char **
unpack_groups(char *packed, size_t *n)
{
  const char **v;
  size_t count = 1;

  *n = 0;
  if (packed == NULL || packed[0] == '\0')
    return NULL;
  for (const char *p = packed; *p; p++)
    count += *p == REED_XROSTER_GROUP_SEP;
  if ((v = reed_calloc(count, sizeof(*v))) == NULL)
    return NULL;
  v[(*n)++] = packed;
  for (char *p = packed; *p; p++)
    if (*p == REED_XROSTER_GROUP_SEP) {
      *p = '\0';
      v[(*n)++] = p + 1;
    }
  return v;
}

int
reed__xim_row_put(reed_xmpp_core_t *c, const char *account, const char *jid,
                  const xim_row_t *row, bool push)
{
  reed_xstore_t *xs = reed__xim_store(c);
  reed_xroster_item_t it = {.jid = jid, .name = row->name};
  char *packed = dup_or_null(row->groups);
  uint64_t ver = 0;
  int rc;

  if (row->st == REED_XSM_NONE && !row->listed && !row->approved) {
    rc = reed_xstore_roster_del(xs, account, jid, NULL);
    reed_free(packed);
    return rc == REED_ENOTFOUND ? 0 : rc;
  }
  it.sub = (reed__xsm_has_to(row->st) ? REED_XSUB_TO : 0) |
           (reed__xsm_has_from(row->st) ? REED_XSUB_FROM : 0);
  it.ask = reed__xsm_ask(row->st);
  it.pending_in = reed__xsm_pending_in(row->st);
  it.pending_status = it.pending_in ? row->status : NULL;
  it.approved = row->approved;
  it.listed = row->listed;
  it.groups = unpack_groups(packed, &it.n_groups);
  rc = packed != NULL && it.groups == NULL
           ? REED_ENOMEM
           : reed_xstore_roster_put(xs, account, &it, &ver);
  if (rc == 0 && push && row->listed) {
    xim_push_t p = {account, jid, row, ver};
    push_all(c, &p);
  }
  reed_free((void *)it.groups);
  reed_free(packed);
  return rc;
}

void
reed__xim_push_to(reed_xmpp_core_t *o, const xim_push_t *p)
{
  push_one((void *)p, o);
}
