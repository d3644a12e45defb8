/* XEP-0313 MAM over the model's private history (xmpp_mam.c: the query,
 * its form and RSM; xmpp_mam_page.c: gathering, filtering, paging and
 * writing the results). */
#ifndef REED_XMPP_MAM_INT_H
#define REED_XMPP_MAM_INT_H

#include "xmpp_ext.h"

#define REED_NS_MAM "urn:xmpp:mam:2"
#define REED_NS_RSM "http://jabber.org/protocol/rsm"
#define REED_NS_FORWARD "urn:xmpp:forward:0"
#define REED_NS_DELAY "urn:xmpp:delay"

#define MAM_MAX_DEFAULT 50 /* RSM <max> when the client gives none */
#define MAM_MAX_LIMIT 250  /* and the most one page holds */
/* Messages one query may gather from the model's rings (their size bounds
 * it already; this bounds a server configured with huge rings). */
#define MAM_GATHER_LIMIT 20000

typedef struct mam_query_s {
  const char *queryid; /* NULL: none */
  /* A room's archive (XEP-0313 section 6 on a MUC room): the model room
   * and its JID; NULL for the account's own archive. */
  const char *room;
  char room_jid[REED_JID_MAX + 1];
  char with[REED_JID_MAX + 1];  /* bare JID, "" for every conversation */
  uint64_t start_ms, end_ms;    /* 0: unbounded */
  uint64_t after_id, before_id; /* RSM or #extended ids; 0: none */
  bool last_page; /* <before/> (empty or with an id): page from the end */
  bool flip;      /* #extended <flip-page/>: the page in reverse order */
  size_t max;
  uint64_t ids[MAM_MAX_LIMIT]; /* #extended `ids`: only these */
  size_t n_ids;
} mam_query_t;

/* One archived message as MAM shows it. */
typedef struct mam_msg_s {
  uint64_t id, ts_ms;
  char *from, *to; /* bare JIDs */
  char *text;
  size_t text_len;
  int msg_kind;
  uint64_t reply_to;
  char *payload;         /* the XMPP children kept with it (xmpp_payload.h) */
  bool redacted;         /* a tombstone: shown as XEP-0424's <retracted/> */
  uint64_t retracted_ms; /* a tombstone's retraction time; 0: unknown */
  /* The retraction message archived after a tombstone (XEP-0424): the
   * message it retracts, and for a moderator's (XEP-0425) its occupant
   * JID; the reason is in text. */
  uint64_t retract_of;
  char *by;
} mam_msg_t;

/* Answers the query: the result messages, then the iq result with <fin/>.
 * Errors (the model's) become stanza errors. */
void reed__xmpp_mam_run(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                        const mam_query_t *q);
/* #extended's <metadata/>: the archive's first and last message. */
void reed__xmpp_mam_metadata(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                             const mam_query_t *q);
/* Reads the query's form and RSM set into q (its queryid, flip and room
 * already set) and runs it, or answers the error. */
void reed__xmpp_mam_query(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                          mam_query_t *q);
/* The iq rows (xmpp_tables.c): the account's archive, a room's
 * (xmpp_mam_room.c), and the predicate of the room rows. */
void reed__xmpp_iq_mam_meta(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_mam_room(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_mam_room_meta(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
bool reed__xmpp_to_muc_room(const reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* XEP-0082 "2026-12-07T16:42:50.123Z" (ms always written). */
void reed__xmpp_stamp(uint64_t ms, char *buf, size_t size);
/* Parses an XEP-0082 DateTime (Z or a +hh:mm offset, optional fraction)
 * into ms since the epoch. 0 or REED_EINVAL. */
int reed__xmpp_parse_stamp(const char *s, uint64_t *ms);

#endif
