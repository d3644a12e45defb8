/* Registration, JOIN and a message with allocation N failing, for every N
 * until the scenario runs clean: no crash, nothing leaked, no timer left
 * (itw_finish checks all three under ASan). */
#include "irc_test.h"

#include <string.h>

/* Returns true when nothing failed (the PING was answered). */
static bool
scenario(itw_t *w, long fail_at)
{
  reed_irc_core_t *c;

  itw_register(w, 1, "bob");
  itw_feed(w, 1, "JOIN #f\r\n");
  reed_alloc_fail_after(fail_at);
  if (tw_open(&w->tw, &w->cl[0], "0", &w->ft[0]) != 0) {
    reed_alloc_fail_after(-1);
    return false;
  }
  w->core[0] = w->cl[0].core;
  c = w->core[0];
  reed_irc_module.feed(c, (const uint8_t *)"NICK al", 7);
  reed_irc_module.feed(
      c,
      (const uint8_t *)"ice\r\nUSER a 0 * :A\r\nJOIN #f\r\nPRIVMSG #f :hi\r\n",
      44);
  reed_alloc_fail_after(-1);
  /* Whatever failed, the connection still answers or was closed. */
  if (!w->ft[0].closed)
    reed_irc_module.feed(c, (const uint8_t *)"PING :x\r\n", 9);
  return strstr(w->ft[0].out ? w->ft[0].out : "", "PONG") != NULL &&
         strstr(w->ft[1].out ? w->ft[1].out : "", "PRIVMSG #f :hi") != NULL;
}

TEST(failmalloc_register_join)
{
  static itw_t w;
  long n;

  for (n = 0; n < 400; n++) {
    bool clean;
    itw_init(&w, 0);
    clean = scenario(&w, n);
    itw_finish(&w);
    if (clean)
      break;
  }
  ASSERT(n >= 20); /* many allocations really failed on the way */
  ASSERT(n < 400); /* and a clean run was reached */
}
