/* Model test fixture: a fake clock, a model, and a recording listener that
 * logs each event a session receives as one compact line, e.g.
 *   s2 JOIN alice room
 *   s1 MSG alice room hello echo label=L1
 * so a test asserts an exact event sequence with ASSERT_LINES. */
#ifndef REED_TEST_MODEL_REC_H
#define REED_TEST_MODEL_REC_H

#include "fake_clock.h"
#include "harness.h"
#include "model.h"

typedef struct {
  fake_clock_t fc;
  reed_model_t *m;
  long live0;
} fx_t;

/* Starts a model with small limits (see rec.c) and an empty log. */
void fx_init(fx_t *f);
void fx_init_opts(fx_t *f, reed_model_opts_t *o);
/* Frees the model and asserts no leak and no pending timer. */
void fx_done(fx_t *f);

/* A session labelled `label` (user = label, host = label.example, ip
 * 10.0.0.N) from `origin`; with `nick` set unless NULL. Asserts success. */
reed_session_t *sess(fx_t *f, const char *label, const char *origin,
                     const char *nick);
/* Same, logged in to `account` (added if missing) before taking `nick`. */
reed_session_t *sess_acct(fx_t *f, const char *label, const char *account,
                          const char *nick);

/* The recorded lines since the last take, and a reset. */
const char *rec_take(void);
void rec_clear(void);
/* How many formattings the recording listener did through the cache. */
extern int rec_formats;

/* Convenience wrappers that return the model's code. */
int say(reed_session_t *s, const char *room, const char *text);
int tell(reed_session_t *s, const char *nick, const char *text);
int mode1(reed_session_t *s, const char *room, reed_room_mode_t md, bool set,
          const char *arg);

extern const reed_session_listener_t rec_listener;

#endif
