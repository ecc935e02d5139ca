#!/usr/bin/env bash
# Stops the libvirtd and virtlogd that scripts/start-libvirt.sh started (by their recorded
# PIDs, checking the PID still runs that program), and nothing else. Guests still running
# are destroyed first, as a host shutdown without libvirt-guests would.
#
#   scripts/stop-libvirt.sh [STATE_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state_dir="$(realpath -m "${1:-$here/../.run/libvirt}")"

stop() {  # stop NAME: SIGTERM the recorded PID if it runs NAME, SIGKILL after 10 s
  local pidfile="$state_dir/$1.pid" pid
  [ -s "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ]; then
    kill "$pid"
    for _ in $(seq 1 100); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    [ -d "/proc/$pid" ] && kill -9 "$pid"
    echo "$1: stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop libvirtd
stop virtlogd
