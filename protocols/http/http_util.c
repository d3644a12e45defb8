/* Small pure helpers of the HTTP core: header tokens, the Date header,
 * addresses and CIDR blocks (trusted proxies, X-Forwarded-For), and the
 * Content-Type of a file name. */
#include "http_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool
reed__http_has_token(const char *list, const char *token)
{
  size_t tlen = strlen(token);

  while (list != NULL && *list != '\0') {
    const char *end = strchr(list, ',');
    const char *e = end != NULL ? end : list + strlen(list);
    const char *s = list;

    while (s < e && (*s == ' ' || *s == '\t'))
      s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    if ((size_t)(e - s) == tlen && strncasecmp(s, token, tlen) == 0)
      return true;
    list = end != NULL ? end + 1 : NULL;
  }
  return false;
}

void
reed__http_date(uint64_t unix_ms, char out[30])
{
  static const char days[][4] = {"Sun", "Mon", "Tue", "Wed",
                                 "Thu", "Fri", "Sat"};
  static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = (time_t)(unix_ms / 1000);
  struct tm tm;
  char tmp[64];

  gmtime_r(&t, &tm);
  snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d GMT",
           days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
           tm.tm_hour, tm.tm_min, tm.tm_sec);
  reed_strlcpy(out, tmp, 30);
}

/* An address; an IPv4-mapped IPv6 one counts as IPv4. */
static int
addr_parse(const char *s, reed_http_cidr_t *out)
{
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

  memset(out, 0, sizeof(*out));
  if (inet_pton(AF_INET, s, out->addr) == 1) {
    out->family = 4;
    out->bits = 32;
    return 0;
  }
  if (inet_pton(AF_INET6, s, out->addr) != 1)
    return REED_EINVAL;
  out->family = 6;
  out->bits = 128;
  if (memcmp(out->addr, mapped, 12) == 0) {
    memmove(out->addr, out->addr + 12, 4);
    memset(out->addr + 4, 0, 12);
    out->family = 4;
    out->bits = 32;
  }
  return 0;
}

int
reed__http_cidr_parse(const char *s, reed_http_cidr_t *out)
{
  const char *slash = strchr(s, '/');
  char ip[64];
  char *end;
  long bits;

  if (slash == NULL)
    return addr_parse(s, out);
  if ((size_t)(slash - s) >= sizeof(ip))
    return REED_EINVAL;
  memcpy(ip, s, (size_t)(slash - s));
  ip[slash - s] = '\0';
  if (addr_parse(ip, out) != 0 || slash[1] < '0' || slash[1] > '9')
    return REED_EINVAL;
  bits = strtol(slash + 1, &end, 10);
  if (*end != '\0' || bits < 0 || (unsigned long)bits > out->bits)
    return REED_EINVAL;
  out->bits = (unsigned)bits;
  return 0;
}

bool
reed__http_cidr_match(const reed_http_cidr_t *net, const reed_http_cidr_t *ip)
{
  unsigned full = net->bits / 8, rest = net->bits % 8;

  if (net->family != ip->family)
    return false;
  if (memcmp(net->addr, ip->addr, full) != 0)
    return false;
  if (rest == 0)
    return true;
  uint8_t m = (uint8_t)(0xff << (8 - rest));
  return (net->addr[full] & m) == (ip->addr[full] & m);
}

int
reed__http_list_each(const reed_strlist_t *list,
                     int (*cb)(void *ud, const char *item), void *ud)
{
  char item[128];
  int rc;

  for (size_t i = 0; list != NULL && i < list->n; i++) {
    for (const char *s = list->v[i]; *s != '\0';) {
      size_t n = strcspn(s, ", \t");
      if (n > 0) {
        if (n >= sizeof(item))
          n = sizeof(item) - 1; /* too long for any address: refused */
        memcpy(item, s, n);
        item[n] = '\0';
        if ((rc = cb(ud, item)) != 0)
          return rc;
      }
      s += n;
      s += strspn(s, ", \t");
    }
  }
  return 0;
}

static int
in_cb(void *ud, const char *item)
{
  reed_http_cidr_t n;

  return reed__http_cidr_parse(item, &n) == 0 && reed__http_cidr_match(&n, ud);
}

bool
reed__http_ip_in(const reed_strlist_t *list, const char *ip)
{
  reed_http_cidr_t a;

  if (addr_parse(ip, &a) != 0)
    return false;
  return reed__http_list_each(list, in_cb, &a) != 0;
}

bool
reed__http_ip_loopback(const char *ip)
{
  reed_http_cidr_t a;

  if (addr_parse(ip, &a) != 0)
    return false;
  if (a.family == 4)
    return a.addr[0] == 127;
  static const uint8_t one[16] = {[15] = 1};
  return memcmp(a.addr, one, 16) == 0;
}

/* The hop ending at `end` in an XFF value (after `start`), trimmed, into
 * hop[]; returns where the hop begins. */
static const char *
prev_hop(const char *start, const char *end, char hop[64])
{
  const char *s = end;
  const char *e = end;

  while (s > start && s[-1] != ',')
    s--;
  const char *b = s;
  while (b < e && (*b == ' ' || *b == '\t'))
    b++;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  size_t n = (size_t)(e - b) < 63 ? (size_t)(e - b) : 63;
  memcpy(hop, b, n);
  hop[n] = '\0';
  return s;
}

void
reed__http_client_ip(const reed_strlist_t *trusted, const char *peer,
                     const char *const *xff, size_t n_xff, char out[46])
{
  reed_http_cidr_t a;
  char hop[64];

  reed_strlcpy(out, peer, 46);
  if (!reed__http_ip_in(trusted, peer))
    return;
  /* The rightmost hop was added by the nearest proxy: walk leftwards
   * while each hop is a trusted proxy too. */
  for (size_t i = n_xff; i-- > 0;) {
    const char *start = xff[i], *end = xff[i] + strlen(xff[i]);

    for (;;) {
      const char *s = prev_hop(start, end, hop);
      if (addr_parse(hop, &a) != 0)
        return;
      reed_strlcpy(out, hop, 46);
      if (!reed__http_ip_in(trusted, hop))
        return;
      if (s == start)
        break;
      end = s - 1;
    }
  }
}

const char *
reed__http_mime(const char *path)
{
  static const struct {
    const char *ext, *type;
  } types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/vnd.microsoft.icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const char *dot = strrchr(path, '.');

  if (dot != NULL && strchr(dot, '/') == NULL)
    for (size_t i = 0; i < REED_ARRAY_SIZE(types); i++)
      if (strcasecmp(dot, types[i].ext) == 0)
        return types[i].type;
  return "application/octet-stream";
}
