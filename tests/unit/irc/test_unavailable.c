/* The store cannot write (store.h, the degraded state): the model's
 * sequencer refuses messages and room changes with REED_EUNAVAILABLE, and
 * the sender gets FAIL <command> TEMPORARILY_UNAVAILABLE as its labeled
 * response, with no echo and nothing for the other members. */
#include "irc_test.h"

#include <string.h>

typedef struct {
  reed_sequencer_t next;
} refuse_t;

/* Refuses what needs a stored row, as the store's gate does. */
static int
refuse_order(void *ud, reed_change_t *c)
{
  refuse_t *r = ud;

  if (c->kind == REED_EV_MESSAGE || c->kind == REED_EV_TOPIC ||
      c->kind == REED_EV_MODE || c->kind == REED_EV_REDACT)
    return REED_EUNAVAILABLE;
  return r->next.order(r->next.s, c);
}

static void
sc_unavailable(itw_t *w)
{
  refuse_t r;

  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "CAP REQ :labeled-response echo-message\r\nJOIN #r\r\n");
  itw_feed(w, 1, "JOIN #r\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  reed_model_sequencer(w->model, &r.next);
  reed_model_set_sequencer(w->model,
                           &(reed_sequencer_t){.order = refuse_order, .s = &r});
  itw_feed(w, 0,
           "@label=m PRIVMSG #r :hi\r\n@label=p PRIVMSG bob :psst\r\n"
           "NOTICE #r :note\r\nTOPIC #r :new\r\n");
  ITW_EXPECT(w, 0,
             "@label=m :irc.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE #r "
             ":Not saved: the server cannot store this now, try again later\n"
             "@label=p :irc.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE bob "
             ":Not saved: the server cannot store this now, try again later\n"
             ":irc.test FAIL NOTICE TEMPORARILY_UNAVAILABLE #r "
             ":Not saved: the server cannot store this now, try again later\n"
             ":irc.test FAIL TOPIC TEMPORARILY_UNAVAILABLE #r "
             ":Not saved: the server cannot store this now, try again later");
  ITW_EXPECT(w, 1, "");
  /* What needs no row goes on: a part and a join. */
  itw_feed(w, 1, "PART #r\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 PART #r");
  itw_take(w, 1);
  reed_model_set_sequencer(w->model, &r.next);
  itw_feed(w, 0, "@label=ok PRIVMSG #r :stored\r\n");
  ITW_EXPECT(w, 0, "@label=ok :alice!~u0@127.0.0.1 PRIVMSG #r :stored");
}

TEST(unavailable_fail_replies)
{
  itw_run_chunked(sc_unavailable);
}
