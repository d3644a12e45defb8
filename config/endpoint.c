/* Twisted server-endpoint strings (config.h has the grammar). Pure: the
 * string is split into unescaped arguments, the arguments are matched to
 * the kind's parameters (positional or keyword), then each value is
 * checked and converted. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#define MAX_ARGS 16
#define UNIX_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

enum { P_PORT, P_ADDRESS, P_INTERFACE, P_BACKLOG, P_CERT, P_KEY, P_MODE, P_N };

static const char *const param_names[P_N] = {
    [P_PORT] = "port",           [P_ADDRESS] = "address",
    [P_INTERFACE] = "interface", [P_BACKLOG] = "backlog",
    [P_CERT] = "certKey",        [P_KEY] = "privateKey",
    [P_MODE] = "mode",
};

/* Each kind: its name, positional parameters in Twisted's order, and the
 * parameters it accepts as keywords. */
typedef struct {
  const char *name;
  int kind;
  int positional[4]; /* -1 terminated */
  unsigned accepted; /* bit per P_* */
} kind_t;

#define BIT(p) (1u << (p))
static const kind_t kinds[] = {
    {.name = "tcp",
     .kind = REED_EP_TCP,
     .positional = {P_PORT, P_INTERFACE, P_BACKLOG, -1},
     .accepted = BIT(P_PORT) | BIT(P_INTERFACE) | BIT(P_BACKLOG)},
    {.name = "ssl",
     .kind = REED_EP_SSL,
     .positional = {P_PORT, P_KEY, P_CERT, -1},
     .accepted = BIT(P_PORT) | BIT(P_INTERFACE) | BIT(P_BACKLOG) | BIT(P_CERT) |
                 BIT(P_KEY)},
    {.name = "unix",
     .kind = REED_EP_UNIX,
     .positional = {P_ADDRESS, P_MODE, P_BACKLOG, -1},
     .accepted = BIT(P_ADDRESS) | BIT(P_MODE) | BIT(P_BACKLOG)},
};

/* One argument after unescaping: key is NULL for a positional one. */
typedef struct {
  char *key;
  char *val;
} arg_t;

typedef struct {
  char *buf; /* unescaped arguments, NUL-separated */
  arg_t args[MAX_ARGS];
  int n;
  const char *vals[P_N];
  char *err;
  size_t errlen;
} ep_parse_t;

static int fail(ep_parse_t *p, const char *fmt, ...) REED_PRINTF(2, 3);

static int
fail(ep_parse_t *p, const char *fmt, ...)
{
  va_list ap;

  if (p->err != NULL && p->errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
  }
  return REED_ESYNTAX;
}

/* Starts argument n at out; false when there are too many. */
static int
start_arg(ep_parse_t *p, char *out)
{
  if (p->n == MAX_ARGS)
    return fail(p, "too many arguments (at most %d)", MAX_ARGS);
  p->args[p->n++] = (arg_t){.key = NULL, .val = out};
  return 0;
}

/* Splits s at unescaped ':' into p->args, removing escapes; the first
 * unescaped '=' of an argument makes it a keyword argument. */
