/* XEP-0484 FAST: tokens a client asks for in its SASL2 <authenticate/>
 * (<request-token mechanism='HT-SHA-256-...'/>) and logs in with next
 * time through the HT mechanisms (auth's sasl_ht.c), which find them
 * through the lookup the portal calls back here.
 *
 * The HT mechanisms use the token itself as their HMAC key, so the server
 * must be able to produce it: a hash of it could not check a login. What
 * the store keeps per account and SASL2 user-agent id (with the previous
 * one: xmpp_store.h's rotation and expiry; a new password deletes them in
 * SQL) is a random 32-byte seed instead, and the token is
 * base64(HMAC-SHA-256(key, seed || folded account || NUL || client)) under
 * a key kept in a file of the data directory (xmpp-fast.key, 0600), never
 * in the database: a copy of the database alone yields no usable token.
 * Without a data directory (tests) the key lasts the process. */
#include "xmpp_int.h"

#include "config.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAST_SEED 32
#define FAST_TOKEN_B64 44
#define FAST_KEY_FILE "xmpp-fast.key"

/* ---- The key and the derivation -------------------------------------------*/

/* Reads the key file, or makes it. */
static int
load_key(reed_xmpp_state_t *st)
{
  const reed_server_conf_t *sv = st->env->server_conf;
  uint8_t fresh[REED_KEY_FILE_LEN];
  int rc;

  randombytes_buf(fresh, sizeof(fresh));
  if (sv == NULL || sv->data_dir == NULL) {
    memcpy(st->fast_key, fresh, sizeof(st->fast_key));
    rc = 0;
  } else {
    rc = reed_key_file(sv->data_dir, FAST_KEY_FILE, fresh, st->fast_key);
  }
  sodium_memzero(fresh, sizeof(fresh));
  if (rc != 0) {
    reed_log(st->env->log, REED_LOG_WARN,
             "xmpp: %s/%s: %s; FAST tokens are not offered", sv->data_dir,
             FAST_KEY_FILE, reed_strerror(rc));
    return rc;
  }
  st->fast_key_ready = true;
  return 0;
}

/* The token (FAST_TOKEN_B64 characters and a NUL) for a stored seed. */
static void
derive(const reed_xmpp_state_t *st, const char *account, const char *client,
       const uint8_t seed[FAST_SEED], char out[FAST_TOKEN_B64 + 1])
{
  crypto_auth_hmacsha256_state h;
  uint8_t mac[crypto_auth_hmacsha256_BYTES];
  char fold[REED_ACCOUNT_MAX + 1];

  reed_casefold(fold, account, sizeof(fold));
  crypto_auth_hmacsha256_init(&h, st->fast_key, sizeof(st->fast_key));
  crypto_auth_hmacsha256_update(&h, seed, FAST_SEED);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)fold, strlen(fold) + 1);
  crypto_auth_hmacsha256_update(&h, (const uint8_t *)client, strlen(client));
  crypto_auth_hmacsha256_final(&h, mac);
  out[reed_base64_encode(mac, sizeof(mac), out)] = '\0';
  sodium_memzero(&h, sizeof(h));
  sodium_memzero(mac, sizeof(mac));
}

static const char *const ht_mechs[] = {"HT-SHA-256-EXPR", "HT-SHA-256-ENDP",
                                       "HT-SHA-256-NONE"};

/* ---- The lookup the HT mechanisms call ----------------------------------*/

typedef struct lookup_s {
  const reed_xmpp_state_t *st;
  const char *account, *client;
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

  char tok[FAST_TOKEN_B64 + 1];

  if (strcmp(t->mech, l->mech) != 0 || t->token_len != FAST_SEED)
    return; /* a row of another mechanism, or not a seed */
  derive(l->st, l->account, l->client, t->token, tok);
  memcpy(l->tokens[slot].secret, tok, FAST_TOKEN_B64);
  l->tokens[slot].len = FAST_TOKEN_B64;
  sodium_memzero(tok, sizeof(tok));
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
  lookup_t l = {.st = st,
                .client = client,
                .mech = reed_sasl_mech_name(mech),
                .tokens = tokens};
  reed_account_rec_t *rec;
  int rc;

  if (st->xs == NULL || !st->fast_key_ready || client == NULL || l.mech == NULL)
    return 0;
  if ((rec = reed_calloc(1, sizeof(*rec))) == NULL)
    return REED_ENOMEM;
  rc = reed_store_account_get(st->env->store, name, rec);
  if (rc == 0) {
    reed_strlcpy(account, rec->name, REED_AUTH_NAME_MAX + 1);
    l.account = rec->name;
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

  if (st->xs == NULL || load_key(st) != 0)
    return 0; /* no store or no key, no tokens: FAST is not offered */
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
  if (c->st->xs == NULL || !c->st->fast_key_ready || !c->secure)
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
  uint8_t seed[FAST_SEED];
  char tok[FAST_TOKEN_B64 + 1], when[32];
  uint64_t now = clk->wall_ms(clk->c);
  reed_xfast_token_t t = {
      .mech = mech,
      .token = seed,
      .token_len = sizeof(seed),
      .created_ms = now,
      .expiry_ms = now + reed__xmpp_conf(c)->fast_expiry_ms,
  };
  int rc;

  if (client == NULL || client[0] == '\0' || mech == NULL ||
      !reed__xmpp_fast_offers(c, mech))
    return; /* XEP-0484: a token is tied to a user-agent id */
  randombytes_buf(seed, sizeof(seed));
  derive(c->st, c->account, client, seed, tok);
  rc = reed_xstore_fast_issue(c->st->xs, c->account, client, &t);
  sodium_memzero(seed, sizeof(seed));
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
