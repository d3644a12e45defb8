/* The model object: options, the default sequencer, accounts, counts and
 * teardown. */
#include "model_int.h"

/* The in-process sequencer: ids count up, time is the wall clock. */
static int
default_order(void *s, reed_change_t *c)
{
  reed_model_t *m = s;

  c->id = m->next_id++;
  c->ts_ms = m->clock->wall_ms(m->clock->c);
  return 0;
}

static size_t
or_default(size_t v, size_t def)
{
  return v ? v : def;
}

static void
apply_opts(reed_model_t *m, const reed_model_opts_t *o)
{
  m->clock = o->clock;
  m->log = o->log;
  m->room_history = or_default(o->room_history, 1000);
  m->default_topic_lock = o->default_topic_lock;
  m->private_history = or_default(o->private_history, 200);
  m->max_rooms = or_default(o->max_rooms, 100);
  m->max_list_entries = or_default(o->max_list_entries, 100);
  m->max_dormant = or_default(o->max_dormant_rooms, 10000);
  m->max_convs = or_default(o->max_private_convs, 10000);
  m->was.max = or_default(o->nick_history, 1000);
  m->max_watches = or_default(o->max_watches, 100);
  m->max_msg_lines = or_default(o->max_msg_lines, REED_MSG_LINES_DEFAULT);
  m->max_msg_bytes = or_default(o->max_msg_bytes, REED_MSG_BYTES_DEFAULT);
  m->next_id = 1;
  reed_model_set_sequencer(m, NULL);
}

int
reed_model_new(const reed_model_opts_t *opts, reed_model_t **out)
{
  reed_model_t *m;

  *out = NULL;
  if (opts == NULL || opts->clock == NULL || opts->clock->wall_ms == NULL)
    return REED_EINVAL;
  m = reed_calloc(1, sizeof(*m));
  if (m == NULL)
    return REED_ENOMEM;
  m->server_name = reed_strdup(opts->server_name ? opts->server_name : "");
  if (m->server_name == NULL) {
    reed_free(m);
    return REED_ENOMEM;
  }
  apply_opts(m, opts);
  *out = m;
  return 0;
}

static void
free_rooms(reed_room_t *r)
{
  while (r != NULL) {
    reed_room_t *next = r->next;
    reed__room_free(r);
    r = next;
  }
}

static void
free_accounts(reed__map_t *mp)
{
  for (size_t i = 0; i < mp->cap; i++)
    if (mp->slots[i].key != NULL)
      reed_free(mp->slots[i].val);
  reed__map_cleanup(mp);
}

void
reed_model_free(reed_model_t *m)
{
  if (m == NULL)
    return;
  reed__observers_model_free(m);
  free_rooms(m->r_first);
  free_rooms(m->d_first);
  while (m->s_first != NULL)
    reed__session_free(m->s_first);
  reed__conv_free_all(m);
  reed__read_markers_free_all(m);
  reed__nick_history_free(m);
  reed__sbans_free(m);
  free_accounts(&m->accounts);
  reed__map_cleanup(&m->nicks);
  reed__map_cleanup(&m->rooms);
  reed__map_cleanup(&m->sessions);
  reed__map_cleanup(&m->convs);
  reed__map_cleanup(&m->watched); /* emptied as the sessions went */
  reed_free(m->server_name);
  reed_free(m);
}

size_t
reed_model_live_objects(const reed_model_t *m)
{
  return m->n_rooms + m->n_persons + m->n_sessions;
}

void
reed_model_set_sequencer(reed_model_t *m, const reed_sequencer_t *seq)
{
  if (seq != NULL && seq->order != NULL)
    m->seq = *seq;
  else
    m->seq = (reed_sequencer_t){.order = default_order, .s = m};
}

void
reed_model_sequencer(const reed_model_t *m, reed_sequencer_t *out)
{
  *out = m->seq;
}

void
reed_model_set_default_topic_lock(reed_model_t *m, bool on)
{
  m->default_topic_lock = on;
}

