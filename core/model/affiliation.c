/* Room affiliations: owners, admins and members kept per room in the
 * order set, outcasts as the account entries of the room's BAN list (so
 * an IRC `$a:` ban and an XMPP outcast are one thing). A change passes
 * the sequencer as one AFFILIATION event; its consequences for the
 * account's online members (op given or taken, an outcast kicked) follow
 * as MODE and KICK events from the same actor. */
#include "model_int.h"

reed__aff_t *
reed__aff_find(const reed_room_t *r, const char *account)
{
  for (reed__aff_t *a = r->affs; a; a = a->next)
    if (reed_casecmp(a->account, account) == 0)
      return a;
  return NULL;
}

/* The account entry of the BAN list, or NULL. */
static reed__mask_t *
ban_find(const reed_room_t *r, const char *account)
{
  for (reed__mask_t *e = r->lists[REED__LIST_BAN].first; e; e = e->next)
    if (e->account && reed_casecmp(e->mask, account) == 0)
      return e;
  return NULL;
}

reed_affiliation_t
reed_room_affiliation(const reed_room_t *r, const char *account)
{
  const reed__aff_t *a;

  if (r == NULL || account == NULL || account[0] == '\0')
    return REED_AFF_NONE;
  if ((a = reed__aff_find(r, account)) != NULL)
    return a->aff;
  return ban_find(r, account) != NULL ? REED_AFF_OUTCAST : REED_AFF_NONE;
}

reed_affiliation_t
reed__aff_of(const reed_room_t *r, const reed__person_t *p)
{
  /* Views of big rooms ask for every member: most rooms have neither. */
  if (p->account[0] == '\0' ||
      (r->affs == NULL && r->lists[REED__LIST_BAN].n == 0))
    return REED_AFF_NONE;
  return reed_room_affiliation(r, p->account);
}

bool
reed_room_registered(const reed_room_t *r)
{
  return r != NULL && r->n_owners > 0;
}

static void
aff_free(reed__aff_t *a)
{
  reed_free(a->by);
  reed_free(a);
}

static void
aff_unlink(reed_room_t *r, reed__aff_t *a)
{
  for (reed__aff_t **pp = &r->affs; *pp; pp = &(*pp)->next) {
    if (*pp != a)
      continue;
    *pp = a->next;
    if (a->aff == REED_AFF_OWNER)
      r->n_owners--;
    return;
  }
}

static void
aff_link(reed_room_t *r, reed__aff_t *a)
{
  reed__aff_t **pp = &r->affs;

  while (*pp != NULL)
    pp = &(*pp)->next;
  a->next = NULL;
  *pp = a;
  if (a->aff == REED_AFF_OWNER)
    r->n_owners++;
}

void
reed__aff_drop(reed_room_t *r, const char *account)
{
  reed__aff_t *a = reed__aff_find(r, account);

  if (a != NULL) {
    aff_unlink(r, a);
    aff_free(a);
  }
}

void
reed__aff_free_all(reed_room_t *r)
{
  while (r->affs != NULL) {
    reed__aff_t *a = r->affs;
    r->affs = a->next;
    aff_free(a);
  }
  r->n_owners = 0;
}

static reed__aff_t *
aff_new(const char *account, reed_affiliation_t aff, const char *by,
        uint64_t ms)
{
  reed__aff_t *a = reed_calloc(1, sizeof(*a));

  if (a == NULL || (a->by = reed_strdup(by ? by : "")) == NULL) {
    reed_free(a);
    return NULL;
  }
  reed_strlcpy(a->account, account, sizeof(a->account));
  a->aff = aff;
  a->ms = ms;
  return a;
}

static reed__mask_t *
ban_new(const char *account, const char *by, uint64_t ms)
{
  reed__mask_t *e = reed_calloc(1, sizeof(*e));

  if (e == NULL || (e->mask = reed_strdup(account)) == NULL ||
      (e->by = reed_strdup(by ? by : "")) == NULL) {
    if (e != NULL)
      reed_free(e->mask);
    reed_free(e);
    return NULL;
  }
  e->account = true;
  e->ms = ms;
  return e;
}

