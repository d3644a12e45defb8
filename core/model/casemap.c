/* Names under the `ascii` casemapping, their grammars, glob masks, and the
 * text checks every operation shares. */
#include "model_int.h"

static char
fold(char c)
{
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

void
reed_casefold(char *dst, const char *src, size_t size)
{
  size_t i = 0;

  if (size == 0)
    return;
  for (; src[i] != '\0' && i + 1 < size; i++)
    dst[i] = fold(src[i]);
  dst[i] = '\0';
}

int
reed_casecmp(const char *a, const char *b)
{
  for (;; a++, b++) {
    unsigned char ca = (unsigned char)fold(*a), cb = (unsigned char)fold(*b);
    if (ca != cb || ca == '\0')
      return (int)ca - (int)cb;
  }
}

static bool
is_letter(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
  return c >= '0' && c <= '9';
}

bool
reed_nick_valid(const char *nick)
{
  size_t n;

  if (nick == NULL || nick[0] == '\0')
    return false;
  n = strlen(nick);
  if (n > REED_NICK_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = nick[i];
    if (is_letter(c) || (c != '\0' && strchr("[]\\`_^{|}", c) != NULL))
      continue;
    if (i > 0 && (is_digit(c) || c == '-'))
      continue;
    return false;
  }
  return true;
}

bool
reed_account_valid(const char *name)
{
  size_t n;

  if (name == NULL || !is_letter(name[0]))
    return false;
  n = strlen(name);
  if (n > REED_ACCOUNT_MAX)
    return false;
  for (size_t i = 1; i < n; i++)
    if (!is_letter(name[i]) && !is_digit(name[i]) && name[i] != '_' &&
        name[i] != '-')
      return false;
  return true;
}

/* C0 controls, DEL, and the C1 controls U+0080..U+009F (encoded C2 80..9F). */
static bool
has_control(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    uint8_t c = (uint8_t)s[i];
    if (c < 0x20 || c == 0x7f)
      return true;
    if (c == 0xc2 && i + 1 < len && (uint8_t)s[i + 1] < 0xa0)
      return true;
  }
  return false;
}

bool
reed__text_clean(const char *s, size_t len)
{
  return reed_utf8_valid((const uint8_t *)s, len) && !has_control(s, len);
}

/* 1..max bytes of clean UTF-8 without any of the `banned` bytes. */
static bool
token_valid(const char *s, size_t max, const char *banned)
{
  size_t n = s != NULL ? strnlen(s, max + 1) : 0;

  return n > 0 && n <= max && reed__text_clean(s, n) &&
         strpbrk(s, banned) == NULL;
}

bool
reed_room_name_valid(const char *name)
{
  return token_valid(name, REED_ROOM_MAX, " ,:@/\\");
}

bool
reed_room_key_valid(const char *key)
{
  return token_valid(key, REED_KEY_MAX, " ,");
}

bool
reed_mask_match(const char *mask, const char *subject)
{
  const char *p = mask, *s = subject, *star_p = NULL, *star_s = NULL;

  if (mask == NULL || subject == NULL)
    return false;
  while (*s != '\0') {
    if (*p == '*') {
      while (*p == '*')
        p++;
      star_p = p;
      star_s = s;
      continue;
    }
    size_t adv = (*p == '\\' && p[1] != '\0') ? 2 : 1;
    char c = adv == 2 ? p[1] : *p;
    if (*p != '\0' && ((adv == 1 && c == '?') || fold(c) == fold(*s))) {
      p += adv;
      s++;
      continue;
    }
    if (star_p == NULL)
      return false;
    p = star_p;
    s = ++star_s;
  }
  while (*p == '*')
    p++;
  return *p == '\0';
}

bool
reed__text_valid(const char *s, size_t len)
{
  if (s == NULL || len == 0 || len > REED__TEXT_MAX)
    return false;
  if (memchr(s, '\0', len) != NULL)
    return false;
  return reed_utf8_valid((const uint8_t *)s, len);
}

/* Backs up from `n` to the start of a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t n)
{
  while (n > 0 && ((uint8_t)s[n] & 0xc0) == 0x80)
    n--;
  return n;
}

int
reed__reason_check(const char *in, char *out, size_t size)
{
  size_t n;

  out[0] = '\0';
  if (in == NULL)
    return 0;
  n = strlen(in);
  if (!reed__text_clean(in, n))
    return REED_EBADTEXT;
  if (n >= size)
    n = utf8_cut(in, size - 1);
  memcpy(out, in, n);
  out[n] = '\0';
  return 0;
}

bool
reed__field_valid(const char *s, size_t max)
{
  size_t n;

  if (s == NULL || s[0] == '\0')
    return false;
  n = strlen(s);
  return n <= max && reed__text_clean(s, n) && strchr(s, ' ') == NULL;
}

char *
reed__strdup0(const char *s)
{
  return s ? reed_strdup(s) : NULL;
}
