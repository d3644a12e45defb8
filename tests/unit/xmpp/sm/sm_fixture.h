/* The stream-management tests' world (tests/support/world.h):
 * reed_xmpp_module on the real model, a SQLite store (offline messages),
 * a portal whose randomness is a counter (resumption ids repeat from run to
 * run), domain "reed.test", and the module's env with the [server]
 * section (a parked core reads config through it). Accounts have password
 * "pw"; logins use STARTTLS and SASL PLAIN, and their output is taken. */
#ifndef REED_TEST_SM_FIXTURE_H
#define REED_TEST_SM_FIXTURE_H

#include "world.h"
#include "xw_common.h"
#include "xmpp_im_int.h"
#include "xmpp_sm.h"

typedef struct smw_s {
  tw_t tw;
  reed_server_conf_t sc;
  char name[16];
  uint64_t rnd;
  char delay[128]; /* smw_parked: the <delay/> its kept stanzas get */
} smw_t;

#define SM_NS "xmlns='urn:xmpp:sm:3'"
#define SM_STANZAS "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
#define SM_R "<r " SM_NS "/>"
#define SM_EXPECT(c, want) ASSERT_STR_EQ(tw_take(c), (want))

void smw_init(smw_t *w);
void smw_free(smw_t *w);
reed_xmpp_conf_t *smw_conf(smw_t *w);
void smw_account(smw_t *w, const char *name);
/* A client of `user` through SASL, its post-authentication features
 * taken: it may bind or resume next. */
tw_client_t *smw_auth(smw_t *w, const char *name, const char *user);
/* Binds `resource` on an authenticated client. */
void smw_bind(tw_client_t *c, const char *user, const char *resource);
tw_client_t *smw_login(smw_t *w, const char *user, const char *resource);
/* <enable resume='true'/>: asserts the answer and copies the id into id
 * (32 bytes). */
void smw_enable(tw_client_t *c, char *id);
/* Sends `in` and asserts the client gets exactly `want`. */
void smw_say(tw_client_t *c, const char *in, const char *want);
/* A chat message from b1 (bob@reed.test/b1) to alice's resource a1 with
 * body `text`, as a1 gets it (stanza-id `sid`). */
void smw_chat(tw_client_t *b1, const char *text);
const char *smw_chat_out(char *buf, size_t size, const char *text, int sid);
xsm_t *smw_sm(tw_client_t *c);
/* test_resume.c: alice/a1 and bob/b1 online, a1 resumable (id); a1 sent
 * its initial presence, got it back and "one" (unacknowledged), then its
 * connection dropped; "two" came while parked. w->delay is the <delay/>
 * of all three (kept at the same fake time). */
void smw_parked(smw_t *w, tw_client_t **a1, tw_client_t **b1, char *id);
/* <resume previd=id h=h/>, and what a resumed a1 then gets: what was
 * kept again, each stanza dated with `delay`. */
void smw_resume(tw_client_t *c, const char *id, unsigned h);
const char *smw_resumed(char *buf, size_t size, const char *id, unsigned h,
                        const char *delay);
/* The <delay/> of a stanza kept now. */
void smw_delay_now(smw_t *w, char *buf, size_t size);
/* "<message to='alice@reed.test/<res>' ...>text</body>" + stanza-id sid +
 * the delay + "</message>". */
const char *smw_chat_dated(char *buf, size_t size, const char *res,
                           const char *text, int sid, const char *delay);

#endif
