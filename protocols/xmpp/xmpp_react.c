/* XEP-0444 reactions in one-to-one chats on the model's neutral reaction
 * (a TAGMSG with reply_to and reaction: IRC's +draft/react, or with
 * unreact: +draft/unreact).
 *
 * XEP-0444 sends the sender's whole set for a message each time, the
 * model one change: each resource remembers the last set it sent for its
 * few latest messages (REACT_KEEP); what a new set adds goes to the model
 * as reactions, what it drops as unreacts, one TAGMSG each. XMPP
 * recipients get the stanza itself (xmpp_message.c relays bodyless
 * messages), so the TAGMSG of an XMPP sender is not shown to them again.
 * From IRC or AMP, each change reaches XMPP as the sender's whole set as
 * the module keeps it (xmpp_react_set.c). The id is a model id (the
 * stanza-id), or in a one-to-one chat the sender's own origin-id, as for
 * retractions. Rooms: xmpp_react_room.c. */
#include "xmpp_carbons.h"
#include "xmpp_muc.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

#define REACT_KEEP 8
#define REACT_SET_MAX 256

typedef struct {
  uint64_t id;
  char set[REACT_SET_MAX]; /* the reactions, each followed by a NUL */
  size_t len;
} react_seen_t;

typedef struct xmpp_react_s {
  react_seen_t seen[REACT_KEEP];
  size_t next; /* the slot to reuse */
} xmpp_react_t;

void
reed__xmpp_react_free(reed_xmpp_core_t *c, void *p)
{
  (void)c;
  reed_free(p);
}

static react_seen_t *
seen_of(reed_xmpp_core_t *c, uint64_t id)
{
  xmpp_react_t *r = reed__xmpp_ext_get(c, XMPP_EXT_REACT);
  react_seen_t *s;

  if (r == NULL && (r = reed_calloc(1, sizeof(*r))) == NULL)
    return NULL;
  reed__xmpp_ext_set(c, XMPP_EXT_REACT, r);
  for (size_t i = 0; i < REACT_KEEP; i++)
    if (r->seen[i].id == id)
      return &r->seen[i];
  s = &r->seen[r->next];
  r->next = (r->next + 1) % REACT_KEEP;
  *s = (react_seen_t){.id = id};
  return s;
}

static bool
in_set(const react_seen_t *s, const char *v)
{
  for (size_t at = 0; at < s->len; at += strlen(s->set + at) + 1)
    if (strcmp(s->set + at, v) == 0)
      return true;
  return false;
}

/* The id a <reactions/> names: a model id, else (one-to-one) one of our
 * own messages' origin-id. */
static uint64_t
target_id(reed_xmpp_core_t *c, const char *nick, const char *id)
{
  uint64_t n = reed__xmpp_model_id(id);

  return n != 0 ? n : reed__xmpp_by_origin_id(c, nick, id);
}

void
reed__xmpp_react_to_model(reed_xmpp_core_t *c, const reed_xml_el_t *msg,
                          const char *nick)
{
  const reed_xml_el_t *rs = reed_xml_child(msg, "reactions", REED_NS_REACTIONS);
  react_seen_t *old, now = {0};
  uint64_t id;

  if (rs == NULL || c->session == NULL || nick == NULL || nick[0] == '\0' ||
      (id = target_id(c, nick, reed_xml_attr(rs, "id"))) == 0 ||
      (old = seen_of(c, id)) == NULL)
    return;
  for (reed_xml_el_t *r = reed_xml_child(rs, "reaction", REED_NS_REACTIONS);
       r != NULL; r = reed_xml_next(r, "reaction", REED_NS_REACTIONS)) {
    reed_msg_extra_t x = {.reply_to = id, .reaction = r->text};
    if (r->text_len == 0 || now.len + r->text_len + 1 > REACT_SET_MAX ||
        in_set(&now, r->text))
      continue;
    memcpy(now.set + now.len, r->text, r->text_len + 1);
    now.len += r->text_len + 1;
    if (!in_set(old, r->text))
      (void)reed_tagmsg(c->session, nick, false, &x); /* best effort */
  }
  /* What the set dropped: withdrawn (IRC's +draft/unreact). */
  for (size_t at = 0; at < old->len; at += strlen(old->set + at) + 1) {
    reed_msg_extra_t x = {
        .reply_to = id, .reaction = old->set + at, .unreact = true};
    if (!in_set(&now, old->set + at))
      (void)reed_tagmsg(c->session, nick, false, &x);
  }
  now.id = id;
  *old = now;
}

/* ---- From the model: one reaction as a set of one --------------------- */

static reed_buf_t *
fmt_react(void *ctx, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ctx;
  char from[REED_JID_MAX + 1], local[REED_NICK_MAX + 1];
  xmpp_out_t o;
  reed_buf_t *b = NULL;

  reed_casefold(local, ev->from.account ? ev->from.account : ev->from.nick,
                sizeof(local));
  snprintf(from, sizeof(from), "%s@%s/%s", local, reed__xmpp_domain(c),
           ev->from.origin ? ev->from.origin : "unknown");
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_raw(&o, " type='chat'>");
  reed__xmpp_react_put(c->st, &o, ev->u.msg.reply_to, &ev->from);
  reed__xmpp_out_raw(&o, "<store xmlns='urn:xmpp:hints'/></message>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmpp_ev_tagmsg_all(reed_xmpp_core_t *c, reed_session_t *s,
                         const reed_event_t *ev)
{
  reed_form_t form = {&reed_xmpp_module, 0x0444};
  reed_buf_t *body;

  reed__xmpp_ev_tagmsg(c, s, ev); /* typing (xmpp_chatstate.c) */
  if (ev->room != NULL && ev->u.msg.reaction != NULL) {
    reed__xmuc_ev_react(c, ev); /* xmpp_react_room.c */
    return;
  }
  if (ev->u.msg.reaction == NULL || ev->room != NULL || ev->echo || ev->copy ||
      !c->bound || ev->from.nick == NULL ||
      (ev->from.origin && strcmp(ev->from.origin, "xmpp") == 0) ||
      !reed__xim_receives_bare(c))
    return;
  reed__xmpp_react_apply(c->st, ev); /* the sender's whole set, below */
  if ((body = reed_event_render(ev, form, fmt_react, c)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
}
