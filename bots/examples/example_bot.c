/* An example bot, built from this one file both as an in-process plugin
 * (reed loads it and calls reed_bot_plugin_init) and, with
 * example_main.c, as a networked IRC or XMPP client linked with
 * libreed-bot.
 *
 *   !ping        pong
 *   !time        the current time (UTC)
 *   !echo TEXT   repeats TEXT
 *   !seen NICK   when NICK last spoke in a room the bot is in
 *   !uptime      minutes since the bot started (a reed_bot_every timer)
 *
 * It includes reed_bot.h and libc, nothing else of reed. */
#include "example_bot.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SEEN_MAX 64

static struct {
  char nick[33];
  char room[65];
  uint64_t ms;
} seen[SEEN_MAX];
static unsigned seen_next;
static unsigned long minutes;

static void
format_time(uint64_t ms, char *out, size_t size)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  if (gmtime_r(&t, &tm) == NULL ||
      strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    snprintf(out, size, "%llu ms", (unsigned long long)ms);
}

static int
on_time(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  char when[64], text[96];

  (void)ud;
  format_time(reed_bot_wall_ms(bot), when, sizeof(when));
  snprintf(text, sizeof(text), "%s: it is %s", ev->nick, when);
  reed_bot_reply(bot, ev, text);
  return REED_BOT_KEEP;
}

static int
on_ping(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ud;
  reed_bot_reply(bot, ev, "pong");
  return REED_BOT_KEEP;
}

static int
on_echo(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ud;
  if (ev->args[0] != '\0')
    reed_bot_reply(bot, ev, ev->args);
  return REED_BOT_KEEP;
}

static int
find_seen(const char *nick)
{
  for (int i = 0; i < SEEN_MAX; i++)
    if (seen[i].nick[0] && strcasecmp(seen[i].nick, nick) == 0)
      return i;
  return -1;
}

static int
on_message(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  int i;

  (void)ud;
  if (ev->room == NULL || ev->nick == NULL)
    return REED_BOT_KEEP;
  i = find_seen(ev->nick);
  if (i < 0) {
    i = (int)(seen_next++ % SEEN_MAX);
    snprintf(seen[i].nick, sizeof(seen[i].nick), "%s", ev->nick);
  }
  snprintf(seen[i].room, sizeof(seen[i].room), "%s", ev->room);
  seen[i].ms = reed_bot_wall_ms(bot);
  return REED_BOT_KEEP;
}

static int
on_seen(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  char when[64], text[256];
  int i = find_seen(ev->args);

  (void)ud;
  if (ev->args[0] == '\0')
    return REED_BOT_KEEP;
  if (i < 0) {
    snprintf(text, sizeof(text), "I have not seen %.64s", ev->args);
  } else {
    format_time(seen[i].ms, when, sizeof(when));
    snprintf(text, sizeof(text), "%s was last seen in %s at %s", seen[i].nick,
             seen[i].room, when);
  }
  reed_bot_reply(bot, ev, text);
  return REED_BOT_KEEP;
}

static int
on_uptime(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  char text[64];

  (void)ud;
  snprintf(text, sizeof(text), "up %lu minutes", minutes);
  reed_bot_reply(bot, ev, text);
  return REED_BOT_KEEP;
}

static int
tick(reed_bot_t *bot, void *ud)
{
  (void)bot;
  (void)ud;
  minutes++;
  return REED_BOT_KEEP;
}

/* Joins the room once: the networked transport rejoins it after a
 * reconnect by itself. */
static int
on_connected(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  int rc = reed_bot_join(bot, (const char *)ud, NULL);

  (void)ev;
  if (rc != REED_BOT_OK)
    fprintf(stderr, "example bot: join %s: %s\n", (const char *)ud,
            reed_bot_strerror(rc));
  return REED_BOT_REMOVE;
}

int
example_bot_setup(reed_bot_t *bot, const char *room)
{
  static const struct {
    const char *name;
    reed_bot_handler_cb cb;
  } commands[] = {
      {"ping", on_ping}, {"time", on_time},     {"echo", on_echo},
      {"seen", on_seen}, {"uptime", on_uptime},
  };
  static char room_copy[65];
  reed_bot_filter_t in_rooms = {.kind = REED_BOT_EV_MESSAGE};
  reed_bot_filter_t connected = {.kind = REED_BOT_EV_CONNECTED};
  int rc = 0;

  snprintf(room_copy, sizeof(room_copy), "%s", room);
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) && !rc; i++) {
    reed_bot_filter_t f = {.command = commands[i].name};
    rc = reed_bot_on(bot, &f, commands[i].cb, NULL);
  }
  if (rc == 0)
    rc = reed_bot_on(bot, &in_rooms, on_message, NULL);
  if (rc == 0)
    rc = reed_bot_on(bot, &connected, on_connected, room_copy);
  if (rc == 0)
    rc = reed_bot_every(bot, 60000, tick, NULL);
  return rc;
}

/* The plugin entry point: reed has attached `bot` to its model. */
REED_EXTERN int
reed_bot_plugin_init(reed_bot_t *bot)
{
  int rc = reed_bot_set_nick(bot, "timebot");

  return rc ? rc : example_bot_setup(bot, "#bots");
}
