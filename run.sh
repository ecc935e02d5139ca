#!/usr/bin/env bash
# The all-in-one cloud on this machine: installs what is needed, builds, starts Open vSwitch
# (userspace datapath, its own run dir .run/ovs), libvirt (scripts/start-libvirt.sh), the
# controller and one agent with compute enabled, uploads the guest image (kernel/ramdisk fast
# path), creates a tenant network and subnet and a key pair, boots one guest, waits for it and
# shows its console log with the lease and the metadata it fetched. Writes .run/openrc,
# .run/clouds.yaml and a `neutrino` entry in ~/.config/openstack/clouds.yaml.
#
#   ./run.sh         start what is not running yet, then show what runs
#   ./run.sh stop    delete the guests, stop everything ./run.sh started (by PID) and remove
#                    its namespaces; the store (.run/data, with the images) stays
#
# Ports (override with the environment): NEUTRINO_LISTEN (127.0.0.1:9696), NEUTRINO_AGENT_LISTEN
# (127.0.0.1:9697), NEUTRINO_METADATA_LISTEN (127.0.0.1:8775); NEUTRINO_VIRT_TYPE (qemu; auto
# uses KVM where it works).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
state="$root/.run"
ovs="$state/ovs"
listen=${NEUTRINO_LISTEN:-127.0.0.1:9696}
agent_listen=${NEUTRINO_AGENT_LISTEN:-127.0.0.1:9697}
metadata_listen=${NEUTRINO_METADATA_LISTEN:-127.0.0.1:8775}
virt_type=${NEUTRINO_VIRT_TYPE:-qemu}
host=$(hostname -s)
vm=demo-vm
started_at=$(date +%s%N)
step_no=0

# step TITLE COMMAND...: runs one step, shows how long it took.
step() {
  local title=$1 t0 ms
  shift
  step_no=$((step_no + 1))
  printf '[%2d] %s\n' "$step_no" "$title"
  t0=$(date +%s%N)
  "$@"
  ms=$((($(date +%s%N) - t0) / 1000000))
  printf '     done in %d.%03d s\n' $((ms / 1000)) $((ms % 1000))
}

