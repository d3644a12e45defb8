/* Registered rooms across restarts: an owned room comes back with its
 * settings, lists, topic and affiliations, and its owner gets op; a room
 * nobody owns forgets (at start, and when it comes back from the store
 * after its dormant state was evicted); registration drops rows left from
 * before; unregistering makes the room forgettable. */
#include "persist_test.h"

#include "harness.h"

#include <string.h>

static bool
op_of(pf_t *p, const char *room, const char *nick)
{
  reed_member_view_t mv;

  ASSERT_EQ(reed_room_member(reed_room_find(p->m, room), nick, &mv), 0);
  return mv.op;
}

TEST(room_aff_owned_room_survives_restart)
{
  static const reed_mode_change_t set[] = {
      {.mode = REED_RMODE_INVITEONLY, .set = true},
      {.mode = REED_RMODE_KEY, .set = true, .arg = "pw"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "*!*@nowhere"},
  };
  pf_t p = {0};
  reed_session_t *a, *s;
  reed_room_t *r;
  reed_room_view_t v;

  sf_init(&p.f);
  pf_start(&p);
  a = pf_session(&p, "Alice", "alice");
  pf_session(&p, "Bob", "bob");
  pf_session(&p, "Carol", "carol");
  pf_session(&p, "Dave", "dave");
  ASSERT_EQ(reed_room_join(a, "Club", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(a, "Club", "members"), 0);
  ASSERT_EQ(reed_room_set_modes(a, "Club", set, REED_ARRAY_SIZE(set), NULL), 0);
  ASSERT_EQ(reed_room_set_affiliation(a, "Club", "bob", REED_AFF_ADMIN, NULL),
            0);
  ASSERT_EQ(
      reed_room_set_affiliation(a, "Club", "carol", REED_AFF_MEMBER, NULL), 0);
  ASSERT_EQ(
      reed_room_set_affiliation(a, "Club", "dave", REED_AFF_OUTCAST, NULL), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_affiliations"), 3);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_lists WHERE account"), 1);
  pf_restart(&p);
  /* Known before anyone joins (the store brings it in when asked). */
  r = reed_room_lookup(p.m, "club");
  ASSERT(r != NULL);
  ASSERT(reed_room_find(p.m, "club") == NULL); /* dormant */
  ASSERT(reed_room_registered(r));
  ASSERT_EQ(reed_room_affiliation(r, "alice"), REED_AFF_OWNER);
  ASSERT_EQ(reed_room_affiliation(r, "BOB"), REED_AFF_ADMIN);
  ASSERT_EQ(reed_room_affiliation(r, "carol"), REED_AFF_MEMBER);
  ASSERT_EQ(reed_room_affiliation(r, "dave"), REED_AFF_OUTCAST);
  reed_room_view(r, &v);
  ASSERT_STR_EQ(v.topic, "members");
  ASSERT_STR_EQ(v.key, "pw");
  ASSERT(v.invite_only);
  /* A guest arriving first gets nothing; the owner walks in and gets op;
   * a member passes invite-only with the key; the outcast stays out. */
  s = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(s, "Club", "pw"), REED_EINVITEONLY);
  s = pf_session(&p, "Carol", "carol");
  ASSERT_EQ(reed_room_join(s, "Club", "pw"), 0);
  ASSERT(!op_of(&p, "Club", "Carol"));
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Club", NULL), 0);
  ASSERT(op_of(&p, "Club", "Alice"));
  s = pf_session(&p, "Dave", "dave");
  ASSERT_EQ(reed_room_join(s, "Club", "pw"), REED_EBANNED);
  s = pf_session(&p, "Bob", "bob");
  ASSERT_EQ(reed_room_join(s, "Club", "pw"), 0);
  ASSERT(op_of(&p, "Club", "Bob"));
  pf_stop(&p);
  ASSERT_EQ(reed_alloc_live(), 0);
  sf_cleanup(&p.f);
}

