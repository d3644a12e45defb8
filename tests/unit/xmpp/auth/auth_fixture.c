#include "auth_fixture.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
xa_init(xw_t *w, bool store)
{
  reed_portal_opts_t po;

  memset(w, 0, sizeof(*w));
  tw_init(&w->tw, &(tw_opts_t){.module = &reed_xmpp_module, .store = store});
  reed_strlcpy(w->name, "reed.test", sizeof(w->name));
  w->sc.name = w->name;
  w->sc.registration = REED_REGISTRATION_OPEN;
  w->tw.server_conf = &w->sc;
  po = xw_portal_opts(&w->tw, &w->rnd);
  po.store = w->tw.store;
  if (store)
    po.creds = NULL;
  ASSERT_EQ(reed_portal_new(&po, &w->tw.portal), 0);
  /* The module's init wants the portal (FAST's token lookup): run it
   * again now that there is one, as the host would have. */
  reed_xmpp_module.cleanup(w->tw.module_state);
  w->tw.menv.portal = w->tw.portal;
  ASSERT_EQ(reed_xmpp_module.init(&w->tw.menv, &w->tw.module_state), 0);
}

void
xa_account(xw_t *w, const char *name, const char *password)
{
  if (w->tw.store == NULL) {
    tw_account(&w->tw, name, password);
    return;
  }
  ASSERT_EQ(reed_auth_account_add(w->tw.store, name, password, strlen(password),
                                  REED_AUTH_HASH_MIN),
            0);
}

tw_client_t *
xa_client_cb(xw_t *w, const char *name)
{
  tw_client_t *c = xw_client(w, name, true);

  ft_set_channel_binding(c->ft, "tls-exporter", EXPORTER_BYTES, 32);
  ft_set_channel_binding(c->ft, "tls-server-end-point", END_POINT_BYTES, 32);
  return c;
}

const char *
xa_open(tw_client_t *c, unsigned *n)
{
  static char feats[4096];
  const char *out, *f;

  tw_send(c, C_HDR);
  out = tw_take(c);
  ++*n;
  ASSERT(strncmp(out, "<?xml version='1.0'?><stream:stream ", 36) == 0);
  ASSERT((f = strstr(out, "<stream:features>")) != NULL);
  reed_strlcpy(feats, f, sizeof(feats));
  return feats;
}

const char *
xa_attr(const char *xml, const char *el, const char *name, char *out,
        size_t size)
{
  char open[64], key[64];
  const char *p, *q, *end;

  snprintf(open, sizeof(open), "<%s ", el);
  snprintf(key, sizeof(key), " %s='", name);
  if ((p = strstr(xml, open)) == NULL || (end = strchr(p, '>')) == NULL ||
      (q = strstr(p, key)) == NULL || q > end)
    return NULL;
  q += strlen(key);
  p = strchr(q, '\'');
  ASSERT(p != NULL && (size_t)(p - q) < size);
  memcpy(out, q, (size_t)(p - q));
  out[p - q] = '\0';
  return out;
}

const char *
xa_text(const char *xml, const char *tag, char *out, size_t size)
{
  char open[64], close[64];
  const char *p, *q;

  snprintf(open, sizeof(open), "<%s", tag);
  snprintf(close, sizeof(close), "</%s>", tag);
  if ((p = strstr(xml, open)) == NULL || (p = strchr(p, '>')) == NULL ||
      (q = strstr(++p, close)) == NULL)
    return NULL;
  ASSERT((size_t)(q - p) < size);
  memcpy(out, p, (size_t)(q - p));
  out[q - p] = '\0';
  return out;
}

/* ---- SCRAM ---------------------------------------------------------------*/

static const EVP_MD *
md(const xscram_t *s)
{
  return s->sha1 ? EVP_sha1() : EVP_sha256();
}

static size_t
hmac(const xscram_t *s, const uint8_t *key, size_t klen, const void *msg,
     size_t mlen, uint8_t *out)
{
  unsigned len = 32;

  ASSERT(HMAC(md(s), key, (int)klen, msg, mlen, out, &len) != NULL);
  return len;
}

static void
b64(const void *in, size_t len, char *out, size_t size)
{
  ASSERT((len + 2) / 3 * 4 + 1 <= size);
  reed_base64_encode(in, len, out);
}

void
xs_first(xscram_t *s, const char *user, const char *cnonce, char *out,
         size_t size)
{
  char msg[256];

  snprintf(s->first_bare, sizeof(s->first_bare), "n=%s,r=%s", user, cnonce);
  snprintf(msg, sizeof(msg), "%s%s", s->gs2, s->first_bare);
  b64(msg, strlen(msg), out, size);
}

