"""Neutron behaviours Tempest's network API tests rely on, over raw HTTP: subnets filtered by
their network's `shared`, external networks visible to every project, IPv6 address modes with
EUI-64 addresses, and `If-Match: revision_number=N` on updates.

Each was a failure of the Tempest tier (tests/tempest) before it was fixed; these tests pin the
behaviour without needing Tempest. Expected answers are real Neutron's (neutron 21, Zed).
"""

import unittest

from test_network_api_errors import NeutronApiTestCase


class SubnetSharedFilterTest(NeutronApiTestCase):
    """GET /v2.0/subnets?shared=... filters by the network's `shared` (neutron_tempest_plugin's
    SubnetsSearchCriteriaTest lists, sorts and pages every subnet with shared=False)."""

    def test_shared_filter_selects_by_the_network_and_is_not_shown(self):
        shared_net, shared_sub = self.make_network("10.61.0.0/24", shared=True)
        own_net = self.make_network(token=self.member_token)[0]
        own = [self.create("subnet", {"network_id": own_net["id"], "ip_version": 4,
                                      "cidr": "10.62.%d.0/24" % i, "name": "s%d" % i},
                           self.member_token) for i in range(3)]
        token = self.member_token
        listed = self.listing("subnets", "shared=False", token)
        self.assertEqual(sorted(s["id"] for s in listed), sorted(s["id"] for s in own))
        self.assertEqual([s["id"] for s in self.listing("subnets", "shared=True", token)],
                         [shared_sub["id"]])
        self.assertEqual(len(self.listing("subnets", "", token)), 4)
        for subnet in listed + [self.get("subnet", own[0]["id"], token)]:
            self.assertNotIn("shared", subnet)
        self.assertEqual(self.listing("subnets", "shared=False&fields=shared&fields=name&sort_key=name&sort_dir=asc",
                                      token),
                         [{"name": "s0"}, {"name": "s1"}, {"name": "s2"}])

    def test_sorted_pages_with_the_shared_filter(self):
        net = self.make_network(token=self.member_token)[0]
        for name in ("c", "a", "b"):
            self.create("subnet", {"network_id": net["id"], "ip_version": 4, "name": name,
                                   "cidr": "10.63.%d.0/24" % ord(name)}, self.member_token)
        resp = self.api("GET", "/v2.0/subnets?shared=False&sort_key=name&sort_dir=desc&limit=2",
                        token=self.member_token)
        self.assertEqual(resp.status, 200, resp)
        body = resp.json()
        self.assertEqual([s["name"] for s in body["subnets"]], ["c", "b"])
        next_link = next(l["href"] for l in body["subnets_links"] if l["rel"] == "next")
        self.assertIn("shared=False", next_link)
        page = self.api("GET", next_link[next_link.index("/v2.0"):], token=self.member_token)
        self.assertEqual([s["name"] for s in page.json()["subnets"]], ["a"])

    def test_bad_shared_value_is_400(self):
        self.make_network("10.64.0.0/24")
        resp = self.api("GET", "/v2.0/subnets?shared=maybe")
        self.assertNeutronError(resp, 400, "InvalidInput")


class ExternalNetworkVisibilityTest(NeutronApiTestCase):
    """Every project sees router:external networks (to pick a router gateway or floating IP
    pool), as tempest's ExternalNetworksTestJSON checks; only the owner changes them."""

    def test_member_lists_and_shows_an_admin_external_network(self):
        external = self.make_network(**{"router:external": True})[0]
        private = self.make_network()[0]
        token = self.member_token
        listed = {n["id"]: n for n in self.listing("networks", "", token)}
        self.assertIn(external["id"], listed)
        self.assertNotIn(private["id"], listed)
        self.assertTrue(listed[external["id"]]["router:external"])
        self.assertEqual([n["id"] for n in self.listing("networks", "router:external=True",
                                                        token)], [external["id"]])
        self.assertEqual(self.get("network", external["id"], token)["name"], external["name"])
        resp = self.api("PUT", "/v2.0/networks/" + external["id"],
                        {"network": {"name": "taken"}}, token)
        self.assertNeutronError(resp, 403)
        resp = self.api("POST", "/v2.0/ports", {"port": {"network_id": external["id"]}}, token)
        self.assertNeutronError(resp, 404, "NetworkNotFound")
        resp = self.api("GET", "/v2.0/networks/" + private["id"], token=token)
        self.assertNeutronError(resp, 404, "NetworkNotFound")


