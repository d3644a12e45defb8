/* XEP-0313 MAM for the account's one-to-one archive, served from the
 * model's private history: the same messages and ids that IRC CHATHISTORY
 * shows (the ids are the model's, as XEP-0359 stanza-id carries them).
 * Queries filter by `with` (a bare JID: the account or guest nick on our
 * domain), `start` and `end`, and page with XEP-0059 RSM (max, after,
 * before) or #extended's after-id, before-id, ids and flip-page. The archive
 * holds what the model keeps: its ring per conversation (private_history) as
 * loaded from the store. */
#include "xmpp_mam_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const xmpp_disco_var_t reed__xmpp_disco_mam[] = {
    {REED_NS_MAM, XMPP_DISCO_ACCOUNT},
    {REED_NS_MAM "#extended", XMPP_DISCO_ACCOUNT},
    {NULL, 0},
};

void
reed__xmpp_stamp(uint64_t ms, char *buf, size_t size)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (int)(ms % 1000));
}

int
reed__xmpp_parse_stamp(const char *s, uint64_t *ms)
{
  struct tm tm = {0};
  int n = 0, frac_ms = 0, digits = 0, oh = 0, om = 0;
  long long secs;

  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
             &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
      n != 19)
    return REED_EINVAL;
  s += n;
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++, digits++)
      if (digits < 3)
        frac_ms = frac_ms * 10 + (*s - '0');
  for (; digits > 0 && digits < 3; digits++)
    frac_ms *= 10;
  if ((*s == '+' || *s == '-') &&
      sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 && !s[6]) {
    if (*s == '+')
      oh = -oh, om = -om;
  } else if (strcmp(s, "Z") != 0) {
    return REED_EINVAL;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  secs = (long long)timegm(&tm) + oh * 3600 + om * 60;
  if (secs < 0)
    return REED_EINVAL;
  *ms = (uint64_t)secs * 1000 + (uint64_t)frac_ms;
  return 0;
}

static int
parse_id(const char *v, uint64_t *out)
{
  char *end;

  *out = strtoull(v, &end, 10);
  return *v == '\0' || *end != '\0' || *out == 0 ? REED_EINVAL : 0;
}

static int
apply_field(const char *var, const char *v, mam_query_t *q)
{
  reed_jid_t j;

  if (strcmp(var, "with") == 0) { /* in a room: an occupant's JID */
    if (reed_jid_parse(v, &j) < 0 || (j.resource[0] != '\0' && !q->room))
      return REED_EINVAL;
    reed_jid_format(&j, q->room != NULL, q->with, sizeof(q->with));
    return 0;
  }
  if (strcmp(var, "start") == 0)
    return reed__xmpp_parse_stamp(v, &q->start_ms);
  if (strcmp(var, "end") == 0)
    return reed__xmpp_parse_stamp(v, &q->end_ms);
  if (strcmp(var, "after-id") == 0)
    return parse_id(v, &q->after_id);
  if (strcmp(var, "before-id") == 0)
    return parse_id(v, &q->before_id);
  return strcmp(var, "FORM_TYPE") == 0 ? 0 : REED_EINVAL;
}

/* #extended's `ids`: every <value/> an archive id. */
static int
parse_ids(const reed_xml_el_t *field, mam_query_t *q)
{
  for (reed_xml_el_t *v = reed_xml_child(field, "value", NULL); v != NULL;
       v = reed_xml_next(v, "value", NULL)) {
    if (q->n_ids == MAM_MAX_LIMIT || parse_id(v->text, &q->ids[q->n_ids]) < 0)
      return REED_EINVAL;
    q->n_ids++;
  }
  return 0;
}

static int
parse_form(const reed_xml_el_t *query, mam_query_t *q)
{
  reed_xml_el_t *x = reed_xml_child(query, "x", "jabber:x:data");
  int rc = 0;

  for (reed_xml_el_t *f = x ? reed_xml_child(x, "field", NULL) : NULL;
       f != NULL && rc == 0; f = reed_xml_next(f, "field", NULL)) {
    const char *var = reed_xml_attr(f, "var");
    const char *v = reed_xml_child_text(f, "value", NULL);

    if (var != NULL && strcmp(var, "ids") == 0)
      rc = parse_ids(f, q);
    else if (var != NULL)
      rc = apply_field(var, v != NULL ? v : "", q);
  }
  return rc;
}

/* XEP-0059: <max/>, <after/>, <before/> (empty: the last page). */
static int
parse_rsm(const reed_xml_el_t *query, mam_query_t *q)
{
  reed_xml_el_t *set = reed_xml_child(query, "set", REED_NS_RSM);
  const char *max, *after;
  reed_xml_el_t *before;

  q->max = MAM_MAX_DEFAULT;
  if (set == NULL)
    return 0;
  if ((max = reed_xml_child_text(set, "max", REED_NS_RSM)) != NULL)
    q->max = strtoul(max, NULL, 10);
  if (q->max > MAM_MAX_LIMIT)
    q->max = MAM_MAX_LIMIT;
  if ((after = reed_xml_child_text(set, "after", REED_NS_RSM)) != NULL &&
      parse_id(after, &q->after_id) < 0)
    return REED_ENOTFOUND;
  if ((before = reed_xml_child(set, "before", REED_NS_RSM)) != NULL) {
    q->last_page = true;
    if (before->text[0] != '\0' && parse_id(before->text, &q->before_id) < 0)
      return REED_ENOTFOUND;
  }
  return 0;
}

/* The query form (XEP-0313 section 6.1.1). */
static void
form(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  static const char *const vars[] = {"with", "start", "end", "after-id",
                                     "before-id"};
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o,
                     "<query xmlns='" REED_NS_MAM "'><x xmlns='jabber:x:"
                     "data' type='form'><field var='FORM_TYPE' "
                     "type='hidden'><value>" REED_NS_MAM "</value></field>");
  for (size_t i = 0; i < REED_ARRAY_SIZE(vars); i++) {
    reed__xmpp_out_raw(&o, "<field");
    reed__xmpp_out_attr(&o, "var", vars[i]);
    reed__xmpp_out_raw(&o, i == 0 ? " type='jid-single'/>"
                                  : " type='text-single'/>");
  }
  reed__xmpp_out_raw(&o, "<field var='ids' type='text-multi'/></x></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_mam_query(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                     mam_query_t *q)
{
  int rc;

  q->queryid = reed_xml_attr(st->payload, "queryid");
  q->flip = reed_xml_child(st->payload, "flip-page", REED_NS_MAM) != NULL;
  if (strcmp(st->type, "get") == 0) {
    form(c, st);
    return;
  }
  if ((rc = parse_form(st->payload, q)) == 0)
    rc = parse_rsm(st->payload, q);
  if (rc == REED_ENOTFOUND) /* an RSM id that is none of ours */
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
  else if (rc < 0)
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  else
    reed__xmpp_mam_run(c, st, q);
}

void
reed__xmpp_iq_mam(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  mam_query_t q = {0};

  reed__xmpp_mam_query(c, st, &q);
}

void
reed__xmpp_iq_mam_meta(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  mam_query_t q = {.max = MAM_MAX_LIMIT};

  reed__xmpp_mam_metadata(c, st, &q);
}
