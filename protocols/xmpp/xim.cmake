# RFC 6121 IM and one-to-one messaging (protocols/xmpp/xmpp_im_int.h): the
# handler files on the core's tables, and the module's store under them.
target_sources(reed_proto_xmpp PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_sub_state.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_im.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_roster.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_roster_row.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_sub.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_presence.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_message.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_msg_event.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_offline.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_carbons.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_chatstate.c)
target_link_libraries(reed_proto_xmpp PUBLIC reed_xmpp_store)
