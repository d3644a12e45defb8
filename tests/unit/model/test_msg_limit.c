/* The message bound: lines counted as a line-based relay shows them, and a
 * message past the bound refused before it is sequenced. */
#include "rec.h"

#include <string.h>

static const struct {
  const char *text;
  size_t lines;
} line_cases[] = {
    {"x", 1},      {"a\nb", 2}, {"a\r\nb", 2},   {"a\rb", 2},     {"\n", 2},
    {"a\n\nb", 3}, {"a\n", 2},  {"\r\n\r\n", 3}, {"a\n\r\nb", 3},
};

TEST(msg_lines_table)
{
  char piece[REED_MSG_LINE_WIDTH * 2 + 2];

  for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++)
    ASSERT_EQ(reed_msg_lines(line_cases[i].text, strlen(line_cases[i].text)),
              line_cases[i].lines);
  memset(piece, 'x', sizeof(piece));
  ASSERT_EQ(reed_msg_lines(piece, REED_MSG_LINE_WIDTH), 1);
  ASSERT_EQ(reed_msg_lines(piece, REED_MSG_LINE_WIDTH + 1), 2);
  ASSERT_EQ(reed_msg_lines(piece, 2 * REED_MSG_LINE_WIDTH + 1), 3);
  piece[REED_MSG_LINE_WIDTH] = '\n'; /* width, break, width + 1 */
  ASSERT_EQ(reed_msg_lines(piece, sizeof(piece)), 3);
}

TEST(message_past_the_bound_is_refused_unsequenced)
{
  fx_t f;
  char nl[4096];
  reed_model_opts_t o = {0};
  fx_init_opts(&f, &o);
  reed_session_t *a = sess(&f, "s1", "amp", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  uint64_t id = 0;

  ASSERT_EQ(reed_model_max_msg_lines(f.m), REED_MSG_LINES_DEFAULT);
  ASSERT_EQ(reed_model_max_msg_bytes(f.m), REED_MSG_BYTES_DEFAULT);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  /* The case: 4,095 line feeds and one letter. */
  memset(nl, '\n', sizeof(nl));
  nl[0] = 'x';
  ASSERT_EQ(reed_room_say(a, "r", 0, nl, 4095, NULL, &id), REED_ETOOBIG);
  ASSERT_EQ(reed_tell(a, "bob", 0, nl, 4095, NULL, &id), REED_ETOOBIG);
  ASSERT_EQ(id, 0);
  ASSERT_LINES(rec_take(), "");
  /* 100 lines pass, 101 do not. */
  for (size_t i = 0; i < 200; i += 2)
    nl[i] = 'x';
  ASSERT_EQ(reed_room_say(a, "r", 0, nl, 199, NULL, &id), 0);
  ASSERT_EQ(id, 3); /* the joins took 1 and 2: nothing in between */
  ASSERT_EQ(reed_room_say(a, "r", 0, nl, 201, NULL, NULL), REED_ETOOBIG);
  /* Bytes: 4096 pass (16 lines of the width), 4097 do not. */
  char big[4097];
  memset(big, 'y', sizeof(big));
  ASSERT_EQ(reed_room_say(a, "r", 0, big, 4096, NULL, NULL), 0);
  ASSERT_EQ(reed_room_say(a, "r", 0, big, 4097, NULL, NULL), REED_ETOOBIG);
  /* A reload lowers the bound. */
  reed_model_set_msg_limits(f.m, 2, 0);
  ASSERT_EQ(say(a, "r", "a\nb"), 0);
  ASSERT_EQ(say(a, "r", "a\nb\nc"), REED_ETOOBIG);
  /* Texts about as long as the bound: n bytes show in up to n + 1 lines. */
  reed_model_set_msg_limits(f.m, 3, 0);
  ASSERT_EQ(say(a, "r", "\n\n"), 0);
  ASSERT_EQ(say(a, "r", "\r\n\r"), 0);
  ASSERT_EQ(say(a, "r", "\n\n\n"), REED_ETOOBIG);
  ASSERT_EQ(say(a, "r", "\r\r\r"), REED_ETOOBIG);
  fx_done(&f);
}