pid_alive() {  # pid_alive PIDFILE COMM: the recorded PID still runs COMM
  [ -s "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]
}

stop_pid() {  # stop_pid PIDFILE COMM: SIGTERM, SIGKILL after 10 s
  local pid
  pid_alive "$1" "$2" || { rm -f "$1"; return 0; }
  pid=$(cat "$1")
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  echo "     $2 (pid $pid) stopped"
  rm -f "$1"
}

secret() {  # secret NAME: a random secret kept in .run/NAME
  [ -s "$state/$1" ] || (umask 077; head -c 18 /dev/urandom | base64 > "$state/$1")
  cat "$state/$1"
}

# os ARGS: the openstack CLI against this cloud, cut off after 120 s (the CLI can hang).
os() {
  local rc=0
  OS_CLOUD=neutrino OS_CLIENT_CONFIG_FILE="$state/clouds.yaml" timeout 120 openstack "$@" ||
    rc=$?
  [ "$rc" != 124 ] || echo "'openstack $1 $2' did not finish within 120 s" >&2
  return "$rc"
}

# api ARGS: scripts/cloud-api.py (bounded requests and waits, no CLI start-up) on this cloud.
api() {
  NEUTRINO_URL="http://$listen" NEUTRINO_ADMIN_PASSWORD=$(secret admin-password) \
    python3 scripts/cloud-api.py "$@"
}

# --- the steps -----------------------------------------------------------------------------

write_credentials() {
  local password
  password=$(secret admin-password)
  cat > "$state/openrc" <<RC
# source this file, then use the openstack CLI against the local Neutrino cloud
export OS_AUTH_URL=http://$listen/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$password
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
RC
  # .run/clouds.yaml, and the same entry merged into the user's clouds.yaml: other clouds
  # there are kept as they are.
  python3 - "$state/clouds.yaml" "$HOME/.config/openstack/clouds.yaml" "$listen" "$password" <<'PY'
import os, sys, yaml
own, user, listen, password = sys.argv[1:]
entry = {"auth": {"auth_url": "http://%s/v3" % listen, "username": "admin",
                  "password": password, "project_name": "admin",
                  "user_domain_name": "Default", "project_domain_name": "Default"},
         "region_name": "RegionOne", "interface": "public", "identity_api_version": 3}
for path, merge in ((own, False), (user, True)):
    data = {}
    if merge and os.path.exists(path):
        with open(path) as f:
            data = yaml.safe_load(f) or {}
    data.setdefault("clouds", {})["neutrino"] = entry
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        yaml.safe_dump(data, f, default_flow_style=False, sort_keys=False)
    os.replace(tmp, path)
PY
  echo "     .run/openrc, .run/clouds.yaml, ~/.config/openstack/clouds.yaml (cloud 'neutrino')"
}

start_ovs() {
  mkdir -p "$ovs"
  if pid_alive "$ovs/ovsdb-server.pid" ovsdb-server && \
     pid_alive "$ovs/ovs-vswitchd.pid" ovs-vswitchd; then
    echo "     running (ovsdb-server pid $(cat "$ovs/ovsdb-server.pid")," \
      "ovs-vswitchd pid $(cat "$ovs/ovs-vswitchd.pid"))"
    return
  fi
  export OVS_RUNDIR=$ovs OVS_DBDIR=$ovs OVS_LOGDIR=$ovs
  [ -f "$ovs/conf.db" ] || ovsdb-tool create "$ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  pid_alive "$ovs/ovsdb-server.pid" ovsdb-server || ovsdb-server "$ovs/conf.db" \
    --remote="punix:$ovs/db.sock" --pidfile="$ovs/ovsdb-server.pid" \
    --log-file="$ovs/ovsdb-server.log" -vconsole:off --detach 2>> "$ovs/startup.log"
  ovs-vsctl --db="unix:$ovs/db.sock" --no-wait -- init -- set Open_vSwitch . \
    "external_ids:system-id=$host" "external_ids:hostname=$host"
  # --disable-system: the userspace datapath (netdev), no kernel module needed
  pid_alive "$ovs/ovs-vswitchd.pid" ovs-vswitchd || ovs-vswitchd "unix:$ovs/db.sock" \
    --pidfile="$ovs/ovs-vswitchd.pid" --log-file="$ovs/ovs-vswitchd.log" -vconsole:off \
    --disable-system --detach 2>> "$ovs/startup.log"
  unset OVS_RUNDIR OVS_DBDIR OVS_LOGDIR
  echo "     ovsdb-server pid $(cat "$ovs/ovsdb-server.pid"), ovs-vswitchd pid" \
    "$(cat "$ovs/ovs-vswitchd.pid"), run dir .run/ovs"
}

start_libvirt() {
  NEUTRINO_OVS_RUNDIR=$ovs scripts/start-libvirt.sh "$state/libvirt" | sed 's/^/     /'
}

start_controller() {
  if pid_alive "$state/controller.pid" neutrino-contro; then
    echo "     running (pid $(cat "$state/controller.pid")) at http://$listen"
    return
  fi
  rm -f "$state/data/controller.url"
  NEUTRINO_ADMIN_PASSWORD=$(secret admin-password) NEUTRINO_AGENT_SECRET=$(secret agent-secret) \
    NEUTRINO_METADATA_SECRET=$(secret metadata-secret) \
    setsid build/bin/neutrino-controller --listen "$listen" --data-dir "$state/data" \
    --agent-listen "$agent_listen" --metadata-listen "$metadata_listen" \
    < /dev/null > "$state/controller.log" 2>&1 &
  echo $! > "$state/controller.pid"
  for _ in $(seq 300); do [ -f "$state/data/controller.url" ] && break; sleep 0.1; done
  if ! pid_alive "$state/controller.pid" neutrino-contro; then
    echo "neutrino-controller failed to start:" >&2
    tail -20 "$state/controller.log" >&2
    exit 1
  fi
  echo "     pid $(cat "$state/controller.pid") at http://$listen, log .run/controller.log"
}

start_agent() {
  if pid_alive "$state/agent.pid" neutrino-agent; then
    echo "     running (pid $(cat "$state/agent.pid"))"
    return
  fi
  mkdir -p "$state/agent" "$state/instances"
  NEUTRINO_AGENT_SECRET=$(secret agent-secret) NEUTRINO_METADATA_SECRET=$(secret metadata-secret) \
    setsid build/bin/neutrino-agent --controller "$agent_listen" --host "$host" \
    --tunnel-ip 127.0.0.1 --ovsdb "unix:$ovs/db.sock" --ovs-rundir "$ovs" \
    --datapath-type netdev --state-dir "$state/agent" --metadata-service "$metadata_listen" \
    --compute --virt-type "$virt_type" --image-service "http://$listen/image" \
    --instances-path "$state/instances" < /dev/null > "$state/agent.log" 2>&1 &
  echo $! > "$state/agent.pid"
  if ! api wait-compute-host "$host" 120; then
    echo "neutrino-agent did not come up as compute host '$host' within 120 s; its log:" >&2
    tail -20 "$state/agent.log" >&2
    exit 1
  fi
  echo "     pid $(cat "$state/agent.pid"), compute host '$host' ($virt_type), log .run/agent.log"
}

# Horizon (Debian's openstack-dashboard, docs/horizon.md); NEUTRINO_HORIZON=0 skips it.
start_horizon() {
  scripts/horizon.sh start | sed 's/^/     /'
}

# The dashboard's line of the closing message, when it runs.
dashboard_hint() {
  local url
  url=$(scripts/horizon.sh status 2>/dev/null | grep -o 'http://[^ ,]*' | head -n 1) || true
  if [ -n "$url" ]; then
    echo "Dashboard: $url  (domain Default, user admin, password $(secret admin-password))"
  else
    echo "Dashboard: not running (NEUTRINO_HORIZON=0, or see .run/horizon/horizon.log)"
  fi
}

upload_image() {
  if os image show neutrino-guest >/dev/null 2>&1; then
    echo "     neutrino-guest is there already"
    return
  fi
  local g=build/guest kernel ramdisk cmdline
  cmdline=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel_cmdline"])' \
    "$g/neutrino-guest.json")
  kernel=$(os image create -f value -c id --disk-format raw --container-format bare \
    --file "$g/neutrino-guest.vmlinux" neutrino-guest-kernel)
  ramdisk=$(os image create -f value -c id --disk-format raw --container-format bare \
    --file "$g/neutrino-guest.initramfs" neutrino-guest-ramdisk)
  os image create -f value -c id --disk-format qcow2 --container-format bare \
    --file "$g/neutrino-guest.qcow2" --property "kernel_id=$kernel" \
    --property "ramdisk_id=$ramdisk" --property "os_command_line=$cmdline" \
    neutrino-guest >/dev/null
  echo "     neutrino-guest (qcow2, 11 MiB) with its kernel (63 MiB) and ramdisk"
}

create_network() {
  if ! os network show demo-net >/dev/null 2>&1; then
    os network create demo-net >/dev/null
    os subnet create demo-subnet --network demo-net --subnet-range 10.10.0.0/24 \
      --allocation-pool start=10.10.0.10,end=10.10.0.99 >/dev/null
  fi
  if ! os keypair show demo-key >/dev/null 2>&1; then
    [ -f "$state/demo-key" ] || ssh-keygen -q -t ed25519 -N "" -C "demo@neutrino" \
      -f "$state/demo-key"
    os keypair create --public-key "$state/demo-key.pub" demo-key >/dev/null
  fi
  echo "     network demo-net, subnet 10.10.0.0/24, key pair demo-key (.run/demo-key)"
}

boot_guest() {
  local id t0 ms line up
  id=$(os server show "$vm" -f value -c id 2>/dev/null || true)
  if [ -n "$id" ]; then
    local status
    status=$(os server show "$vm" -f value -c status)
    echo "     $vm exists: $status"
    case "$status" in
      ACTIVE | BUILD) ;;
      *)
        echo "$vm is $status: start it (openstack server start $vm) or delete it" \
          "(openstack server delete $vm) and run ./run.sh again" >&2
        exit 1
        ;;
    esac
  else
    t0=$(date +%s%N)
    id=$(os server create --flavor m1.nano --image neutrino-guest --network demo-net \
      --key-name demo-key -f value -c id "$vm")
    echo "     $vm ($id) created, the guest boots (TCG: a minute or two on a busy machine)"
  fi
  # Bounded: a guest that never gets to its metadata is reported, with where to look. The
  # line is cirros's "successful after 1/20 tries: up 14.52. iid=i-00000001" (the guest's
  # uptime then: the TCG boot, kernel to DHCP, inside the total) or its failure.
  if ! line=$(api wait-console "$id" '^(successful after|failed to read iid).*' 600); then
    echo "$vm did not get to its metadata within 600 s; see 'openstack console log show" \
      "$vm', .run/agent.log and .run/instances/$id/console.log" >&2
    exit 1
  fi
  [ -n "${t0:-}" ] && ms=$((($(date +%s%N) - t0) / 1000000))
  if [[ $line != successful* ]]; then
    echo "$vm is up but could not read its metadata: $line (see .run/agent.log)" >&2
    exit 1
  fi
  api wait-console "$id" '^neutrino-guest: up .*' 60 >/dev/null
  [ -n "${t0:-}" ] || return 0
  up=$(echo "$line" | sed -n 's/.* up \([0-9.]*\)\..*/\1/p')
  echo "     metadata on the console $((ms / 1000)).$((ms % 1000 / 100)) s after server create;" \
    "the guest's own boot (TCG, its uptime then) ${up:-?} s of it"
}

