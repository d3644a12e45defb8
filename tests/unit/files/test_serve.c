/* How files are served (pure): names and types accepted, the allow list,
 * Content-Disposition, percent-decoding, and the base URL. */
#include "files.h"
#include "harness.h"

#include <string.h>

TEST(names_and_types_table)
{
  static const struct {
    const char *name;
    bool ok;
  } names[] = {
      {"cat.png", true},
      {"a b (1).txt", true},
      {"\xc3\xa9t\xc3\xa9.jpg", true},
      {"", false},
      {".", false},
      {"..", false},
      {"a/b", false},
      {"a\\b", false},
      {"a\nb", false},
      {"\xff.png", false},
      {"x\x7f", false},
  };
  static const struct {
    const char *type;
    bool ok;
  } types[] = {
      {"", true},
      {"image/png", true},
      {"text/plain; charset=utf-8", true},
      {"png", false},
      {"/png", false},
      {"image/", false},
      {"image/p\nng", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(names); i++)
    ASSERT_EQ(reed_files_name_valid(names[i].name), names[i].ok);
  for (size_t i = 0; i < REED_ARRAY_SIZE(types); i++)
    ASSERT_EQ(reed_files_type_valid(types[i].type), types[i].ok);
}

TEST(served_type_and_disposition)
{
  static const struct {
    const char *in, *out;
    bool inline_;
  } cases[] = {
      {"image/png", "image/png", true},
      {"IMAGE/JPEG", "image/jpeg", true},
      {"text/plain", "text/plain; charset=utf-8", true},
      {"text/plain; charset=latin1", "text/plain; charset=utf-8", true},
      {"video/mp4", "video/mp4", true},
      {"text/html", "application/octet-stream", false},
      {"image/svg+xml", "application/octet-stream", false},
      {"application/pdf", "application/octet-stream", false},
      {"image/pngx", "application/octet-stream", false},
      {"", "application/octet-stream", false},
  };
  char out[256];
  bool inl;

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_files_served_type(cases[i].in, &inl, out, sizeof(out));
    ASSERT_STR_EQ(out, cases[i].out);
    ASSERT_EQ(inl, cases[i].inline_);
  }
  reed_files_disposition("cat.png", true, out, sizeof(out));
  ASSERT_STR_EQ(out, "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png");
  reed_files_disposition("a\"b;c\xc3\xa9.html", false, out, sizeof(out));
  ASSERT_STR_EQ(out, "attachment; filename=\"a_b_c__.html\"; "
                     "filename*=UTF-8''a%22b%3Bc%C3%A9.html");
  reed_files_pct_encode("a b/c~d", out, sizeof(out));
  ASSERT_STR_EQ(out, "a%20b%2Fc~d");
}

TEST(pct_decode_table)
{
  static const struct {
    const char *in;
    int rc;
    const char *out;
  } cases[] = {
      {"cat.png", 0, "cat.png"},  {"a%20b", 0, "a b"},
      {"%C3%A9", 0, "\xc3\xa9"},  {"%2f", 0, "/"},
      {"%", REED_EINVAL, NULL},   {"%4", REED_EINVAL, NULL},
      {"%zz", REED_EINVAL, NULL}, {"a%00", REED_EINVAL, NULL},
  };
  char out[64];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    ASSERT_EQ(reed_files_pct_decode(cases[i].in, strlen(cases[i].in), out,
                                    sizeof(out)),
              cases[i].rc);
    if (cases[i].out != NULL)
      ASSERT_STR_EQ(out, cases[i].out);
  }
  ASSERT_EQ(reed_files_pct_decode("abcdef", 6, out, 4), REED_ETOOBIG);
}

typedef struct lst_s {
  const char *module, *kind, *addr;
  unsigned port;
} lst_t;

static void
each(void *ud, reed_files_listener_cb cb, void *cbud)
{
  for (const lst_t *l = ud; l->module != NULL; l++)
    cb(cbud, l->module, l->kind, l->addr, l->port);
}

TEST(base_url_from_listeners)
{
  static const lst_t plain[] = {{"irc", "tcp", "127.0.0.1", 6667},
                                {"http", "tcp", "127.0.0.1", 8080},
                                {"http", "ssl", "127.0.0.1", 8443},
                                {NULL, NULL, NULL, 0}};
  static const lst_t tls[] = {{"http", "unix", "/run/x", 0},
                              {"http", "ssl", "::", 443},
                              {NULL, NULL, NULL, 0}};
  static const lst_t v6[] = {{"http", "tcp", "::1", 80}, {NULL, NULL, NULL, 0}};
  static const lst_t none[] = {{"irc", "tcp", "127.0.0.1", 6667},
                               {NULL, NULL, NULL, 0}};
  reed_server_conf_t sv = {.name = "chat.example"};
  char out[128];

  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)plain, out, sizeof(out)), 0);
  ASSERT_STR_EQ(out, "http://127.0.0.1:8080");
  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)tls, out, sizeof(out)), 0);
  ASSERT_STR_EQ(out, "https://chat.example");
  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)v6, out, sizeof(out)), 0);
  ASSERT_STR_EQ(out, "http://[::1]");
  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)none, out, sizeof(out)),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_files_base_url(&sv, NULL, NULL, out, sizeof(out)),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)plain, out, 10),
            REED_ETOOBIG);
  sv.upload.url = "https://files.example/chat/";
  ASSERT_EQ(reed_files_base_url(&sv, each, (void *)plain, out, sizeof(out)), 0);
  ASSERT_STR_EQ(out, "https://files.example/chat");
}
