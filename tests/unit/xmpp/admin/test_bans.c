/* Server bans on XMPP streams: a connection from a banned address, a bind
 * of a banned account or mask, and a ban added while a resource is bound
 * each end the stream with <policy-violation/> and the ban's reason; the
 * operators' ban-add and ban-del commands through the store and the
 * model. Exact XML. */
#include "xadm.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

#define A "alice@reed.test/pc"
#define CMD "xmlns='http://jabber.org/protocol/commands'"
#define DATA "xmlns='jabber:x:data'"
#define BAN(id, node, fields)                                                  \
  "<iq type='set' to='reed.test' id='" id "'><command " CMD                    \
  " node='urn:reed:admin#" node "'><x " DATA " type='submit'><field "          \
  "var='FORM_TYPE'><value>urn:reed:admin</value></field>" fields               \
  "</x></command></iq>"
#define FIELD(var, value)                                                      \
  "<field var='" var "'><value>" value "</value></field>"

static void
ban(xim_t *w, const char *target, const char *reason)
{
  reed_sban_view_t b = {
      .target = target, .reason = reason, .setter = "test", .set_ms = 1};

  ASSERT_EQ(reed_model_sban_add(w->tw.model, &b), 0);
}

static size_t
sessions(xim_t *w)
{
  reed_model_stats_t st;

  reed_model_stats(w->tw.model, &st);
  return st.sessions;
}

TEST(xadmin_ban_at_connection)
{
  xim_t w;
  tw_client_t *c;

  xim_init(&w);
  ban(&w, "127.0.0.0/8", "spam from here");
  c = tw_client(&w.tw, "c");
  xadm_ends_with(tw_take(c), "version='1.0' xml:lang='en'>" XADM_SE(
                                 "policy-violation", "Banned: spam from here"));
  ASSERT(c->ft->closed);
  ASSERT_STR_EQ(c->ft->close_reason, "Banned: spam from here");
  /* Another address is let in. */
  ASSERT_EQ(reed_model_sban_del(w.tw.model, "127.0.0.0/8"), 0);
  ban(&w, "192.0.2.0/24", "");
  c = tw_client(&w.tw, "d");
  ASSERT(!c->ft->closed);
  xim_free(&w);
}

TEST(xadmin_ban_at_bind)
{
  xim_t w;
  tw_client_t *c;

  xim_init(&w);
  xim_account(&w, "bob");
  ban(&w, "bob", "flooding");
  c = xadm_authed(&w, "bob", "b1");
  ASSERT_STR_EQ(xadm_bind(c, "pc"),
                XADM_SE("policy-violation", "Banned: flooding"));
  ASSERT(c->ft->closed);
  ASSERT_EQ(sessions(&w), 0);
  /* A mask: the user part is the resource. */
  ASSERT_EQ(reed_model_sban_del(w.tw.model, "bob"), 0);
  ban(&w, "*!phone@*", "");
  c = xadm_authed(&w, "bob", "b2");
  ASSERT_STR_EQ(xadm_bind(c, "phone"),
                XADM_SE("policy-violation", "Banned: no reason given"));
  c = xadm_authed(&w, "bob", "b3");
  ASSERT(strstr(xadm_bind(c, "pc"), "<jid>bob@reed.test/pc</jid>") != NULL);
  ASSERT_EQ(sessions(&w), 1);
  xim_free(&w);
}

TEST(xadmin_ban_ends_a_stream)
{
  xim_t w;
  tw_client_t *b, *c;

  xim_init(&w);
  xim_account(&w, "bob");
  xim_account(&w, "carol");
  b = xim_login(&w, "bob", "pc");
  c = xim_login(&w, "carol", "pc");
  ban(&w, "bob", "spam");
  XIM_EXPECT(b, XADM_SE("policy-violation", "Killed: Banned: spam"));
  ASSERT(b->ft->closed);
  XIM_EXPECT(c, "");
  ASSERT_EQ(sessions(&w), 1);
  xim_free(&w);
}

