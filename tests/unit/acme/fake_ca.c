/* The test CA of fake_ca.h (OpenSSL): a new CA key and certificate per
 * call, and a leaf for the CSR's key and names. */
#include "fake_ca.h"
#include "harness.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

static X509_REQ *
parse_csr(const char *b64)
{
  char std[8192];
  uint8_t der[8192];
  const uint8_t *p = der;
  size_t n = strlen(b64), i;
  int len;

  for (i = 0; i < n; i++)
    std[i] = b64[i] == '-' ? '+' : b64[i] == '_' ? '/' : b64[i];
  while (i % 4 != 0)
    std[i++] = '=';
  std[i] = '\0';
  len = EVP_DecodeBlock(der, (const uint8_t *)std, (int)i);
  len -= n % 4 == 2 ? 2 : n % 4 == 3 ? 1 : 0;
  return d2i_X509_REQ(NULL, &p, len);
}

static X509 *
cert(EVP_PKEY *pub, X509_NAME *subject, X509_NAME *issuer, int64_t nb,
     int64_t na, long serial)
{
  X509 *x = X509_new();

  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb);
  ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na);
  X509_set_subject_name(x, subject);
  X509_set_issuer_name(x, issuer);
  X509_set_pubkey(x, pub);
  return x;
}

/* The CA's subjectKeyIdentifier, and the leaf's authorityKeyIdentifier
 * naming it (what an ARI certificate identifier is made of). */
static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *e;

  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  ASSERT(e != NULL);
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

static void
append_pem(BIO *b, X509 *x)
{
  ASSERT(PEM_write_bio_X509(b, x) == 1);
}

char *
fca_issue(const char *csr_b64, int64_t nb, int64_t na)
{
  static long serial = 0x1000;
  X509_REQ *req = parse_csr(csr_b64);
  EVP_PKEY *ca_key = EVP_EC_gen("P-256");
  X509_NAME *ca_name = X509_NAME_new();
  X509 *ca, *leaf;
  STACK_OF(X509_EXTENSION) * exts;
  BIO *b = BIO_new(BIO_s_mem());
  char *p, *out;
  long len;

  ASSERT(req != NULL && ca_key != NULL);
  X509_NAME_add_entry_by_txt(ca_name, "CN", MBSTRING_UTF8,
                             (const uint8_t *)"Fake CA", -1, -1, 0);
  ca = cert(ca_key, ca_name, ca_name, nb, na, 1);
  add_ext(ca, ca, NID_subject_key_identifier, "hash");
  ASSERT(X509_sign(ca, ca_key, EVP_sha256()) > 0);
  leaf = cert(X509_REQ_get0_pubkey(req), X509_REQ_get_subject_name(req),
              ca_name, nb, na, ++serial);
  exts = X509_REQ_get_extensions(req);
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++)
    X509_add_ext(leaf, sk_X509_EXTENSION_value(exts, i), -1);
  add_ext(leaf, ca, NID_authority_key_identifier, "keyid:always");
  ASSERT(X509_sign(leaf, ca_key, EVP_sha256()) > 0);
  append_pem(b, leaf);
  append_pem(b, ca);
  len = BIO_get_mem_data(b, &p);
  out = malloc((size_t)len + 1);
  memcpy(out, p, (size_t)len);
  out[len] = '\0';
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  BIO_free(b);
  X509_free(leaf);
  X509_free(ca);
  X509_NAME_free(ca_name);
  EVP_PKEY_free(ca_key);
  X509_REQ_free(req);
  return out;
}
