# Sanitizer build flavours (scripts/build.sh thread|address; ./test.sh runs both):
#
#   NEUTRINO_SANITIZE=thread   ThreadSanitizer                      -> build-tsan/
#   NEUTRINO_SANITIZE=address  AddressSanitizer + UBSan + LeakSan,  -> build-asan/
#                              and the libFuzzer targets (fuzz/)
#
# A flavour builds only what it tests: the libraries, the unit tests, the two daemons and (for
# address) the fuzzers; no benchmarks and no format check. It reuses the main flavour's
# libopenvswitch (NEUTRINO_OVS_BUILD_DIR, uninstrumented C: the agent only calls its OpenFlow
# codecs from one thread at a time). Everything compiles through the shared ccache.
#
# Compiler: clang (Debian's clang-14). It has libFuzzer, which the address flavour's fuzzers
# need, and -Wthread-safety, which checks the GUARDED_BY annotations (common/mutex.hpp); its
# TSan and ASan are the reference implementations. Each flavour's sanitizer options and
# suppressions live in tests/sanitizers/<flavour>.* with a reason per line.
set(NEUTRINO_SANITIZE "" CACHE STRING "Sanitizer flavour: empty, thread or address")
set_property(CACHE NEUTRINO_SANITIZE PROPERTY STRINGS "" thread address)

if(NOT NEUTRINO_SANITIZE)
  return()
endif()

if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "NEUTRINO_SANITIZE needs clang (configure with CMAKE_CXX_COMPILER=clang++)")
endif()

# Optimised enough that the tests run at a useful speed, with line tables for the reports and
# frame pointers for their stacks. Assertions stay on (no NDEBUG).
set(_flags -O1 -gline-tables-only -fno-omit-frame-pointer)
if(NEUTRINO_SANITIZE STREQUAL "thread")
  set(_sanitizers -fsanitize=thread)
elseif(NEUTRINO_SANITIZE STREQUAL "address")
  # Every UB check aborts (a report is a failure, not a log line). fuzzer-no-link adds the
  # coverage counters libFuzzer steers by, so the fuzzers link the same instrumented libraries
  # the unit tests use; elsewhere the counters cost a little time and nothing else.
  set(_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=all)
  set(_fuzzer_instrumentation -fsanitize=fuzzer-no-link)
else()
  message(FATAL_ERROR "NEUTRINO_SANITIZE must be thread or address, not '${NEUTRINO_SANITIZE}'")
endif()

# The build type's own flags (-O2 -DNDEBUG...) are left out: one set of flags per flavour.
set(CMAKE_BUILD_TYPE Sanitize)
set(CMAKE_CXX_FLAGS_SANITIZE "")
add_compile_options(${_flags} ${_sanitizers} ${_fuzzer_instrumentation})
add_link_options(${_sanitizers})

set(NEUTRINO_OVS_BUILD_DIR "${PROJECT_SOURCE_DIR}/build/_deps/openvswitch" CACHE PATH
    "Where the main flavour built libopenvswitch (scripts/build.sh builds it first)")

# Every executable of the flavour carries the sanitizers' default options and the path of its
# suppression file (tests/sanitizers/): see neutrino_sanitizer_defaults() in neutrino.cmake.
add_library(neutrino_sanitizer_defaults OBJECT ${PROJECT_SOURCE_DIR}/tests/sanitizers/default_options.cpp)
target_compile_definitions(neutrino_sanitizer_defaults PRIVATE
  NEUTRINO_SANITIZER_DIR="${PROJECT_SOURCE_DIR}/tests/sanitizers")
target_compile_options(neutrino_sanitizer_defaults PRIVATE ${NEUTRINO_WARNINGS})
