/* XEP-0050 ad-hoc commands on the server's JID, XEP-0133's announce and
 * end-user-session: the list an operator sees (empty for others), each
 * command's form, its completion, and the refusals (forbidden, unknown
 * node, foreign session id, multi-stage actions, bad forms). Exact XML. */
#include "irc.h"
#include "xadm.h"

#include <stdio.h>
#include <string.h>

#define A "alice@reed.test/pc"
#define B "bob@reed.test/pc"
#define CMD "xmlns='http://jabber.org/protocol/commands'"
#define DATA "xmlns='jabber:x:data'"
#define ADMIN "http://jabber.org/protocol/admin"
#define N_ANN ADMIN "#announce"
#define N_END ADMIN "#end-user-session"
#define RESULT(to, id)                                                         \
  "<iq to='" to "' from='reed.test' type='result' id='" id "'>"
#define ERROR(to, id, type, cond, text)                                        \
  "<iq to='" to "' from='reed.test' type='error' id='" id                      \
  "'><error type='" type "'><" cond " " XIM_STANZAS "/><text " XIM_STANZAS     \
  ">" text "</text></error></iq>"
#define EXEC(id, node, rest)                                                   \
  "<iq type='set' to='reed.test' id='" id "'><command " CMD " node='" node     \
  "'" rest "</iq>"
#define SUBMIT(fields)                                                         \
  "<x " DATA " type='submit'><field var='FORM_TYPE'><value>" ADMIN             \
  "</value></field>" fields "</x></command>"

static void
two(xim_t *w, tw_client_t **a, tw_client_t **b)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  xadm_oper(w, "alice");
  *a = xim_login(w, "alice", "pc");
  *b = xim_login(w, "bob", "pc");
}

TEST(xadmin_commands_listed_for_operators)
{
  xim_t w;
  tw_client_t *a, *b;

  two(&w, &a, &b);
  xim_say(
      a,
      "<iq type='get' to='reed.test' id='i1'><query "
      "xmlns='http://jabber.org/protocol/disco#items' "
      "node='http://jabber.org/protocol/commands'/></iq>",
      RESULT(A,
             "i1") "<query "
                   "xmlns='http://jabber.org/protocol/disco#items' "
                   "node='http://jabber.org/protocol/commands'>"
                   "<item jid='reed.test' node='" N_ANN
                   "' name='Send Announcement to "
                   "Online Users'/><item jid='reed.test' node='" N_END
                   "' name='End "
                   "User Session'/><item jid='reed.test' "
                   "node='urn:reed:admin#ban-add' "
                   "name='Add a Server Ban'/><item jid='reed.test' "
                   "node='urn:reed:admin#ban-del' name='Remove a Server Ban'/>"
                   "</query></iq>");
  /* Others may run nothing: the list is empty. */
  xim_say(
      b,
      "<iq type='get' to='reed.test' id='i2'><query "
      "xmlns='http://jabber.org/protocol/disco#items' "
      "node='http://jabber.org/protocol/commands'/></iq>",
      RESULT(B,
             "i2") "<query "
                   "xmlns='http://jabber.org/protocol/disco#items' "
                   "node='http://jabber.org/protocol/commands'></query></iq>");
  /* A command's node (XEP-0050 2.3), and the server's own info. */
  xim_say(
      a,
      "<iq type='get' to='reed.test' id='i3'><query "
      "xmlns='http://jabber.org/protocol/disco#info' node='" N_END "'/></iq>",
      RESULT(
          A,
          "i3") "<query "
                "xmlns='http://jabber.org/protocol/disco#info' node='" N_END
                "'>"
                "<identity category='automation' type='command-node' name='End "
                "User Session'/><feature "
                "var='http://jabber.org/protocol/commands'/>"
                "<feature var='jabber:x:data'/></query></iq>");
  xim_say(b,
          "<iq type='get' to='reed.test' id='i4'><query "
          "xmlns='http://jabber.org/protocol/disco#info' node='" N_END
          "'/></iq>",
          "<iq to='" B "' from='reed.test' type='error' id='i4'><error "
          "type='cancel'><item-not-found " XIM_STANZAS "/></error></iq>");
  xim_say(
      b,
      "<iq type='get' to='reed.test' id='i5'><query "
      "xmlns='http://jabber.org/protocol/disco#info'/></iq>",
      RESULT(B, "i5") "<query "
                      "xmlns='http://jabber.org/protocol/disco#info'><identity "
                      "category='server' type='im' name='reed'/><feature "
                      "var='http://jabber.org/protocol/commands'/><feature "
                      "var='http://jabber.org/protocol/disco#info'/><feature "
                      "var='http://jabber.org/protocol/disco#items'/><feature "
                      "var='jabber:iq:private'/><feature "
                      "var='jabber:iq:version'/><feature "
                      "var='urn:xmpp:blocking'/><feature "
                      "var='urn:xmpp:carbons:2'/><feature "
                      "var='urn:xmpp:ping'/><feature "
                      "var='vcard-temp'/></query></iq>");
  xim_free(&w);
}

