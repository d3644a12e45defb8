/* The bots' reading of IRC lines (the IRC module's codec, through
 * reed_irc_line_parse_server, plus the client's source split and command
 * check) and the client, on arbitrary server bytes: each line is parsed on
 * its own (the result must be consistent), then the whole input is fed to
 * a registered client split at a fuzzed point, the clock runs, and
 * everything is freed. No crash, no leak, output lines are whole and at
 * most 512 bytes. The last parameter of each line also goes through the
 * command parser (name without spaces, args trimmed). */
#include "bot_irc_int.h"
#include "fake_clock.h"

#include <stdlib.h>
#include <string.h>

static reed__bot_irc_msg_t msg;
static reed__bot_irc_t irc;

static void
check_command(const char *text)
{
  char name[33], args[512];
  size_t n;

  if (!reed__bot_parse_command(&irc.bot, text, name, sizeof(name), args,
                               sizeof(args)))
    return;
  n = strlen(args);
  if (name[0] == '\0' || strchr(name, ' ') || args[0] == ' ' ||
      (n > 0 && args[n - 1] == ' '))
    abort();
}

static void
check_parse(const char *line, size_t len)
{
  char v[64];

  if (reed__bot_irc_parse(line, len, &msg) != 0)
    return;
  if (msg.command == NULL || msg.command[0] == '\0' ||
      msg.n_params > REED__BOT_IRC_PARAMS || msg.command != msg.line.command ||
      (msg.line.source != NULL && (msg.nick == NULL || msg.nick[0] == '\0')))
    abort();
  for (size_t i = 0; i < msg.n_params; i++)
    if (msg.params[i] == NULL || strchr(msg.params[i], '\n'))
      abort();
  reed__bot_irc_tag(&msg, "account", v, sizeof(v));
  if (msg.n_params > 0)
    check_command(msg.params[msg.n_params - 1]);
}

static size_t line_start, out_len;

static int
io_write(void *io, const char *data, size_t len)
{
  (void)io;
  for (size_t i = 0; i < len; i++) {
    out_len++;
    if (data[i] == '\n') {
      if (out_len - line_start > 512 || i == 0 || data[i - 1] != '\r')
        abort();
      line_start = out_len;
    }
  }
  return 0;
}

static int
io_connect(void *io)
{
  (void)io;
  return 0;
}

static void
io_close(void *io)
{
  (void)io;
}

static int
answer(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ud;
  if (ev->kind == REED_BOT_EV_MESSAGE && ev->text)
    reed_bot_reply(bot, ev, ev->text);
  if (ev->kind == REED_BOT_EV_INVITE && ev->room)
    reed_bot_join(bot, ev->room, NULL);
  return REED_BOT_KEEP;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *p = (const char *)data, *end = p + size;
  reed_bot_irc_opts_t o = {.host = "h", .nick = "bot", .no_jitter = 1};
  reed__bot_irc_io_t io = {
      .write = io_write, .connect = io_connect, .close = io_close};
  fake_clock_t fc;
  size_t cut = size ? data[0] % (size + 1) : 0;

  fc_init(&fc);
  line_start = out_len = 0;
  if (reed__bot_irc_init(&irc, &o, &io, &fc.clock, NULL) != 0)
    abort();
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    check_parse(p, len);
    p += len + 1;
  }
  reed_bot_on(&irc.bot, NULL, answer, NULL);
  reed__bot_irc_start(&irc);
  reed__bot_irc_connected(&irc);
  reed__bot_irc_feed(&irc, ":s 001 bot :hi\r\n", 16);
  reed__bot_irc_feed(&irc, (const char *)data, cut);
  reed__bot_irc_feed(&irc, (const char *)data + cut, size - cut);
  fc_advance(&fc, 10 * 60 * 1000);
  reed__bot_irc_closed(&irc, "fuzz");
  fc_advance(&fc, 1000);
  reed__bot_irc_cleanup(&irc);
  fc_cleanup(&fc);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
