/* The IRC line parser and serializer: pure functions, no allocation beyond
 * the output buffer. Grammar: RFC 1459 section 2.3.1 (one or more spaces
 * between atoms) and IRCv3 message-tags (tag value escaping). */
#include "irc_line.h"

#include <string.h>

/* ---- Parsing -------------------------------------------------------------
 */

static char *
skip_spaces(char *p)
{
  while (*p == ' ')
    p++;
  return p;
}

/* Cuts the token at p at the next space; returns what follows it. */
static char *
cut_token(char *p)
{
  char *sp = strchr(p, ' ');

  if (sp == NULL)
    return p + strlen(p);
  *sp = '\0';
  return sp + 1;
}

/* Unescapes a tag value in place (it only shrinks): \: ; \s space \\ \
 * \r CR \n LF; any other escaped character stands for itself and a lone
 * trailing backslash is dropped. */
static void
unescape_value(char *v)
{
  char *w = v;

  for (const char *r = v; *r != '\0'; r++) {
    if (*r != '\\') {
      *w++ = *r;
      continue;
    }
    r++;
    if (*r == '\0')
      break;
    switch (*r) {
    case ':':
      *w++ = ';';
      break;
    case 's':
      *w++ = ' ';
      break;
    case 'r':
      *w++ = '\r';
      break;
    case 'n':
      *w++ = '\n';
      break;
    default:
      *w++ = *r;
    }
  }
  *w = '\0';
}

/* Adds or replaces (the last duplicate wins) one tag. */
static int
add_tag(reed_irc_msg_t *m, const char *key, const char *value)
{
  for (size_t i = 0; i < m->n_tags; i++) {
    if (strcmp(m->tags[i].key, key) == 0) {
      m->tags[i].value = value;
      return 0;
    }
  }
  if (m->n_tags == REED_IRC_TAGS_COUNT_MAX)
    return REED_ELIMIT;
  m->tags[m->n_tags++] = (reed_irc_tag_t){.key = key, .value = value};
  return 0;
}

/* Parses "k1=v1;k2;..." (already cut at its end) into m->tags. */
static int
parse_tags(reed_irc_msg_t *m, char *p)
{
  while (*p != '\0') {
    char *item = p, *semi = strchr(p, ';'), *eq;
    int rc;

    if (semi != NULL) {
      *semi = '\0';
      p = semi + 1;
    } else {
      p += strlen(p);
    }
    if (*item == '\0')
      continue;
    eq = strchr(item, '=');
    if (eq != NULL)
      *eq = '\0';
    if (*item == '\0' || (item[0] == '+' && item[1] == '\0'))
      return REED_ESYNTAX;
    if (eq != NULL)
      unescape_value(eq + 1);
    rc = add_tag(m, item, eq != NULL ? eq + 1 : "");
    if (rc < 0)
      return rc;
  }
  return 0;
}

static int
parse_params(reed_irc_msg_t *m, char *p)
{
  for (;;) {
    p = skip_spaces(p);
    if (*p == '\0')
      return 0;
    if (*p == ':' || m->n_params == REED_IRC_PARAMS_MAX - 1) {
      m->params[m->n_params++] = *p == ':' ? p + 1 : p;
      return 0;
    }
    m->params[m->n_params++] = p;
    p = cut_token(p);
  }
}

static int
has_forbidden_byte(const char *line, size_t len)
{
  return memchr(line, '\0', len) != NULL || memchr(line, '\r', len) != NULL ||
         memchr(line, '\n', len) != NULL;
}

/* Cuts off and parses the tag section at m->buf; returns where the rest
 * starts, or NULL with *rc set. `strict` applies the tag section's limit. */
static char *
parse_tag_section(reed_irc_msg_t *m, bool strict, int *rc)
{
  char *p = m->buf + 1, *rest;

  rest = strchr(p, ' ');
  if (rest == NULL) {
    *rc = REED_ESYNTAX;
    return NULL;
  }
  *rest = '\0';
  m->tags_len = (size_t)(rest - p);
  if (strict && m->tags_len + 2 > REED_IRC_TAGS_MAX) {
    *rc = REED_ETOOBIG;
    return NULL;
  }
  *rc = parse_tags(m, p);
  return *rc < 0 ? NULL : rest + 1;
}

static int
parse(const char *line, size_t len, reed_irc_msg_t *m, bool strict)
{
  char *p = m->buf;
  int rc = 0;

  m->n_tags = m->n_params = m->tags_len = m->line_len = 0;
  m->source = m->command = NULL;
  if (len >= sizeof(m->buf))
    return REED_ETOOBIG;
  if (has_forbidden_byte(line, len))
    return REED_ESYNTAX;
  memcpy(m->buf, line, len);
  m->buf[len] = '\0';
  if (*p == '@' && (p = parse_tag_section(m, strict, &rc)) == NULL)
    return rc;
  m->line_len = strlen(p);
  if (strict && m->line_len + 2 > REED_IRC_LINE_MAX)
    return REED_ETOOBIG;
  p = skip_spaces(p);
  if (*p == ':') {
    m->source = p + 1;
    p = cut_token(p);
    if (*m->source == '\0')
      return REED_ESYNTAX;
    p = skip_spaces(p);
  }
  /* A command is a word or a numeric; one starting with '@' or ':' could
   * not be written back unambiguously. */
  if (*p == '\0' || *p == '@' || *p == ':')
    return REED_ESYNTAX;
  m->command = p;
  return parse_params(m, cut_token(p));
}

