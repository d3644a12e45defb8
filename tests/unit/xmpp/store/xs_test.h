/* Helpers of the XMPP store's tests: a migrated store in a temp dir with
 * the accounts alice and bob, the handle over it, and text collectors
 * that turn what a read reports into lines to compare. */
#ifndef REED_TEST_XS_TEST_H
#define REED_TEST_XS_TEST_H

#include "store_test.h"
#include "xmpp_store.h"

typedef struct {
  store_fixture_t f;
  reed_store_t *st;
  reed_xstore_t *xs;
} xs_fixture_t;

/* A fresh store, the xmpp migrations, accounts "Alice" and "bob", and
 * the handle. */
void xf_open(xs_fixture_t *x);
/* Commits the turn (reed_store_turn_end) and asserts it worked. */
void xf_commit(xs_fixture_t *x);
/* Closes the handle and the store, then opens both again. */
void xf_reopen(xs_fixture_t *x);
/* Closes everything, checks for leaks and removes the temp dir. */
void xf_close(xs_fixture_t *x);
/* Creates an account. */
void xf_account(xs_fixture_t *x, const char *name);
/* Rows of a table whose account column is `folded` (a raw connection:
 * only committed rows). */
long long xf_rows(xs_fixture_t *x, const char *table, const char *folded);

/* A growing text of lines, passed as the ud of the collectors. */
typedef struct {
  char buf[8192];
  size_t len;
  int n;
} xf_lines_t;

void xf_add(xf_lines_t *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Collectors: roster items as "jid|name|sub|ask|pin|status|approved|listed
 * |g1,g2|ver|deleted", strings as themselves, offline messages as
 * "seq|id|from|stamp|xml", PEP items as "id|xml|ms", xml as itself, FAST
 * tokens as "cur|mech|token|created|expiry". */
void xf_roster_cb(void *ud, const reed_xroster_item_t *it);
void xf_str_cb(void *ud, const char *s);
void xf_offline_cb(void *ud, const reed_xoffline_t *m);
void xf_item_cb(void *ud, const reed_xpep_item_t *it);
void xf_xml_cb(void *ud, const char *xml, size_t len);
void xf_fast_cb(void *ud, const reed_xfast_token_t *t);

#endif
