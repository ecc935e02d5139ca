"""Security groups on simulated hypervisors (issue 5): the stateful conntrack firewall the agent
compiles into br-int, driven through the Neutron API, with namespaces as guests on two hosts.

Proves: allowed/denied matrices for TCP, UDP and ICMP on one host and across hosts by port
range, remote prefix and remote group; egress rules; adding a guest to a remote group opens
access and only adds flows; a long-lived TCP connection survives an unrelated rule change and
an agent restart; removing the allowing rule blocks new connections; a port that takes over a
deleted port's MAC and address inherits none of its connections; no groups blocks
everything, port security off opens everything, anti-spoofing holds whatever the rules say.
Measures the flows and the time to apply a rule change for a group of 100 ports.
"""

import json
import os
import signal
import subprocess
import time
import unittest

import multihost_cloud

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sg_probe.py")


def flow_set(host):
    return set(host.dump_flows("br-int", "--no-stats"))


class SecurityGroupMultiHostTest(multihost_cloud.MultiHostCloud):

    # --- helpers ---------------------------------------------------------------------------

    def group(self, name, egress=True):
        """A new security group; without `egress` its two default egress rules are removed."""
        created = self.api("POST", "/v2.0/security-groups", {"security_group": {"name": name}})
        self.assertEqual(created.status, 201, created)
        group = created.json()["security_group"]
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        if not egress:
            for rule in group["security_group_rules"]:
                self.api("DELETE", "/v2.0/security-group-rules/" + rule["id"])
        return group

    def rule(self, group, direction="ingress", **fields):
        body = dict(fields, security_group_id=group["id"], direction=direction)
        created = self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": body})
        self.assertEqual(created.status, 201, created)
        return created.json()["security_group_rule"]

    def set_port(self, port, **fields):
        updated = self.api("PUT", "/v2.0/ports/" + port["id"], {"port": fields})
        self.assertEqual(updated.status, 200, updated)
        return updated.json()["port"]

    def serve(self, host, guest, tcp=(), udp=()):
        argv = ["/usr/bin/python3", PROBE, "serve", "--tcp"] + [str(p) for p in tcp]
        argv += ["--udp"] + [str(p) for p in udp]
        proc = host.guest_popen(guest, argv, stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.wait, 5)
        self.addCleanup(proc.terminate)
        self.assertEqual(proc.stdout.readline().strip(), "ready")

    @staticmethod
    def reach(host, guest, protocol, ip, port, timeout=1.0):
        r = host.guest_run(guest, ["/usr/bin/python3", PROBE, "connect", protocol, ip, str(port),
                                   "--timeout", str(timeout)], check=False)
        return r.returncode == 0

    @staticmethod
    def pings(host, guest, ip):
        return host.ping(guest, ip, count=2, interval=0.2, wait=1).received > 0

    def assert_matrix(self, cases):
        """cases: [(host, guest, protocol, ip, port or None for ICMP, expected)]; all probed,
        then compared at once so a failure shows the whole matrix."""
        rows = []
        for host, guest, protocol, ip, port, expected in cases:
            got = (self.pings(host, guest, ip) if protocol == "icmp"
                   else self.reach(host, guest, protocol, ip, port))
            rows.append("%-8s %-4s %-12s %-5s expected %-5s got %s%s" % (
                guest, protocol, ip, port or "", expected, got, "" if got == expected else "  <--"))
        table = "\n".join(rows)
        print("\n" + table)
        self.assertNotIn("<--", table, "\n" + table)

    # --- tests -----------------------------------------------------------------------------

    def test_default_group_admits_its_members_only(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.51.0.0/24")
        lonely = self.group("sg-lonely")
        a = self.guest(h1, "dga", net)
        b = self.guest(h2, "dgb", net)
        c = self.guest(h1, "dgc", net, security_groups=[lonely["id"]])
        default = self.api("GET", "/v2.0/security-groups?name=default").json()["security_groups"]
        self.assertEqual(a["security_groups"], [default[0]["id"]])
        h1.wait_ping("dga", b["ip"], timeout=10)
        self.assert_matrix([
            (h1, "dga", "icmp", b["ip"], None, True),   # across hosts, both members
            (h2, "dgb", "icmp", a["ip"], None, True),
            (h1, "dga", "icmp", c["ip"], None, False),  # c's group admits nobody
            (h1, "dgc", "icmp", a["ip"], None, False),  # c is no member of default
        ])

    def test_tcp_udp_icmp_by_port_range_and_remote_prefix_on_one_host_and_across(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.52.0.0/24")
        clients = self.group("sg-clients")
        server = self.group("sg-server")
        s = self.guest(h1, "mxs", net, ip="10.52.0.10", security_groups=[server["id"]])
        self.guest(h1, "mxnear", net, ip="10.52.0.11", security_groups=[clients["id"]])
        self.guest(h2, "mxfar", net, ip="10.52.0.12", security_groups=[clients["id"]])
        self.serve(h1, "mxs", tcp=[8000, 8001, 8002], udp=[5353, 5354])
        self.assertFalse(self.reach(h1, "mxnear", "tcp", s["ip"], 8000))  # nothing allowed yet
        self.rule(server, protocol="tcp", port_range_min=8000, port_range_max=8001,
                  remote_ip_prefix="10.52.0.11/32")
        self.rule(server, protocol="udp", port_range_min=5353, port_range_max=5353)
        self.rule(server, protocol="icmp", port_range_min=8, remote_ip_prefix="10.52.0.12/32")
        started = time.monotonic()
        self.wait_for(lambda: self.reach(h1, "mxnear", "tcp", s["ip"], 8000, 0.2),
                      "the new rules on h1", timeout=10, interval=0)
        print("\nrule create -> first allowed connection: %.3f s" % (time.monotonic() - started))
        self.assert_matrix([
            (h1, "mxnear", "tcp", s["ip"], 8000, True),
            (h1, "mxnear", "tcp", s["ip"], 8001, True),
            (h1, "mxnear", "tcp", s["ip"], 8002, False),  # outside the range
            (h2, "mxfar", "tcp", s["ip"], 8000, False),   # outside the prefix
            (h1, "mxnear", "udp", s["ip"], 5353, True),
            (h2, "mxfar", "udp", s["ip"], 5353, True),
            (h1, "mxnear", "udp", s["ip"], 5354, False),
            (h2, "mxfar", "udp", s["ip"], 5354, False),
            (h2, "mxfar", "icmp", s["ip"], None, True),   # echo request from the prefix
            (h1, "mxnear", "icmp", s["ip"], None, False),
        ])

    def test_egress_rules_limit_what_a_guest_opens(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.53.0.0/24")
        server = self.group("sg-open-server")
        self.rule(server, protocol="tcp")
        self.rule(server, protocol="icmp")
        s = self.guest(h2, "egs", net, ip="10.53.0.10", security_groups=[server["id"]])
        narrow = self.group("sg-narrow", egress=False)
        self.rule(narrow, direction="egress", protocol="tcp", port_range_min=8000,
                  port_range_max=8000, remote_ip_prefix=s["ip"] + "/32")
        self.guest(h1, "egc", net, security_groups=[narrow["id"]])
        self.serve(h2, "egs", tcp=[8000, 8001])
        self.wait_for(lambda: self.reach(h1, "egc", "tcp", s["ip"], 8000, 0.2),
                      "egress tcp/8000", timeout=10, interval=0)
        self.assert_matrix([
            (h1, "egc", "tcp", s["ip"], 8000, True),
            (h1, "egc", "tcp", s["ip"], 8001, False),
            (h1, "egc", "icmp", s["ip"], None, False),
        ])

    def test_remote_group_membership_opens_access_and_only_adds_flows(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.54.0.0/24")
        app = self.group("sg-app")
        db = self.group("sg-db")
        other = self.group("sg-other")
        self.rule(db, protocol="tcp", port_range_min=5432, port_range_max=5432,
                  remote_group_id=app["id"])
        s = self.guest(h1, "rgdb", net, security_groups=[db["id"]])
        self.guest(h1, "rgnear", net, security_groups=[app["id"]])
        self.guest(h2, "rgfar", net, security_groups=[app["id"]])
        x = self.guest(h2, "rgx", net, security_groups=[other["id"]])
        self.serve(h1, "rgdb", tcp=[5432, 5433])
        self.wait_for(lambda: self.reach(h2, "rgfar", "tcp", s["ip"], 5432, 0.2),
                      "remote group rule", timeout=10, interval=0)
        self.assert_matrix([
            (h1, "rgnear", "tcp", s["ip"], 5432, True),
            (h2, "rgfar", "tcp", s["ip"], 5432, True),
            (h1, "rgnear", "tcp", s["ip"], 5433, False),
            (h2, "rgx", "tcp", s["ip"], 5432, False),
        ])
        before = flow_set(h1)
        self.set_port(x, security_groups=[other["id"], app["id"]])
        started = time.monotonic()
        self.wait_for(lambda: self.reach(h2, "rgx", "tcp", s["ip"], 5432, 0.2),
                      "the new member admitted", timeout=10, interval=0)
        print("\ngroup membership change -> admitted: %.3f s" % (time.monotonic() - started))
        after = flow_set(h1)
        self.assertEqual(before - after, set(), "flows removed or changed")
        added = after - before
        self.assertEqual(len(added), 1, added)
        self.assertIn("nw_src=" + x["fixed_ips"][0]["ip_address"], added.pop())

    def test_long_lived_tcp_survives_rule_change_and_agent_restart(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.55.0.0/24")
        server = self.group("sg-long")
        allowing = self.rule(server, protocol="tcp", port_range_min=9000, port_range_max=9000)
        s = self.guest(h1, "lls", net, security_groups=[server["id"]])
        self.guest(h2, "llc", net, security_groups=[self.group("sg-long-client")["id"]])
        self.serve(h1, "lls", tcp=[9000])
        self.wait_for(lambda: self.reach(h2, "llc", "tcp", s["ip"], 9000, 0.2),
                      "tcp/9000 allowed", timeout=10, interval=0)
        stream = h2.guest_popen("llc", ["/usr/bin/python3", PROBE, "stream", s["ip"], "9000"],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(stream.kill)
        self.assertEqual(stream.stdout.readline().strip(), "connected")
        time.sleep(0.5)
        self.rule(server, protocol="udp", port_range_min=1234, port_range_max=1234)
        time.sleep(1)
        for host in (h1, h2):
            agent = host.daemons["neutrino-agent"]
            offset = agent.log_size()
            agent.restart()
            agent.wait_for_log("connected to the controller", after=offset, timeout=10)
        time.sleep(1)
        # The rule that admitted the connection goes: new connections are refused.
        self.assertEqual(self.api("DELETE", "/v2.0/security-group-rules/" +
                                  allowing["id"]).status, 204)
        self.wait_for(lambda: not self.reach(h2, "llc", "tcp", s["ip"], 9000, 0.3),
                      "new tcp/9000 connections refused", timeout=10, interval=0)
        stream.send_signal(signal.SIGTERM)
        stats = json.loads(stream.stdout.readline())
        stream.wait(5)
        print("\nlong-lived TCP through a rule change and two agent restarts: %s" % stats)
        self.assertIsNone(stats["error"], stats)
        self.assertGreater(stats["echoed"], 40, stats)
        self.assertGreaterEqual(stats["echoed"], stats["sent"] - 1, stats)
        self.assertLess(stats["longest_gap"], 1.0, stats)

    def test_a_new_port_with_a_deleted_ports_address_inherits_none_of_its_connections(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.59.0.0/24")
        server = self.group("sg-reuse")
        self.rule(server, protocol="tcp", port_range_min=9100, port_range_max=9100)
        old = self.guest(h1, "reuseold", net, ip="10.59.0.10", security_groups=[server["id"]])
        self.guest(h2, "reusec", net, security_groups=[self.group("sg-reuse-client")["id"]])
        self.serve(h1, "reuseold", tcp=[9100])
        self.wait_for(lambda: self.reach(h2, "reusec", "tcp", old["ip"], 9100, 0.2),
                      "tcp/9100 allowed", timeout=10, interval=0)
        stream = h2.guest_popen("reusec", ["/usr/bin/python3", PROBE, "stream", old["ip"],
                                           "9100"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(stream.kill)
        self.assertEqual(stream.stdout.readline().strip(), "connected")
        time.sleep(0.5)
        # The instance goes; a new one gets its MAC and address, in a group that admits
        # nothing. Had conntrack kept the old connection, the stream's packets would pass as
        # established and the new guest would answer them with resets.
        h1.remove_guest("reuseold")
        self.assertEqual(self.api("DELETE", "/v2.0/ports/" + old["id"]).status, 204)
        self.guest(h1, "reusenew", net, ip=old["ip"], mac_address=old["mac_address"],
                   security_groups=[self.group("sg-reuse-closed")["id"]])
        sniffer = h1.guest_popen("reusenew", ["timeout", "3", "tcpdump", "-p", "-i", "eth0",
                                              "-nn", "-l", "--immediate-mode", "tcp port 9100"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = sniffer.communicate(timeout=15)
        stream.send_signal(signal.SIGTERM)
        stats = json.loads(stream.stdout.readline())
        stream.wait(5)
        print("\nstream to the deleted port's address: %s" % stats)
        self.assertIn("0 packets captured", err, out + err)
        self.assertIsNone(stats["error"], stats)  # no reset from the new guest

    def test_no_group_blocks_and_port_security_off_opens(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.56.0.0/24")
        s = self.guest(h1, "nsgs", net)
        self.guest(h2, "nsgc", net)
        h2.wait_ping("nsgc", s["ip"], timeout=10)
        self.set_port(s, security_groups=[])  # openstack port set --no-security-group
        self.wait_for(lambda: not self.pings(h2, "nsgc", s["ip"]), "ping refused", timeout=10)
        self.set_port(s, port_security_enabled=False)
        h2.wait_ping("nsgc", s["ip"], timeout=10)

    def test_anti_spoofing_holds_whatever_the_rules(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.57.0.0/24")
        everything = self.group("sg-everything")
        self.rule(everything)  # ingress, any protocol, from anywhere
        self.guest(h1, "spfa", net, ip="10.57.0.10", security_groups=[everything["id"]])
        self.guest(h2, "spfb", net, ip="10.57.0.11", security_groups=[everything["id"]])
        h1.wait_ping("spfa", "10.57.0.11", timeout=10)
        h1.guest_run("spfa", "ip addr add 10.57.0.99/24 dev eth0")
        r = h1.guest_run("spfa", ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-I",
                                  "10.57.0.99", "10.57.0.11"], check=False)
        self.assertIn(" 0 received", r.stdout, r.stdout)

    def test_rule_change_for_a_group_of_100_ports(self):
        h1, _ = self.mh.hosts
        net = self.network("10.58.0.0/24")
        group = self.group("sg-hundred")
        self.rule(group, remote_group_id=group["id"])
        body = [{"network_id": net["id"], "binding:host_id": h1.name,
                 "security_groups": [group["id"]]} for _ in range(100)]
        created = self.api("POST", "/v2.0/ports", {"ports": body})
        self.assertEqual(created.status, 201, created)
        ports = created.json()["ports"]
        for port in ports:
            self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + port["id"])
        # Plugged as OVS internal ports: the agent wires them like guests' taps.
        names = ["sgh%03d" % i for i in range(len(ports))]
        args = []
        for name, port in zip(names, ports):
            args += ["--", "add-port", "br-int", name, "--", "set", "Interface", name,
                     "type=internal", "external_ids:iface-id=" + port["id"],
                     "external_ids:attached-mac=\"%s\"" % port["mac_address"],
                     "external_ids:iface-status=active"]
        h1.vsctl(*args)
        self.addCleanup(h1.vsctl, *sum([["--", "--if-exists", "del-port", n] for n in names], []))

        def active():
            listed = self.api("GET", "/v2.0/ports?network_id=%s&status=ACTIVE&fields=id"
                              % net["id"]).json()["ports"]
            return len(listed) >= 100
        self.wait_for(active, "100 ports ACTIVE", timeout=60, interval=0.2)

        def firewall_flows():
            return [f for f in h1.dump_flows("br-int", "--no-stats")
                    if any("table=%d," % t in f for t in (30, 31, 50, 51))]
        baseline = len(firewall_flows())
        total = len(h1.dump_flows("br-int"))
        agent = h1.daemons["neutrino-agent"]
        timings = {}
        for label, change in (("add", "create"), ("delete", "delete")):
            offset = agent.log_size()
            started = time.monotonic()
            if change == "create":
                ssh = self.rule(group, protocol="tcp", port_range_min=22, port_range_max=22,
                                remote_ip_prefix="192.0.2.0/24")
                want = baseline + 100
            else:
                self.api("DELETE", "/v2.0/security-group-rules/" + ssh["id"])
                want = baseline
            self.wait_for(lambda: len(firewall_flows()) == want, "rule %s applied" % label,
                          timeout=30, interval=0.01)
            timings[label] = time.monotonic() - started
            applied = agent.wait_for_log(r"br-int: \d+ flow changes applied.*", after=offset)
            timings[label + "_log"] = applied.group(0)
        print("\n100-port group on one host: %d flows on br-int, %d in the firewall tables; "
              "rule add applied in %.3f s, rule delete in %.3f s (API call to flows on the "
              "switch)\n%s\n%s" % (total, baseline, timings["add"], timings["delete"],
                                    timings["add_log"], timings["delete_log"]))
        # Linear: a few flows per port plus one per member address, not ports x members.
        self.assertLess(baseline, 100 * 40)
        self.assertLess(timings["add"], 5.0)


if __name__ == "__main__":
    unittest.main()
