#include "xmpp_fixture.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
init(xw_t *w, bool deferred, bool store)
{
  reed_portal_opts_t po = {0};

  memset(w, 0, sizeof(*w));
  tw_init(&w->tw, &(tw_opts_t){.module = &reed_xmpp_module,
                               .deferred_worker = deferred,
                               .store = store});
  reed_strlcpy(w->name, "reed.test", sizeof(w->name));
  w->sc.name = w->name;
  w->tw.server_conf = &w->sc;
  po = xw_portal_opts(&w->tw, &w->rnd);
  ASSERT_EQ(reed_portal_new(&po, &w->tw.portal), 0);
  w->tw.menv.portal = w->tw.portal;
}

void
xw_init(xw_t *w, bool deferred)
{
  init(w, deferred, false);
}

void
xw_init_store(xw_t *w, bool deferred)
{
  init(w, deferred, true);
}

const char *
xw_f_bind(void)
{
  static char f[512];

  snprintf(
      f, sizeof(f),
      "<stream:features><bind " BIND_NS "/><session "
      "xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
      "<ver xmlns='urn:xmpp:features:rosterver'/><sm xmlns='urn:xmpp:sm:3'/>"
      "<csi xmlns='urn:xmpp:csi:0'/><c xmlns='http://jabber.org/protocol/caps' "
      "hash='sha-1' "
      "node='urn:reed:caps' ver='%s'/></stream:features>",
      reed__xmpp_server_ver());
  return f;
}

void
xw_free(xw_t *w)
{
  tw_free(&w->tw);
}

reed_xmpp_conf_t *
xw_conf(xw_t *w)
{
  return w->tw.conf;
}

tw_client_t *
xw_client(xw_t *w, const char *name, bool tls)
{
  tw_client_t *c = tw_client(&w->tw, name);

  c->ft->peer.tls = tls;
  c->ft->peer.local_port = tls ? 5223 : 5222;
  return c;
}

const char *
xw_hdr(char *buf, size_t size, unsigned n)
{
  snprintf(buf, size,
           "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='" NS_STREAMS "' id='18bcfe56be8-%x' "
           "from='reed.test' version='1.0' xml:lang='en'>",
           n);
  return buf;
}

void
xw_starttls(tw_client_t *c)
{
  tw_send(c, "<starttls " TLS_NS "/>");
  XW_EXPECT(c, "<proceed " TLS_NS "/>");
  ASSERT_EQ(c->ft->tls_requests, 1);
  c->ft->peer.tls = true;
  reed_xmpp_module.tls_ready(c->core);
}

void
xw_login(xw_t *w, tw_client_t *c, const char *user, const char *pw,
         const char *resource, unsigned *n)
{
  char h[256], b64[256], want[1024], auth[512];

  tw_send(c, C_HDR);
  xw_hdr(h, sizeof(h), ++*n);
  /* With a store and TLS, SASL2 offers XEP-0484 FAST (HT-SHA-256-NONE:
   * the fake transport gives no channel binding). */
  snprintf(want, sizeof(want), "%s%s", h,
           w->tw.store != NULL && c->ft->peer.tls ? F_SASL_FAST : F_SASL);
  XW_EXPECT(c, want);
  xw_plain(user, pw, b64, sizeof(b64));
  snprintf(auth, sizeof(auth), "<auth " SASL_NS " mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, auth);
  XW_EXPECT(c, "<success " SASL_NS "/>");
  tw_send(c, C_HDR);
  xw_hdr(h, sizeof(h), ++*n);
  snprintf(want, sizeof(want), "%s%s", h, xw_f_bind());
  XW_EXPECT(c, want);
  snprintf(auth, sizeof(auth),
           "<iq type='set' id='b1'><bind " BIND_NS
           "><resource>%s</resource></bind></iq>",
           resource);
  tw_send(c, auth);
  snprintf(want, sizeof(want),
           "<iq to='%s@reed.test/%s' type='result' id='b1'><bind " BIND_NS
           "><jid>%s@reed.test/%s</jid></bind></iq>",
           user, resource, user, resource);
  XW_EXPECT(c, want);
}

reed_session_t *
xw_session(tw_client_t *c)
{
  return ((reed_xmpp_core_t *)c->core)->session;
}

/* ---- SCRAM-SHA-256, the client's side ------------------------------------ */

void
ts_first(tscram_t *s, const char *user, const char *cnonce)
{
  memset(s, 0, sizeof(*s));
  snprintf(s->first_bare, sizeof(s->first_bare), "n=%s,r=%s", user, cnonce);
}

static const char *
attr(const char *msg, char key, char *out, size_t size)
{
  for (const char *p = msg; p != NULL && *p; p = strchr(p, ',')) {
    if (*p == ',')
      p++;
    if (p[0] == key && p[1] == '=') {
      size_t n = strcspn(p + 2, ",");
      ASSERT(n < size);
      memcpy(out, p + 2, n);
      out[n] = '\0';
      return out;
    }
  }
  ASSERT(!"SCRAM attribute missing");
  return NULL;
}

static void
hmac(const uint8_t *key, size_t klen, const char *msg, uint8_t out[32])
{
  unsigned len = 32;

  ASSERT(HMAC(EVP_sha256(), key, (int)klen, (const uint8_t *)msg, strlen(msg),
              out, &len) != NULL);
}

void
ts_final(tscram_t *s, const char *server_first, const char *password)
{
  char nonce[128], salt64[64], iters[16], proof64[64], sig64[64];
  char without_proof[256], auth_msg[512];
  uint8_t salt[64], salted[32], ckey[32], skey[32], stored[32], csig[32];
  uint8_t proof[32], ssig[32];
  ssize_t slen;

  attr(server_first, 'r', nonce, sizeof(nonce));
  attr(server_first, 's', salt64, sizeof(salt64));
  attr(server_first, 'i', iters, sizeof(iters));
  slen = reed_base64_decode(salt64, strlen(salt64), salt);
  ASSERT(slen > 0);
  ASSERT(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)slen,
                           atoi(iters), EVP_sha256(), 32, salted) == 1);
  hmac(salted, 32, "Client Key", ckey);
  hmac(salted, 32, "Server Key", skey);
  SHA256(ckey, 32, stored);
  snprintf(without_proof, sizeof(without_proof), "c=biws,r=%s", nonce);
  snprintf(auth_msg, sizeof(auth_msg), "%s,%s,%s", s->first_bare, server_first,
           without_proof);
  hmac(stored, 32, auth_msg, csig);
  for (int i = 0; i < 32; i++)
    proof[i] = ckey[i] ^ csig[i];
  hmac(skey, 32, auth_msg, ssig);
  reed_base64_encode(proof, 32, proof64);
  reed_base64_encode(ssig, 32, sig64);
  snprintf(s->final, sizeof(s->final), "%s,p=%s", without_proof, proof64);
  snprintf(s->verifier, sizeof(s->verifier), "v=%s", sig64);
}
