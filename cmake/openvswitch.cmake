# libopenvswitch, built from Debian's openvswitch-source: Debian ships no -dev package, and the
# agent needs OVS's own OpenFlow encoders/decoders/parsers (ovs-ofctl syntax) rather than a
# re-implementation that would drift from what ovs-vswitchd accepts and prints.
#
# The tarball is extracted into ${CMAKE_BINARY_DIR}/_deps/openvswitch, configured, and only
# lib/libopenvswitch.la is built there (with the generated sources it needs: see
# openvswitch-lib.mk). ExternalProject's stamp files make every later build and every cmake
# re-run a no-op; a different tarball (an upgraded openvswitch-source) changes the hash below
# and rebuilds it, and so does deleting ${CMAKE_BINARY_DIR}/_deps.
#
# Consumers link `openvswitch::lib`. Its include directories are SYSTEM (imported target), so
# the C headers' warnings do not trip our -Werror; include them only from .cpp files.
#
# The sanitizer flavours (cmake/sanitize.cmake) set NEUTRINO_OVS_BUILD_DIR to the main
# flavour's copy and link that one instead of building their own.
include(ExternalProject)
include(ProcessorCount)

if(NEUTRINO_OVS_BUILD_DIR)
  set(_ovs_lib ${NEUTRINO_OVS_BUILD_DIR}/lib/.libs/libopenvswitch.a)
  if(NOT EXISTS ${_ovs_lib})
    message(FATAL_ERROR "${_ovs_lib} not found: build the main flavour first (scripts/build.sh)")
  endif()
  add_library(openvswitch::lib STATIC IMPORTED GLOBAL)
  set_target_properties(openvswitch::lib PROPERTIES
    IMPORTED_LOCATION ${_ovs_lib}
    INTERFACE_INCLUDE_DIRECTORIES
      "${NEUTRINO_OVS_BUILD_DIR};${NEUTRINO_OVS_BUILD_DIR}/include;${NEUTRINO_OVS_BUILD_DIR}/lib"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;atomic;m")
  return()
endif()

set(NEUTRINO_OVS_TARBALL /usr/src/openvswitch/openvswitch.tar.gz
    CACHE FILEPATH "openvswitch-source tarball libopenvswitch is built from")
if(NOT EXISTS ${NEUTRINO_OVS_TARBALL})
  message(FATAL_ERROR "${NEUTRINO_OVS_TARBALL} not found: install openvswitch-source "
                      "(scripts/install-deps.sh)")
endif()
find_program(NEUTRINO_MAKE make REQUIRED)
file(SHA256 ${NEUTRINO_OVS_TARBALL} _ovs_tarball_sha256)

set(_ovs_dir ${CMAKE_BINARY_DIR}/_deps/openvswitch)
set(_ovs_lib ${_ovs_dir}/lib/.libs/libopenvswitch.a)

# Ninja offers no make jobserver, so make gets its own -j (the core count): for the minute or
# two it runs, it shares the cores with whatever else ninja builds meanwhile.
ProcessorCount(_ovs_jobs)
if(_ovs_jobs EQUAL 0)
  set(_ovs_jobs 2)
endif()

# The C compiler goes through the same ccache as ours (CMakeLists.txt), so a fresh build tree
# recompiles none of libopenvswitch it has seen before.
list(JOIN NEUTRINO_COMPILER_LAUNCHER " " _ovs_launcher)
string(STRIP "${_ovs_launcher} cc" _ovs_cc)

# Every optional feature the agent does not use is switched off, which also pins the link
# dependencies below. unbound has no configure switch: its autoconf cache variable is preset
# so a machine that happens to have libunbound-dev builds the same library.
ExternalProject_Add(openvswitch_build
  URL ${NEUTRINO_OVS_TARBALL}
  URL_HASH SHA256=${_ovs_tarball_sha256}
  # Keep the archive's timestamps: fresh ones could make automake's rebuild rules think
  # configure or Makefile.in are stale and try to run autoreconf.
  DOWNLOAD_EXTRACT_TIMESTAMP TRUE
  PREFIX ${CMAKE_BINARY_DIR}/_deps/openvswitch-stamp
  SOURCE_DIR ${_ovs_dir}
  BUILD_IN_SOURCE TRUE
  CONFIGURE_COMMAND
    ./configure --enable-static --disable-shared --disable-ssl --disable-libcapng
    --disable-afxdp --without-dpdk ac_cv_lib_unbound_ub_ctx_create=no "CFLAGS=-O2 -fPIC -g0"
    "CC=${_ovs_cc}"
  BUILD_COMMAND
    ${NEUTRINO_MAKE} -j${_ovs_jobs} -f Makefile -f ${CMAKE_CURRENT_LIST_DIR}/openvswitch-lib.mk
    neutrino-libopenvswitch
  INSTALL_COMMAND ""
  BUILD_BYPRODUCTS ${_ovs_lib}
  LOG_CONFIGURE TRUE
  LOG_BUILD TRUE
  LOG_OUTPUT_ON_FAILURE TRUE)

# Imported targets refuse include directories that do not exist at generate time; on a fresh
# build tree they are created here and the extraction step fills them.
set(_ovs_includes ${_ovs_dir} ${_ovs_dir}/include ${_ovs_dir}/lib)
file(MAKE_DIRECTORY ${_ovs_includes})

add_library(openvswitch::lib STATIC IMPORTED GLOBAL)
set_target_properties(openvswitch::lib PROPERTIES
  IMPORTED_LOCATION ${_ovs_lib}
  INTERFACE_INCLUDE_DIRECTORIES "${_ovs_includes}"
  # What configure put in LIBS for the options above (-latomic -lm), plus pthreads.
  INTERFACE_LINK_LIBRARIES "Threads::Threads;atomic;m")
add_dependencies(openvswitch::lib openvswitch_build)
