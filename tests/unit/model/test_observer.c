/* Observers: removal (also from inside a dispatch), additions during a
 * dispatch, and the model-free notice. */
#include "rec.h"

#include <stdio.h>

typedef struct obs_s obs_t;
struct obs_s {
  reed_model_t *m;
  char name;
  char *log;
  size_t cap;
  obs_t *remove;              /* removed by this one when it fires */
  const obs_t *add;           /* added by this one when it fires */
  int freed;                  /* on_model_free calls */
  reed_model_observer_t self; /* as registered */
};

static void
obs_fire(void *ud, const reed_event_t *ev)
{
  obs_t *o = ud;
  size_t n = strlen(o->log);

  snprintf(o->log + n, o->cap - n, "%c%d ", o->name, (int)ev->kind);
  if (o->remove != NULL) {
    ASSERT_EQ(reed_model_remove_observer(o->m, &o->remove->self), 0);
    o->remove = NULL;
  }
  if (o->add != NULL) {
    ASSERT_EQ(reed_model_add_observer(o->m, &o->add->self), 0);
    o->add = NULL;
  }
}

static void
obs_freed(void *ud)
{
  obs_t *o = ud;

  o->freed++;
}

static void
obs_init(obs_t *o, reed_model_t *m, char name, char *log, size_t cap)
{
  *o = (obs_t){.m = m, .name = name, .log = log, .cap = cap};
  o->self = (reed_model_observer_t){
      .on_change = obs_fire,
      .ud = o,
      .on_model_free = obs_freed,
  };
}

TEST(observer_remove)
{
  fx_t f;
  char log[256] = "";
  obs_t a, b, c;
  reed_model_observer_t other;

  fx_init(&f);
  reed_session_t *s = sess(&f, "s1", "irc", "alice");
  obs_init(&a, f.m, 'a', log, sizeof(log));
  obs_init(&b, f.m, 'b', log, sizeof(log));
  obs_init(&c, f.m, 'c', log, sizeof(log));
  ASSERT_EQ(reed_model_add_observer(f.m, &a.self), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &b.self), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &c.self), 0);
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT_STR_EQ(log, "a1 b1 c1 ");
  ASSERT_EQ(reed_model_remove_observer(f.m, &b.self), 0);
  ASSERT_EQ(reed_model_remove_observer(f.m, &b.self), REED_ENOTFOUND);
  ASSERT_EQ(reed_model_remove_observer(f.m, NULL), REED_EINVAL);
  ASSERT_EQ(reed_model_remove_observer(NULL, &a.self), REED_EINVAL);
  /* Same callback, another ud: not the same observer. */
  other = a.self;
  other.ud = &b;
  ASSERT_EQ(reed_model_remove_observer(f.m, &other), REED_ENOTFOUND);
  log[0] = '\0';
  ASSERT_EQ(say(s, "r", "x"), 0);
  ASSERT_STR_EQ(log, "a0 c0 ");
  /* Removed ones are not told about the free; the others once. */
  reed_model_free(f.m);
  f.m = NULL;
  ASSERT_EQ(a.freed, 1);
  ASSERT_EQ(b.freed, 0);
  ASSERT_EQ(c.freed, 1);
  ASSERT_EQ(reed_model_new(&(reed_model_opts_t){.clock = &f.fc.clock}, &f.m),
            0);
  fx_done(&f);
}

TEST(observer_changes_during_dispatch)
{
  fx_t f;
  char log[256] = "";
  obs_t o[4];

  fx_init(&f);
  reed_session_t *s = sess(&f, "s1", "irc", "alice");
  for (int i = 0; i < 3; i++) {
    obs_init(&o[i], f.m, (char)('a' + i), log, sizeof(log));
    ASSERT_EQ(reed_model_add_observer(f.m, &o[i].self), 0);
  }
  obs_init(&o[3], f.m, 'd', log, sizeof(log));
  /* a removes itself: b and c still fire. */
  o[0].remove = &o[0];
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT_STR_EQ(log, "a1 b1 c1 ");
  log[0] = '\0';
  ASSERT_EQ(reed_model_add_observer(f.m, &o[0].self), 0);
  /* b removes c (not yet called) and adds d (first called next time). */
  o[1].remove = &o[2];
  o[1].add = &o[3];
  ASSERT_EQ(say(s, "r", "x"), 0);
  ASSERT_STR_EQ(log, "b0 a0 ");
  log[0] = '\0';
  ASSERT_EQ(say(s, "r", "y"), 0);
  ASSERT_STR_EQ(log, "b0 a0 d0 ");
  fx_done(&f);
}

TEST(observer_slots_reused)
{
  fx_t f;
  char log[256] = "";
  obs_t o[9];

  fx_init(&f);
  for (int i = 0; i < 9; i++)
    obs_init(&o[i], f.m, (char)('a' + i), log, sizeof(log));
  for (int i = 0; i < 8; i++)
    ASSERT_EQ(reed_model_add_observer(f.m, &o[i].self), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &o[8].self), REED_ELIMIT);
  ASSERT_EQ(reed_model_remove_observer(f.m, &o[3].self), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &o[8].self), 0);
  reed_session_t *s = sess(&f, "s1", "irc", "alice");
  ASSERT_EQ(reed_room_join(s, "r", NULL), 0);
  ASSERT_STR_EQ(log, "a1 b1 c1 e1 f1 g1 h1 i1 ");
  fx_done(&f);
}
