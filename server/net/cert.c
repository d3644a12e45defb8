/* The self-signed certificate generated on first run: an EC P-256 key
 * (mode 0600) and a certificate for CN=<server name> valid ten years, each
 * written to a temporary file and renamed into place. */
#include "net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEN_YEARS_DAYS 3653

static int
set_serial(X509 *x)
{
  unsigned char raw[16];
  BIGNUM *bn;
  int ok;

  if (RAND_bytes(raw, sizeof(raw)) != 1)
    return 0;
  raw[0] &= 0x7f; /* positive */
  bn = BN_bin2bn(raw, sizeof(raw), NULL);
  ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
  BN_free(bn);
  return ok;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  int ok;

  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (ext == NULL)
    return 0;
  ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return ok;
}

static X509 *
make_cert(EVP_PKEY *key, const char *cn)
{
  X509 *x = X509_new();
  X509_NAME *name;
  char san[300];

  if (x == NULL)
    return NULL;
  name = X509_get_subject_name(x);
  snprintf(san, sizeof(san), "DNS:%s", cn);
  if (X509_set_version(x, 2) != 1 || !set_serial(x) ||
      X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
      X509_time_adj_ex(X509_getm_notAfter(x), TEN_YEARS_DAYS, 0, NULL) ==
          NULL ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 (const unsigned char *)cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(x, name) != 1 || X509_set_pubkey(x, key) != 1 ||
      !add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(x, NID_subject_alt_name, san) ||
      X509_sign(x, key, EVP_sha256()) == 0) {
    X509_free(x);
    return NULL;
  }
  return x;
}

/* Writes through a temporary file created with `mode`, then renames. */
static int
write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *x)
{
  char tmp[4200];
  int fd, ok;
  FILE *f;

  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  unlink(tmp);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0)
    return REED_EIO;
  fchmod(fd, mode);
  if ((f = fdopen(fd, "w")) == NULL) {
    close(fd);
    unlink(tmp);
    return REED_EIO;
  }
  ok = key != NULL ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
                   : PEM_write_X509(f, x);
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return REED_EIO;
  }
  return 0;
}

static int
generate(const char *cert, const char *key, const char *cn)
{
  EVP_PKEY *pkey = EVP_EC_gen("P-256");
  X509 *x = pkey != NULL ? make_cert(pkey, cn) : NULL;
  int rc = REED_ETLS;

  if (x != NULL) {
    rc = write_pem(key, 0600, pkey, NULL);
    if (rc == 0)
      rc = write_pem(cert, 0644, NULL, x);
  }
  X509_free(x);
  EVP_PKEY_free(pkey);
  ERR_clear_error();
  return rc;
}

int
reed_net_selfsigned(const char *dir, const char *cn, char *cert_out,
                    char *key_out, size_t size)
{
  if (dir == NULL || cn == NULL || *cn == '\0' || strlen(cn) > 255)
    return REED_EINVAL;
  if ((size_t)snprintf(cert_out, size, "%s/cert.pem", dir) >= size ||
      (size_t)snprintf(key_out, size, "%s/key.pem", dir) >= size)
    return REED_EINVAL;
  if (access(cert_out, R_OK) == 0 && access(key_out, R_OK) == 0)
    return 0;
  return generate(cert_out, key_out, cn);
}

/* ---- --check-config ------------------------------------------------------
 */
static int
fail(char *msg, size_t size, const char *what, const char *path)
{
  unsigned long e = ERR_peek_error();
  char reason[256] = "";

  if (e != 0)
    ERR_error_string_n(e, reason, sizeof(reason));
  ERR_clear_error();
  snprintf(msg, size, "%s %s%s%s", what, path, reason[0] ? ": " : "", reason);
  return REED_ETLS;
}

int
reed_net_check_cert(const char *cert, const char *key, int *days_left,
                    char *msg, size_t size)
{
  FILE *f;
  X509 *x = NULL;
  EVP_PKEY *pk = NULL;
  int rc = 0, days = 0, secs = 0;

  if ((f = fopen(cert, "r")) == NULL) {
    snprintf(msg, size, "cannot read certificate %s: %s", cert,
             strerror(errno));
    return REED_EIO;
  }
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (x == NULL)
    return fail(msg, size, "no PEM certificate in", cert);
  if ((f = fopen(key, "r")) == NULL) {
    snprintf(msg, size, "cannot read private key %s: %s", key, strerror(errno));
    X509_free(x);
    return REED_EIO;
  }
  pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (pk == NULL)
    rc = fail(msg, size, "no PEM private key in", key);
  else if (X509_check_private_key(x, pk) != 1)
    rc = fail(msg, size, "the private key does not match certificate", cert);
  else if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)))
    rc = fail(msg, size, "cannot read the expiry date of", cert);
  else
    *days_left = days == 0 && secs < 0 ? -1 : days;
  X509_free(x);
  EVP_PKEY_free(pk);
  return rc;
}
