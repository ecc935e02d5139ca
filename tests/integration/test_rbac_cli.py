"""RBAC policies (rbac-policies, rbac-security-groups, rbac-subnetpool, rbac-address-scope) as
tenants and an operator use them: the real `openstack network rbac ...` commands, raw HTTP
where the CLI hides Neutron's status and body, on SQLite and on PostgreSQL. Expected values are
Neutron's (neutron/extensions/rbac.py, rbac_db_mixin and its policy file).
"""

import unittest

import harness
from postgres_server import PostgresServer

ALICE = {"user": "rbac-alice", "project": "rbac-proj-a", "password": "rbac-alice-pw"}
BOB = {"user": "rbac-bob", "project": "rbac-proj-b", "password": "rbac-bob-pw"}
CAROL = {"user": "rbac-carol", "project": "rbac-proj-c", "password": "rbac-carol-pw"}


class SharingFlow:
    """The checks both store classes run: alice shares a network with bob only."""

    def create_members(self, controller):
        self.members = {who["user"]: controller.create_member(who["project"], who["user"],
                                                              who["password"])
                        for who in (ALICE, BOB, CAROL)}

    def http(self, who, method, path, body=None):
        return self.server.request(method, path, body, token=self.members[who["user"]]["token"])

    def project(self, who):
        return self.members[who["user"]]["project_id"]

    def check_targeted_share_over_http(self):
        net = self.http(ALICE, "POST", "/v2.0/networks", {"network": {"name": "n"}}).json()
        net_id = net["network"]["id"]
        self.assertEqual(self.http(BOB, "GET", "/v2.0/networks/" + net_id).status, 404)
        policy = self.http(ALICE, "POST", "/v2.0/rbac-policies", {"rbac_policy": {
            "object_type": "network", "object_id": net_id, "action": "access_as_shared",
            "target_tenant": self.project(BOB)}})
        self.assertEqual(policy.status, 201, policy)
        policy_id = policy.json()["rbac_policy"]["id"]
        shown = self.http(BOB, "GET", "/v2.0/networks/" + net_id)
        self.assertEqual(shown.status, 200, shown)
        self.assertTrue(shown.json()["network"]["shared"])
        self.assertEqual(self.http(CAROL, "GET", "/v2.0/networks/" + net_id).status, 404)
        self.http(ALICE, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net_id, "ip_version": 4, "cidr": "10.60.0.0/24"}})
        port = self.http(BOB, "POST", "/v2.0/ports", {"port": {"network_id": net_id}})
        self.assertEqual(port.status, 201, port)
        in_use = self.http(ALICE, "DELETE", "/v2.0/rbac-policies/" + policy_id)
        self.assertNeutronError(in_use, 409, "RbacPolicyInUse")
        dup = self.http(ALICE, "POST", "/v2.0/rbac-policies", {"rbac_policy": {
            "object_type": "network", "object_id": net_id, "action": "access_as_shared",
            "target_tenant": self.project(BOB)}})
        self.assertNeutronError(dup, 409, "DuplicateRbacPolicy",
                                "An RBAC policy already exists with those values.")
        self.assertEqual(self.http(BOB, "GET", "/v2.0/rbac-policies").json(),
                         {"rbac_policies": []})
        self.http(BOB, "DELETE", "/v2.0/ports/" + port.json()["port"]["id"])
        self.assertEqual(self.http(ALICE, "DELETE", "/v2.0/rbac-policies/" + policy_id).status,
                         204)
        self.assertEqual(self.http(BOB, "GET", "/v2.0/networks/" + net_id).status, 404)
        self.http(ALICE, "DELETE", "/v2.0/networks/" + net_id)


