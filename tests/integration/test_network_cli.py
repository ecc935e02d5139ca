"""Neutron v2.0 networks, subnets and ports driven by the real `openstack` CLI
(python3-openstackclient 6.0.0), as an admin and as two tenants would use them, plus the
operator's view of the store with sqlite3.

Every CLI call costs about a second, so each test does what a user would do in one sitting and
checks everything it can from the JSON the CLI prints; set-up that is not under test (a third
tenant, clean-up) uses raw HTTP.
"""

import ipaddress
import unittest

import harness

ALICE = {"user": "alice", "project": "proj-a", "password": "alice-pw"}
BOB = {"user": "bob", "project": "proj-b", "password": "bob-pw"}


def in_range(address, start, end):
    ip = ipaddress.ip_address(address)
    return ipaddress.ip_address(start) <= ip <= ipaddress.ip_address(end)


def pool_set(pools):
    return {(p["start"], p["end"]) for p in pools}


class NetworkCliTest(harness.ControllerTestCase):

    controller_args = ("--network-vlan-ranges", "physnet1:100:199", "--flat-networks", "physnet1")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for tenant in (ALICE, BOB):
            cls.controller.openstack("project", "create", tenant["project"], "-f", "json")
            cls.controller.openstack("user", "create", "--password", tenant["password"],
                                     tenant["user"], "-f", "json")
            cls.controller.openstack("role", "add", "--user", tenant["user"], "--project",
                                     tenant["project"], "member")
        cls.admin_token = cls.controller.token()

    # --- helpers ------------------------------------------------------------------------------

    def alice(self, *args):
        return self.openstack(*args, **ALICE)

    def bob(self, *args):
        return self.openstack(*args, **BOB)

    def remove_network_later(self, network_id):
        """Deletes the network and its ports (raw HTTP, as admin) when the test ends."""
        def remove():
            resp = self.controller.request(
                "GET", "/v2.0/ports?network_id=" + network_id, token=self.admin_token)
            for port in resp.json().get("ports", []) if resp.status == 200 else []:
                self.controller.request("DELETE", "/v2.0/ports/" + port["id"],
                                        token=self.admin_token)
            self.controller.request("DELETE", "/v2.0/networks/" + network_id,
                                    token=self.admin_token)
        self.addCleanup(remove)

    # --- tests --------------------------------------------------------------------------------

    def test_network_lifecycle_and_tags(self):
        net = self.openstack("network", "create", "cli-net", "--description", "first",
                             "--tag", "a", "-f", "json")
        self.remove_network_later(net["id"])
        self.assertEqual(net["name"], "cli-net")
        self.assertEqual(net["description"], "first")
        self.assertEqual(net["status"], "ACTIVE")
        self.assertTrue(net["admin_state_up"])
        self.assertFalse(net["shared"])
        self.assertFalse(net["router:external"])
        self.assertEqual(net["subnets"], [])
        self.assertEqual(net["tags"], ["a"])
        # Provider attributes, visible to the admin.
        self.assertEqual(net["provider:network_type"], "vxlan")
        self.assertIsNone(net["provider:physical_network"])
        self.assertTrue(1 <= net["provider:segmentation_id"] <= 65535, net)
        self.assertEqual(net["mtu"], 1450)

        shown = self.openstack("network", "show", "cli-net", "-f", "json")
        self.assertEqual(shown["id"], net["id"])
        self.assertEqual(shown["provider:segmentation_id"], net["provider:segmentation_id"])
        listed = {n["ID"]: n for n in self.openstack("network", "list", "-f", "json")}
        self.assertEqual(listed[net["id"]]["Name"], "cli-net")

        self.openstack("network", "set", "--name", "cli-net2", "--description", "second",
                       "cli-net")
        self.openstack("network", "set", "--tag", "b", "cli-net2")
        shown = self.openstack("network", "show", "cli-net2", "-f", "json")
        self.assertEqual((shown["name"], shown["description"]), ("cli-net2", "second"))
        self.assertEqual(sorted(shown["tags"]), ["a", "b"])
        self.assertGreater(shown["revision_number"], net["revision_number"])
        self.assertEqual(shown["provider:segmentation_id"], net["provider:segmentation_id"])

        self.assertIn(net["id"], [n["ID"] for n in self.openstack(
            "network", "list", "--tags", "a", "-f", "json")])
        self.openstack("network", "unset", "--tag", "a", "cli-net2")
        self.assertNotIn(net["id"], [n["ID"] for n in self.openstack(
            "network", "list", "--tags", "a", "-f", "json")])
        self.assertEqual([n["ID"] for n in self.openstack(
            "network", "list", "--tags", "b", "-f", "json")], [net["id"]])

        self.openstack("network", "delete", "cli-net2")
        self.assertCommandFails("network", "show", net["id"], expect="No Network found")

    def test_provider_networks(self):
        vnet = self.openstack("network", "create", "--provider-network-type", "vlan",
                              "--provider-physical-network", "physnet1", "--provider-segment",
                              "150", "cli-vnet", "-f", "json")
        self.remove_network_later(vnet["id"])
        self.assertEqual((vnet["provider:network_type"], vnet["provider:physical_network"],
                          vnet["provider:segmentation_id"]), ("vlan", "physnet1", 150))
        self.assertEqual(vnet["mtu"], 1500)

        err = self.assertCommandFails(
            "network", "create", "--provider-network-type", "vlan", "--provider-physical-network",
            "physnet1", "--provider-segment", "150", "cli-vnet-again", expect="409")
        self.assertIn("The VLAN 150 on physical network physnet1 is in use", err.stderr)

        auto = self.openstack("network", "create", "--provider-network-type", "vlan",
                              "--provider-physical-network", "physnet1", "cli-vnet-auto",
                              "-f", "json")
        self.remove_network_later(auto["id"])
        self.assertTrue(100 <= auto["provider:segmentation_id"] <= 199, auto)
        self.assertNotEqual(auto["provider:segmentation_id"], 150)

        flat = self.openstack("network", "create", "--provider-network-type", "flat",
                              "--provider-physical-network", "physnet1", "cli-flat",
                              "-f", "json")
        self.remove_network_later(flat["id"])
        self.assertEqual((flat["provider:network_type"], flat["provider:physical_network"],
                          flat["provider:segmentation_id"]), ("flat", "physnet1", None))
        self.assertEqual(flat["mtu"], 1500)
        self.assertCommandFails("network", "create", "--provider-network-type", "flat",
                                "--provider-physical-network", "physnet1", "cli-flat-again",
                                expect="409")

        err = self.assertCommandFails("network", "create", "--provider-network-type", "vxlan",
                                      "cli-alice-provider", expect="403", **ALICE)
        self.assertIn("disallowed by policy", err.stderr)

        names = [n["Name"] for n in self.openstack("network", "list", "--long", "-f", "json")]
        for name in ("cli-vnet", "cli-vnet-auto", "cli-flat"):
            self.assertEqual(names.count(name), 1, names)
        for name in ("cli-vnet-again", "cli-flat-again", "cli-alice-provider"):
            self.assertNotIn(name, names)

    def test_subnet_pools_and_options(self):
        net = self.alice("network", "create", "cli-pool-net", "-f", "json")
        self.remove_network_later(net["id"])
        sub = self.alice("subnet", "create", "cli-pool-sub", "--network", "cli-pool-net",
                         "--subnet-range", "10.20.0.0/16",
                         "--allocation-pool", "start=10.20.0.10,end=10.20.0.100",
                         "--allocation-pool", "start=10.20.1.10,end=10.20.1.100",
                         "--dns-nameserver", "192.0.2.53",
                         "--host-route", "destination=192.168.50.0/24,gateway=10.20.0.254",
                         "-f", "json")
        self.assertEqual(sub["cidr"], "10.20.0.0/16")
        self.assertEqual(sub["ip_version"], 4)
        self.assertEqual(sub["gateway_ip"], "10.20.0.1")
        self.assertTrue(sub["enable_dhcp"])
        self.assertEqual(sub["allocation_pools"], [{"start": "10.20.0.10", "end": "10.20.0.100"},
                                                   {"start": "10.20.1.10", "end": "10.20.1.100"}])
        self.assertEqual(sub["dns_nameservers"], ["192.0.2.53"])
        self.assertEqual(sub["host_routes"], [{"destination": "192.168.50.0/24",
                                               "nexthop": "10.20.0.254"}])
        self.assertEqual(sub["network_id"], net["id"])

        port = self.alice("port", "create", "cli-pool-port", "--network", "cli-pool-net",
                          "--fixed-ip", "subnet=cli-pool-sub,ip-address=10.20.1.50", "-f", "json")
        self.assertEqual(port["fixed_ips"], [{"subnet_id": sub["id"],
                                              "ip_address": "10.20.1.50"}])

        # `subnet set --allocation-pool` sends the merged list: a third pool is added.
        self.alice("subnet", "set", "--allocation-pool", "start=10.20.2.10,end=10.20.2.100",
                   "cli-pool-sub")
        shown = self.alice("subnet", "show", "cli-pool-sub", "-f", "json")
        self.assertEqual(pool_set(shown["allocation_pools"]),
                         {("10.20.0.10", "10.20.0.100"), ("10.20.1.10", "10.20.1.100"),
                          ("10.20.2.10", "10.20.2.100")})
        self.assertEqual(shown["revision_number"], sub["revision_number"] + 1)
        self.assertEqual(shown["dns_nameservers"], ["192.0.2.53"])

        self.alice("subnet", "unset", "--allocation-pool", "start=10.20.0.10,end=10.20.0.100",
                   "cli-pool-sub")
        shown = self.alice("subnet", "show", "cli-pool-sub", "-f", "json")
        self.assertEqual(pool_set(shown["allocation_pools"]),
                         {("10.20.1.10", "10.20.1.100"), ("10.20.2.10", "10.20.2.100")})
        # The port kept its address through both pool changes.
        self.assertEqual(self.alice("port", "show", "cli-pool-port", "-f", "json")["fixed_ips"],
                         port["fixed_ips"])

        bare = self.alice("subnet", "create", "cli-nogw-sub", "--network", "cli-pool-net",
                          "--subnet-range", "10.30.0.0/24", "--gateway", "none", "--no-dhcp",
                          "-f", "json")
        self.assertIsNone(bare["gateway_ip"])
        self.assertFalse(bare["enable_dhcp"])
        self.assertEqual(bare["allocation_pools"], [{"start": "10.30.0.1",
                                                     "end": "10.30.0.254"}])

    def test_ports(self):
        net = self.openstack("network", "create", "cli-port-net", "-f", "json")
        self.remove_network_later(net["id"])
        sub = self.openstack("subnet", "create", "cli-port-sub", "--network", "cli-port-net",
                             "--subnet-range", "10.40.0.0/24",
                             "--allocation-pool", "start=10.40.0.100,end=10.40.0.150",
                             "-f", "json")

        auto = self.openstack("port", "create", "cli-p-auto", "--network", "cli-port-net",
                              "-f", "json")
        self.assertEqual(len(auto["fixed_ips"]), 1, auto)
        self.assertEqual(auto["fixed_ips"][0]["subnet_id"], sub["id"])
        self.assertTrue(in_range(auto["fixed_ips"][0]["ip_address"], "10.40.0.100",
                                 "10.40.0.150"), auto)
        self.assertTrue(auto["mac_address"].startswith("fa:16:3e:"), auto["mac_address"])
        self.assertEqual(auto["status"], "DOWN")
        self.assertEqual(auto["network_id"], net["id"])
        self.assertEqual(auto["device_owner"], "")

        by_subnet = self.openstack("port", "create", "cli-p-sub", "--network", "cli-port-net",
                                   "--fixed-ip", "subnet=cli-port-sub", "--device-owner",
                                   "compute:nova", "-f", "json")
        self.assertEqual(by_subnet["fixed_ips"][0]["subnet_id"], sub["id"])
        self.assertTrue(in_range(by_subnet["fixed_ips"][0]["ip_address"], "10.40.0.100",
                                 "10.40.0.150"), by_subnet)
        self.assertNotEqual(by_subnet["fixed_ips"][0]["ip_address"],
                            auto["fixed_ips"][0]["ip_address"])
        self.assertNotEqual(by_subnet["mac_address"], auto["mac_address"])

        # An explicit address may lie outside the pools, as long as it is in the subnet.
        exact = self.openstack("port", "create", "cli-p-exact", "--network", "cli-port-net",
                               "--fixed-ip", "subnet=cli-port-sub,ip-address=10.40.0.20",
                               "-f", "json")
        self.assertEqual(exact["fixed_ips"], [{"subnet_id": sub["id"],
                                               "ip_address": "10.40.0.20"}])
        err = self.assertCommandFails("port", "create", "cli-p-dup", "--network", "cli-port-net",
                                      "--fixed-ip", "subnet=cli-port-sub,ip-address=10.40.0.20",
                                      expect="409")
        self.assertIn("IP address 10.40.0.20 already allocated in subnet " + sub["id"],
                      err.stderr)

        mine = {auto["id"], by_subnet["id"], exact["id"]}
        listed = {p["ID"]: p for p in self.openstack("port", "list", "-f", "json")}
        self.assertLessEqual(mine, set(listed))
        self.assertEqual(listed[exact["id"]]["Fixed IP Addresses"], exact["fixed_ips"])
        self.assertEqual(listed[exact["id"]]["MAC Address"], exact["mac_address"])
        self.assertEqual(listed[exact["id"]]["Name"], "cli-p-exact")
        self.assertEqual(listed[exact["id"]]["Status"], "DOWN")
        self.assertNotIn("cli-p-dup", [p["Name"] for p in listed.values()])
        self.assertEqual({p["ID"] for p in self.openstack(
            "port", "list", "--network", "cli-port-net", "-f", "json")}, mine)
        self.assertEqual([p["ID"] for p in self.openstack(
            "port", "list", "--fixed-ip", "ip-address=10.40.0.20", "-f", "json")], [exact["id"]])
        self.assertEqual([p["ID"] for p in self.openstack(
            "port", "list", "--device-owner", "compute:nova", "-f", "json")], [by_subnet["id"]])
        long_list = {p["ID"]: p for p in self.openstack(
            "port", "list", "--long", "--network", "cli-port-net", "-f", "json")}
        self.assertEqual(set(long_list), mine)
        self.assertEqual(long_list[by_subnet["id"]]["Device Owner"], "compute:nova")
        self.assertEqual(long_list[auto["id"]]["Tags"], [])

        shown = self.openstack("port", "show", "cli-p-exact", "-f", "json")
        for key in ("id", "mac_address", "fixed_ips", "network_id", "project_id"):
            self.assertEqual(shown[key], exact[key], key)

        self.openstack("port", "set", "--name", "cli-p-renamed", "cli-p-exact")
        # `port set --fixed-ip` sends the current addresses plus the new one.
        self.openstack("port", "set", "--fixed-ip", "subnet=cli-port-sub,ip-address=10.40.0.21",
                       "cli-p-renamed")
        shown = self.openstack("port", "show", "cli-p-renamed", "-f", "json")
        self.assertEqual(shown["id"], exact["id"])
        self.assertEqual(sorted(ip["ip_address"] for ip in shown["fixed_ips"]),
                         ["10.40.0.20", "10.40.0.21"])
        self.assertEqual(shown["mac_address"], exact["mac_address"])
        self.openstack("port", "set", "--no-fixed-ip", "cli-p-renamed")
        shown = self.openstack("port", "show", "cli-p-renamed", "-f", "json")
        self.assertEqual(shown["fixed_ips"], [])

        self.openstack("port", "delete", "cli-p-auto", "cli-p-sub")
        self.assertEqual([p["ID"] for p in self.openstack(
            "port", "list", "--network", "cli-port-net", "-f", "json")], [exact["id"]])

    def test_tenant_isolation_and_shared_networks(self):
        a_net = self.alice("network", "create", "cli-iso-net", "-f", "json")
        self.remove_network_later(a_net["id"])
        # A member sees no provider attributes (admin-only in Neutron's policy).
        self.assertIsNone(a_net.get("provider:network_type"), a_net)
        self.assertIsNone(a_net.get("provider:segmentation_id"), a_net)
        self.assertEqual(a_net["mtu"], 1450)
        a_sub = self.alice("subnet", "create", "cli-iso-sub", "--network", "cli-iso-net",
                           "--subnet-range", "10.50.0.0/24", "-f", "json")
        a_port = self.alice("port", "create", "cli-iso-port", "--network", "cli-iso-net",
                            "-f", "json")

        shared = self.openstack("network", "create", "cli-shared", "--share", "-f", "json")
        self.remove_network_later(shared["id"])
        self.assertTrue(shared["shared"])
        self.openstack("subnet", "create", "cli-shared-sub", "--network", "cli-shared",
                       "--subnet-range", "10.60.0.0/24", "-f", "json")

        bob_nets = [n["ID"] for n in self.bob("network", "list", "-f", "json")]
        self.assertNotIn(a_net["id"], bob_nets)
        self.assertIn(shared["id"], bob_nets)
        self.assertCommandFails("network", "show", a_net["id"], expect="No Network found", **BOB)
        bob_token = self.controller.token(BOB["user"], BOB["project"], BOB["password"])
        for resource, item in (("network", a_net), ("subnet", a_sub), ("port", a_port)):
            resp = self.controller.request("GET", "/v2.0/%ss/%s" % (resource, item["id"]),
                                           token=bob_token)
            self.assertNeutronError(resp, 404, resource.capitalize() + "NotFound")

        b_port = self.bob("port", "create", "cli-bob-port", "--network", "cli-shared",
                          "-f", "json")
        self.assertEqual(b_port["network_id"], shared["id"])
        self.assertTrue(in_range(b_port["fixed_ips"][0]["ip_address"], "10.60.0.2",
                                 "10.60.0.254"), b_port)
        a_shared_port = self.alice("port", "create", "cli-alice-shared-port", "--network",
                                   "cli-shared", "-f", "json")

        bob_ports = [p["ID"] for p in self.bob("port", "list", "-f", "json")]
        self.assertIn(b_port["id"], bob_ports)
        self.assertNotIn(a_port["id"], bob_ports)
        self.assertNotIn(a_shared_port["id"], bob_ports)
        self.assertEqual([p["ID"] for p in self.bob(
            "port", "list", "--network", "cli-shared", "-f", "json")], [b_port["id"]])

        # The admin sees everything, including both tenants' ports on the shared network.
        admin_nets = [n["ID"] for n in self.openstack("network", "list", "-f", "json")]
        self.assertIn(a_net["id"], admin_nets)
        self.assertIn(shared["id"], admin_nets)
        self.assertEqual({p["ID"] for p in self.openstack(
            "port", "list", "--network", "cli-shared", "-f", "json")},
            {b_port["id"], a_shared_port["id"]})

    def test_member_cannot_weaken_ports_on_a_shared_network(self):
        """On the admin's shared network bob may attach ports, but switching off anti-spoofing or
        choosing an address is the network owner's. Every attribute is covered through the API
        in test_network_api_errors; here, what a CLI user sees."""
        shared = self.openstack("network", "create", "cli-ps-shared", "--share", "-f", "json")
        self.remove_network_later(shared["id"])
        self.openstack("subnet", "create", "cli-ps-sub", "--network", "cli-ps-shared",
                       "--subnet-range", "10.70.0.0/24", "-f", "json")
        refused = [
            (["--disable-port-security"],
             "(rule:create_port and rule:create_port:port_security_enabled)"),
            (["--fixed-ip", "subnet=cli-ps-sub,ip-address=10.70.0.50"],
             "(rule:create_port and (rule:create_port:fixed_ips and "
             "(rule:create_port:fixed_ips:subnet_id and rule:create_port:fixed_ips:ip_address)))"),
        ]
        for options, rule in refused:
            with self.subTest(options=options):
                self.assertCommandFails("port", "create", "cli-bob-weak", "--network",
                                        "cli-ps-shared", *options,
                                        expect=rule + " is disallowed by policy", **BOB)

        port = self.bob("port", "create", "cli-bob-ok", "--network", "cli-ps-shared",
                        "--fixed-ip", "subnet=cli-ps-sub", "-f", "json")
        self.assertTrue(port["port_security_enabled"])
        self.assertCommandFails(
            "port", "set", "--disable-port-security", "cli-bob-ok",
            expect="(rule:update_port and rule:update_port:port_security_enabled) is disallowed "
                   "by policy", **BOB)
        # The network's owner may.
        self.openstack("port", "set", "--no-security-group", "--disable-port-security",
                       port["id"])
        self.assertFalse(self.openstack("port", "show", port["id"], "-f", "json")[
            "port_security_enabled"])

    def test_delete_in_use_then_clean_up(self):
        carol = {"user": "carol", "project": "proj-c", "password": "carol-pw"}
        self.controller.create_member(carol["project"], carol["user"], carol["password"])

        def carol_cli(*args):
            return self.openstack(*args, **carol)

        net = carol_cli("network", "create", "cli-del-net", "-f", "json")
        self.remove_network_later(net["id"])
        sub = carol_cli("subnet", "create", "cli-del-sub", "--network", "cli-del-net",
                        "--subnet-range", "10.70.0.0/24", "-f", "json")
        port = carol_cli("port", "create", "cli-del-port", "--network", "cli-del-net",
                         "-f", "json")

        err = self.assertCommandFails("network", "delete", "cli-del-net", expect="409", **carol)
        self.assertIn("Unable to complete operation on network %s. There are one or more ports "
                      "still in use on the network, id for these ports is: %s."
                      % (net["id"], port["id"]), err.stderr)
        err = self.assertCommandFails("subnet", "delete", "cli-del-sub", expect="409", **carol)
        self.assertIn("Unable to complete operation on subnet %s: One or more ports have an IP "
                      "allocation from this subnet." % sub["id"], err.stderr)

        carol_cli("port", "delete", "cli-del-port")
        carol_cli("subnet", "delete", "cli-del-sub")
        carol_cli("network", "delete", "cli-del-net")
        self.assertEqual(carol_cli("network", "list", "-f", "json"), [])
        self.assertEqual(carol_cli("subnet", "list", "-f", "json"), [])
        self.assertEqual(carol_cli("port", "list", "-f", "json"), [])

    def test_operator_view_matches_the_api(self):
        net = self.openstack("network", "create", "cli-db-net", "-f", "json")
        self.remove_network_later(net["id"])
        sub = self.openstack("subnet", "create", "cli-db-sub", "--network", "cli-db-net",
                             "--subnet-range", "10.80.0.0/24",
                             "--allocation-pool", "start=10.80.0.10,end=10.80.0.19",
                             "--allocation-pool", "start=10.80.0.100,end=10.80.0.109",
                             "-f", "json")
        ports = [self.openstack("port", "create", "cli-db-p1", "--network", "cli-db-net",
                                "-f", "json"),
                 self.openstack("port", "create", "cli-db-p2", "--network", "cli-db-net",
                                "--fixed-ip", "subnet=cli-db-sub,ip-address=10.80.0.200",
                                "-f", "json")]

        def allocations():
            return {row for row in self.controller.sql(
                "select ip_address, subnet_id, network_id, port_id from ipallocations")
                if row[2] == net["id"]}

        def pools():
            return {(row[1], row[2]) for row in self.controller.sql(
                "select subnet_id, first_ip, last_ip from ipallocationpools")
                if row[0] == sub["id"]}

        self.assertEqual(allocations(), {(ip["ip_address"], ip["subnet_id"], net["id"], p["id"])
                                         for p in ports for ip in p["fixed_ips"]})
        self.assertEqual(pools(), pool_set(sub["allocation_pools"]))

        self.openstack("subnet", "set", "--allocation-pool", "start=10.80.0.50,end=10.80.0.59",
                       "cli-db-sub")
        shown = self.openstack("subnet", "show", "cli-db-sub", "-f", "json")
        self.assertEqual(len(shown["allocation_pools"]), 3)
        self.assertEqual(pools(), pool_set(shown["allocation_pools"]))

        self.openstack("port", "delete", "cli-db-p1")
        self.assertEqual(allocations(), {("10.80.0.200", sub["id"], net["id"], ports[1]["id"])})


if __name__ == "__main__":
    unittest.main()
