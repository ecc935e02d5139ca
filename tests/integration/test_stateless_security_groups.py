"""Stateless security groups (the stateful-security-group extension) on simulated hypervisors:
namespace guests on two hosts, a real controller and agents, driven through the Neutron API.

Proves: a port whose groups are stateless gets no conntrack: a reply no rule admits is dropped
(also from a stateful sender on the same host, whose frames were tracked on their way out),
and passes once an ingress rule admits it; such a port's connections leave no conntrack
entry on its host, while the stateful server's host holds one for the same connection. The
API refuses to switch a group in use and to mix stateful and stateless groups on one port.
"""

import os
import subprocess
import unittest

import multihost_cloud

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sg_probe.py")


class StatelessSecurityGroupTest(multihost_cloud.MultiHostCloud):

    def group(self, name, stateful=True):
        created = self.api("POST", "/v2.0/security-groups",
                           {"security_group": {"name": name, "stateful": stateful}})
        self.assertEqual(created.status, 201, created)
        group = created.json()["security_group"]
        self.assertEqual(group["stateful"], stateful)
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        return group

    def rule(self, group, direction="ingress", **fields):
        body = dict(fields, security_group_id=group["id"], direction=direction)
        created = self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": body})
        self.assertEqual(created.status, 201, created)
        return created.json()["security_group_rule"]

    def serve(self, host, guest, tcp):
        argv = ["/usr/bin/python3", PROBE, "serve", "--tcp"] + [str(p) for p in tcp]
        proc = host.guest_popen(guest, argv, stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.wait, 5)
        self.addCleanup(proc.terminate)
        self.assertEqual(proc.stdout.readline().strip(), "ready")

    @staticmethod
    def reach(host, guest, ip, port, timeout=1.0):
        r = host.guest_run(guest, ["/usr/bin/python3", PROBE, "connect", "tcp", ip, str(port),
                                   "--timeout", str(timeout)], check=False)
        return r.returncode == 0

    @staticmethod
    def conntrack(host, ip):
        """The host's conntrack entries (userspace datapath) that involve `ip`."""
        lines = host.appctl("dpctl/dump-conntrack").splitlines()
        return [line for line in lines if "=%s," % ip in line]

    def test_replies_need_a_rule_and_leave_no_conntrack_entry(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.61.0.0/24")
        server = self.group("sl-server")  # stateful: admits tcp/8000 and answers by conntrack
        self.rule(server, protocol="tcp", port_range_min=8000, port_range_max=8000)
        client = self.group("sl-client", stateful=False)  # egress to anywhere, no ingress
        s = self.guest(h1, "sls", net, ip="10.61.0.10", security_groups=[server["id"]])
        far = self.guest(h2, "slfar", net, ip="10.61.0.11", security_groups=[client["id"]])
        self.guest(h1, "slnear", net, ip="10.61.0.12", security_groups=[client["id"]])
        self.serve(h1, "sls", [8000])
        # The SYN goes out and is admitted; the SYN-ACK back is no new connection to a port
        # without conntrack, and no rule admits it.
        self.assertFalse(self.reach(h2, "slfar", s["ip"], 8000))
        self.assertFalse(self.reach(h1, "slnear", s["ip"], 8000))
        self.assertEqual(self.conntrack(h2, far["ip"]), [])
        # The server's side did track the attempt: conntrack works, the client just skips it.
        self.assertNotEqual(self.conntrack(h1, far["ip"]), [])
        self.rule(client, protocol="tcp", remote_ip_prefix=s["ip"] + "/32")
        self.wait_for(lambda: self.reach(h2, "slfar", s["ip"], 8000, 0.2),
                      "replies admitted by the new ingress rule", timeout=15, interval=0)
        self.assertTrue(self.reach(h1, "slnear", s["ip"], 8000))
        self.assertEqual(self.conntrack(h2, far["ip"]), [])
        # With the rule, the client's port also takes connections that rule admits: the
        # server opens one to it, answered through the client's egress rule.
        self.serve(h2, "slfar", [8001])
        self.assertTrue(self.reach(h1, "sls", far["ip"], 8001))
        self.assertEqual(self.conntrack(h2, far["ip"]), [])

    def test_the_api_keeps_a_ports_groups_all_stateful_or_all_stateless(self):
        h1, _ = self.mh.hosts
        net = self.network("10.62.0.0/24")
        stateless = self.group("sl-a", stateful=False)
        stateful = self.group("sl-b")
        port = self.guest(h1, "slapi", net, security_groups=[stateless["id"]])
        mixed = self.api("PUT", "/v2.0/ports/" + port["id"],
                         {"port": {"security_groups": [stateless["id"], stateful["id"]]}})
        self.assertEqual(mixed.status, 409, mixed)
        self.assertEqual(mixed.json()["NeutronError"]["type"], "SecurityGroupConflict")
        flip = self.api("PUT", "/v2.0/security-groups/" + stateless["id"],
                        {"security_group": {"stateful": True}})
        self.assertEqual(flip.status, 409, flip)
        self.assertEqual(flip.json()["NeutronError"]["type"], "SecurityGroupInUse")
        listed = self.api("GET", "/v2.0/security-groups?stateful=false").json()
        self.assertEqual([g["id"] for g in listed["security_groups"]], [stateless["id"]])


if __name__ == "__main__":
    unittest.main()
