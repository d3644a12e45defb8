/* The XMPP transport's names: bot API rooms ("#name") to room JIDs and
 * back, XMPP nicks to bot API nicks and back, and JID splitting. Pure. */
#include "bot_xmpp_int.h"

#include <string.h>

/* XEP-0106: the characters a localpart cannot hold, escaped as \hh. The
 * '@' is not among those escaped here: "#a@b" names room a at service b. */
static const char node_escapes[] = " \"&'/:<>\\";

static const char hex[] = "0123456789abcdef";

static int
hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int
put(char *out, size_t size, size_t *n, char c)
{
  if (*n + 1 >= size)
    return REED_ETOOBIG;
  out[(*n)++] = c;
  out[*n] = '\0';
  return 0;
}

static int
put_escaped(char *out, size_t size, size_t *n, unsigned char c)
{
  int rc = put(out, size, n, '\\');

  if (rc == 0)
    rc = put(out, size, n, hex[c >> 4]);
  return rc ? rc : put(out, size, n, hex[c & 15]);
}

/* "\hh" at s, with hh among `allowed` (NULL: any byte but NUL): the byte,
 * else -1. */
static int
escape_at(const char *s, const char *allowed)
{
  int hi, lo, c;

  if (s[0] != '\\' || (hi = hexval(s[1])) < 0 || (lo = hexval(s[2])) < 0)
    return -1;
  c = hi * 16 + lo;
  if (c == 0 || (allowed && !strchr(allowed, c)))
    return -1;
  return c;
}

int
reed__bot_xmpp_same(const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return 0;
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
    char y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

int
reed__bot_xmpp_split(const char *jid, char *bare, size_t size,
                     const char **resource)
{
  const char *slash = strchr(jid, '/');
  size_t len = slash ? (size_t)(slash - jid) : strlen(jid);

  if (len >= size)
    return REED_ETOOBIG;
  memcpy(bare, jid, len);
  bare[len] = '\0';
  if (resource)
    *resource = slash ? slash + 1 : NULL;
  return 0;
}

int
reed__bot_xmpp_room_jid(const char *muc, const char *room, char *out,
                        size_t size)
{
  const char *at, *name = room + 1;
  size_t n = 0;
  int rc = 0;

  if (room[0] != '#' || name[0] == '\0' || name[0] == '@')
    return REED_EBADROOM;
  at = strchr(name, '@');
  if (at && (at[1] == '\0' || strchr(at + 1, '@') || strchr(at + 1, '/')))
    return REED_EBADROOM;
  out[0] = '\0';
  for (const char *s = name; *s && s != at && rc == 0; s++) {
    unsigned char c = (unsigned char)*s;
    /* A '\' that starts an escape is escaped too (XEP-0106 section 4.3). */
    if (strchr(node_escapes, c) && (c != '\\' || escape_at(s, NULL) >= 0))
      rc = put_escaped(out, size, &n, c);
    else
      rc = put(out, size, &n, (char)c);
  }
  if (rc == 0)
    rc = put(out, size, &n, '@');
  for (const char *s = at ? at + 1 : muc; *s && rc == 0; s++)
    rc = put(out, size, &n, *s);
  return rc;
}

int
reed__bot_xmpp_room_name(const char *muc, const char *bare, char *out,
                         size_t size)
{
  const char *at = strchr(bare, '@');
  size_t n = 0;
  int rc;

  /* One '@', a domain after it: else no room of this API's ("#a@b@c"
   * would not turn back into the same JID). */
  if (at == NULL || at == bare || at[1] == '\0' || strchr(at + 1, '@') ||
      strchr(bare, '/'))
    return REED_EBADROOM;
  rc = put(out, size, &n, '#');
  for (const char *s = bare; s < at && rc == 0; s++) {
    int c = escape_at(s, node_escapes);
    rc = put(out, size, &n, c >= 0 ? (char)c : *s);
    s += c >= 0 ? 2 : 0;
  }
  if (rc == 0 && !reed__bot_xmpp_same(at + 1, muc))
    for (const char *s = at; *s && rc == 0; s++)
      rc = put(out, size, &n, *s);
  if (rc == 0 && !reed__bot_room_ok(out))
    rc = REED_EBADROOM;
  return rc;
}

/* Bytes an API nick carries as they are (bot_core.c's nick_ok, less '\',
 * which starts an escape here). */
static int
api_byte(unsigned char c, size_t at)
{
  if (at == 0 && (c == '#' || c == ':'))
    return 0;
  return c > ' ' && c < 0x7f && c != ',' && c != '!' && c != '@' && c != '\\';
}

int
reed__bot_xmpp_nick_to_api(const char *nick, char *out, size_t size)
{
  size_t n = 0;
  int rc = nick[0] ? 0 : REED_EINVAL;

  out[0] = '\0';
  for (size_t i = 0; nick[i] && rc == 0; i++) {
    unsigned char c = (unsigned char)nick[i];
    rc = api_byte(c, i) ? put(out, size, &n, (char)c)
                        : put_escaped(out, size, &n, c);
  }
  return rc;
}

int
reed__bot_xmpp_nick_from_api(const char *nick, char *out, size_t size)
{
  size_t n = 0;
  int rc = nick[0] ? 0 : REED_EINVAL;

  out[0] = '\0';
  for (const char *s = nick; *s && rc == 0; s++) {
    int c = escape_at(s, NULL);
    rc = put(out, size, &n, c >= 0 ? (char)c : *s);
    s += c >= 0 ? 2 : 0;
  }
  return rc;
}
