# The test guest: kernel, initramfs and BIOS-bootable disk, made from Debian packages by
# compute/guest-image/build-guest-image.sh into ${CMAKE_BINARY_DIR}/guest (see
# docs/guest-image.md). The outputs depend on the script and the guest's own files only, so an
# up-to-date build does nothing. The .deb files are cached outside the build tree, shared by
# every build directory and worktree of this user: a rebuild never downloads them again.
if(DEFINED ENV{HOME} AND NOT "$ENV{HOME}" STREQUAL "")
  set(_guest_default_cache "$ENV{HOME}/.cache/neutrino/debs")
else()
  set(_guest_default_cache "${CMAKE_BINARY_DIR}/_deps/debs")
endif()
set(NEUTRINO_DEB_CACHE "${_guest_default_cache}"
    CACHE PATH "where the guest image's .deb files (kernel, busybox-static) are kept")

set(_guest_src ${PROJECT_SOURCE_DIR}/compute/guest-image)
set(NEUTRINO_GUEST_DIR ${CMAKE_BINARY_DIR}/guest)
file(GLOB_RECURSE _guest_files CONFIGURE_DEPENDS ${_guest_src}/rootfs/*)
set(_guest_outputs)
foreach(suffix vmlinux vmlinuz initramfs raw qcow2 json)
  list(APPEND _guest_outputs ${NEUTRINO_GUEST_DIR}/neutrino-guest.${suffix})
endforeach()

add_custom_command(
  OUTPUT ${_guest_outputs}
  COMMAND ${CMAKE_COMMAND} -E env NEUTRINO_DEB_CACHE=${NEUTRINO_DEB_CACHE}
          ${_guest_src}/build-guest-image.sh ${NEUTRINO_GUEST_DIR}
  DEPENDS ${_guest_src}/build-guest-image.sh ${_guest_files}
  COMMENT "Building the test guest image from Debian packages (build/guest/)"
  VERBATIM)
add_custom_target(guest-image ALL DEPENDS ${_guest_outputs})
