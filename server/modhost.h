/* The module host: what the process does with each protocol module once,
 * around its connections. At start-up, for every module the config enables
 * (its section is present), in table order: its store migrations run under
 * the owner `name` (reed_store_migrate, the store's own runner), then its
 * init makes the module-wide state that every connection's env carries as
 * module_state. At exit, after the last connection is freed and before the
 * model and the store go, cleanup runs in reverse order. A SIGHUP reload
 * runs neither: enabling or disabling a module needs a restart, and the
 * module env's conf and server_conf are repointed at the new config, as
 * every connection's env is. */
#ifndef REED_MODHOST_H
#define REED_MODHOST_H

#include "proto.h"

#define REED_MODULES_MAX 16

/* The first n entries are the modules started (their migrations and init
 * ran), which cleanup is owed to. */
typedef struct reed_modhost_s {
  size_t n;
  struct {
    const reed_protocol_module_t *module;
    reed_module_env_t env; /* at a fixed address until cleanup */
    void *state;           /* what init made */
  } mods[REED_MODULES_MAX];
} reed_modhost_t;

/* Starts every module of `table` (NULL-terminated) that cfg enables, with
 * `base`'s services (conf is filled in per module; without a store in
 * `base`, as in tests of init alone, migrations are skipped). On failure it
 * logs which module and why, cleans up the modules already started and leaves
 * the host empty. Returns 0 or one of: REED_ELIMIT (more than
 * REED_MODULES_MAX modules), a migration's error (REED_EIO, REED_ECONFIG:
 * the database is newer than this build), or what an init returned. */
int reed_modhost_start(reed_modhost_t *h,
                       const reed_protocol_module_t *const *table,
                       const reed_config_t *cfg, const reed_module_env_t *base);
/* The state init made for `m`, or NULL (not started, or no init). */
void *reed_modhost_state(const reed_modhost_t *h,
                         const reed_protocol_module_t *m);
/* Points every module env at the new config after a reload. */
void reed_modhost_reload(reed_modhost_t *h, const reed_config_t *cfg);
/* Runs cleanup for every started module, last started first; the host is
 * empty afterwards. Safe on an empty host. */
void reed_modhost_stop(reed_modhost_t *h);

#endif
