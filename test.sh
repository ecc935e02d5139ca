#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test tier (unit, integration, tempest) with
# ctest; then the checks: the unit tests and one short integration test per daemon again under
# ThreadSanitizer (build-tsan/) and under AddressSanitizer + UBSan (build-asan/, which also runs
# the fuzzers). The main build includes the format check. Arguments go to every ctest run.
# NEUTRINO_CHECKS=0 leaves the sanitizer flavours out (a quicker local run).
set -euo pipefail
cd "$(dirname "$0")"

timings=()
timed() {
  local what=$1 started=$SECONDS status=0
  shift
  "$@" || status=$?
  timings+=("$(printf '%-28s %4d s' "$what" $((SECONDS - started)))")
  return $status
}

scripts/install-deps.sh
timed "build (main, format check)" scripts/build.sh
dirs=(build)
if [ "${NEUTRINO_CHECKS:-1}" != 0 ]; then
  timed "build (thread)" scripts/build.sh thread
  timed "build (address, fuzzers)" scripts/build.sh address
  dirs+=(build-tsan build-asan)
fi

failed=()
for dir in "${dirs[@]}"; do
  echo "=== ctest in $dir"
  timed "ctest $dir" ctest --test-dir "$dir" --output-on-failure --timeout 900 -j 2 "$@" ||
    failed+=("$dir")
done

printf '=== wall time\n'
printf '%s\n' "${timings[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ctest in ${failed[*]}"
  exit 1
fi
