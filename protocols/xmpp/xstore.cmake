# reed_xmpp_store: the XMPP module's tables (migrations under the owner
# "xmpp") and the C API the stanza handlers call (xmpp_store.h). It sits on
# the store alone: no model, no protocol header.
add_library(reed_xmpp_store STATIC
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_migrations.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_roster.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_offline.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_block.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_private.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_pep.c
  ${CMAKE_CURRENT_LIST_DIR}/xstore_fast.c)
target_include_directories(reed_xmpp_store PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(reed_xmpp_store PUBLIC reed_store reed_base
  PkgConfig::SQLITE3)