static int
split(ep_parse_t *p, const char *s)
{
  char *out = p->buf;
  int rc = start_arg(p, out);

  for (; rc == 0 && *s != '\0'; s++) {
    arg_t *a = &p->args[p->n - 1];
    if (*s == '\\') {
      if (s[1] == '\0')
        return fail(p, "trailing backslash");
      *out++ = *++s;
    } else if (*s == ':') {
      *out++ = '\0';
      rc = start_arg(p, out);
    } else if (*s == '=' && a->key == NULL) {
      *out++ = '\0';
      a->key = a->val;
      a->val = out;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
  return rc;
}

static int
param_index(const char *key)
{
  for (int i = 0; i < P_N; i++)
    if (strcmp(param_names[i], key) == 0)
      return i;
  return -1;
}

static int
set_param(ep_parse_t *p, int param, const char *val)
{
  if (p->vals[param] != NULL)
    return fail(p, "'%s' given twice", param_names[param]);
  if (*val == '\0' && param != P_INTERFACE)
    return fail(p, "empty value for '%s'", param_names[param]);
  p->vals[param] = val;
  return 0;
}

/* Matches arguments 1..n to the kind's parameters. */
static int
assign(ep_parse_t *p, const kind_t *k)
{
  int npos = 0;

  for (int i = 1; i < p->n; i++) {
    arg_t *a = &p->args[i];
    int param, rc;
    if (a->key == NULL && a->val[0] == '\0')
      return fail(p, "empty argument %d (write a ':' inside a value as '\\:')",
                  i);
    if (a->key == NULL) {
      if (npos == 3 || k->positional[npos] < 0)
        return fail(p, "too many positional arguments for %s", k->name);
      param = k->positional[npos++];
    } else {
      param = param_index(a->key);
      if (param < 0 || !(k->accepted & BIT(param)))
        return fail(p, "unknown argument '%s' for %s", a->key, k->name);
    }
    rc = set_param(p, param, a->val);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* Parses a number in `base` (10 or 8) within [lo, hi] (lo is 0 for base 8). */
static int
parse_num(ep_parse_t *p, const char *what, const char *s, int base, long lo,
          long hi, long *out)
{
  long v = 0;
  const char *c = s;

  for (; *c != '\0'; c++) {
    int d = *c - '0';
    if (d < 0 || d >= base)
      return fail(p, "bad %s '%s'", what, s);
    v = v * base + d;
    if (v > hi)
      break;
  }
  if (c == s || v < lo || v > hi) {
    if (base == 8)
      return fail(p, "%s '%s' out of range 0..0%lo", what, s, hi);
    return fail(p, "%s '%s' out of range %ld..%ld", what, s, lo, hi);
  }
  *out = v;
  return 0;
}

static int
copy_str(ep_parse_t *p, const char *val, char **out)
{
  if (val == NULL)
    return 0;
  *out = reed_strdup(val);
  if (*out == NULL) {
    fail(p, "out of memory");
    return REED_ENOMEM;
  }
  return 0;
}

static int
check_interface(ep_parse_t *p, const char *s)
{
  unsigned char addr[16];

  if (s == NULL || *s == '\0')
    return 0;
  if (inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1)
    return 0;
  return fail(p, "interface '%s' is not a numeric IPv4 or IPv6 address", s);
}

static int
convert_inet(ep_parse_t *p, reed_endpoint_t *ep)
{
  const char *iface = p->vals[P_INTERFACE];
  long port = 0;
  int rc;

  if (p->vals[P_PORT] == NULL)
    return fail(p, "missing port");
  rc = parse_num(p, "port", p->vals[P_PORT], 10, 0, 65535, &port);
  if (rc == 0)
    rc = check_interface(p, iface);
  if (rc != 0)
    return rc;
  ep->port = (uint16_t)port;
  if (iface != NULL && *iface != '\0')
    rc = copy_str(p, iface, &ep->interface);
  if (rc == 0)
    rc = copy_str(p, p->vals[P_CERT] ? p->vals[P_CERT] : p->vals[P_KEY],
                  &ep->cert);
  if (rc == 0)
    rc = copy_str(p, p->vals[P_KEY] ? p->vals[P_KEY] : p->vals[P_CERT],
                  &ep->key);
  return rc;
}

static int
convert_unix(ep_parse_t *p, reed_endpoint_t *ep)
{
  const char *path = p->vals[P_ADDRESS];
  long mode = 0666;
  int rc = 0;

  if (path == NULL)
    return fail(p, "missing socket path");
  if (strlen(path) > UNIX_PATH_MAX)
    return fail(p, "socket path longer than %zu bytes", UNIX_PATH_MAX);
  if (p->vals[P_MODE] != NULL)
    rc = parse_num(p, "mode", p->vals[P_MODE], 8, 0, 0777, &mode);
  if (rc != 0)
    return rc;
  ep->mode = (unsigned)mode;
  return copy_str(p, path, &ep->path);
}

static int
convert(ep_parse_t *p, const kind_t *k, reed_endpoint_t *ep)
{
  long backlog = REED_EP_DEFAULT_BACKLOG;
  int rc = 0;

  if (p->vals[P_BACKLOG] != NULL)
    rc = parse_num(p, "backlog", p->vals[P_BACKLOG], 10, 1, 65535, &backlog);
  if (rc != 0)
    return rc;
  ep->kind = k->kind;
  ep->backlog = (int)backlog;
  return k->kind == REED_EP_UNIX ? convert_unix(p, ep) : convert_inet(p, ep);
}

static const kind_t *
find_kind(const char *name)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(kinds); i++)
    if (strcmp(kinds[i].name, name) == 0)
      return &kinds[i];
  return NULL;
}

static int
parse_args(ep_parse_t *p, const char *s, reed_endpoint_t *ep)
{
  const kind_t *k;
  int rc = split(p, s);

  if (rc != 0)
    return rc;
  if (p->args[0].key != NULL || p->args[0].val[0] == '\0')
    return fail(p, "missing endpoint kind (tcp, ssl or unix)");
  k = find_kind(p->args[0].val);
  if (k == NULL)
    return fail(p, "unknown endpoint kind '%s' (tcp, ssl or unix)",
                p->args[0].val);
  if (p->n == 1)
    return fail(p, "%s endpoint needs %s", k->name,
                k->kind == REED_EP_UNIX ? "a path" : "a port");
  rc = assign(p, k);
  return rc ? rc : convert(p, k, ep);
}

/* Escaping can make the canonical form (reed_endpoint_format) longer than
 * the input; an endpoint is accepted only if that form parses back. */
static bool
fits_written_out(const reed_endpoint_t *ep)
{
  char canon[REED_EP_MAX_LEN + 1];
  int n = reed_endpoint_format(ep, canon, sizeof(canon));

  return n >= 0 && (size_t)n <= REED_EP_MAX_LEN;
}

int
reed_endpoint_parse(const char *s, reed_endpoint_t *ep, char *err,
                    size_t errlen)
{
  ep_parse_t p = {.err = err, .errlen = errlen};
  size_t len = strlen(s);
  int rc;

  *ep = (reed_endpoint_t){.kind = 0};
  if (err != NULL && errlen > 0)
    err[0] = '\0';
  if (len > REED_EP_MAX_LEN)
    return fail(&p, "endpoint longer than %d bytes", REED_EP_MAX_LEN);
  p.buf = reed_malloc(len + 1);
  if (p.buf == NULL) {
    fail(&p, "out of memory");
    return REED_ENOMEM;
  }
  rc = parse_args(&p, s, ep);
  reed_free(p.buf);
  if (rc == 0 && !fits_written_out(ep))
    rc = fail(&p, "endpoint longer than %d bytes once written out",
              REED_EP_MAX_LEN);
  if (rc != 0)
    reed_endpoint_cleanup(ep);
  return rc;
}

void
reed_endpoint_cleanup(reed_endpoint_t *ep)
{
  reed_free(ep->interface);
  reed_free(ep->path);
  reed_free(ep->cert);
  reed_free(ep->key);
  *ep = (reed_endpoint_t){.kind = 0};
}

const char *
reed_endpoint_kind_name(int kind)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(kinds); i++)
    if (kinds[i].kind == kind)
      return kinds[i].name;
  return "unknown";
}

