# Helpers so every folder declares its targets the same way, with the same warnings.

set(NEUTRINO_WARNINGS -Wall -Wextra -Werror -Wpedantic -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # GUARDED_BY and friends (common/thread_annotations.hpp) are checked wherever clang compiles
  # our code, as in the sanitizer flavours: an access without the lock fails the build.
  list(APPEND NEUTRINO_WARNINGS -Wthread-safety)
endif()

# neutrino_library(<name> SOURCES ... DEPS ...): a static library of our code, included from
# the repository root ("controller/ipam/cidr.hpp").
function(neutrino_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${NEUTRINO_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# neutrino_sanitizer_defaults(<executable>): in a sanitizer flavour, builds the sanitizers'
# default options and suppression paths into the executable (cmake/sanitize.cmake); elsewhere
# nothing. Every executable of ours calls it.
function(neutrino_sanitizer_defaults name)
  if(TARGET neutrino_sanitizer_defaults)
    target_link_libraries(${name} PRIVATE neutrino_sanitizer_defaults)
  endif()
endfunction()

# neutrino_unit_test(<name> SOURCES ... DEPS ...): one GoogleTest binary per component,
# registered with ctest under the label "unit".
function(neutrino_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${NEUTRINO_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  neutrino_sanitizer_defaults(${name})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endfunction()

# neutrino_fuzzer(<name>_fuzzer SOURCES ... DEPS ... CORPUS <dir> [ARGS ...]): a libFuzzer target
# and its ctest `<name>_fuzz` (label unit), which fuzzes for 20 s from the checked-in seeds in
# CORPUS; a crash, sanitizer report or violated property fails it and leaves the input in the
# build directory. Only the address flavour builds fuzzers (it instruments our libraries for
# libFuzzer, cmake/sanitize.cmake); elsewhere this does nothing. ARGS go to libFuzzer.
function(neutrino_fuzzer name)
  if(NOT NEUTRINO_SANITIZE STREQUAL "address")
    return()
  endif()
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS;ARGS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${NEUTRINO_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  neutrino_sanitizer_defaults(${name})
  string(REGEX REPLACE "_fuzzer$" "_fuzz" test ${name})
  # New inputs go to the build tree's corpus; the checked-in seeds are only read.
  set(work_corpus ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
  file(MAKE_DIRECTORY ${work_corpus})
  add_test(NAME ${test}
           COMMAND ${name} -max_total_time=20 -timeout=10 -rss_limit_mb=2048
                   -print_final_stats=1 -artifact_prefix=${CMAKE_CURRENT_BINARY_DIR}/${name}-
                   ${ARG_ARGS} ${work_corpus} ${ARG_CORPUS})
  set_tests_properties(${test} PROPERTIES LABELS unit TIMEOUT 180)
endfunction()

# The throw-away PostgreSQL server the tests below share, started and stopped by ctest
# fixtures (tests/CMakeLists.txt); its URL is fixed by its directory.
set(NEUTRINO_TEST_PG_DIR ${CMAKE_BINARY_DIR}/pg-test-server)
set(NEUTRINO_TEST_PG_URL "postgresql://neutrino@/neutrino?host=${NEUTRINO_TEST_PG_DIR}")

# neutrino_postgres_tests(<unit test target>): runs the target's tests a second time, named
# "postgres.<test>", against PostgreSQL (tests/support/test_database.hpp).
function(neutrino_postgres_tests name)
  target_link_libraries(${name} PRIVATE neutrino_test_database)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "postgres."
    PROPERTIES LABELS unit ENVIRONMENT "NEUTRINO_TEST_STORE=${NEUTRINO_TEST_PG_URL}"
               FIXTURES_REQUIRED postgres_server)
endfunction()
