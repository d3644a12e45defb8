/* Every extension's handler with allocation n failing, for each n: no
 * crash, no leak (the world's teardown counts allocations), and the stream
 * either answers the last iq or ends. */
#include "xext_fixture.h"

#include <stdio.h>
#include <string.h>

#define PS "http://jabber.org/protocol/pubsub"
#define EXT_IQS                                                                \
  "<iq type='get' id='1' to='reed.test'><query "                               \
  "xmlns='http://jabber.org/protocol/disco#info'/></iq>"                       \
  "<iq type='get' id='2'><query "                                              \
  "xmlns='http://jabber.org/protocol/disco#items'/></iq>"                      \
  "<iq type='set' id='3'><block xmlns='urn:xmpp:blocking'><item "              \
  "jid='x@y'/></block></iq>"                                                   \
  "<iq type='get' id='4'><blocklist xmlns='urn:xmpp:blocking'/></iq>"          \
  "<iq type='set' id='5'><vCard xmlns='vcard-temp'><FN>a</FN></vCard></iq>"    \
  "<iq type='get' id='6'><vCard xmlns='vcard-temp'/></iq>"                     \
  "<iq type='set' id='7'><pubsub xmlns='" PS "'><publish node='n'><item "      \
  "id='i'><p xmlns='t'/></item></publish></pubsub></iq>"                       \
  "<iq type='get' id='8'><pubsub xmlns='" PS "'><items node='n'/></pubsub>"    \
  "</iq>"                                                                      \
  "<iq type='set' id='9'><query xmlns='jabber:iq:private'><storage "           \
  "xmlns='storage:bookmarks'><conference jid='r@c' autojoin='1'><nick>n"       \
  "</nick></conference></storage></query></iq>"                                \
  "<iq type='get' id='10'><query xmlns='jabber:iq:private'><storage "          \
  "xmlns='storage:bookmarks'/></query></iq>"                                   \
  "<iq type='set' id='11'><query xmlns='urn:xmpp:mam:2'/></iq>"                \
  "<iq type='get' id='end' to='reed.test'><ping xmlns='urn:xmpp:ping'/></iq>"

TEST(failmalloc_extensions)
{
  /* The batch allocates about 120 times; past that every run is whole. */
  for (long n = 0; n < 200; n++) {
    xe_t x;
    tw_client_t *a;
    const char *out;

    xe_init(&x);
    xe_account(&x, "alice");
    a = xe_login(&x, "alice", "pc");
    ASSERT_EQ(
        reed_tell(xw_session(a), "alice", REED_MSG_NORMAL, "hi", 2, NULL, NULL),
        0);
    reed_alloc_fail_after(n);
    tw_send(a, EXT_IQS);
    reed_alloc_fail_after(-1);
    out = tw_take(a);
    if (!a->ft->closed && strstr(out, "id='end'") == NULL)
      reed__test_fail(__FILE__, __LINE__, "n=%ld: stalled: %s", n, out);
    xe_free(&x);
  }
}
