/* XEP-0198 stream management and XEP-0352 client state indication: what
 * xmpp_sm.c (enable, acks, the queue), xmpp_sm_park.c (parking and
 * resumption), xmpp_sm_scan.c (what a write holds), xmpp_sm_unacked.c
 * (what was never acknowledged) and xmpp_csi.c share.
 * protocols/xmpp/README.md explains the design. */
#ifndef REED_XMPP_SM_H
#define REED_XMPP_SM_H

#include "xmpp_int.h"

#define REED_NS_SM "urn:xmpp:sm:3"
#define REED_NS_CSI "urn:xmpp:csi:0"

#define XSM_REQ_EVERY 5  /* unacknowledged stanzas that make us send <r/> */
#define XSM_REQ_MS 30000 /* ... or this long after one went out */
#define XSM_ID_BYTES 18  /* random bytes of a resumption id (24 base64) */
#define XCSI_HELD_MAX 64 /* senders whose presence CSI holds back */

/* What one write holds: top-level elements by kind. Our own output only
 * (well-formed, attribute values quoted), so a small scanner does. */
typedef struct xsm_scan_s {
  unsigned stanzas;   /* message, presence and iq */
  unsigned presences; /* of which presence */
} xsm_scan_t;

/* The counts from the writer's `n` (the output hook's): presences is 1
 * for a write of one presence, else 0. */
void reed__xsm_count(const void *head, size_t head_len, const reed_buf_t *body,
                     int n, xsm_scan_t *out);

/* The walk under the scan, for what must look inside a write: offsets
 * count over head and body as one text. */
enum {
  XSM_EV_OPEN,    /* pos: the '<' of a top-level start tag */
  XSM_EV_START,   /* pos: the '>' ending it (after '/' when self-closing) */
  XSM_EV_CHILD,   /* pos: the '<' of a child's start tag; name: the child */
  XSM_EV_END_TAG, /* pos: the '<' of the top-level end tag */
  XSM_EV_DONE,    /* pos: just after the top-level element */
};
typedef struct xsm_ev_s {
  int kind;
  size_t pos;
  const char *top;  /* the top-level element's name */
  const char *name; /* XSM_EV_CHILD: the child's */
} xsm_ev_t;
typedef void (*xsm_walk_fn)(void *ud, const xsm_ev_t *ev);
void reed__xsm_walk(const void *head, size_t head_len, const reed_buf_t *body,
                    xsm_walk_fn fn, void *ud);

/* The value of attribute `name` of the first start tag of `text`, as
 * written (escaped); false when absent or longer than size - 1. */
bool reed__xsm_attr(const char *text, size_t len, const char *name, char *out,
                    size_t size);
/* A write as one buffer: body referenced when there is no head, else a
 * copy of both. NULL without memory. */
reed_buf_t *reed__xsm_flat(const void *head, size_t head_len, reed_buf_t *body);

/* One write kept until the client acknowledges it: its head (copied) and
 * body (a reference), the stanzas in it, and when it was kept (wall
 * clock: the <delay/> stamp when it is sent again). */
typedef struct xsm_item_s {
  reed_buf_t *body;
  char *head;
  size_t head_len;
  unsigned n;
  uint64_t kept_ms;
} xsm_item_t;

/* A connection's stream management (the XMPP_EXT_SM slot). h values
 * count modulo 2^32 (XEP-0198 section 4). */
typedef struct xsm_s {
  bool enabled;
  bool resume;      /* resumable: unacknowledged writes are kept */
  bool overflow;    /* the queue passed max_resume_queue: the stream ends */
  uint32_t h_in;    /* stanzas the client sent since <enable/> */
  uint32_t h_out;   /* stanzas we sent since <enabled/> */
  uint32_t acked;   /* the client's last h */
  uint32_t req_h;   /* h_out when our last <r/> went out */
  uint32_t q_first; /* h before the first kept write */
  uint32_t q_stanzas;
  xsm_item_t *q; /* ring of kept writes */
  size_t q_cap, q_head, q_len;
  uint64_t req_timer;
  uint64_t end_timer; /* parked: the window; or the end after overflow */
  char id[32];        /* the resumption id, "" when not resumable */
  char reason[96];    /* why the connection dropped (parked) */
  bool kept;          /* conn_free left the parked core to us */
  bool lost; /* a write failed under us: the connection, not we, ended */
  const reed_proto_env_t *net_env; /* its env before parking */
  /* A parked core's env and transport (xmpp_sm_park.c). */
  reed_proto_env_t penv;
  reed_transport_t ptp;
} xsm_t;

