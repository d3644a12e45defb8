/* The [acme] section (acme_keys.c): off without the section, its defaults,
 * and each check's error naming the key and line. */
#include "config.h"
#include "harness.h"

#include <string.h>

static int
load(const char *text, reed_config_t **cfg, reed_conf_err_t *err)
{
  memset(err, 0, sizeof(*err));
  return reed_config_load_string("t.ini", text, &reed_config_acme_section, 1,
                                 cfg, err);
}

TEST(acme_off_without_section)
{
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;

  ASSERT_EQ(load("[server]\nname = a.example\n", &cfg, &err), 0);
  ASSERT(reed_config_module(cfg, "acme") == NULL);
  reed_config_free(cfg);
}

TEST(acme_defaults_and_lists)
{
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;
  const reed_acme_conf_t *a;

  ASSERT_EQ(load("[acme]\ndirectory = https://ca.example/dir\n"
                 "names = a.example\nnames = b.example\n"
                 "contact = mailto:ops@a.example\n",
                 &cfg, &err),
            0);
  a = reed_config_module(cfg, "acme");
  ASSERT(a != NULL);
  ASSERT_STR_EQ(a->directory, "https://ca.example/dir");
  ASSERT_EQ(a->names.n, 2);
  ASSERT_STR_EQ(a->names.v[1], "b.example");
  ASSERT_EQ(a->contact.n, 1);
  ASSERT_EQ(a->challenge, REED_ACME_HTTP01);
  ASSERT(a->renew_fraction > 0.666 && a->renew_fraction < 0.667);
  ASSERT_EQ(a->retry_min, 60000);
  ASSERT_EQ(a->retry_max, 3600000);
  ASSERT(a->ca_file == NULL);
  reed_config_free(cfg);
}

TEST(acme_errors)
{
  static const struct {
    const char *text;
    int line;
    const char *key;
  } cases[] = {
      {"[acme]\ncontact = mailto:a@b\n", 1, "directory"},
      {"[acme]\ndirectory = http://ca.example/dir\n", 2, "directory"},
      {"[acme]\ndirectory = https://x/\nnames = *.a.example\n", 3, "names"},
      {"[acme]\ndirectory = https://x/\nnames = a..example\n", 3, "names"},
      {"[acme]\ndirectory = https://x/\nnames = -a.example\n", 3, "names"},
      {"[acme]\ndirectory = https://x/\nchallenge = dns-01\n", 3, "challenge"},
      {"[acme]\ndirectory = https://x/\nrenew_fraction = 1\n", 3,
       "renew_fraction"},
      {"[acme]\ndirectory = https://x/\nrenew_fraction = 0.5x\n", 3,
       "renew_fraction"},
      {"[acme]\ndirectory = https://x/\nretry_min = 2h\n", 3, "retry_min"},
      {"[acme]\ndirectory = https://x/\nlisten = tcp:80\n", 1, "listen"},
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    reed_config_t *cfg = NULL;
    reed_conf_err_t err;

    ASSERT_EQ(load(cases[i].text, &cfg, &err), REED_ECONFIG);
    ASSERT(cfg == NULL);
    ASSERT_EQ(err.line, cases[i].line);
    ASSERT_STR_EQ(err.key, cases[i].key);
  }
}
