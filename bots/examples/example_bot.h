/* The example bot's setup, shared by the plugin entry point and the
 * networked main. */
#ifndef REED_EXAMPLE_BOT_H
#define REED_EXAMPLE_BOT_H

#include "reed_bot.h"

/* Installs the commands and joins `room` once connected. Returns 0 or the
 * first failing reed_bot_* code. */
int example_bot_setup(reed_bot_t *bot, const char *room);
REED_EXTERN int reed_bot_plugin_init(reed_bot_t *bot);

#endif
