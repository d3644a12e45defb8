/* XEP-0444 reactions in one-to-one chats and IRC's +draft/react: what an
 * XMPP set adds reaches IRC as one TAGMSG per reaction (a reaction already
 * sent is not sent again), what it drops as +draft/unreact; the XMPP
 * recipient gets the stanza as sent; each IRC change reaches XMPP as the
 * IRC user's whole set for that message. */
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>
#include <string.h>

#define A1 "alice@reed.test/a1"
#define RX "xmlns='urn:xmpp:reactions:0'"

static const char *
react(const char *id, const char *set)
{
  static char buf[512];

  snprintf(buf, sizeof(buf),
           "<message to='dave@reed.test' type='chat'><reactions " RX
           " id='%s'>%s</reactions><store xmlns='urn:xmpp:hints'/>"
           "</message>",
           id, set);
  return buf;
}

TEST(xim_react_both_ways)
{
  static const struct {
    const char *id, *set;
    const char *irc; /* the reactions IRC sees, in order */
  } cases[] = {
      {"1", "<reaction>\xf0\x9f\x91\x8d</reaction>", "\xf0\x9f\x91\x8d "},
      /* The whole set again with one more: only the new one. */
      {"1",
       "<reaction>\xf0\x9f\x91\x8d</reaction><reaction>ok</reaction>"
       "<reaction>ok</reaction>",
       "ok "},
      {"1", "<reaction>ok</reaction>", "-\xf0\x9f\x91\x8d "}, /* dropped */
      {"1", "", "-ok "},                                      /* all dropped */
      {"uuid-x", "<reaction>no</reaction>", ""}, /* not a message of ours */
      {"2", "<reaction>a</reaction>", "a "},     /* by origin-id below */
  };
  xim_t w;
  xpeer_t dave;
  tw_client_t *a1;
  char want[256];
  const char *out;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "dave");
  a1 = xim_login(&w, "alice", "a1");
  xim_online(a1, NULL);
  xpeer_irc_login(&w.tw, &dave, "dave");
  xpeer_send(&dave, "PRIVMSG alice :hello\r\n"); /* id 1 */
  tw_take(a1);
  xim_say(a1,
          "<message to='dave@reed.test' type='chat'><body>hi</body>"
          "<origin-id xmlns='urn:xmpp:sid:0' id='o-2'/></message>",
          ""); /* id 2 */
  xpeer_take(&dave);

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char *p = want;
    xim_say(a1, react(cases[i].id, cases[i].set), "");
    out = xpeer_take(&dave);
    want[0] = '\0';
    /* "r " for each +draft/react=r, "-r " for each +draft/unreact=r. */
    for (const char *at = out; (at = strstr(at, "react=")) != NULL;) {
      if (at - out >= 2 && at[-2] == 'u' && at[-1] == 'n')
        *p++ = '-';
      at += 6;
      while (*at != ';' && *at != ' ')
        *p++ = *at++;
      *p++ = ' ';
      *p = '\0';
      ASSERT(strstr(at, "TAGMSG dave") != NULL);
    }
    ASSERT_STR_EQ(want, cases[i].irc);
  }
  /* The origin-id names alice's own message 2. */
  xim_say(a1, react("o-2", "<reaction>a</reaction><reaction>b</reaction>"), "");
  out = xpeer_take(&dave);
  ASSERT(strstr(out, "+draft/react=b") != NULL);
  ASSERT(strstr(out, "+draft/reply=2") != NULL);
  ASSERT(strstr(out, "+draft/react=a") == NULL);
  /* IRC to XMPP: a set of one. */
  xpeer_send(&dave, "@+draft/reply=2;+draft/react=yes TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><reactions " RX " id='2'><reaction>yes"
                 "</reaction></reactions><store xmlns='urn:xmpp:hints'/>"
                 "</message>");
  /* Another: the set grows; a withdrawal (+draft/unreact) shrinks it, to
   * the empty set, XEP-0444's removal of all. */
  xpeer_send(&dave, "@+draft/reply=2;+draft/react=no TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><reactions " RX " id='2'><reaction>yes"
                 "</reaction><reaction>no</reaction></reactions><store "
                 "xmlns='urn:xmpp:hints'/></message>");
  xpeer_send(&dave, "@+draft/reply=2;+draft/unreact=yes TAGMSG alice\r\n"
                    "@+draft/reply=2;+draft/unreact=no TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><reactions " RX " id='2'><reaction>no"
                 "</reaction></reactions><store xmlns='urn:xmpp:hints'/>"
                 "</message><message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><reactions " RX " id='2'/><store "
                 "xmlns='urn:xmpp:hints'/></message>");
  xpeer_close(&dave);
  xim_free(&w);
}
