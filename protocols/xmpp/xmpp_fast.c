/* XEP-0484 FAST: tokens a client asks for in its SASL2 <authenticate/>
 * (<request-token mechanism='HT-SHA-256-...'/>) and logs in with next
 * time through the HT mechanisms (auth's sasl_ht.c), which find them
 * through the lookup the portal calls back here. Tokens are 32 random
 * bytes in base64; the 44 characters are the HMAC key, kept per account
 * and SASL2 user-agent id in the module's store with the previous one
 * (xmpp_store.h: rotation, expiry; a new password deletes them in SQL). */
#include "xmpp_int.h"

#include "store.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#define FAST_TOKEN_RAW 32
#define FAST_TOKEN_B64 44

static const char *const ht_mechs[] = {"HT-SHA-256-EXPR", "HT-SHA-256-ENDP",
                                       "HT-SHA-256-NONE"};

/* ---- The lookup the HT mechanisms call ----------------------------------*/

typedef struct lookup_s {
  const char *mech;
  reed_sasl_fast_token_t *tokens;
  int n;
} lookup_t;

/* The current token goes to slot 0 and the previous one to slot 1 (an
 * empty slot 0 matches nothing), so the index the mechanism reports says
 * which one the client used. */
static void
take_token(void *ud, const reed_xfast_token_t *t)
{
  lookup_t *l = ud;
  int slot = t->current ? 0 : 1;

  if (strcmp(t->mech, l->mech) != 0 || t->token_len > REED_SASL_FAST_TOKEN_MAX)
    return;
  memcpy(l->tokens[slot].secret, t->token, t->token_len);
  l->tokens[slot].len = t->token_len;
  if (slot + 1 > l->n)
    l->n = slot + 1;
}

static int
fast_lookup(void *ud, const char *name, const char *client,
            reed_sasl_mech_t mech,
            reed_sasl_fast_token_t tokens[REED_SASL_FAST_TOKENS],
            char account[REED_AUTH_NAME_MAX + 1])
{
  reed_xmpp_state_t *st = ud;
  reed_clock_t *clk = st->env->clock;
  lookup_t l = {.mech = reed_sasl_mech_name(mech), .tokens = tokens};
  reed_account_rec_t *rec;
  int rc;

  if (st->xs == NULL || client == NULL || l.mech == NULL)
    return 0;
  if ((rec = reed_calloc(1, sizeof(*rec))) == NULL)
    return REED_ENOMEM;
  rc = reed_store_account_get(st->env->store, name, rec);
  if (rc == 0) {
    reed_strlcpy(account, rec->name, REED_AUTH_NAME_MAX + 1);
    rc = reed_xstore_fast_get(st->xs, rec->name, client, clk->wall_ms(clk->c),
                              take_token, &l);
  }
  sodium_memzero(rec, sizeof(*rec));
  reed_free(rec);
  if (rc == REED_EIO || rc == REED_ENOMEM)
    return rc;
  return rc < 0 ? 0 : l.n; /* no such account: no token */
}

int
reed__xmpp_fast_init(reed_xmpp_state_t *st)
{
  const reed_module_env_t *env = st->env;

  if (st->xs == NULL)
    return 0; /* no store, no tokens: FAST is not offered */
  if (env->portal != NULL)
    reed_portal_set_fast_tokens(env->portal, fast_lookup, st);
  return 0;
}

void
reed__xmpp_fast_cleanup(reed_xmpp_state_t *st)
{
  if (st->xs == NULL)
    return;
  if (st->env->portal != NULL)
    reed_portal_set_fast_tokens(st->env->portal, NULL, NULL);
}

/* ---- Offering ------------------------------------------------------------*/

bool
reed__xmpp_fast_offers(const reed_xmpp_core_t *c, const char *mech)
{
  if (c->st->xs == NULL || !c->secure)
    return false; /* the HT draft: over TLS only */
  if (strcmp(mech, "HT-SHA-256-NONE") == 0)
    return true;
  if (strcmp(mech, "HT-SHA-256-EXPR") == 0)
    return reed__xmpp_cb_has(c, "tls-exporter");
  if (strcmp(mech, "HT-SHA-256-ENDP") == 0)
    return reed__xmpp_cb_has(c, "tls-server-end-point");
  return false; /* UNIQ: tls-unique is undefined for TLS 1.3 */
}

void
reed__xmpp_fast_feature(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (!reed__xmpp_fast_offers(c, "HT-SHA-256-NONE"))
    return;
  reed__xmpp_out_raw(o, "<fast xmlns='" REED_NS_FAST "'>");
  for (size_t i = 0; i < REED_ARRAY_SIZE(ht_mechs); i++) {
    if (!reed__xmpp_fast_offers(c, ht_mechs[i]))
      continue;
    reed__xmpp_out_raw(o, "<mechanism>");
    reed__xmpp_out_raw(o, ht_mechs[i]);
    reed__xmpp_out_raw(o, "</mechanism>");
  }
  reed__xmpp_out_raw(o, "</fast>");
}

/* ---- Issuing and using ---------------------------------------------------*/

static void
stamp(uint64_t ms, char *buf, size_t size)
{
  time_t secs = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&secs, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
reed__xmpp_fast_issue(reed_xmpp_core_t *c, const char *client, const char *mech,
                      xmpp_out_t *o)
{
  reed_clock_t *clk = c->env->clock;
  uint8_t raw[FAST_TOKEN_RAW];
  char tok[FAST_TOKEN_B64 + 1], when[32];
  uint64_t now = clk->wall_ms(clk->c);
  reed_xfast_token_t t = {
      .mech = mech,
      .token = (const uint8_t *)tok,
      .token_len = FAST_TOKEN_B64,
      .created_ms = now,
      .expiry_ms = now + reed__xmpp_conf(c)->fast_expiry_ms,
  };
  int rc;

  if (client == NULL || client[0] == '\0' || mech == NULL ||
      !reed__xmpp_fast_offers(c, mech))
    return; /* XEP-0484: a token is tied to a user-agent id */
  randombytes_buf(raw, sizeof(raw));
  reed_base64_encode(raw, sizeof(raw), tok);
  sodium_memzero(raw, sizeof(raw));
  rc = reed_xstore_fast_issue(c->st->xs, c->account, client, &t);
  if (rc == 0) {
    stamp(t.expiry_ms, when, sizeof(when));
    reed__xmpp_out_raw(o, "<token xmlns='" REED_NS_FAST "'");
    reed__xmpp_out_attr(o, "expiry", when);
    reed__xmpp_out_attr(o, "token", tok);
    reed__xmpp_out_raw(o, "/>");
  } else {
    reed_log(c->env->log, REED_LOG_WARN, "xmpp: FAST token for %s: %s",
             c->account, reed_strerror(rc));
  }
  sodium_memzero(tok, sizeof(tok));
}

void
reed__xmpp_fast_used(reed_xmpp_core_t *c, const char *client, int index,
                     bool invalidate)
{
  if (c->st->xs == NULL || client == NULL || client[0] == '\0')
    return;
  if (invalidate)
    reed_xstore_fast_del_client(c->st->xs, c->account, client);
  else if (index == 0)
    reed_xstore_fast_drop_previous(c->st->xs, c->account, client);
}
