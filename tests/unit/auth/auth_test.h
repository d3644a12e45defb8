/* Shared fixtures of the auth tests: the in-memory credential source
 * (tests/support/memsrc.h), a SCRAM client written from RFC 5802 over OpenSSL
 * (independent of auth's own helpers), and small byte helpers. */
#ifndef REED_AUTH_TEST_H
#define REED_AUTH_TEST_H

#include "auth.h"
#include "memsrc.h"

/* A SCRAM client: builds client-final for `password` from the messages so
 * far, and the server signature it expects. Returns a malloc'd string. */
char *scram_client_final(reed_scram_hash_t h, const char *password,
                         const char *client_first_bare,
                         const char *server_first, const char *cbind_b64,
                         char *expect_v, size_t expect_size);

/* A buffer's bytes as a NUL-terminated string (static storage). */
const char *buf_str(const reed_buf_t *b);

/* Base64 decode of a known-good string, for the RFC salts. */
size_t unb64(const char *in, uint8_t *out, size_t max);

#endif
