/* Fuzzes SASL EXTERNAL: the first byte picks the session's certificate
 * (none, registered, unregistered), the rest is the client's authzid.
 * Success only with the registered certificate and an authzid that is
 * empty or names its account; never an account from the client's bytes. */
#include "auth.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FP_REG                                                                 \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FP_UNREG                                                               \
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static int
cert_account(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  (void)ud;
  if (strcmp(fp, FP_REG) != 0)
    return REED_ENOACCOUNT;
  strcpy(account, "Alice");
  return 0;
}

static void
check(int which, reed_sasl_t *s, int rc, const uint8_t *in, size_t len)
{
  bool ok_authzid =
      len == 0 || (len == 5 && strncasecmp((const char *)in, "alice", 5) == 0);

  if (rc == REED_SASL_SUCCESS) {
    if (which != 1 || !ok_authzid || strcmp(reed_sasl_account(s), "Alice") != 0)
      abort();
  } else if (rc >= 0 || reed_sasl_error(s) == NULL ||
             reed_sasl_account(s) != NULL) {
    abort();
  } else if (which == 1 && ok_authzid) {
    abort();
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const fps[] = {"", FP_REG, FP_UNREG};
  reed_sasl_source_t src = {.cert_account = cert_account};
  long live = reed_alloc_live();
  reed_sasl_t *s;
  reed_buf_t *out = NULL;
  int which, rc;

  if (size == 0)
    return 0;
  which = data[0] % 3;
  if (reed_sasl_new(REED_MECH_EXTERNAL, &src, fps[which], &s) != 0)
    abort();
  rc = reed_sasl_step(s, data + 1, size - 1, &out);
  if (out != NULL)
    abort();
  check(which, s, rc, data + 1, size - 1);
  reed_sasl_free(s);
  if (reed_alloc_live() != live)
    abort();
  return 0;
}
