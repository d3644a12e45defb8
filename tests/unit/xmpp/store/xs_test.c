#include "xs_test.h"

#include "harness.h"

#include <stdarg.h>
#include <stdio.h>

void
xf_account(xs_fixture_t *x, const char *name)
{
  reed_account_rec_t rec = {.created_ms = 1};

  snprintf(rec.name, sizeof(rec.name), "%s", name);
  snprintf(rec.pwhash, sizeof(rec.pwhash), "hash-of-%s", name);
  ASSERT_EQ(reed_store_account_create(x->st, &rec), 0);
}

static void
open_both(xs_fixture_t *x)
{
  x->st = sf_open(&x->f);
  ASSERT_EQ(reed_store_migrate(x->st, "xmpp", reed__xmpp_migrations,
                               REED_XMPP_N_MIGRATIONS),
            0);
  ASSERT_EQ(reed_xstore_open(x->st, &x->f.log, &x->xs), 0);
}

void
xf_open(xs_fixture_t *x)
{
  sf_init(&x->f);
  open_both(x);
  xf_account(x, "Alice");
  xf_account(x, "bob");
}

void
xf_commit(xs_fixture_t *x)
{
  ASSERT_EQ(reed_store_turn_end(x->st), 0);
  ASSERT(!reed_store_in_batch(x->st));
}

static void
close_both(xs_fixture_t *x)
{
  reed_xstore_close(x->xs);
  reed_store_close(x->st);
  x->xs = NULL;
  x->st = NULL;
}

void
xf_reopen(xs_fixture_t *x)
{
  close_both(x);
  open_both(x);
}

void
xf_close(xs_fixture_t *x)
{
  close_both(x);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&x->f);
}

long long
xf_rows(xs_fixture_t *x, const char *table, const char *folded)
{
  char sql[160];
  sqlite3 *raw = sf_raw(&x->f);
  long long n;

  snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE account = '%s'",
           table, folded);
  n = sf_int(raw, sql);
  sqlite3_close(raw);
  return n;
}

void
xf_add(xf_lines_t *l, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
  va_end(ap);
  ASSERT(n >= 0 && (size_t)n < sizeof(l->buf) - l->len - 1);
  l->len += (size_t)n;
  l->buf[l->len++] = '\n';
  l->buf[l->len] = '\0';
  l->n++;
}

void
xf_roster_cb(void *ud, const reed_xroster_item_t *it)
{
  char groups[512] = "";
  const char *cur = it->groups_packed, *g;
  size_t len, off = 0;

  ASSERT(it->groups == NULL);
  while (reed_xroster_group_next(&cur, &g, &len))
    off += (size_t)snprintf(groups + off, sizeof(groups) - off, "%s%.*s",
                            off ? "," : "", (int)len, g);
  xf_add(ud, "%s|%s|%d|%d|%d|%s|%d|%d|%s|%llu|%d", it->jid,
         it->name ? it->name : "-", (int)it->sub, it->ask, it->pending_in,
         it->pending_status ? it->pending_status : "-", it->approved,
         it->listed, groups, (unsigned long long)it->ver, it->deleted);
}

void
xf_str_cb(void *ud, const char *s)
{
  xf_add(ud, "%s", s);
}

void
xf_offline_cb(void *ud, const reed_xoffline_t *m)
{
  xf_add(ud, "%llu|%s|%s|%llu|%s", (unsigned long long)m->seq, m->id, m->from,
         (unsigned long long)m->stamp_ms, m->xml);
}

void
xf_item_cb(void *ud, const reed_xpep_item_t *it)
{
  xf_add(ud, "%s|%s|%llu", it->id, it->xml,
         (unsigned long long)it->published_ms);
}

void
xf_xml_cb(void *ud, const char *xml, size_t len)
{
  xf_add(ud, "%.*s", (int)len, xml);
}

void
xf_fast_cb(void *ud, const reed_xfast_token_t *t)
{
  xf_add(ud, "%d|%s|%.*s|%llu|%llu", t->current, t->mech, (int)t->token_len,
         (const char *)t->token, (unsigned long long)t->created_ms,
         (unsigned long long)t->expiry_ms);
}
