/* Fuzzes the SCRAM server: the first byte's bits pick SHA-256 (1) or
 * SHA-1, the -PLUS variant (2), whether -PLUS was offered (4), and which
 * binding data the session has: tls-exporter (8), tls-server-end-point
 * (16); the rest is client-first, then (after the first LF) client-final.
 * The account "user" has the password "pencil"; the server nonce and the
 * binding data are fixed so the fuzzer can reach the proof check.
 * Invariants: a challenge only after client-first, success only with a
 * proof made from the password (the seed corpus has some), -PLUS success
 * only with "p=" and other success never with it, no success after 'y'
 * once -PLUS was offered, every failure has a reason, nothing leaks. */
#include "auth.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static reed_auth_scram_t keys[2];

static int
scram_keys(void *ud, const char *name, reed_scram_hash_t h,
           reed_auth_scram_t *k, char account[REED_AUTH_NAME_MAX + 1])
{
  (void)ud;
  if (strcasecmp(name, "user") != 0)
    return REED_ENOACCOUNT;
  *k = keys[h];
  strcpy(account, "user");
  return 0;
}

static void
nonce(void *ud, char *buf, size_t size)
{
  (void)ud;
  strncpy(buf, "SERVERNONCE", size - 1);
  buf[size - 1] = '\0';
}

static void
random_bytes(void *ud, uint8_t *buf, size_t n)
{
  (void)ud;
  memset(buf, 0x5c, n);
}

/* Binding data: 32 bytes of 0xe1 (exporter), 32 of 0xe2 (end-point). */
static int
session_cb(void *ud, const char *type, uint8_t *out, size_t *len)
{
  unsigned have = *(const unsigned *)ud;
  bool exp = strcmp(type, "tls-exporter") == 0;

  if (*len < 32 || !(have & (exp ? 8u : 16u)) ||
      (!exp && strcmp(type, "tls-server-end-point") != 0))
    return REED_EINVAL;
  memset(out, exp ? 0xe1 : 0xe2, 32);
  *len = 32;
  return 0;
}

static void
setup(void)
{
  static const uint8_t salt[16] = "saltsaltsaltsalt";
  static int done;

  if (done++)
    return;
  if (reed_auth_scram_derive(REED_SCRAM_SHA1, "pencil", 6, salt, 16, 4096,
                             &keys[0]) != 0 ||
      reed_auth_scram_derive(REED_SCRAM_SHA256, "pencil", 6, salt, 16, 4096,
                             &keys[1]) != 0)
    abort();
}

static void
expect_failure(reed_sasl_t *s, int rc, reed_buf_t *out)
{
  if (rc >= 0 || out != NULL || reed_sasl_error(s) == NULL ||
      reed_sasl_account(s) != NULL)
    abort();
}

/* What a success may follow: "p=" with -PLUS only, never 'y' once -PLUS
 * was offered. */
static void
check_success_flag(unsigned flags, const uint8_t *data, size_t n1)
{
  bool p = n1 >= 2 && data[0] == 'p' && data[1] == '=';

  if (p != ((flags & 2) != 0))
    abort();
  if (n1 >= 1 && data[0] == 'y' && (flags & 4))
    abort();
}

static void
run(reed_sasl_t *s, unsigned flags, const uint8_t *data, size_t size)
{
  const uint8_t *lf = memchr(data, '\n', size);
  size_t n1 = lf ? (size_t)(lf - data) : size;
  reed_buf_t *out = NULL;
  int rc = reed_sasl_step(s, data, n1, &out);

  if (rc != REED_SASL_CONTINUE) {
    expect_failure(s, rc, out);
    return;
  }
  if (out == NULL || out->len < 2 || memcmp(out->data, "r=", 2) != 0)
    abort();
  reed_buf_unref(out);
  out = NULL;
  if (lf == NULL)
    return;
  rc = reed_sasl_step(s, lf + 1, size - n1 - 1, &out);
  if (rc == REED_SASL_SUCCESS) {
    if (out == NULL || memcmp(out->data, "v=", 2) != 0 ||
        strcmp(reed_sasl_account(s), "user") != 0)
      abort();
    check_success_flag(flags, data, n1);
    reed_buf_unref(out);
    return;
  }
  expect_failure(s, rc, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const uint8_t secret[32] = {1};
  reed_sasl_source_t src = {.scram_keys = scram_keys,
                            .random = random_bytes,
                            .nonce = nonce,
                            .secret = secret};
  static const reed_sasl_mech_t mechs[4] = {
      REED_MECH_SCRAM_SHA_1, REED_MECH_SCRAM_SHA_256,
      REED_MECH_SCRAM_SHA_1_PLUS, REED_MECH_SCRAM_SHA_256_PLUS};
  unsigned flags;
  reed_sasl_cbind_t cb = {session_cb, &flags, false};
  long live;
  reed_sasl_t *s;

  if (size == 0)
    return 0;
  setup();
  flags = data[0];
  cb.plus_offered = (flags & 4) != 0;
  live = reed_alloc_live();
  if (reed_sasl_new_cb(mechs[flags & 3], &src, NULL, &cb, &s) != 0)
    abort();
  run(s, flags, data + 1, size - 1);
  reed_sasl_free(s);
  if (reed_alloc_live() != live)
    abort();
  return 0;
}
