/* draft/multiline: a client batch becomes one message, relayed as a batch
 * to clients with the cap and line by line to the others; its errors; the
 * label of the opening BATCH answered by the echo. */
#include "irc_test.h"

#define CAPS "CAP REQ :batch message-tags draft/multiline\r\n"

static void
ml_setup(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 0, CAPS "CAP REQ :echo-message labeled-response\r\n");
  itw_feed(w, 1, CAPS);
  itw_feed(w, 2, "CAP REQ :message-tags\r\n");
  for (int i = 0; i < 3; i++)
    itw_feed(w, i, "JOIN #m\r\n");
  for (int i = 0; i < 3; i++)
    itw_take(w, i);
}

static void
sc_multiline(itw_t *w)
{
  ml_setup(w);
  itw_feed(w, 0,
           "@label=xyz;+draft/reply=1 BATCH +123 draft/multiline #m\r\n"
           "@batch=123 PRIVMSG #m hello\r\n"
           "@batch=123 PRIVMSG #m :\r\n"
           "@batch=123 PRIVMSG #m :how is \r\n"
           "@batch=123;draft/multiline-concat PRIVMSG #m :everyone?\r\n"
           "BATCH -123\r\n");
  ITW_EXPECT(w, 0,
             "@label=xyz;msgid=4;+draft/reply=1 :alice!~u0@127.0.0.1 BATCH "
             "+ml4 draft/multiline #m\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :hello\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :how is \n"
             "@batch=ml4;draft/multiline-concat :alice!~u0@127.0.0.1 PRIVMSG "
             "#m :everyone?\n"
             ":alice!~u0@127.0.0.1 BATCH -ml4");
  ITW_EXPECT(w, 1,
             "@msgid=4;+draft/reply=1 :alice!~u0@127.0.0.1 BATCH +ml4 "
             "draft/multiline #m\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :hello\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :how is \n"
             "@batch=ml4;draft/multiline-concat :alice!~u0@127.0.0.1 PRIVMSG "
             "#m :everyone?\n"
             ":alice!~u0@127.0.0.1 BATCH -ml4");
  ITW_EXPECT(w, 2,
             "@msgid=4;+draft/reply=1 :alice!~u0@127.0.0.1 PRIVMSG #m :hello\n"
             "@+draft/reply=1 :alice!~u0@127.0.0.1 PRIVMSG #m :how is \n"
             "@+draft/reply=1 :alice!~u0@127.0.0.1 PRIVMSG #m :everyone?");
  /* One message in history, text joined; replayed as a batch. */
  itw_feed(w, 1, "CHATHISTORY LATEST #m * 10\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test BATCH +b1 chathistory #m\n"
             "@batch=b1;msgid=4;+draft/reply=1 :alice!~u0@127.0.0.1 BATCH "
             "+ml4 draft/multiline #m\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :hello\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :\n"
             "@batch=ml4 :alice!~u0@127.0.0.1 PRIVMSG #m :how is everyone?\n"
             "@batch=b1 :alice!~u0@127.0.0.1 BATCH -ml4\n"
             ":irc.test BATCH -b1");
}

TEST(multiline_batch_and_fallback)
{
  itw_run_chunked(sc_multiline);
}

/* The caps that change a relayed message: multiline and batch only for a
 * message of several lines. A one-line message reaches connections with
 * and without them alike, whoever of them comes first in the fan-out. */
static void
sc_one_line_and_many(itw_t *w)
{
  ml_setup(w);
  itw_register(w, 3, "dave");
  itw_feed(w, 3, "CAP REQ :batch message-tags\r\nJOIN #m\r\n");
  for (int i = 0; i < 4; i++)
    itw_take(w, i);
  itw_feed(w, 2, "PRIVMSG #m :one line\r\n");
  for (int i = 0; i < 4; i += i == 1 ? 2 : 1)
    ITW_EXPECT(w, i, "@msgid=5 :carol!~u2@127.0.0.1 PRIVMSG #m :one line");
  itw_feed(w, 0,
           "BATCH +1 draft/multiline #m\r\n@batch=1 PRIVMSG #m :a\r\n"
           "@batch=1 PRIVMSG #m :b\r\nBATCH -1\r\nPRIVMSG #m :c\r\n");
  ITW_EXPECT(w, 1,
             "@msgid=6 :alice!~u0@127.0.0.1 BATCH +ml6 draft/multiline #m\n"
             "@batch=ml6 :alice!~u0@127.0.0.1 PRIVMSG #m :a\n"
             "@batch=ml6 :alice!~u0@127.0.0.1 PRIVMSG #m :b\n"
             ":alice!~u0@127.0.0.1 BATCH -ml6\n"
             "@msgid=7 :alice!~u0@127.0.0.1 PRIVMSG #m :c");
  for (int i = 2; i < 4; i++)
    ITW_EXPECT(w, i,
               "@msgid=6 :alice!~u0@127.0.0.1 PRIVMSG #m :a\n"
               ":alice!~u0@127.0.0.1 PRIVMSG #m :b\n"
               "@msgid=7 :alice!~u0@127.0.0.1 PRIVMSG #m :c");
}