static void
ban_append(reed_room_t *r, reed__mask_t *e)
{
  reed__mask_t **pp = &r->lists[REED__LIST_BAN].first;

  while (*pp != NULL)
    pp = &(*pp)->next;
  e->next = NULL;
  *pp = e;
  r->lists[REED__LIST_BAN].n++;
}

static void
ban_remove(reed_room_t *r, const char *account)
{
  reed__masklist_t *l = &r->lists[REED__LIST_BAN];

  for (reed__mask_t **pp = &l->first; *pp; pp = &(*pp)->next) {
    reed__mask_t *e = *pp;
    if (!e->account || reed_casecmp(e->mask, account) != 0)
      continue;
    *pp = e->next;
    l->n--;
    reed_free(e->mask);
    reed_free(e->by);
    reed_free(e);
    return;
  }
}

void
reed_room_each_affiliation(const reed_room_t *r, reed_affiliation_t which,
                           void (*cb)(void *ud, const reed_aff_entry_t *e),
                           void *ud)
{
  if (r == NULL)
    return;
  for (const reed__aff_t *a = r->affs; a; a = a->next) {
    reed_aff_entry_t v = {a->account, a->aff, a->by, a->ms};
    if (which == REED_AFF_NONE || which == a->aff)
      cb(ud, &v);
  }
  if (which != REED_AFF_NONE && which != REED_AFF_OUTCAST)
    return;
  for (const reed__mask_t *e = r->lists[REED__LIST_BAN].first; e; e = e->next) {
    reed_aff_entry_t v = {e->mask, REED_AFF_OUTCAST, e->by, e->ms};
    if (e->account)
      cb(ud, &v);
  }
}

/* ---- A change ---------------------------------------------------------------
 */
/* What a change needs allocated before it is sequenced, so applying it
 * cannot fail. */
typedef struct {
  reed__aff_t *aff;
  reed__mask_t *ban;
} aff_prep_t;

static int
prep(reed_room_t *r, const char *name, reed_affiliation_t aff, const char *by,
     aff_prep_t *pp)
{
  *pp = (aff_prep_t){0};
  if (aff == REED_AFF_OUTCAST) {
    if (r->lists[REED__LIST_BAN].n >= r->m->max_list_entries)
      return REED_ELISTFULL;
    if ((pp->ban = ban_new(name, by, 0)) == NULL)
      return REED_ENOMEM;
  } else if (aff != REED_AFF_NONE &&
             (pp->aff = aff_new(name, aff, by, 0)) == NULL) {
    return REED_ENOMEM;
  }
  return 0;
}

static void
prep_free(aff_prep_t *pp)
{
  if (pp->aff != NULL)
    aff_free(pp->aff);
  if (pp->ban != NULL) {
    reed_free(pp->ban->mask);
    reed_free(pp->ban->by);
    reed_free(pp->ban);
  }
}

static void
apply(reed_room_t *r, const char *name, aff_prep_t *pp, uint64_t ts)
{
  reed__aff_drop(r, name);
  ban_remove(r, name);
  if (pp->aff != NULL) {
    pp->aff->ms = ts;
    aff_link(r, pp->aff);
  }
  if (pp->ban != NULL) {
    pp->ban->ms = ts;
    ban_append(r, pp->ban);
  }
  *pp = (aff_prep_t){0};
}

/* The first member person logged in to the account, or NULL. */
static reed__member_t *
member_of_account(const reed_room_t *r, const char *name,
                  const reed__member_t *after)
{
  reed__member_t *mem = after ? after->r_next : r->mem_first;

  for (; mem; mem = mem->r_next)
    if (mem->p->account[0] && reed_casecmp(mem->p->account, name) == 0)
      return mem;
  return NULL;
}

/* Op given to (or, when it came from the affiliation, taken from) the
 * account's members, in one MODE event. A refused sequencing leaves op as
 * it was: the affiliation itself stands. */
