/* draft/multiline: a client's BATCH +ref draft/multiline <target>, its
 * PRIVMSG (or NOTICE) lines tagged batch=ref, and BATCH -ref make one model
 * message: the lines joined with LF, a draft/multiline-concat line joined
 * without one (the model keeps that position as a soft break on the live
 * event). Clients with the cap get it back as a multiline batch, the others
 * one line per piece, blank pieces left out and the msgid on the first
 * line only. One batch at a time per connection, bounded by the cap's
 * max-bytes and max-lines; errors are FAIL BATCH MULTILINE_* and drop the
 * batch (its remaining lines are ignored until BATCH -ref). */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CONCAT "draft/multiline-concat"

struct reed_irc_ml_s {
  char ref[65];
  char target[REED_ROOM_MAX + 4];
  char label[72];
  bool labeled, failed;
  reed_irc_ctags_t tags; /* the opening BATCH's client tags */
  const char *cmd;       /* "PRIVMSG" or "NOTICE" once the first line came */
  size_t lines, len;
  char text[IRC_ML_MAX_BYTES + 1];
  size_t breaks[REED_SOFT_BREAKS_MAX];
  size_t n_breaks;
};

size_t
reed__irc_ml_max_bytes(const reed_irc_core_t *c)
{
  size_t n = reed_model_max_msg_bytes(c->env->model);
  return n < IRC_ML_MAX_BYTES ? n : IRC_ML_MAX_BYTES;
}

size_t
reed__irc_ml_max_lines(const reed_irc_core_t *c)
{
  size_t n = reed_model_max_msg_lines(c->env->model);
  return n < IRC_ML_MAX_LINES ? n : IRC_ML_MAX_LINES;
}

static void
ml_fail(reed_irc_core_t *c, const char *code, const char *text)
{
  reed__irc_send(c, ":%s FAIL BATCH %s :%s", IRC_SERVER(c), code, text);
  if (c->ml != NULL)
    c->ml->failed = true;
}

static void
ml_fail_lines(reed_irc_core_t *c)
{
  char num[40];

  snprintf(num, sizeof(num), "MULTILINE_MAX_LINES %zu",
           reed__irc_ml_max_lines(c));
  ml_fail(c, num, "Multiline batch max-lines exceeded");
}

void
reed__irc_multiline_free(reed_irc_core_t *c)
{
  reed_free(c->ml);
  c->ml = NULL;
}

/* BATCH +ref draft/multiline <target>: the label (if any) waits for the
 * batch's end, where the echo answers it. */
static void
ml_open(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *ref = m->params[0] + 1;

  if (c->ml != NULL || ref[0] == '\0' || strlen(ref) >= sizeof(c->ml->ref) ||
      !(c->caps & IRC_CAP_MULTILINE)) {
    ml_fail(c, "MULTILINE_INVALID", "Invalid multiline batch");
    return;
  }
  if ((c->ml = reed_calloc(1, sizeof(*c->ml))) == NULL) {
    reed__irc_send(c, ":%s FAIL BATCH MULTILINE_INVALID :Out of memory",
                   IRC_SERVER(c));
    return;
  }
  reed_strlcpy(c->ml->ref, ref, sizeof(c->ml->ref));
  reed_strlcpy(c->ml->target, m->params[2], sizeof(c->ml->target));
  reed__irc_ctags_parse(c, m, false, &c->ml->tags);
  if (c->capture != NULL && c->label != NULL) {
    c->ml->labeled = true;
    reed_strlcpy(c->ml->label, c->label, sizeof(c->ml->label));
    reed_buf_unref(c->capture);
    c->capture = NULL;
    reed_free(c->label);
    c->label = NULL;
  }
}

/* Everything blank: the spec forbids a message of blank lines only. */
static bool
all_blank(const struct reed_irc_ml_s *ml)
{
  for (size_t i = 0; i < ml->len; i++)
    if (ml->text[i] != '\n')
      return false;
  return true;
}

static void
ml_send(reed_irc_core_t *c, struct reed_irc_ml_s *ml)
{
  reed_msg_extra_t x = {0};
  const char *chan = reed__irc_statusmsg(ml->target, &x.audience);
  const char *room = chan[0] == '#' ? reed__irc_room_of(chan) : NULL;
  int kind = strcmp(ml->cmd, "NOTICE") == 0 ? REED_MSG_NOTICE : 0;
  int rc;

  reed__irc_ctags_extra(&ml->tags, &x);
  x.soft_breaks = ml->breaks;
  x.n_soft_breaks = ml->n_breaks;

  if (chan[0] == '#')
    rc = room ? reed_room_say(c->session, room, kind, ml->text, ml->len, &x,
                              NULL)
              : REED_ENOSUCHNICK;
  else if (chan != ml->target)
    rc = REED_ENOSUCHNICK;
  else
    rc = reed_tell(c->session, ml->target, kind, ml->text, ml->len, &x, NULL);
  /* Within max-bytes and max-lines, the model may still count more lines
   * (a piece longer than its line width counts more than one). */
  if (rc == REED_ETOOBIG)
    ml_fail_lines(c);
  else if (rc < 0 && (kind != REED_MSG_NOTICE || rc == REED_EUNAVAILABLE))
    reed__irc_reply_room_err(c, rc, IRC_CTX_SEND, ml->target, ml->target);
}

