/* Batches (IRCv3 batch) and labeled-response: while a labeled command
 * runs, every line for this connection is captured; afterwards it goes out
 * as an ACK (nothing), one labeled line, or a labeled-response batch. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

/* Writes `line` (one line with CRLF) with `tag` ("key=value") added to its
 * tag section. A line already in a batch keeps that batch (nesting). */
static void
write_tagged(reed_irc_core_t *c, const char *line, size_t len, const char *tag)
{
  bool has_tags = len > 0 && line[0] == '@';
  const char *sp = has_tags ? memchr(line, ' ', len) : NULL;
  reed_buf_t *b;

  if (tag != NULL && has_tags && sp != NULL && strncmp(tag, "batch=", 6) == 0) {
    size_t tl = (size_t)(sp - line);
    char tags[REED_IRC_TAGS_MAX];
    snprintf(tags, sizeof(tags), ";%.*s;", (int)tl - 1, line + 1);
    if (strstr(tags, ";batch=") != NULL)
      tag = NULL;
  }
  b = reed_buf_new(len + strlen(tag ? tag : "") + 4);
  if (b == NULL)
    return;
  if (tag != NULL && has_tags)
    reed_buf_printf(&b, "@%s;", tag);
  else if (tag != NULL)
    reed_buf_printf(&b, "@%s ", tag);
  reed_buf_append(&b, line + (tag != NULL && has_tags),
                  len - (tag && has_tags));
  reed__irc_write_buf(c, b);
  reed_buf_unref(b);
}

void
reed__irc_write_lines(reed_irc_core_t *c, const reed_buf_t *lines,
                      const char *tag)
{
  const char *p = (const char *)lines->data, *end = p + lines->len;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
    write_tagged(c, p, n, tag);
    p += n;
  }
}

void
reed__irc_batch_id(reed_irc_core_t *c, char *id, size_t size)
{
  snprintf(id, size, "b%u", ++c->batch_seq);
}

/* ---- labeled-response ------------------------------------------------------
 */

void
reed__irc_label_begin(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *label = reed_irc_msg_tag(m, "label");
  char esc[72];

  if (!(c->caps & IRC_CAP_LABELED_RESPONSE) || label == NULL ||
      label[0] == '\0' || strlen(label) > 64)
    return;
  c->capture = reed_buf_new(512);
  if (c->capture == NULL)
    return;
  reed_irc_tag_escape(esc, sizeof(esc), label);
  reed_free(c->label);
  if ((c->label = reed_strdup(esc)) == NULL) {
    reed_buf_unref(c->capture); /* no memory: the command goes unlabeled */
    c->capture = NULL;
  }
}

static size_t
count_lines(const reed_buf_t *b)
{
  size_t n = 0;

  for (size_t i = 0; i < b->len; i++)
    n += b->data[i] == '\n';
  return n;
}

/* A response that is one draft/multiline batch (an echoed multiline
 * message) carries the label on its opening BATCH alone (the spec's
 * labeled-response rule for multiline). */
static bool
one_multiline_batch(const reed_buf_t *b)
{
  const char *p = (const char *)b->data, *nl = memchr(p, '\n', b->len);
  size_t n = nl ? (size_t)(nl - p) : b->len;
  char first[REED_IRC_TAGS_MAX + REED_IRC_LINE_MAX];

  if (nl == NULL || n >= sizeof(first))
    return false;
  memcpy(first, p, n);
  first[n] = '\0';
  return strstr(first, " BATCH +") != NULL &&
         strstr(first, " draft/multiline ") != NULL;
}

static void
write_first_tagged(reed_irc_core_t *c, const reed_buf_t *b, const char *tag)
{
  const char *p = (const char *)b->data, *nl = memchr(p, '\n', b->len);
  size_t n = (size_t)(nl - p) + 1;
  reed_buf_t *rest = reed_buf_from(p + n, b->len - n);

  write_tagged(c, p, n, tag);
  if (rest != NULL)
    reed__irc_write_lines(c, rest, NULL);
  reed_buf_unref(rest);
}

void
reed__irc_label_end(reed_irc_core_t *c)
{
  reed_buf_t *cap = c->capture;
  char tag[96], id[16];
  size_t n;

  if (cap == NULL)
    return;
  c->capture = NULL;
  snprintf(tag, sizeof(tag), "label=%s", c->label);
  reed_free(c->label);
  c->label = NULL;
  n = count_lines(cap);
  if (n == 0) {
    reed__irc_send(c, "@%s :%s ACK", tag, IRC_SERVER(c));
  } else if (one_multiline_batch(cap)) {
    write_first_tagged(c, cap, tag);
  } else if (n == 1 || !(c->caps & IRC_CAP_BATCH)) {
    reed__irc_write_lines(c, cap, n == 1 ? tag : NULL);
  } else {
    reed__irc_batch_id(c, id, sizeof(id));
    reed__irc_send(c, "@%s :%s BATCH +%s labeled-response", tag, IRC_SERVER(c),
                   id);
    snprintf(tag, sizeof(tag), "batch=%s", id);
    reed__irc_write_lines(c, cap, tag);
    reed__irc_send(c, ":%s BATCH -%s", IRC_SERVER(c), id);
  }
  reed_buf_unref(cap);
}
