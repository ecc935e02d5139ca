# The format check: `clang-format --dry-run -Werror` (the repository's .clang-format) over every
# .cpp and .hpp of ours, as a step of the main flavour's build, so an unformatted file fails
# scripts/build.sh and with it ./test.sh. A stamp makes it free when nothing changed; any change
# to a source checks them all again (about 2 s of one core). scripts/format.sh fixes them.
find_program(NEUTRINO_CLANG_FORMAT NAMES clang-format-14 clang-format)
if(NOT NEUTRINO_CLANG_FORMAT)
  message(WARNING "clang-format not found: the format check is left out "
                  "(scripts/install-deps.sh installs it)")
  return()
endif()

# Every top-level folder but build trees (build/, build-tsan/, ...) and hidden ones.
file(GLOB _entries LIST_DIRECTORIES true RELATIVE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/*)
set(_sources)
foreach(_entry IN LISTS _entries)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/${_entry} AND NOT _entry MATCHES "^(build|\\.)")
    file(GLOB_RECURSE _found CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}
         ${PROJECT_SOURCE_DIR}/${_entry}/*.cpp ${PROJECT_SOURCE_DIR}/${_entry}/*.hpp)
    list(APPEND _sources ${_found})
  endif()
endforeach()
list(TRANSFORM _sources PREPEND ${PROJECT_SOURCE_DIR}/ OUTPUT_VARIABLE _paths)
list(LENGTH _sources _count)

set(_stamp ${CMAKE_BINARY_DIR}/format_check.stamp)
add_custom_command(
  OUTPUT ${_stamp}
  COMMAND ${NEUTRINO_CLANG_FORMAT} --dry-run -Werror ${_sources}
  COMMAND ${CMAKE_COMMAND} -E touch ${_stamp}
  DEPENDS ${_paths} ${PROJECT_SOURCE_DIR}/.clang-format
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "Checking the format of ${_count} sources (on failure: scripts/format.sh)"
  VERBATIM)
add_custom_target(format_check ALL DEPENDS ${_stamp})