/* ---- Formatting ---------------------------------------------------------- */

typedef struct {
  char *buf;
  size_t n, len;
} out_t;

static void
put_char(out_t *o, char c)
{
  if (o->len + 1 < o->n)
    o->buf[o->len] = c;
  o->len++;
}

static void
put_escaped(out_t *o, const char *s)
{
  for (; *s != '\0'; s++) {
    if (*s == ':' || *s == '=' || *s == '\\')
      put_char(o, '\\');
    put_char(o, *s);
  }
}

static void
put_kw(out_t *o, const char *key, const char *val)
{
  if (val == NULL)
    return;
  put_char(o, ':');
  put_escaped(o, key);
  put_char(o, '=');
  put_escaped(o, val);
}

int
reed_endpoint_format(const reed_endpoint_t *ep, char *buf, size_t n)
{
  out_t o = {.buf = buf, .n = n};
  char num[16];

  put_escaped(&o, reed_endpoint_kind_name(ep->kind));
  put_char(&o, ':');
  if (ep->kind == REED_EP_UNIX) {
    put_escaped(&o, ep->path ? ep->path : "");
    snprintf(num, sizeof(num), "0%o", ep->mode);
    put_kw(&o, "mode", num);
  } else {
    snprintf(num, sizeof(num), "%u", (unsigned)ep->port);
    put_escaped(&o, num);
    put_kw(&o, "interface", ep->interface);
    put_kw(&o, "certKey", ep->cert);
    put_kw(&o, "privateKey", ep->key);
  }
  snprintf(num, sizeof(num), "%d", ep->backlog);
  put_kw(&o, "backlog", num);
  if (n > 0)
    buf[o.len < n ? o.len : n - 1] = '\0';
  return o.len < n ? (int)o.len : REED_ETOOBIG;
}
