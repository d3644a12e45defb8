/* The client's files: the account key made once with mode 0600 and never
 * overwritten, the CSR for the names (checked by OpenSSL), and what a
 * stored certificate covers and when it is valid. */
#include "acme_int.h"
#include "harness.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static const char *
tmp_path(const char *name)
{
  static char path[2][128];
  static int k;

  if (dir[0] == '\0') {
    snprintf(dir, sizeof(dir), "/tmp/reed-acme-test-XXXXXX");
    ASSERT(mkdtemp(dir) != NULL);
  }
  k ^= 1;
  snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
  return path[k];
}

static void
clean(const char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    unlink(tmp_path(names[i]));
  rmdir(dir);
}

TEST(account_key_made_once_0600)
{
  EVP_PKEY *k1 = NULL, *k2 = NULL;
  bool created = false;
  struct stat st;
  const char *path = tmp_path("acct.pem");

  ASSERT_EQ(reed__acme_account_key(path, &k1, &created), 0);
  ASSERT(created);
  ASSERT_EQ(stat(path, &st), 0);
  ASSERT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(reed__acme_account_key(path, &k2, &created), 0);
  ASSERT(!created);
  ASSERT_EQ(EVP_PKEY_eq(k1, k2), 1);
  EVP_PKEY_free(k1);
  EVP_PKEY_free(k2);
  clean((const char *const[]){"acct.pem"}, 1);
}

TEST(account_key_not_overwritten)
{
  const char *path = tmp_path("acct.pem");
  EVP_PKEY *k = NULL;
  bool created = false;
  char buf[32] = "";
  FILE *f = fopen(path, "w");

  ASSERT(f != NULL);
  fputs("not a key\n", f);
  fclose(f);
  ASSERT_EQ(reed__acme_account_key(path, &k, &created), REED_ETLS);
  ASSERT(k == NULL);
  f = fopen(path, "r");
  ASSERT(fgets(buf, sizeof(buf), f) != NULL);
  fclose(f);
  ASSERT_STR_EQ(buf, "not a key\n");
  clean((const char *const[]){"acct.pem"}, 1);
}

static size_t
unb64(const char *s, uint8_t *out)
{
  /* base64url to standard base64 with padding, then OpenSSL decodes. */
  char std[4096];
  size_t n = strlen(s), i;
  int len;

  for (i = 0; i < n; i++)
    std[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
  while (i % 4 != 0)
    std[i++] = '=';
  std[i] = '\0';
  len = EVP_DecodeBlock(out, (const uint8_t *)std, (int)i);
  ASSERT(len > 0);
  return (size_t)len - (n % 4 == 2 ? 2 : n % 4 == 3 ? 1 : 0);
}

TEST(csr_names_and_signature)
{
  char *names[] = {"a.example", "b.example"};
  EVP_PKEY *k = EVP_EC_gen("P-256");
  char *csr = reed__acme_csr(k, names, 2);
  uint8_t der[4096];
  const uint8_t *p = der;
  size_t len;
  X509_REQ *req;
  STACK_OF(X509_EXTENSION) * exts;
  GENERAL_NAMES *san;

  ASSERT(csr != NULL);
  ASSERT(strchr(csr, '=') == NULL && strchr(csr, '+') == NULL);
  len = unb64(csr, der);
  req = d2i_X509_REQ(NULL, &p, (long)len);
  ASSERT(req != NULL);
  ASSERT_EQ(X509_REQ_verify(req, k), 1);
  exts = X509_REQ_get_extensions(req);
  san = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
  ASSERT(san != NULL);
  ASSERT_EQ(sk_GENERAL_NAME_num(san), 2);
  for (int i = 0; i < 2; i++) {
    GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
    ASSERT_EQ(g->type, GEN_DNS);
    ASSERT_STR_EQ((const char *)ASN1_STRING_get0_data(g->d.dNSName), names[i]);
  }
  GENERAL_NAMES_free(san);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  X509_REQ_free(req);
  reed_free(csr);
  EVP_PKEY_free(k);
}

/* A certificate for `san` valid from nb to na (Unix seconds), signed by
 * its own key, written with the key. */
static void
write_cert(const char *cert, const char *keyp, const char *san, int64_t nb,
           int64_t na)
{
  EVP_PKEY *k = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  X509V3_CTX ctx;
  X509_EXTENSION *e;
  FILE *f;

  ASSERT(k != NULL && x != NULL);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
  ASSERT(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) != NULL);
  ASSERT(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) != NULL);
  X509_set_pubkey(x, k);
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
  e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
  ASSERT(e != NULL);
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
  ASSERT(X509_sign(x, k, EVP_sha256()) > 0);
  ASSERT_EQ(reed__acme_write_key(keyp, k), 0);
  f = fopen(cert, "w");
  PEM_write_X509(f, x);
  fclose(f);
  X509_free(x);
  EVP_PKEY_free(k);
}

TEST(cert_info_covers_and_dates)
{
  const char *cert = tmp_path("c.pem");
  const char *keyp = tmp_path("k.pem");
  char *both[] = {"a.example", "B.Example"}, *other[] = {"c.example"};
  reed_acme_certinfo_t ci;
  EVP_PKEY *k2;

  ASSERT_EQ(reed__acme_cert_info(cert, keyp, both, 2, &ci), REED_ENOTFOUND);
  write_cert(cert, keyp, "DNS:a.example,DNS:b.example", 1700000000, 1700000300);
  ASSERT_EQ(reed__acme_cert_info(cert, keyp, both, 2, &ci), 0);
  ASSERT(ci.covers);
  ASSERT_EQ(ci.not_before, 1700000000);
  ASSERT_EQ(ci.not_after, 1700000300);
  ASSERT_STR_EQ(ci.serial, "1234");
  ASSERT_EQ(reed__acme_cert_info(cert, keyp, other, 1, &ci), 0);
  ASSERT(!ci.covers);
  /* A key that is not the certificate's: unusable. */
  k2 = EVP_EC_gen("P-256");
  ASSERT_EQ(reed__acme_write_key(keyp, k2), 0);
  EVP_PKEY_free(k2);
  ASSERT_EQ(reed__acme_cert_info(cert, keyp, both, 2, &ci), REED_ETLS);
  clean((const char *const[]){"c.pem", "k.pem"}, 2);
}
