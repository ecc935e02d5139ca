"""The multi-host harness itself (multihost.py), proven with plain Open vSwitch and no agent:
hosts come up isolated, their tunnel IPs reach each other through br-phy, each host's
/run/netns is private, guests plug in the Nova way, hand-written flows carry traffic on one host,
across hosts over VXLAN (the underlay capture shows the VNI) and over a VLAN physnet (the
capture shows the 802.1Q tag), and teardown leaves nothing behind — also after a failed
start-up and after a test process was SIGKILLed.

Needs root (namespaces, OVS); skipped otherwise.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import unittest
import uuid
from unittest import mock

import multihost

ROOT = os.geteuid() == 0


def real_netns():
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout


def real_links():
    return subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout


def pgrep_ovs():
    return subprocess.run(["pgrep", "-a", "ovs"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout


def alive(pid):
    """True while pid exists and is not a zombie."""
    return not multihost._is_zombie_or_gone(pid)


def mac(n):
    return "fa:16:3e:00:%02x:%02x" % (n >> 8, n & 0xff)


@unittest.skipUnless(ROOT, "needs root")
class MultiHostHarnessTest(unittest.TestCase):
    """Two hosts shared by the tests; every test removes the bridges and guests it made."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        t0 = time.monotonic()
        cls.mh = multihost.MultiHost(2)
        cls.addClassCleanup(cls.mh.stop)
        cls.mh.start()
        cls.bringup = time.monotonic() - t0
        cls.h1, cls.h2 = cls.mh.hosts
        cls.mh.wait_underlay()
        print("\n[multihost] %d hosts up in %.2fs (%s); underlay reachable after %.2fs"
              % (len(cls.mh.hosts), cls.bringup,
                 ", ".join("%s %.2fs" % (h.name, h.timings["total"]) for h in cls.mh.hosts),
                 time.monotonic() - t0), file=sys.stderr)

    def drop_bridge_later(self, host, bridge):
        self.addCleanup(host.vsctl, "--if-exists", "del-br", bridge)

    def guest(self, host, name, ip_cidr, bridge="br-int", **kw):
        port_id = str(uuid.uuid4())
        g = host.add_guest(name, port_id, mac(hash(port_id) & 0xffff), ip_cidr,
                           bridge=bridge, **kw)
        self.addCleanup(host.remove_guest, name)
        return g

    # --- hosts and underlay ---------------------------------------------------------------------

    def test_hosts_are_separate_machines(self):
        for h in self.mh.hosts:
            self.assertEqual(h.run(["uname", "-n"]).stdout.strip(), h.name)
            self.assertEqual(h.vsctl("get", "Open_vSwitch", ".", "external_ids:system-id"),
                             h.name)
            # one ovs-vswitchd per host, in the host's network namespace, not detached
            self.assertIsNone(h.vswitchd.poll())
            self.assertEqual(multihost._ns_id(h.vswitchd.pid, "net"), h.holder.ns["net"])
            self.assertEqual(multihost._ns_id(h.ovsdb_server.pid, "mnt"), h.holder.ns["mnt"])
            self.assertTrue(os.path.exists(os.path.join(h.ovs_rundir, "br-phy.mgmt")))
            self.assertEqual(h.vsctl("get", "Bridge", "br-phy", "datapath_type"), "netdev")
            # br-phy carries the NIC's MAC and the tunnel IP
            self.assertEqual(h.vsctl("get", "Bridge", "br-phy", "other_config:hwaddr"),
                             '"%s"' % h.nic_mac)
            link = h.run(["ip", "-o", "addr", "show", "dev", "br-phy"]).stdout
            self.assertIn(h.tunnel_cidr, link)
            self.assertIn(h.nic_mac, h.run(["ip", "-o", "link", "show", "br-phy"]).stdout)
            self.assertIn(h.nic, h.vsctl("list-ports", "br-phy").split())
            rules = h.run(["nft", "list", "ruleset"]).stdout
            self.assertRegex(rules, r'hook ingress device "%s" priority filter; policy drop'
                             % h.nic)
            # the host sees neither the machine's interfaces nor the other host's
            links = h.run(["ip", "-o", "link"]).stdout
            self.assertNotIn(" eth0:", links)
        self.assertNotEqual(self.h1.holder.ns["net"], self.h2.holder.ns["net"])
        self.assertNotEqual(self.h1.ovs_rundir, self.h2.ovs_rundir)

    def test_tunnel_ips_ping_each_other_through_br_phy(self):
        cap = self.mh.capture(self.h1, bpf_filter="icmp")
        for a, b in ((self.h1, self.h2), (self.h2, self.h1)):
            r = multihost.PingResult(
                a.run(["ping", "-n", "-c", "3", "-i", "0.05", "-W", "1", b.tunnel_ip],
                      check=False).stdout, 0)
            # answered once per request: the kernel does not answer on the NIC next to OVS
            self.assertEqual((r.sent, r.received, r.duplicates), (3, 3, 0), r.output)
        lines = cap.stop()
        requests = [l for l in lines if "%s > %s: ICMP echo request" % (self.h1.tunnel_ip,
                                                                         self.h2.tunnel_ip) in l]
        self.assertEqual(len(requests), 3, "\n".join(lines))
        self.assertTrue(all(l.split()[1] == self.h1.nic_mac for l in requests), requests)
        # the underlay also reaches the management network's relay address
        self.h1.run(["ping", "-n", "-c", "1", "-W", "1", multihost.MGMT_GATEWAY])

    def test_run_netns_is_private_to_each_host(self):
        name = self.mh.prefix + "-priv"
        self.h1.run(["ip", "netns", "add", name])
        self.addCleanup(self.h1.run, ["ip", "netns", "del", name], check=False)
        self.assertIn(name, self.h1.run(["ip", "netns", "list"]).stdout)
        self.assertIn(name, self.h1.run(["ls", "/var/run/netns"]).stdout.split())
        self.assertNotIn(name, self.h2.run(["ip", "netns", "list"]).stdout)
        self.assertNotIn(name, real_netns())
        self.assertFalse(os.path.exists(os.path.join("/run/netns", name)))
        # a guest namespace works like any other: commands run in it
        self.h1.run(["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"])
        # and so do guests made by the harness
        g = self.guest(self.h1, "privguest", "10.77.0.1/24")
        self.assertIn("privguest", self.h1.run(["ip", "netns", "list"]).stdout)
        self.assertNotIn("privguest", self.h2.run(["ip", "netns", "list"]).stdout)
        self.assertNotIn("privguest", real_netns())
        self.assertIn("10.77.0.1/24", g.run(["ip", "-o", "addr", "show", "eth0"]).stdout)

    def test_guest_plugs_into_br_int_with_the_nova_external_ids(self):
        self.drop_bridge_later(self.h1, "br-int")
        g = self.guest(self.h1, "plugged", "10.78.0.5/24", mtu=1450, vm_id="vm-1234")
        self.assertEqual(self.h1.vsctl("get", "Bridge", "br-int", "datapath_type"), "netdev")
        self.assertEqual(g.dev, ("tap" + g.port_id)[:14])
        self.assertIn(g.dev, self.h1.vsctl("list-ports", "br-int").split())
        found = self.h1.vsctl("--bare", "--columns=name", "find", "Interface",
                              "external_ids:iface-id=" + g.port_id)
        self.assertEqual(found, g.dev)
        ids = self.h1.vsctl("get", "Interface", g.dev, "external_ids")
        self.assertIn('iface-id="%s"' % g.port_id, ids)
        self.assertIn('attached-mac="%s"' % g.mac, ids)
        self.assertIn("iface-status=active", ids)
        self.assertIn("vm-uuid=vm-1234", ids)
        self.assertGreater(self.h1.ofport(g.dev), 0)  # vswitchd opened it
        # the other host's database knows nothing of it
        self.assertEqual(self.h2.vsctl("--bare", "--columns=name", "find", "Interface",
                                       "external_ids:iface-id=" + g.port_id), "")
        # guest side: MAC, MTU, TX checksum offload off
        link = g.run(["ip", "-o", "link", "show", "eth0"]).stdout
        self.assertIn(g.mac, link)
        self.assertIn("mtu 1450", link)
        self.assertIn("tx-checksumming: off", g.run(["ethtool", "-k", "eth0"]).stdout)
        # unplug / plug / remove
        self.h1.unplug_guest("plugged")
        self.assertNotIn(g.dev, self.h1.vsctl("list-ports", "br-int").split())
        self.h1.plug_guest("plugged")
        self.assertIn(g.dev, self.h1.vsctl("list-ports", "br-int").split())

    # --- traffic -------------------------------------------------------------------------------

    def test_normal_flow_connects_two_guests_on_one_host(self):
        h = self.h1
        self.drop_bridge_later(h, "br-int")
        a = self.guest(h, "same-a", "10.80.0.1/24")
        b = self.guest(h, "same-b", "10.80.0.2/24")
        h.vsctl("set-fail-mode", "br-int", "secure")
        h.ofctl("del-flows", "br-int")
        self.assertFalse(h.ping("same-a", b.ip, count=1, wait=0.3).ok)  # no flow, no traffic
        h.ofctl("add-flow", "br-int", "priority=0,actions=NORMAL")
        first = h.wait_ping("same-a", b.ip)
        counter = h.start_ping("same-a", b.ip, count=100, interval=0.01)
        t0 = time.monotonic()
        result = counter.wait()
        took = time.monotonic() - t0
        self.assertEqual((result.sent, result.received, result.lost), (100, 100, 0), result)
        self.assertLess(took, 5)
        print("\n[multihost] same-host first ping after %.2fs; 100 pings at 100/s in %.2fs"
              % (first, took), file=sys.stderr)
        # an interrupted counter reports what it has so far
        counter = h.start_ping("same-b", a.ip, count=10000, interval=0.01)
        time.sleep(0.3)
        partial = counter.stop()
        self.assertTrue(partial.parsed, partial.output)
        self.assertGreater(partial.sent, 5)
        self.assertLessEqual(partial.lost, 1)

    def tcp_transfer(self, server_host, server, client_host, client, nbytes=2_000_000):
        """Sends nbytes over TCP from client to server guest; returns what arrived."""
        script = textwrap.dedent("""
            import socket
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("%s", 5001))
            s.listen(1)
            s.settimeout(20)
            print("listening", flush=True)
            c, _ = s.accept()
            c.settimeout(20)
            n = 0
            while True:
                d = c.recv(65536)
                if not d:
                    break
                n += len(d)
            print(n, flush=True)
        """) % server.ip
        proc = server_host.guest_popen(server.name, ["python3", "-c", script],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)
        self.assertEqual(proc.stdout.readline().strip(), "listening")
        client_host.guest_run(client.name, [
            "python3", "-c",
            "import socket; c = socket.create_connection(('%s', 5001), timeout=20); "
            "c.sendall(b'x' * %d); c.close()" % (server.ip, nbytes)], timeout=40)
        out, _ = proc.communicate(timeout=30)
        server_host._forget(proc)
        return int(out.strip().splitlines()[-1])

    def test_vxlan_ports_carry_guest_traffic_between_hosts(self):
        vni = 1234
        guests = {}
        for i, (h, peer) in enumerate(((self.h1, self.h2), (self.h2, self.h1)), start=1):
            self.drop_bridge_later(h, "br-int")
            g = self.guest(h, "vx-g%d" % i, "10.81.0.%d/24" % i, mtu=1450)
            guests[h.name] = g
            h.vsctl("set-fail-mode", "br-int", "secure")
            h.vsctl("add-port", "br-int", "vx", "--", "set", "interface", "vx", "type=vxlan",
                    "options:remote_ip=" + peer.tunnel_ip, "options:key=flow")
            h.ofctl("del-flows", "br-int")
            h.ofctl("add-flow", "br-int",
                    "in_port=%s,actions=set_field:%d->tun_id,output:vx" % (g.dev, vni))
            h.ofctl("add-flow", "br-int", "in_port=vx,tun_id=%d,actions=output:%s"
                    % (vni, g.dev))
        g1, g2 = guests["h1"], guests["h2"]
        cap = self.mh.capture(self.h1)
        first = self.h1.wait_ping(g1.name, g2.ip)
        result = self.h1.ping(g1.name, g2.ip, count=5, interval=0.05)
        self.assertEqual(result.lost, 0, result)
        lines = cap.stop()
        text = "\n".join(lines)
        self.assertIn("%s.4789: VXLAN, flags [I] (0x08), vni %d" % (self.h2.tunnel_ip, vni),
                      text)
        self.assertIn("%s > %s: ICMP echo request" % (g1.ip, g2.ip), text)
        self.assertIn("%s > %s: ICMP echo reply" % (g2.ip, g1.ip), text)
        self.assertNotRegex(text, r"^\S+ %s > \S+, ethertype IPv4 \(0x0800\), length \d+: "
                                  r"%s > %s: ICMP" % (re.escape(g1.mac), re.escape(g1.ip),
                                                       re.escape(g2.ip)))  # never bare
        # TCP across the tunnel (guest TX checksum offload is off, so it does not stall)
        self.assertEqual(self.tcp_transfer(self.h2, g2, self.h1, g1), 2_000_000)
        print("\n[multihost] VXLAN: first cross-host ping after %.2fs" % first,
              file=sys.stderr)

    def test_vlan_tagged_frames_cross_the_physnet_underlay(self):
        guests = {}
        for i, h in enumerate((self.h1, self.h2), start=1):
            self.drop_bridge_later(h, multihost.PHYSNET_BRIDGE)
            h.attach_physnet(create=True)
            self.assertIn(h.physnet_nic, h.vsctl("list-ports", multihost.PHYSNET_BRIDGE))
            g = self.guest(h, "vl-g%d" % i, "10.82.0.%d/24" % i,
                           bridge=multihost.PHYSNET_BRIDGE)
            h.vsctl("set", "Port", g.dev, "tag=150")  # an access port: OVS pushes/pops
            guests[h.name] = g
        g1, g2 = guests["h1"], guests["h2"]
        cap = self.mh.capture(self.h2, network="physnet")
        self.h1.wait_ping(g1.name, g2.ip)
        lines = cap.stop()
        tagged = [l for l in lines if "vlan 150" in l and "ICMP echo" in l]
        self.assertTrue(tagged, "\n".join(lines))
        self.assertIn("ethertype 802.1Q (0x8100)", tagged[0])
        self.assertIn(g1.mac, tagged[0])

    # --- helpers for the agent's tests ---------------------------------------------------------

    def test_forward_makes_a_root_namespace_port_reachable_from_hosts(self):
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        self.addCleanup(server.close)
        port = server.getsockname()[1]

        def echo_once():
            conn, _ = server.accept()
            with conn:
                conn.sendall(b"echo:" + conn.recv(100))

        t = threading.Thread(target=echo_once, daemon=True)
        t.start()
        fwd = self.mh.forward(port)
        self.assertEqual(fwd.address, (multihost.MGMT_GATEWAY, port))
        out = self.h2.run(["python3", "-c",
                           "import socket; c = socket.create_connection(('%s', %d), timeout=5);"
                           " c.sendall(b'hello'); print(c.recv(100).decode())"
                           % fwd.address]).stdout.strip()
        self.assertEqual(out, "echo:hello")
        t.join(5)
        fwd.stop()
        self.mh.forwarders.remove(fwd)

    def test_daemon_start_restart_kill(self):
        h = self.h2
        d = h.start_daemon("dummy", ["sh", "-c", "echo started in $(uname -n); exec sleep 600"])
        self.addCleanup(d.stop)
        d.wait_for_log(r"started in h2", timeout=10)
        self.assertEqual(multihost._ns_id(d.pid, "net"), h.holder.ns["net"])
        self.assertEqual(multihost._ns_id(d.pid, "mnt"), h.holder.ns["mnt"])
        first = d.pid
        offset = d.log_size()
        d.restart()
        self.assertNotEqual(d.pid, first)
        self.assertFalse(alive(first))
        d.wait_for_log(r"started in h2", after=offset)
        second = d.pid
        self.assertEqual(d.kill9(), -signal.SIGKILL)
        self.assertFalse(alive(second))
        d.start()
        self.assertEqual(d.stop(), -signal.SIGTERM)
        self.assertEqual(d.log_text().count("=== harness: starting"), 3)
        argv = h.agent_argv("192.168.251.254:9697")
        for flag, value in (("--host", "h2"), ("--tunnel-ip", h.tunnel_ip),
                            ("--ovsdb", "unix:" + h.db_socket), ("--ovs-rundir", h.ovs_rundir),
                            ("--datapath-type", "netdev"), ("--state-dir", h.state_dir)):
            self.assertEqual(argv[argv.index(flag) + 1], value)

    def test_vswitchd_restart_restores_the_underlay(self):
        h = self.h2
        old = h.vswitchd.pid
        took = h.restart_vswitchd()
        self.assertNotEqual(h.vswitchd.pid, old)
        self.assertFalse(alive(old))
        self.assertIn(h.tunnel_cidr, h.run(["ip", "-o", "addr", "show", "dev", "br-phy"]).stdout)
        self.mh.wait_underlay()
        took_kill = h.restart_vswitchd(kill=True)
        self.mh.wait_underlay()
        print("\n[multihost] ovs-vswitchd restart %.2fs (SIGTERM), %.2fs (SIGKILL)"
              % (took, took_kill), file=sys.stderr)


