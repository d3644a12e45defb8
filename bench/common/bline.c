/* bench: splitting one IRC line into views (see bline.h). */
#include "bline.h"

#include "base.h"

#include <string.h>

static const char *
skip_spaces(const char *p, const char *end)
{
  while (p < end && *p == ' ')
    p++;
  return p;
}

static const char *
word_end(const char *p, const char *end)
{
  const char *sp = memchr(p, ' ', (size_t)(end - p));

  return sp ? sp : end;
}

static void
split_nick(bench_line_t *out)
{
  size_t i;

  out->nick = out->source;
  for (i = 0; i < out->source.len; i++) {
    if (out->source.p[i] == '!' || out->source.p[i] == '@') {
      out->nick.len = i;
      return;
    }
  }
}

/* Reads the parameters after the command; the last one takes the rest of
 * the line when it starts with ':' or when the limit is reached. */
static void
split_params(const char *p, const char *end, bench_line_t *out)
{
  const char *w;

  for (;;) {
    p = skip_spaces(p, end);
    if (p >= end)
      return;
    if (*p == ':' || out->nparams == BENCH_LINE_MAXPARAMS - 1) {
      p += *p == ':';
      out->params[out->nparams++] = (bench_view_t){p, (size_t)(end - p)};
      return;
    }
    w = word_end(p, end);
    out->params[out->nparams++] = (bench_view_t){p, (size_t)(w - p)};
    p = w;
  }
}

int
bench_line_parse(const char *line, size_t len, bench_line_t *out)
{
  const char *p = line, *end = line + len, *w;

  memset(out, 0, sizeof(*out));
  if (len == 0 || memchr(line, '\0', len) || memchr(line, '\r', len) ||
      memchr(line, '\n', len))
    return REED_ESYNTAX;
  if (*p == '@')
    p = skip_spaces(word_end(p, end), end);
  if (p < end && *p == ':') {
    w = word_end(p, end);
    out->source = (bench_view_t){p + 1, (size_t)(w - p - 1)};
    split_nick(out);
    p = w;
  }
  p = skip_spaces(p, end);
  if (p >= end)
    return REED_ESYNTAX;
  w = word_end(p, end);
  out->command = (bench_view_t){p, (size_t)(w - p)};
  split_params(w, end, out);
  return 0;
}

int
bench_view_eq(bench_view_t v, const char *s)
{
  size_t n = strlen(s);

  return v.len == n && memcmp(v.p, s, n) == 0;
}

/* Reads one decimal field ending at a space or the end of the view. */
static int
read_u64(const char **p, const char *end, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;
  const char *q = *p;

  if (q >= end || *q < '0' || *q > '9')
    return REED_ESYNTAX;
  for (; q < end && *q != ' '; q++) {
    if (*q < '0' || *q > '9' || v > (max - (uint64_t)(*q - '0')) / 10)
      return REED_ESYNTAX;
    v = v * 10 + (uint64_t)(*q - '0');
  }
  *out = v;
  *p = q < end ? q + 1 : q;
  return 0;
}

int
bench_payload_parse(bench_view_t text, bench_payload_t *out)
{
  const char *p = text.p, *end = text.p + text.len;
  uint64_t sender, seq, us;

  if (read_u64(&p, end, UINT32_MAX, &sender) < 0 ||
      read_u64(&p, end, UINT32_MAX, &seq) < 0 ||
      read_u64(&p, end, UINT64_MAX, &us) < 0)
    return REED_ESYNTAX;
  *out = (bench_payload_t){
      .sender = (uint32_t)sender, .seq = (uint32_t)seq, .sent_us = us};
  return 0;
}