TEST(room_aff_ownerless_room_forgotten_at_start)
{
  pf_t p = {0};
  reed_session_t *g;
  reed_room_view_t v;

  sf_init(&p.f);
  pf_start(&p);
  g = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(g, "Open", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(g, "Open", "t"), 0);
  ASSERT_EQ(reed_room_set_modes(g, "Open",
                                &(reed_mode_change_t){
                                    .mode = REED_RMODE_INVITEONLY, .set = true},
                                1, NULL),
            0);
  ASSERT_EQ(reed_room_set_modes(g, "Open",
                                &(reed_mode_change_t){.mode = REED_RMODE_BAN,
                                                      .set = true,
                                                      .arg = "x"},
                                1, NULL),
            0);
  ASSERT_EQ(reed_room_say(g, "Open", 0, "kept", 4, NULL, NULL), 0);
  pf_restart(&p);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM rooms"), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_lists"), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM messages"), 1);
  g = pf_session(&p, "Other", NULL);
  ASSERT_EQ(reed_room_join(g, "open", NULL), 0);
  ASSERT(op_of(&p, "open", "Other"));
  reed_room_view(reed_room_find(p.m, "open"), &v);
  ASSERT(v.topic == NULL && !v.invite_only);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* Evicted from memory, a room nobody owns does not come back with the
 * settings the store still has from before it emptied. */
TEST(room_aff_ownerless_room_not_reloaded_after_eviction)
{
  pf_t p = {.max_dormant = 1};
  reed_session_t *g, *h;
  reed_room_view_t v;

  sf_init(&p.f);
  pf_start(&p);
  g = pf_session(&p, "Guest", NULL);
  h = pf_session(&p, "Other", NULL);
  ASSERT_EQ(reed_room_join(g, "Open", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(g, "Open",
                                &(reed_mode_change_t){
                                    .mode = REED_RMODE_INVITEONLY, .set = true},
                                1, NULL),
            0);
  ASSERT_EQ(reed_room_part(g, "Open", NULL), 0);
  ASSERT_EQ(reed_room_join(g, "A", NULL), 0);
  ASSERT_EQ(reed_room_part(g, "A", NULL), 0); /* Open evicted */
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT invite_only FROM rooms"
                         " WHERE folded = 'open'"),
            1);
  ASSERT_EQ(reed_room_join(h, "Open", NULL), 0);
  reed_room_view(reed_room_find(p.m, "open"), &v);
  ASSERT(!v.invite_only);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

/* Registering a room whose old rows are still in the store (it emptied
 * without an owner since the last start) writes what the model has. */
TEST(room_aff_registration_replaces_stale_rows)
{
  pf_t p = {0};
  reed_session_t *g, *a;

  sf_init(&p.f);
  pf_start(&p);
  g = pf_session(&p, "Guest", NULL);
  ASSERT_EQ(reed_room_join(g, "Old", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(g, "Old",
                                &(reed_mode_change_t){.mode = REED_RMODE_BAN,
                                                      .set = true,
                                                      .arg = "stale"},
                                1, NULL),
            0);
  ASSERT_EQ(reed_room_part(g, "Old", NULL), 0);
  a = pf_session(&p, "Alice", "alice");
  ASSERT_EQ(reed_room_join(a, "Old", NULL), 0); /* creates and owns it */
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_lists"), 0);
  pf_restart(&p);
  ASSERT(reed_room_registered(reed_room_lookup(p.m, "old")));
  g = pf_session(&p, "Stale", NULL);
  ASSERT_EQ(reed_room_join(g, "Old", NULL), 0);
  pf_stop(&p);
  sf_cleanup(&p.f);
}

TEST(room_aff_unregistered_room_forgotten_at_start)
{
  pf_t p = {0};
  reed_session_t *a;

  a = pf_start_in_chat(&p);
  ASSERT_EQ(reed_room_set_topic(a, "Chat", "t"), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_affiliations"), 1);
  ASSERT_EQ(reed_room_unregister(a, "Chat"), 0);
  ASSERT_EQ(reed_store_turn_end(p.st), 0);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM room_affiliations"), 0);
  pf_restart(&p);
  ASSERT_EQ(pf_count(&p, "SELECT count(*) FROM rooms"), 0);
  ASSERT(reed_room_lookup(p.m, "chat") == NULL ||
         !reed_room_registered(reed_room_lookup(p.m, "chat")));
  pf_stop(&p);
  sf_cleanup(&p.f);
}