static void
sync_op(reed_session_t *s, reed_room_t *r, const char *name,
        reed_affiliation_t prev, reed_affiliation_t aff)
{
  reed_mode_change_t modes[32];
  reed__member_t *mems[32];
  reed_event_t ev = {.kind = REED_EV_MODE};
  bool want = aff >= REED_AFF_ADMIN;
  size_t n = 0;
  reed_fmt_cache_t cache;

  if (!want && prev < REED_AFF_ADMIN)
    return;
  for (reed__member_t *mem = member_of_account(r, name, NULL); mem && n < 32;
       mem = member_of_account(r, name, mem)) {
    if (mem->op == want)
      continue;
    mems[n] = mem;
    modes[n++] = (reed_mode_change_t){
        .mode = REED_RMODE_OP, .set = want, .arg = mem->p->nick};
  }
  if (n == 0)
    return;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.u.mode.modes = modes;
  ev.u.mode.n_modes = n;
  if (reed__sequence(s->m, &ev) != 0)
    return;
  for (size_t i = 0; i < n; i++)
    mems[i]->op = want;
  reed__observe(s->m, &ev);
  reed__fan_begin(s->m, &ev, &cache);
  reed__send_room(s->m, r, &ev);
  reed__fan_end(s->m, &cache);
}

/* An outcast's members leave, each with a KICK from s. */
static void
kick_all(reed_session_t *s, reed_room_t *r, const char *name,
         const char *reason)
{
  reed__member_t *mem;

  while ((mem = member_of_account(r, name, NULL)) != NULL) {
    reed_event_t ev = {.kind = REED_EV_KICK};
    reed__actor(s, &ev.from);
    ev.room = r->name;
    ev.target = mem->p->nick;
    ev.text = reason ? reason : "";
    ev.text_len = strlen(ev.text);
    if (reed__emit_room(s->m, r, &ev) != 0)
      return;
    reed__member_remove(mem); /* the room may go dormant */
  }
}

/* Sequences, applies and reports one change, then its consequences. */
static int
change(reed_session_t *s, reed_room_t *r, const char *name,
       reed_affiliation_t prev, reed_affiliation_t aff, const char *reason)
{
  reed_model_t *m = s->m;
  reed_event_t ev = {.kind = REED_EV_AFFILIATION};
  const char *by = s->p->account[0] ? s->p->account : s->p->nick;
  reed__member_t *mem = member_of_account(r, name, NULL);
  reed_fmt_cache_t cache;
  aff_prep_t pp;
  int rc;

  if ((rc = prep(r, name, aff, by, &pp)) != 0)
    return rc;
  reed__actor(s, &ev.from);
  ev.room = r->name;
  ev.target = name;
  ev.text = reason;
  ev.text_len = reason ? strlen(reason) : 0;
  ev.u.aff = (reed_ev_aff_t){aff, prev, mem ? mem->p->nick : NULL};
  if ((rc = reed__sequence(m, &ev)) != 0) {
    prep_free(&pp);
    return rc;
  }
  apply(r, name, &pp, ev.ts_ms);
  reed__op_begin(m);
  reed__observe(m, &ev);
  reed__fan_begin(m, &ev, &cache);
  reed__send_room(m, r, &ev);
  reed__fan_end(m, &cache);
  if (aff == REED_AFF_OUTCAST)
    kick_all(s, r, name, reason);
  else
    sync_op(s, r, name, prev, aff);
  reed__op_end(m);
  return 0;
}

/* Who may make `name`'s affiliation go from prev to aff (see model.h). */
static int
may_set(reed_session_t *s, reed_room_t *r, const char *name,
        reed_affiliation_t prev, reed_affiliation_t aff)
{
  reed_affiliation_t me = reed__aff_of(r, s->p);

  if (reed__can_override(s) || me == REED_AFF_OWNER)
    return 0;
  if (me == REED_AFF_ADMIN && prev < REED_AFF_ADMIN && aff < REED_AFF_ADMIN)
    return 0;
  /* Registration: an op of a room nobody owns claims it. */
  if (!reed_room_registered(r) && aff == REED_AFF_OWNER &&
      s->p->account[0] != '\0' && reed_casecmp(name, s->p->account) == 0 &&
      reed__join_of(r, s) != NULL && reed__is_op(r, s->p))
    return 0;
  return REED_ENOPRIV;
}

