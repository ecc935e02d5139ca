"""Neutron's address groups (the address-group extension) through the real `openstack` CLI
(`address group create/list/show/set/unset/delete`, python3-openstackclient 6.0.0) and raw HTTP
for the member actions' status codes. Expected values are Neutron's address_group_db:
addresses are stored normalised, adding one already there is 400 AddressesAlreadyExist,
removing one that is not there 404 AddressesNotFound, another project's group does not exist.
"""

import unittest

import harness

ALICE = {"user": "ag-alice", "project": "ag-proj-a", "password": "ag-alice-pw"}
BOB = {"user": "ag-bob", "project": "ag-proj-b", "password": "ag-bob-pw"}


class AddressGroupCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bob = cls.controller.create_member(BOB["project"], BOB["user"], BOB["password"])

    def test_lifecycle(self):
        ag = self.member_cli("address", "group", "create", "--description", "web clients",
                        "--address", "10.10.10.3", "--address", "192.168.0.10/24",
                        "--address", "2001:db8::f00/64", "ag-web", "-f", "json")
        self.addCleanup(self.member_api, "DELETE", "/v2.0/address-groups/" + ag["id"])
        self.assertEqual(sorted(ag["addresses"]),
                         ["10.10.10.3/32", "192.168.0.0/24", "2001:db8::/64"])
        self.assertEqual(ag["description"], "web clients")
        listed = self.member_cli("address", "group", "list", "-f", "json")
        self.assertEqual([g["Name"] for g in listed], ["ag-web"])

        self.member_cli("address", "group", "set", "--name", "ag-clients", "--address", "10.0.5.0/24",
                   "ag-web")
        shown = self.member_cli("address", "group", "show", "ag-clients", "-f", "json")
        self.assertEqual(sorted(shown["addresses"]), ["10.0.5.0/24", "10.10.10.3/32",
                                                      "192.168.0.0/24", "2001:db8::/64"])
        self.member_cli("address", "group", "unset", "--address", "192.168.0.0/24",
                   "--address", "10.10.10.3", "ag-clients")
        shown = self.member_cli("address", "group", "show", "ag-clients", "-f", "json")
        self.assertEqual(sorted(shown["addresses"]), ["10.0.5.0/24", "2001:db8::/64"])

        # Bob's project has no such group, by name or by id.
        self.assertCommandFails("address", "group", "show", ag["id"], **BOB)
        self.assertEqual(self.openstack("address", "group", "list", "-f", "json", **BOB), [])

        self.member_cli("address", "group", "delete", "ag-clients")
        self.assertEqual(self.member_cli("address", "group", "list", "-f", "json"), [])

    def test_member_actions_and_refusals(self):
        bad = self.member_api("POST", "/v2.0/address-groups",
                       {"address_group": {"name": "x", "addresses": ["10.20.30.40"]}})
        self.assertEqual(bad.status, 400, bad)
        created = self.member_api("POST", "/v2.0/address-groups",
                           {"address_group": {"name": "ag-raw", "addresses": ["10.0.0.0/24"]}})
        self.assertEqual(created.status, 201, created)
        ag = created.json()["address_group"]
        self.addCleanup(self.member_api, "DELETE", "/v2.0/address-groups/" + ag["id"])
        base = "/v2.0/address-groups/" + ag["id"]

        added = self.member_api("PUT", base + "/add_addresses", {"addresses": ["10.1.0.1"]})
        self.assertEqual(added.status, 200, added)
        self.assertEqual(added.json()["address_group"]["addresses"],
                         ["10.0.0.0/24", "10.1.0.1/32"])
        again = self.member_api("PUT", base + "/add_addresses", {"addresses": ["10.0.0.9/24"]})
        self.assertEqual((again.status, again.json()["NeutronError"]["type"]),
                         (400, "AddressesAlreadyExist"), again)
        self.assertEqual(again.json()["NeutronError"]["message"],
                         "Addresses ['10.0.0.0/24'] already exist in the address group %s."
                         % ag["id"])
        missing = self.member_api("PUT", base + "/remove_addresses", {"addresses": ["10.9.9.9"]})
        self.assertEqual((missing.status, missing.json()["NeutronError"]["type"]),
                         (404, "AddressesNotFound"), missing)
        junk = self.member_api("PUT", base + "/remove_addresses", {"addresses": ["not an address"]})
        self.assertEqual(junk.status, 400, junk)
        bob = self.member_api("PUT", base + "/add_addresses", {"addresses": ["10.2.0.0/16"]},
                       token=self.bob["token"])
        self.assertEqual(bob.status, 404, bob)
        self.assertEqual(self.member_api("GET", base).json()["address_group"]["addresses"],
                         ["10.0.0.0/24", "10.1.0.1/32"])
        ext = self.member_api("GET", "/v2.0/extensions/address-group")
        self.assertEqual(ext.status, 200, ext)


if __name__ == "__main__":
    unittest.main()
