/* bench: the load generator's AMP box parser and ListOf walker under
 * libFuzzer. Invariants: a parsed box lies inside the input, its pairs are
 * within limits, and a ListOf walk ends without leaving its value. */
#include "bamp.h"
#include "base.h"

#include <stdlib.h>

static void
inside(bench_view_t v, const uint8_t *data, size_t size)
{
  if (v.len && ((const uint8_t *)v.p < data ||
                (const uint8_t *)v.p + v.len > data + size))
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  bench_amp_box_t box;
  bench_view_t list, e;
  size_t off = 0;
  ssize_t r;
  int i, n;

  while ((r = bench_amp_parse(data + off, size - off, &box)) > 0) {
    if ((size_t)r > size - off || box.n < 1 || box.n > BENCH_AMP_MAXPAIRS)
      abort();
    for (i = 0; i < box.n; i++) {
      inside(box.key[i], data, size);
      inside(box.val[i], data, size);
      if (box.key[i].len == 0 || box.key[i].len > 255)
        abort();
      list = box.val[i];
      for (n = 0; bench_amp_list_next(&list, &e) == 1; n++)
        inside(e, data, size);
    }
    off += (size_t)r;
  }
  return 0;
}