int
reed_room_set_affiliation(reed_session_t *s, const char *room,
                          const char *account, reed_affiliation_t aff,
                          const char *reason)
{
  char why[REED_REASON_MAX + 1];
  const char *name;
  reed_affiliation_t prev;
  reed_room_t *r;
  int rc;

  if (aff < REED_AFF_NONE || aff > REED_AFF_OWNER)
    return REED_EINVAL;
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  if ((rc = reed__room_fetch(s->m, room, &r)) != 0)
    return rc;
  if (r == NULL)
    return REED_ENOSUCHROOM;
  if ((name = reed__account_name(s->m, account)) == NULL)
    return REED_ENOACCOUNT;
  prev = reed_room_affiliation(r, name);
  if ((rc = may_set(s, r, name, prev, aff)) != 0)
    return rc;
  if (prev == aff)
    return 0;
  if (prev == REED_AFF_OWNER && r->n_owners == 1)
    return REED_ELASTOWNER;
  return change(s, r, name, prev, aff, reason ? why : NULL);
}

int
reed_room_unregister(reed_session_t *s, const char *room)
{
  reed_room_t *r;
  int rc;

  if ((rc = reed__room_fetch(s->m, room, &r)) != 0)
    return rc;
  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (!reed_room_registered(r))
    return REED_EINVAL;
  if (!reed__can_override(s) && reed__aff_of(r, s->p) != REED_AFF_OWNER)
    return REED_ENOPRIV;
  /* Everyone but the owners first, so the room stays registered until its
   * last owner goes. */
  for (int pass = 0; pass < 2 && rc == 0; pass++) {
    reed__aff_t *a = r->affs;
    while (a != NULL && rc == 0) {
      char name[REED_ACCOUNT_MAX + 1];
      reed_affiliation_t prev = a->aff;
      if ((prev == REED_AFF_OWNER) != (pass == 1)) {
        a = a->next;
        continue;
      }
      reed_strlcpy(name, a->account, sizeof(name));
      a = a->next; /* the change frees this entry */
      rc = change(s, r, name, prev, REED_AFF_NONE, NULL);
    }
  }
  if (!r->active && !reed_room_registered(r))
    reed__room_forget(r);
  return rc;
}

/* ---- Creation and joins
 * -------------------------------------------------------
 */
bool
reed__op_on_join(const reed_room_t *r, const reed__person_t *p)
{
  if (reed_room_registered(r))
    return reed__aff_of(r, p) >= REED_AFF_ADMIN;
  return r->n_members == 0;
}

/* ---- The loader
 * ---------------------------------------------------------------
 */
int
reed_room_load_affiliation(reed_model_t *m, const char *room,
                           const char *account, reed_affiliation_t aff,
                           const char *by, uint64_t ms)
{
  reed_room_t *r;
  reed__aff_t *a;

  if (!reed_room_name_valid(room))
    return REED_EBADROOM;
  if (account == NULL || !reed_account_valid(account) || aff <= REED_AFF_NONE ||
      aff > REED_AFF_OWNER)
    return REED_EINVAL;
  if (by != NULL && by[0] != '\0' && !reed__field_valid(by, REED__FIELD_MAX))
    return REED_EINVAL;
  if (aff == REED_AFF_OUTCAST)
    return reed_room_load_list(m, room, REED_RMODE_BAN, account, true, by, ms);
  if ((r = reed__room_get_or_new(m, room)) == NULL)
    return REED_ENOMEM;
  if ((a = aff_new(account, aff, by, ms)) == NULL)
    return REED_ENOMEM;
  reed__aff_drop(r, account);
  ban_remove(r, account);
  aff_link(r, a);
  reed__room_evict_dormant(m);
  return 0;
}

/* A logged-in session creates the room (joins it while nobody is in it and
 * nobody owns it): its account owns it. Without memory or past the
 * sequencer's refusal the room just stays unowned. */
void
reed__aff_claim(reed_session_t *s, reed_room_t *r)
{
  const char *name = reed__account_name(s->m, s->p->account);

  if (name == NULL || r->n_members != 0 || reed_room_registered(r))
    return;
  (void)change(s, r, name, reed_room_affiliation(r, name), REED_AFF_OWNER,
               NULL);
}