/* Captures the output again under the opening BATCH's label. */
static bool
label_again(reed_irc_core_t *c, const char *label)
{
  reed_free(c->label);
  c->label = reed_strdup(label);
  c->capture = c->label ? reed_buf_new(512) : NULL;
  if (c->capture == NULL) {
    reed_free(c->label);
    c->label = NULL;
  }
  return c->capture != NULL;
}

/* BATCH -ref: the message goes out as one, answering the opening label. */
static void
ml_close(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  struct reed_irc_ml_s *ml = c->ml;
  bool own_capture = false;

  if (ml == NULL || strcmp(m->params[0] + 1, ml->ref) != 0) {
    ml_fail(c, "MULTILINE_INVALID", "Invalid multiline batch");
    return;
  }
  c->ml = NULL;
  if (!ml->failed && (ml->lines == 0 || all_blank(ml))) {
    reed__irc_send(c,
                   ":%s FAIL BATCH MULTILINE_INVALID :Invalid multiline "
                   "batch (no text)",
                   IRC_SERVER(c));
  } else if (!ml->failed) {
    if (ml->labeled && c->capture == NULL && label_again(c, ml->label))
      own_capture = true;
    ml_send(c, ml);
    if (own_capture)
      reed__irc_label_end(c);
  }
  reed_free(ml);
}

void
reed__irc_cmd_batch(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *ref = m->params[0];

  if (ref[0] == '-') {
    ml_close(c, m);
    return;
  }
  if (ref[0] != '+' || m->n_params < 3 ||
      strcasecmp(m->params[1], "draft/multiline") != 0) {
    reed__irc_send(c, ":%s FAIL BATCH INVALID_PARAMS :Unsupported batch",
                   IRC_SERVER(c));
    return;
  }
  ml_open(c, m);
}

/* Appends one line's text (joined by LF, or at a soft break). */
static void
ml_append(reed_irc_core_t *c, struct reed_irc_ml_s *ml, const char *text,
          bool concat)
{
  size_t n = strlen(text), sep = ml->lines > 0 && !concat;
  char num[32];

  if (concat && n == 0) {
    ml_fail(c, "MULTILINE_INVALID", "A concatenated line may not be blank");
    return;
  }
  if (ml->lines + 1 > reed__irc_ml_max_lines(c)) {
    ml_fail_lines(c);
    return;
  }
  if (ml->len + sep + n > reed__irc_ml_max_bytes(c)) {
    snprintf(num, sizeof(num), "MULTILINE_MAX_BYTES %zu",
             reed__irc_ml_max_bytes(c));
    ml_fail(c, num, "Multiline batch max-bytes exceeded");
    return;
  }
  if (sep)
    ml->text[ml->len++] = '\n';
  else if (concat && ml->len > 0 && ml->n_breaks < REED_SOFT_BREAKS_MAX)
    ml->breaks[ml->n_breaks++] = ml->len;
  memcpy(ml->text + ml->len, text, n);
  ml->len += n;
  ml->text[ml->len] = '\0';
  ml->lines++;
}

static void
ml_line(reed_irc_core_t *c, struct reed_irc_ml_s *ml, const reed_irc_msg_t *m)
{
  const char *cmd = strcasecmp(m->command, "PRIVMSG") == 0  ? "PRIVMSG"
                    : strcasecmp(m->command, "NOTICE") == 0 ? "NOTICE"
                                                            : NULL;
  char args[2 * REED_ROOM_MAX + 40];

  if (cmd == NULL || m->n_params < 2 || (ml->cmd && ml->cmd != cmd)) {
    ml_fail(c, "MULTILINE_INVALID", "Invalid multiline batch");
    return;
  }
  if (reed_casecmp(m->params[0], ml->target) != 0) {
    snprintf(args, sizeof(args), "MULTILINE_INVALID_TARGET %s %.64s",
             ml->target, m->params[0]);
    ml_fail(c, args, "Invalid multiline target");
    return;
  }
  ml->cmd = cmd;
  ml_append(c, ml, m->params[1], reed_irc_msg_tag(m, CONCAT) != NULL);
}

bool
reed__irc_multiline_take(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *ref = reed_irc_msg_tag(m, "batch");

  if (ref == NULL || !(c->state & IRC_ST_REG))
    return false;
  if (c->ml == NULL || strcmp(ref, c->ml->ref) != 0) {
    if (c->ml == NULL || !c->ml->failed)
      ml_fail(c, "MULTILINE_INVALID", "Invalid multiline batch");
    return true;
  }
  if (!c->ml->failed)
    ml_line(c, c->ml, m);
  return true;
}
