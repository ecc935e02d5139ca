"""Compute end to end through the real `openstack` CLI, as a user would, on two simulated
hypervisors (multihost.py), each with its own Open vSwitch, libvirtd and neutrino-agent
--compute, under the real controller: upload the guest image (build/guest/: its qcow2 disk with
the kernel/initramfs fast path), create a key pair, boot two guests on one network with
--wait, which the scheduler spreads over both hosts; each takes its address by DHCP and reads
its own metadata (console log); one pings the other from its console (the shell of the guest
image, through the domain's serial pty); stop, start, reboot; delete removes the domain, the
instance directory, the port and its flows. Bad input gets Nova's or Glance's error and
changes nothing.

Run as root:  NEUTRINO_BIN_DIR=build/bin python3 -m unittest -v test_compute_cli
(about 3 to 5 minutes on a loaded 2-core machine; timings are printed)
"""

import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import guest_lab
import harness
import multihost

SECRET = "compute-cli-agent-secret"
METADATA_SECRET = "compute-cli-metadata-secret"
BOOT_TIMEOUT = 300  # TCG on a loaded machine: measured 20-60 s to the metadata lines


def timed(timings, name):
    """Context manager that records the seconds a step took into timings[name]."""
    class _Timer:
        def __enter__(self):
            self.t0 = time.monotonic()

        def __exit__(self, *exc):
            timings[name] = round(time.monotonic() - self.t0, 1)
    return _Timer()


