/* Fuzzes the JOURNAL_STREAM parser. Invariants: an accepted value is
 * exactly "DEV:INO" in decimal, so printing the two numbers back gives the
 * input again (no sign, space, leading junk or overflow is taken). */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *in = malloc(size + 1);
  unsigned long long dev, ino;
  char back[64];

  if (in == NULL)
    return 0;
  memcpy(in, data, size);
  in[size] = '\0';
  if (reed_log_parse_journal_stream(in, &dev, &ino)) {
    snprintf(back, sizeof(back), "%llu:%llu", dev, ino);
    /* Leading zeros are the one spelling that does not round-trip. */
    if (in[0] != '0' && strchr(in, ':')[1] != '0' && strcmp(back, in) != 0)
      abort();
  }
  free(in);
  return 0;
}