class Ipv6AddressModesTest(NeutronApiTestCase):
    """SLAAC and DHCPv6-stateless subnets: modes kept, EUI-64 addresses from the port's MAC,
    and the subnet deletable under the ports that hold them (tempest's NetworksIpV6TestAttrs)."""

    def v6_subnet(self, net, cidr, mode, **extra):
        return self.create("subnet", dict({"network_id": net["id"], "ip_version": 6,
                                           "cidr": cidr, "ipv6_ra_mode": mode,
                                           "ipv6_address_mode": mode}, **extra))

    def test_modes_are_kept(self):
        net = self.make_network()[0]
        for i, mode in enumerate(("slaac", "dhcpv6-stateless", "dhcpv6-stateful")):
            sub = self.v6_subnet(net, "2001:db8:%d::/64" % (i + 1), mode)
            shown = self.get("subnet", sub["id"])
            self.assertEqual((shown["ipv6_ra_mode"], shown["ipv6_address_mode"]), (mode, mode))

    def test_bad_modes_are_refused(self):
        net = self.make_network()[0]
        resp = self.api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 6, "cidr": "2001:db8:9::/64",
            "ipv6_ra_mode": "slaac", "ipv6_address_mode": "dhcpv6-stateful"}})
        self.assertNeutronError(
            resp, 400, "InvalidInput",
            "Invalid input for operation: ipv6_ra_mode set to 'slaac' with ipv6_address_mode set "
            "to 'dhcpv6-stateful' is not valid. If both attributes are set, they must be the "
            "same value.")
        resp = self.api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 6, "cidr": "2001:db8:9::/80",
            "ipv6_address_mode": "slaac"}})
        self.assertNeutronError(resp, 400, "InvalidInput")
        self.assertEqual(self.listing("subnets", "network_id=" + net["id"]), [])

    def test_eui64_addresses_and_delete_under_ports(self):
        for mode in ("slaac", "dhcpv6-stateless"):
            with self.subTest(mode=mode):
                net = self.make_network()[0]
                sub = self.v6_subnet(net, "2001:db8:77::/64", mode)
                port = self.create("port", {"network_id": net["id"],
                                            "mac_address": "fa:16:3e:ab:cd:ef"})
                self.assertEqual(port["fixed_ips"], [{"subnet_id": sub["id"],
                                                      "ip_address": "2001:db8:77:0:f816:3eff:feab:cdef"}])
                resp = self.api("DELETE", "/v2.0/subnets/" + sub["id"])
                self.assertEqual(resp.status, 204, resp)
                self.assertEqual(self.get("port", port["id"])["fixed_ips"], [])
                resp = self.api("DELETE", "/v2.0/networks/" + net["id"])
                self.assertNeutronError(resp, 409, "NetworkInUse")


class RevisionIfMatchTest(NeutronApiTestCase):
    """If-Match: revision_number=N makes a PUT or DELETE conditional (revision-if-match)."""

    def put(self, path, body, if_match):
        return self.controller.request("PUT", path, body, token=self.admin,
                                       headers={"If-Match": if_match})

    def test_extension_is_advertised(self):
        resp = self.api("GET", "/v2.0/extensions/revision-if-match")
        self.assertEqual(resp.status, 200, resp)

    def test_stale_revision_is_412_and_changes_nothing(self):
        net, sub = self.make_network("10.65.0.0/24")
        net = self.get("network", net["id"])
        path = "/v2.0/networks/" + net["id"]
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            resp = self.put(path, {"network": {"name": "late"}},
                            "revision_number=%d" % (net["revision_number"] - 1))
            error = self.assertNeutronError(resp, 412, "RevisionNumberConstraintFailed")
            self.assertEqual(error["message"], "Constrained to %d, but current revision is %d"
                             % (net["revision_number"] - 1, net["revision_number"]))
            resp = self.controller.request(
                "DELETE", "/v2.0/subnets/" + sub["id"], token=self.admin,
                headers={"If-Match": "revision_number=%d" % (sub["revision_number"] + 5)})
            self.assertNeutronError(resp, 412, "RevisionNumberConstraintFailed")
        resp = self.put(path, {"network": {"name": "on time"}},
                        "revision_number=%d" % net["revision_number"])
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["network"]["revision_number"], net["revision_number"] + 1)
        port = self.create("port", {"network_id": net["id"]})
        resp = self.put("/v2.0/ports/" + port["id"], {"port": {"name": "p"}},
                        '"revision_number=%d"' % port["revision_number"])
        self.assertEqual(resp.status, 200, resp)

    def test_malformed_constraint_is_400(self):
        net = self.make_network()[0]
        resp = self.put("/v2.0/networks/" + net["id"], {"network": {"name": "x"}},
                        "revision_number=one")
        self.assertNeutronError(
            resp, 400, "BadRequest",
            "Bad if-match request: Revision number etag must be in the format of "
            "revision_number=<int>.")
        self.assertEqual(self.get("network", net["id"])["name"], net["name"])


if __name__ == "__main__":
    unittest.main()