void
reed_model_set_next_id(reed_model_t *m, uint64_t next)
{
  m->next_id = next;
  if (next > 0 && next - 1 > m->last_id)
    m->last_id = next - 1;
}

reed_clock_t *
reed_model_clock(const reed_model_t *m)
{
  return m->clock;
}

int
reed_model_account_add(reed_model_t *m, const char *name)
{
  reed__account_t *a;

  if (!reed_account_valid(name))
    return REED_EBADACCOUNT;
  if (reed_model_account_exists(m, name))
    return REED_EACCOUNTEXISTS;
  a = reed_calloc(1, sizeof(*a));
  if (a == NULL)
    return REED_ENOMEM;
  reed_strlcpy(a->name, name, sizeof(a->name));
  reed_casefold(a->fold, name, sizeof(a->fold));
  if (reed__map_put(&m->accounts, a->fold, a) != 0) {
    reed_free(a);
    return REED_ENOMEM;
  }
  m->n_accounts++;
  return 0;
}

bool
reed_model_account_exists(const reed_model_t *m, const char *name)
{
  char fold[REED_ACCOUNT_MAX + 1];

  if (!reed_account_valid(name))
    return false;
  reed_casefold(fold, name, sizeof(fold));
  return reed__map_get(&m->accounts, fold) != NULL;
}

const char *
reed__account_name(const reed_model_t *m, const char *name)
{
  char fold[REED_ACCOUNT_MAX + 1];
  const reed__account_t *a;

  if (name == NULL || !reed_account_valid(name))
    return NULL;
  reed_casefold(fold, name, sizeof(fold));
  a = reed__map_get(&m->accounts, fold);
  return a != NULL ? a->name : NULL;
}

void
reed_model_each_account(const reed_model_t *m,
                        void (*cb)(void *ud, const char *name), void *ud)
{
  for (size_t i = 0; i < m->accounts.cap; i++) {
    const reed__account_t *a = m->accounts.slots[i].val;
    if (m->accounts.slots[i].key != NULL && a != NULL)
      cb(ud, a->name);
  }
}

/* Turns every person of the account into a guest and tells whoever sees
 * them (ACCOUNT with a NULL account). */
static void
log_out_persons(reed_model_t *m, const char *fold)
{
  for (reed_session_t *s = m->s_first; s; s = s->all_next) {
    reed__person_t *p = s->p;
    char pf[REED_ACCOUNT_MAX + 1];
    reed_event_t ev = {.kind = REED_EV_ACCOUNT};

    reed_casefold(pf, p->account, sizeof(pf));
    if (p->account[0] == '\0' || strcmp(pf, fold) != 0)
      continue;
    p->account[0] = '\0';
    m->n_guests++;
    reed__person_guest_floor(p);
    reed__actor(p->s_first, &ev.from);
    reed__emit_sharing(m, p, &ev, true);
  }
}

int
reed_model_account_del(reed_model_t *m, const char *name)
{
  char fold[REED_ACCOUNT_MAX + 1];
  reed__account_t *a;

  if (!reed_account_valid(name))
    return REED_ENOACCOUNT;
  reed_casefold(fold, name, sizeof(fold));
  a = reed__map_del(&m->accounts, fold);
  if (a == NULL)
    return REED_ENOACCOUNT;
  reed_free(a);
  m->n_accounts--;
  reed__op_begin(m); /* sessions stay while the list is walked */
  log_out_persons(m, fold);
  reed__op_end(m);
  return 0;
}

void
reed_model_stats(const reed_model_t *m, reed_model_stats_t *st)
{
  *st = (reed_model_stats_t){
      .sessions = m->n_sessions,
      .persons = m->n_persons,
      .rooms = m->n_rooms,
      .accounts = m->n_accounts,
      .opers = m->n_opers,
      .guests = m->n_guests,
      .dormant = m->n_dormant,
  };
}
