/* SASL SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), server side,
 * and their -PLUS variants with channel binding (RFC 5802 section 6):
 *   client-first  gs2-header ("n,," / "y,," / "p=TYPE,," / "n,a=NAME,")
 *                 then [m=...,] n=NAME,r=CNONCE[,ext...]
 *   server-first  r=CNONCE SNONCE,s=SALT,i=ITERATIONS
 *   client-final  c=base64(gs2-header [binding data after p=]),r=NONCE
 *                 [,ext...],p=PROOF
 *   server-final  v=ServerSignature (additional data with success)
 * "p=" only with -PLUS and a type the exchange has data for, and -PLUS only
 * with "p="; 'y' (the client binds but thinks we do not) after -PLUS was
 * offered is a downgrade, and fails.
 * The proof is checked against the stored key only: the password is never
 * seen. An unknown name gets a simulated exchange that fails at the proof,
 * so it looks the same as a wrong password. */
#include "auth_int.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_BYTES 255
#define SNONCE_MAX 64

/* A message being parsed: a NUL-terminated copy and a cursor. */
typedef struct {
  char *buf;
  char *p;
} cursor_t;

static int
cursor_init(reed_sasl_t *s, cursor_t *c, const uint8_t *in, size_t len)
{
  if (memchr(in, '\0', len) != NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM message contains NUL");
  if (!reed_utf8_valid(in, len))
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM message is not UTF-8");
  c->buf = reed_strndup((const char *)in, len);
  if (c->buf == NULL)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  c->p = c->buf;
  return 0;
}

/* Takes "k=value" up to the next ',' (or the end); returns the value, NUL
 * terminated in place, or NULL when the attribute is not `k`. */
static char *
attr(cursor_t *c, char k)
{
  char *v, *comma;

  if (c->p[0] != k || c->p[1] != '=')
    return NULL;
  v = c->p + 2;
  comma = strchr(v, ',');
  if (comma != NULL) {
    *comma = '\0';
    c->p = comma + 1;
  } else {
    c->p = v + strlen(v);
  }
  return v;
}

/* Decodes a saslname (=2C and =3D escapes) into a new string *out.
 * Returns 0, REED_ESYNTAX (empty, too long, bad escape) or REED_ENOMEM. */
static int
saslname(const char *v, char **out)
{
  size_t n = 0, len = strlen(v);
  bool bad = false;
  char *d;

  *out = NULL;
  if (len == 0 || len > NAME_MAX_BYTES * 3)
    return REED_ESYNTAX;
  d = reed_malloc(len + 1);
  if (d == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < len && !bad; i++) {
    if (v[i] != '=') {
      d[n++] = v[i];
      continue;
    }
    if (strncmp(v + i, "=2C", 3) == 0)
      d[n++] = ',';
    else if (strncmp(v + i, "=3D", 3) == 0)
      d[n++] = '=';
    else
      bad = true;
    i += 2;
  }
  d[n] = '\0';
  if (bad || n > NAME_MAX_BYTES) {
    reed_free(d);
    return REED_ESYNTAX;
  }
  *out = d;
  return 0;
}

static bool
nonce_valid(const char *v)
{
  if (*v == '\0')
    return false;
  for (; *v; v++)
    if (*v < 0x21 || *v > 0x7e || *v == ',')
      return false;
  return true;
}

/* cb-name = 1*(ALPHA / DIGIT / "." / "-") */
static bool
cbname_valid(const char *v)
{
  if (*v == '\0')
    return false;
  for (; *v; v++)
    if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
          (*v >= '0' && *v <= '9') || *v == '.' || *v == '-'))
      return false;
  return true;
}

/* The gs2 header: the channel binding flag ('n', 'y' or 'p' with the type
 * in *cbname, which points into the cursor's buffer) and an optional
 * authzid. On success *authzid is NULL or a decoded name the caller
 * frees. */