class RbacCliTest(harness.ControllerTestCase, SharingFlow):
    """The `openstack network rbac` commands for what a user does with them; setup and most
    checks go through raw HTTP, since every CLI call costs seconds on a loaded machine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.controller
        SharingFlow.create_members(cls, cls.controller)
        cls.admin_token = cls.controller.token()

    def cli(self, who, *args):
        return self.openstack(*args, user=who["user"], project=who["project"],
                              password=who["password"])

    def cli_fails(self, who, *args, expect=None):
        return self.assertCommandFails(*args, user=who["user"], project=who["project"],
                                       password=who["password"], expect=expect)

    def admin(self, method, path, body=None):
        return self.controller.request(method, path, body, token=self.admin_token)

    def network(self, who, **attributes):
        call = self.admin if who is None else (lambda *a: self.http(who, *a))
        net = call("POST", "/v2.0/networks", {"network": attributes}).json()["network"]
        self.addCleanup(call, "DELETE", "/v2.0/networks/" + net["id"])
        return net

    def test_network_shared_with_one_project_by_cli(self):
        net = self.network(ALICE, name="rbac-cli-net")
        self.http(ALICE, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": "10.61.0.0/24"}})
        policy = self.cli(ALICE, "network", "rbac", "create", "--type", "network", "--action",
                          "access_as_shared", "--target-project", self.project(BOB), net["id"],
                          "-f", "json")
        self.assertEqual((policy["object_id"], policy["target_project_id"], policy["action"]),
                         (net["id"], self.project(BOB), "access_as_shared"))
        shown = self.http(BOB, "GET", "/v2.0/networks/" + net["id"]).json()["network"]
        self.assertTrue(shown["shared"])
        self.assertEqual(self.http(CAROL, "GET", "/v2.0/networks/" + net["id"]).status, 404)
        port = self.http(BOB, "POST", "/v2.0/ports", {"port": {"network_id": net["id"]}})
        self.assertEqual(port.status, 201, port)
        # Bob's port depends on the grant: it cannot be removed.
        self.cli_fails(ALICE, "network", "rbac", "delete", policy["id"],
                       expect="cannot be removed because other objects depend on it")
        self.assertEqual(self.cli(BOB, "network", "rbac", "list", "-f", "json"), [])
        self.http(BOB, "DELETE", "/v2.0/ports/" + port.json()["port"]["id"])
        self.cli(ALICE, "network", "rbac", "set", "--target-project", self.project(CAROL),
                 policy["id"])
        shown = self.cli(ALICE, "network", "rbac", "show", policy["id"], "-f", "json")
        self.assertEqual(shown["target_project_id"], self.project(CAROL))
        self.assertEqual(self.http(CAROL, "GET", "/v2.0/networks/" + net["id"]).status, 200)
        self.assertEqual(self.http(BOB, "GET", "/v2.0/networks/" + net["id"]).status, 404)
        self.cli(ALICE, "network", "rbac", "delete", policy["id"])
        self.assertEqual(self.http(CAROL, "GET", "/v2.0/networks/" + net["id"]).status, 404)

    def test_wildcard_is_admin_only_and_is_the_shared_flag(self):
        mine = self.network(ALICE, name="rbac-wild")
        self.cli_fails(ALICE, "network", "rbac", "create", "--type", "network", "--action",
                       "access_as_shared", "--target-all-projects", mine["id"],
                       expect="disallowed by policy")
        shared = self.openstack("network", "create", "--share", "rbac-admin-shared", "-f",
                                "json")
        self.addCleanup(self.admin, "DELETE", "/v2.0/networks/" + shared["id"])
        wild = self.admin("GET", "/v2.0/rbac-policies?object_id=" + shared["id"]).json()
        self.assertEqual([(p["action"], p["target_tenant"]) for p in wild["rbac_policies"]],
                         [("access_as_shared", "*")])
        self.assertTrue(self.http(CAROL, "GET", "/v2.0/networks/" + shared["id"]).json()
                        ["network"]["shared"])
        self.openstack("network", "set", "--no-share", shared["id"])
        wild = self.admin("GET", "/v2.0/rbac-policies?object_id=" + shared["id"]).json()
        self.assertEqual(wild["rbac_policies"], [])
        self.assertEqual(self.http(CAROL, "GET", "/v2.0/networks/" + shared["id"]).status, 404)

    def test_security_group_shared_with_a_project(self):
        group = self.admin("POST", "/v2.0/security-groups",
                           {"security_group": {"name": "rbac-shared-sg"}}).json()["security_group"]
        self.addCleanup(self.admin, "DELETE", "/v2.0/security-groups/" + group["id"])
        policy = self.openstack("network", "rbac", "create", "--type", "security_group",
                                "--action", "access_as_shared", "--target-project",
                                self.project(BOB), group["id"], "-f", "json")
        self.addCleanup(self.admin, "DELETE", "/v2.0/rbac-policies/" + policy["id"])
        shared = self.http(BOB, "GET", "/v2.0/security-groups?shared=True").json()
        self.assertEqual([g["id"] for g in shared["security_groups"]], [group["id"]])
        own = self.http(BOB, "GET", "/v2.0/security-groups?shared=False").json()
        self.assertNotIn(group["id"], [g["id"] for g in own["security_groups"]])
        net = self.network(BOB, name="rbac-bob-net")
        self.http(BOB, "POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": "10.62.0.0/24"}})
        port = self.http(BOB, "POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "security_groups": [group["id"]]}})
        self.assertEqual(port.status, 201, port)
        self.addCleanup(self.http, BOB, "DELETE", "/v2.0/ports/" + port.json()["port"]["id"])
        self.assertEqual(port.json()["port"]["security_groups"], [group["id"]])
        self.assertNeutronError(self.admin("DELETE", "/v2.0/rbac-policies/" + policy["id"]), 409,
                                "RbacPolicyInUse")
        self.assertEqual(
            self.http(CAROL, "GET", "/v2.0/security-groups/" + group["id"]).status, 404)

    def test_targeted_share_over_http(self):
        self.check_targeted_share_over_http()


class RbacOnPostgresTest(unittest.TestCase, SharingFlow):
    """The same grants and refusals on a PostgreSQL store."""

    @classmethod
    def setUpClass(cls):
        cls.db = PostgresServer().start()
        cls.addClassCleanup(cls.db.stop)
        cls.server = harness.ControllerProcess(extra_args=["--database", cls.db.url])
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()
        SharingFlow.create_members(cls, cls.server)

    assertNeutronError = harness.ControllerTestCase.assertNeutronError

    def test_targeted_share_over_http(self):
        self.check_targeted_share_over_http()


if __name__ == "__main__":
    unittest.main()
