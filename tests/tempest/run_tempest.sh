#!/usr/bin/env bash
# The Tempest tier: Neutron's API tests (tempest.api.network, neutron_tempest_plugin.api) against
# a neutrino-controller this script starts on loopback. Needs scripts/install-deps.sh and a built
# neutrino-controller; arguments go to tempest_tier.py (--keep, or `-- --regex test_subnets`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export NEUTRINO_BIN_DIR="${NEUTRINO_BIN_DIR:-$here/../../build/bin}"
exec /usr/bin/python3 "$here/tempest_tier.py" "$@"