TEST(xadmin_command_refusals)
{
  xim_t w;
  tw_client_t *a, *b;
  char sid[64], in[512], want[512];

  two(&w, &a, &b);
  xim_say(
      b, EXEC("x1", N_ANN, "/>"),
      ERROR(B, "x1", "cancel", "forbidden", "you are not a server operator"));
  xim_say(a, EXEC("x2", "urn:nothing", "/>"),
          "<iq to='" A "' from='reed.test' type='error' id='x2'><error "
          "type='cancel'><item-not-found " XIM_STANZAS "/></error></iq>");
  xim_say(a, EXEC("x3", N_ANN, " sessionid='abc'/>"),
          ERROR(A, "x3", "modify", "bad-request", "bad-sessionid"));
  xim_say(a, EXEC("x4", N_ANN, " action='next'/>"),
          ERROR(A, "x4", "modify", "bad-request", "bad-action"));
  xim_say(a, EXEC("x5", N_ANN, " action='jump'/>"),
          ERROR(A, "x5", "modify", "bad-request", "malformed-action"));
  xim_say(a, EXEC("x6", N_ANN, " action='complete'/>"),
          ERROR(A, "x6", "modify", "bad-request", "bad-payload"));
  /* A form that is not a submission, or names a field twice. */
  xim_say(a, EXEC("x7", N_ANN, "><x " DATA " type='form'/></command>"),
          ERROR(A, "x7", "modify", "bad-request",
                "not a submitted form of this command"));
  xim_say(a,
          EXEC("x8", N_ANN,
               ">" SUBMIT("<field var='announcement'><value>a</value></field>"
                          "<field var='announcement'/>")),
          ERROR(A, "x8", "modify", "bad-request",
                "not a submitted form of this command"));
  /* Another FORM_TYPE. */
  xim_say(a,
          EXEC("x9", "urn:reed:admin#ban-del",
               ">" SUBMIT("<field var='target'><value>1.2.3.4</value>"
                          "</field>")),
          ERROR(A, "x9", "modify", "bad-request",
                "not a submitted form of this command"));
  /* Cancel a session we gave out. */
  tw_send(a, EXEC("x10", N_ANN, "/>"));
  tw_take(a);
  xadm_last_sid(a, sid, sizeof(sid));
  snprintf(in, sizeof(in),
           EXEC("x11", N_ANN, " sessionid='%s' action='cancel'/>"), sid);
  snprintf(want, sizeof(want),
           RESULT(A, "x11") "<command " CMD " node='" N_ANN
                            "' sessionid='%s' status='canceled'/></iq>",
           sid);
  xim_say(a, in, want);
  XIM_EXPECT(b, "");
  xim_free(&w);
}

TEST(xadmin_announce)
{
  xim_t w;
  xadm_audit_t au;
  tw_client_t *a, *b;
  char sid[64], in[1024], want[2048];

  two(&w, &a, &b);
  xadm_listen_audit(&w, &au);
  tw_send(a, EXEC("e1", N_ANN, " action='execute'/>"));
  xadm_last_sid(a, sid, sizeof(sid));
  snprintf(
      want, sizeof(want),
      RESULT(A,
             "e1") "<command " CMD " node='" N_ANN "' sessionid='%s' "
                   "status='executing'><actions execute='complete'><complete/>"
                   "</actions><x " DATA " type='form'><title>Making an "
                   "Announcement</title><instructions>Fill out this form to "
                   "make an "
                   "announcement to all online users of this service (IRC "
                   "users who "
                   "asked for WALLOPS see it too).</instructions><field "
                   "type='hidden' var='FORM_TYPE'><value>" ADMIN
                   "</value></field>"
                   "<field type='text-single' label='Subject' "
                   "var='subject'/><field "
                   "type='text-multi' label='Announcement' var='announcement'>"
                   "<required/></field></x></command></iq>",
      sid);
  XIM_EXPECT(a, want);
  snprintf(in, sizeof(in),
           EXEC("e2", N_ANN,
                " sessionid='%s' action='complete'>" SUBMIT(
                    "<field var='subject'><value>Maintenance</value></field>"
                    "<field var='announcement'><value>down at 20:00,</value>"
                    "<value>back &lt;soon&gt;</value></field>")),
           sid);
  snprintf(
      want, sizeof(want),
      "<message to='" A "' from='reed.test' type='headline'><subject>"
      "Announcement from alice</subject><body>Maintenance: down at "
      "20:00, back &lt;soon&gt;</body></message>" RESULT(
          A,
          "e2") "<command " CMD " node='" N_ANN "' sessionid='%s' "
                "status='completed'><note type='info'>Announcement sent</note>"
                "</command></iq>",
      sid);
  xim_say(a, in, want);
  XIM_EXPECT(b, "<message to='" B "' from='reed.test' type='headline'>"
                "<subject>Announcement from alice</subject><body>Maintenance: "
                "down at 20:00, back &lt;soon&gt;</body></message>");
  ASSERT_EQ(au.n, 1);
  ASSERT_STR_EQ(au.lines[0], "audit: ANNOUNCE by alice: Maintenance: down at "
                             "20:00, back <soon>");
  /* The form in the first execute runs at once; an empty one is refused
   * with an error note. */
  tw_send(a, EXEC("e3", N_ANN, ">" SUBMIT("<field var='announcement'/>")));
  xadm_last_sid(a, sid, sizeof(sid));
  snprintf(
      want, sizeof(want),
      RESULT(A,
             "e3") "<command " CMD " node='" N_ANN "' sessionid='%s' "
                   "status='completed'><note type='error'>The announcement is "
                   "empty</note></command></iq>",
      sid);
  XIM_EXPECT(a, want);
  XIM_EXPECT(b, "");
  ASSERT_EQ(au.n, 1);
  xim_free(&w);
}

