/* bench: the shared IRC line reader and payload parser under libFuzzer.
 * Invariants: every view lies inside the input, and a parsed line always
 * has a non-empty command with no space in it. */
#include "base.h"
#include "bline.h"

#include <stdlib.h>
#include <string.h>

static void
check_view(bench_view_t v, const uint8_t *data, size_t size)
{
  if (v.len == 0)
    return;
  if ((const uint8_t *)v.p < data || (const uint8_t *)v.p + v.len > data + size)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  bench_payload_t pl;
  bench_line_t m;
  int i;

  if (bench_line_parse((const char *)data, size, &m) < 0)
    return 0;
  if (m.command.len == 0 || memchr(m.command.p, ' ', m.command.len))
    abort();
  check_view(m.command, data, size);
  check_view(m.source, data, size);
  check_view(m.nick, data, size);
  if (m.nick.len > m.source.len || m.nparams > BENCH_LINE_MAXPARAMS)
    abort();
  for (i = 0; i < m.nparams; i++)
    check_view(m.params[i], data, size);
  if (m.nparams > 1)
    bench_payload_parse(m.params[1], &pl);
  return 0;
}
