/* What one write holds, for stream management's count and CSI: the
 * top-level elements of a head and a body taken as one text. The bytes
 * are the module's own output (xmpp_out.c, the XML writer): well-formed,
 * attribute values quoted and escaped, no comments or CDATA; a stream
 * header or </stream:stream> leaves the depth unbalanced, which is
 * clamped. A byte-level state machine, so one function longer than
 * usual. */
#include "xmpp_sm.h"

#include <string.h>

enum { S_TEXT, S_LT, S_NAME, S_TAG, S_QUOTE, S_END, S_SKIP };

typedef struct scan_s {
  int state;
  char quote;
  bool slash; /* the last byte of the tag so far was '/' */
  int depth;
  char name[12]; /* a top-level element's name, cut */
  size_t name_len;
  xsm_scan_t *out;
} scan_t;

static void
top_done(scan_t *s)
{
  s->name[s->name_len < sizeof(s->name) ? s->name_len : 0] = '\0';
  if (strcmp(s->name, "presence") == 0) {
    s->out->stanzas++;
    s->out->presences++;
  } else if (strcmp(s->name, "message") == 0 || strcmp(s->name, "iq") == 0)
    s->out->stanzas++;
}

static void
tag_closed(scan_t *s)
{
  if (s->slash) { /* <x/>: complete */
    if (s->depth == 0)
      top_done(s);
  } else {
    s->depth++;
  }
  s->state = S_TEXT;
}

static void
step(scan_t *s, char ch)
{
  switch (s->state) {
  case S_TEXT:
    if (ch == '<')
      s->state = S_LT;
    break;
  case S_LT:
    s->slash = false;
    if (ch == '/') {
      s->state = S_END;
    } else if (ch == '?' || ch == '!') {
      s->state = S_SKIP;
    } else {
      if (s->depth == 0) {
        s->name_len = 0;
        s->name[s->name_len++] = ch;
      }
      s->state = S_NAME;
    }
    break;
  case S_NAME:
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      s->state = S_TAG;
    } else if (ch == '>') {
      tag_closed(s);
    } else if (ch == '/') {
      s->slash = true;
      s->state = S_TAG;
    } else if (s->depth == 0) {
      if (s->name_len < sizeof(s->name) - 1)
        s->name[s->name_len++] = ch;
      else
        s->name_len = sizeof(s->name); /* too long: none of ours */
    }
    break;
  case S_TAG:
    if (ch == '\'' || ch == '"') {
      s->quote = ch;
      s->state = S_QUOTE;
    } else if (ch == '>') {
      tag_closed(s);
    } else {
      s->slash = ch == '/';
    }
    break;
  case S_QUOTE:
    if (ch == s->quote)
      s->state = S_TAG;
    break;
  case S_END:
    if (ch == '>') {
      if (s->depth > 0 && --s->depth == 0)
        top_done(s);
      s->state = S_TEXT;
    }
    break;
  case S_SKIP:
    if (ch == '>')
      s->state = S_TEXT;
    break;
  }
}

void
reed__xsm_scan(const void *head, size_t head_len, const reed_buf_t *body,
               xsm_scan_t *out)
{
  scan_t s = {.state = S_TEXT, .out = out};
  const char *p = head;

  memset(out, 0, sizeof(*out));
  for (size_t i = 0; i < head_len; i++)
    step(&s, p[i]);
  p = body != NULL ? (const char *)body->data : NULL;
  for (size_t i = 0; body != NULL && i < body->len; i++)
    step(&s, p[i]);
}

bool
reed__xsm_attr(const char *text, size_t len, const char *name, char *out,
               size_t size)
{
  size_t n = strlen(name), end = 0;

  while (end < len && text[end] != '>')
    end++; /* the first start tag only */
  for (size_t i = 0; i + n + 3 <= end; i++) {
    char q;
    size_t j;
    if (text[i] != ' ' || memcmp(text + i + 1, name, n) != 0 ||
        text[i + 1 + n] != '=')
      continue;
    q = text[i + n + 2];
    if (q != '\'' && q != '"')
      continue;
    for (j = i + n + 3; j < end && text[j] != q; j++)
      ;
    if (j >= end || j - (i + n + 3) >= size)
      return false;
    memcpy(out, text + i + n + 3, j - (i + n + 3));
    out[j - (i + n + 3)] = '\0';
    return true;
  }
  return false;
}

reed_buf_t *
reed__xsm_flat(const void *head, size_t head_len, reed_buf_t *body)
{
  reed_buf_t *b;

  if (head == NULL)
    return reed_buf_ref(body);
  if ((b = reed_buf_new(head_len + body->len + 1)) == NULL)
    return NULL;
  if (reed_buf_append(&b, head, head_len) < 0 ||
      reed_buf_append(&b, body->data, body->len) < 0) {
    reed_buf_unref(b);
    return NULL;
  }
  return b;
}