TEST(xadmin_end_user_session)
{
  xim_t w;
  xadm_audit_t au;
  tw_client_t *a, *b, *b2;
  xpeer_t irc;
  char sid[64], want[1024];

  two(&w, &a, &b);
  b2 = xim_login(&w, "bob", "phone");
  xpeer_open(&w.tw, &irc, &reed_irc_module);
  xpeer_send(&irc, "NICK guest\r\nUSER g 0 * :G\r\n");
  xpeer_take(&irc);
  xadm_listen_audit(&w, &au);
  tw_send(a, EXEC("k1", N_END,
                  ">" SUBMIT("<field var='accountjids'><value>bob@reed.test/"
                             "phone</value><value>guest@reed.test</value>"
                             "<value>carol@reed.test</value><value>bob@"
                             "elsewhere.example</value></field>")));
  xadm_last_sid(a, sid, sizeof(sid));
  snprintf(
      want, sizeof(want),
      RESULT(A, "k1") "<command " CMD " node='" N_END "' sessionid='%s' "
                      "status='completed'><note "
                      "type='info'>bob@reed.test/phone: ended; "
                      "guest@reed.test: ended; carol@reed.test: no session; "
                      "bob@elsewhere.example: not a user of this server</note>"
                      "</command></iq>",
      sid);
  XIM_EXPECT(a, want);
  /* Every session of the person, on every protocol. */
  XIM_EXPECT(
      b, XADM_SE("policy-violation", "Killed: Session ended by an operator"));
  XIM_EXPECT(
      b2, XADM_SE("policy-violation", "Killed: Session ended by an operator"));
  ASSERT(strstr(xpeer_take(&irc), "Session ended by an operator") != NULL);
  ASSERT_EQ(au.n, 2);
  ASSERT_STR_EQ(au.lines[0],
                "audit: KILL bob by alice: Session ended by an operator");
  ASSERT_STR_EQ(au.lines[1],
                "audit: KILL guest by alice: Session ended by an operator");
  /* A nick names a guest only: an account's person is its account's JID. */
  xim_account(&w, "erin");
  b = xim_login(&w, "erin", "pc");
  ASSERT_EQ(
      reed_session_set_nick(((reed_xmpp_core_t *)b->core)->session, "zed"), 0);
  tw_send(a, EXEC("k3", N_END,
                  ">" SUBMIT("<field var='accountjids'><value>zed@reed.test"
                             "</value></field>")));
  xadm_last_sid(a, sid, sizeof(sid));
  snprintf(
      want, sizeof(want),
      RESULT(
          A,
          "k3") "<command " CMD " node='" N_END "' sessionid='%s' "
                "status='completed'><note type='info'>zed@reed.test: no session"
                "</note></command></iq>",
      sid);
  XIM_EXPECT(a, want);
  XIM_EXPECT(b, "");
  ASSERT(!b->ft->closed);
  /* Oneself: the stream ends; nothing follows it. */
  tw_send(a, EXEC("k2", N_END,
                  ">" SUBMIT("<field var='accountjids'><value>alice@reed.test"
                             "</value></field>")));
  XIM_EXPECT(
      a, XADM_SE("policy-violation", "Killed: Session ended by an operator"));
  xpeer_close(&irc);
  xim_free(&w);
}