static int
parse_gs2(reed_sasl_t *s, cursor_t *c, char *flag, char **cbname,
          char **authzid)
{
  char *v;
  int rc;

  *authzid = NULL;
  *cbname = NULL;
  *flag = c->p[0];
  if (c->p[0] == 'p' && c->p[1] == '=' && strchr(c->p, ',') != NULL) {
    *cbname = attr(c, 'p');
    if (!cbname_valid(*cbname))
      return reed__sasl_fail(s, REED_ESYNTAX,
                             "SCRAM channel binding type is malformed");
  } else if ((c->p[0] == 'n' || c->p[0] == 'y') && c->p[1] == ',') {
    c->p += 2;
  } else {
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM gs2 header is malformed");
  }
  if (*c->p == ',') {
    c->p++;
    return 0;
  }
  /* The authzid must end at the header's closing comma. */
  v = strchr(c->p, ',') != NULL ? attr(c, 'a') : NULL;
  rc = v != NULL ? saslname(v, authzid) : REED_ESYNTAX;
  if (rc != 0)
    return reed__sasl_fail(s, rc,
                           rc == REED_ENOMEM ? "out of memory"
                                             : "SCRAM authzid is malformed");
  return 0;
}

/* The channel binding flag against the mechanism and what the protocol
 * offered; fetches the data a "p=" names. */
static int
check_binding(reed_sasl_t *s, char flag, const char *cbname)
{
  reed__scram_state_t *st = &s->scram;

  if (flag == 'p' && !st->plus)
    return reed__sasl_fail(s, REED_EINVAL,
                           "SCRAM channel binding needs a -PLUS mechanism");
  if (flag != 'p' && st->plus)
    return reed__sasl_fail(s, REED_EINVAL,
                           "SCRAM -PLUS needs channel binding (gs2 flag p=)");
  if (flag == 'y' && s->cbind.plus_offered)
    return reed__sasl_fail(s, REED_EAUTH,
                           "SCRAM downgrade: the client supports channel "
                           "binding and -PLUS was offered");
  if (flag == 'p')
    return reed__sasl_cb_data(s, cbname, st->cb, &st->cb_len);
  return 0;
}