int
reed_irc_line_parse(const char *line, size_t len, reed_irc_msg_t *m)
{
  return parse(line, len, m, true);
}

int
reed_irc_line_parse_server(const char *line, size_t len, reed_irc_msg_t *m)
{
  return parse(line, len, m, false);
}

const char *
reed_irc_msg_tag(const reed_irc_msg_t *m, const char *key)
{
  for (size_t i = 0; i < m->n_tags; i++) {
    if (strcmp(m->tags[i].key, key) == 0)
      return m->tags[i].value;
  }
  return NULL;
}

/* ---- Serializing ---------------------------------------------------------
 */

static const char *
escape_of(char c)
{
  switch (c) {
  case ';':
    return "\\:";
  case ' ':
    return "\\s";
  case '\\':
    return "\\\\";
  case '\r':
    return "\\r";
  case '\n':
    return "\\n";
  default:
    return NULL;
  }
}

size_t
reed_irc_tag_escape(char *dst, size_t cap, const char *value)
{
  size_t n = 0, written = 0;
  bool full = cap == 0;

  for (const char *p = value; *p != '\0'; p++) {
    const char *e = escape_of(*p);
    size_t k = e != NULL ? 2 : 1;

    if (!full && written + k < cap) {
      memcpy(dst + written, e != NULL ? e : p, k);
      written += k;
    } else {
      full = true; /* keep the output a clean prefix */
    }
    n += k;
  }
  if (cap > 0)
    dst[written] = '\0';
  return n;
}

static int
append_escaped(reed_buf_t **out, const char *value)
{
  const char *run = value;
  int rc = 0;

  for (const char *p = value; *p != '\0' && rc == 0; p++) {
    const char *e = escape_of(*p);
    if (e == NULL)
      continue;
    rc = reed_buf_append(out, run, (size_t)(p - run));
    if (rc == 0)
      rc = reed_buf_append(out, e, 2);
    run = p + 1;
  }
  if (rc == 0)
    rc = reed_buf_append(out, run, strlen(run));
  return rc;
}

static bool
key_ok(const char *k)
{
  return *k != '\0' && strpbrk(k, "=; \r\n") == NULL;
}

static bool
token_ok(const char *s)
{
  return s != NULL && *s != '\0' && strpbrk(s, " \r\n") == NULL;
}

static bool
msg_valid(const reed_irc_msg_t *m)
{
  if (!token_ok(m->command) || (m->source && !token_ok(m->source)))
    return false;
  for (size_t i = 0; i < m->n_tags; i++) {
    if (!key_ok(m->tags[i].key) || m->tags[i].value == NULL)
      return false;
  }
  for (size_t i = 0; i < m->n_params; i++) {
    const char *p = m->params[i];
    if (p == NULL || strpbrk(p, "\r\n") != NULL)
      return false;
    if (i + 1 < m->n_params && (!token_ok(p) || p[0] == ':'))
      return false;
  }
  return true;
}

static int
append_tags(const reed_irc_msg_t *m, reed_buf_t **out)
{
  int rc = 0;

  for (size_t i = 0; i < m->n_tags && rc == 0; i++) {
    const reed_irc_tag_t *t = &m->tags[i];
    rc = reed_buf_append(out, i == 0 ? "@" : ";", 1);
    if (rc == 0)
      rc = reed_buf_append(out, t->key, strlen(t->key));
    if (rc == 0 && t->value[0] != '\0') {
      rc = reed_buf_append(out, "=", 1);
      if (rc == 0)
        rc = append_escaped(out, t->value);
    }
  }
  if (rc == 0 && m->n_tags > 0)
    rc = reed_buf_append(out, " ", 1);
  return rc;
}

static int
append_params(const reed_irc_msg_t *m, reed_buf_t **out)
{
  int rc = 0;

  for (size_t i = 0; i < m->n_params && rc == 0; i++) {
    const char *p = m->params[i];
    bool last = i + 1 == m->n_params;
    bool colon = last && (*p == '\0' || *p == ':' || strchr(p, ' '));

    rc = reed_buf_append(out, colon ? " :" : " ", colon ? 2 : 1);
    if (rc == 0)
      rc = reed_buf_append(out, p, strlen(p));
  }
  return rc;
}

int
reed_irc_msg_write(const reed_irc_msg_t *m, reed_buf_t **out)
{
  size_t start = (*out)->len;
  int rc;

  if (!msg_valid(m))
    return REED_EINVAL;
  rc = append_tags(m, out);
  if (rc == 0 && m->source != NULL) {
    rc = reed_buf_append(out, ":", 1);
    if (rc == 0)
      rc = reed_buf_append(out, m->source, strlen(m->source));
    if (rc == 0)
      rc = reed_buf_append(out, " ", 1);
  }
  if (rc == 0)
    rc = reed_buf_append(out, m->command, strlen(m->command));
  if (rc == 0)
    rc = append_params(m, out);
  if (rc == 0)
    rc = reed_buf_append(out, "\r\n", 2);
  if (rc < 0)
    (*out)->len = start;
  return rc;
}
