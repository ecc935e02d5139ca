"""Neutron v2.0 security groups and rules driven by the real `openstack` CLI
(python3-openstackclient 6.0.0) as a tenant uses them, plus raw HTTP for the status codes and
NeutronError bodies of the refusals that matter. Expected values come from real Neutron (see
/work/shared/design/neutron-reference/ and neutron's securitygroups_db.py / extensions), not from
what the controller happens to answer.
"""

import json
import os
import unittest

import harness

ALICE = {"user": "sg-alice", "project": "sg-proj-a", "password": "sg-alice-pw"}
REFERENCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                          "..", "shared", "design", "neutron-reference", "samples"))


class SecurityGroupCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob = cls.controller.create_member("sg-proj-b", "sg-bob", "sg-bob-pw")

    def network(self, name):
        net = self.member_cli("network", "create", name, "-f", "json")
        self.member_cli("subnet", "create", "--network", name, "--subnet-range", "10.50.0.0/24",
                   name + "-sub", "-f", "json")

        def remove():
            resp = self.member_api("GET", "/v2.0/ports?network_id=" + net["id"], token=self.admin_token)
            for port in resp.json().get("ports", []):
                self.member_api("DELETE", "/v2.0/ports/" + port["id"], token=self.admin_token)
            self.member_api("DELETE", "/v2.0/networks/" + net["id"], token=self.admin_token)
        self.addCleanup(remove)
        return net

    def group(self, name):
        group = self.member_cli("security", "group", "create", name, "-f", "json")
        self.addCleanup(self.member_api, "DELETE", "/v2.0/security-groups/" + group["id"])
        return group

    # --- CLI ------------------------------------------------------------------------------------

    def test_group_and_rule_lifecycle(self):
        listed = self.member_cli("security", "group", "list", "-f", "json")
        self.assertEqual([g["Name"] for g in listed], ["default"])
        default_id = listed[0]["ID"]

        web = self.group("cli-web")
        self.assertEqual(web["name"], "cli-web")
        shown = self.member_cli("security", "group", "show", "cli-web", "-f", "json")
        self.assertEqual(shown["id"], web["id"])
        self.assertEqual(shown["stateful"], True)
        rules = self.member_cli("security", "group", "rule", "list", "cli-web", "-f", "json")
        self.assertEqual(sorted((r["Direction"], r["Ethertype"]) for r in rules),
                         [("egress", "IPv4"), ("egress", "IPv6")])

        ssh = self.member_cli("security", "group", "rule", "create", "--protocol", "tcp",
                         "--dst-port", "22", "--remote-ip", "10.0.0.0/24", "cli-web", "-f", "json")
        self.assertEqual((ssh["protocol"], ssh["port_range_min"], ssh["port_range_max"],
                          ssh["remote_ip_prefix"], ssh["direction"], ssh["ether_type"]),
                         ("tcp", 22, 22, "10.0.0.0/24", "ingress", "IPv4"))
        peer = self.member_cli("security", "group", "rule", "create", "--remote-group", "default",
                          "cli-web", "-f", "json")
        self.assertEqual(peer["remote_group_id"], default_id)
        ping = self.member_cli("security", "group", "rule", "create", "--protocol", "icmp", "cli-web",
                          "-f", "json")
        self.assertEqual(ping["protocol"], "icmp")
        v6 = self.member_cli("security", "group", "rule", "create", "--ethertype", "IPv6",
                        "--protocol", "icmp", "cli-web", "-f", "json")
        self.assertEqual((v6["ether_type"], v6["protocol"]), ("IPv6", "ipv6-icmp"))

        err = self.assertCommandFails("security", "group", "rule", "create", "--protocol", "tcp",
                                      "--dst-port", "22", "--remote-ip", "10.0.0.0/24", "cli-web",
                                      **ALICE)
        self.assertIn("Security group rule already exists. Rule id is %s." % ssh["id"],
                      err.stderr)

        rules = self.member_cli("security", "group", "rule", "list", "cli-web", "-f", "json")
        self.assertEqual(len(rules), 6)
        self.assertEqual(self.member_cli("security", "group", "rule", "show", ssh["id"], "-f",
                                    "json")["security_group_id"], web["id"])
        self.member_cli("security", "group", "rule", "delete", ssh["id"])
        self.assertEqual(len(self.member_cli("security", "group", "rule", "list", "cli-web",
                                        "-f", "json")), 5)

        self.member_cli("security", "group", "set", "--name", "cli-web2", "--description", "web",
                   "cli-web")
        shown = self.member_cli("security", "group", "show", "cli-web2", "-f", "json")
        self.assertEqual((shown["name"], shown["description"]), ("cli-web2", "web"))
        self.assertCommandFails("security", "group", "set", "--name", "other", "default",
                                expect="Updating default security group not allowed", **ALICE)
        self.assertCommandFails("security", "group", "delete", "default",
                                expect="Insufficient rights for removing default security group",
                                **ALICE)
        self.member_cli("security", "group", "delete", "cli-web2")
        self.assertCommandFails("security", "group", "show", web["id"], **ALICE)
        # The default group's rule naming cli-web2 went with it.
        self.assertEqual(self.member_api("GET", "/v2.0/security-group-rules/" + peer["id"]).status, 404)

    def test_ports_and_groups(self):
        self.network("sg-net")
        default_id = self.member_cli("security", "group", "show", "default", "-f", "json")["id"]
        web = self.group("sg-port-web")

        port = self.member_cli("port", "create", "--network", "sg-net", "sg-p1", "-f", "json")
        self.assertEqual(port["security_group_ids"], [default_id])
        self.member_cli("port", "set", "--security-group", "sg-port-web", "sg-p1")
        shown = self.member_cli("port", "show", "sg-p1", "-f", "json")
        self.assertEqual(sorted(shown["security_group_ids"]), sorted([default_id, web["id"]]))
        listed = self.member_api("GET", "/v2.0/ports?security_groups=" + web["id"]).json()["ports"]
        self.assertEqual([p["id"] for p in listed], [port["id"]])

        self.assertCommandFails("security", "group", "delete", "sg-port-web",
                                expect="in use", **ALICE)
        self.assertCommandFails("port", "set", "--disable-port-security", "sg-p1",
                                expect="Port has security group associated", **ALICE)
        self.member_cli("port", "set", "--no-security-group", "sg-p1")
        self.assertEqual(self.member_cli("port", "show", "sg-p1", "-f", "json")["security_group_ids"],
                         [])
        self.member_cli("port", "set", "--disable-port-security", "sg-p1")

        open_port = self.member_cli("port", "create", "--network", "sg-net", "--disable-port-security",
                               "sg-p2", "-f", "json")
        self.assertEqual(open_port["security_group_ids"], [])
        self.assertFalse(open_port["port_security_enabled"])
        self.assertCommandFails("port", "create", "--network", "sg-net",
                                "--disable-port-security", "--security-group", "sg-port-web",
                                "sg-p3", expect="Port security must be enabled", **ALICE)

        # What an operator sees in the store.
        rows = self.controller.sql("SELECT security_group_id FROM securitygroupportbindings "
                                   "WHERE port_id = '%s'" % port["id"])
        self.assertEqual(rows, [])

    def test_stateless_groups(self):
        self.network("sl-net")
        group = self.member_cli("security", "group", "create", "--stateless", "cli-sl", "-f", "json")
        self.addCleanup(self.member_api, "DELETE", "/v2.0/security-groups/" + group["id"])
        self.assertEqual(group["stateful"], False)
        self.member_cli("security", "group", "set", "--stateful", "cli-sl")
        self.assertEqual(self.member_cli("security", "group", "show", "cli-sl", "-f", "json")[
            "stateful"], True)
        self.member_cli("security", "group", "set", "--stateless", "cli-sl")
        self.member_cli("port", "create", "--network", "sl-net", "--security-group", "cli-sl",
                   "sl-p1", "-f", "json")
        # In use: its ports' firewalls would switch mode under them (Neutron: 409).
        self.assertCommandFails("security", "group", "set", "--stateful", "cli-sl",
                                expect="in use", **ALICE)
        self.assertCommandFails("port", "set", "--security-group", "default", "sl-p1",
                                expect="Cannot apply both stateful and stateless", **ALICE)

    # --- raw HTTP ---------------------------------------------------------------------------

    def test_body_matches_neutron_sample(self):
        with open(os.path.join(REFERENCE, "sg-create.json")) as f:
            sample = json.load(f)["security_group"]
        resp = self.member_api("POST", "/v2.0/security-groups", {"security_group": {"name": "sample"}})
        self.assertEqual(resp.status, 201, resp)
        group = resp.json()["security_group"]
        self.addCleanup(self.member_api, "DELETE", "/v2.0/security-groups/" + group["id"])
        self.assertEqual(set(group), set(sample))
        self.assertEqual(group["revision_number"], 1)
        for rule in group["security_group_rules"]:
            self.assertEqual(set(rule), set(sample["security_group_rules"][0]) -
                             {"standard_attr_id"})
            self.assertIsNone(rule["description"])
        self.assertEqual(sorted((r["direction"], r["ethertype"], r["remote_group_id"])
                                for r in group["security_group_rules"]),
                         [("egress", "IPv4", None), ("egress", "IPv6", None)])
        resp = self.member_api("GET", "/v2.0/extensions/security-group")
        self.assertEqual(resp.status, 200, resp)

    def test_refusals_match_neutron(self):
        resp = self.member_api("POST", "/v2.0/security-groups", {"security_group": {"name": "g"}})
        group = resp.json()["security_group"]
        self.addCleanup(self.member_api, "DELETE", "/v2.0/security-groups/" + group["id"])
        gid = group["id"]

        def rule(**attrs):
            attrs.setdefault("security_group_id", gid)
            attrs.setdefault("direction", "ingress")
            return self.member_api("POST", "/v2.0/security-group-rules", {"security_group_rule": attrs})

        cases = [
            (rule(protocol="bogus"), 400, "SecurityGroupRuleInvalidProtocol", None),
            (rule(protocol="tcp", port_range_min=90, port_range_max=80), 400,
             "SecurityGroupInvalidPortRange",
             "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
            (rule(protocol="tcp", port_range_min=70000, port_range_max=70000), 400,
             "SecurityGroupInvalidPortValue", "Invalid value for port 70000"),
            (rule(port_range_min=22, port_range_max=22), 400,
             "SecurityGroupProtocolRequiredWithPorts",
             "Must also specify protocol if port range is given."),
            (rule(remote_ip_prefix="2001:db8::/64"), 400, "SecurityGroupRuleParameterConflict",
             "Conflicting value ethertype IPv4 for CIDR 2001:db8::/64"),
            (rule(remote_ip_prefix="10.0.0.0/8", remote_group_id=gid), 400,
             "SecurityGroupMultipleRemoteEntites",
             "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be "
             "provided."),
            (rule(remote_ip_prefix="not-a-cidr"), 400, "InvalidCIDR",
             "Invalid CIDR not-a-cidr given as IP prefix."),
            (rule(direction="sideways"), 400, "HTTPBadRequest",
             "Invalid input for direction. Reason: 'sideways' is not in ['ingress', 'egress']."),
            (rule(protocol="icmp", port_range_min=300), 400, "SecurityGroupInvalidIcmpValue",
             "Invalid value for ICMP type (port_range_min) 300. It must be 0 to 255."),
            (rule(direction="egress"), 409, "SecurityGroupRuleExists", None),
            (self.member_api("POST", "/v2.0/security-groups", {"security_group": {"name": "default"}}),
             409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists."),
            (self.member_api("GET", "/v2.0/security-groups/" + gid, token=self.bob["token"]), 404,
             "SecurityGroupNotFound", "Security group %s does not exist" % gid),
            (self.member_api("POST", "/v2.0/security-group-rules",
                      {"security_group_rule": {"security_group_id": gid, "direction": "ingress"}},
                      token=self.bob["token"]), 404, "SecurityGroupNotFound", None),
        ]
        for resp, status, error_type, message in cases:
            with self.subTest(error_type=error_type):
                self.assertNeutronError(resp, status, error_type, message)

        net = self.member_api("POST", "/v2.0/networks", {"network": {"name": "sg-raw"}}).json()["network"]
        self.addCleanup(self.member_api, "DELETE", "/v2.0/networks/" + net["id"])
        resp = self.member_api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "port_security_enabled": False, "security_groups": [gid]}})
        self.assertNeutronError(
            resp, 400, "PortSecurityAndIPRequiredForSecurityGroups",
            "Port security must be enabled and port must have an IP address in order to use "
            "security groups.")
        resp = self.member_api("POST", "/v2.0/ports", {"port": {"network_id": net["id"],
                                                         "security_groups": [gid]}})
        self.assertEqual(resp.status, 201, resp)
        port = resp.json()["port"]
        self.addCleanup(self.member_api, "DELETE", "/v2.0/ports/" + port["id"])
        self.assertEqual(port["security_groups"], [gid])
        self.assertNeutronError(self.member_api("DELETE", "/v2.0/security-groups/" + gid), 409,
                                "SecurityGroupInUse", "Security Group %s in use." % gid)
        self.assertNeutronError(
            self.member_api("PUT", "/v2.0/ports/" + port["id"],
                     {"port": {"port_security_enabled": False}}), 409,
            "PortSecurityPortHasSecurityGroup",
            "Port has security group associated. Cannot disable port security or IP address "
            "until security group is removed.")
        resp = self.member_api("PUT", "/v2.0/ports/" + port["id"],
                        {"port": {"port_security_enabled": False, "security_groups": []}})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["port"]["security_groups"], [])
        # Nothing a refusal touched changed: still only the two egress rules.
        rules = self.member_api("GET", "/v2.0/security-group-rules?security_group_id=" + gid)
        self.assertEqual(len(rules.json()["security_group_rules"]), 2)


if __name__ == "__main__":
    unittest.main()
