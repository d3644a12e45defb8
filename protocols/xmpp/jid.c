/* JIDs: RFC 7622 parsing with the small normalisation xmpp_jid.h states,
 * formatting, and XEP-0106 localpart escaping. */
#include "xmpp_jid.h"

#include "base.h"
#include "xml_int.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  const char *p;
  size_t len;
} span_t;

/* The character classes a part allows, byte by byte; non-ASCII must be
 * valid UTF-8 and no C1 control, in every part. */
enum { PART_LOCAL, PART_DOMAIN, PART_RESOURCE };

static bool
ascii_ok(unsigned char c, int part)
{
  if (c < 0x20 || c == 0x7F)
    return false;
  switch (part) {
  case PART_LOCAL:
    return c != ' ' && strchr("\"&'/:<>@", c) == NULL;
  case PART_DOMAIN:
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  default:
    return true;
  }
}

static bool
chars_ok(span_t s, int part)
{
  const uint8_t *b = (const uint8_t *)s.p;
  size_t i = 0, n;
  uint32_t cp;

  while (i < s.len) {
    if (b[i] < 0x80) {
      if (!ascii_ok(b[i], part))
        return false;
      i++;
      continue;
    }
    n = reed__xml_utf8_seq(b + i, s.len - i, &cp);
    if (n == 0 || cp < 0xA0)
      return false;
    i += n;
  }
  return true;
}

/* "[" IPv6 or IPvFuture-ish "]": hex digits, ':' and '.' only. */
static bool
ip_literal_ok(span_t s)
{
  if (s.len < 3 || s.p[s.len - 1] != ']')
    return false;
  for (size_t i = 1; i + 1 < s.len; i++)
    if (strchr("0123456789abcdefABCDEF:.", s.p[i]) == NULL)
      return false;
  return true;
}

static bool
domain_ok(span_t s)
{
  if (s.p[0] == '[')
    return ip_literal_ok(s);
  if (!chars_ok(s, PART_DOMAIN) || s.p[0] == '.' || s.p[s.len - 1] == '.')
    return false;
  for (size_t i = 1; i < s.len; i++)
    if (s.p[i] == '.' && s.p[i - 1] == '.')
      return false;
  return true;
}

/* Copies a part, lowercasing ASCII when asked. */
static void
copy_part(char *dst, span_t s, bool fold)
{
  for (size_t i = 0; i < s.len; i++) {
    char c = s.p[i];

    dst[i] = fold && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
  }
  dst[s.len] = '\0';
}

static bool
len_ok(span_t s)
{
  return s.len >= 1 && s.len <= REED_JID_PART_MAX;
}

int
reed_jid_parse(const char *s, reed_jid_t *out)
{
  const char *slash = strchr(s, '/');
  const char *end = slash != NULL ? slash : s + strlen(s);
  const char *at = memchr(s, '@', (size_t)(end - s));
  span_t local = {s, at != NULL ? (size_t)(at - s) : 0};
  span_t domain = {at != NULL ? at + 1 : s, 0};
  span_t res = {slash != NULL ? slash + 1 : "", 0};

  memset(out, 0, sizeof(*out));
  domain.len = (size_t)(end - domain.p);
  res.len = strlen(res.p);
  /* RFC 7622 section 3.2: one trailing dot of the domain is dropped. */
  if (domain.len > 1 && domain.p[domain.len - 1] == '.')
    domain.len--;
  if (!len_ok(domain) || !domain_ok(domain))
    return REED_EINVAL;
  if (at != NULL && (!len_ok(local) || !chars_ok(local, PART_LOCAL)))
    return REED_EINVAL;
  if (slash != NULL && (!len_ok(res) || !chars_ok(res, PART_RESOURCE)))
    return REED_EINVAL;
  copy_part(out->local, local, true);
  copy_part(out->domain, domain, true);
  copy_part(out->resource, res, false);
  return 0;
}

size_t
reed_jid_format(const reed_jid_t *j, bool full, char *out, size_t size)
{
  bool res = full && j->resource[0] != '\0';
  int n = snprintf(out, size, "%s%s%s%s%s", j->local,
                   j->local[0] != '\0' ? "@" : "", j->domain, res ? "/" : "",
                   res ? j->resource : "");

  return n > 0 ? (size_t)n : 0;
}

/* ---- XEP-0106 ------------------------------------------------------------ */
static const struct {
  char c;
  char seq[4];
} escapes[] = {
    {' ', "\\20"}, {'"', "\\22"}, {'&', "\\26"}, {'\'', "\\27"}, {'/', "\\2f"},
    {':', "\\3a"}, {'<', "\\3c"}, {'>', "\\3e"}, {'@', "\\40"},  {'\\', "\\5c"},
};

/* The character an escape sequence at s stands for, or 0. */
static char
unescaped(const char *s)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(escapes); i++)
    if (strncmp(s, escapes[i].seq, 3) == 0)
      return escapes[i].c;
  return 0;
}

static const char *
escaped(const char *s)
{
  if (*s == '\\')
    return unescaped(s) != 0 ? "\\5c" : NULL;
  for (size_t i = 0; i < REED_ARRAY_SIZE(escapes) - 1; i++)
    if (*s == escapes[i].c)
      return escapes[i].seq;
  return NULL;
}

static int
put(char *out, size_t size, size_t *o, const char *s, size_t n)
{
  if (size - *o <= n)
    return REED_ETOOBIG;
  memcpy(out + *o, s, n);
  *o += n;
  return 0;
}

int
reed_jid_escape_local(const char *in, char *out, size_t size)
{
  size_t len = strlen(in), o = 0;

  if (len == 0 || in[0] == ' ' || in[len - 1] == ' ')
    return REED_EINVAL;
  if (size == 0)
    return REED_ETOOBIG;
  for (const char *s = in; *s != '\0'; s++) {
    const char *e = escaped(s);

    if (put(out, size, &o, e != NULL ? e : s, e != NULL ? 3 : 1) != 0)
      return REED_ETOOBIG;
  }
  out[o] = '\0';
  return 0;
}

int
reed_jid_unescape_local(const char *in, char *out, size_t size)
{
  size_t o = 0;

  if (size == 0)
    return REED_ETOOBIG;
  for (const char *s = in; *s != '\0'; s++) {
    char c = *s == '\\' ? unescaped(s) : 0;

    if (put(out, size, &o, c != 0 ? &c : s, 1) != 0)
      return REED_ETOOBIG;
    if (c != 0)
      s += 2;
  }
  out[o] = '\0';
  return 0;
}