TEST(multiline_one_line_same_for_all)
{
  itw_run_chunked(sc_one_line_and_many);
}

static void
sc_multiline_errors(itw_t *w)
{
  char line[600];

  ml_setup(w);
  itw_feed(w, 0,
           "BATCH +a draft/multiline #m\r\n@batch=b PRIVMSG #m :x\r\n"
           "@batch=a PRIVMSG #m :ignored\r\nBATCH -a\r\n"
           "BATCH +c draft/multiline #m\r\n@batch=c PRIVMSG #other :x\r\n"
           "BATCH -c\r\n"
           "BATCH +d draft/multiline #m\r\n@batch=d PRIVMSG #m :hi\r\n"
           "@batch=d;draft/multiline-concat PRIVMSG #m :\r\nBATCH -d\r\n"
           "BATCH +e draft/multiline #m\r\n@batch=e PRIVMSG #m :\r\n"
           "BATCH -e\r\nBATCH -zz\r\nBATCH +f chathistory #m\r\n"
           "@batch=q PRIVMSG #m :no batch\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch\n"
             ":irc.test FAIL BATCH MULTILINE_INVALID_TARGET #m #other "
             ":Invalid multiline target\n"
             ":irc.test FAIL BATCH MULTILINE_INVALID :A concatenated line may "
             "not be blank\n"
             ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch "
             "(no text)\n"
             ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch\n"
             ":irc.test FAIL BATCH INVALID_PARAMS :Unsupported batch\n"
             ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch");
  ITW_EXPECT(w, 1, "");
  itw_feed(w, 0, "BATCH +g draft/multiline #m\r\n");
  for (int i = 0; i < IRC_ML_MAX_LINES + 1; i++)
    itw_feed(w, 0, "@batch=g PRIVMSG #m :l\r\n");
  itw_feed(w, 0, "BATCH -g\r\nBATCH +h draft/multiline #m\r\n");
  memset(line, 'x', 400);
  line[400] = '\0';
  for (int i = 0; i < 11; i++) {
    char buf[700];
    snprintf(buf, sizeof(buf), "@batch=h PRIVMSG #m :%s\r\n", line);
    itw_feed(w, 0, buf);
  }
  itw_feed(w, 0, "BATCH -h\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL BATCH MULTILINE_MAX_LINES 100 :Multiline batch "
             "max-lines exceeded\n"
             ":irc.test FAIL BATCH MULTILINE_MAX_BYTES 4096 :Multiline batch "
             "max-bytes exceeded");
  ITW_EXPECT(w, 1, "");
  /* Without the cap, no batch opens. */
  itw_feed(w, 2, "BATCH +i draft/multiline #m\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test FAIL BATCH MULTILINE_INVALID :Invalid multiline batch");
}

TEST(multiline_errors)
{
  itw_run_chunked(sc_multiline_errors);
}

/* The cap advertises the model's message bound, and a batch within it that
 * the model counts as more lines (long pieces) fails as max-lines. */
static void
sc_multiline_model_bound(itw_t *w)
{
  char line[401];

  reed_model_set_msg_limits(w->model, 3, 1000);
  itw_connect(w, 3);
  itw_feed(w, 3, "CAP LS 302\r\n");
  ASSERT(strstr(itw_take(w, 3), "draft/multiline=max-bytes=1000,max-lines=3") !=
         NULL);
  ml_setup(w);
  itw_feed(w, 0,
           "BATCH +a draft/multiline #m\r\n@batch=a PRIVMSG #m :1\r\n"
           "@batch=a PRIVMSG #m :2\r\n@batch=a PRIVMSG #m :3\r\n"
           "@batch=a PRIVMSG #m :4\r\nBATCH -a\r\n"
           "BATCH +b draft/multiline #m\r\n");
  memset(line, 'x', 400);
  line[400] = '\0';
  for (int i = 0; i < 2; i++) {
    char buf[700];
    snprintf(buf, sizeof(buf), "@batch=b PRIVMSG #m :%s\r\n", line);
    itw_feed(w, 0, buf);
  }
  itw_feed(w, 0, "BATCH -b\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL BATCH MULTILINE_MAX_LINES 3 :Multiline batch "
             "max-lines exceeded\n"
             ":irc.test FAIL BATCH MULTILINE_MAX_LINES 3 :Multiline batch "
             "max-lines exceeded");
  ITW_EXPECT(w, 1, "");
  ITW_EXPECT(w, 2, "");
}

TEST(multiline_model_bound)
{
  itw_run_chunked(sc_multiline_model_bound);
}
