/* Fuzzes the certificate-fingerprint normalizer of the store: any input
 * either fails with REED_EINVAL or yields 64 lowercase hex digits that
 * carry the input's hex digits in order and normalize to themselves. */
#include "base.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

static int
hexlower(int c)
{
  return (c >= 'A' && c <= 'F') ? c + 32 : c;
}

static void
check_ok(const char *in, const char *out)
{
  char again[REED_FPR_HEX_LEN + 1];
  size_t o = 0;

  if (strlen(out) != REED_FPR_HEX_LEN)
    abort();
  for (const char *p = in; *p != '\0'; p++) {
    if (*p == ':')
      continue;
    if (o >= REED_FPR_HEX_LEN || out[o++] != hexlower(*p))
      abort();
  }
  if (o != REED_FPR_HEX_LEN)
    abort();
  if (reed_store_fpr_normalize(out, again) != 0 || strcmp(out, again) != 0)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *in = malloc(size + 1);
  char out[REED_FPR_HEX_LEN + 1];
  int rc;

  if (in == NULL)
    return 0;
  memcpy(in, data, size);
  in[size] = '\0';
  rc = reed_store_fpr_normalize(in, out);
  if (rc == 0)
    check_ok(in, out);
  else if (rc != REED_EINVAL)
    abort();
  free(in);
  return 0;
}
