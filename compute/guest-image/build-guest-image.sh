#!/usr/bin/env bash
# Builds the small test guest from Debian 12 packages only (see docs/guest-image.md):
#   OUT/neutrino-guest.vmlinux     uncompressed kernel for direct boot (ELF with a PVH entry)
#   OUT/neutrino-guest.vmlinuz     the same kernel as Debian ships it (bzImage)
#   OUT/neutrino-guest.initramfs   busybox, the virtio/ACPI modules and the init (cpio)
#   OUT/neutrino-guest.raw         a BIOS-bootable disk: MBR, one FAT partition, syslinux
#   OUT/neutrino-guest.qcow2       the same disk as qcow2
#   OUT/neutrino-guest.json        kernel version, command line, file names and sizes
#
# Usage: build-guest-image.sh OUT_DIR
# The .deb files are cached in $NEUTRINO_DEB_CACHE (default ~/.cache/neutrino/debs), so a
# rebuild never downloads again; empty the cache to pick up a newer Debian kernel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: $0 OUT_DIR}
cache=${NEUTRINO_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neutrino/debs}
work=$out/work

# What the guest runs with; the driver passes the same line for direct kernel boot (the
# image's os_command_line). quiet: the console log shows the guest's lines, not the kernel's
# (no measurable effect on boot time, bench/guest_boot_times.py); cryptomgr.notests:
# the crypto self-tests are the longest step of the kernel's boot there (2.7 s of about 10).
cmdline="console=ttyS0 quiet cryptomgr.notests"
# Kernel modules the init loads, relative to lib/modules/<version>/kernel. Debian builds these
# as modules, not into the kernel; every dependency must be listed too (checked below).
modules=(
  drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko drivers/virtio/virtio_pci.ko
  drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko
  drivers/net/virtio_net.ko drivers/net/net_failover.ko net/core/failover.ko
  drivers/block/virtio_blk.ko
  drivers/acpi/button.ko drivers/input/evdev.ko
)
disk_mib=24  # the FAT partition; the disk adds 1 MiB in front of it for the MBR

step() { echo "guest-image: $*"; }

# ---- .deb files: from the cache, else `apt-get download` (with one `apt-get update` if apt's
# lists are missing or stale)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
apt_opts=()
# As root, apt downloads as the _apt user, who cannot write to a cache under ~root.
[ "$(id -u)" -eq 0 ] && apt_opts=(-o APT::Sandbox::User=root)
apt_updated=false

apt_update_once() {
  $apt_updated && return 1
  step "apt-get update (apt's package lists are missing or stale)"
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  apt_updated=true
}

# cached_deb NAME_GLOB: the newest cached .deb whose name matches, or nothing.
cached_deb() {
  find "$cache" -maxdepth 1 -name "$1_*.deb" -printf '%f\n' 2>/dev/null | sort -V | tail -n 1
}

