"""The bundled compute driver against real libvirt + QEMU (TCG here, KVM where usable), on
simulated hypervisors that each run their own libvirtd, virtlogd and Open vSwitch.

Each guest boots from a raw disk whose boot sector (written below, 30 bytes of x86 real-mode
code) prints a marker line on the serial port and halts: the test is about the driver (files,
domain, tap, power, console log), not about an OS, and it needs no download. SeaBIOS loads it
from the virtio disk, so the marker in console.log proves the disk, the serial console and
virtlogd work; every boot (power on, reset) adds one more marker.

Run as root:  NEUTRINO_BIN_DIR=build/bin python3 -m unittest -v test_compute_driver
"""

import json
import os
import subprocess
import time
import unittest

import multihost

# cli; xor ax,ax; mov ds,ax; mov si,msg; mov dx,0x3f8; next: lodsb; test al,al; jz halt;
# out dx,al; jmp next; halt: hlt; jmp halt; msg: ...
BOOT_CODE = bytes.fromhex("fa31c08ed8be167cbaf803ac84c07403eeebf8f4ebfd")
# the same, with msg at 0x7c21, then halt: mov dx,0x604; mov ax,0x2000; out dx,ax;
# mov dx,0xb004; out dx,ax: SLP_EN with S5 in PM1a_CNT, at the ACPI PM base of q35 and of
# the pc machine as SeaBIOS sets it up (whichever is not there ignores the write): the
# guest powers itself off, as `poweroff` in a guest does
POWER_OFF_CODE = bytes.fromhex("fa31c08ed8be217cbaf803ac84c07403eeebf8"
                               "ba0406b80020efba04b0eff4ebfd")
MARKER = b"neutrino-test-guest booted\r\n"


def boot_disk(path, size=1 << 20, power_off=False):
    """A raw disk whose boot sector prints MARKER, then halts (or powers the guest off)."""
    sector = (POWER_OFF_CODE if power_off else BOOT_CODE) + MARKER + b"\0"
    sector += b"\0" * (510 - len(sector)) + b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(sector)
        f.truncate(size)
    return path


def cli_argv(*args):
    return [os.path.join(multihost.bin_dir(), "neutrino-compute-cli"),
            "--virt-type", multihost.test_virt_type()] + [str(a) for a in args]


