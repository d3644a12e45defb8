/* A fake reed_transport_t: records what a core writes, its close reason,
 * pause state and TLS requests, so protocol cores are tested without
 * sockets. */
#ifndef REED_TEST_FAKE_TRANSPORT_H
#define REED_TEST_FAKE_TRANSPORT_H

#include "proto.h"

typedef struct {
  reed_transport_t transport; /* hand &ft.transport to the core */
  reed_peer_t peer;
  char cert_fp[65]; /* peer.cert_fp points here */
  char *out;        /* everything written, NUL-terminated */
  size_t out_len, out_cap;
  size_t read_pos; /* for ft_take */
  int closed;
  char close_reason[256];
  int paused;
  int tls_requests;
  int full;       /* when set, write returns REED_EQUEUEFULL */
  size_t writes;  /* write and write2 calls that succeeded */
  size_t writes2; /* of which write2 */
  /* When set, appended to the output after each write: a test of
   * message framing (WebSocket) sees where each write ends. */
  const char *sep;
  /* Channel binding data by type (ft_set_channel_binding); given only
   * while peer.tls is set. */
  uint8_t cb_exporter[32], cb_end_point[REED_CHANNEL_BINDING_MAX];
  size_t cb_exporter_len, cb_end_point_len;
} fake_transport_t;

void ft_init(fake_transport_t *ft);
void ft_cleanup(fake_transport_t *ft);
void ft_set_full(fake_transport_t *ft, int full);
/* Sets the bytes channel_binding gives for "tls-exporter" or
 * "tls-server-end-point" (len 0: none; at most the field's size). */
void ft_set_channel_binding(fake_transport_t *ft, const char *type,
                            const void *data, size_t len);
/* Output written since the last ft_take, NUL-terminated; valid until the
 * next write. */
const char *ft_take(fake_transport_t *ft);
/* Forgets all output. */
void ft_clear(fake_transport_t *ft);

#endif
