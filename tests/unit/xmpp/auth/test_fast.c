/* XEP-0484 FAST: the feature with the HT mechanisms that have binding
 * data, a token asked for in SASL2 and stored, a login with it (the
 * responder's proof in additional-data), rotation (the previous token
 * works until the current one is used), invalidation, revocation by a
 * password change (the store's trigger), and wrong tokens throttled like
 * wrong passwords. */
#include "auth_fixture.h"
#include "xmpp_int.h"
#include "xmpp_store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define UA "d4565fa7-4d72-4749-b3d3-740edbf87770"
#define F_FAST                                                                 \
  "<fast " FAST_NS "><mechanism>HT-SHA-256-EXPR</mechanism><mechanism>"        \
  "HT-SHA-256-ENDP</mechanism><mechanism>HT-SHA-256-NONE</mechanism></fast>"
#define NOT_AUTHORIZED                                                         \
  "<failure " SASL2_NS "><not-authorized xmlns='urn:ietf:params:xml:ns:"       \
  "xmpp-sasl'/><text>SASL authentication failed</text></failure>"

static void
authenticate(tw_client_t *c, const char *mech, const char *ir,
             const char *extra)
{
  char buf[2048];

  snprintf(buf, sizeof(buf),
           "<authenticate " SASL2_NS " mechanism='%s'><initial-response>%s"
           "</initial-response><user-agent id='" UA "'/>%s</authenticate>",
           mech, ir, extra);
  tw_send(c, buf);
}

/* A PLAIN login asking for a token of `mech`; the token into tok. */
static void
get_token(xw_t *w, const char *mech, char *tok, size_t size)
{
  tw_client_t *c = xa_client_cb(w, "p");
  char b64[256], extra[128], exp[64], want[64];
  uint64_t now = w->tw.fc->clock.wall_ms(w->tw.fc->clock.c) / 1000;
  time_t when = (time_t)(now + 14 * 24 * 3600);
  struct tm tm;
  const char *out;
  unsigned n = 0;

  ASSERT(strstr(xa_open(c, &n), "<inline>" F_BIND2 F_FAST "</inline>") != NULL);
  xw_plain("alice", "secret", b64, sizeof(b64));
  snprintf(extra, sizeof(extra), "<request-token " FAST_NS " mechanism='%s'/>",
           mech);
  authenticate(c, "PLAIN", b64, extra);
  out = tw_take(c);
  ASSERT(strncmp(out,
                 "<success " SASL2_NS "><authorization-identifier>"
                 "alice@reed.test</authorization-identifier><token " FAST_NS,
                 90) == 0);
  ASSERT(xa_attr(out, "token", "token", tok, size) != NULL);
  ASSERT_EQ(strlen(tok), 44);
  /* 14 days after the fake clock's wall time. */
  gmtime_r(&when, &tm);
  strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
  ASSERT_STR_EQ(xa_attr(out, "token", "expiry", exp, sizeof(exp)), want);
  tw_drop(c);
}

/* Logs in with a token; true on success (checking the responder's proof). */
static bool
token_login(xw_t *w, const char *mech, const char *tok, const char *extra,
            char *next_tok, size_t size)
{
  tw_client_t *c = xa_client_cb(w, "t");
  const void *cb = strcmp(mech, "HT-SHA-256-EXPR") == 0   ? EXPORTER_BYTES
                   : strcmp(mech, "HT-SHA-256-ENDP") == 0 ? END_POINT_BYTES
                                                          : "";
  char ir[256], resp[128], want[512], all[256];
  const char *out;
  unsigned n = 0;
  bool ok;

  xa_open(c, &n);
  xa_ht("alice", tok, cb, strlen(cb), ir, sizeof(ir), resp, sizeof(resp));
  snprintf(all, sizeof(all), "<fast " FAST_NS "%s", extra ? extra : "/>");
  authenticate(c, mech, ir, all);
  out = tw_take(c);
  snprintf(want, sizeof(want),
           "<success " SASL2_NS "><additional-data>%s</additional-data>"
           "<authorization-identifier>alice@reed.test"
           "</authorization-identifier>",
           resp);
  ok = strncmp(out, want, strlen(want)) == 0;
  if (!ok)
    ASSERT_STR_EQ(out, NOT_AUTHORIZED);
  if (next_tok != NULL)
    ASSERT(xa_attr(out, "token", "token", next_tok, size) != NULL);
  tw_drop(c);
  return ok;
}

TEST(fast_issue_and_login)
{
  xw_t w;
  char tok[64], tok2[64];

  xa_init(&w, true);
  xa_account(&w, "alice", "secret");
  get_token(&w, "HT-SHA-256-EXPR", tok, sizeof(tok));
  ASSERT(token_login(&w, "HT-SHA-256-EXPR", tok, NULL, NULL, 0));
  /* Bound to its mechanism: the same token under NONE is no token. */
  ASSERT(!token_login(&w, "HT-SHA-256-NONE", tok, NULL, NULL, 0));
  get_token(&w, "HT-SHA-256-NONE", tok2, sizeof(tok2));
  ASSERT(token_login(&w, "HT-SHA-256-NONE", tok2, NULL, NULL, 0));
  /* One current token per client: tok went to the previous slot, with
   * its mechanism, and logging in with tok2 (current) dropped it. */
  ASSERT(!token_login(&w, "HT-SHA-256-EXPR", tok, NULL, NULL, 0));
  xw_free(&w);
}

typedef struct rows_s {
  const char *tok;
  int n, holds_token;
} rows_t;

