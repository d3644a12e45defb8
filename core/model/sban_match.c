/* Server bans, the pure part: what a ban target is (an IP address or CIDR
 * block, a nick!user@host mask, or an account) in its canonical form, and
 * whether a user matches it. No model state: table-tested and fuzzed. */
#include "model_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* An address as 16 bytes; an IPv4 one (or an IPv4-mapped IPv6 one) as
 * ::ffff:a.b.c.d, so an IPv4 ban matches a dual-stack listener's peers. */
static bool
addr_parse(const char *s, uint8_t out[16], bool *v4)
{
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  struct in_addr a4;

  if (inet_pton(AF_INET, s, &a4) == 1) {
    memcpy(out, mapped, 12);
    memcpy(out + 12, &a4, 4);
    *v4 = true;
    return true;
  }
  if (inet_pton(AF_INET6, s, out) != 1)
    return false;
  *v4 = memcmp(out, mapped, 12) == 0;
  return true;
}

int
reed_sban_cidr_parse(const char *in, uint8_t addr[16], unsigned *prefix)
{
  char host[INET6_ADDRSTRLEN + 1];
  const char *slash;
  size_t hlen;
  unsigned bits = 0, max;
  bool v4;

  if (in == NULL)
    return REED_EINVAL;
  slash = strchr(in, '/');
  hlen = slash != NULL ? (size_t)(slash - in) : strlen(in);
  if (hlen == 0 || hlen >= sizeof(host))
    return REED_EINVAL;
  memcpy(host, in, hlen);
  host[hlen] = '\0';
  if (!addr_parse(host, addr, &v4))
    return REED_EINVAL;
  max = v4 ? 32 : 128;
  if (slash == NULL) {
    bits = max;
  } else {
    const char *p = slash + 1;
    if (*p == '\0' || strlen(p) > 3)
      return REED_EINVAL;
    for (; *p != '\0'; p++) {
      if (*p < '0' || *p > '9')
        return REED_EINVAL;
      bits = bits * 10 + (unsigned)(*p - '0');
    }
    if (bits > max)
      return REED_EINVAL;
  }
  *prefix = v4 ? bits + 96 : bits;
  /* The network address: host bits cleared. */
  for (unsigned i = 0; i < 16; i++) {
    unsigned keep = *prefix > i * 8 ? *prefix - i * 8 : 0;
    if (keep < 8)
      addr[i] &= (uint8_t)(0xff00u >> keep);
  }
  return 0;
}

static int
cidr_format(const uint8_t addr[16], unsigned prefix, char *out, size_t size)
{
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char host[INET6_ADDRSTRLEN];
  bool v4 = prefix >= 96 && memcmp(addr, mapped, 12) == 0;
  unsigned bits = v4 ? prefix - 96 : prefix;
  int n;

  if (inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? addr + 12 : addr, host,
                sizeof(host)) == NULL)
    return REED_EINVAL;
  if (bits == (v4 ? 32u : 128u))
    n = snprintf(out, size, "%s", host);
  else
    n = snprintf(out, size, "%s/%u", host, bits);
  return (n < 0 || (size_t)n >= size) ? REED_EINVAL : 0;
}

const char *
reed_sban_kind_name(int kind)
{
  switch (kind) {
  case REED_SBAN_IP:
    return "ip";
  case REED_SBAN_MASK:
    return "mask";
  case REED_SBAN_ACCOUNT:
    return "account";
  default:
    return "?";
  }
}

int
reed_sban_parse(const char *in, int *kind, char *out, size_t size)
{
  uint8_t addr[16];
  unsigned prefix;
  bool bang, at;
  int n;

  if (in == NULL || *in == '\0')
    return REED_EINVAL;
  if (reed_sban_cidr_parse(in, addr, &prefix) == 0) {
    *kind = REED_SBAN_IP;
    return cidr_format(addr, prefix, out, size);
  }
  bang = strchr(in, '!') != NULL;
  at = strchr(in, '@') != NULL;
  if (bang || at) {
    if (!reed__field_valid(in, REED_SBAN_TARGET_MAX))
      return REED_EINVAL;
    *kind = REED_SBAN_MASK;
    if (!bang)
      n = snprintf(out, size, "*!%s", in);
    else if (!at)
      n = snprintf(out, size, "%s@*", in);
    else
      n = snprintf(out, size, "%s", in);
    return (n < 0 || (size_t)n >= size) ? REED_EINVAL : 0;
  }
  if (!reed_account_valid(in))
    return REED_EINVAL;
  *kind = REED_SBAN_ACCOUNT;
  return (size_t)snprintf(out, size, "%s", in) >= size ? REED_EINVAL : 0;
}

