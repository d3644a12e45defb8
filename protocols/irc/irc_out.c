/* Output primitives for one connection: writes (a failed one recorded,
 * then closed by the entry point), numerics, masks, comma lists, and the
 * server-time and read-marker strings. Commands and the renderer
 * (irc_fmt.c) build on these; nothing here calls either. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *
reed__irc_room_of(const char *chan)
{
  if (chan == NULL || chan[0] != '#' || !reed_room_name_valid(chan + 1))
    return NULL;
  return chan + 1;
}

/* A failed write is only recorded: closing here would quit the session
 * from inside a model fan-out or halfway through a command. The entry
 * point that led here (feed, the listener, a timer, a portal answer)
 * closes through reed__irc_check_write once it is done; until then the
 * connection's writes are dropped. Called by reed__irc_write_buf while a
 * labeled response is being collected. */
void
reed__irc_write_capture(reed_irc_core_t *c, reed_buf_t *b)
{
  if (reed_buf_append(&c->capture, b->data, b->len) == 0)
    return;
  reed__irc_label_end(c); /* no memory: send what there is, unlabeled */
  if (c->tr->write(c->tr->t, b) < 0)
    c->write_failed = true;
}

/* Cuts the non-tag part of `line` to IRC_BODY_MAX bytes, adds CRLF and
 * writes it. */
static void
send_line(reed_irc_core_t *c, char *line, size_t len)
{
  size_t tags = 0;
  reed_buf_t *b;

  if (line[0] == '@') {
    const char *sp = memchr(line, ' ', len);
    tags = sp ? (size_t)(sp - line) + 1 : 0;
  }
  len = tags + reed_utf8_cut(line + tags, len - tags, IRC_BODY_MAX);
  memcpy(line + len, "\r\n", 2);
  b = reed_buf_from(line, len + 2);
  if (b == NULL)
    return;
  reed__irc_write_buf(c, b);
  reed_buf_unref(b);
}

static void
vsend(reed_irc_core_t *c, const char *pre, const char *fmt, va_list ap)
{
  static char line[IRC_READ_MAX + 8];
  size_t cap = sizeof(line) - 2, n = 0;
  int k;

  if (pre != NULL)
    n = reed_strlcpy(line, pre, cap);
  if (n >= cap)
    n = cap - 1;
  k = vsnprintf(line + n, cap - n, fmt, ap);
  if (k < 0)
    return;
  n += (size_t)k < cap - n ? (size_t)k : cap - n - 1;
  send_line(c, line, n);
}

void
reed__irc_send(reed_irc_core_t *c, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsend(c, NULL, fmt, ap);
  va_end(ap);
}

const char *
reed__irc_own_nick(const reed_irc_core_t *c)
{
  const char *n = c->session ? reed_session_nick(c->session) : NULL;

  if (n == NULL && c->pend != NULL && c->pend->nick_wanted[0] != '\0')
    n = c->pend->nick_wanted;
  return n;
}

const char *
reed__irc_nick(const reed_irc_core_t *c)
{
  const char *n = c->session ? reed_session_nick(c->session) : NULL;

  return (n != NULL && (c->state & IRC_ST_REG)) ? n : "*";
}

/* Appends s to out[*n], keeping room for a NUL within size. */
static void
put_str(char *out, size_t size, size_t *n, const char *s)
{
  size_t len = strlen(s);

  if (len > size - 1 - *n)
    len = size - 1 - *n;
  memcpy(out + *n, s, len);
  *n += len;
}

void
reed__irc_num(reed_irc_core_t *c, const char *num, const char *fmt, ...)
{
  char pre[160];
  size_t n = 0;
  va_list ap;

  /* ":server num nick ", copied rather than printed: a registration sends
   * some twenty numerics, and snprintf was a fifth of its cost. */
  pre[n++] = ':';
  put_str(pre, sizeof(pre), &n, IRC_SERVER(c));
  put_str(pre, sizeof(pre), &n, " ");
  put_str(pre, sizeof(pre), &n, num);
  put_str(pre, sizeof(pre), &n, " ");
  put_str(pre, sizeof(pre), &n, reed__irc_nick(c));
  put_str(pre, sizeof(pre), &n, " ");
  pre[n] = '\0';
  va_start(ap, fmt);
  vsend(c, pre, fmt, ap);
  va_end(ap);
}

/* ---- Masks -----------------------------------------------------------------
 */

/* Copies `s` with every byte that cannot be in a mask part replaced. */
static size_t
put_clean(char *out, size_t size, const char *s, const char *fallback)
{
  size_t n = 0;

  if (s == NULL || *s == '\0')
    s = fallback;
  for (; *s != '\0' && n + 1 < size && n < 64; s++) {
    unsigned char ch = (unsigned char)*s;
    bool bad = ch <= ' ' || ch == '!' || ch == '@' || ch == ',' || ch == 0x7f;
    out[n++] = bad ? '_' : (char)ch;
  }
  out[n] = '\0';
  return n;
}

/* IRC users show their ident and host; members from other protocols show
 * nick!account@origin-host (docs/design.md), never assuming an IRC connection.
 */
size_t
reed__irc_mask_str(const reed_actor_t *a, char *out, size_t size)
{
  bool irc = a->origin != NULL && strcmp(a->origin, "irc") == 0;
  const char *user = irc ? a->user : a->account;
  size_t n = put_clean(out, size, a->nick, "*");

  if (n + 2 < size) {
    out[n++] = '!';
    n += put_clean(out + n, size - n, user, a->nick ? a->nick : "*");
  }
  if (n + 2 < size) {
    out[n++] = '@';
    n += put_clean(out + n, size - n, a->host,
                   a->origin ? a->origin : "unknown");
  }
  out[n] = '\0';
  return n;
}

int
reed__irc_append_mask(reed_buf_t **b, const reed_actor_t *a)
{
  char mask[IRC_MASK_MAX];
  size_t n = reed__irc_mask_str(a, mask, sizeof(mask));

  return reed_buf_append(b, mask, n);
}

size_t
reed__irc_split(char *buf, size_t size, const char *list, char **items,
                size_t max)
{
  size_t n = 0;
  char *p = buf, *save = NULL;

  reed_strlcpy(buf, list, size);
  for (char *t = strtok_r(p, ",", &save); t != NULL && n < max;
       t = strtok_r(NULL, ",", &save))
    items[n++] = t;
  return n;
}

/* ---- Times -----------------------------------------------------------------
 */

void
reed__irc_time_str(uint64_t ms, char *out, size_t size)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (unsigned)(ms % 1000));
}

void
reed__irc_marker_str(uint64_t ts, char *out, size_t size)
{
  char t[64];

  if (ts == 0) {
    reed_strlcpy(out, "*", size);
    return;
  }
  reed__irc_time_str(ts, t, sizeof(t));
  snprintf(out, size, "timestamp=%s", t);
}

size_t
reed__irc_prefixes(bool multi, reed_affiliation_t aff, bool op, bool voice,
                   char out[5])
{
  size_t n = 0;

  if (aff == REED_AFF_OWNER)
    out[n++] = '~';
  if (aff == REED_AFF_ADMIN)
    out[n++] = '&';
  if (op && (multi || n == 0))
    out[n++] = '@';
  if (voice && (multi || n == 0))
    out[n++] = '+';
  out[n] = '\0';
  return n;
}
