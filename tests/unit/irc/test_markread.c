/* draft/read-marker: MARKREAD get and set, its errors, and the MARKREAD
 * that follows a JOIN's names before 366. */
#include "irc_test.h"

static void
sc_markread(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "CAP REQ draft/read-marker\r\n");
  itw_take(w, 0);
  itw_feed(w, 0, "JOIN #r\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 JOIN #r\n"
             ":irc.test 353 alice = #r :@alice\n"
             ":irc.test MARKREAD #r *\n"
             ":irc.test 366 alice #r :End of /NAMES list");
  itw_feed(w, 0,
           "MARKREAD\r\nMARKREAD #r\r\nMARKREAD #r "
           "timestamp=2019-01-04T14:33:26.123Z\r\n"
           "MARKREAD #R timestamp=2019-01-01T00:00:00.000Z\r\n"
           "MARKREAD #r *\r\nMARKREAD #r timestamp=junk\r\n"
           "MARKREAD #r msgid=3\r\nMARKREAD bad,target\r\n"
           "MARKREAD Bob timestamp=2023-07-04T00:00:00.000Z\r\n"
           "MARKREAD bob\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL MARKREAD NEED_MORE_PARAMS :Missing parameters\n"
             ":irc.test MARKREAD #r *\n"
             ":irc.test MARKREAD #r timestamp=2019-01-04T14:33:26.123Z\n"
             ":irc.test MARKREAD #R timestamp=2019-01-04T14:33:26.123Z\n"
             ":irc.test FAIL MARKREAD INVALID_PARAMS #r * :Invalid timestamp\n"
             ":irc.test FAIL MARKREAD INVALID_PARAMS #r timestamp=junk "
             ":Invalid timestamp\n"
             ":irc.test FAIL MARKREAD INVALID_PARAMS #r msgid=3 :Invalid "
             "timestamp\n"
             ":irc.test FAIL MARKREAD INVALID_PARAMS bad,target :Invalid "
             "target\n"
             ":irc.test MARKREAD Bob timestamp=2023-07-04T00:00:00.000Z\n"
             ":irc.test MARKREAD bob timestamp=2023-07-04T00:00:00.000Z");
  /* A time in the future is cut to now; markers are never shown to
   * anyone else. */
  itw_feed(w, 0, "MARKREAD #r timestamp=2262-01-01T00:00:00.000Z\r\n");
  ITW_EXPECT(w, 0, ":irc.test MARKREAD #r timestamp=2023-11-14T22:13:24.500Z");
  ITW_EXPECT(w, 1, "");
  itw_feed(w, 1, "MARKREAD #r\r\nJOIN #r\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test MARKREAD #r *\n"
             ":bob!~u1@127.0.0.1 JOIN #r\n"
             ":irc.test 353 bob = #r :@alice bob\n"
             ":irc.test 366 bob #r :End of /NAMES list");
  /* Without the cap, a set is still answered. */
  itw_feed(w, 1, "MARKREAD #r timestamp=2020-01-01T00:00:00Z\r\n");
  ITW_EXPECT(w, 1, ":irc.test MARKREAD #r timestamp=2020-01-01T00:00:00.000Z");
  /* A rejoin shows the stored marker. */
  itw_feed(w, 0, "PART #r\r\nJOIN #r\r\n");
  ITW_EXPECT(w, 0,
             ":bob!~u1@127.0.0.1 JOIN #r\n"
             ":alice!~u0@127.0.0.1 PART #r\n"
             ":alice!~u0@127.0.0.1 JOIN #r\n"
             ":irc.test 353 alice = #r :bob alice\n"
             ":irc.test MARKREAD #r timestamp=2023-11-14T22:13:24.500Z\n"
             ":irc.test 366 alice #r :End of /NAMES list");
}

TEST(markread_get_set_join)
{
  itw_run_chunked(sc_markread);
}
