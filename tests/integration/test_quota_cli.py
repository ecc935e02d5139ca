"""Neutron quotas (quotas, quota_details, quota-check-limit) as an operator and a tenant use
them: the real `openstack` CLI (python3-openstackclient 6.0.0, which has `quota set/show/list`
but no `quota delete`, so the reset goes through the API as the SDK would), raw HTTP for
Neutron's status codes and bodies, and eight clients racing past a limit on SQLite and on
PostgreSQL (two controllers sharing one database). Expected values are Neutron's: its
neutron.conf [quotas] defaults and quotasv2.py / OverQuota messages.
"""

import json
import threading
import unittest

import harness
from postgres_server import PostgresServer

ALICE = {"user": "quota-alice", "project": "quota-proj-a", "password": "quota-alice-pw"}
DEFAULTS = {"network": 100, "subnet": 100, "subnetpool": -1, "port": 500, "router": 10,
            "floatingip": 50, "rbac_policy": 10, "security_group": 10,
            "security_group_rule": 100}


def race(urls, token, project_id, clients=8, attempts=3):
    """`clients` threads, spread over the controllers at `urls`, each POSTing `attempts`
    networks for the project. Returns the statuses seen."""
    statuses = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(url):
        with harness.KeepAliveClient(url, token) as http:
            start.wait()
            for _ in range(attempts):
                resp = http.request("POST", "/v2.0/networks",
                                    {"network": {"project_id": project_id}})
                with lock:
                    statuses.append((resp.status, resp.body))

    threads = [threading.Thread(target=client, args=(urls[i % len(urls)],))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


class QuotaCliTest(harness.MemberTestCase):
    member_credentials = ALICE
    controller_args = ("--api-workers", "4")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project_id = cls.member["project_id"]

    def setUp(self):
        self.addCleanup(self.cleanup)

    def cleanup(self):
        for kind in ("ports", "networks"):
            resp = self.admin_api("GET", "/v2.0/%s?project_id=%s" % (kind, self.project_id))
            for item in resp.json()[kind]:
                self.admin_api("DELETE", "/v2.0/%s/%s" % (kind, item["id"]))
        self.admin_api("DELETE", "/v2.0/quotas/" + self.project_id)

    def networks_in_store(self):
        return int(self.controller.sql("SELECT COUNT(*) FROM networks WHERE project_id = '%s'"
                                       % self.project_id)[0][0])

    def test_set_show_list_and_reset(self):
        shown = self.openstack("quota", "show", ALICE["project"], "-f", "json")
        self.assertEqual((shown["networks"], shown["ports"], shown["secgroups"],
                          shown["secgroup-rules"], shown["subnets"]), (100, 500, 10, 100, 100))
        self.openstack("quota", "set", "--networks", "3", "--ports", "7", "--secgroups", "4",
                       ALICE["project"])
        shown = self.openstack("quota", "show", ALICE["project"], "-f", "json")
        self.assertEqual((shown["networks"], shown["ports"], shown["secgroups"],
                          shown["subnets"]), (3, 7, 4, 100))
        listed = self.openstack("quota", "list", "--network", "-f", "json")
        mine = [q for q in listed if q["Project ID"] == self.project_id]
        self.assertEqual(len(mine), 1, listed)
        self.assertEqual((mine[0]["Networks"], mine[0]["Ports"]), (3, 7))
        default = self.openstack("quota", "show", "--default", ALICE["project"], "-f", "json")
        self.assertEqual(default["networks"], 100)
        # The tenant reads its own limits, but may not change them.
        self.assertEqual(self.member_cli("quota", "show", "-f", "json")["networks"], 3)
        err = self.assertCommandFails("quota", "set", "--networks", "50", ALICE["project"],
                                      **ALICE)
        self.assertIn("403", err.stderr)
        # Reset (DELETE): the defaults again, and no longer listed.
        self.assertEqual(self.admin_api("DELETE", "/v2.0/quotas/" + self.project_id).status, 204)
        self.assertEqual(self.admin_api("GET", "/v2.0/quotas/" + self.project_id).json()["quota"],
                         DEFAULTS)
        listed = self.openstack("quota", "list", "--network", "-f", "json")
        self.assertNotIn(self.project_id, [q["Project ID"] for q in listed])
        self.assertNeutronError(self.admin_api("DELETE", "/v2.0/quotas/" + self.project_id), 404,
                                "ProjectQuotaNotFound")

    def test_creating_past_the_quota_is_409_and_creates_nothing(self):
        self.openstack("quota", "set", "--networks", "1", ALICE["project"])
        self.member_cli("network", "create", "first", "-f", "json")
        err = self.assertCommandFails("network", "create", "second", **ALICE)
        self.assertIn("Quota exceeded for resources: ['network']", err.stderr)
        resp = self.admin_api("POST", "/v2.0/networks", {"network": {"name": "third"}},
                        token=self.member["token"])
        self.assertNeutronError(resp, 409, "OverQuota",
                                "Quota exceeded for resources: ['network'].")
        # A bulk create that does not fit creates none of its networks.
        self.openstack("quota", "set", "--networks", "2", ALICE["project"])
        resp = self.admin_api("POST", "/v2.0/networks",
                        {"networks": [{"name": "b1"}, {"name": "b2"}]}, token=self.member["token"])
        self.assertNeutronError(resp, 409, "OverQuota")
        self.assertEqual(self.networks_in_store(), 1)
        # The usage the tenant sees (`quota list --detail` would need identity:list_projects).
        detail = self.admin_api("GET", "/v2.0/quotas/%s/details.json" % self.project_id,
                          token=self.member["token"]).json()["quota"]
        self.assertEqual(detail["network"], {"limit": 2, "used": 1, "reserved": 0})

    def test_port_and_security_group_quotas_count_what_neutron_counts(self):
        net = self.member_cli("network", "create", "pq", "-f", "json")
        self.member_cli("subnet", "create", "--network", "pq", "--subnet-range", "10.61.0.0/24",
                   "pq-sub")
        self.openstack("quota", "set", "--ports", "1", "--secgroups", "2", ALICE["project"])
        self.member_cli("port", "create", "--network", net["id"], "p1")
        err = self.assertCommandFails("port", "create", "--network", net["id"], "p2", **ALICE)
        self.assertIn("Quota exceeded for resources: ['port']", err.stderr)
        # The default group counts: with a limit of 2, the tenant creates one group of its own.
        self.member_cli("security", "group", "create", "sg1")
        err = self.assertCommandFails("security", "group", "create", "sg2", **ALICE)
        self.assertIn("Quota exceeded for resources: ['security_group']", err.stderr)
        details = self.admin_api("GET", "/v2.0/quotas/%s/details" % self.project_id,
                           token=self.member["token"]).json()["quota"]
        self.assertEqual(details["security_group"], {"limit": 2, "used": 2, "reserved": 0})
        self.assertEqual(details["port"], {"limit": 1, "used": 1, "reserved": 0})
        for g in self.member_cli("security", "group", "list", "-f", "json"):
            if g["Name"] == "sg1":
                self.member_cli("security", "group", "delete", g["ID"])

    def test_refusals_in_neutrons_format(self):
        path = "/v2.0/quotas/" + self.project_id
        self.assertNeutronError(self.admin_api("PUT", path, {"quota": {"network": -2}}), 400,
                                "HTTPBadRequest", "Invalid input for network. Reason: '-2' is "
                                "not in range -1 through 2147483647.")
        self.assertNeutronError(self.admin_api("PUT", path, {"quota": {"widget": 1}}), 400,
                                "HTTPBadRequest", "Unrecognized attribute(s) 'widget'")
        self.assertNeutronError(self.admin_api("PUT", path, {"quota": {"network": 1}},
                                         token=self.member["token"]), 403)
        self.assertNeutronError(self.admin_api("GET", "/v2.0/quotas", token=self.member["token"]), 403)
        other = self.controller.create_member("quota-proj-b", "quota-bob", "quota-bob-pw")
        self.assertNeutronError(self.admin_api("GET", "/v2.0/quotas/" + other["project_id"],
                                         token=self.member["token"]), 403)
        self.member_cli("network", "create", "one")
        self.assertNeutronError(
            self.admin_api("PUT", path, {"quota": {"network": 0, "check_limit": True}}), 400,
            "HTTPBadRequest",
            "Quota limit 0 for network must be greater than or equal to already used 1")
        self.assertEqual(self.admin_api("GET", path).json()["quota"]["network"], 100)

    def test_eight_clients_racing_past_the_limit_get_exactly_the_limit(self):
        self.admin_api("PUT", "/v2.0/quotas/" + self.project_id, {"quota": {"network": 5}})
        statuses = race([self.controller.url], self.admin_token, self.project_id)
        self.assertEqual(sorted(s for s, _ in statuses), [201] * 5 + [409] * 19, statuses)
        self.assertEqual(self.networks_in_store(), 5)


class QuotaRaceOnPostgresTest(unittest.TestCase):
    """Two controllers on one PostgreSQL database: the racing creates arrive at both."""

    @classmethod
    def setUpClass(cls):
        cls.db = PostgresServer().start()
        cls.addClassCleanup(cls.db.stop)
        args = ["--database", cls.db.url, "--api-workers", "4"]
        cls.a = harness.ControllerProcess(extra_args=args)
        cls.addClassCleanup(cls.a.stop)
        cls.a.start()
        cls.b = harness.ControllerProcess(extra_args=args)
        cls.addClassCleanup(cls.b.stop)
        cls.b.start()

    def test_eight_clients_on_two_controllers_get_exactly_the_limit(self):
        token = self.a.token()
        member = self.a.create_member("quota-pg", "quota-pg-user", "quota-pg-pw")
        project = member["project_id"]
        resp = self.a.request("PUT", "/v2.0/quotas/" + project, {"quota": {"network": 5}},
                              token=token)
        self.assertEqual(resp.status, 200, resp)
        statuses = race([self.a.url, self.b.url], token, project)
        self.assertEqual(sorted(s for s, _ in statuses), [201] * 5 + [409] * 19, statuses)
        rows = self.db.psql("SELECT COUNT(*) FROM networks WHERE project_id = '%s'" % project)
        self.assertEqual(rows, [("5",)])
        details = self.b.request("GET", "/v2.0/quotas/%s/details" % project, token=token)
        self.assertEqual(json.loads(details.body)["quota"]["network"]["used"], 5)


if __name__ == "__main__":
    unittest.main()
