#!/usr/bin/python3
"""Boot times of the guest image under QEMU (TCG here), per boot path: seconds from QEMU's
start to the guest's init, its DHCP lease, its first metadata answer (instance-id) and its
"up" line (all metadata read, meta_data.json and user data included), and the CPU time QEMU
used until then (which the machine's load barely moves; the wall clock it moves a lot).

    bench/guest_boot_times.py [--runs N] [VARIANT ...]     (root; after the build)

Variants: direct (vmlinux + initramfs as built), direct-gz (vmlinux + the initramfs
gzip-compressed here), bzimage, bzimage-gz (Debian's compressed kernel), verbose (direct
without `quiet`), disk (BIOS, syslinux, the disk image alone). Each boot runs in a
guest_lab.GuestLab (a private namespace with a DHCP and a metadata server), one at a time,
the variants in turn.
"""

import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import guest_lab  # noqa: E402

MARKS = [("init", r"neutrino-guest: booting"), ("lease", r"lease: \S+/"),
         ("iid", r"instance-id: "), ("up", r"neutrino-guest: up")]
VARIANTS = ["direct", "direct-gz", "bzimage", "bzimage-gz", "verbose", "disk"]


def boot_once(image, variant, gz_initramfs):
    path = {"bzimage": "direct-bzimage", "bzimage-gz": "direct-bzimage",
            "disk": "disk"}.get(variant, "direct")
    initramfs = gz_initramfs if variant.endswith("-gz") else None
    cmdline = image.kernel_cmdline.replace("quiet", "").strip() if variant == "verbose" else None
    with guest_lab.GuestLab() as lab:
        vm = lab.boot(image, path, cmdline=cmdline, initramfs=initramfs)
        wall, cpu = {}, {}
        for name, pattern in MARKS:
            _, wall[name] = vm.wait_for(pattern, timeout=240)
            cpu[name] = vm.cpu_seconds()
        return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("variants", nargs="*", default=VARIANTS)
    args = parser.parse_args()
    image = guest_lab.GuestImage()
    tmp = tempfile.mkdtemp(prefix="neutrino-guest-bench-")
    try:
        gz_initramfs = os.path.join(tmp, "initramfs.gz")
        with open(image.path("initramfs"), "rb") as src, gzip.open(gz_initramfs, "wb", 9) as dst:
            shutil.copyfileobj(src, dst)
        print("initramfs %d bytes, gzip -9 %d bytes; vmlinux %d, vmlinuz %d; load %s" % (
            image.size("initramfs"), os.path.getsize(gz_initramfs), image.size("vmlinux"),
            image.size("vmlinuz"), " ".join(open("/proc/loadavg").read().split()[:3])))
        # Round robin, so that every variant sees the same share of the machine's (changing) load.
        runs = {variant: [] for variant in args.variants}
        for _ in range(args.runs):
            for variant in args.variants:
                runs[variant].append(boot_once(image, variant, gz_initramfs))
        for index, title in enumerate(["seconds from QEMU's start", "QEMU's CPU seconds"]):
            print("%s, median of %d runs taken in turn" % (title, args.runs))
            print("%-11s %s" % ("variant", "".join("%10s" % name for name, _ in MARKS)))
            for variant in args.variants:
                median = {name: statistics.median(run[index][name] for run in runs[variant])
                          for name, _ in MARKS}
                print("%-11s %s" % (variant, "".join("%10.1f" % median[name]
                                                     for name, _ in MARKS)))
        print("load %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
