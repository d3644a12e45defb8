/* The generic directive setters: each parses one INI value into a typed
 * field at conf + d->offset (config.h lists the field types). */
#include "config_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FIELD(conf, d, type) ((type *)(void *)((char *)(conf) + (d)->offset))

int
reed__conf_errf(reed_conf_err_t *err, const char *fmt, ...)
{
  va_list ap;

  if (err != NULL) {
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
  }
  return REED_ECONFIG;
}

static int
no_memory(reed_conf_err_t *err)
{
  if (err != NULL)
    reed_strlcpy(err->msg, "out of memory", sizeof(err->msg));
  return REED_ENOMEM;
}

/* A unit suffix (name, factor), smallest first; tables end with a
 * NULL name. */
typedef struct {
  const char *name;
  unsigned long long factor;
} unit_t;

static const unit_t no_units[] = {{"", 1}, {NULL, 0}};
static const unit_t size_units[] = {{"", 1},
                                    {"k", 1ull << 10},
                                    {"m", 1ull << 20},
                                    {"g", 1ull << 30},
                                    {NULL, 0}};
static const unit_t duration_units[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {NULL, 0}};

/* v in the largest unit that divides it exactly ("24h", "16m", "512"), so
 * a bound reads in the unit the key takes and can be written back as is. */
static void
format_scaled(long long v, const unit_t *units, char *out, size_t size)
{
  const unit_t *u = &units[0];

  for (size_t i = 1; v > 0 && units[i].name != NULL; i++)
    if ((unsigned long long)v % units[i].factor == 0)
      u = &units[i];
  if (v < 0)
    u = &units[0];
  snprintf(out, size, "%lld%s", v / (long long)u->factor,
           v == 0 ? "" : u->name);
}

/* Bounds check for the numeric setters: applies when d->min < d->max. The
 * range is shown in `units`. */
static int
in_bounds(const reed_directive_t *d, long long v, long long lo, long long hi,
          const unit_t *units, const char *value, reed_conf_err_t *err)
{
  char los[32], his[32];

  if (d->min < d->max) {
    lo = d->min;
    hi = d->max;
  }
  if (v >= lo && v <= hi)
    return 0;
  format_scaled(lo, units, los, sizeof(los));
  format_scaled(hi, units, his, sizeof(his));
  return reed__conf_errf(err, "'%s' is out of range %s..%s", value, los, his);
}

/* Reads leading decimal digits into *v (no sign); returns the rest, or
 * NULL when there is no digit or the number passes `limit`. */
static const char *
read_digits(const char *s, unsigned long long limit, unsigned long long *v)
{
  const char *start = s;

  *v = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (*v > (limit - d) / 10)
      return NULL;
    *v = *v * 10 + d;
  }
  return s == start ? NULL : s;
}

int
reed_conf_set_str(void *conf, const char *value, const reed_directive_t *d,
                  reed_conf_err_t *err)
{
  char **field = FIELD(conf, d, char *);
  char *copy;

  if (*value == '\0' && !(d->flags & REED_CONF_EMPTY))
    return reed__conf_errf(err, "empty value");
  if (d->max > 0 && strlen(value) > (size_t)d->max)
    return reed__conf_errf(err, "value longer than %ld bytes", d->max);
  copy = reed_strdup(value);
  if (copy == NULL)
    return no_memory(err);
  reed_free(*field);
  *field = copy;
  return 0;
}

int
reed_conf_set_int(void *conf, const char *value, const reed_directive_t *d,
                  reed_conf_err_t *err)
{
  const char *s = value;
  unsigned long long u;
  long long v;
  int neg = 0;

  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  s = read_digits(s, (unsigned long long)INT_MAX + 1, &u);
  if (s == NULL || *s != '\0')
    return reed__conf_errf(err, "'%s' is not an integer in range", value);
  v = neg ? -(long long)u : (long long)u;
  if (in_bounds(d, v, INT_MIN, INT_MAX, no_units, value, err) != 0)
    return REED_ECONFIG;
  *FIELD(conf, d, int) = (int)v;
  return 0;
}

int
reed_conf_set_bool(void *conf, const char *value, const reed_directive_t *d,
                   reed_conf_err_t *err)
{
  static const char *const yes[] = {"yes", "true", "on", "1"};
  static const char *const no[] = {"no", "false", "off", "0"};

  for (size_t i = 0; i < REED_ARRAY_SIZE(yes); i++) {
    if (strcasecmp(value, yes[i]) == 0 || strcasecmp(value, no[i]) == 0) {
      *FIELD(conf, d, bool) = strcasecmp(value, yes[i]) == 0;
      return 0;
    }
  }
  return reed__conf_errf(err,
                         "'%s' is not a boolean (yes/no, true/false, "
                         "on/off, 1/0)",
                         value);
}

