/* Test plugins: with FAIL_INIT, an init that installs a handler and a
 * timer and joins a room, then refuses the load; without it, no init at
 * all. */
#include "reed_bot.h"

#ifdef FAIL_INIT
static int
never(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)bot;
  (void)ev;
  (void)ud;
  return REED_BOT_KEEP;
}

static int
tick(reed_bot_t *bot, void *ud)
{
  (void)bot;
  (void)ud;
  return REED_BOT_KEEP;
}

REED_EXTERN int
reed_bot_plugin_init(reed_bot_t *bot)
{
  reed_bot_on(bot, NULL, never, NULL);
  reed_bot_every(bot, 1000, tick, NULL);
  reed_bot_set_nick(bot, "failbot");
  reed_bot_join(bot, "#bots", NULL);
  return REED_BOT_EINVAL;
}
#else
REED_EXTERN int
reed_bot_plugin_other(reed_bot_t *bot)
{
  (void)bot;
  return 0;
}
#endif