static void
field(const char *msg, char key, char *out, size_t size)
{
  for (const char *p = msg; p != NULL && *p; p = strchr(p, ',')) {
    if (*p == ',')
      p++;
    if (p[0] == key && p[1] == '=') {
      size_t n = strcspn(p + 2, ",");
      ASSERT(n < size);
      memcpy(out, p + 2, n);
      out[n] = '\0';
      return;
    }
  }
  ASSERT(!"SCRAM attribute missing");
}

void
xs_final(xscram_t *s, const char *server_first_b64, const char *pw, char *out,
         size_t size)
{
  char sf[256], nonce[128], salt64[64], iters[16], cbind[200], proof64[64];
  char sig64[64], without[400], auth[1024];
  uint8_t raw[256], salt[64], salted[32], ckey[32], skey[32], stored[32];
  uint8_t csig[32], proof[32], ssig[32], cbin[128];
  size_t hl = s->sha1 ? 20 : 32, gl = strlen(s->gs2);
  ssize_t n =
      reed_base64_decode(server_first_b64, strlen(server_first_b64), raw);
  ssize_t slen;

  ASSERT(n > 0 && (size_t)n < sizeof(sf));
  memcpy(sf, raw, (size_t)n);
  sf[n] = '\0';
  field(sf, 'r', nonce, sizeof(nonce));
  field(sf, 's', salt64, sizeof(salt64));
  field(sf, 'i', iters, sizeof(iters));
  slen = reed_base64_decode(salt64, strlen(salt64), salt);
  ASSERT(slen > 0);
  ASSERT(PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, (int)slen, atoi(iters),
                           md(s), (int)hl, salted) == 1);
  hmac(s, salted, hl, "Client Key", 10, ckey);
  hmac(s, salted, hl, "Server Key", 10, skey);
  if (s->sha1)
    SHA1(ckey, hl, stored);
  else
    SHA256(ckey, hl, stored);
  memcpy(cbin, s->gs2, gl);
  memcpy(cbin + gl, s->cb, s->cb_len);
  b64(cbin, gl + s->cb_len, cbind, sizeof(cbind));
  snprintf(without, sizeof(without), "c=%s,r=%s", cbind, nonce);
  snprintf(auth, sizeof(auth), "%s,%s,%s", s->first_bare, sf, without);
  hmac(s, stored, hl, auth, strlen(auth), csig);
  for (size_t i = 0; i < hl; i++)
    proof[i] = ckey[i] ^ csig[i];
  hmac(s, skey, hl, auth, strlen(auth), ssig);
  b64(proof, hl, proof64, sizeof(proof64));
  b64(ssig, hl, sig64, sizeof(sig64));
  snprintf(s->final, sizeof(s->final), "%s,p=%s", without, proof64);
  snprintf(s->verifier, sizeof(s->verifier), "v=%s", sig64);
  b64(s->final, strlen(s->final), out, size);
}

/* ---- HT and Bind2 -------------------------------------------------------*/

void
xa_ht(const char *user, const char *token, const void *cb, size_t cb_len,
      char *initiator, size_t isize, char *responder, size_t rsize)
{
  xscram_t s = {.sha1 = false};
  uint8_t msg[128], mac[32], out[160];
  size_t ul = strlen(user);

  memcpy(msg, "Initiator", 9);
  memcpy(msg + 9, cb, cb_len);
  hmac(&s, (const uint8_t *)token, strlen(token), msg, 9 + cb_len, mac);
  memcpy(out, user, ul);
  out[ul] = 0;
  memcpy(out + ul + 1, mac, 32);
  b64(out, ul + 33, initiator, isize);
  memcpy(msg, "Responder", 9);
  hmac(&s, (const uint8_t *)token, strlen(token), msg, 9 + cb_len, mac);
  b64(mac, 32, responder, rsize);
}

void
xa_bind2_res(const char *tag, const char *account, const char *ua, char *out,
             size_t size)
{
  uint8_t buf[512], h[32];
  size_t al = strlen(account) + 1, ul = strlen(ua);

  memcpy(buf, account, al);
  memcpy(buf + al, ua, ul);
  SHA256(buf, al + ul, h);
  snprintf(out, size, "%s.%02x%02x%02x%02x", tag, h[0], h[1], h[2], h[3]);
}
