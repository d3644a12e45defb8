/* Stream management's h against what the client really got: after every
 * step of a session like Converse.js's (roster, disco, carbons, PEP, MAM,
 * presence, a MUC join ending with the room's subject, a groupchat echo,
 * another occupant's subject change and an invitation), the stanzas in
 * the client's output since <enabled/> equal the server's h, over TCP and
 * over WebSocket framing, and the client's <a h/> of them is accepted. A writer
 * whose count (the output hook's n) misses a stanza puts our h behind the
 * client's, and XEP-0198 then ends the stream with <handled-count-too-high/>
 * (the MUC subject did). */
#include "sm_fixture.h"

#include <stdio.h>
#include <string.h>

#define FR_NS "xmlns='urn:ietf:params:xml:ns:xmpp-framing'"
#define C_OPEN "<open " FR_NS " to='reed.test' version='1.0'/>"
#define ROOM "r@conference.reed.test"

typedef struct {
  tw_client_t *c;
  unsigned got; /* stanzas in the output since <enabled/> */
} counted_t;

static void
count_one(void *ud, const xsm_ev_t *ev)
{
  unsigned *n = ud;

  *n += ev->kind == XSM_EV_DONE &&
        (strcmp(ev->top, "message") == 0 || strcmp(ev->top, "presence") == 0 ||
         strcmp(ev->top, "iq") == 0);
}

/* Takes the output, counts its stanzas (the walk over the bytes, not the
 * writers' counts) and asserts our h is that count. */
static void
check(counted_t *k, const char *step)
{
  const char *out = tw_take(k->c);
  reed_buf_t *b = reed_buf_new(strlen(out) + 1);

  ASSERT(b != NULL);
  ASSERT_EQ(reed_buf_append(&b, out, strlen(out)), 0);
  reed__xsm_walk(NULL, 0, b, count_one, &k->got);
  reed_buf_unref(b);
  if (smw_sm(k->c)->h_out != k->got)
    fprintf(stderr, "after %s: h %u, client got %u: %s\n", step,
            smw_sm(k->c)->h_out, k->got, out);
  ASSERT_EQ(smw_sm(k->c)->h_out, k->got);
}

static void
step(counted_t *k, const char *in)
{
  tw_send(k->c, in);
  check(k, in);
}

/* <open/>, PLAIN, <open/> again, bind, over WebSocket framing. */
static tw_client_t *
ws_login(smw_t *w, const char *user, const char *resource)
{
  char b64[128], in[512];
  tw_client_t *c;

  w->tw.framing = REED_FRAMING_WEBSOCKET;
  c = tw_client(&w->tw, resource);
  w->tw.framing = 0;
  reed_strlcpy(c->ft->peer.ip, "127.0.0.1", sizeof(c->ft->peer.ip));
  c->ft->sep = "\n";
  tw_send(c, C_OPEN);
  xw_plain(user, "pw", b64, sizeof(b64));
  snprintf(in, sizeof(in),
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
           "mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, in);
  tw_send(c, C_OPEN);
  tw_take(c);
  smw_bind(c, user, resource);
  return c;
}

static void
session(bool ws)
{
  smw_t w;
  counted_t k = {NULL, 0};
  tw_client_t *b1;
  char buf[64];

  smw_init(&w);
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  b1 = smw_login(&w, "bob", "b1");
  tw_send(b1, "<presence/>");
  tw_send(b1, "<presence to='" ROOM "/bob'><x "
              "xmlns='http://jabber.org/protocol/muc'/></presence>");
  tw_take(b1);
  k.c = ws ? ws_login(&w, "alice", "a1") : smw_login(&w, "alice", "a1");
  tw_send(k.c, "<enable " SM_NS " resume='true'/>");
  ASSERT(strstr(tw_take(k.c), "<enabled ") != NULL);
  step(&k, "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
  step(&k, "<iq type='get' id='d1' to='reed.test'><query "
           "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  step(&k, "<iq type='get' id='d2' to='reed.test'><query "
           "xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  step(&k, "<iq type='set' id='c1'><enable xmlns='urn:xmpp:carbons:2'/></iq>");
  step(&k, "<iq type='get' id='p1'><pubsub "
           "xmlns='http://jabber.org/protocol/pubsub'><items "
           "node='urn:xmpp:bookmarks:1'/></pubsub></iq>");
  step(&k, "<iq type='get' id='p2'><pubsub "
           "xmlns='http://jabber.org/protocol/pubsub'><items "
           "node='storage:bookmarks'/></pubsub></iq>");
  step(&k, "<iq type='set' id='m1'><query xmlns='urn:xmpp:mam:2'/></iq>");
  step(&k, "<presence><show>chat</show></presence>");
  step(&k, "<iq type='get' id='d3' to='" ROOM "'><query "
           "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  step(&k, "<presence to='" ROOM "/alice'><x "
           "xmlns='http://jabber.org/protocol/muc'/></presence>");
  step(&k, "<message to='" ROOM "' type='groupchat'><body>hi</body>"
           "</message>");
  tw_send(b1, "<message to='" ROOM "' type='groupchat'><subject>news"
              "</subject></message>");
  check(&k, "a subject change");
  tw_send(b1, "<message to='" ROOM "'><x "
              "xmlns='http://jabber.org/protocol/muc#user'><invite "
              "to='alice@reed.test'/></x></message>");
  check(&k, "an invitation");
  step(&k, "<iq type='get' id='x1' to='reed.test'><nothing xmlns='urn:x'/>"
           "</iq>");
  /* The client acknowledges all it got: no <handled-count-too-high/>. */
  snprintf(buf, sizeof(buf), "<a " SM_NS " h='%u'/>", k.got);
  smw_say(k.c, buf, "");
  ASSERT(!k.c->ft->closed);
  ASSERT_EQ(smw_sm(k.c)->acked, k.got);
  smw_free(&w);
}

TEST(xsm_count_converse_tcp)
{
  session(false);
}

TEST(xsm_count_converse_ws)
{
  session(true);
}