xsm_t *reed__xsm(const reed_xmpp_core_t *c);
void reed__xsm_free(reed_xmpp_core_t *c, void *p);
/* The stage of the output hook after CSI: counts (n stanzas, as the
 * hook's), keeps, writes (nothing while parked), asks for acks. */
int reed__xsm_out(reed_xmpp_core_t *c, const void *head, size_t head_len,
                  reed_buf_t *body, int n);
/* Writes the kept writes again (after <resumed/>), not counting them. */
void reed__xsm_resend(reed_xmpp_core_t *c, xsm_t *sm);
/* Releases what the client's h acknowledges: 0, or REED_EINVAL when h is
 * above what was sent. */
int reed__xsm_ack(xsm_t *sm, uint32_t h);
/* A decimal h of 0..2^32-1; false when missing or malformed. */
bool reed__xsm_parse_h(const char *s, uint32_t *h);
/* Sends (or appends) <failed> with a stanza error condition (and h when
 * has_h). */
void reed__xsm_failed(reed_xmpp_core_t *c, const char *cond, bool has_h,
                      uint32_t h);
void reed__xsm_failed_out(xmpp_out_t *o, const char *cond, bool has_h,
                          uint32_t h);
/* <enable/>'s work, for the nonza and for Bind2's inline one: appends
 * <enabled/> (resumable when asked and configured) or <failed/> to o and
 * returns the new state, or NULL. The caller sets `enabled` once o has
 * gone out (counting starts after it). */
xsm_t *reed__xsm_start(reed_xmpp_core_t *c, bool resume, xmpp_out_t *o);
bool reed__xsm_resume_asked(const reed_xml_el_t *enable);
/* Ends the stream or the parked session soon, from the clock (never
 * inside the write that found the overflow). */
void reed__xsm_end_soon(reed_xmpp_core_t *c, xsm_t *sm);
void reed__xsm_end_timer(void *arg);

/* xmpp_sm_unacked.c: a kept write as it goes out again, each message and
 * presence in it with XEP-0203 <delay from=domain stamp=kept_ms/> (unless
 * it has one); NULL without memory. And the end of a parked session's
 * queue (XEP-0198 5, as Prosody's mod_smacks): iq get/set answered with
 * <recipient-unavailable/> to their senders, messages with a body to the
 * account's other available resources or offline storage, the rest
 * (presence) dropped. */
reed_buf_t *reed__xsm_delayed(reed_xmpp_core_t *c, const xsm_item_t *it);
void reed__xsm_unacked(reed_xmpp_core_t *c, xsm_t *sm);

/* Stream features and nonzas (xmpp_tables.c rows). */
void reed__xmpp_feature_sm(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_nz_enable(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_r(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_a(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_resume(reed_xmpp_core_t *c, reed_xml_el_t *el);

/* CSI (xmpp_csi.c): the output hook itself, the feature, the nonzas, and
 * the flush of what it holds (before a resumed stream goes on). */
int reed__xmpp_csi_out(reed_xmpp_core_t *c, const void *head, size_t head_len,
                       reed_buf_t *body, int n);
void reed__xmpp_feature_csi(reed_xmpp_core_t *c, xmpp_out_t *o);
void reed__xmpp_nz_active(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xmpp_nz_inactive(reed_xmpp_core_t *c, reed_xml_el_t *el);
void reed__xcsi_flush(reed_xmpp_core_t *c);
void reed__xcsi_free(reed_xmpp_core_t *c, void *p);

#endif
