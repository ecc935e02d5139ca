#!/usr/bin/env bash
# Prints, for one ctest build directory, each test that failed in its last run with the lines
# of its output that say why (gtest failures, sanitizer summaries, timeouts), at most LINES
# each. test.sh calls it last so that a log cut to its tail, as CI keeps it, still says which
# test failed and why.
set -euo pipefail
dir=$1
lines=${2:-8}
failed="$dir/Testing/Temporary/LastTestsFailed.log"
log="$dir/Testing/Temporary/LastTest.log"
[[ -s $failed ]] || exit 0
while IFS= read -r entry; do
  name=${entry#*:}
  echo "--- $dir: $name"
  awk -v name="$name" '
    $0 ~ "^[0-9]+/[0-9]+ Testing: " { inside = (substr($0, index($0, ": ") + 2) == name) }
    inside { print }
    inside && /^Test (Passed|Failed|.*Not Run|.*Timeout)/ { inside = 0 }
  ' "$log" |
    grep -E 'Failure|FAILED|SUMMARY: |WARNING: |Error|error:|Timeout|Expected|Which is|Value of|Actual' |
    head -n "$lines" || true
done <"$failed"
echo "failed in $dir: $(cut -d: -f2- "$failed" | tr '\n' ' ')"
