/* A test-only protocol module speaking lines, for driving server/net over
 * real sockets. Every line is answered ("echo: <line>") except commands:
 *   BROADCAST x   "x" to every connection (one shared buffer)
 *   HEADED w x    "to <conn id>: x" to every connection, x padded with
 *                 dots to w bytes: a per-recipient head before one shared
 *                 body (transport write2)
 *   PAUSE ms      stop reading for ms, then resume (input kept meanwhile)
 *   STARTTLS      "PROCEED", then a TLS handshake; "TLS OK" when done
 *   PEER          "peer <ip> tls=<0|1> fp=<fingerprint or ->"
 *   CB type       "cb <hex>": the transport's channel binding data of that
 *                 type, or "cb none"
 *   STATE         "state <text>": env->module_state, which the server sets
 *                 to LINE_MODULE_STATE on every listener
 *   STATS         "stats <what line_stats_hook prints>"
 *   QUIT          "BYE", then close
 *   REPEAT n [w]  n lines "r 0" .. "r n-1", each its own buffer, padded
 *                 with dots to w bytes
 *   FATAL         feed returns REED_EFATAL
 *   HOLD, RELEASE set line_hold (no answer)
 *   TURN          "turn:pending  ", rewritten in place by the server's
 *                 turn-end hook to "turn:committed" (so a client that
 *                 reads "pending" saw output flushed before the hook)
 * A connection gets "hello <conn id>" first and "GOODBYE" on shutdown; a
 * refused or cut one "REFUSED <reason>" (the module's refusal hook). */
#ifndef REED_TEST_LINE_MODULE_H
#define REED_TEST_LINE_MODULE_H

#include "proto.h"

extern const reed_protocol_module_t line_module;
/* The module state the line server gives its listeners (a string). */
#define LINE_MODULE_STATE "line module state"
/* Set by the server: writes a one-line summary of the net's stats. */
extern void (*line_stats_hook)(char *buf, size_t size);
/* The buffer TURN wrote, until the turn-end hook takes it: "turn:pending  "
 * and LINE_TURN_PAD dots, larger than what a send queue copies
 * (REED_OUTQ_COPY_MAX), so the queue holds the buffer itself and the hook's
 * rewrite shows whether the turn ended before the flush. */
extern reed_buf_t *line_turn_buf;
#define LINE_TURN_PAD 1100
/* HOLD and RELEASE (no answer) set this; the server's turn-end hook holds
 * the net's output while it is set, as main does while the store holds a
 * failed batch. */
extern bool line_hold;
/* When nonzero, a new connection starts paused for this many ms. */
extern unsigned line_connect_pause_ms;
/* How many cores have seen eof / exist. */
extern unsigned line_eofs;
/* The reason the last eof gave. */
extern char line_eof_reason[64];

#endif