def host_state(mh):
    """What a running cluster consists of: every process in its namespaces (the kernel frees a
    namespace with its last process), its directory and prefix."""
    pids = set()
    for holder in [h.holder for h in mh.hosts] + [mh.underlay.holder]:
        pids.add(holder.pid)
        pids.update(multihost._members(holder.ns))
    for h in mh.hosts:
        pids.update((h.vswitchd.pid, h.ovsdb_server.pid))
    return {"pids": sorted(pids), "dir": mh.dir, "prefix": mh.prefix}


@unittest.skipUnless(ROOT, "needs root")
class TeardownTest(unittest.TestCase):

    def setUp(self):
        self.netns_before = real_netns()

    def assertNothingLeft(self, state):
        prefix = state["prefix"]
        # (other test suites may add namespaces of their own meanwhile: look for ours)
        netns = real_netns()
        for name in [prefix] + list(state.get("netns", [])):
            self.assertNotIn(name, netns)
        self.assertFalse(set(netns.split()) - set(self.netns_before.split())
                         & {"td-a", "td-b", "td-extra", "g"})
        self.assertNotIn(prefix, real_links())
        self.assertNotIn(prefix, pgrep_ovs())
        self.assertEqual(multihost._marked_pids(prefix), [])
        for pid in state.get("pids", []):
            self.assertFalse(alive(pid), "pid %d still runs" % pid)
        if state.get("dir"):
            self.assertFalse(os.path.exists(state["dir"]))

    def test_teardown_removes_everything(self):
        mh = multihost.MultiHost(2)
        try:
            mh.start()
            h1, h2 = mh.hosts
            h1.add_guest("td-a", str(uuid.uuid4()), mac(1), "10.90.0.1/24")
            h1.add_guest("td-b", str(uuid.uuid4()), mac(2), "10.90.0.2/24")
            h2.run(["ip", "netns", "add", "td-extra"])
            h1.start_ping("td-a", "10.90.0.2", count=100000)   # still running at stop()
            h2.start_daemon("dummy", ["sleep", "600"])
            h2.popen(["sh", "-c", "sleep 600 & sleep 600"])      # leaves an orphan behind
            mh.capture(h1)
            time.sleep(0.2)  # let the shell fork its background sleep
            state = host_state(mh)
            self.assertGreaterEqual(len(state["pids"]), 12, state)
            self.assertTrue(os.path.isdir(mh.dir))
        finally:
            mh.stop()
        self.assertNothingLeft(state)
        mh.stop()  # idempotent

    def test_failed_start_cleans_up(self):
        real = multihost.SimulatedHost.configure_tunnel_ip

        def failing(host, *a, **kw):
            if host.name == "h2":
                raise RuntimeError("injected failure")
            return real(host, *a, **kw)

        mh = multihost.MultiHost(2)
        with mock.patch.object(multihost.SimulatedHost, "configure_tunnel_ip", failing):
            with self.assertRaisesRegex(RuntimeError, "injected failure"):
                mh.start()
        self.assertEqual(len(mh.hosts), 2)
        self.assertIsNone(mh.hosts[0].holder)
        self.assertNothingLeft({"prefix": mh.prefix, "dir": mh.dir})

    def run_child(self, prefix, die_with_parent):
        """A test process that brings up one host and is SIGKILLed; returns the pids it had."""
        code = textwrap.dedent("""
            import os, signal, sys
            import multihost
            mh = multihost.MultiHost(1, prefix=%r, die_with_parent=%r).start()
            mh.hosts[0].add_guest("g", "port-1", "fa:16:3e:00:00:01", "10.91.0.1/24")
            print("up", flush=True)
            sys.stdin.read()
        """) % (prefix, die_with_parent)
        multihost.become_subreaper()  # its orphans come to us, not to PID 1 (which never reaps)
        child = subprocess.Popen([sys.executable, "-c", code], cwd=multihost.HERE,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(child.stdout.readline().strip(), "up")
            pids = multihost._marked_pids(prefix)
            self.assertGreaterEqual(len(pids), 4, pids)  # 2 holders, ovsdb-server, vswitchd
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
            child.stdin.close()
            child.stdout.close()
        return pids

    def test_sigkilled_run_takes_its_processes_along(self):
        prefix = multihost.new_prefix()
        pids = self.run_child(prefix, die_with_parent=True)
        deadline = time.monotonic() + 5
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        multihost._kill_and_reap(pids)  # reap the zombies re-parented to us
        self.assertEqual([p for p in pids if alive(p)], [])
        multihost.sweep(prefix)  # its directory: nobody was left to remove it
        self.assertNothingLeft({"prefix": prefix, "pids": pids})
        self.assertEqual([d for d in os.listdir(multihost.TMP_ROOT) if d.startswith(prefix)],
                         [])

    def test_sweep_removes_what_a_crashed_run_left(self):
        prefix = multihost.new_prefix()
        pids = self.run_child(prefix, die_with_parent=False)
        time.sleep(0.2)
        self.assertTrue(all(alive(p) for p in pids))  # orphans keep the namespaces alive
        removed = multihost.sweep(prefix)
        self.assertTrue(removed)
        self.assertNothingLeft({"prefix": prefix, "pids": pids})
        self.assertEqual([d for d in os.listdir(multihost.TMP_ROOT) if d.startswith(prefix)],
                         [])


if __name__ == "__main__":
    unittest.main()
