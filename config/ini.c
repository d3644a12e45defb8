/* A small pure INI parser (config.h describes the syntax). It copies one
 * line at a time into a growing buffer, so a line has no length limit but
 * REED_INI_MAX_LINE, and hands the callback NUL-terminated, trimmed
 * strings with their line number. */
#include "config.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  reed_ini_cb cb;
  void *ud;
  reed_conf_err_t *err;
  char *section; /* current section name (heap, reed_malloc) */
  int line;
} ini_t;

static int
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims blanks at both ends of s in place; returns the new start. */
static char *
trim(char *s)
{
  size_t n;

  while (is_blank(*s))
    s++;
  n = strlen(s);
  while (n > 0 && is_blank(s[n - 1]))
    s[--n] = '\0';
  return s;
}

static int
fail(ini_t *p, int rc, const char *msg)
{
  if (p->err != NULL) {
    p->err->line = p->line;
    p->err->key[0] = '\0';
    reed_strlcpy(p->err->msg, msg, sizeof(p->err->msg));
  }
  return rc;
}

static int
on_section(ini_t *p, char *s)
{
  char *end = strchr(s, ']'), *name, *rest, *copy;

  if (end == NULL)
    return fail(p, REED_ESYNTAX, "unterminated section header");
  *end = '\0';
  rest = trim(end + 1);
  if (*rest != '\0' && *rest != ';' && *rest != '#')
    return fail(p, REED_ESYNTAX, "text after section header");
  name = trim(s + 1);
  if (*name == '\0')
    return fail(p, REED_ESYNTAX, "empty section name");
  if (strchr(name, '[') != NULL)
    return fail(p, REED_ESYNTAX, "'[' inside section name");
  copy = reed_strdup(name);
  if (copy == NULL)
    return fail(p, REED_ENOMEM, "out of memory");
  reed_free(p->section);
  p->section = copy;
  return p->cb(p->ud, p->section, NULL, NULL, p->line);
}

static int
on_pair(ini_t *p, char *s)
{
  char *eq = strchr(s, '='), *key;

  if (eq == NULL)
    return fail(p, REED_ESYNTAX, "expected 'key = value'");
  *eq = '\0';
  key = trim(s);
  if (*key == '\0')
    return fail(p, REED_ESYNTAX, "empty key before '='");
  return p->cb(p->ud, p->section ? p->section : "", key, trim(eq + 1), p->line);
}

/* One line without its '\n', NUL-terminated in a writable buffer. */
static int
on_line(ini_t *p, char *s)
{
  s = trim(s);
  if (*s == '\0' || *s == ';' || *s == '#')
    return 0;
  if (*s == '[')
    return on_section(p, s);
  return on_pair(p, s);
}

/* Copies [s, s+n) into *buf (grown as needed) and NUL-terminates it. */
static int
load_line(ini_t *p, char **buf, size_t *cap, const char *s, size_t n)
{
  char *nb;

  if (n >= REED_INI_MAX_LINE) {
    char msg[64];
    snprintf(msg, sizeof(msg), "line longer than %d bytes", REED_INI_MAX_LINE);
    return fail(p, REED_ETOOBIG, msg);
  }
  if (memchr(s, '\0', n) != NULL)
    return fail(p, REED_ESYNTAX, "NUL byte in line");
  if (n + 1 > *cap) {
    size_t want = *cap ? *cap : 256;
    while (want < n + 1)
      want *= 2;
    nb = reed_realloc(*buf, want);
    if (nb == NULL)
      return fail(p, REED_ENOMEM, "out of memory");
    *buf = nb;
    *cap = want;
  }
  memcpy(*buf, s, n);
  (*buf)[n] = '\0';
  return 0;
}

int
reed_ini_parse(const char *text, size_t len, reed_ini_cb cb, void *ud,
               reed_conf_err_t *err)
{
  ini_t p = {.cb = cb, .ud = ud, .err = err};
  char *buf = NULL;
  size_t cap = 0, pos = 0;
  int rc = 0;

  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (rc == 0 && pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    p.line++;
    rc = load_line(&p, &buf, &cap, text + pos, n);
    if (rc == 0)
      rc = on_line(&p, buf);
    pos += n + (nl != NULL);
  }
  reed_free(buf);
  reed_free(p.section);
  return rc;
}
