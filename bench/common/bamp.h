/* bench: the little AMP (twisted.protocols.amp) framing the load generator
 * needs to speak reed's amp-chat: parse one box from the front of a byte
 * buffer, build boxes, walk a ListOf value. Pure functions; the views
 * point into the caller's buffer. Limits follow docs/amp.md (section
 * 2): keys 1-255 bytes, at most BENCH_AMP_MAXPAIRS pairs. */
#ifndef REED_BENCH_AMP_H
#define REED_BENCH_AMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bline.h"

#define BENCH_AMP_MAXPAIRS 64

typedef struct bench_amp_box_s {
  int n;
  bench_view_t key[BENCH_AMP_MAXPAIRS];
  bench_view_t val[BENCH_AMP_MAXPAIRS];
} bench_amp_box_t;

/* Parses the box at the start of p. Returns the bytes it took (> 0), 0 when
 * the box is not complete yet, or REED_EPROTO for a framing fault: an empty
 * box, a key longer than 255 bytes, or more than BENCH_AMP_MAXPAIRS
 * pairs. */
ssize_t bench_amp_parse(const uint8_t *p, size_t len, bench_amp_box_t *box);

/* The value of key in box: 1 and *out set, or 0 when absent. */
int bench_amp_get(const bench_amp_box_t *box, const char *key,
                  bench_view_t *out);

/* Appends one pair (put) or the end marker (end) to buf, which holds *len
 * of cap bytes. Returns 0, or REED_ETOOBIG when it does not fit or the key
 * or value is too long for AMP. */
int bench_amp_put(uint8_t *buf, size_t cap, size_t *len, const char *key,
                  const void *val, size_t vlen);
int bench_amp_end(uint8_t *buf, size_t cap, size_t *len);

/* Takes the next element of a ListOf value off the front of *list: 1 with
 * *elem set, 0 at the end, REED_EPROTO for a truncated element. */
int bench_amp_list_next(bench_view_t *list, bench_view_t *elem);

#endif
