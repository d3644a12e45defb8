/* Names: casefolding, the grammars and glob masks, table-driven. */
#include "rec.h"

TEST(casefold_ascii_only)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"Alice", "alice"},
      {"[]\\~", "[]\\~"},
      {"ABC-xyz", "abc-xyz"},
      {"{}|^", "{}|^"},
      {"\xc3\x89t\xc3\xa9", "\xc3\x89t\xc3\xa9"},
      {"", ""},
      {"Z@Q", "z@q"},
  };
  char buf[64];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_casefold(buf, cases[i].in, sizeof(buf));
    ASSERT_STR_EQ(buf, cases[i].out);
  }
  reed_casefold(buf, "ABCDEF", 4);
  ASSERT_STR_EQ(buf, "abc");
  ASSERT_EQ(reed_casecmp("Alice", "aLICE"), 0);
  ASSERT(reed_casecmp("[", "{") != 0);
  ASSERT(reed_casecmp("a", "b") < 0);
  ASSERT(reed_casecmp("b", "A") > 0);
  ASSERT(reed_casecmp("ab", "a") > 0);
}

TEST(nick_grammar)
{
  static const struct {
    const char *nick;
    bool ok;
  } cases[] = {
      {"alice", true},
      {"A", true},
      {"[x]", true},
      {"`tick", true},
      {"_under", true},
      {"\\back", true},
      {"^up{}|", true},
      {"n1-2", true},
      {"12345678901234567890123456789012", false},
      {"a2345678901234567890123456789012", true},
      {"a23456789012345678901234567890123", false},
      {"", false},
      {"1abc", false},
      {"-abc", false},
      {"al ice", false},
      {"al,ice", false},
      {"al!ice", false},
      {"al@ice", false},
      {"al.ice", false},
      {"#room", false},
      {"\xc3\xa9", false},
      {"a:b", false},
      {"a~b", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_nick_valid(cases[i].nick) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "nick %s", cases[i].nick);
  ASSERT(!reed_nick_valid(NULL));
}

TEST(account_grammar)
{
  static const struct {
    const char *name;
    bool ok;
  } cases[] = {
      {"alice", true},
      {"Alice_2-x", true},
      {"a", true},
      {"abcdefghijabcdefghijabcdefghijab", true},
      {"abcdefghijabcdefghijabcdefghijabc", false},
      {"_alice", false},
      {"1alice", false},
      {"al[ice", false},
      {"al.ice", false},
      {"", false},
      {"al ice", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_account_valid(cases[i].name) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "account %s", cases[i].name);
  ASSERT(!reed_account_valid(NULL));
}

TEST(room_grammar)
{
  static const struct {
    const char *name;
    bool ok;
  } cases[] = {
      {"room", true},
      {"#room", true},
      {"caf\xc3\xa9", true},
      {"a-b.c_d", true},
      {"x", true},
      {"123456789012345678901234567890123456789012345678901234567890123", true},
      {"1234567890123456789012345678901234567890123456789012345678901234",
       false},
      {"", false},
      {"a b", false},
      {"a,b", false},
      {"a:b", false},
      {"a@b", false},
      {"a/b", false},
      {"a\\b", false},
      {"a\x07", false},
      {"a\tb", false},
      {"a\x7f", false},
      {"a\xc2\x85", false},
      {"\xff", false},
      {"\xc3", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_room_name_valid(cases[i].name) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "room #%zu", i);
  ASSERT(!reed_room_name_valid(NULL));
}

TEST(key_grammar)
{
  static const struct {
    const char *key;
    bool ok;
  } cases[] = {
      {"secret", true},
      {"s3cr:t!", true},
      {"12345678901234567890123456789012", true},
      {"123456789012345678901234567890123", false},
      {"", false},
      {"a b", false},
      {"a,b", false},
      {"a\nb", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_room_key_valid(cases[i].key) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "key %s", cases[i].key);
  ASSERT(!reed_room_key_valid(NULL));
}

TEST(mask_match_table)
{
  static const struct {
    const char *mask, *subject;
    bool ok;
  } cases[] = {
      {"*", "", true},
      {"*", "anything", true},
      {"", "", true},
      {"", "a", false},
      {"a", "", false},
      {"alice!*@*", "Alice!u@h", true},
      {"ALICE!*@*", "alice!u@h", true},
      {"*!*@*.example", "bob!b@host.example", true},
      {"*!*@*.example", "bob!b@host.example.org", false},
      {"b?b!*@*", "bob!x@y", true},
      {"b?b!*@*", "bb!x@y", false},
      {"*a*a*a*", "banana", true},
      {"*a*a*a*a*", "banana", false},
      {"\\*!*@*", "*!u@h", true},
      {"\\*!*@*", "x!u@h", false},
      {"a\\?", "a?", true},
      {"a\\?", "ab", false},
      {"a\\", "a\\", true},
      {"**x", "abx", true},
      {"[x]", "[X]", true},
      {"[x]", "{x}", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed_mask_match(cases[i].mask, cases[i].subject) != cases[i].ok)
      reed__test_fail(__FILE__, __LINE__, "mask %s ~ %s", cases[i].mask,
                      cases[i].subject);
  ASSERT(!reed_mask_match(NULL, "x"));
  ASSERT(!reed_mask_match("x", NULL));
}
