/* The WebSocket framer (RFC 6455, section 5): client frames in, split
 * anywhere. A frame's header (2 to 14 bytes) is gathered in the frame
 * state; its payload is unmasked in small pieces and handed to the
 * callbacks as it arrives, so the framer itself holds no payload. What a
 * client must not send is refused here with 1002 (protocol error); the
 * message layer (http_ws.c) bounds messages and checks their UTF-8. */
#include "http_int.h"

#include <string.h>

static bool
opcode_known(uint8_t op)
{
  return op <= WS_OP_BINARY || (op >= WS_OP_CLOSE && op <= WS_OP_PONG);
}

/* After the first two bytes: refuse what no client may send, and say how
 * long the header is. */
static int
check_start(reed_ws_frame_t *f)
{
  uint8_t b0 = f->hdr[0], b1 = f->hdr[1], len7 = b1 & 0x7f;

  f->fin = (b0 & 0x80) != 0;
  f->opcode = b0 & 0x0f;
  if ((b0 & 0x70) != 0 || !opcode_known(f->opcode) || !(b1 & 0x80))
    return 1002; /* RSV without an extension, unknown, unmasked */
  if (f->opcode >= WS_OP_CLOSE && (!f->fin || len7 > 125))
    return 1002;
  f->hdr_need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
  return 0;
}

static int
check_header(reed_ws_frame_t *f)
{
  uint8_t len7 = f->hdr[1] & 0x7f;
  size_t n = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;

  f->len = n == 0 ? len7 : 0;
  for (size_t i = 0; i < n; i++)
    f->len = (f->len << 8) | f->hdr[2 + i];
  if (n == 8 && (f->hdr[2] & 0x80))
    return 1002;
  memcpy(f->mask, f->hdr + 2 + n, 4);
  f->done = 0;
  f->in_payload = true;
  return 0;
}

/* Takes header bytes; *rc is set when the header is complete or bad. */
static size_t
take_header(reed_ws_frame_t *f, const uint8_t *p, size_t len, int *rc)
{
  size_t used = 0;

  *rc = 0;
  while (used < len && !f->in_payload) {
    f->hdr[f->hdr_len++] = p[used++];
    if (f->hdr_len == 2 && (*rc = check_start(f)) != 0)
      return used;
    if (f->hdr_len >= 2 && f->hdr_len == f->hdr_need)
      *rc = check_header(f);
    if (*rc != 0)
      return used;
  }
  return used;
}

static int
frame_end(reed_ws_frame_t *f, const reed_ws_frame_cbs_t *cbs, void *ud)
{
  int rc = cbs->end(ud, f);

  f->hdr_len = 0;
  f->hdr_need = 0;
  f->in_payload = false;
  return rc;
}

static size_t
take_payload(reed_ws_frame_t *f, const reed_ws_frame_cbs_t *cbs, void *ud,
             const uint8_t *p, size_t len, int *rc)
{
  uint8_t tmp[1024];
  uint64_t left = f->len - f->done;
  size_t n = len < left ? len : (size_t)left;

  if (n > sizeof(tmp))
    n = sizeof(tmp);
  for (size_t i = 0; i < n; i++)
    tmp[i] = p[i] ^ f->mask[(f->done + i) & 3];
  f->done += n;
  *rc = cbs->data(ud, tmp, n);
  return n;
}

int
reed__ws_frame_feed(reed_ws_frame_t *f, const reed_ws_frame_cbs_t *cbs,
                    void *ud, const uint8_t *p, size_t len, size_t *used)
{
  size_t i = 0;
  int rc = 0;

  while (i < len || (f->in_payload && f->done == f->len)) {
    if (!f->in_payload) {
      i += take_header(f, p + i, len - i, &rc);
      if (rc == 0 && f->in_payload)
        rc = cbs->begin(ud, f);
    } else if (f->done < f->len) {
      i += take_payload(f, cbs, ud, p + i, len - i, &rc);
    }
    if (rc == 0 && f->in_payload && f->done == f->len)
      rc = frame_end(f, cbs, ud);
    if (rc != 0)
      break;
  }
  *used = i;
  return rc;
}

size_t
reed__ws_frame_header(uint8_t out[10], uint8_t opcode, uint64_t len)
{
  out[0] = 0x80 | opcode;
  if (len < 126) {
    out[1] = (uint8_t)len;
    return 2;
  }
  if (len <= 0xffff) {
    out[1] = 126;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; i++)
    out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
  return 10;
}

bool
reed__ws_close_code_ok(unsigned code)
{
  if (code >= 3000 && code <= 4999)
    return true;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 &&
         code != 1006;
}
