"""The agent's compute part end to end on a simulated hypervisor with its own libvirtd, QEMU
and Open vSwitch: the agent gets an instance in its desired state (compute contract §2) from
channel_peer (the controller's side of the channel, played by the test until the controller
pushes instances), downloads the image with its signature (§3), builds the instance in
Nova's layout, plugs the tap into br-int, resumes the guest only after the port's ack (§6),
reports power state (§4), answers console log requests (§5), stops, starts, reboots, keeps
the guest through a libvirtd crash and an agent restart, and deletes it. A guest that powers
itself off is reported shutdown and left off; an image failing its checksum is an error with
a fault, and leaves nothing behind.

The guests boot from a boot sector that prints a marker on the serial port
(test_compute_driver.boot_disk), so each boot shows in console.log.

Run as root:  NEUTRINO_BIN_DIR=build/bin python3 -m unittest -v test_compute_agent  (~30 s)
"""

import hashlib

import os
import time
import unittest

import channel_peer
import multihost
from test_compute_driver import MARKER, boot_disk

SECRET = "compute-agent-secret"
NET = "5a1e0000-0000-4000-8000-000000000001"
SUBNET = "5b1e0000-0000-4000-8000-000000000001"
PORT = "7a1e0000-0000-4000-8000-000000000001"
INSTANCE = "9c1e0000-0000-4000-8000-000000000001"
DOMAIN = "instance-0000002a"
IMAGE = "1d1e0000-0000-4000-8000-000000000001"
# a guest that powers itself off once booted
OFF_PORT = "7a1e0000-0000-4000-8000-000000000002"
OFF_INSTANCE = "9c1e0000-0000-4000-8000-000000000002"
OFF_IMAGE = "1d1e0000-0000-4000-8000-000000000002"
# an instance whose image does not match its checksum
BAD_PORT = "7a1e0003-0000-4000-8000-000000000003"  # a tap name of its own
BAD_INSTANCE = "9c1e0000-0000-4000-8000-000000000003"
BAD_IMAGE = "1d1e0000-0000-4000-8000-000000000003"


