#!/usr/bin/env bash
# Starts virtlogd and libvirtd for this machine when nothing runs them (there is no systemd
# here), so that qemu:///system answers at /run/libvirt/libvirt-sock. Idempotent: when a
# libvirtd already answers, it says so and starts nothing. What it starts is recorded by PID
# in STATE_DIR (default .run/libvirt), and scripts/stop-libvirt.sh stops exactly that.
#
# Without /etc/libvirt/qemu.conf (Debian's libvirt-daemon-system is not installed: it needs
# systemd) the daemons run in a mount namespace of their own in which scripts/libvirt/ is
# mounted over /etc/libvirt; sockets, images and logs stay in the usual places.
#
# NEUTRINO_OVS_RUNDIR=DIR: an Open vSwitch with a run dir of its own (./run.sh's .run/ovs) is
# mounted on /run/openvswitch for these daemons only, so the `ovs-vsctl` libvirt runs to plug
# a guest's <virtualport type='openvswitch'> reaches that ovsdb-server.
#
#   scripts/start-libvirt.sh [STATE_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state_dir="$(realpath -m "${1:-$here/../.run/libvirt}")"
socket=/run/libvirt/libvirt-sock

answers() {
  python3 - "$socket" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
try:
    s.connect(sys.argv[1])
except OSError:
    sys.exit(1)
PY
}

alive() {  # alive PIDFILE NAME: the recorded PID runs NAME
  [ -s "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]
}

if answers; then
  if alive "$state_dir/libvirtd.pid" libvirtd; then
    echo "libvirtd: running (pid $(cat "$state_dir/libvirtd.pid"), started by this script)"
  else
    echo "libvirtd: already running, not started by this script; leaving it alone"
  fi
  exit 0
fi

mkdir -p "$state_dir" /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
if [ -f /etc/libvirt/qemu.conf ]; then
  overlay=""
else
  # Our configuration in place of the missing one, visible to these daemons only.
  mkdir -p /etc/libvirt
  conf="$state_dir/etc"
  mkdir -p "$conf"
  cp "$here/libvirt/qemu.conf" "$here/libvirt/libvirtd.conf" "$here/libvirt/virtlogd.conf" "$conf/"
  overlay="mount --bind '$conf' /etc/libvirt;"
fi

if [ -n "${NEUTRINO_OVS_RUNDIR:-}" ]; then
  mkdir -p /run/openvswitch
  overlay="$overlay mount --bind '$(realpath "$NEUTRINO_OVS_RUNDIR")' /run/openvswitch;"
fi

started=$(date +%s%N)
LIBVIRT_LOG_OUTPUTS="3:file:$state_dir/libvirtd.log" \
  unshare --mount --propagation slave -- /bin/sh -c "set -e; $overlay
    virtlogd --daemon --pid-file '$state_dir/virtlogd.pid'
    libvirtd --daemon --pid-file '$state_dir/libvirtd.pid'"

for _ in $(seq 1 100); do
  if answers; then
    ms=$((($(date +%s%N) - started) / 1000000))
    echo "libvirtd: started (pid $(cat "$state_dir/libvirtd.pid"), virtlogd pid" \
      "$(cat "$state_dir/virtlogd.pid")) in ${ms} ms; log $state_dir/libvirtd.log"
    exit 0
  fi
  sleep 0.1
done
echo "libvirtd did not answer at $socket within 10 s; its log:" >&2
tail -20 "$state_dir/libvirtd.log" >&2 || true
"$here/stop-libvirt.sh" "$state_dir" >&2 || true
exit 1
