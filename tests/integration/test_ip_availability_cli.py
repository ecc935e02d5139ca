"""Neutron's network-ip-availability through the real `openstack` CLI (`ip availability
list/show`, python3-openstackclient 6.0.0) and raw HTTP: totals are the allocation pools' sizes,
used addresses follow ports as they come and go, admin only. Expected values are Neutron's
network_ip_availability_db (a /24 with the default pool holds 253 addresses, an IPv6 /64
2^64-2).
"""

import unittest

import harness

ALICE = {"user": "ipa-alice", "project": "ipa-proj", "password": "ipa-alice-pw"}


class IpAvailabilityCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    def listed(self, network_id, *args):
        rows = self.openstack("ip", "availability", "list", *args, "-f", "json")
        return next((r for r in rows if r["Network ID"] == network_id), None)

    def test_numbers_follow_subnets_and_ports(self):
        net = self.member_cli("network", "create", "ipa-net", "-f", "json")
        self.addCleanup(self.admin_api, "DELETE", "/v2.0/networks/" + net["id"])
        row = self.listed(net["id"])
        self.assertEqual((row["Network Name"], row["Total IPs"], row["Used IPs"]),
                         ("ipa-net", 0, 0))
        self.member_cli("subnet", "create", "--network", "ipa-net", "--subnet-range",
                   "10.71.0.0/24", "--no-dhcp", "ipa-v4")
        self.member_cli("subnet", "create", "--network", "ipa-net", "--ip-version", "6",
                   "--subnet-range", "2001:db8:71::/64", "--no-dhcp", "ipa-v6")
        self.assertEqual(self.listed(net["id"])["Total IPs"], 253)  # --ip-version 4 by default
        self.assertEqual(self.listed(net["id"], "--ip-version", "6")["Total IPs"], 2 ** 64 - 2)
        ports = []
        for name in ("ipa-p1", "ipa-p2"):
            ports.append(self.member_cli("port", "create", "--network", "ipa-net", name,
                                    "-f", "json"))
        shown = self.openstack("ip", "availability", "show", "ipa-net", "-f", "json")
        self.assertEqual(shown["used_ips"], 4)  # two ports, an address in each subnet
        subnets = {s["subnet_name"]: s for s in shown["subnet_ip_availability"]}
        self.assertEqual(subnets["ipa-v4"]["used_ips"], 2)
        self.assertEqual(subnets["ipa-v4"]["total_ips"], 253)
        self.assertEqual(subnets["ipa-v6"]["cidr"], "2001:db8:71::/64")
        self.assertEqual(self.listed(net["id"], "--project", ALICE["project"])["Used IPs"], 2)
        self.member_cli("port", "delete", ports[0]["id"])
        self.assertEqual(self.listed(net["id"])["Used IPs"], 1)
        self.member_cli("port", "delete", ports[1]["id"])
        shown = self.openstack("ip", "availability", "show", net["id"], "-f", "json")
        self.assertEqual((shown["used_ips"], shown["project_id"]),
                         (0, self.member["project_id"]))

    def test_admin_only_and_unknown_network(self):
        net = self.member_cli("network", "create", "ipa-private", "-f", "json")
        self.addCleanup(self.admin_api, "DELETE", "/v2.0/networks/" + net["id"])
        resp = self.admin_api("GET", "/v2.0/network-ip-availabilities", token=self.member["token"])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), {"network_ip_availabilities": []})
        self.assertNeutronError(self.admin_api("GET", "/v2.0/network-ip-availabilities/" + net["id"],
                                         token=self.member["token"]), 404, "NetworkNotFound")
        self.assertNeutronError(
            self.admin_api("GET", "/v2.0/network-ip-availabilities/00000000-0000-0000-0000-"
                     "000000000000"), 404, "NetworkNotFound")
        resp = self.admin_api("GET", "/v2.0/network-ip-availabilities?network_name=ipa-private"
                        "&fields=network_id&fields=used_ips")
        self.assertEqual(resp.json(), {"network_ip_availabilities": [
            {"network_id": net["id"], "used_ips": 0}]})
        self.assertNeutronError(self.admin_api("GET", "/v2.0/network-ip-availabilities?ip_version=5"),
                                400)


if __name__ == "__main__":
    unittest.main()
