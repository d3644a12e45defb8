/* A scripted HTTP for the ACME flow's tests, in place of http.c: each
 * request waits in `fh_req` until the test answers it with fh_answer. */
#ifndef REED_TEST_FAKE_HTTP_H
#define REED_TEST_FAKE_HTTP_H

#include "acme_int.h"

typedef struct fh_req_s {
  bool pending;
  char method[8];
  char url[512];
  char *body; /* the JWS, or NULL */
  reed_acme_http_cb cb;
  void *ud;
} fh_req_t;

extern fh_req_t fh_req;
extern unsigned fh_requests; /* made since the start */

/* Answers the pending request (asserting there is one). Headers NULL are
 * absent. */
void fh_answer(long status, const char *content_type, const char *location,
               const char *nonce, const char *retry_after, const char *body);
/* The pending request's JWS: its protected header and payload, decoded
 * (json_decref them); asserts it is a POST to `url`. */
void fh_jws(const char *url, json_t **header, json_t **payload);

#endif
