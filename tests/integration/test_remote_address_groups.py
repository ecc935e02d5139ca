"""Security group rules whose remote is an address group (security-groups-remote-address-group)
on simulated hypervisors, driven as a user would with the `openstack` CLI: namespace guests on
two hosts, a real controller and agents, real OVS.

Proves: a rule naming an address group admits traffic from the group's addresses and not from
others; adding an address to the group admits it, with nothing restarted; the group cannot be
deleted while the rule names it (409 AddressGroupInUse); rules show remote_address_group_id and
filter on it; a group shared with another project (rbac-address-group, `openstack network rbac
create --type address_group`) is seen and used in its rules, and the policy cannot be removed
while such a rule exists (409 RbacPolicyInUse); the pushed state stays equal to a full
recompute (the cleanup every test runs).
"""

import unittest

import harness
import multihost_cloud


class RemoteAddressGroupTest(multihost_cloud.MultiHostCloud):

    def cli(self, *args):
        return self.ctl.openstack(*args)

    def group(self, name):
        group = self.cli("security", "group", "create", name, "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        return group

    def test_a_rule_admits_the_groups_addresses_and_follows_its_changes(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.63.0.0/24")
        ag = self.cli("address", "group", "create", "--address", "10.63.0.11",
                      "--address", "2001:db8:63::/64", "rag-clients", "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/address-groups/" + ag["id"])
        server = self.group("rag-server")
        clients = self.group("rag-clients")  # egress anywhere, replies by conntrack
        rule = self.cli("security", "group", "rule", "create", "--ingress", "--protocol", "icmp",
                        "--remote-address-group", "rag-clients", server["id"], "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/security-group-rules/" + rule["id"])
        self.assertEqual(rule["remote_address_group_id"], ag["id"])
        stored = self.api("GET", "/v2.0/security-group-rules/" + rule["id"]).json()
        self.assertIsNone(stored["security_group_rule"]["remote_ip_prefix"])

        s = self.guest(h1, "rags", net, ip="10.63.0.10", security_groups=[server["id"]])
        self.guest(h2, "ragin", net, ip="10.63.0.11", security_groups=[clients["id"]])
        self.guest(h1, "ragout", net, ip="10.63.0.12", security_groups=[clients["id"]])
        self.assert_ping(h2, "ragin", s["ip"])
        self.assert_no_ping(h1, "ragout", s["ip"])

        self.cli("address", "group", "set", "--address", "10.63.0.12", "rag-clients")
        self.wait_for(lambda: h1.ping("ragout", s["ip"], count=1, wait=1).received > 0,
                      "the added address admitted", timeout=15, interval=0)
        self.assert_ping(h2, "ragin", s["ip"])
        self.cli("address", "group", "unset", "--address", "10.63.0.11", "rag-clients")
        self.wait_for(lambda: h2.ping("ragin", s["ip"], count=1, wait=1).received == 0,
                      "the removed address refused", timeout=15, interval=0)
        self.assert_ping(h1, "ragout", s["ip"])

        with self.assertRaises(harness.CommandError) as refused:
            self.cli("address", "group", "delete", "rag-clients")
        self.assertIn("in use", refused.exception.stderr)
        filtered = self.api("GET", "/v2.0/security-group-rules?remote_address_group_id=" +
                            ag["id"]).json()["security_group_rules"]
        self.assertEqual([r["id"] for r in filtered], [rule["id"]])

    def test_a_group_shared_with_a_project_is_usable_by_its_rules(self):
        bob = self.ctl.create_member("rag-proj-b", "rag-bob", "rag-bob-pw")
        as_bob = {"user": "rag-bob", "project": "rag-proj-b", "password": "rag-bob-pw"}
        ag = self.cli("address", "group", "create", "--address", "10.64.0.0/24", "rag-shared",
                      "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/address-groups/" + ag["id"])
        with self.assertRaises(harness.CommandError):
            self.ctl.openstack("address", "group", "show", ag["id"], **as_bob)
        policy = self.cli("network", "rbac", "create", "--type", "address_group",
                          "--action", "access_as_shared", "--target-project", bob["project_id"],
                          ag["id"], "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/rbac-policies/" + policy["id"])
        shown = self.ctl.openstack("address", "group", "show", ag["id"], "-f", "json", **as_bob)
        self.assertEqual(shown["addresses"], ["10.64.0.0/24"])
        group = self.ctl.openstack("security", "group", "create", "rag-bob-sg", "-f", "json",
                                   **as_bob)
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        rule = self.ctl.openstack("security", "group", "rule", "create", "--ingress",
                                  "--remote-address-group", ag["id"], group["id"], "-f", "json",
                                  **as_bob)
        refused = self.api("DELETE", "/v2.0/rbac-policies/" + policy["id"])
        self.assertEqual(refused.status, 409, refused)
        self.assertEqual(refused.json()["NeutronError"]["type"], "RbacPolicyInUse")
        self.ctl.openstack("security", "group", "rule", "delete", rule["id"], **as_bob)
        self.cli("network", "rbac", "delete", policy["id"])
        with self.assertRaises(harness.CommandError):
            self.ctl.openstack("address", "group", "show", ag["id"], **as_bob)

    def test_the_api_refuses_what_neutron_refuses(self):
        server = self.group("rag-refusals")
        ag = self.api("POST", "/v2.0/address-groups",
                      {"address_group": {"name": "rag-r", "addresses": ["10.0.0.0/8"]}})
        self.assertEqual(ag.status, 201, ag)
        ag = ag.json()["address_group"]
        self.addCleanup(self.api, "DELETE", "/v2.0/address-groups/" + ag["id"])
        cases = [
            ({"remote_address_group_id": ag["id"], "remote_ip_prefix": "10.0.0.0/8"},
             400, "SecurityGroupMultipleRemoteEntites"),
            ({"remote_address_group_id": ag["id"], "remote_group_id": server["id"]},
             400, "SecurityGroupMultipleRemoteEntites"),
            ({"remote_address_group_id": "00000000-0000-0000-0000-000000000000"},
             404, "AddressGroupNotFound"),
        ]
        for fields, status, kind in cases:
            body = dict(fields, security_group_id=server["id"], direction="ingress")
            r = self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": body})
            self.assertEqual(r.status, status, r)
            self.assertEqual(r.json()["NeutronError"]["type"], kind)
        extensions = [e["alias"] for e in self.api("GET", "/v2.0/extensions").json()["extensions"]]
        self.assertIn("security-groups-remote-address-group", extensions)
        self.assertIn("rbac-address-group", extensions)


if __name__ == "__main__":
    unittest.main()
