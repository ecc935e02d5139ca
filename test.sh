#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test tier (unit, integration, tempest) with
# ctest; then the checks. The main build includes the format check. Arguments go to every
# ctest run. NEUTRINO_CHECKS says which sanitizer checks follow:
#   fuzz (default)  the libFuzzer targets, built alone in the address flavour (build-asan/),
#                   20 s each from their seeds
#   full            the unit tests and one short integration test per daemon again under
#                   ThreadSanitizer (build-tsan/) and AddressSanitizer + UBSan (build-asan/,
#                   fuzzers included): two more whole builds, beyond CI's time budget today
#   0               none (a quicker local run)
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
runs=("build")
case "${NEUTRINO_CHECKS:-fuzz}" in
  full)
    timed "build (thread)" scripts/build.sh thread
    timed "build (address, fuzzers)" scripts/build.sh address
    runs+=("build-tsan" "build-asan")
    ;;
  fuzz | 1)
    timed "build (fuzzers)" scripts/build.sh fuzz
    runs+=("build-asan -R _fuzz$")
    ;;
  0) ;;
  *)
    echo "NEUTRINO_CHECKS must be fuzz, full or 0" >&2
    exit 2
    ;;
esac

failed=()
for run in "${runs[@]}"; do
  read -r -a what <<<"$run"
  echo "=== ctest in $run"
  timed "ctest $run" ctest --test-dir "${what[@]}" --output-on-failure --timeout 900 -j 2 "$@" ||
    failed+=("$run")
done

printf '=== wall time\n'
printf '%s\n' "${timings[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ctest in ${failed[*]}"
  exit 1
fi
