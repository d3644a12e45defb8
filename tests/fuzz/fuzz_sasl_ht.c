/* Fuzzes the HT-SHA-256-* server (FAST tokens): the first byte's low two
 * bits pick NONE, UNIQ, ENDP or EXPR, bit 4 gives the session binding data
 * (32 bytes of 0xe1 for tls-exporter, 0xe2 for tls-server-end-point), bit
 * 8 gives "alice" a previous token too; the rest is the initiator message.
 * Alice's tokens are "fuzz-token" and "fuzz-old", pinned to the mechanism.
 * Invariants: success only for alice with the session's binding (never
 * UNIQ), and then the responder message is HMAC-SHA-256(token,
 * "Responder" || cb-data) of the token that matched, computed here with
 * OpenSSL; every failure has a reason; nothing leaks. */
#include "auth.h"
#include "base.h"

#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const toks[2] = {"fuzz-token", "fuzz-old"};

static int
fast_token(void *ud, const char *name, const char *client,
           reed_sasl_mech_t mech,
           reed_sasl_fast_token_t tokens[REED_SASL_FAST_TOKENS],
           char account[REED_AUTH_NAME_MAX + 1])
{
  unsigned flags = *(const unsigned *)ud;
  int n = flags & 8 ? 2 : 1;

  (void)client;
  if (strcasecmp(name, "alice") != 0 ||
      mech != REED_MECH_HT_SHA_256_NONE + (flags & 3))
    return 0;
  for (int i = 0; i < n; i++) {
    tokens[i].len = strlen(toks[i]);
    memcpy(tokens[i].secret, toks[i], tokens[i].len);
  }
  strcpy(account, "Alice");
  return n;
}

static int
session_cb(void *ud, const char *type, uint8_t *out, size_t *len)
{
  unsigned flags = *(const unsigned *)ud;
  bool exp = strcmp(type, "tls-exporter") == 0;

  if (*len < 32 || !(flags & 4) ||
      (!exp && strcmp(type, "tls-server-end-point") != 0))
    return REED_EINVAL;
  memset(out, exp ? 0xe1 : 0xe2, 32);
  *len = 32;
  return 0;
}

/* The responder message the matched token must give. */
static void
check_responder(reed_sasl_t *s, unsigned flags, const reed_buf_t *out)
{
  int i = reed_sasl_fast_token_index(s);
  uint8_t msg[9 + 32], want[32];
  size_t n = 9;
  unsigned wl = 0;

  if ((flags & 3) == 1 || i < 0 || i > ((flags & 8) ? 1 : 0) || out == NULL ||
      out->len != 32 || strcmp(reed_sasl_account(s), "Alice") != 0)
    abort();
  memcpy(msg, "Responder", 9);
  if ((flags & 3) >= 2) {
    memset(msg + 9, (flags & 3) == 3 ? 0xe1 : 0xe2, 32);
    n += 32;
  }
  HMAC(EVP_sha256(), toks[i], (int)strlen(toks[i]), msg, n, want, &wl);
  if (memcmp(want, out->data, 32) != 0)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned flags;
  reed_sasl_source_t src = {.fast_token = fast_token, .ud = &flags};
  reed_sasl_cbind_t cb = {session_cb, &flags, true};
  reed_buf_t *out = NULL;
  long live;
  reed_sasl_t *s;
  int rc;

  if (size == 0)
    return 0;
  flags = data[0];
  live = reed_alloc_live();
  if (reed_sasl_new_cb(
          (reed_sasl_mech_t)(REED_MECH_HT_SHA_256_NONE + (flags & 3)), &src,
          NULL, &cb, &s) != 0)
    abort();
  rc = reed_sasl_step(s, data + 1, size - 1, &out);
  if (rc == REED_SASL_SUCCESS)
    check_responder(s, flags, out);
  else if (rc >= 0 || out != NULL || reed_sasl_error(s) == NULL ||
           reed_sasl_account(s) != NULL)
    abort();
  reed_buf_unref(out);
  reed_sasl_free(s);
  if (reed_alloc_live() != live)
    abort();
  return 0;
}
