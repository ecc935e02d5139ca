"""Subnet pools driven by the real `openstack` CLI (python3-openstackclient 6.0.0) as a tenant
and an operator use them: a pool, subnets cut from it with --subnet-pool --prefix-length, an
exhausted pool, and the default pool; raw HTTP for the status codes and NeutronError bodies of
the refusals, and the store checked unchanged after each refusal.
"""

import unittest

import harness

ALICE = {"user": "sp-alice", "project": "sp-proj-a", "password": "sp-alice-pw"}


class SubnetPoolCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    def subnet_rows(self):
        return self.controller.sql("SELECT cidr FROM subnets ORDER BY cidr")

    def test_pool_lifecycle_allocation_and_exhaustion(self):
        pool = self.member_cli("subnet", "pool", "create", "--pool-prefix", "10.70.0.0/24",
                          "--min-prefix-length", "26", "--default-prefix-length", "26",
                          "--max-prefix-length", "28", "--tag", "blue", "sp-pool", "-f", "json")
        self.assertEqual(pool["prefixes"], ["10.70.0.0/24"])
        self.assertEqual(str(pool["min_prefixlen"]), "26")
        self.assertEqual(pool["ip_version"], 4)
        self.assertFalse(pool["shared"])
        self.assertFalse(pool["is_default"])
        self.assertEqual(pool["tags"], ["blue"])

        listed = self.member_cli("subnet", "pool", "list", "-f", "json")
        self.assertIn("sp-pool", [p["Name"] for p in listed])

        self.member_cli("network", "create", "sp-net", "-f", "json")
        first = self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                           "--prefix-length", "27", "sp-sub1", "-f", "json")
        self.assertEqual(first["cidr"], "10.70.0.0/27")
        self.assertEqual(first["subnetpool_id"], pool["id"])
        self.assertEqual(first["gateway_ip"], "10.70.0.1")
        second = self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                            "sp-sub2", "-f", "json")
        self.assertEqual(second["cidr"], "10.70.0.64/26")  # the default length, aligned
        third = self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                           "--subnet-range", "10.70.0.128/26", "sp-sub3", "-f", "json")
        self.assertEqual(third["cidr"], "10.70.0.128/26")
        self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                   "--prefix-length", "26", "sp-sub4", "-f", "json")
        self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                   "--prefix-length", "27", "sp-sub5", "-f", "json")  # 10.70.0.32/27

        # The pool is full: the CLI fails, the API says why, and nothing changed.
        before = self.subnet_rows()
        self.assertEqual(len(before), 5)
        self.assertCommandFails("subnet", "create", "--network", "sp-net", "--subnet-pool",
                                "sp-pool", "--prefix-length", "28", "sp-sub6",
                                expect="Insufficient prefix space", **ALICE)
        resp = self.member_api("POST", "/v2.0/subnets",
                        {"subnet": {"network_id": first["network_id"], "ip_version": 4,
                                    "subnetpool_id": pool["id"], "prefixlen": 28}})
        self.assertNeutronError(resp, 409, "SubnetAllocationError",
                                "Failed to allocate subnet: Insufficient prefix space to "
                                "allocate subnet size /28.")
        resp = self.member_api("POST", "/v2.0/subnets",
                        {"subnet": {"network_id": first["network_id"], "ip_version": 4,
                                    "subnetpool_id": pool["id"], "prefixlen": 24}})
        self.assertNeutronError(resp, 400, "MinPrefixSubnetAllocationError",
                                "Unable to allocate subnet with prefix length 24, minimum "
                                "allowed prefix is 26.")
        resp = self.member_api("PUT", "/v2.0/subnetpools/" + pool["id"],
                        {"subnetpool": {"prefixes": ["10.70.0.0/25"]}})
        self.assertNeutronError(resp, 400, "IllegalSubnetPoolPrefixUpdate")
        self.assertEqual(self.subnet_rows(), before)
        self.assertEqual(self.member_cli("subnet", "pool", "show", "sp-pool", "-f",
                                    "json")["prefixes"], ["10.70.0.0/24"])

        # A pool with subnets cannot go; once they are gone it can, and its block is free.
        self.assertCommandFails("subnet", "pool", "delete", "sp-pool", **ALICE)
        self.member_cli("subnet", "delete", "sp-sub2")
        again = self.member_cli("subnet", "create", "--network", "sp-net", "--subnet-pool", "sp-pool",
                           "--prefix-length", "28", "sp-sub6", "-f", "json")
        self.assertEqual(again["cidr"], "10.70.0.64/28")
        self.member_cli("subnet", "pool", "set", "--pool-prefix", "10.71.0.0/24", "sp-pool")
        grown = self.member_cli("subnet", "pool", "show", "sp-pool", "-f", "json")
        self.assertEqual(sorted(grown["prefixes"]), ["10.70.0.0/24", "10.71.0.0/24"])
        for name in ("sp-sub1", "sp-sub3", "sp-sub4", "sp-sub5", "sp-sub6"):
            self.member_cli("subnet", "delete", name)
        self.member_cli("subnet", "pool", "delete", "sp-pool")
        self.member_cli("network", "delete", "sp-net")
        self.assertEqual(self.controller.sql("SELECT COUNT(*) FROM subnetpools"), [("0",)])

    def test_default_pool_is_admin_only_and_serves_every_project(self):
        self.assertCommandFails("subnet", "pool", "create", "--pool-prefix", "10.80.0.0/16",
                                "--default", "sp-mine", **ALICE)
        pool = self.openstack("subnet", "pool", "create", "--pool-prefix", "10.80.0.0/16",
                              "--default-prefix-length", "24", "--default", "sp-default",
                              "-f", "json")
        self.assertTrue(pool["is_default"])
        net = self.member_cli("network", "create", "sp-net-d", "-f", "json")
        resp = self.member_api("POST", "/v2.0/subnets",
                        {"subnet": {"network_id": net["id"], "ip_version": 4,
                                    "use_default_subnetpool": True}})
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["subnet"]["cidr"], "10.80.0.0/24")
        self.assertEqual(resp.json()["subnet"]["subnetpool_id"], pool["id"])
        self.member_api("DELETE", "/v2.0/subnets/" + resp.json()["subnet"]["id"])
        self.member_cli("network", "delete", "sp-net-d")
        self.openstack("subnet", "pool", "delete", "sp-default")


if __name__ == "__main__":
    unittest.main()