show_guest() {
  os server list
  echo "--- openstack console log show $vm ---"
  os console log show "$vm" | tr -d '\r' | grep -v '^$' | tail -25
}

# The domains of this cloud: those whose disks are under .run/instances (virsh cut off after
# 20 s: a hung libvirtd must not hang the stop).
our_domains() {
  local d
  for d in $(timeout 20 virsh -c qemu:///system list --all --name 2>/dev/null); do
    if timeout 20 virsh -c qemu:///system dumpxml "$d" 2>/dev/null | grep -q "$state/instances/"
    then
      echo "$d"
    fi
  done
}

# Stops without the openstack CLI: servers are deleted through the API while the controller
# and the agent still run (bounded), then whatever is left is torn down from what .run/
# recorded: domains with disks under .run/instances, the DHCP namespaces of the networks
# the agent wired (.run/agent/local-vlans.json), processes by their PID files.
stop_all() {
  mkdir -p "$state"
  echo "Stopping the all-in-one cloud"
  if pid_alive "$state/controller.pid" neutrino-contro; then
    local deleted
    if deleted=$(api delete-servers 60); then
      echo "     servers deleted through the API: $deleted"
    else
      echo "     the API did not delete the servers; their domains are removed below"
    fi
    api network-ids > "$state/networks" 2>/dev/null || true
  fi
  stop_pid "$state/agent.pid" neutrino-agent
  scripts/horizon.sh stop | sed 's/^/     /'
  stop_pid "$state/controller.pid" neutrino-contro
  if [ -S /run/libvirt/libvirt-sock ]; then  # ours or not, only domains with our disks
    for d in $(our_domains); do
      timeout 20 virsh -c qemu:///system destroy "$d" >/dev/null 2>&1 || true
      if timeout 20 virsh -c qemu:///system undefine "$d" >/dev/null 2>&1; then
        echo "     domain $d removed"
      fi
    done
  fi
  scripts/stop-libvirt.sh "$state/libvirt" | sed 's/^/     /'
  # The DHCP namespaces of our networks (the agent keeps them across its restarts).
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' \
    "$state/agent/local-vlans.json" >> "$state/networks" 2>/dev/null || true
  if [ -f "$state/networks" ]; then
    sort -u "$state/networks" | while read -r net; do
      if ip netns delete "qdhcp-$net" 2>/dev/null; then echo "     namespace qdhcp-$net removed"; fi
    done
    rm -f "$state/networks"
  fi
  # The userspace datapath's bridges are persistent tap devices: deleting the bridges (while
  # ovs-vswitchd runs) removes them, stopping it would not.
  if pid_alive "$ovs/ovs-vswitchd.pid" ovs-vswitchd; then
    for br in $(ovs-vsctl --db="unix:$ovs/db.sock" --timeout=10 list-br 2>/dev/null); do
      ovs-vsctl --db="unix:$ovs/db.sock" --timeout=10 del-br "$br" && echo "     bridge $br removed"
    done
  fi
  stop_pid "$ovs/ovs-vswitchd.pid" ovs-vswitchd
  stop_pid "$ovs/ovsdb-server.pid" ovsdb-server
  rm -rf "$state/instances" "$ovs"
  echo "Stopped. The store stays in .run/data (images included); rm -rf .run to forget it."
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  exit 0
fi

mkdir -p "$state/data"
step "install the Debian packages (scripts/install-deps.sh)" scripts/install-deps.sh
step "build (scripts/build.sh), the guest image included" scripts/build.sh
step "credentials" write_credentials
step "Open vSwitch (userspace datapath)" start_ovs
step "libvirtd (scripts/start-libvirt.sh)" start_libvirt
step "neutrino-controller" start_controller
step "neutrino-agent --compute on this host" start_agent
step "dashboard hook" start_horizon
step "upload the guest image" upload_image
step "tenant network, subnet and key pair" create_network
step "boot $vm and wait for its metadata" boot_guest
step "what runs" show_guest
ms=$((($(date +%s%N) - started_at) / 1000000))

cat <<MSG

The cloud is up ($((ms / 1000)) s). Use it:
  1. export OS_CLOUD=neutrino              # ~/.config/openstack/clouds.yaml
     (or: source .run/openrc)
  2. openstack server list
  3. openstack console log show $vm
  4. openstack server create --flavor m1.nano --image neutrino-guest --network demo-net \\
       --key-name demo-key --wait vm2
  5. openstack server stop|start|reboot|delete vm2
Logs: .run/controller.log, .run/agent.log, .run/libvirt/libvirtd.log, .run/ovs/*.log
Stop everything: ./run.sh stop
MSG
dashboard_hint