/* username and nonce of client-first-message-bare. */
static int
parse_bare(reed_sasl_t *s, cursor_t *c, char **cnonce)
{
  char *v;
  int rc;

  if (c->p[0] == 'm' && c->p[1] == '=')
    return reed__sasl_fail(s, REED_EINVAL,
                           "SCRAM mandatory extension is not supported");
  v = attr(c, 'n');
  if (v == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM username missing");
  rc = saslname(v, &s->authcid);
  if (rc != 0)
    return reed__sasl_fail(s, rc,
                           rc == REED_ENOMEM ? "out of memory"
                                             : "SCRAM username is malformed");
  v = attr(c, 'r');
  if (v == NULL || !nonce_valid(v))
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM nonce missing or bad");
  *cnonce = v;
  return 0;
}

/* Keys for the claimed name, or simulated ones for an unknown name. */
static int
lookup(reed_sasl_t *s)
{
  reed__scram_state_t *st = &s->scram;
  uint8_t mac[32], zero[32] = {0};
  char folded[NAME_MAX_BYTES + 1];
  int rc = REED_ENOACCOUNT;

  if (s->src.scram_keys != NULL)
    rc = s->src.scram_keys(s->src.ud, s->authcid, st->hash, &st->keys,
                           s->account);
  if (rc == 0 && st->keys.iterations > 0 && st->keys.salt_len > 0 &&
      st->keys.salt_len <= REED_SCRAM_SALT_MAX) {
    st->known = true;
    return 0;
  }
  if (rc != 0 && rc != REED_ENOACCOUNT)
    return reed__sasl_fail(s, rc, "SCRAM credential lookup failed");
  memset(&st->keys, 0, sizeof(st->keys));
  reed__auth_fold(folded, s->authcid, sizeof(folded));
  reed__auth_hmac(REED_SCRAM_SHA256, s->src.secret ? s->src.secret : zero, 32,
                  folded, strlen(folded), mac);
  memcpy(st->keys.salt, mac, REED_SCRAM_SALT_LEN);
  st->keys.salt_len = REED_SCRAM_SALT_LEN;
  st->keys.iterations = REED_SCRAM_ITERATIONS;
  reed__auth_random(s->src.random, s->src.ud, st->keys.stored_key,
                    REED_SCRAM_KEY_MAX);
  st->known = false;
  s->account[0] = '\0';
  return 0;
}

/* The server's half of the nonce: the source's, or 18 random bytes in
 * base64. Returns 0 or REED_ENOMEM. */
static int
server_nonce(reed_sasl_t *s, char out[SNONCE_MAX + 1])
{
  uint8_t raw[18];
  char *b;

  out[0] = '\0';
  if (s->src.nonce != NULL) {
    s->src.nonce(s->src.ud, out, SNONCE_MAX + 1);
    out[SNONCE_MAX] = '\0';
    if (nonce_valid(out))
      return 0;
  }
  reed__auth_random(s->src.random, s->src.ud, raw, sizeof(raw));
  b = reed__auth_b64(raw, sizeof(raw));
  if (b == NULL)
    return REED_ENOMEM;
  reed_strlcpy(out, b, SNONCE_MAX + 1);
  reed_free(b);
  return 0;
}

/* Builds and keeps server-first; sets *out to a copy to send. */
static int
server_first(reed_sasl_t *s, const char *cnonce, reed_buf_t **out)
{
  reed__scram_state_t *st = &s->scram;
  char snonce[SNONCE_MAX + 1], *salt;
  reed_buf_t *b = NULL;
  int rc = REED_ENOMEM;

  if (server_nonce(s, snonce) != 0)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  salt = reed__auth_b64(st->keys.salt, st->keys.salt_len);
  st->nonce = reed_malloc(strlen(cnonce) + strlen(snonce) + 1);
  if (salt != NULL && st->nonce != NULL) {
    snprintf(st->nonce, strlen(cnonce) + strlen(snonce) + 1, "%s%s", cnonce,
             snonce);
    b = reed_buf_new(64);
  }
  if (b != NULL && reed_buf_printf(&b, "r=%s,s=%s,i=%u", st->nonce, salt,
                                   (unsigned)st->keys.iterations) == 0)
    st->server_first = reed_strndup((const char *)b->data, b->len);
  if (st->server_first != NULL) {
    *out = b;
    b = NULL;
    rc = 0;
  }
  reed_buf_unref(b);
  reed_free(salt);
  return rc == 0 ? 0 : reed__sasl_fail(s, rc, "out of memory");
}

static int
client_first(reed_sasl_t *s, const uint8_t *in, size_t len, reed_buf_t **out)
{
  reed__scram_state_t *st = &s->scram;
  cursor_t c = {0};
  char *authzid = NULL, *cnonce = NULL, *cbname = NULL, flag = 'n';
  int rc;

  if ((rc = cursor_init(s, &c, in, len)) != 0)
    return rc;
  rc = parse_gs2(s, &c, &flag, &cbname, &authzid);
  if (rc == 0) {
    st->gs2_len = (size_t)(c.p - c.buf);
    st->gs2 = reed_strndup((const char *)in, st->gs2_len);
    st->first_bare =
        reed_strndup((const char *)in + st->gs2_len, len - st->gs2_len);
    if (st->gs2 == NULL || st->first_bare == NULL)
      rc = reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  }
  if (rc == 0)
    rc = parse_bare(s, &c, &cnonce);
  if (rc == 0)
    rc = check_binding(s, flag, cbname);
  if (rc == 0 && authzid != NULL &&
      reed__auth_casecmp(authzid, s->authcid) != 0)
    rc = reed__sasl_fail(s, REED_EAUTH, "SCRAM authzid differs");
  if (rc == 0)
    rc = lookup(s);
  if (rc == 0)
    rc = server_first(s, cnonce, out);
  if (rc == 0)
    s->state = REED__SASL_WAIT_FINAL;
  reed_free(authzid);
  reed_free(c.buf);
  return rc == 0 ? REED_SASL_CONTINUE : rc;
}

/* Checks c= against the gs2 header and binding data, r= against the
 * nonce. */
static int
check_final_attrs(reed_sasl_t *s, cursor_t *c)
{
  reed__scram_state_t *st = &s->scram;
  uint8_t cb[REED_SASL_INPUT_MAX];
  size_t cb_len = 0;
  char *v = attr(c, 'c');

  if (v == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM channel binding missing");
  if (reed__auth_unb64(v, strlen(v), cb, sizeof(cb), &cb_len) != 0 ||
      cb_len != st->gs2_len + st->cb_len ||
      memcmp(cb, st->gs2, st->gs2_len) != 0)
    return reed__sasl_fail(s, REED_EAUTH, "SCRAM channel binding differs");
  if (reed__auth_ct_eq(cb + st->gs2_len, st->cb, st->cb_len) != 0)
    return reed__sasl_fail(s, REED_EAUTH, "SCRAM channel binding data differs");
  v = attr(c, 'r');
  if (v == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM nonce missing");
  if (strcmp(v, st->nonce) != 0)
    return reed__sasl_fail(s, REED_EAUTH, "SCRAM nonce differs");
  return 0;
}

/* Verifies the proof over AuthMessage and writes the server signature. */
static int
verify_proof(reed_sasl_t *s, const char *without_proof, const uint8_t *proof,
             reed_buf_t **out)
{
  reed__scram_state_t *st = &s->scram;
  size_t hl = reed__auth_hlen(st->hash);
  uint8_t sig[REED_SCRAM_KEY_MAX], key[REED_SCRAM_KEY_MAX];
  uint8_t stored[REED_SCRAM_KEY_MAX];
  reed_buf_t *msg = reed_buf_new(256);
  char *v = NULL;
  int ok;

  if (msg == NULL || reed_buf_printf(&msg, "%s,%s,%s", st->first_bare,
                                     st->server_first, without_proof) != 0) {
    reed_buf_unref(msg);
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  }
  reed__auth_hmac(st->hash, st->keys.stored_key, hl, msg->data, msg->len, sig);
  for (size_t i = 0; i < hl; i++)
    key[i] = proof[i] ^ sig[i];
  reed__auth_digest(st->hash, key, hl, stored);
  ok = reed__auth_ct_eq(stored, st->keys.stored_key, hl) == 0 && st->known;
  reed__auth_hmac(st->hash, st->keys.server_key, hl, msg->data, msg->len, sig);
  reed_buf_unref(msg);
  OPENSSL_cleanse(key, sizeof(key));
  if (!ok)
    return reed__sasl_fail(s, REED_EAUTH, "SCRAM proof is wrong");
  v = reed__auth_b64(sig, hl);
  if (v == NULL || (*out = reed_buf_new(hl * 2 + 4)) == NULL ||
      reed_buf_printf(out, "v=%s", v) != 0) {
    reed_free(v);
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  }
  reed_free(v);
  return 0;
}

/* Finds the last ",p=" and decodes the proof; cuts the message there. */
static int
take_proof(reed_sasl_t *s, cursor_t *c, uint8_t *proof)
{
  size_t hl = reed__auth_hlen(s->scram.hash), plen = 0;
  uint8_t tmp[REED_SCRAM_KEY_MAX + 3];
  char *p = strstr(c->buf, ",p=");

  while (p != NULL && strstr(p + 1, ",p=") != NULL)
    p = strstr(p + 1, ",p=");
  if (p == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM proof missing");
  if (reed__auth_unb64(p + 3, strlen(p + 3), tmp, sizeof(tmp), &plen) != 0 ||
      plen != hl)
    return reed__sasl_fail(s, REED_ESYNTAX, "SCRAM proof is malformed");
  memcpy(proof, tmp, hl);
  *p = '\0';
  return 0;
}

static int
client_final(reed_sasl_t *s, const uint8_t *in, size_t len, reed_buf_t **out)
{
  uint8_t proof[REED_SCRAM_KEY_MAX];
  cursor_t c = {0};
  char *without = NULL;
  int rc;

  if ((rc = cursor_init(s, &c, in, len)) != 0)
    return rc;
  rc = take_proof(s, &c, proof);
  if (rc == 0 && (without = reed_strdup(c.buf)) == NULL)
    rc = reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  if (rc == 0)
    rc = check_final_attrs(s, &c);
  if (rc == 0)
    rc = verify_proof(s, without, proof, out);
  if (rc != 0 && *out != NULL) {
    reed_buf_unref(*out);
    *out = NULL;
  }
  reed_free(without);
  reed_free(c.buf);
  if (rc != 0)
    return rc;
  s->state = REED__SASL_DONE;
  return REED_SASL_SUCCESS;
}

int
reed__sasl_scram_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                      reed_buf_t **out)
{
  if (len == 0)
    return reed__sasl_fail(s, REED_ESYNTAX, "empty SCRAM message");
  if (s->state == REED__SASL_START)
    return client_first(s, in, len, out);
  return client_final(s, in, len, out);
}

void
reed__sasl_scram_cleanup(reed_sasl_t *s)
{
  reed__scram_state_t *st = &s->scram;

  reed_free(st->gs2);
  reed_free(st->first_bare);
  reed_free(st->server_first);
  reed_free(st->nonce);
  st->gs2 = st->first_bare = st->server_first = st->nonce = NULL;
  OPENSSL_cleanse(&st->keys, sizeof(st->keys));
}
