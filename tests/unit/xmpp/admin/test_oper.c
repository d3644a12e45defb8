/* Operators on XMPP: a resource bound to an operator account is a server
 * operator (an audit line says who), others are not; every XMPP session
 * takes announcements, shown as headline messages, and an IRC operator's
 * WALLOPS reaches XMPP users the same way. */
#include "irc.h"
#include "xadm.h"

#include <string.h>

static reed_session_t *
sess(tw_client_t *c)
{
  return ((reed_xmpp_core_t *)c->core)->session;
}

TEST(xadmin_oper_login)
{
  xim_t w;
  xadm_audit_t au;
  tw_client_t *a, *b;

  xim_init(&w);
  xadm_listen_audit(&w, &au);
  xim_account(&w, "alice");
  xim_account(&w, "bob");
  xadm_oper(&w, "alice");
  a = xim_login(&w, "alice", "pc");
  b = xim_login(&w, "bob", "pc");
  ASSERT(reed_session_is_oper(sess(a)));
  ASSERT(!reed_session_is_oper(sess(b)));
  ASSERT(reed_session_announcements(sess(a)));
  ASSERT(reed_session_announcements(sess(b)));
  ASSERT_EQ(au.n, 1);
  ASSERT_STR_EQ(au.lines[0], "audit: OPER alice by alice (conn 1 127.0.0.1): "
                             "success (operator account, XMPP login)");
  /* No longer an operator account: the next login is not an operator. */
  ASSERT_EQ(reed_store_oper_set(w.tw.store, "alice", false), 0);
  tw_drop(a);
  a = xim_login(&w, "alice", "pc");
  ASSERT(!reed_session_is_oper(sess(a)));
  ASSERT_EQ(au.n, 1);
  xim_free(&w);
}

/* An IRC operator's WALLOPS is an announcement: XMPP users get it as a
 * headline from the server, named after its sender. */
TEST(xadmin_wallops_reaches_xmpp)
{
  xim_t w;
  xpeer_t irc;
  tw_client_t *b;

  xim_init(&w);
  xim_account(&w, "bob");
  b = xim_login(&w, "bob", "pc");
  xpeer_open(&w.tw, &irc, &reed_irc_module);
  xpeer_send(&irc, "NICK op\r\nUSER op 0 * :Op\r\n");
  xpeer_take(&irc);
  reed_session_set_oper(reed_model_session_by_id(w.tw.model, 2), true);
  xpeer_send(&irc, "WALLOPS :restart at 20:00 & <soon>\r\n");
  XIM_EXPECT(b, "<message to='bob@reed.test/pc' from='reed.test' "
                "type='headline'><subject>Announcement from op</subject>"
                "<body>restart at 20:00 &amp; &lt;soon&gt;</body></message>");
  xpeer_close(&irc);
  xim_free(&w);
}