# kernel_package: linux-image-amd64 is a metapackage; its dependency is the real kernel.
kernel_package() {
  apt-cache depends --important linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

# download_deb NAME: apt-get download into a scratch directory first, so that an interrupted
# download never leaves a truncated .deb in the cache.
download_deb() {
  local scratch
  scratch=$(mktemp -d "$cache/.download.XXXXXX")
  if (cd "$scratch" && apt-get download -q "${apt_opts[@]}" "$1" >&2); then
    mv "$scratch"/*.deb "$cache/"
    rmdir "$scratch"
  else
    rm -rf "$scratch"
    return 1
  fi
}

# fetch_deb NAME_GLOB RESOLVER: prints the cached .deb's path, downloading it first if needed.
fetch_deb() {
  local glob=$1 resolver=$2 name deb
  deb=$(cached_deb "$glob")
  while [ -z "$deb" ]; do
    name=$($resolver)
    if [ -n "$name" ] && download_deb "$name"; then
      deb=$(cached_deb "$glob")
      [ -n "$deb" ] || { echo "guest-image: $name downloaded but not found in $cache" >&2; exit 1; }
    elif ! apt_update_once >&2; then
      echo "guest-image: cannot download ${name:-$glob} with apt-get" >&2
      exit 1
    fi
  done
  echo "$cache/$deb"
}

mkdir -p "$cache"
# Several build trees (worktrees, CI) may fill the same cache at once.
exec 9>"$cache/.lock"
flock 9
kernel_deb=$(fetch_deb 'linux-image-[0-9]*-amd64' kernel_package)
busybox_deb=$(fetch_deb busybox-static 'echo busybox-static')
flock -u 9
step "kernel from ${kernel_deb##*/}, busybox from ${busybox_deb##*/}"

rm -rf "$work"
mkdir -p "$work/kernel" "$work/busybox" "$work/rootfs"

# ---- kernel: only /boot and the modules we need leave the package
step "extracting the kernel and its modules"
dpkg-deb --fsys-tarfile "$kernel_deb" |
  tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*' './boot/config-*' \
    './lib/modules/*/modules.builtin' './lib/modules/*/modules.builtin.modinfo' \
    "${modules[@]/#/./lib/modules/*/kernel/}"
kernel_version=$(basename "$(find "$work/kernel/lib/modules" -mindepth 1 -maxdepth 1)")
vmlinuz=$work/kernel/boot/vmlinuz-$kernel_version

# vmlinux: the bzImage's payload (offsets from its setup header, Documentation/x86/boot.rst)
# is the xz-compressed ELF kernel, which QEMU boots directly through its PVH entry note.
header_u32() { od -An -t u4 -j "$1" -N 4 "$vmlinuz" | tr -d ' '; }
setup_sectors=$(od -An -t u1 -j $((0x1f1)) -N 1 "$vmlinuz" | tr -d ' ')
[ "$setup_sectors" -ne 0 ] || setup_sectors=4 # 0 means 4, says the boot protocol
payload_offset=$(($(header_u32 $((0x248))) + (setup_sectors + 1) * 512))
payload_length=$(header_u32 $((0x24c)))
step "vmlinux from the bzImage's xz payload ($payload_length bytes at $payload_offset)"
dd if="$vmlinuz" iflag=skip_bytes,count_bytes skip="$payload_offset" count="$payload_length" \
  bs=1M status=none | xz -dc --single-stream >"$work/vmlinux"
[[ $(readelf -n "$work/vmlinux") == *"Unknown note type: (0x00000012)"* ]] ||
  { echo "guest-image: vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)" >&2; exit 1; }

# ---- root file system of the initramfs
step "assembling the initramfs for $kernel_version"
rootfs=$work/rootfs
dpkg-deb -x "$busybox_deb" "$work/busybox"
busybox=$work/busybox/bin/busybox
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root,etc,var/log}
cp "$busybox" "$rootfs/bin/busybox"
# One symlink per applet, where busybox says it belongs (bin/sh, sbin/init, usr/bin/wget...).
"$busybox" --list-full | while read -r applet; do
  [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
done
cp -a "$here/rootfs/." "$rootfs/"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"

module_dir=$rootfs/lib/modules/$kernel_version
mkdir -p "$module_dir"
cp "$work/kernel/lib/modules/$kernel_version"/modules.{builtin,builtin.modinfo} "$module_dir/"
printf 'kernel/%s\n' "${modules[@]}" >"$module_dir/modules.order"
for module in "${modules[@]}"; do
  install -D -m 644 "$work/kernel/lib/modules/$kernel_version/kernel/$module" \
    "$module_dir/kernel/$module"
done
for module in "${modules[@]}"; do
  for dependency in $(modinfo -F depends "$module_dir/kernel/$module" | tr , ' '); do
    [ -n "$(find "$module_dir/kernel" -name "$dependency.ko")" ] || {
      echo "guest-image: $module needs $dependency.ko: add it to modules in $0" >&2
      exit 1
    }
  done
done
depmod -b "$rootfs" "$kernel_version"

initramfs=$work/initramfs.cpio
(cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort |
  cpio --quiet -o -H newc -R 0:0 --reproducible) >"$initramfs"

# ---- the BIOS disk: MBR (syslinux's mbr.bin) + one FAT partition at 1 MiB with syslinux,
# the bzImage and the initramfs. Built in plain files, no loop devices or mounts.
step "building the disk image"
export MTOOLS_SKIP_CHECK=1
part=$work/partition.fat
cat >"$work/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT neutrino
PROMPT 0
TIMEOUT 0
LABEL neutrino
  KERNEL /vmlinuz
  INITRD /initrd
  APPEND $cmdline
EOF
truncate -s "${disk_mib}M" "$part"
# -h: sectors before the partition, which syslinux's boot sector adds to find its files.
mkfs.fat -F 16 -n NEUTRINO -i 4e657574 -h 2048 "$part" >/dev/null
mcopy -i "$part" "$vmlinuz" ::/vmlinuz
mcopy -i "$part" "$initramfs" ::/initrd
mcopy -i "$part" "$work/syslinux.cfg" ::/syslinux.cfg
syslinux --install "$part"
disk=$work/disk.raw
truncate -s $((disk_mib + 1))M "$disk"
printf 'label: dos\nlabel-id: 0x4e657574\nstart=2048, type=6, bootable\n' | sfdisk --quiet "$disk"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$part" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none

# ---- outputs: staged side by side, then moved into place, so that an interrupted build never
# leaves a new file beside stale ones
step "writing $out"
staged=$work/out
mkdir -p "$staged"
cp "$work/vmlinux" "$staged/neutrino-guest.vmlinux"
cp "$vmlinuz" "$staged/neutrino-guest.vmlinuz"
cp "$initramfs" "$staged/neutrino-guest.initramfs"
cp --sparse=always "$disk" "$staged/neutrino-guest.raw"
qemu-img convert -f raw -O qcow2 "$disk" "$staged/neutrino-guest.qcow2"
size() { stat -c %s "$staged/$1"; }
cat >"$staged/neutrino-guest.json" <<EOF
{
  "kernel_version": "$kernel_version",
  "kernel_deb": "${kernel_deb##*/}",
  "busybox_deb": "${busybox_deb##*/}",
  "kernel_cmdline": "$cmdline",
  "files": {
    "vmlinux": {"name": "neutrino-guest.vmlinux", "size": $(size neutrino-guest.vmlinux)},
    "vmlinuz": {"name": "neutrino-guest.vmlinuz", "size": $(size neutrino-guest.vmlinuz)},
    "initramfs": {"name": "neutrino-guest.initramfs", "size": $(size neutrino-guest.initramfs)},
    "raw": {"name": "neutrino-guest.raw", "size": $(size neutrino-guest.raw)},
    "qcow2": {"name": "neutrino-guest.qcow2", "size": $(size neutrino-guest.qcow2)}
  }
}
EOF
mv "$staged"/neutrino-guest.* "$out/"
rm -rf "$work"
step "done: $(cd "$out" && du -h --apparent-size neutrino-guest.* | tr '\t' ' ' | paste -sd, -)"