static bool
ip_matches(const char *target, const char *ip)
{
  uint8_t net[16], peer[16];
  unsigned prefix, peer_prefix;

  if (ip == NULL || strchr(ip, '/') != NULL ||
      reed_sban_cidr_parse(target, net, &prefix) != 0 ||
      reed_sban_cidr_parse(ip, peer, &peer_prefix) != 0)
    return false;
  for (unsigned i = 0; i < 16; i++) {
    unsigned keep = prefix > i * 8 ? prefix - i * 8 : 0;
    uint8_t m = keep >= 8 ? 0xff : (uint8_t)(0xff00u >> keep);
    if ((peer[i] & m) != net[i])
      return false;
  }
  return true;
}

static bool
mask_matches(const char *mask, const reed_sban_who_t *who)
{
  char subj[REED_NICK_MAX + 2 * 256 + 4];

  /* Before registration a user has no nick yet: a mask then waits for it. */
  if (who->nick == NULL || who->user == NULL)
    return false;
  if (who->host != NULL) {
    snprintf(subj, sizeof(subj), "%s!%s@%s", who->nick, who->user, who->host);
    if (reed_mask_match(mask, subj))
      return true;
  }
  if (who->ip != NULL) {
    snprintf(subj, sizeof(subj), "%s!%s@%s", who->nick, who->user, who->ip);
    if (reed_mask_match(mask, subj))
      return true;
  }
  return false;
}

bool
reed_sban_matches(int kind, const char *target, const reed_sban_who_t *who)
{
  switch (kind) {
  case REED_SBAN_IP:
    return ip_matches(target, who->ip);
  case REED_SBAN_MASK:
    return mask_matches(target, who);
  case REED_SBAN_ACCOUNT:
    return who->account != NULL && who->account[0] != '\0' &&
           reed_casecmp(target, who->account) == 0;
  default:
    return false;
  }
}

/* Ten years: a longer ban is a permanent one. */
#define DURATION_MAX_MS (3650ull * 86400000ull)

int
reed_sban_duration_parse(const char *in, uint64_t *ms)
{
  static const struct {
    char unit;
    uint64_t ms;
  } units[] = {{'s', 1000},
               {'m', 60000},
               {'h', 3600000},
               {'d', 86400000},
               {'w', 604800000}};
  uint64_t total = 0;

  if (in == NULL || *in == '\0')
    return REED_EINVAL;
  while (*in != '\0') {
    uint64_t n = 0, per = 0;
    const char *start = in;
    for (; *in >= '0' && *in <= '9'; in++) {
      n = n * 10 + (uint64_t)(*in - '0');
      if (n > DURATION_MAX_MS / 1000)
        return REED_EINVAL;
    }
    if (in == start)
      return REED_EINVAL;
    for (size_t i = 0; i < REED_ARRAY_SIZE(units); i++)
      if (*in == units[i].unit)
        per = units[i].ms;
    if (per == 0)
      return REED_EINVAL;
    in++;
    if (n > DURATION_MAX_MS / per || total + n * per > DURATION_MAX_MS)
      return REED_EINVAL;
    total += n * per;
  }
  if (total == 0)
    return REED_EINVAL;
  *ms = total;
  return 0;
}

void
reed_sban_duration_format(uint64_t ms, char *out, size_t size)
{
  static const struct {
    char unit;
    uint64_t ms;
  } units[] = {{'d', 86400000}, {'h', 3600000}, {'m', 60000}, {'s', 1000}};
  size_t len = 0;

  if (size == 0)
    return;
  out[0] = '\0';
  ms = (ms + 999) / 1000 * 1000; /* what is left, rounded up to a second */
  for (size_t i = 0; i < REED_ARRAY_SIZE(units) && len < size; i++) {
    if (ms >= units[i].ms) {
      int n = snprintf(out + len, size - len, "%llu%c",
                       (unsigned long long)(ms / units[i].ms), units[i].unit);
      if (n < 0)
        break;
      len += (size_t)n;
      ms %= units[i].ms;
    }
  }
  if (len == 0)
    snprintf(out, size, "0s");
}
