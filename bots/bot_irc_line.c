/* The bot's own small IRC line parser: tags, prefix, command, params.
 *
 * bots/ does not use protocols/irc's parser: libreed-bot is shipped on its
 * own (base and libuv only) and a bot must not depend on a protocol
 * module. A client only needs to read what servers send, so this one is
 * lenient where RFC 1459 servers differ (runs of spaces, empty trailing)
 * and strict only about what would be unsafe (NUL, missing command). */
#include "bot_irc_int.h"

#include <string.h>

static char *
skip_sp(char *p)
{
  while (*p == ' ')
    p++;
  return p;
}

/* Cuts the next space-separated word; returns what follows it. */
static char *
cut_word(char *p)
{
  while (*p && *p != ' ')
    p++;
  if (*p == ' ')
    *p++ = '\0';
  return skip_sp(p);
}

static int
parse_prefix(char *prefix, reed__bot_irc_msg_t *m)
{
  char *bang, *at;

  if (*prefix == '\0')
    return REED_ESYNTAX;
  m->nick = prefix;
  at = strchr(prefix, '@');
  if (at) {
    *at = '\0';
    m->host = at + 1;
  }
  bang = strchr(prefix, '!');
  if (bang) {
    *bang = '\0';
    m->user = bang + 1;
  }
  return *m->nick ? 0 : REED_ESYNTAX;
}

static int
command_ok(const char *c)
{
  size_t n = 0;

  for (; c[n]; n++) {
    unsigned char ch = (unsigned char)c[n];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          (ch >= '0' && ch <= '9')))
      return 0;
  }
  return n > 0 && n <= 32;
}

static void
parse_params(char *p, reed__bot_irc_msg_t *m)
{
  while (*p && m->n_params < REED__BOT_IRC_PARAMS) {
    if (*p == ':' || m->n_params == REED__BOT_IRC_PARAMS - 1) {
      m->params[m->n_params++] = *p == ':' ? p + 1 : p;
      return;
    }
    m->params[m->n_params++] = p;
    p = cut_word(p);
  }
}

int
reed__bot_irc_parse(const char *line, size_t len, reed__bot_irc_msg_t *m)
{
  char *p;
  int rc;

  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len > REED__BOT_IRC_LINE_MAX)
    return REED_ETOOBIG;
  if (len == 0 || memchr(line, '\0', len) || memchr(line, '\r', len) ||
      memchr(line, '\n', len))
    return REED_ESYNTAX;
  memset(m, 0, offsetof(reed__bot_irc_msg_t, buf));
  memcpy(m->buf, line, len);
  m->buf[len] = '\0';
  p = m->buf;
  if (*p == '@') {
    m->tags = p + 1;
    p = cut_word(p);
  }
  p = skip_sp(p);
  if (*p == ':') {
    char *prefix = p + 1;
    p = cut_word(p);
    if ((rc = parse_prefix(prefix, m)) != 0)
      return rc;
  }
  m->command = p;
  p = cut_word(p);
  if (!command_ok(m->command))
    return REED_ESYNTAX;
  parse_params(p, m);
  return 0;
}

static char
unescape(char c)
{
  switch (c) {
  case ':':
    return ';';
  case 's':
    return ' ';
  case 'r':
    return '\r';
  case 'n':
    return '\n';
  default:
    return c;
  }
}

static void
copy_value(const char *v, char *out, size_t size)
{
  size_t n = 0;

  while (*v && *v != ';' && *v != ' ' && n + 1 < size) {
    if (*v == '\\' && v[1]) {
      out[n++] = unescape(v[1]);
      v += 2;
      continue;
    }
    if (*v == '\\')
      break;
    out[n++] = *v++;
  }
  out[n] = '\0';
}

int
reed__bot_irc_tag(const reed__bot_irc_msg_t *m, const char *key, char *out,
                  size_t size)
{
  size_t klen = strlen(key);
  const char *t = m->tags;

  if (size == 0)
    return 0;
  while (t && *t) {
    if (strncmp(t, key, klen) == 0 &&
        (t[klen] == '=' || t[klen] == ';' || t[klen] == '\0')) {
      copy_value(t[klen] == '=' ? t + klen + 1 : t + klen, out, size);
      return 1;
    }
    t = strchr(t, ';');
    if (t)
      t++;
  }
  return 0;
}
