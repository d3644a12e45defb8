/* reed's configuration: a small pure INI parser, directive tables that fill
 * typed structs, Twisted-style endpoint strings and the embedded default.
 * (Being filled in by the config work; the types below are the contract
 * protocols/proto.h relies on.) */
#ifndef REED_CONFIG_H
#define REED_CONFIG_H

#include "../server/base/base.h"

#include <stdbool.h>

/* Where a config error is: file, line, key, and what is wrong. */
typedef struct reed_conf_err_s {
  char file[256];
  int line;
  char key[64];
  char msg[256];
} reed_conf_err_t;

struct reed_directive_s;
/* Parses `value` into the field at conf + d->offset; 0 or REED_ECONFIG with
 * err->msg filled (file, line and key are filled by the caller). */
typedef int (*reed_directive_set_fn)(void *conf, const char *value,
                                     const struct reed_directive_s *d,
                                     reed_conf_err_t *err);

/* One INI key of a section (nginx ngx_command_t): key, setter, offsetof. */
typedef struct reed_directive_s {
  const char *key;
  reed_directive_set_fn set;
  size_t offset;
  long min, max; /* bounds for numeric setters */
} reed_directive_t;

#endif
