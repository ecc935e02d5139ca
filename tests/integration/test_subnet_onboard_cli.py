"""Subnet onboarding (subnet_onboard): PUT /v2.0/subnetpools/{id}/onboard_network_subnets
through raw HTTP (python3-openstackclient 6.0.0 has no command for it), the rest through the
real `openstack` CLI: a network's existing subnets join a subnet pool, whose prefixes grow by
their cidrs and which then allocates around them.
"""

import ipaddress
import unittest

import harness

ALICE = {"user": "onb-alice", "project": "onb-proj", "password": "onb-alice-pw"}


class SubnetOnboardCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    def test_onboard_network_subnets_into_a_pool(self):
        net = self.member_network("onb-onboard")
        subnet = self.member_cli("subnet", "create", "--network", "onb-onboard", "--subnet-range",
                            "10.82.0.0/24", "onb-onboard-v4", "-f", "json")
        self.assertIsNone(subnet["subnetpool_id"])
        pool = self.member_cli("subnet", "pool", "create", "--pool-prefix", "10.83.0.0/16",
                          "onb-pool", "-f", "json")
        self.addCleanup(self.controller.request, "DELETE", "/v2.0/subnetpools/" + pool["id"],
                        token=self.admin_token)
        path = "/v2.0/subnetpools/%s/onboard_network_subnets" % pool["id"]
        r = self.member_api("PUT", path, {"network_id": net["id"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), [{"id": subnet["id"], "cidr": "10.82.0.0/24"}])
        self.assertEqual(self.member_cli("subnet", "show", "onb-onboard-v4", "-f", "json")[
            "subnetpool_id"], pool["id"])
        self.assertEqual(sorted(self.member_cli("subnet", "pool", "show", "onb-pool", "-f", "json")[
            "prefixes"]), ["10.82.0.0/24", "10.83.0.0/16"])
        # The pool now allocates around the onboarded subnet.
        more = self.member_cli("subnet", "create", "--network", "onb-onboard", "--subnet-pool",
                          "onb-pool", "--prefix-length", "24", "onb-onboard-more", "-f", "json")
        self.assertFalse(ipaddress.ip_network(more["cidr"]).overlaps(
            ipaddress.ip_network("10.82.0.0/24")))
        self.assertNeutronError(self.member_api("PUT", path, {}), 400, "InvalidInput")
        other = self.controller.create_member("onb-other", "onb-bob", "onb-bob-pw")
        self.assertNeutronError(self.member_api("PUT", path, {"network_id": net["id"]},
                                         token=other["token"]), 404)


if __name__ == "__main__":
    unittest.main()
