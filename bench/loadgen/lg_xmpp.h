/* bench: the load generator's XMPP side, internal to lg_xmpp*.c (the
 * client's entry points are in lg.h). */
#ifndef REED_BENCH_LG_XMPP_H
#define REED_BENCH_LG_XMPP_H

#include "lg.h"
#include "lg_xmpp_xml.h"

/* lg_xmpp_scram.c: SCRAM-SHA-1 with a cache of salted passwords per client
 * index, loaded from and saved to `path` (NULL: memory only). */
int lg_scram_cache_init(uint32_t clients, const char *path);
void lg_scram_cache_save(const char *path);
void lg_scram_cache_free(void);
uint32_t lg_scram_computed(void);
/* Writes the client-first message into out; returns its length. */
int lg_scram_first(lg_scram_t **s, const char *user, char *out, size_t cap);
/* From the decoded server-first message, the client-final one. */
int lg_scram_final(lg_scram_t *s, uint32_t idx, const char *password,
                   const char *server_first, char *out, size_t cap);
/* 0 when the decoded server-final message proves the server's key. */
int lg_scram_verify(const lg_scram_t *s, const char *server_final);

#endif
