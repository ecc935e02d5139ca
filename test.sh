#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test tier (unit, integration, tempest) with
# ctest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 900 -j 2 "$@"