@unittest.skipUnless(os.geteuid() == 0, "needs root (namespaces, libvirtd, OVS)")
class ComputeCliTest(unittest.TestCase):
    timings = {}

    @classmethod
    def setUpClass(cls):
        cls.image_files = guest_lab.GuestImage()
        cls.tmp = tempfile.mkdtemp(prefix="neutrino-compute-cli-")
        cls.addClassCleanup(lambda: subprocess.run(["rm", "-rf", cls.tmp]))
        cls.agent_port = multihost.free_port()
        cls.metadata_port = multihost.free_port()
        cls.ctl = harness.ControllerProcess(extra_args=[
            "--agent-listen", "127.0.0.1:%d" % cls.agent_port, "--agent-secret", SECRET,
            "--metadata-listen", "127.0.0.1:%d" % cls.metadata_port,
            "--metadata-secret", METADATA_SECRET, "--agent-heartbeat", "2"])
        cls.ctl.start()
        cls.addClassCleanup(cls.ctl.stop)
        cls.mh = multihost.MultiHost(2)
        cls.addClassCleanup(cls.mh.stop)
        t0 = time.monotonic()
        cls.mh.start()
        api_port = int(cls.ctl.url.rsplit(":", 1)[1])
        relay = cls.mh.forward(cls.agent_port)
        metadata_relay = cls.mh.forward(cls.metadata_port)
        api_relay = cls.mh.forward(api_port)
        image_service = "http://%s/image" % api_relay.hostport
        for host in cls.mh.hosts:
            host.start_libvirt()
            host.start_agent(relay.hostport, extra=[
                "--agent-secret", SECRET, "--metadata-service", metadata_relay.hostport,
                "--metadata-secret", METADATA_SECRET] + host.compute_argv(
                    image_service, vcpus=2, memory_mb=1024, disk_gb=10, shutdown_timeout=20))
        cls.timings["hosts up"] = round(time.monotonic() - t0, 1)

    @classmethod
    def tearDownClass(cls):
        print("\ntest_compute_cli timings (s): %s" % cls.timings)

    # --- helpers -----------------------------------------------------------------------------

    def os(self, *args, **kw):
        return self.ctl.openstack(*args, **kw)

    def fails(self, *args, expect):
        with self.assertRaises(harness.CommandError) as raised:
            self.os(*args)
        self.assertRegex(raised.exception.stderr + raised.exception.stdout, expect)

    def output_of(self, *args):
        """stdout and stderr of `openstack ARGS`, whether it fails or not."""
        try:
            return self.os(*args)
        except harness.CommandError as e:
            return e.stdout + e.stderr

    def wait_for(self, predicate, what, timeout=60, interval=0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        self.fail("timed out after %ss waiting for %s" % (timeout, what))

    def server(self, name):
        return self.os("server", "show", name, "-f", "json")

    # Polling goes through the API: each `openstack` run costs seconds of Python start-up
    # on a loaded machine; what is checked at the end is checked through the CLI.
    def api(self, method, path, body=None):
        resp = self.ctl.request(method, "/compute/v2.1" + path, body, token=self.token,
                                headers={"OpenStack-API-Version": "compute 2.47"})
        self.assertLess(resp.status, 300, resp)
        return resp.json() if resp.body else None

    def api_server(self, server_id):
        return self.api("GET", "/servers/" + server_id)["server"]

    def wait_status(self, server_id, status, timeout=BOOT_TIMEOUT):
        return self.wait_for(lambda: self.api_server(server_id)["status"] == status,
                             "%s to be %s" % (server_id, status), timeout, interval=0.5)

    def console(self, server_id):
        out = self.api("POST", "/servers/%s/action" % server_id, {"os-getConsoleOutput": {}})
        return out["output"].replace("\r", "")

    def wait_console(self, server_id, pattern, timeout=BOOT_TIMEOUT, count=1):
        """Waits for `pattern` (a regex) to appear `count` times in the console log."""
        last = [""]

        def seen():
            last[0] = self.console(server_id)
            found = re.findall(pattern, last[0])
            return found if len(found) >= count else None
        try:
            return self.wait_for(seen, "%r on the console of %s" % (pattern, server_id),
                                 timeout, interval=1)
        except AssertionError as e:
            raise AssertionError("%s; its console ends with:\n%s" % (e, last[0][-3000:]))

    def host_of(self, server):
        return self.mh.host(server["OS-EXT-SRV-ATTR:host"])

    def domains(self, host):
        return host.run("virsh -c qemu:///system list --all --name").stdout.split()

    @staticmethod
    def flows(host):
        """br-int's flows of `host` as one text (dump_flows() gives a list of lines)."""
        return "\n".join(host.dump_flows())

    def file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def upload_guest(self):
        files = self.image_files
        kernel = self.os("image", "create", "--disk-format", "raw", "--container-format", "bare",
                         "--file", files.path("vmlinux"), "e2e-kernel", "-f", "json")
        ramdisk = self.os("image", "create", "--disk-format", "raw", "--container-format",
                          "bare", "--file", files.path("initramfs"), "e2e-ramdisk", "-f", "json")
        disk = self.os("image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                       "--file", files.path("qcow2"), "--property", "kernel_id=" + kernel["id"],
                       "--property", "ramdisk_id=" + ramdisk["id"],
                       "--property", "os_command_line=" + files.kernel_cmdline,
                       "e2e-guest", "-f", "json")
        kernel = self.os("image", "show", kernel["id"], "-f", "json")
        self.assertEqual(kernel["size"], files.size("vmlinux"))  # 63 MiB: streamed
        self.assertEqual(kernel["status"], "active")
        self.assertEqual(self.os("image", "show", disk["id"], "-f", "json")["status"], "active")
        return disk

    # --- the test ----------------------------------------------------------------------------

    def test_two_guests_end_to_end(self):
        try:
            self.two_guests_end_to_end()
        except BaseException:
            self.print_logs()
            raise

    def print_logs(self):
        """What the agents and the controller said, to see why a step failed."""
        for host in self.mh.hosts:
            agent = host.daemons.get("neutrino-agent")
            if agent:
                print("\n--- %s neutrino-agent log (tail) ---\n%s" % (
                    host.name, "\n".join(agent.log_text().splitlines()[-40:])))
        print("\n--- controller log (tail) ---\n%s" % "\n".join(
            self.ctl.log_text().splitlines()[-40:]))

    def two_guests_end_to_end(self):
        t = self.timings
        self.token = self.ctl.token()
        self.wait_for(lambda: len([h for h in self.api("GET", "/os-services")["services"]
                                   if h["state"] == "up"]) == 2, "two compute services up")
        with timed(t, "image upload"):
            self.upload_guest()
        key = os.path.join(self.tmp, "key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "e2e@neutrino",
                        "-f", key], check=True)
        with open(key + ".pub") as f:
            public_key = f.read().strip()
        self.os("keypair", "create", "--public-key", key + ".pub", "e2e-key")
        self.os("network", "create", "e2e-net")
        self.os("subnet", "create", "e2e-sub", "--network", "e2e-net",
                "--subnet-range", "10.91.0.0/24")
        user_data = self.file("user-data", "#cloud-config\nfinal_message: e2e\n")
        with timed(t, "bad input"):
            self.check_bad_input()

        with timed(t, "create --wait, two guests"):
            created_at = time.monotonic()
            procs = {name: subprocess.Popen(
                [harness.OPENSTACK, "server", "create", "--flavor", "m1.nano", "--image",
                 "e2e-guest", "--network", "e2e-net", "--key-name", "e2e-key", "--user-data",
                 user_data, "--wait", name, "-f", "json"],
                env=self.ctl.cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True) for name in ("e2e-vm1", "e2e-vm2")}
            servers = {}
            for name, proc in procs.items():
                out, err = proc.communicate(timeout=BOOT_TIMEOUT)
                self.assertEqual(proc.returncode, 0, err)
                servers[name] = json.loads(out)
        for name, server in servers.items():
            self.assertEqual(server["status"], "ACTIVE")
        hosts = {s["OS-EXT-SRV-ATTR:host"] for s in servers.values()}
        self.assertEqual(hosts, {"h1", "h2"}, "the scheduler spreads the two guests")

        # DHCP and metadata, each guest its own, on its console
        for name, server in servers.items():
            self.wait_console(server["id"], r"neutrino-guest: up \S+s")
            t.setdefault("create to metadata", round(time.monotonic() - created_at, 1))
            server["ip"] = re.search(r"(\d+\.\d+\.\d+\.\d+)", str(server["addresses"])).group(1)
        for name, server in servers.items():
            log = self.os("console", "log", "show", name).replace("\r", "")
            self.assertRegex(log, r"lease: %s/24 on eth0" % re.escape(server["ip"]))
            self.assertRegex(log, r"instance-id: i-[0-9a-f]{8}")
            self.assertRegex(log, r"hostname: %s" % name)
            self.assertIn("public-key: " + public_key, log)
            self.assertRegex(log, r'"uuid": ?"%s"' % server["id"])  # meta_data.json
            self.assertIn("user-data> final_message: e2e", log)
            boot = re.search(r"neutrino-guest: up (\S+)s", log).group(1)
            t["guest boot (its uptime at the metadata line), " + name] = float(boot)

        with timed(t, "guest to guest ping"):
            self.ping_from_console(servers["e2e-vm1"], servers["e2e-vm2"]["ip"])

        vm1 = servers["e2e-vm1"]
        with timed(t, "stop, start, reboot"):
            self.os("server", "stop", "e2e-vm1")
            self.wait_status(vm1["id"], "SHUTOFF", timeout=120)
            self.assertIn("shut off", self.host_of(vm1).run(
                "virsh -c qemu:///system domstate " + vm1["OS-EXT-SRV-ATTR:instance_name"]).stdout)
            self.os("server", "start", "e2e-vm1")
            self.wait_status(vm1["id"], "ACTIVE", timeout=120)
            self.wait_console(vm1["id"], r"neutrino-guest: up \S+s", count=2)
            self.os("server", "reboot", "e2e-vm1")
            self.wait_console(vm1["id"], r"neutrino-guest: up \S+s", count=3)
            self.assertEqual(self.api_server(vm1["id"])["status"], "ACTIVE")

        with timed(t, "a guest powers itself off"):
            vm2 = servers["e2e-vm2"]
            self.type_on_console(vm2, "poweroff")
            self.wait_status(vm2["id"], "SHUTOFF", timeout=120)  # Nova's power state sync

        with timed(t, "delete"):
            for name, server in servers.items():
                self.check_delete(name, server)

    def type_on_console(self, server, line):
        """Types Enter (the guest image's root shell starts on it), then `line`, on the guest's
        serial console through the domain's pty, in the guest's host. The pty stays open for
        the whole exchange: QEMU reads it only once it has seen a writer connect (it polls for
        that every second), and drops what a writer that came and went left."""
        host = self.host_of(server)
        domain = server["OS-EXT-SRV-ATTR:instance_name"]
        xml = host.run("virsh -c qemu:///system dumpxml %s" % domain).stdout
        pty = re.search(r"<serial type='pty'>\s*<source path='([^']+)'", xml).group(1)
        host.run("exec 3>%s; sleep 3; printf '\\r' >&3; sleep 3; printf '%%s\\r' '%s' >&3; "
                 "sleep 3" % (pty, line))

    def ping_from_console(self, server, peer_ip):
        """The guest pings its peer from its console; the answer is read in its console log."""
        self.type_on_console(server, "ping -c 3 -W 2 " + peer_ip)
        self.wait_console(server["id"], r"3 packets transmitted, [123] packets received",
                          timeout=60)

    def check_delete(self, name, server):
        host = self.host_of(server)
        domain = server["OS-EXT-SRV-ATTR:instance_name"]
        port = self.os("port", "list", "--device-id", server["id"], "-f", "json")[0]
        mac = port["MAC Address"]
        if self.api_server(server["id"])["status"] == "ACTIVE":
            self.assertIn(mac, self.flows(host))  # off, a guest has no tap, hence no flows
        self.assertIn(domain, self.domains(host))
        self.os("server", "delete", "--wait", name)
        self.wait_for(lambda: domain not in self.domains(host), "domain %s gone" % domain)
        self.wait_for(lambda: not os.path.exists(os.path.join(host.instances_path,
                                                              server["id"])),
                      "instance directory gone")
        ports = self.ctl.request("GET", "/v2.0/ports?device_id=" + server["id"],
                                 token=self.token).json()["ports"]
        self.assertEqual(ports, [])
        self.wait_for(lambda: mac not in self.flows(host), "the port's flows gone")

    def check_bad_input(self):
        """Nova's and Glance's errors, and nothing changes."""
        before = self.api("GET", "/servers")["servers"]
        common = ["--key-name", "e2e-key", "e2e-bad"]
        self.fails("server", "create", "--flavor", "no-such-flavor", "--image", "e2e-guest",
                   "--network", "e2e-net", *common,
                   expect=r"No [Ff]lavor (found for |with a name or ID of ')no-such-flavor")
        self.fails("server", "create", "--flavor", "m1.nano", "--image", "no-such-image",
                   "--network", "e2e-net", *common,
                   expect=r"No [Ii]mage (found for |with a name or ID of ')no-such-image")
        self.fails("server", "create", "--flavor", "m1.nano", "--image", "e2e-guest",
                   "--network", "no-such-net", *common,
                   expect=r"No [Nn]etwork (found for |with a name or ID of ')no-such-net")
        self.assertEqual(self.api("GET", "/servers")["servers"], before)
        # too large for every host (1 GiB each), within the quota: accepted, then ERROR with
        # the scheduler's fault
        self.api("POST", "/flavors", {"flavor": {"name": "e2e-huge", "id": "e2e-huge",
                                                 "ram": 4096, "vcpus": 1, "disk": 1}})
        # Debian 12's openstackclient says so and exits 0 (a bare `raise SystemExit`)
        out = self.output_of("server", "create", "--flavor", "e2e-huge", "--image",
                             "e2e-guest", "--network", "e2e-net", "--wait", *common)
        self.assertIn("Error creating server", out)
        huge = [s for s in self.api("GET", "/servers/detail")["servers"]
                if s["name"] == "e2e-bad"][0]
        self.assertEqual(huge["status"], "ERROR")
        self.assertIn("No valid host was found", huge["fault"]["message"])
        self.api("DELETE", "/servers/" + huge["id"])
        self.api("DELETE", "/flavors/e2e-huge")
        not_a_disk = self.file("not-a-disk.qcow2", "just text, not a disk\n" * 100)
        self.fails("image", "create", "--disk-format", "qcow2", "--container-format", "bare",
                   "--file", not_a_disk, "e2e-not-a-disk",
                   expect="415: Client Error .*Unsupported Media Type")  # Glance's InvalidImageData
        images = self.ctl.request("GET", "/image/v2/images?name=e2e-not-a-disk",
                                  token=self.token).json()["images"]
        # openstacksdk deletes an image whose upload failed; one left would be queued, no data
        self.assertEqual([i for i in images if i["status"] != "queued"], [])
        for host in self.mh.hosts:
            self.assertEqual(self.domains(host), [])
        self.wait_for(lambda: self.api("GET", "/servers")["servers"] == before,
                      "the failed server gone")


if __name__ == "__main__":
    unittest.main()
