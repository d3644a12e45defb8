# Server administration on XMPP (protocols/xmpp/xmpp_admin.h): operator
# accounts, XEP-0050 ad-hoc commands with XEP-0004 forms, XEP-0133.
target_sources(reed_proto_xmpp PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_admin.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_adhoc.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_admin_cmds.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_form.c)
