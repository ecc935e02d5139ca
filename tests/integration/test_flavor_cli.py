"""Neutron's service flavors (the flavors extension) through the real `openstack` CLI
(`network flavor ...`, `network flavor profile ...`) and raw HTTP where the CLI has no command:
an admin creates, binds, disables and deletes flavors and profiles; a member reads flavors and
is refused writes (403) and profiles (empty list, 404) as Neutron's policy says; the refusals
are Neutron's error types. Also `/v2.0/service-providers`, which lists no provider since no
advanced service plugin is loaded.
"""

import unittest

import harness

MEMBER = {"user": "flv-alice", "project": "flv-proj", "password": "flv-alice-pw"}


class FlavorCliTest(harness.ControllerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controller.create_member(MEMBER["project"], MEMBER["user"], MEMBER["password"])
        cls.admin_token = cls.controller.token()
        cls.member_token = cls.controller.token(MEMBER["user"], MEMBER["project"],
                                                MEMBER["password"])

    def api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.admin_token if token is None else token)

    def test_flavor_and_profile_lifecycle_through_the_cli(self):
        profile = self.openstack("network", "flavor", "profile", "create", "--metainfo",
                                 '{"data": "value"}', "--description", "gold sp", "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/service_profiles/" + profile["id"])
        self.assertEqual(profile["meta_info"], '{"data": "value"}')
        self.assertTrue(profile["enabled"])
        flavor = self.openstack("network", "flavor", "create", "--service-type", "FLAVORS",
                                "--description", "the best", "gold", "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/flavors/" + flavor["id"])
        self.assertEqual((flavor["name"], flavor["service_type"], flavor["enabled"]),
                         ("gold", "FLAVORS", True))
        self.openstack("network", "flavor", "add", "profile", "gold", profile["id"])
        shown = self.openstack("network", "flavor", "show", "gold", "-f", "json")
        self.assertEqual(shown["service_profile_ids"], [profile["id"]])
        # In use by a flavor, the profile stays.
        resp = self.api("DELETE", "/v2.0/service_profiles/" + profile["id"])
        self.assertEqual(resp.json()["NeutronError"]["type"], "ServiceProfileInUse")
        self.assertEqual(resp.status, 409)
        self.openstack("network", "flavor", "set", "--disable", "gold")
        self.assertFalse(self.openstack("network", "flavor", "show", "gold", "-f",
                                        "json")["enabled"])
        listed = self.openstack("network", "flavor", "list", "-f", "json")
        self.assertIn("gold", [row["Name"] for row in listed])
        self.openstack("network", "flavor", "remove", "profile", "gold", profile["id"])
        self.openstack("network", "flavor", "delete", "gold")
        self.openstack("network", "flavor", "profile", "delete", profile["id"])
        self.assertNotIn(profile["id"], [r["ID"] for r in self.openstack(
            "network", "flavor", "profile", "list", "-f", "json")])

    def test_members_read_flavors_and_nothing_else(self):
        flavor = self.api("POST", "/v2.0/flavors", {"flavor": {
            "name": "silver", "service_type": "FLAVORS"}}).json()["flavor"]
        self.addCleanup(self.api, "DELETE", "/v2.0/flavors/" + flavor["id"])
        listed = self.openstack("network", "flavor", "list", "-f", "json", **MEMBER)
        self.assertIn(flavor["id"], [row["ID"] for row in listed])
        self.assertCommandFails("network", "flavor", "create", "--service-type", "FLAVORS",
                                "mine", expect="disallowed by policy", **MEMBER)
        resp = self.api("PUT", "/v2.0/flavors/" + flavor["id"], {"flavor": {"enabled": False}},
                        token=self.member_token)
        self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
        self.assertEqual(self.openstack("network", "flavor", "profile", "list", "-f", "json",
                                        **MEMBER), [])

    def test_refusals_are_neutrons(self):
        resp = self.api("POST", "/v2.0/flavors", {"flavor": {"service_type": "QOS"}})
        self.assertNeutronError(resp, 400, "InvalidFlavorServiceType",
                                "Invalid service type QOS.")
        resp = self.api("POST", "/v2.0/service_profiles", {"service_profile": {}})
        self.assertNeutronError(resp, 400, "ServiceProfileEmpty")
        resp = self.api("POST", "/v2.0/service_profiles",
                        {"service_profile": {"driver": "no.such.Driver"}})
        self.assertNeutronError(resp, 404, "ServiceProfileDriverNotFound")
        resp = self.api("GET", "/v2.0/flavors/6d1c6f4e-1f57-4a53-8e0b-8a3c3cfd0a11")
        self.assertNeutronError(resp, 404, "FlavorNotFound")

    def test_no_service_providers_are_loaded(self):
        for token in (self.admin_token, self.member_token):
            resp = self.api("GET", "/v2.0/service-providers", token=token)
            self.assertEqual((resp.status, resp.json()), (200, {"service_providers": []}))
        self.assertEqual(self.openstack("network", "service", "provider", "list", "-f", "json"),
                         [])


if __name__ == "__main__":
    unittest.main()
