/* Fuzzes SASL PLAIN's message parser: any input either fails with a code
 * and a reason, or hands over a non-empty authcid and password whose bytes
 * are the input's, with no NUL inside. Nothing leaks. */
#include "auth.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

static void
check_password(reed_sasl_t *s, const uint8_t *data, size_t size)
{
  size_t len = 0;
  const char *pw = reed_sasl_password(s, &len);
  const char *cid = reed_sasl_authcid(s);

  if (pw == NULL || cid == NULL || len == 0 || *cid == '\0')
    abort();
  if (len > size || memcmp(pw, data + size - len, len) != 0)
    abort();
  if (memchr(pw, '\0', len) != NULL || reed_sasl_account(s) != NULL)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  long live = reed_alloc_live();
  reed_sasl_t *s;
  reed_buf_t *out = NULL;
  int rc;

  if (reed_sasl_new(REED_MECH_PLAIN, NULL, NULL, &s) != 0)
    abort();
  rc = reed_sasl_step(s, data, size, &out);
  if (out != NULL)
    abort();
  if (rc == REED_SASL_PASSWORD)
    check_password(s, data, size);
  else if (rc >= 0 || reed_sasl_error(s) == NULL)
    abort();
  if (reed_sasl_step(s, data, size, &out) != REED_EAUTHSTATE)
    abort();
  reed_sasl_free(s);
  if (reed_alloc_live() != live)
    abort();
  return 0;
}
