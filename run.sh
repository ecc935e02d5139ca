#!/usr/bin/env bash
# The main job on the embedded default. Today: installs what is needed, builds, starts
# neutrino-controller on 127.0.0.1:9696 with its store in .run/data, creates a demo tenant
# network, subnet and port with the real `openstack` CLI, and shows how to use it.
#
#   ./run.sh         start (or show, if already running)
#   ./run.sh stop    stop what ./run.sh started and leave the store in .run/data
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
state="$root/.run"
pid_file="$state/controller.pid"
listen=${NEUTRINO_LISTEN:-127.0.0.1:9696}

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

stop() {
  if running; then
    pid=$(cat "$pid_file")
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "neutrino-controller (pid $pid) stopped; the store stays in $state/data"
  else
    echo "nothing to stop"
  fi
  rm -f "$pid_file"
}

if [ "${1:-}" = "stop" ]; then
  stop
  exit 0
fi

scripts/install-deps.sh
scripts/build.sh

mkdir -p "$state/data"
[ -f "$state/admin-password" ] || (umask 077; head -c 18 /dev/urandom | base64 > "$state/admin-password")
cat > "$state/openrc" <<RC
# source this file, then use the openstack CLI against the local Neutrino controller
export OS_AUTH_URL=http://$listen/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$(cat "$state/admin-password")
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
RC

if ! running; then
  NEUTRINO_ADMIN_PASSWORD=$(cat "$state/admin-password") \
    nohup build/bin/neutrino-controller --listen "$listen" --data-dir "$state/data" \
    > "$state/controller.log" 2>&1 &
  echo $! > "$pid_file"
  for _ in $(seq 100); do [ -f "$state/data/controller.url" ] && break; sleep 0.1; done
  if ! running; then
    echo "neutrino-controller failed to start:" >&2
    tail -20 "$state/controller.log" >&2
    exit 1
  fi
fi
echo "neutrino-controller is running (pid $(cat "$pid_file")) at http://$listen, log in $state/controller.log"

# shellcheck source=/dev/null
source "$state/openrc"
if ! openstack network show demo-net >/dev/null 2>&1; then
  openstack network create demo-net >/dev/null
  openstack subnet create demo-subnet --network demo-net --subnet-range 10.10.0.0/24 \
    --allocation-pool start=10.10.0.10,end=10.10.0.99 --dns-nameserver 10.10.0.2 >/dev/null
  openstack port create demo-port --network demo-net >/dev/null
fi
openstack network list
openstack port list --network demo-net

cat <<MSG

Use it with the openstack CLI:
  source .run/openrc
  openstack network create mynet
  openstack subnet create mysub --network mynet --subnet-range 192.168.50.0/24
  openstack port create myport --network mynet --fixed-ip subnet=mysub,ip-address=192.168.50.20
  openstack port list --fixed-ip ip-address=192.168.50.20
  sqlite3 .run/data/neutrino.db 'select * from ipallocations'
Stop it with: ./run.sh stop
MSG
