/* Output of a message with several lines (a draft/multiline batch from an
 * IRC client, or text with line feeds from XMPP or AMP): a multiline batch
 * for clients with draft/multiline and batch, else one line per non-blank
 * piece with the msgid on the first line only. Pieces end at LF (CR LF
 * counts as one) and at the event's soft breaks; a piece too long for one
 * line goes on in concatenated lines, so nothing is lost and nothing starts
 * an IRC line of its own. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

#define CONCAT "draft/multiline-concat"

bool
reed__irc_is_multiline(const reed_event_t *ev)
{
  return ev->kind == REED_EV_MESSAGE && ev->text != NULL &&
         (ev->u.msg.n_soft_breaks > 0 || memchr(ev->text, '\n', ev->text_len) ||
          memchr(ev->text, '\r', ev->text_len));
}

typedef struct {
  reed_buf_t **b;
  const char *head; /* ":mask " */
  const char *cmd;  /* "PRIVMSG" or "NOTICE" */
  const char *target;
  const char *first; /* tags of the first fallback line ("" or "@...; ") */
  const char *rest;  /* of the others: the same without msgid */
  char batch[40];    /* "" in fallback */
  bool sent_one;
  int rc;
} ml_out_t;

/* One piece of text, maybe continuing the previous line. */
static void
put(ml_out_t *o, const char *p, size_t n, bool concat)
{
  if (o->rc != 0)
    return;
  if (o->batch[0] != '\0') {
    o->rc =
        reed_buf_printf(o->b, "@batch=%s%s %s%s %s :", o->batch,
                        concat ? ";" CONCAT : "", o->head, o->cmd, o->target);
  } else {
    if (n == 0)
      return; /* no blank lines without the cap */
    o->rc =
        reed_buf_printf(o->b, "%s%s%s %s :", o->sent_one ? o->rest : o->first,
                        o->head, o->cmd, o->target);
    o->sent_one = true;
  }
  if (o->rc == 0)
    o->rc = reed_buf_append(o->b, p, n);
  if (o->rc == 0)
    o->rc = reed_buf_append(o->b, "\r\n", 2);
}

/* A piece cut to the line's room, the rest in concatenated lines. */
static void
put_piece(ml_out_t *o, const char *p, size_t n, bool concat)
{
  size_t used = strlen(o->head) + strlen(o->cmd) + strlen(o->target) + 4;
  size_t room = used < IRC_BODY_MAX ? IRC_BODY_MAX - used : 1;

  do {
    size_t k = reed_utf8_cut(p, n, room);
    if (k == 0)
      k = n < room ? n : room; /* never loop */
    put(o, p, k, concat);
    p += k;
    n -= k;
    concat = true;
  } while (n > 0);
}

static bool
is_break(const reed_event_t *ev, size_t at, size_t *next)
{
  while (*next < ev->u.msg.n_soft_breaks && ev->u.msg.soft_breaks[*next] < at)
    (*next)++;
  return *next < ev->u.msg.n_soft_breaks && ev->u.msg.soft_breaks[*next] == at;
}

static void
put_pieces(ml_out_t *o, const reed_event_t *ev)
{
  const char *t = ev->text;
  size_t start = 0, nb = 0, i = 0;
  bool concat = false;

  for (; i <= ev->text_len && o->rc == 0; i++) {
    bool eol = i == ev->text_len || t[i] == '\n' || t[i] == '\r';
    bool soft = !eol && i > start && is_break(ev, i, &nb);
    if (!eol && !soft)
      continue;
    put_piece(o, t + start, i - start, concat);
    concat = soft;
    if (eol && i + 1 < ev->text_len && t[i] == '\r' && t[i + 1] == '\n')
      i++;
    start = soft ? i : i + 1;
    if (soft)
      i--; /* the break's byte starts the next piece */
  }
}

/* The tags without the msgid element. */
static void
strip_msgid(const char *tags, size_t len, char *out, size_t size)
{
  const char *p = strstr(tags, "msgid=");
  size_t a, e;

  reed_strlcpy(out, tags, size < len + 1 ? size : len + 1);
  if (p == NULL || (p != tags + 1 && p[-1] != ';'))
    return;
  a = (size_t)(p - tags);
  e = a + strcspn(p, "; ");
  if (tags[e] == ';')
    e++;
  else if (a > 1)
    a--; /* the last element: drop the ';' before it */
  snprintf(out, size, "%.*s%s", (int)a, tags, tags + e);
  if (strcmp(out, "@ ") == 0 || strcmp(out, "@") == 0)
    out[0] = '\0';
}

int
reed__irc_render_multiline(reed_irc_core_t *c, const reed_event_t *ev,
                           uint32_t caps, const char *tags, size_t tags_len,
                           const char *target, reed_buf_t **b)
{
  char head[IRC_MASK_MAX + 4], rest[REED_IRC_TAGS_MAX];
  ml_out_t o = {.b = b, .head = head, .target = target, .first = tags};

  o.cmd = ev->u.msg.msg_kind == REED_MSG_NOTICE ? "NOTICE" : "PRIVMSG";
  if (ev->from.nick == NULL)
    snprintf(head, sizeof(head), ":%s ", IRC_SERVER(c));
  else {
    head[0] = ':';
    reed__irc_mask_str(&ev->from, head + 1, sizeof(head) - 2);
    strcat(head, " ");
  }
  strip_msgid(tags, tags_len, rest, sizeof(rest));
  o.rest = rest;
  if ((caps & IRC_CAP_MULTILINE) && (caps & IRC_CAP_BATCH)) {
    snprintf(o.batch, sizeof(o.batch), "ml%llu", (unsigned long long)ev->id);
    o.rc = reed_buf_printf(b, "%s%sBATCH +%s draft/multiline %s\r\n", tags,
                           head, o.batch, target);
  }
  put_pieces(&o, ev);
  if (o.rc == 0 && o.batch[0] != '\0')
    o.rc = reed_buf_printf(b, "%sBATCH -%s\r\n", head, o.batch);
  return o.rc;
}
