/* Fuzzes the INI parser (checking what the callback sees) and the whole
 * config loader over a module section with every setter type. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  int last_line;
} state_t;

static int
on_item(void *ud, const char *section, const char *key, const char *value,
        int line)
{
  state_t *st = ud;

  /* Lines only go forward; keys are non-empty and trimmed. */
  if (line <= st->last_line || section == NULL)
    abort();
  st->last_line = line;
  if (key == NULL) {
    if (value != NULL || section[0] == '\0')
      abort();
    return 0;
  }
  if (key[0] == '\0' || key[0] == ' ' || key[strlen(key) - 1] == ' ')
    abort();
  if (value[0] == ' ' || (value[0] && value[strlen(value) - 1] == ' '))
    abort();
  return 0;
}

typedef struct {
  char *s;
  int i, e;
  bool b;
  size_t size;
  uint64_t ms;
  reed_strlist_t list;
} conf_t;

static const char *const names[] = {"a", "b", NULL};

#define O(f) offsetof(conf_t, f)
static const reed_directive_t dirs[] = {
    {.key = "s", .set = reed_conf_set_str, .offset = O(s), .def = "x"},
    {.key = "i",
     .set = reed_conf_set_int,
     .offset = O(i),
     .min = -9,
     .max = 99},
    {.key = "e", .set = reed_conf_set_enum, .offset = O(e), .names = names},
    {.key = "b", .set = reed_conf_set_bool, .offset = O(b)},
    {.key = "size", .set = reed_conf_set_size, .offset = O(size)},
    {.key = "ms", .set = reed_conf_set_duration_ms, .offset = O(ms)},
    {.key = "l", .set = reed_conf_set_strlist, .offset = O(list)},
    {.key = NULL},
};
static const char *const eps[] = {"tcp:0", NULL};
static const reed_conf_section_t sections[] = {
    {.name = "irc",
     .directives = dirs,
     .conf_size = sizeof(conf_t),
     .default_endpoints = eps},
    {.name = "amp"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  state_t st = {.last_line = 0};
  reed_conf_err_t err;
  reed_config_t *cfg;
  char *text;
  int rc;

  rc = reed_ini_parse((const char *)data, size, on_item, &st, &err);
  if (rc != 0 && (err.line <= 0 || err.msg[0] == '\0'))
    abort();
  text = malloc(size + 1);
  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  rc = reed_config_load_string("fuzz.ini", text, sections, 2, &cfg, &err);
  if ((rc == 0) != (cfg != NULL) || (rc != 0 && err.msg[0] == '\0'))
    abort();
  reed_config_free(cfg);
  free(text);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