@unittest.skipUnless(os.geteuid() == 0, "needs root (namespaces, libvirtd)")
class ComputeAgent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.peer = channel_peer.ChannelPeer(SECRET).start()
        cls.images = channel_peer.ImageServer(SECRET).start()
        cls.mh = multihost.MultiHost(1)
        try:
            cls.mh.start()
            cls.host = cls.mh[0]
            cls.host.start_libvirt()
            relay = cls.mh.forward(cls.peer.port)
            image_relay = cls.mh.forward(cls.images.port)
            disk = boot_disk(os.path.join(cls.mh.dir, "boot.raw"))
            with open(disk, "rb") as f:
                cls.image = cls.images.add(IMAGE, f.read())
            with open(boot_disk(os.path.join(cls.mh.dir, "off.raw"), power_off=True),
                      "rb") as f:
                cls.off_image = cls.images.add(OFF_IMAGE, f.read())
            cls.bad_image = dict(cls.images.add(BAD_IMAGE, b"\0" * 65536),
                                 os_hash_value=hashlib.sha512(b"another image").hexdigest())
            cls.image_service = "http://%s/image" % image_relay.hostport
            cls.agent = cls.host.start_agent(relay.hostport, extra=[
                "--agent-secret", SECRET] + cls.host.compute_argv(cls.image_service))
            deadline = time.monotonic() + 30
            while not cls.peer.hellos:
                if time.monotonic() > deadline or not cls.agent.running:
                    raise RuntimeError("agent did not connect:\n" + cls.agent.log_text()[-3000:])
                time.sleep(0.05)
        except BaseException:
            cls.mh.stop()
            cls.peer.stop()
            cls.images.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        qemus = cls.mh[0].qemu_pids() if cls.mh.hosts else []
        cls.mh.stop()
        cls.peer.stop()
        cls.images.stop()
        left = [pid for pid in qemus if os.path.exists("/proc/%d" % pid)]
        assert not left, "QEMU processes survived the host: %s" % left

    def setUp(self):
        self.addCleanup(self.dump_log_on_failure)

    def dump_log_on_failure(self):
        if self.has_failed():
            print(self.agent.log_text()[-6000:])

    def has_failed(self):
        """Whether this test failed or erred so far. Python 3.11's _Outcome has no `errors`;
        its result already holds the test's failure when the cleanups run."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        return result is not None and any(
            test is self for test, _ in result.failures + result.errors)

    # --- state -------------------------------------------------------------------------------

    def instance(self, **changes):
        obj = {"id": INSTANCE, "name": DOMAIN, "hostname": "vm1", "project_id": "p1",
               "vcpus": 1, "memory_mb": 32, "root_gb": 1, "ephemeral_gb": 0,
               "image": self.image, "kernel": None, "ramdisk": None, "kernel_cmdline": None,
               "ports": [{"id": PORT, "mac_address": "fa:16:3e:2a:00:01", "network_id": NET,
                          "mtu": 1450}],
               "power": "running", "reboot_count": 0, "reboot_type": "SOFT",
               "start_count": 0}
        obj.update(changes)
        return obj

    def other_instance(self, instance_id, number, port, image):
        return self.instance(id=instance_id, name="instance-%08x" % number,
                             hostname="vm%d" % number, image=image,
                             ports=[{"id": port, "mac_address": "fa:16:3e:2a:00:%02x" % number,
                                     "network_id": NET, "mtu": 1450}])

    def state(self, *instances):
        """The host's state as the controller sends it: whole objects, since the agent drops
        one that does not decode."""
        state = {
            "network:" + NET: {"id": NET, "mtu": 1450, "admin_state_up": True,
                               "network_type": "vxlan", "physical_network": None,
                               "segmentation_id": 1042},
            "subnet:" + SUBNET: {"id": SUBNET, "network_id": NET, "cidr": "10.42.0.0/24",
                                 "gateway_ip": "10.42.0.1", "enable_dhcp": False,
                                 "ip_version": 4, "dns_nameservers": [], "host_routes": []},
        }
        for number, instance in enumerate(i for i in instances if i is not None):
            port = instance["ports"][0]
            state["port:" + port["id"]] = {
                "id": port["id"], "network_id": NET, "mac_address": port["mac_address"],
                "admin_state_up": True, "port_security_enabled": True,
                "device_owner": "compute:nova", "device_id": instance["id"],
                "project_id": "p1",
                "fixed_ips": [{"subnet_id": SUBNET, "ip_address": "10.42.0.%d" % (10 + number)}],
                "security_groups": [], "allowed_address_pairs": [], "extra_dhcp_opts": []}
            state["instance:" + instance["id"]] = instance
        return state

    def boots(self, instance=INSTANCE):
        path = os.path.join(self.host.instances_path, instance, "console.log")
        try:
            with open(path, "rb") as f:
                return f.read().count(MARKER.strip())
        except OSError:
            return 0

    def wait_boots(self, count, timeout=60, instance=INSTANCE):
        deadline = time.monotonic() + timeout
        while self.boots(instance) < count:
            if time.monotonic() > deadline:
                self.fail("console.log shows %d boots, not %d" % (self.boots(instance), count))
            time.sleep(0.05)

    def wait_power_report(self, instance, power_state, after, timeout=30):
        """The first report of `instance` with `power_state` among reports[after:]."""
        deadline = time.monotonic() + timeout
        while True:
            reports = self.peer.instance_reports(instance)[after:]
            found = [r for r in reports if r["power_state"] == power_state]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                self.fail("no %s report for %s after %d: %s"
                          % (power_state, instance, after, reports))
            time.sleep(0.05)

    def tap(self, port=PORT):
        return ("tap" + port)[:14]

    # --- the scenario ------------------------------------------------------------------------

    def test_1_hello_reports_capacity(self):
        compute = self.peer.hellos[-1]["compute"]
        self.assertEqual(compute["vcpus"], 2)
        self.assertEqual(compute["memory_mb"], 2048)
        self.assertEqual(compute["disk_gb"], 20)
        self.assertEqual(compute["hypervisor_type"], "QEMU")
        self.assertGreater(compute["hypervisor_version"], 5000000)
        self.assertEqual(compute["availability_zone"], "nova")
        self.assertIn(compute["virt_type"], ("kvm", "qemu"))
        usage = compute["usage"]  # what the host holds: nothing yet
        self.assertEqual((usage["instances"], usage["running"], usage["vcpus"],
                          usage["memory_mb"], usage["disk_gb"]), (0, 0, 0, 0, 0))
        self.assertGreater(usage["disk_available_gb"], 0)

    def test_2_spawn_resumes_only_after_the_port_is_acked(self):
        t0 = time.monotonic()
        self.peer.set_state(self.state(self.instance()))
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=120)
        spawned = time.monotonic() - t0
        messages = self.peer.messages()
        ack_at = next(i for i, m in enumerate(messages)
                      if m["type"] == "ack" and PORT in m.get("ports_up", []))
        paused_at = next(i for i, m in enumerate(messages) if m["type"] == "instance_state"
                         and any(r["power_state"] == "paused" for r in m["instances"]))
        running_at = next(i for i, m in enumerate(messages) if m["type"] == "instance_state"
                          and any(r["power_state"] == "running" for r in m["instances"]))
        # the tap appears while the guest is paused, so the ack may come before or after the
        # "paused" report; the guest runs only after it
        self.assertLess(paused_at, running_at)
        self.assertLess(ack_at, running_at, "resumed before the port was acked up")
        self.assertEqual(self.images.requests, [("/image/v2/images/%s/file" % IMAGE,
                                                 self.host.name)])
        self.assertEqual(self.host.vsctl("get", "Interface", self.tap(), "external_ids:iface-id"),
                         '"%s"' % PORT)
        flows = "\n".join(self.host.dump_flows("br-int"))
        self.assertIn("dl_src=fa:16:3e:2a:00:01", flows)
        self.wait_boots(1)
        print("\nstate pushed -> running/ready reported: %.2f s; -> console line: %.2f s"
              % (spawned, time.monotonic() - t0))

    def test_3_console_log_request(self):
        self.wait_boots(1)
        self.peer.send({"type": "console_log_request", "request_id": "r-1",
                        "instance_id": INSTANCE, "length": None})
        answer = self.peer.wait_for(lambda m: m.get("type") == "console_log"
                                    and m.get("request_id") == "r-1", 10)
        self.assertIsNone(answer["error"])
        self.assertIn(MARKER.strip().decode(), answer["output"])
        self.peer.send({"type": "console_log_request", "request_id": "r-2",
                        "instance_id": "00000000-0000-4000-8000-00000000dead", "length": 5})
        missing = self.peer.wait_for(lambda m: m.get("request_id") == "r-2", 10)
        self.assertIn("could not be found", missing["error"])

    def test_4_stop_start_reboot(self):
        boots = self.boots()
        self.peer.set_state(self.state(self.instance(power="stopped")))
        self.peer.wait_report(INSTANCE, "shutdown", "ready", timeout=30)
        self.peer.set_state(self.state(self.instance(start_count=1)))
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=30)
        self.wait_boots(boots + 1)
        self.peer.set_state(self.state(self.instance(start_count=1, reboot_count=1)))
        self.wait_boots(boots + 2)
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=30)
        # hard (Nova's _hard_reboot): the domain is destroyed and started, a new QEMU process
        qemu = self.host.qemu_pids()
        self.peer.set_state(self.state(self.instance(start_count=1, reboot_count=2,
                                                           reboot_type="HARD")))
        self.wait_boots(boots + 3)
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=30)
        deadline = time.monotonic() + 10  # the old QEMU is reaped as it exits
        while len(self.host.qemu_pids()) != 1 or self.host.qemu_pids() == qemu:
            if time.monotonic() > deadline:
                self.fail("QEMU %s before the hard reboot, %s after"
                          % (qemu, self.host.qemu_pids()))
            time.sleep(0.05)

    def test_5_guest_survives_libvirtd_crash_and_agent_restart(self):
        qemu = self.host.qemu_pids()
        self.assertEqual(len(qemu), 1)
        boots = self.boots()
        self.host.restart_libvirtd(kill=True)
        self.agent.wait_for_log("libvirt: connected to qemu:///system again", timeout=30)
        self.peer.drop()  # the channel reconnects: every instance is reported again
        hellos = len(self.peer.hellos)
        self.peer.wait_for(lambda m: m.get("type") == "instance_state", 30)
        deadline = time.monotonic() + 30
        while len(self.peer.hellos) <= hellos and time.monotonic() < deadline:
            time.sleep(0.05)
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=30)
        self.agent.restart()
        deadline = time.monotonic() + 30
        while len(self.peer.hellos) <= hellos + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.peer.wait_report(INSTANCE, "running", "ready", timeout=30)
        time.sleep(1)
        self.assertEqual(self.host.qemu_pids(), qemu, "the guest was restarted")
        self.assertEqual(self.boots(), boots)
        self.assertIn("adopted domain " + DOMAIN, self.agent.log_text())
        usage = self.peer.hellos[-1]["compute"]["usage"]  # the restarted agent's hello
        self.assertEqual((usage["instances"], usage["running"], usage["vcpus"],
                          usage["memory_mb"], usage["disk_gb"]), (1, 1, 1, 32, 1))

    def test_6_delete(self):
        base = os.path.join(self.host.instances_path, "_base")
        self.assertEqual(len(os.listdir(base)), 1)
        self.peer.set_state(self.state())
        deadline = time.monotonic() + 30
        while self.host.qemu_pids() or os.path.exists(
                os.path.join(self.host.instances_path, INSTANCE)) or os.listdir(base):
            if time.monotonic() > deadline:
                self.fail("not cleaned up: qemu %s, %s" % (
                    self.host.qemu_pids(), os.listdir(self.host.instances_path)))
            time.sleep(0.1)
        self.assertNotIn(self.tap(), self.host.vsctl("list-ports", "br-int").split())

    def test_7_guest_powering_itself_off_is_shutdown_and_stays_off(self):
        off = self.other_instance(OFF_INSTANCE, 0x2b, OFF_PORT, self.off_image)
        self.peer.set_state(self.state(off))
        self.wait_power_report(OFF_INSTANCE, "running", 0, timeout=120)
        report = self.wait_power_report(OFF_INSTANCE, "shutdown", 0)
        self.assertEqual(report["task"], "ready")
        self.assertIsNone(report["fault"])
        self.assertEqual(self.boots(OFF_INSTANCE), 1)
        # left off (Nova: vm_state stopped), not restarted by the next power state sync
        time.sleep(2)
        self.assertEqual(self.host.qemu_pids(), [])
        self.assertEqual(self.boots(OFF_INSTANCE), 1)
        self.assertEqual(self.peer.instance_reports(OFF_INSTANCE)[-1]["power_state"],
                         "shutdown")
        # the controller records the stop, then `server start` powers it on again
        self.peer.set_state_applied(self.state(dict(off, power="stopped")))
        seen = len(self.peer.instance_reports(OFF_INSTANCE))
        self.peer.set_state(self.state(dict(off, start_count=1)))
        self.wait_boots(2, instance=OFF_INSTANCE)
        self.wait_power_report(OFF_INSTANCE, "shutdown", seen)

    def test_8_image_failing_its_checksum_is_an_error_with_a_fault(self):
        off = self.other_instance(OFF_INSTANCE, 0x2b, OFF_PORT, self.off_image)
        bad = self.other_instance(BAD_INSTANCE, 0x2c, BAD_PORT, self.bad_image)
        self.peer.set_state(self.state(off, bad))
        report = self.peer.wait_report(BAD_INSTANCE, "nostate", "error", timeout=60)
        self.assertIn("failed checksum verification", report["fault"]["message"])
        base = os.path.join(self.host.instances_path, "_base")
        self.assertEqual(sorted(os.listdir(base)),
                         [hashlib.sha1(OFF_IMAGE.encode()).hexdigest()])
        self.assertFalse(os.path.exists(os.path.join(self.host.instances_path, BAD_INSTANCE)))
        self.assertNotIn(self.tap(BAD_PORT), self.host.vsctl("list-ports", "br-int").split())
        # both deleted: nothing of them stays
        self.peer.set_state(self.state())
        deadline = time.monotonic() + 30
        while set(os.listdir(self.host.instances_path)) - {"_base"} or os.listdir(base):
            if time.monotonic() > deadline:
                self.fail("not cleaned up: %s, %s" % (os.listdir(self.host.instances_path),
                                                      os.listdir(base)))
            time.sleep(0.1)


if __name__ == "__main__":
    unittest.main()
