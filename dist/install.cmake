# Run by `cmake --install` (dist/CMakeLists.txt sets REED_DIST_SRC,
# REED_DIST_BIN and the relative dirs first). Paths are taken from the
# install prefix at install time, so `cmake --install --prefix DIR` gives a
# unit that runs DIR's reed.

# GNUInstallDirs' rule: etc under the prefix, but /etc for the /usr prefix.
if(IS_ABSOLUTE "${REED_SYSCONFDIR}")
  set(_etc "${REED_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_etc "/etc")
else()
  set(_etc "${CMAKE_INSTALL_PREFIX}/${REED_SYSCONFDIR}")
endif()
if(IS_ABSOLUTE "${REED_SYSTEMD_UNITDIR}")
  set(REED_SYSTEMD_UNITDIR_FULL "${REED_SYSTEMD_UNITDIR}")
else()
  set(REED_SYSTEMD_UNITDIR_FULL
      "${CMAKE_INSTALL_PREFIX}/${REED_SYSTEMD_UNITDIR}")
endif()
set(REED_BIN_FULL "${CMAKE_INSTALL_PREFIX}/${REED_BINDIR}/reed")
set(REED_CONFIG_FILE "${_etc}/reed/reed.ini")

configure_file("${REED_DIST_SRC}/reed.service.in"
  "${REED_DIST_BIN}/installed/reed.service" @ONLY)
file(INSTALL "${REED_DIST_BIN}/installed/reed.service"
  DESTINATION "${REED_SYSTEMD_UNITDIR_FULL}")

# The config is the operator's once installed: never overwritten.
if(EXISTS "$ENV{DESTDIR}${REED_CONFIG_FILE}")
  message(STATUS "Kept: $ENV{DESTDIR}${REED_CONFIG_FILE}")
else()
  file(INSTALL "${REED_DIST_SRC}/reed.ini" DESTINATION "${_etc}/reed"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
