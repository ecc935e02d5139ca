# Helpers so every folder declares its targets the same way, with the same warnings.

set(NEUTRINO_WARNINGS -Wall -Wextra -Werror -Wpedantic -Wno-missing-field-initializers)

# neutrino_library(<name> SOURCES ... DEPS ...): a static library of our code, included from
# the repository root ("controller/ipam/cidr.hpp").
function(neutrino_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${NEUTRINO_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# neutrino_unit_test(<name> SOURCES ... DEPS ...): one GoogleTest binary per component,
# registered with ctest under the label "unit".
function(neutrino_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${NEUTRINO_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
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