@unittest.skipUnless(os.geteuid() == 0, "needs root (namespaces, libvirtd)")
class ComputeDriverOnSimulatedHosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mh = multihost.MultiHost(2).start()
        try:
            cls.timings = {}
            for h in cls.mh.hosts:
                cls.timings["libvirt " + h.name] = h.start_libvirt()
                h.ensure_bridge("br-int")
            cls.disk = boot_disk(os.path.join(cls.mh.dir, "boot.raw"))
        except BaseException:
            cls.mh.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        qemus = [pid for h in cls.mh.hosts for pid in h.qemu_pids()]
        cls.mh.stop()
        left = [pid for pid in qemus if os.path.exists("/proc/%d" % pid)]
        assert not left, "QEMU processes survived the hosts: %s" % left
        print("\ntimings: %s" % {k: round(v, 2) for k, v in cls.timings.items()})

    # --- helpers ---------------------------------------------------------------------------

    def cli(self, host, *args, check=True, timeout=120):
        r = host.run(cli_argv(*args), check=False, timeout=timeout)
        if check and r.returncode != 0:
            self.fail("%s: neutrino-compute-cli %s failed:\n%s%s\nlibvirtd:\n%s"
                      % (host.name, " ".join(map(str, args)), r.stdout, r.stderr,
                         host.daemons["libvirtd"].log_text()[-3000:]))
        return json.loads(r.stdout) if r.stdout.strip() else None

    def spawn(self, host, n, port_id, mac):
        uuid = "00000000-0000-4000-8000-%012d" % n
        name = "instance-%08x" % n
        t0 = time.monotonic()
        self.cli(host, "spawn", "--instances", host.instances_path, "--uuid", uuid, "--name",
                 name, "--image", self.disk, "--memory-mb", 32, "--root-gb", 1,
                 "--port", "%s,%s,1450" % (port_id, mac))
        self.addCleanup(self.cli, host, "destroy", name, "--instances", host.instances_path,
                        "--uuid", uuid, check=False)
        return uuid, name, time.monotonic() - t0

    def state(self, host, name):
        return self.cli(host, "state", name)["power_state"]

    def wait_state(self, host, name, want, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            got = self.state(host, name)
            if got == want:
                return
            if time.monotonic() > deadline:
                self.fail("%s: %s is %s, not %s" % (host.name, name, got, want))
            time.sleep(0.1)

    def console_log(self, host, uuid):
        with open(os.path.join(host.instances_path, uuid, "console.log"), "rb") as f:
            return f.read()

    def wait_boots(self, host, uuid, count, timeout=60):
        """Seconds until console.log shows `count` boots."""
        t0 = time.monotonic()
        while self.console_log(host, uuid).count(MARKER.strip()) < count:
            if time.monotonic() - t0 > timeout:
                self.fail("%s: %d boot(s) not in console.log within %ss:\n%r"
                          % (host.name, count, timeout, self.console_log(host, uuid)[-2000:]))
            time.sleep(0.05)
        return time.monotonic() - t0

    def tap_of(self, port_id):
        return ("tap" + port_id)[:14]

    # --- tests -----------------------------------------------------------------------------

    def test_info_reports_qemu_and_the_virt_type_probed(self):
        info = self.cli(self.mh[0], "info")
        self.assertEqual(info["hypervisor_type"], "QEMU")
        self.assertGreater(info["hypervisor_version"], 5000000)
        self.assertIn(info["virt_type"], ("kvm", "qemu"))
        if multihost.test_virt_type() != "auto":
            self.assertEqual(info["virt_type"], multihost.test_virt_type())
        auto = json.loads(self.mh[0].run(
            [a if a != multihost.test_virt_type() else "auto" for a in cli_argv("info")]).stdout)
        # auto follows the KVM probe; where /dev/kvm opens, the probe times a tiny guest and
        # on a loaded machine with a nested KVM its verdict may differ from one run to the next
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            self.assertEqual(auto["virt_type"], "qemu")
        else:
            self.assertIn(auto["virt_type"], ("kvm", "qemu"))

    def test_lifecycle_files_tap_and_console(self):
        h = self.mh[0]
        port = "11111111-2222-4333-8444-555555555555"
        uuid, name, spawn_s = self.spawn(h, 1, port, "fa:16:3e:00:01:01")
        self.timings["spawn (images, files, define, start paused)"] = spawn_s
        # Nova's layout
        d = os.path.join(h.instances_path, uuid)
        self.assertEqual(sorted(os.listdir(d)), ["console.log", "disk", "disk.info", "libvirt.xml"])
        base = os.path.join(h.instances_path, "_base")
        self.assertEqual(len(os.listdir(base)), 1)
        info = json.loads(subprocess.run(
            ["qemu-img", "info", "--output=json", "-U", os.path.join(d, "disk")],
            capture_output=True, text=True, check=True).stdout)
        self.assertEqual(info["format"], "qcow2")
        self.assertEqual(info["backing-filename"], os.path.join(base, os.listdir(base)[0]))
        self.assertEqual(info["virtual-size"], 1 << 30)
        with open(os.path.join(d, "disk.info")) as f:
            self.assertEqual(json.load(f), {os.path.join(d, "disk"): "qcow2"})
        with open(os.path.join(d, "libvirt.xml")) as f:
            xml = f.read()
        self.assertIn("<parameters interfaceid='%s'/>" % port, xml)
        self.assertIn("<target dev='%s'/>" % self.tap_of(port), xml)
        # started paused: the tap is in br-int, with the port id, and no guest code ran
        self.assertEqual(self.state(h, name), "paused")
        self.assertIn(self.tap_of(port), h.vsctl("list-ports", "br-int").split())
        self.assertEqual(h.vsctl("get", "Interface", self.tap_of(port), "external_ids:iface-id"),
                         '"%s"' % port)
        self.assertEqual(h.vsctl("get", "Interface", self.tap_of(port), "mtu"), "1450")
        self.assertNotIn(MARKER, self.console_log(h, uuid))
        t0 = time.monotonic()
        self.cli(h, "resume", name)
        self.wait_state(h, name, "running")
        self.timings["resume -> first console line"] = self.wait_boots(h, uuid, 1) + (
            time.monotonic() - t0) * 0
        # power off: this guest ignores ACPI, so the driver destroys it after the timeout
        t0 = time.monotonic()
        self.cli(h, "power-off", name, "--timeout", 2)
        took = time.monotonic() - t0
        self.assertEqual(self.state(h, name), "shutdown")
        self.assertGreaterEqual(took, 2.0)
        self.timings["power off (2 s ACPI timeout, then destroy)"] = took
        self.assertNotIn(self.tap_of(port), h.vsctl("list-ports", "br-int").split())
        t0 = time.monotonic()
        self.cli(h, "power-on", name)
        self.wait_state(h, name, "running")
        self.wait_boots(h, uuid, 2)
        self.timings["power on -> console line"] = time.monotonic() - t0
        self.assertIn(self.tap_of(port), h.vsctl("list-ports", "br-int").split())
        self.cli(h, "reboot", name, "--hard")
        self.wait_boots(h, uuid, 3)
        self.cli(h, "reboot", name)  # soft: ACPI request, which this guest ignores
        self.assertEqual(self.state(h, name), "running")
        out = self.cli(h, "console", name)["output"]
        self.assertEqual(out.count(MARKER.strip().decode()), 3)
        self.cli(h, "destroy", name, "--instances", h.instances_path, "--uuid", uuid)
        self.assertEqual(self.state(h, name), "absent")
        self.assertFalse(os.path.exists(d))
        self.assertNotIn(self.tap_of(port), h.vsctl("list-ports", "br-int").split())
        self.assertFalse(h.link_exists(self.tap_of(port)))

    def test_taps_land_in_their_own_hosts_br_int(self):
        h1, h2 = self.mh.hosts
        p1 = "aaaaaaaa-0001-4000-8000-000000000001"
        p2 = "bbbbbbbb-0002-4000-8000-000000000002"
        u1, n1, _ = self.spawn(h1, 11, p1, "fa:16:3e:00:0b:01")
        u2, n2, _ = self.spawn(h2, 12, p2, "fa:16:3e:00:0b:02")
        self.assertIn(self.tap_of(p1), h1.vsctl("list-ports", "br-int").split())
        self.assertIn(self.tap_of(p2), h2.vsctl("list-ports", "br-int").split())
        self.assertNotIn(self.tap_of(p2), h1.vsctl("list-ports", "br-int").split())
        self.assertNotIn(self.tap_of(p1), h2.vsctl("list-ports", "br-int").split())
        self.assertTrue(h1.link_exists(self.tap_of(p1)))
        self.assertFalse(h1.link_exists(self.tap_of(p2)))
        self.assertFalse(h2.link_exists(self.tap_of(p1)))
        machine = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        self.assertNotIn(self.tap_of(p1), machine)
        self.assertNotIn(self.tap_of(p2), machine)
        # each host's libvirt knows only its own guest
        listed = self.cli(h1, "list")
        self.assertEqual([d["name"] for d in listed], [n1])
        self.assertEqual((listed[0]["vcpus"], listed[0]["memory_mb"]), (1, 32))
        self.assertEqual([d["name"] for d in self.cli(h2, "list")], [n2])
        self.assertEqual(len(h1.qemu_pids()), 1)
        self.assertEqual(len(h2.qemu_pids()), 1)
        for h, u, n in ((h1, u1, n1), (h2, u2, n2)):
            self.cli(h, "resume", n)
            self.wait_boots(h, u, 1)

    def test_guest_survives_a_libvirtd_crash_and_the_driver_reconnects(self):
        h = self.mh[0]
        port = "cccccccc-0003-4000-8000-000000000003"
        uuid, name, _ = self.spawn(h, 21, port, "fa:16:3e:00:0c:03")
        self.cli(h, "resume", name)
        self.wait_boots(h, uuid, 1)
        qemu = h.qemu_pids()
        self.assertEqual(len(qemu), 1)
        watcher = h.popen(cli_argv("watch", name, "--seconds", 40), stdout=subprocess.PIPE,
                          text=True)
        self.addCleanup(multihost._end_process, watcher)
        first = multihost._read_line(watcher.stdout, time.monotonic() + 30)
        self.assertEqual(json.loads(first or "null"), {"state": "running"})
        down = h.restart_libvirtd(kill=True)
        self.timings["libvirtd restart after kill -9"] = down
        self.assertEqual(h.qemu_pids(), qemu, "the guest keeps running without libvirtd")
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = multihost._read_line(watcher.stdout, deadline)
            if line is None:
                break
            seen.append(json.loads(line))
            states = [e["state"] for e in seen if "state" in e]
            if {"event": "reconnected"} in seen and (not states or states[-1] == "running"):
                break
        self.assertIn({"event": "reconnected"}, seen)
        states = [e["state"] for e in seen if "state" in e]
        self.assertTrue(not states or states[-1] == "running", seen)
        self.assertEqual(self.state(h, name), "running")


if __name__ == "__main__":
    unittest.main()
