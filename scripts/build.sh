#!/usr/bin/env bash
# Configures (once) and builds Neutrino with Ninja. Binaries land in <build dir>/bin/.
#
#   scripts/build.sh           the main flavour (g++, RelWithDebInfo) in build/
#   scripts/build.sh thread    ThreadSanitizer (clang) in build-tsan/
#   scripts/build.sh address   AddressSanitizer + UBSan and the fuzzers (clang) in build-asan/
#   scripts/build.sh fuzz      only the fuzzers of the address flavour, in build-asan/
#
# The sanitizer flavours build only libraries, unit tests, daemons and fuzzers, and link the
# main flavour's libopenvswitch, which is built first when missing (cmake/sanitize.cmake).
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-main}
build_type=${NEUTRINO_BUILD_TYPE:-RelWithDebInfo}

configure_main() {
  if [ ! -f build/build.ninja ]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type"
  fi
}

case "$flavour" in
  main)
    configure_main
    cmake --build build -j "$(nproc)"
    ;;
  thread | address | fuzz)
    dir=build-asan
    [ "$flavour" = thread ] && dir=build-tsan
    sanitizer=${flavour/fuzz/address}
    configure_main
    cmake --build build --target openvswitch_build -j "$(nproc)"
    if [ ! -f "$dir/build.ninja" ]; then
      cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="${NEUTRINO_SANITIZE_CXX:-clang++-14}" \
        -DNEUTRINO_SANITIZE="$sanitizer" -DNEUTRINO_OVS_BUILD_DIR="$PWD/build/_deps/openvswitch"
    fi
    if [ "$flavour" = fuzz ]; then
      # Each fuzzer's ctest is <name>_fuzz and its target <name>_fuzzer.
      mapfile -t targets < <(ctest --test-dir "$dir" -N -R '_fuzz$' |
        sed -n 's/.*Test *#[0-9]*: \(.*\)_fuzz$/\1_fuzzer/p')
      cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"
    else
      cmake --build "$dir" -j "$(nproc)"
    fi
    ;;
  *)
    echo "usage: $0 [main|thread|address|fuzz]" >&2
    exit 2
    ;;
esac
