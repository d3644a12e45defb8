/* bench: the little IRC line reading that the load generator and the relay
 * need, and nothing more. A pure function over one line without its CRLF:
 * it skips message tags, splits the source, the command and up to
 * BENCH_LINE_MAXPARAMS parameters (the last one may be the trailing
 * parameter). Nothing is copied: the views point into the caller's line and
 * live as long as it does. */
#ifndef REED_BENCH_LINE_H
#define REED_BENCH_LINE_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_LINE_MAXPARAMS 15

typedef struct bench_view_s {
  const char *p;
  size_t len;
} bench_view_t;

typedef struct bench_line_s {
  bench_view_t source; /* without the ':'; len 0 when absent */
  bench_view_t nick;   /* the source up to '!' or '@' */
  bench_view_t command;
  bench_view_t params[BENCH_LINE_MAXPARAMS];
  int nparams;
} bench_line_t;

/* Splits `line` (len bytes, no CR or LF) into `out`. Returns 0, or
 * REED_ESYNTAX for an empty line, a line with no command, or a NUL, CR or
 * LF byte inside it. Extra middle parameters past the limit are folded into
 * the last one, as RFC 1459 servers do. */
int bench_line_parse(const char *line, size_t len, bench_line_t *out);

/* 1 when the view equals the NUL-terminated string s (case-sensitive). */
int bench_view_eq(bench_view_t v, const char *s);

/* The payload the load generator puts in a PRIVMSG: "<sender> <seq> <us>"
 * followed by optional padding after a space. */
typedef struct bench_payload_s {
  uint32_t sender;
  uint32_t seq;
  uint64_t sent_us;
} bench_payload_t;

/* Parses the payload at the start of text. Returns 0, or REED_ESYNTAX when
 * a field is missing, not decimal or out of range. */
int bench_payload_parse(bench_view_t text, bench_payload_t *out);

#endif