static void
count_ban(void *ud, const reed_sban_view_t *b)
{
  REED_UNUSED(b);
  (*(int *)ud)++;
}

static int
stored_bans(xim_t *w)
{
  int n = 0;

  ASSERT_EQ(reed_store_ban_list(w->tw.store, count_ban, &n), 0);
  return n;
}

/* The completed answer with its note, for the session id given out. */
static void
expect_done(tw_client_t *c, const char *id, const char *node, const char *type,
            const char *note)
{
  char sid[64], want[1024];

  xadm_last_sid(c, sid, sizeof(sid));
  snprintf(want, sizeof(want),
           "<iq to='" A "' from='reed.test' type='result' id='%s'><command " CMD
           " node='urn:reed:admin#%s' sessionid='%s' "
           "status='completed'><note type='%s'>%s</note></command></iq>",
           id, node, sid, type, note);
  XIM_EXPECT(c, want);
}

TEST(xadmin_ban_commands)
{
  xim_t w;
  xadm_audit_t au;
  tw_client_t *a, *b;

  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  xadm_oper(&w, "alice");
  a = xim_login(&w, "alice", "pc");
  b = xim_login(&w, "bob", "pc");
  xadm_listen_audit(&w, &au);
  /* An account's JID stands for the account. */
  tw_send(a, BAN("b1", "ban-add",
                 FIELD("target", "bob@reed.test") FIELD("reason", "spam")
                     FIELD("duration", "1h")));
  expect_done(a, "b1", "ban-add", "info",
              "Ban added on bob (account), expires in 1h: spam");
  XIM_EXPECT(b, XADM_SE("policy-violation", "Killed: Banned: spam"));
  ASSERT_EQ(stored_bans(&w), 1);
  ASSERT_EQ(reed_model_sban_count(w.tw.model), 1);
  ASSERT_EQ(au.n, 1);
  ASSERT_STR_EQ(au.lines[0],
                "audit: ban add bob (account) by alice on XMPP: spam");
  b = xadm_authed(&w, "bob", "b2");
  ASSERT_STR_EQ(xadm_bind(b, "pc"),
                XADM_SE("policy-violation", "Banned: spam"));
  /* Refusals are error notes. */
  tw_send(a, BAN("b2", "ban-add", FIELD("target", "a b")));
  expect_done(a, "b2", "ban-add", "error",
              "Not an address, CIDR block, nick!user@host mask or account");
  tw_send(a, BAN("b3", "ban-add",
                 FIELD("target", "10.0.0.0/8") FIELD("duration", "soon")));
  expect_done(a, "b3", "ban-add", "error",
              "Durations look like 30m, 1h30m or 7d");
  tw_send(a, BAN("b4", "ban-del", FIELD("target", "10.0.0.0/8")));
  expect_done(a, "b4", "ban-del", "error", "No such server ban");
  ASSERT_EQ(reed_model_sban_count(w.tw.model), 1);
  /* Lifted: bob binds again. */
  tw_send(a, BAN("b5", "ban-del", FIELD("target", "bob")));
  expect_done(a, "b5", "ban-del", "info", "Ban removed on bob");
  ASSERT_EQ(stored_bans(&w), 0);
  ASSERT_EQ(reed_model_sban_count(w.tw.model), 0);
  ASSERT_EQ(au.n, 2);
  ASSERT_STR_EQ(au.lines[1], "audit: ban del bob by alice on XMPP");
  b = xadm_authed(&w, "bob", "b3");
  ASSERT(strstr(xadm_bind(b, "pc"), "<jid>bob@reed.test/pc</jid>") != NULL);
  /* A ban on oneself ends one's own stream: no answer follows. */
  tw_send(a, BAN("b6", "ban-add", FIELD("target", "alice")));
  XIM_EXPECT(a, XADM_SE("policy-violation", "Killed: Banned: no reason given"));
  xim_free(&w);
}
