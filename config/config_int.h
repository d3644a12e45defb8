/* Internal to config/: shared helpers of the setters and the loader. */
#ifndef REED_CONFIG_INT_H
#define REED_CONFIG_INT_H

#include "config.h"

/* Formats err->msg; returns REED_ECONFIG. */
int reed__conf_errf(reed_conf_err_t *err, const char *fmt, ...)
    REED_PRINTF(2, 3);
/* 1 if the directive's values are appended rather than set once. */
int reed__conf_is_multi(const reed_directive_t *d);
/* Frees the strings that d's setter allocated in conf (str, strlist). */
void reed__conf_free_field(void *conf, const reed_directive_t *d);
/* Number of directives in a NULL-key terminated table (0 for NULL). */
size_t reed__conf_count(const reed_directive_t *d);

/* The embedded default config. */
extern const char reed__config_default_text[];
/* The [server] section's directives (server_keys.c), NULL-key ended. */
extern const reed_directive_t reed__server_directives[];
/* The [upload] section's directives (upload_keys.c), over
 * reed_upload_conf_t; NULL-key ended. */
extern const reed_directive_t reed__upload_directives[];
/* Checks [upload] once the listeners are known: `enabled` unset means
 * "when an [http] listener exists"; the url's scheme. `set_enabled` says
 * whether the file set `enabled`. 0 or REED_ECONFIG (err->key names the
 * key). */
int reed__upload_check(reed_upload_conf_t *up, bool set_enabled,
                       const reed_listener_t *l, size_t n,
                       reed_conf_err_t *err);

#endif
