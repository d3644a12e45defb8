# reed_add_unit_tests(<part> SOURCES ... LIBS ...)
#   Builds test_<part> from the sources plus tests/support (the harness and
#   fakes; REED_WORLD_SOURCES and REED_MEMSRC_SOURCES on request), reads
#   tests/unit/<part>/list.h and registers one ctest "<part>.<name>" per
#   TEST_ENTRY(name) line.
# reed_add_fuzz(<name> LIBS ... [SOURCES extra.c])
#   tests/fuzz/fuzz_<name>.c as a libFuzzer target (REED_FUZZ) run for
#   REED_FUZZ_SECONDS on corpus/<name>/, or else linked with the replay main
#   and run over the corpus.
set(REED_SUPPORT_SOURCES
  ${CMAKE_SOURCE_DIR}/tests/support/harness.c
  ${CMAKE_SOURCE_DIR}/tests/support/check.c
  ${CMAKE_SOURCE_DIR}/tests/support/fake_clock.c
  ${CMAKE_SOURCE_DIR}/tests/support/inline_worker.c
  ${CMAKE_SOURCE_DIR}/tests/support/fake_transport.c)
# The in-memory credential source (needs reed_auth) and the protocol world
# (needs a protocol module, the model and auth): parts that use them add
# these to their SOURCES.
set(REED_MEMSRC_SOURCES ${CMAKE_SOURCE_DIR}/tests/support/memsrc.c)
set(REED_WORLD_SOURCES ${REED_MEMSRC_SOURCES}
  ${CMAKE_SOURCE_DIR}/tests/support/world.c)

function(reed_add_unit_tests part)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  set(list_h ${CMAKE_CURRENT_SOURCE_DIR}/list.h)
  set(exe test_${part})
  add_executable(${exe} ${T_SOURCES} ${REED_SUPPORT_SOURCES})
  target_include_directories(${exe} PRIVATE
    ${CMAKE_SOURCE_DIR}/tests/support ${CMAKE_SOURCE_DIR}/core/base)
  target_compile_definitions(${exe} PRIVATE
    REED_TEST_LIST="${list_h}"
    REED_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(${exe} PRIVATE ${T_LIBS} reed_proto reed_base)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${list_h})
  file(STRINGS ${list_h} entries REGEX "^TEST_ENTRY\\(")
  foreach(e ${entries})
    string(REGEX REPLACE "^TEST_ENTRY\\(([A-Za-z0-9_]+)\\).*" "\\1" name "${e}")
    add_test(NAME ${part}.${name} COMMAND ${exe} ${name})
    set_tests_properties(${part}.${name} PROPERTIES TIMEOUT 120)
  endforeach()
endfunction()

function(reed_add_fuzz name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS" ${ARGN})
  set(src ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${name}.c)
  set(corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  set(exe fuzz_${name})
  if(REED_FUZZ)
    add_executable(${exe} ${src} ${F_SOURCES})
    target_compile_options(${exe} PRIVATE -fsanitize=fuzzer)
    target_link_options(${exe} PRIVATE -fsanitize=fuzzer)
    add_test(NAME fuzz.${name}
      COMMAND ${CMAKE_SOURCE_DIR}/tests/fuzz/run_fuzz.sh
        $<TARGET_FILE:${exe}> ${corpus} ${CMAKE_BINARY_DIR}/fuzz-work/${name}
        ${REED_FUZZ_SECONDS})
    set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT 600)
  else()
    add_executable(${exe} ${src} ${F_SOURCES}
      ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
    add_test(NAME fuzz_replay.${name} COMMAND ${exe} ${corpus})
  endif()
  target_include_directories(${exe} PRIVATE
    ${CMAKE_SOURCE_DIR}/tests/support ${CMAKE_SOURCE_DIR}/core/base)
  target_link_libraries(${exe} PRIVATE ${F_LIBS} reed_proto reed_base)
endfunction()
