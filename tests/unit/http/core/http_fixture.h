/* The HTTP core in the protocol world (tests/support/world.h): the module
 * between a fake clock and fake transports, its [http] config with the
 * directive defaults, and a route table of the tests' own (test-only
 * routes, compiled into these tests alone) beside the real web files. */
#ifndef REED_TEST_HTTP_FIXTURE_H
#define REED_TEST_HTTP_FIXTURE_H

#include "http_int.h"
#include "world.h"

extern const reed_protocol_module_t reed_http_module;

typedef struct hx_s {
  reed_http_conf_t conf; /* lent to the world */
  tw_t *w;
} hx_t;

/* The world with the test routes; hx_free asserts nothing is left. */
void hx_init(hx_t *x);
void hx_free(hx_t *x);
/* Sets an [http] key as the config file would. */
void hx_set(hx_t *x, const char *key, const char *value);
/* Output since the last take and its length (frames hold NUL bytes). */
const char *hx_take(tw_client_t *c, size_t *len);
/* The status of the first response in s, or 0. */
int hx_status(const char *s);
/* Occurrences of `needle` in s. */
size_t hx_count(const char *s, const char *needle);
/* A masked client frame (mask 11 22 33 44) into out; returns its size. */
size_t hx_frame(uint8_t *out, uint8_t b0, const void *payload, size_t len);
/* A WebSocket upgrade of /ws with a key; `extra` lines end in CRLF. */
void hx_upgrade(tw_client_t *c, const char *extra);
/* What the test routes saw: WebSocket messages, closes, frees. */
extern char hx_log[4096];
void hx_log_add(const char *fmt, ...);
/* The response the /hold route holds, or NULL. */
extern reed_http_res_t *hx_held;
/* The last WebSocket the /ws route accepted. */
extern reed_ws_t *hx_ws;

#endif