/* A number with a unit suffix from `units` (a bare number takes `bare`).
 * Results above `limit` are errors. */
static int
parse_scaled(const char *value, const unit_t *units, unsigned long long bare,
             unsigned long long limit, unsigned long long *out)
{
  unsigned long long v, f = bare;
  const char *s = read_digits(value, ULLONG_MAX, &v);

  if (s == NULL)
    return -1;
  if (*s != '\0') {
    size_t i;
    for (i = 0; units[i].name != NULL &&
                (units[i].name[0] == '\0' || strcasecmp(s, units[i].name) != 0);
         i++)
      ;
    if (units[i].name == NULL)
      return -1;
    f = units[i].factor;
  }
  if (v > limit / f)
    return -1;
  *out = v * f;
  return 0;
}

int
reed_conf_set_size(void *conf, const char *value, const reed_directive_t *d,
                   reed_conf_err_t *err)
{
  unsigned long long v;

  if (parse_scaled(value, size_units, 1, LLONG_MAX, &v))
    return reed__conf_errf(err,
                           "'%s' is not a size (bytes, or a number with "
                           "k, m or g)",
                           value);
  if (in_bounds(d, (long long)v, 0, LLONG_MAX, size_units, value, err) != 0)
    return REED_ECONFIG;
  *FIELD(conf, d, size_t) = (size_t)v;
  return 0;
}

int
reed_conf_set_duration_ms(void *conf, const char *value,
                          const reed_directive_t *d, reed_conf_err_t *err)
{
  unsigned long long v;

  if (parse_scaled(value, duration_units, 1000, LLONG_MAX, &v))
    return reed__conf_errf(err,
                           "'%s' is not a duration (a number with ms, s, "
                           "m or h; bare = seconds)",
                           value);
  if (in_bounds(d, (long long)v, 0, LLONG_MAX, duration_units, value, err) != 0)
    return REED_ECONFIG;
  *FIELD(conf, d, uint64_t) = v;
  return 0;
}

int
reed_conf_set_enum(void *conf, const char *value, const reed_directive_t *d,
                   reed_conf_err_t *err)
{
  char choices[200] = "";

  for (int i = 0; d->names != NULL && d->names[i] != NULL; i++) {
    if (strcmp(value, d->names[i]) == 0) {
      *FIELD(conf, d, int) = i;
      return 0;
    }
    if (i > 0)
      strncat(choices, ", ", sizeof(choices) - strlen(choices) - 1);
    strncat(choices, d->names[i], sizeof(choices) - strlen(choices) - 1);
  }
  return reed__conf_errf(err, "'%s' is not one of: %s", value, choices);
}

int
reed_conf_set_strlist(void *conf, const char *value, const reed_directive_t *d,
                      reed_conf_err_t *err)
{
  reed_strlist_t *l = FIELD(conf, d, reed_strlist_t);
  char **v, *copy;

  if (*value == '\0' && !(d->flags & REED_CONF_EMPTY))
    return reed__conf_errf(err, "empty value");
  if (d->max > 0 && strlen(value) > (size_t)d->max)
    return reed__conf_errf(err, "value longer than %ld bytes", d->max);
  copy = reed_strdup(value);
  v = copy ? reed_realloc(l->v, (l->n + 1) * sizeof(*v)) : NULL;
  if (v == NULL) {
    reed_free(copy);
    return no_memory(err);
  }
  v[l->n++] = copy;
  l->v = v;
  return 0;
}

int
reed__conf_is_multi(const reed_directive_t *d)
{
  return (d->flags & REED_CONF_MULTI) || d->set == reed_conf_set_strlist;
}

void
reed__conf_free_field(void *conf, const reed_directive_t *d)
{
  if (d->set == reed_conf_set_str) {
    char **f = FIELD(conf, d, char *);
    reed_free(*f);
    *f = NULL;
  } else if (d->set == reed_conf_set_strlist) {
    reed_strlist_t *l = FIELD(conf, d, reed_strlist_t);
    for (size_t i = 0; i < l->n; i++)
      reed_free(l->v[i]);
    reed_free(l->v);
    *l = (reed_strlist_t){.n = 0};
  }
}

void
reed_conf_fields_free(void *conf, const reed_directive_t *dirs)
{
  for (size_t i = 0; dirs != NULL && dirs[i].key != NULL; i++)
    reed__conf_free_field(conf, &dirs[i]);
}

size_t
reed__conf_count(const reed_directive_t *d)
{
  size_t n = 0;

  while (d != NULL && d[n].key != NULL)
    n++;
  return n;
}
