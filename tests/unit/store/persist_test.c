#include "persist_test.h"

#include "harness.h"

#include <stdio.h>
#include <string.h>

static void
ignore_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  REED_UNUSED(ud);
  REED_UNUSED(s);
  REED_UNUSED(ev);
}

static const reed_session_listener_t null_listener = {
    .on_event = ignore_event,
};

void
pf_start(pf_t *p)
{
  reed_model_opts_t o = {
      .clock = &p->fc.clock,
      .log = &p->f.log,
      .server_name = "reed.test",
      .room_history = p->room_history,
      .private_history = p->private_history,
      .max_dormant_rooms = p->max_dormant,
  };

  fc_init(&p->fc);
  p->st = sf_open(&p->f);
  reed_store_set_history_keep(p->st, p->keep_room, p->keep_private);
  ASSERT_EQ(reed_model_new(&o, &p->m), 0);
  ASSERT_EQ(reed_store_attach(p->st, p->m), 0);
}

void
pf_stop(pf_t *p)
{
  ASSERT_EQ(reed_store_turn_end(p->st), 0);
  reed_model_free(p->m);
  reed_store_close(p->st);
  fc_cleanup(&p->fc);
  p->m = NULL;
  p->st = NULL;
}

void
pf_restart(pf_t *p)
{
  pf_stop(p);
  pf_start(p);
}

reed_session_t *
pf_session(pf_t *p, const char *nick, const char *account)
{
  char user[40];
  reed_session_info_t info = {
      .origin = "irc",
      .user = user,
      .host = "host.example",
      .ip = "127.0.0.1",
      .realname = "Real Name",
      .listener = &null_listener,
  };
  reed_session_t *s = NULL;

  snprintf(user, sizeof(user), "u_%s", nick);
  ASSERT_EQ(reed_session_new(p->m, &info, &s), 0);
  if (account != NULL) {
    reed_account_rec_t rec = {.created_ms = 1};
    int rc;

    reed_strlcpy(rec.name, account, sizeof(rec.name));
    rc = reed_store_account_create(p->st, &rec);
    ASSERT(rc == 0 || rc == REED_EACCOUNTEXISTS);
    rc = reed_model_account_add(p->m, account);
    ASSERT(rc == 0 || rc == REED_EACCOUNTEXISTS);
    ASSERT_EQ(reed_session_login(s, account), 0);
  }
  ASSERT_EQ(reed_session_set_nick(s, nick), 0);
  return s;
}

reed_session_t *
pf_start_in_chat(pf_t *p)
{
  reed_session_t *s;

  sf_init(&p->f);
  pf_start(p);
  s = pf_session(p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(s, "Chat", NULL), 0);
  return s;
}

long long
pf_count(pf_t *p, const char *sql)
{
  sqlite3 *raw = sf_raw(&p->f);
  long long v = sf_int(raw, sql);

  sqlite3_close(raw);
  return v;
}

bool
pf_stored(pf_t *p, uint64_t id)
{
  char sql[80];

  snprintf(sql, sizeof(sql), "SELECT count(*) FROM messages WHERE id = %llu",
           (unsigned long long)id);
  return pf_count(p, sql) == 1;
}
