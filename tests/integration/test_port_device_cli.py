"""A port's NUMA affinity policy and device profile (port-numa-affinity-policy[-socket],
port-device-profile) through the real `openstack` CLI (python3-openstackclient 6.0.0:
`port create --numa-policy-* --device-profile`, `port set/unset`) and raw HTTP where the CLI
has no option (the "socket" policy, null, invalid values). Values and errors are Neutron's
(neutron-lib's port_numa_affinity_policy and port_device_profile definitions).
"""

import unittest

import harness

ALICE = {"user": "pdev-alice", "project": "pdev-proj", "password": "pdev-alice-pw"}


class PortDeviceCliTest(harness.ControllerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.controller.create_member(ALICE["project"], ALICE["user"],
                                                  ALICE["password"])
        cls.admin_token = cls.controller.token()

    def alice(self, *args):
        return self.openstack(*args, **ALICE)

    def api(self, method, path, body=None):
        return self.controller.request(method, path, body, token=self.member["token"])

    def test_extensions_are_advertised(self):
        aliases = {e["alias"] for e in self.controller.request(
            "GET", "/v2.0/extensions", token=self.admin_token).json()["extensions"]}
        self.assertLessEqual({"port-numa-affinity-policy", "port-numa-affinity-policy-socket",
                              "port-device-profile"}, aliases)

    def test_numa_policy_and_device_profile_through_the_cli(self):
        net = self.alice("network", "create", "pdev-net", "-f", "json")
        self.addCleanup(self.controller.request, "DELETE", "/v2.0/networks/" + net["id"],
                        token=self.admin_token)
        port = self.alice("port", "create", "--network", "pdev-net", "--numa-policy-required",
                          "--device-profile", "pdev-gpu", "pdev-port", "-f", "json")
        self.assertEqual(port["numa_affinity_policy"], "required")
        self.assertEqual(port["device_profile"], "pdev-gpu")
        self.alice("port", "set", "--numa-policy-legacy", "pdev-port")
        shown = self.alice("port", "show", "pdev-port", "-f", "json")
        self.assertEqual(shown["numa_affinity_policy"], "legacy")
        self.assertGreater(shown["revision_number"], port["revision_number"])
        self.alice("port", "unset", "--numa-policy", "pdev-port")
        self.assertIsNone(self.alice("port", "show", "pdev-port", "-f", "json")[
            "numa_affinity_policy"])
        # "socket" (port-numa-affinity-policy-socket) has no CLI option in this client.
        r = self.api("PUT", "/v2.0/ports/" + port["id"],
                     {"port": {"numa_affinity_policy": "socket"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["port"]["numa_affinity_policy"], "socket")
        listed = self.alice("port", "list", "--long", "-f", "json")
        self.assertIn("pdev-port", [row["Name"] for row in listed])

    def test_bad_values_are_refused_and_change_nothing(self):
        net = self.alice("network", "create", "pdev-bad", "-f", "json")
        self.addCleanup(self.controller.request, "DELETE", "/v2.0/networks/" + net["id"],
                        token=self.admin_token)
        r = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "numa_affinity_policy": "anywhere"}})
        self.assertNeutronError(r, 400, "HTTPBadRequest")
        self.assertIn("anywhere is not in", r.json()["NeutronError"]["message"])
        self.assertEqual(self.api("GET", "/v2.0/ports?network_id=" + net["id"]).json(),
                         {"ports": []})
        port = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "device_profile": "pdev-a"}}).json()["port"]
        self.assertIsNone(port["numa_affinity_policy"])
        r = self.api("PUT", "/v2.0/ports/" + port["id"], {"port": {"device_profile": "pdev-b"}})
        self.assertNeutronError(r, 400)
        self.assertEqual(self.api("GET", "/v2.0/ports/" + port["id"]).json()["port"][
            "device_profile"], "pdev-a")


if __name__ == "__main__":
    unittest.main()
