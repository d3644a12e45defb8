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
  reed_proto_env_t env;

  itw_register(w, 1, "bob");
  itw_feed(w, 1, "JOIN #f\r\n");
  ft_init(&w->ft[0]);
  env = (reed_proto_env_t){
      .transport = &w->ft[0].transport,
      .clock = &w->fc.clock,
      .worker = &w->iw.worker,
      .model = w->model,
      .conf = &w->conf,
      .conn_id = 1,
  };
  w->env[0] = env;
  reed_alloc_fail_after(fail_at);
  if (reed_irc_module.conn_new(&w->env[0], &w->core[0]) != 0) {
    reed_alloc_fail_after(-1);
    w->core[0] = NULL;
    ft_cleanup(&w->ft[0]);
    return false;
  }
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
    free(w.transcript);
    if (clean)
      break;
  }
  ASSERT(n >= 20); /* many allocations really failed on the way */
  ASSERT(n < 400); /* and a clean run was reached */
}
