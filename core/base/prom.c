/* The Prometheus text format, version 0.0.4: family lines, samples with
 * escaped labels, histograms; and the histogram state parts keep. The
 * format is line-based: "# HELP name text", "# TYPE name type", then
 * "name{label="value",...} value" lines. */
#include "base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
reed_hist_init(reed_hist_t *h, const double *bounds, size_t n)
{
  memset(h, 0, sizeof(*h));
  h->bounds = bounds;
  h->n_bounds = n < REED_HIST_BUCKETS ? n : REED_HIST_BUCKETS;
}

void
reed_hist_observe(reed_hist_t *h, double v)
{
  size_t i = 0;

  while (i < h->n_bounds && v > h->bounds[i])
    i++;
  h->counts[i]++;
  h->count++;
  h->sum += v;
}

void
reed_prom_init(reed_prom_t *w, reed_buf_t **out)
{
  w->out = out;
  w->rc = 0;
}

static bool
name_ok(const char *s, bool metric)
{
  if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
    return false;
  if (!metric && (strcmp(s, "le") == 0 || strncmp(s, "__", 2) == 0))
    return false;
  for (; *s != '\0'; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_' || (metric && *s == ':')))
      return false;
  return true;
}

static void
put(reed_prom_t *w, const char *p, size_t n)
{
  if (w->rc == 0)
    w->rc = reed_buf_append(w->out, p, n);
}

static void
puts_(reed_prom_t *w, const char *s)
{
  put(w, s, strlen(s));
}

/* Backslash and line feed always; the double quote in label values. */
static void
put_escaped(reed_prom_t *w, const char *s, bool quote)
{
  const char *run = s;

  for (; *s != '\0'; s++) {
    const char *esc = *s == '\\'           ? "\\\\"
                      : *s == '\n'         ? "\\n"
                      : quote && *s == '"' ? "\\\""
                                           : NULL;
    if (esc == NULL)
      continue;
    put(w, run, (size_t)(s - run));
    puts_(w, esc);
    run = s + 1;
  }
  put(w, run, (size_t)(s - run));
}

int
reed_prom_family(reed_prom_t *w, const char *name, const char *type,
                 const char *help)
{
  static const char *const types[] = {"counter", "gauge", "histogram",
                                      "untyped"};
  bool known = false;

  for (size_t i = 0; type != NULL && i < REED_ARRAY_SIZE(types); i++)
    known = known || strcmp(type, types[i]) == 0;
  if (!name_ok(name, true) || !known) {
    if (w->rc == 0)
      w->rc = REED_EINVAL;
    return w->rc;
  }
  puts_(w, "# HELP ");
  puts_(w, name);
  puts_(w, " ");
  put_escaped(w, help != NULL ? help : "", false);
  puts_(w, "\n# TYPE ");
  puts_(w, name);
  puts_(w, " ");
  puts_(w, type);
  puts_(w, "\n");
  return w->rc;
}

void
reed_prom_format_value(double v, char *out, size_t size)
{
  if (isnan(v))
    snprintf(out, size, "NaN");
  else if (isinf(v))
    snprintf(out, size, v > 0 ? "+Inf" : "-Inf");
  else if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
    snprintf(out, size, "%lld", (long long)v); /* -0 too: "0" */
  else {
    /* The shortest of 15 or 17 digits that reads back as the same. */
    snprintf(out, size, "%.15g", v);
    if (strtod(out, NULL) != v)
      snprintf(out, size, "%.17g", v);
  }
}

/* name{labels[,le="extra"]} -- the opening of a sample line. */
static void
put_head(reed_prom_t *w, const char *name, const char *suffix,
         const reed_prom_label_t *labels, size_t n, const char *le)
{
  puts_(w, name);
  puts_(w, suffix);
  if (n == 0 && le == NULL)
    return;
  puts_(w, "{");
  for (size_t i = 0; i < n; i++) {
    puts_(w, i > 0 ? "," : "");
    puts_(w, labels[i].name);
    puts_(w, "=\"");
    put_escaped(w, labels[i].value != NULL ? labels[i].value : "", true);
    puts_(w, "\"");
  }
  if (le != NULL) {
    puts_(w, n > 0 ? ",le=\"" : "le=\"");
    puts_(w, le);
    puts_(w, "\"");
  }
  puts_(w, "}");
}

static bool
sample_ok(reed_prom_t *w, const char *name, const reed_prom_label_t *labels,
          size_t n)
{
  bool ok = name_ok(name, true) && (n == 0 || labels != NULL);

  for (size_t i = 0; ok && i < n; i++)
    ok = name_ok(labels[i].name, false);
  if (!ok && w->rc == 0)
    w->rc = REED_EINVAL;
  return ok;
}

static void
put_line(reed_prom_t *w, const char *name, const char *suffix,
         const reed_prom_label_t *labels, size_t n, const char *le,
         const char *value)
{
  put_head(w, name, suffix, labels, n, le);
  puts_(w, " ");
  puts_(w, value);
  puts_(w, "\n");
}

int
reed_prom_sample(reed_prom_t *w, const char *name,
                 const reed_prom_label_t *labels, size_t n, double value)
{
  char v[40];

  if (!sample_ok(w, name, labels, n))
    return w->rc;
  reed_prom_format_value(value, v, sizeof(v));
  put_line(w, name, "", labels, n, NULL, v);
  return w->rc;
}

int
reed_prom_sample_u64(reed_prom_t *w, const char *name,
                     const reed_prom_label_t *labels, size_t n, uint64_t value)
{
  char v[24];

  if (!sample_ok(w, name, labels, n))
    return w->rc;
  snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
  put_line(w, name, "", labels, n, NULL, v);
  return w->rc;
}

int
reed_prom_hist(reed_prom_t *w, const char *name,
               const reed_prom_label_t *labels, size_t n, const reed_hist_t *h)
{
  char le[40], v[40];
  uint64_t cum = 0;

  if (!sample_ok(w, name, labels, n))
    return w->rc;
  for (size_t i = 0; i <= h->n_bounds; i++) {
    cum += h->counts[i];
    if (i < h->n_bounds)
      reed_prom_format_value(h->bounds[i], le, sizeof(le));
    else
      snprintf(le, sizeof(le), "+Inf");
    snprintf(v, sizeof(v), "%llu", (unsigned long long)cum);
    put_line(w, name, "_bucket", labels, n, le, v);
  }
  reed_prom_format_value(h->sum, v, sizeof(v));
  put_line(w, name, "_sum", labels, n, NULL, v);
  snprintf(v, sizeof(v), "%llu", (unsigned long long)h->count);
  put_line(w, name, "_count", labels, n, NULL, v);
  return w->rc;
}
