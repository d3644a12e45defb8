/* Fuzzes the AMP box decoder: the input is fed in chunks whose sizes come
 * from the first byte, and every decoded box is re-encoded and decoded
 * again, which must give the same pairs. Also exercises the argument-type
 * parsers on every value. When the chat core is in the build
 * (REED_FUZZ_AMP_CORE), the same bytes then drive a logged-in connection
 * in the protocol world (the real model between the fake transport and
 * clock), and the output must be well-formed boxes. */
#include "amp.h"
#ifdef REED_FUZZ_AMP_CORE
#include "amp_int.h"
#include "model.h"
#include "world.h"
#endif

#include <stdlib.h>
#include <string.h>

static void
parse_values(const reed_amp_box_t *box)
{
  for (size_t i = 0; i < box->n; i++) {
    const uint8_t *p = box->pairs[i].val, *el;
    size_t len = box->pairs[i].val_len, left = len, elen;
    long long v;
    int64_t us;
    bool b;
    reed_amp_box_t inner;
    size_t used;

    (void)reed_amp_parse_int(p, len, &v);
    (void)reed_amp_parse_bool(p, len, &b);
    (void)reed_amp_unicode_valid(p, len);
    if (reed_amp_parse_time(p, len, &us) == 0) {
      char out[REED_AMP_TIME_LEN + 1];
      reed_amp_format_time(us, out);
    }
    while (reed_amp_list_next(&p, &left, &el, &elen) == 1)
      ;
    (void)reed_amp_box_parse(box->pairs[i].val, len, &used, &inner);
  }
}

static void
reencode(const reed_amp_box_t *box)
{
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;
  reed_amp_box_t again;
  char key[REED_AMP_MAX_KEY + 1];
  size_t used;

  reed_amp_enc_init(&e);
  for (size_t i = 0; i < box->n; i++) {
    memcpy(key, box->pairs[i].key, box->pairs[i].key_len);
    key[box->pairs[i].key_len] = '\0';
    if (strlen(key) == 0)
      continue; /* a key with a NUL byte cannot pass through a C string */
    reed_amp_enc_put(&e, key, box->pairs[i].val, box->pairs[i].val_len);
  }
  if (reed_amp_enc_finish(&e, &out) == 0) {
    if (reed_amp_box_parse(out->data, out->len, &used, &again) != 0 ||
        used != out->len)
      abort();
    reed_buf_unref(out);
  }
}

#ifdef REED_FUZZ_AMP_CORE
/* Every byte the core wrote must decode as server boxes. */
static void
check_output(const fake_transport_t *ft)
{
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  size_t pos = 0, used;
  int rc = 0;

  reed_amp_decoder_init(&d);
  while (pos < ft->out_len && rc >= 0) {
    rc = reed_amp_decode(&d, (const uint8_t *)ft->out + pos, ft->out_len - pos,
                         &used, &box);
    pos += used;
  }
  if (rc < 0)
    abort();
  reed_amp_decoder_cleanup(&d);
}

/* A logged-in connection in the protocol world (tests/support/world.h),
 * fed `chunk` bytes at a time; the world's own checks (a core returns short
 * only while paused, nothing left at the end) abort like the ones here. */
static void
drive_core(const uint8_t *data, size_t size, size_t chunk)
{
  tw_t *w =
      tw_new(&(tw_opts_t){.module = &reed_amp_module, .server_name = "fuzz"});
  reed_amp_conf_t *conf = w->conf;
  tw_client_t *c;

  reed__amp_conf_defaults(conf);
  conf->flood_burst = 100000;
  w->chunk = chunk;
  reed_model_account_add(w->model, "fuzzer");
  c = tw_client(w, "fuzzer");
  if (reed__amp_session_start(c->core, "fuzzer", NULL) != 0)
    abort();
  tw_send_bytes(c, data, size); /* stops at an error: net would close */
  check_output(c->ft);
  tw_eof(c, "Connection closed");
  tw_free(w);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  size_t chunk, pos = 1;

  if (size == 0)
    return 0;
  chunk = (size_t)data[0] % 17 + 1;
  reed_amp_decoder_init(&d);
  while (pos < size) {
    size_t n = size - pos < chunk ? size - pos : chunk, used = 0;
    int rc = reed_amp_decode(&d, data + pos, n, &used, &box);
    if (rc < 0)
      break;
    if (used > n)
      abort();
    pos += used;
    if (rc == 1) {
      parse_values(&box);
      reencode(&box);
    }
  }
  reed_amp_decoder_cleanup(&d);
#ifdef REED_FUZZ_AMP_CORE
  drive_core(data + 1, size - 1, chunk);
#endif
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
