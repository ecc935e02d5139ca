#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test tier (unit, integration, tempest) with
# ctest; then the checks. The main build includes the format check. Arguments go to every
# ctest run. NEUTRINO_CHECKS says which sanitizer checks follow:
#   full (default)  the unit tests and one short integration test per daemon
#                   (test_controller_smoke, test_agent_smoke, through sanitized.py) again under
#                   ThreadSanitizer (build-tsan/) and AddressSanitizer + UBSan (build-asan/),
#                   whose ctest also runs each libFuzzer target 20 s from its seeds. Two more
#                   builds (clang, through the shared ccache) and their ctest runs
#   fuzz            only the libFuzzer targets, built alone in the address flavour
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
case "${NEUTRINO_CHECKS:-full}" in
  full)
    timed "build (thread)" scripts/build.sh thread
    timed "build (address + fuzzers)" scripts/build.sh address
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

# A test that fails is run once more, alone; if it passes then, the run goes on but the end
# of the output names it as flaky with what its first failure said (CI keeps only the tail).
failed=()
flaky=()
for run in "${runs[@]}"; do
  read -r -a what <<<"$run"
  echo "=== ctest in $run"
  if ! timed "ctest $run" ctest --test-dir "${what[@]}" --output-on-failure --timeout 900 -j 2 "$@"
  then
    first_failure=$(scripts/failed-tests.sh "${what[0]}")
    echo "=== ctest in $run: the failed tests once more"
    if ctest --test-dir "${what[@]}" --rerun-failed --output-on-failure --timeout 900 "$@"; then
      flaky+=("$first_failure")
    else
      failed+=("$run")
    fi
  fi
done

printf '=== wall time\n'
printf '%s\n' "${timings[@]}"
if ((${#flaky[@]})); then
  echo "=== FLAKY: failed, then passed when run again"
  printf '%s\n' "${flaky[@]}"
fi
if ((${#failed[@]})); then
  for run in "${failed[@]}"; do
    read -r -a what <<<"$run"
    scripts/failed-tests.sh "${what[0]}"
  done
  echo "FAILED: ctest in ${failed[*]}"
  exit 1
fi