static void
take_row(void *ud, const reed_xfast_token_t *t)
{
  rows_t *r = ud;
  size_t len = strlen(r->tok);

  r->n++;
  for (size_t i = 0; i + 8 <= t->token_len; i++)
    if (memcmp(t->token + i, r->tok, 8) == 0)
      r->holds_token = 1; /* any 8 bytes of it */
  if (t->token_len == len && memcmp(t->token, r->tok, len) == 0)
    r->holds_token = 1;
}

/* The store keeps a seed, not the token: a copy of the database alone
 * gives no token (it is derived under a key outside it). */
TEST(fast_token_not_in_store)
{
  xw_t w;
  char tok[64];
  rows_t r = {.tok = tok};
  reed_xmpp_state_t *st;

  xa_init(&w, true);
  xa_account(&w, "alice", "secret");
  get_token(&w, "HT-SHA-256-NONE", tok, sizeof(tok));
  st = w.tw.module_state;
  ASSERT_EQ(reed_xstore_fast_get(st->xs, "alice", UA, 0, take_row, &r), 1);
  ASSERT_EQ(r.n, 1);
  ASSERT_EQ(r.holds_token, 0);
  ASSERT(token_login(&w, "HT-SHA-256-NONE", tok, NULL, NULL, 0));
  xw_free(&w);
}

/* Rotation: a login with a token asks for the next one; the previous
 * still works until the new one is used. */
TEST(fast_rotation_and_invalidate)
{
  xw_t w;
  char t1[64], t2[64];

  xa_init(&w, true);
  xa_account(&w, "alice", "secret");
  get_token(&w, "HT-SHA-256-ENDP", t1, sizeof(t1));
  ASSERT(token_login(&w, "HT-SHA-256-ENDP", t1,
                     "/><request-token " FAST_NS
                     " mechanism='HT-SHA-256-ENDP'/>",
                     t2, sizeof(t2)));
  ASSERT(strcmp(t1, t2) != 0);
  ASSERT(token_login(&w, "HT-SHA-256-ENDP", t1, NULL, NULL, 0));
  ASSERT(token_login(&w, "HT-SHA-256-ENDP", t2, NULL, NULL, 0));
  ASSERT(!token_login(&w, "HT-SHA-256-ENDP", t1, NULL, NULL, 0));
  ASSERT(
      token_login(&w, "HT-SHA-256-ENDP", t2, " invalidate='true'/>", NULL, 0));
  ASSERT(!token_login(&w, "HT-SHA-256-ENDP", t2, NULL, NULL, 0));
  xw_free(&w);
}

/* Not over plain text (require_tls = no): the HT draft is for TLS. */
TEST(fast_not_without_tls)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;

  xa_init(&w, true);
  xw_conf(&w)->require_tls = false;
  c = xw_client(&w, "c", false);
  ASSERT(strstr(xa_open(c, &n), "<inline>" F_BIND2 "</inline>") != NULL);
  authenticate(c, "HT-SHA-256-NONE", "AA==", "<fast " FAST_NS "/>");
  ASSERT(strstr(tw_take(c), "<invalid-mechanism ") != NULL);
  xw_free(&w);
}

TEST(fast_revoked_by_password_change)
{
  xw_t w;
  tw_client_t *c;
  char tok[64], b64[256];
  unsigned n = 0;

  xa_init(&w, true);
  xa_account(&w, "alice", "secret");
  get_token(&w, "HT-SHA-256-NONE", tok, sizeof(tok));
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  xw_plain("alice", "secret", b64, sizeof(b64));
  authenticate(c, "PLAIN", b64, "<bind " BIND2_NS "/>");
  ASSERT(strstr(tw_take(c), "<bound ") != NULL);
  tw_send(c, "<iq type='set' id='p'><query " REG_NS "><username>alice"
             "</username><password>n3w-pass</password></query></iq>");
  ASSERT(strstr(tw_take(c), "type='result' id='p'/>") != NULL);
  ASSERT(!token_login(&w, "HT-SHA-256-NONE", tok, NULL, NULL, 0));
  xw_free(&w);
}

/* Three failures slow the next attempt of that account from that address
 * by 250 ms (the portal's throttle), whether they were wrong tokens or
 * wrong passwords. */
static void
slowed_after_three(bool tokens)
{
  xw_t w;
  tw_client_t *c;
  char tok[64], ir[256], resp[128], b64[256];
  unsigned n = 0;

  xa_init(&w, true);
  xa_account(&w, "alice", "secret");
  get_token(&w, "HT-SHA-256-NONE", tok, sizeof(tok));
  c = xa_client_cb(&w, "c");
  xa_open(c, &n);
  for (int i = 0; i < 3; i++) {
    if (tokens) {
      xa_ht("alice", "AAAAwrongtokenAAAAwrongtokenAAAAwrongtokenAA", "", 0, ir,
            sizeof(ir), resp, sizeof(resp));
      authenticate(c, "HT-SHA-256-NONE", ir, "<fast " FAST_NS "/>");
    } else {
      xw_plain("alice", "wrong", b64, sizeof(b64));
      authenticate(c, "PLAIN", b64, "");
    }
    XW_EXPECT(c, NOT_AUTHORIZED);
  }
  xa_ht("alice", tok, "", 0, ir, sizeof(ir), resp, sizeof(resp));
  authenticate(c, "HT-SHA-256-NONE", ir, "<fast " FAST_NS "/>");
  XW_EXPECT(c, "");
  fc_advance(w.tw.fc, 249);
  XW_EXPECT(c, "");
  fc_advance(w.tw.fc, 1);
  ASSERT(strstr(tw_take(c), "<success ") != NULL);
  xw_free(&w);
}

TEST(fast_wrong_token_throttled_like_password)
{
  slowed_after_three(true);
  slowed_after_three(false);
}
