# XEP-0198 stream management (acks, the queue, parking and resumption)
# and XEP-0352 client state indication, on the core's tables and hooks.
target_sources(reed_proto_xmpp PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_sm.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_sm_scan.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_sm_park.c
  ${CMAKE_CURRENT_LIST_DIR}/xmpp_csi.c)
