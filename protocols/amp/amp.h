/* reed's AMP module: Twisted's AMP framing (docs/amp.md section 2) carrying
 * the amp-chat v1 command set (docs/amp.md).
 *
 * Two layers are public. The box codec is pure and symmetric: it decodes
 * and encodes requests, answers and errors in either direction, so bots and
 * tools can speak AMP as clients too. The module struct plugs the chat core
 * into server/net. */
#ifndef REED_AMP_H
#define REED_AMP_H

#include "base.h"
#include "proto.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Limits (docs/amp.md section 2) ------------------------------------ */
#define REED_AMP_MAX_KEY 255
#define REED_AMP_MAX_VALUE 65535
#define REED_AMP_MAX_PAIRS 64
#define REED_AMP_MAX_BOX (128 * 1024)
/* A DateTime value is always exactly this long. */
#define REED_AMP_TIME_LEN 32

/* One key/value pair of a decoded box. The pointers are borrowed from the
 * decoder (or the parsed bytes) and live as long as the box does. */
typedef struct reed_amp_pair_s {
  const uint8_t *key;
  size_t key_len;
  const uint8_t *val;
  size_t val_len;
} reed_amp_pair_t;

typedef struct reed_amp_box_s {
  reed_amp_pair_t pairs[REED_AMP_MAX_PAIRS];
  size_t n;
  /* A key appears twice. The first value is the one box_get finds. */
  bool dup;
} reed_amp_box_t;

/* Parses one complete box from contiguous bytes (an AmpList element, or a
 * test vector): pairs up to the empty key. An empty box is allowed here.
 * *used is set to the bytes the box took. Returns 0 or one of:
 * REED_ESYNTAX (truncated, or a key prefix over 255), REED_ELIMIT (more than
 * REED_AMP_MAX_PAIRS pairs). */
int reed_amp_box_parse(const uint8_t *in, size_t len, size_t *used,
                       reed_amp_box_t *box);

/* The framing rules a whole box on a connection must meet: not empty, one
 * of _command/_answer/_error present, none of _ask/_command/_answer/_error
 * repeated. Returns 0 or REED_EPROTO. */
int reed_amp_box_check(const reed_amp_box_t *box);

/* The pair named `key` (the first one when repeated), or NULL. */
const reed_amp_pair_t *reed_amp_box_get(const reed_amp_box_t *box,
                                        const char *key);

/* ---- Resumable decoder -------------------------------------------------
 * A length-prefix state machine fed any split of the stream. It buffers
 * one box at a time, allocating lazily; trim releases the buffer between
 * boxes, so an idle connection holds no memory. */
typedef struct reed_amp_decoder_s {
  uint8_t *buf;
  size_t len, cap;
  size_t need;   /* bytes still expected in the current field */
  size_t npairs; /* pairs completed in the current box */
  int state;
  bool ready; /* the buffer holds a delivered box */
} reed_amp_decoder_t;

void reed_amp_decoder_init(reed_amp_decoder_t *d);
void reed_amp_decoder_cleanup(reed_amp_decoder_t *d);
/* Frees the buffer when no partial box is held in it. */
void reed_amp_decoder_trim(reed_amp_decoder_t *d);
/* Consumes bytes from `in` up to the end of the next box. *used is how many
 * were consumed. Returns 1 when `box` holds a complete box that passed
 * reed_amp_box_check (valid until the next decode, trim or cleanup), 0 when
 * all of `in` was consumed without completing one, or one of:
 * REED_EPROTO (a framing fault: close the connection and send nothing),
 * REED_ENOMEM. After an error the decoder must not be fed again. */
int reed_amp_decode(reed_amp_decoder_t *d, const uint8_t *in, size_t len,
                    size_t *used, reed_amp_box_t *box);

/* ---- Encoder -----------------------------------------------------------
 * Collects pairs, then writes them sorted by key bytes, as Twisted's
 * AmpBox.serialize does. Errors are sticky: the first one is returned by
 * every later call and by finish. */
typedef struct reed_amp_enc_s {
  struct {
    uint32_t koff, klen, voff, vlen;
  } ent[REED_AMP_MAX_PAIRS];
  size_t n;
  reed_buf_t *scratch;
  int err;
} reed_amp_enc_t;

void reed_amp_enc_init(reed_amp_enc_t *e);
/* Adds a pair (copied). 0 or one of: REED_EINVAL (key length not 1-255),
 * REED_ETOOBIG (value over 65535 bytes), REED_ELIMIT (65th pair),
 * REED_ENOMEM. */
int reed_amp_enc_put(reed_amp_enc_t *e, const char *key, const void *val,
                     size_t len);
/* String or Unicode (the caller checks the UTF-8). */
int reed_amp_enc_str(reed_amp_enc_t *e, const char *key, const char *s);
int reed_amp_enc_int(reed_amp_enc_t *e, const char *key, long long v);
int reed_amp_enc_bool(reed_amp_enc_t *e, const char *key, bool v);
/* DateTime of microseconds since the epoch, written in UTC as +00:00. */
int reed_amp_enc_time(reed_amp_enc_t *e, const char *key, int64_t us);
/* Appends the box (pairs sorted, then 00 00) to *out, allocating it when
 * NULL, and releases the encoder. 0 or the sticky error, REED_ETOOBIG (over
 * REED_AMP_MAX_BOX) or REED_ENOMEM; *out is unchanged on error. */
int reed_amp_enc_finish(reed_amp_enc_t *e, reed_buf_t **out);
/* Releases an encoder that will not be finished. */
void reed_amp_enc_cleanup(reed_amp_enc_t *e);

/* ---- Argument types (Twisted's wire forms) ----------------------------- */
/* Integer: optional sign and decimal digits that fit in 64 bits. 0 or
 * REED_ESYNTAX. */
int reed_amp_parse_int(const uint8_t *p, size_t len, long long *out);
/* Boolean: exactly "True" or "False". 0 or REED_ESYNTAX. */
int reed_amp_parse_bool(const uint8_t *p, size_t len, bool *out);
/* DateTime: the 32-byte form with any offset, converted to microseconds
 * since the epoch in UTC. 0 or REED_ESYNTAX. */
int reed_amp_parse_time(const uint8_t *p, size_t len, int64_t *us);
/* Writes the 32-byte form of `us` (UTC, "+00:00") and a NUL to out[33]. */
void reed_amp_format_time(int64_t us, char out[REED_AMP_TIME_LEN + 1]);
/* Unicode as docs/amp.md defines it: valid UTF-8 without NUL. */
bool reed_amp_unicode_valid(const uint8_t *p, size_t len);

/* ListOf: each element is [u16 length][bytes]. next returns 1 with the next
 * element, 0 at the end; a truncated last element is dropped silently, as
 * Twisted does. */
int reed_amp_list_next(const uint8_t **p, size_t *left, const uint8_t **elem,
                       size_t *elen);
/* Appends one element to a list value, allocating *list when NULL. 0 or
 * REED_ETOOBIG when the list would pass 65535 bytes (it is then unchanged),
 * or REED_ENOMEM. */
int reed_amp_list_add(reed_buf_t **list, const void *p, size_t len);
/* AmpList: appends one encoded box to a list value, with the same limit. */
int reed_amp_amplist_add(reed_buf_t **list, reed_amp_enc_t *e);

/* ---- The module ---------------------------------------------------------
 */
extern const reed_protocol_module_t reed_amp_module;

#endif
