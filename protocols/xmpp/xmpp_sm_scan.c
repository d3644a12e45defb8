/* What one write holds, over the module's own output (xmpp_out.c, the XML
 * writer): well-formed, attribute values quoted and escaped, no comments
 * or CDATA; a stream header or </stream:stream> leaves the depth
 * unbalanced, which is clamped. Writers say how many stanzas a write holds
 * (the output hook's count), so stream management only walks the bytes
 * where the stanzas themselves are the question: the <delay/> of a resent
 * stanza, and the end of a parked session that sorts its stanzas by kind.
 * A byte-level state machine, so one function longer than usual. */
#include "xmpp_sm.h"

#include <string.h>

enum { S_TEXT, S_LT, S_NAME, S_TAG, S_QUOTE, S_END, S_SKIP };

typedef struct scan_s {
  int state;
  char quote;
  bool slash; /* the last byte of the tag so far was '/' */
  int depth;
  size_t pos;    /* of the byte being stepped, over head and body */
  size_t lt;     /* of the '<' of the tag being read */
  char name[12]; /* the name of a top-level or depth-1 element, cut */
  size_t name_len;
  char top[12]; /* the current top-level element's name */
  xsm_walk_fn fn;
  void *ud;
} scan_t;

static void
emit(scan_t *s, int kind, size_t pos)
{
  xsm_ev_t ev = {kind, pos, s->top, s->name};

  if (s->fn != NULL)
    s->fn(s->ud, &ev);
}

static void
name_done(scan_t *s)
{
  s->name[s->name_len < sizeof(s->name) ? s->name_len : 0] = '\0';
  if (s->depth == 0)
    memcpy(s->top, s->name, sizeof(s->top));
}

static void
tag_closed(scan_t *s)
{
  if (s->depth == 0)
    emit(s, XSM_EV_START, s->pos);
  else if (s->depth == 1)
    emit(s, XSM_EV_CHILD, s->lt);
  if (s->slash) { /* <x/>: complete */
    if (s->depth == 0)
      emit(s, XSM_EV_DONE, s->pos + 1);
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
    if (ch == '<') {
      s->lt = s->pos;
      s->state = S_LT;
    }
    break;
  case S_LT:
    s->slash = false;
    if (ch == '/') {
      if (s->depth == 1)
        emit(s, XSM_EV_END_TAG, s->lt);
      s->state = S_END;
    } else if (ch == '?' || ch == '!') {
      s->state = S_SKIP;
    } else {
      if (s->depth == 0)
        emit(s, XSM_EV_OPEN, s->lt);
      s->name_len = 0;
      s->name[s->name_len++] = ch;
      s->state = S_NAME;
    }
    break;
  case S_NAME:
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      name_done(s);
      s->state = S_TAG;
    } else if (ch == '>') {
      name_done(s);
      tag_closed(s);
    } else if (ch == '/') {
      name_done(s);
      s->slash = true;
      s->state = S_TAG;
    } else if (s->name_len < sizeof(s->name) - 1) {
      s->name[s->name_len++] = ch;
    } else {
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
        emit(s, XSM_EV_DONE, s->pos + 1);
      s->state = S_TEXT;
    }
    break;
  case S_SKIP:
    if (ch == '>')
      s->state = S_TEXT;
    break;
  }
  s->pos++;
}

void
reed__xsm_walk(const void *head, size_t head_len, const reed_buf_t *body,
               xsm_walk_fn fn, void *ud)
{
  scan_t s = {.state = S_TEXT, .fn = fn, .ud = ud};
  const char *p = head;

  for (size_t i = 0; i < head_len; i++)
    step(&s, p[i]);
  p = body != NULL ? (const char *)body->data : NULL;
  for (size_t i = 0; body != NULL && i < body->len; i++)
    step(&s, p[i]);
}

static bool
starts(const void *head, size_t head_len, const reed_buf_t *body,
       const char *prefix)
{
  size_t n = strlen(prefix);

  if (head_len > 0)
    return head_len >= n && memcmp(head, prefix, n) == 0;
  return body != NULL && body->len >= n && memcmp(body->data, prefix, n) == 0;
}

void
reed__xsm_count(const void *head, size_t head_len, const reed_buf_t *body,
                int n, xsm_scan_t *out)
{
  out->stanzas = (unsigned)n;
  out->presences = n == 1 && (starts(head, head_len, body, "<presence ") ||
                              starts(head, head_len, body, "<presence>") ||
                              starts(head, head_len, body, "<presence/"));
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
