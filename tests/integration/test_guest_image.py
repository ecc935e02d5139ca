"""The test guest the build makes (compute/guest-image/, build/guest/) boots under QEMU (TCG)
both ways the compute driver uses it: direct kernel boot (vmlinux + initramfs, the image's
kernel_id/ramdisk_id) and the disk image alone from BIOS (a plain Glance image). On each, the
guest must take its address by DHCP (MTU and the classless route to 169.254.169.254
applied), read its metadata as cirros does and OpenStack's meta_data.json and user data as
cloud-init does, print them on the serial console (hostile bytes filtered out), answer ping,
reboot when told to, and power off on the ACPI power button (libvirt's graceful shutdown).

The network side is guest_lab.GuestLab: a private namespace with busybox udhcpd and a small
metadata server on 169.254.169.254, nothing of Neutrino. Run as root:
    cd tests/integration && python3 -m unittest -v test_guest_image
Takes about 1.5 minutes on the shared 2-core machine; the boot timings are printed.
"""

import json
import os
import re
import sys
import unittest

import guest_lab

CHECKING = "checking http://169.254.169.254/2009-04-04/instance-id"
EC2_PATHS = ["/2009-04-04/meta-data/instance-id", "/2009-04-04/meta-data/hostname",
             "/2009-04-04/meta-data/public-keys/0/openssh-key"]
OPENSTACK_PATHS = ["/openstack/latest/meta_data.json", "/openstack/latest/user_data"]
# Tabs, a CR, an escape sequence and a byte outside ASCII: the console shows none of them raw.
USER_DATA = "#cloud-config\r\nruncmd:\n\t- echo \x1b[31mhello\u00e9\nlast line, no newline"
USER_DATA_SHOWN = ["#cloud-config", "runcmd:", " - echo [31mhello", "last line, no newline"]


class GuestImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root: network namespaces and a tap device")
        cls.image = guest_lab.GuestImage()

    def start_lab(self, user_data=None):
        self.lab = guest_lab.GuestLab(user_data=user_data).start()
        self.addCleanup(self.lab.stop)

    def report(self, label, timings):
        print("\n  %s: %s (seconds from QEMU's start)" % (
            label, ", ".join("%s %.1f" % item for item in timings.items())), file=sys.stderr)

    def assert_boots(self, vm, after=0):
        """Waits for one full boot (from console offset `after`) and checks what the guest
        printed; returns (guest address, timings, console offset past the boot)."""
        timings = {}
        _, timings["init"] = vm.wait_for(r"neutrino-guest: booting", 150, after)
        lease, timings["lease"] = vm.wait_for(
            r"lease: (\S+)/24 on eth0 from 10\.77\.0\.1, router 10\.77\.0\.254, mtu (\d+)",
            60, after)
        self.assertEqual("1400", lease.group(2), "option 26 (MTU) not applied")
        vm.wait_for(r"route: 169\.254\.169\.254 via 10\.77\.0\.2 dev eth0", 10, after)
        vm.wait_for(re.escape(CHECKING), 30, after)
        metadata = self.lab.metadata
        vm.wait_for(r"instance-id: %s\r?\n" % re.escape(metadata["instance-id"]), 60, after)
        vm.wait_for(r"hostname: %s\r?\n" % re.escape(metadata["hostname"]), 30, after)
        vm.wait_for(r"public-key: %s\r?\n" % re.escape(metadata["public-key"]), 30, after)
        shown, timings["metadata"] = vm.wait_for(r"meta_data.json: (\{.*\})\r?\n", 30, after)
        self.assertEqual(metadata["meta_data.json"], json.loads(shown.group(1)))
        if self.lab.user_data is None:
            vm.wait_for(r"user-data: none\r?\n", 30, after)
        else:
            vm.wait_for(r"user-data: %d bytes\r?\n" % len(self.lab.user_data.encode()), 30,
                        after)
        up, timings["up"] = vm.wait_for(r"neutrino-guest: up .*, (\S+), (\S+)/24", 30, after)
        self.assertEqual(metadata["hostname"].split(".")[0], up.group(1), "hostname not set")
        self.assertEqual(lease.group(1), up.group(2))
        if self.lab.user_data is not None:
            console = vm.console()[after:up.start()]
            self.assertEqual(USER_DATA_SHOWN,
                             re.findall(r"user-data> (.*?)\r?\n", console))
        self.assertTrue(self.lab.ping(lease.group(1)), "the guest does not answer ping")
        return lease.group(1), timings, up.end()

    def assert_powers_off(self, vm):
        vm.qmp("system_powerdown")
        self.assertEqual(0, vm.wait_exit(60), "QEMU still runs 60 s after the power button:\n"
                         + vm.console())
        console = vm.console()
        self.assertIn("neutrino-guest: power button pressed", console)
        self.assertIn("reboot: Power down", console)

    def test_direct_kernel_boot_reboot_and_acpi_poweroff(self):
        self.start_lab(user_data=USER_DATA)
        vm = self.lab.boot(self.image, "direct")
        address, timings, offset = self.assert_boots(vm)
        self.report("direct kernel (vmlinux + initramfs)", timings)
        self.assertEqual(EC2_PATHS + OPENSTACK_PATHS, self.lab.metadata_requests())

        # `reboot` typed on the serial console's shell: QEMU resets and the guest boots again.
        vm.wait_for(r"Please press Enter to activate this console", 10)
        vm.type("\n")
        vm.wait_for(r"# ", 30, offset)
        vm.type("reboot\n")
        vm.wait_for(r"reboot: Restarting system", 60, offset)
        again, timings, _ = self.assert_boots(vm, offset)
        self.report("after reboot", timings)
        self.assertEqual(address, again)

        self.assert_powers_off(vm)

    def test_disk_image_boots_alone_and_powers_off(self):
        self.start_lab()  # no user data: a 404 the guest reports once, without retrying
        vm = self.lab.boot(self.image, "disk")
        _, timings, _ = self.assert_boots(vm)
        self.report("disk image (BIOS, syslinux, bzImage)", timings)
        self.assertEqual(EC2_PATHS + OPENSTACK_PATHS, self.lab.metadata_requests())
        self.assertIn("SYSLINUX", vm.console())
        self.assert_powers_off(vm)


if __name__ == "__main__":
    unittest.main()
