/* Renewal information (RFC 9773): the certificate identifier (the RFC's
 * own example), RFC 3339 times, the pick inside a window. */
#include "acme_int.h"
#include "harness.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <unistd.h>

TEST(ari_cert_id_rfc_example)
{
  /* Section 4.1: keyIdentifier 69:88:5B:...:D4 and serial 00:87:65:43:21
   * make aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE */
  static const uint8_t keyid[] = {0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40,
                                  0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0,
                                  0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4};
  char path[] = "/tmp/reed-ari-XXXXXX";
  int fd = mkstemp(path);
  X509 *x = X509_new();
  AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
  EVP_PKEY *key = EVP_EC_gen("P-256");
  BIGNUM *bn = NULL;
  FILE *f;
  char *id;

  ASSERT(fd >= 0 && x != NULL && akid != NULL);
  ASSERT(BN_hex2bn(&bn, "87654321") > 0);
  ASSERT(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL);
  akid->keyid = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(akid->keyid, keyid, sizeof(keyid));
  ASSERT(X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0, 0) == 1);
  X509_set_version(x, 2);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 300);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                             (const uint8_t *)"a.example", -1, -1, 0);
  X509_set_issuer_name(x, X509_get_subject_name(x));
  ASSERT(X509_set_pubkey(x, key) == 1);
  ASSERT(X509_sign(x, key, EVP_sha256()) > 0);
  f = fdopen(fd, "w");
  ASSERT(PEM_write_X509(f, x) == 1);
  fclose(f);
  id = reed__acme_cert_id(path);
  ASSERT_STR_EQ(id, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  reed_free(id);
  unlink(path);
  AUTHORITY_KEYID_free(akid);
  BN_free(bn);
  X509_free(x);
  EVP_PKEY_free(key);
}

TEST(ari_rfc3339)
{
  static const struct {
    const char *in;
    int64_t want;
  } cases[] = {
      {"2025-01-02T03:04:05Z", 1735787045},
      {"2025-01-02T03:04:05.123456Z", 1735787045},
      {"2025-01-02T03:04:05+00:00", 1735787045},
      {"2025-01-02T03:04:05", -1},
      {"2025-01-02T03:04:05-05:00", -1},
      {"2025-01-02 03:04:05Z", -1},
      {"", -1},
      {NULL, -1},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ASSERT_EQ(reed__acme_rfc3339(cases[i].in), cases[i].want);
}

TEST(ari_pick_inside_window)
{
  ASSERT_EQ(reed__acme_ari_pick(100, 200, 0), 100);
  ASSERT_EQ(reed__acme_ari_pick(100, 200, 100), 200);
  ASSERT_EQ(reed__acme_ari_pick(100, 200, 101), 100);
  ASSERT_EQ(reed__acme_ari_pick(100, 200, 4294967295u),
            100 + 4294967295u % 101);
  ASSERT_EQ(reed__acme_ari_pick(300, 200, 7), 300);
}
