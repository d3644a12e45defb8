/* The ACME client's files in the data directory: keys (EC P-256, PEM,
 * mode 0600) made when missing, the certificate chain, each written
 * through a temporary file and renamed into place; the CSR for an order;
 * and what a stored certificate covers and when it is valid. */
#include "acme_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
reed__acme_write_file(const char *path, const void *data, size_t len,
                      mode_t mode)
{
  char tmp[4200];
  int fd;
  ssize_t n = 0;

  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
    return REED_EINVAL;
  unlink(tmp);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return REED_EIO;
  fchmod(fd, mode);
  for (size_t off = 0; off < len; off += (size_t)n)
    if ((n = write(fd, (const char *)data + off, len - off)) <= 0)
      break;
  if (n < 0 || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
    unlink(tmp);
    return REED_EIO;
  }
  return 0;
}

int
reed__acme_write_key(const char *path, EVP_PKEY *key)
{
  BIO *b = BIO_new(BIO_s_mem());
  char *p = NULL;
  long len;
  int rc = REED_ETLS;

  if (b != NULL &&
      PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1 &&
      (len = BIO_get_mem_data(b, &p)) > 0)
    rc = reed__acme_write_file(path, p, (size_t)len, 0600);
  BIO_free(b);
  ERR_clear_error();
  return rc;
}

EVP_PKEY *
reed__acme_load_key(const char *path)
{
  FILE *f = fopen(path, "r");
  EVP_PKEY *k;

  if (f == NULL)
    return NULL;
  k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  ERR_clear_error();
  return k;
}

int
reed__acme_account_key(const char *path, EVP_PKEY **out, bool *created)
{
  EVP_PKEY *k = reed__acme_load_key(path);
  int rc;

  *created = false;
  if (k == NULL && access(path, F_OK) == 0)
    return REED_ETLS; /* there, but not a key: never overwrite it */
  if (k == NULL) {
    if ((k = EVP_EC_gen("P-256")) == NULL)
      return REED_ETLS;
    if ((rc = reed__acme_write_key(path, k)) != 0) {
      EVP_PKEY_free(k);
      return rc;
    }
    *created = true;
  }
  if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC || EVP_PKEY_get_bits(k) != 256) {
    EVP_PKEY_free(k);
    return REED_ETLS;
  }
  *out = k;
  return 0;
}

static int
add_san(X509_REQ *req, char *const *names, size_t n)
{
  STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
  GENERAL_NAMES *gens = GENERAL_NAMES_new();
  int ok = exts != NULL && gens != NULL;

  for (size_t i = 0; ok && i < n; i++) {
    GENERAL_NAME *g = GENERAL_NAME_new();
    ASN1_IA5STRING *s = ASN1_IA5STRING_new();
    ok = g != NULL && s != NULL && ASN1_STRING_set(s, names[i], -1) == 1;
    if (ok) {
      GENERAL_NAME_set0_value(g, GEN_DNS, s);
      s = NULL;
      ok = sk_GENERAL_NAME_push(gens, g) > 0;
    }
    if (!ok) {
      GENERAL_NAME_free(g);
      ASN1_IA5STRING_free(s);
    }
  }
  if (ok) {
    X509_EXTENSION *e = X509V3_EXT_i2d(NID_subject_alt_name, 0, gens);
    ok = e != NULL && sk_X509_EXTENSION_push(exts, e) > 0;
    if (!ok)
      X509_EXTENSION_free(e);
  }
  ok = ok && X509_REQ_add_extensions(req, exts) == 1;
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  GENERAL_NAMES_free(gens);
  return ok;
}

char *
reed__acme_csr(EVP_PKEY *key, char *const *names, size_t n)
{
  X509_REQ *req = X509_REQ_new();
  uint8_t *der = NULL;
  int len = -1;
  char *out = NULL;

  if (req != NULL && n > 0 && X509_REQ_set_version(req, 0) == 1 &&
      X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
                                 MBSTRING_UTF8, (const uint8_t *)names[0], -1,
                                 -1, 0) == 1 &&
      X509_REQ_set_pubkey(req, key) == 1 && add_san(req, names, n) &&
      X509_REQ_sign(req, key, EVP_sha256()) > 0)
    len = i2d_X509_REQ(req, &der);
  if (len > 0)
    out = reed__acme_b64url(der, (size_t)len);
  OPENSSL_free(der);
  X509_REQ_free(req);
  ERR_clear_error();
  return out;
}

static int64_t
unix_time(const ASN1_TIME *t)
{
  struct tm tm;

  if (ASN1_TIME_to_tm(t, &tm) != 1)
    return -1;
  return (int64_t)timegm(&tm);
}

/* Whether the certificate's subjectAltName lists every name (ASCII case
 * folded, as DNS names compare). */
static bool
covers(X509 *x, char *const *names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (X509_check_host(x, names[i], 0, X509_CHECK_FLAG_NO_WILDCARDS, NULL) !=
        1)
      return false;
  return true;
}

int
reed__acme_cert_info(const char *cert, const char *key, char *const *names,
                     size_t n, reed_acme_certinfo_t *info)
{
  FILE *f = fopen(cert, "r");
  X509 *x = NULL;
  EVP_PKEY *k = NULL;
  int rc = REED_ENOTFOUND;

  if (f == NULL)
    return REED_ENOTFOUND;
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  k = x != NULL ? reed__acme_load_key(key) : NULL;
  if (x != NULL && k != NULL && X509_check_private_key(x, k) == 1) {
    ASN1_INTEGER *sn = X509_get_serialNumber(x);
    BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    info->not_before = unix_time(X509_get0_notBefore(x));
    info->not_after = unix_time(X509_get0_notAfter(x));
    reed_strlcpy(info->serial, hex != NULL ? hex : "?", sizeof(info->serial));
    info->covers = covers(x, names, n);
    OPENSSL_free(hex);
    BN_free(bn);
    rc = info->not_before < 0 || info->not_after < 0 ? REED_ETLS : 0;
  } else if (x != NULL) {
    rc = REED_ETLS;
  }
  X509_free(x);
  EVP_PKEY_free(k);
  ERR_clear_error();
  return rc;
}
