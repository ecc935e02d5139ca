#!/usr/bin/env bash
# Installs the Debian 12 packages Neutrino needs to build, test and run. Idempotent: it asks
# apt only when a package is missing, so a warm machine pays nothing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format ccache
  # libraries
  libboost-dev libboost-system-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # linear-time regular expressions for tenants' filters (Nova's name=<regex>)
  libre2-dev
  # the agent: Open vSwitch (daemons, and the source libopenvswitch is built from), netlink
  openvswitch-switch openvswitch-source libnl-3-dev libnl-route-3-dev python3
  # libopenvswitch is built from openvswitch-source with its autotools Makefile
  # (cmake/openvswitch.cmake); cmake only recommends make, and --no-install-recommends skips it
  make
  # tools the tests drive as a user would
  # the PostgreSQL store's tests start their own server (initdb, pg_ctl) in a temporary dir
  postgresql
  sqlite3 curl python3-openstackclient procps iproute2 nftables tcpdump busybox
  isc-dhcp-client ethtool iputils-ping
  # allowed address pairs: two guests share a virtual IP with VRRP, announced by ARP
  keepalived iputils-arping
  # the test guest (compute/guest-image/): its kernel and busybox-static are .deb files the
  # build downloads and unpacks, never installs (busybox-static would replace busybox);
  # these are the tools that turn them into an initramfs and a BIOS-bootable disk, and QEMU
  cpio kmod binutils xz-utils fdisk dosfstools mtools syslinux syslinux-common
  # the compute driver: libvirt's C API and daemons, QEMU (KVM where usable, else TCG), qemu-img
  libvirt-dev libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
  # ./run.sh and the compute tests: virsh, ssh-keygen for key pairs, clouds.yaml merging
  libvirt-clients openssh-client python3-yaml
  # the Tempest tier (tests/tempest): Neutron's own API tests, run as a user would
  tempest neutron-tempest-plugin python3-stestr
  # neutrino-pktbench: DPDK's headers, libraries and libdpdk.pc, and the two vdev drivers it
  # opens Linux interfaces with (shared-library plugins the EAL loads from pmds-23.0/)
  libdpdk-dev librte-net-af-packet23 librte-net-af-xdp23
  # the service benchmarks (bench/dhcp_compare_bench.py): dnsmasq, configured as Neutron's
  # DHCP agent configures it, beside our DHCP server
  dnsmasq-base
  # the DHCP packet fuzzer (dhcp/fuzz): clang++ with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # the dashboard (scripts/horizon.sh): Debian's Horizon, served by gunicorn (pure Python, no
  # Apache, a PID file to stop it by) with WhiteNoise for its static files; the browser the
  # dashboard tests drive through Selenium
  openstack-dashboard python3-gunicorn python3-whitenoise chromium chromium-driver
  python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# libvirt's QEMU driver refuses to start when its compiled-in default user is missing, even
# with user = "root" in qemu.conf; Debian creates it in libvirt-daemon-system, which needs
# systemd, so it is created here (a system account without a login, as that package does).
if ! getent passwd libvirt-qemu >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO useradd --system --user-group --no-create-home --home-dir /var/lib/libvirt \
    --shell /usr/sbin/nologin --comment "Libvirt Qemu" libvirt-qemu
fi
