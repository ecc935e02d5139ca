"""Routers and floating IPs driven by the real `openstack` CLI (python3-openstackclient 6.0.0)
as a tenant and an operator use them: an external network, a router with a gateway and two
interfaces, static routes, and a floating IP created, associated, moved, disassociated and
deleted. Raw HTTP checks the status codes and NeutronError bodies of every refusal, and the
store (sqlite3) is checked unchanged after each one.

The controller advertises the router, ext-gw-mode, extraroute and fip-port-details extensions,
so the CLI takes its L3 code paths as against Neutron.
"""

import unittest

import harness

ALICE = {"user": "rt-alice", "project": "rt-proj-a", "password": "rt-alice-pw"}
BOB = {"user": "rt-bob", "project": "rt-proj-b", "password": "rt-bob-pw"}


class RouterCliTest(harness.ControllerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.controller.create_member(ALICE["project"], ALICE["user"],
                                                  ALICE["password"])
        cls.bob = cls.controller.create_member(BOB["project"], BOB["user"], BOB["password"])
        # A /29: gateway .1, pool .2-.6 (five addresses) for router gateways and floating IPs.
        cls.public = cls.controller.openstack("network", "create", "--external", "rt-public",
                                              "-f", "json")
        cls.public_subnet = cls.controller.openstack(
            "subnet", "create", "--network", "rt-public", "--subnet-range", "203.0.113.0/29",
            "--no-dhcp", "rt-public-sub", "-f", "json")

    def alice(self, *args):
        return self.openstack(*args, **ALICE)

    def api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.member["token"] if token is None else token)

    def l3_rows(self):
        """Everything a refusal must leave as it was."""
        return {table: self.controller.sql("SELECT * FROM " + table + " ORDER BY 1")
                for table in ("routers", "routerports", "routerroutes", "floatingips",
                              "ports", "ipallocations", "subnets")}

    def refused(self, method, path, body, status, error_type, message=None, token=None):
        before = self.l3_rows()
        resp = self.api(method, path, body, token)
        error = self.assertNeutronError(resp, status, error_type, message)
        self.assertEqual(self.l3_rows(), before)
        return error

    def network_with_subnet(self, name, cidr, *extra):
        net = self.alice("network", "create", name, "-f", "json")
        sub = self.alice("subnet", "create", "--network", name, "--subnet-range", cidr,
                         *extra, name + "-sub", "-f", "json")
        return net, sub

    def test_router_lifecycle_interfaces_routes_and_floating_ips(self):
        net1, sub1 = self.network_with_subnet("rt-net1", "10.80.1.0/24")
        net2, sub2 = self.network_with_subnet("rt-net2", "10.80.2.0/24")
        _, no_gw = self.network_with_subnet("rt-net3", "10.80.3.0/24", "--gateway", "none")
        _, overlap = self.network_with_subnet("rt-net4", "10.80.1.0/25")

        for alias in ("router", "ext-gw-mode", "extraroute", "fip-port-details"):
            self.assertEqual(self.api("GET", "/v2.0/extensions/" + alias).status, 200, alias)
        router = self.alice("router", "create", "rt-r1", "-f", "json")
        self.assertEqual(router["status"], "ACTIVE")
        self.assertTrue(router["admin_state_up"])
        self.assertFalse(router["external_gateway_info"])
        rid = router["id"]

        self.alice("router", "set", "--external-gateway", "rt-public", "rt-r1")
        shown = self.alice("router", "show", "rt-r1", "-f", "json")
        gateway = shown["external_gateway_info"]
        self.assertEqual(gateway["network_id"], self.public["id"])
        self.assertTrue(gateway["enable_snat"])
        self.assertEqual(gateway["external_fixed_ips"][0]["subnet_id"], self.public_subnet["id"])
        gw_ports = self.openstack("port", "list", "--device-owner", "network:router_gateway",
                                  "--device-id", rid, "-f", "json")
        self.assertEqual(len(gw_ports), 1)
        self.assertEqual(gw_ports[0]["Fixed IP Addresses"][0]["ip_address"],
                         gateway["external_fixed_ips"][0]["ip_address"])
        # The gateway keeps its network external (Neutron's ExternalNetworkInUse).
        self.assertCommandFails("network", "set", "--internal", "rt-public",
                                expect="cannot be updated to be made non-external")
        self.refused("PUT", "/v2.0/networks/" + self.public["id"],
                     {"network": {"router:external": False}}, 409, "ExternalNetworkInUse",
                     token=self.controller.token())
        shown_public = self.api("GET", "/v2.0/networks/" + self.public["id"]).json()["network"]
        self.assertTrue(shown_public["router:external"])

        self.alice("router", "add", "subnet", "rt-r1", "rt-net1-sub")
        self.alice("router", "add", "subnet", "rt-r1", "rt-net2-sub")
        ports = self.alice("port", "list", "--router", "rt-r1", "--long", "-f", "json")
        interfaces = {p["Fixed IP Addresses"][0]["ip_address"]: p for p in ports
                      if p["Device Owner"] == "network:router_interface"}
        self.assertEqual(set(interfaces), {"10.80.1.1", "10.80.2.1"})
        # A distributed router's interfaces are up as soon as they are part of it.
        self.assertEqual({p["Status"] for p in interfaces.values()}, {"ACTIVE"})

        # Refusals, each leaving the store as it was.
        path = "/v2.0/routers/%s/add_router_interface" % rid
        self.assertCommandFails("router", "add", "subnet", "rt-r1", "rt-net1-sub",
                                expect="Router already has a port on subnet", **ALICE)
        self.refused("PUT", path, {"subnet_id": sub1["id"]}, 400, "BadRequest",
                     "Bad router request: Router already has a port on subnet %s."
                     % sub1["id"])
        self.refused("PUT", path, {"subnet_id": overlap["id"]}, 400, "BadRequest",
                     "Bad router request: Cidr 10.80.1.0/25 of subnet %s overlaps with cidr "
                     "10.80.1.0/24 of subnet %s." % (overlap["id"], sub1["id"]))
        self.refused("PUT", path, {"subnet_id": no_gw["id"]}, 400, "BadRequest",
                     "Bad router request: Subnet for router interface must have a gateway IP")
        self.refused("PUT", path, {}, 400, "BadRequest")
        self.assertCommandFails("router", "delete", "rt-r1", **ALICE)
        self.refused("DELETE", "/v2.0/routers/" + rid, None, 409, "RouterInUse",
                     "Router %s still has ports" % rid)
        self.refused("DELETE", "/v2.0/subnets/" + sub1["id"], None, 409, "SubnetInUse")
        iface = interfaces["10.80.1.1"]["ID"]
        self.refused("DELETE", "/v2.0/ports/" + iface, None, 409, "ServicePortInUse",
                     "Port %s cannot be deleted directly via the port API: has device owner "
                     "network:router_interface." % iface)
        self.refused("DELETE", "/v2.0/networks/" + net1["id"], None, 409, "NetworkInUse")

        # Static routes: the next hop must be on one of the router's subnets.
        self.alice("router", "set", "--route", "destination=192.168.50.0/24,gateway=10.80.1.10",
                   "rt-r1")
        routes = self.alice("router", "show", "rt-r1", "-f", "json")["routes"]
        self.assertEqual(routes, [{"destination": "192.168.50.0/24", "nexthop": "10.80.1.10"}])
        self.refused("PUT", "/v2.0/routers/" + rid,
                     {"router": {"routes": [{"destination": "192.168.60.0/24",
                                             "nexthop": "172.16.0.1"}]}},
                     400, "InvalidRoutes")
        self.refused("PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
                     {"subnet_id": sub1["id"]}, 409, "RouterInterfaceInUseByRoute")
        self.alice("router", "unset", "--route",
                   "destination=192.168.50.0/24,gateway=10.80.1.10", "rt-r1")

        # Floating IPs: create, associate, move, disassociate, delete.
        vm1 = self.alice("port", "create", "--network", "rt-net1", "rt-vm1", "-f", "json")
        vm2 = self.alice("port", "create", "--network", "rt-net2", "rt-vm2", "-f", "json")
        fip = self.alice("floating", "ip", "create", "rt-public", "-f", "json")
        self.assertEqual(fip["status"], "DOWN")
        self.assertFalse(fip["port_id"])
        address = fip["floating_ip_address"]
        self.assertTrue(address.startswith("203.0.113."))
        self.alice("floating", "ip", "set", "--port", "rt-vm1", address)
        shown = self.alice("floating", "ip", "show", address, "-f", "json")
        self.assertEqual(shown["port_id"], vm1["id"])
        self.assertEqual(shown["fixed_ip_address"], vm1["fixed_ips"][0]["ip_address"])
        self.assertEqual(shown["router_id"], rid)
        raw = self.api("GET", "/v2.0/floatingips/" + fip["id"]).json()["floatingip"]
        self.assertEqual(raw["port_details"]["mac_address"], vm1["mac_address"])
        self.assertEqual(raw["port_details"]["network_id"], net1["id"])
        self.refused("PUT", "/v2.0/routers/%s/remove_router_interface" % rid,
                     {"subnet_id": sub1["id"]}, 409, "RouterInterfaceInUseByFloatingIP")
        self.refused("PUT", "/v2.0/routers/" + rid,
                     {"router": {"external_gateway_info": {}}}, 409,
                     "RouterExternalGatewayInUseByFloatingIp")
        self.alice("floating", "ip", "set", "--port", "rt-vm2", address)  # move
        shown = self.alice("floating", "ip", "show", address, "-f", "json")
        self.assertEqual(shown["port_id"], vm2["id"])
        self.alice("floating", "ip", "unset", "--port", address)
        shown = self.alice("floating", "ip", "show", address, "-f", "json")
        self.assertFalse(shown["port_id"])
        self.assertFalse(shown["router_id"])

        # No router joins rt-net3 to the outside.
        vm3 = self.alice("port", "create", "--network", "rt-net3", "rt-vm3", "-f", "json")
        self.refused("PUT", "/v2.0/floatingips/" + fip["id"],
                     {"floatingip": {"port_id": vm3["id"]}}, 404,
                     "ExternalGatewayForFloatingIPNotFound",
                     "External network %s is not reachable from subnet %s.  Therefore, cannot "
                     "associate Port %s with a Floating IP."
                     % (self.public["id"], no_gw["id"], vm3["id"]))
        self.assertCommandFails("floating", "ip", "create", "--port", "rt-vm3", "rt-public",
                                expect="is not reachable", **ALICE)

        # The pool has five addresses: the gateway and this floating IP hold two.
        for _ in range(3):
            self.alice("floating", "ip", "create", "rt-public", "-f", "json")
        self.refused("POST", "/v2.0/floatingips",
                     {"floatingip": {"floating_network_id": self.public["id"]}}, 409,
                     "IpAddressGenerationFailure")
        for listed in self.alice("floating", "ip", "list", "-f", "json"):
            self.alice("floating", "ip", "delete", listed["ID"])
        self.assertEqual(self.controller.sql(
            "SELECT COUNT(*) FROM ports WHERE device_owner = 'network:floatingip'"), [("0",)])

        self.alice("router", "remove", "subnet", "rt-r1", "rt-net1-sub")
        self.alice("router", "remove", "port", "rt-r1", interfaces["10.80.2.1"]["ID"])
        self.alice("router", "unset", "--external-gateway", "rt-r1")
        self.assertEqual(self.openstack("port", "list", "--device-id", rid, "-f", "json"), [])
        self.alice("router", "delete", "rt-r1")
        self.alice("port", "delete", "rt-vm1", "rt-vm2", "rt-vm3")
        self.alice("subnet", "delete", "rt-net1-sub")  # no router holds it any more

    def test_router_interface_by_port_and_quotas(self):
        self.openstack("quota", "set", "--routers", "2", "--floating-ips", "1", BOB["project"])
        bob = dict(BOB)
        self.openstack("network", "create", "rt-bnet", "-f", "json", **bob)
        self.openstack("subnet", "create", "--network", "rt-bnet", "--subnet-range",
                       "10.81.0.0/24", "rt-bsub", "-f", "json", **bob)
        port = self.openstack("port", "create", "--network", "rt-bnet", "--fixed-ip",
                              "ip-address=10.81.0.20", "rt-bport", "-f", "json", **bob)
        self.openstack("router", "create", "rt-b1", "-f", "json", **bob)
        self.openstack("router", "add", "port", "rt-b1", "rt-bport", **bob)
        shown = self.openstack("port", "show", "rt-bport", "-f", "json", **bob)
        self.assertEqual(shown["device_owner"], "network:router_interface")
        self.openstack("router", "create", "rt-b2", "-f", "json", **bob)
        self.refused("POST", "/v2.0/routers", {"router": {"name": "rt-b3"}}, 409, "OverQuota",
                     token=self.bob["token"])
        self.openstack("floating", "ip", "create", "rt-public", "-f", "json", **bob)
        self.refused("POST", "/v2.0/floatingips",
                     {"floatingip": {"floating_network_id": self.public["id"]}}, 409,
                     "OverQuota", token=self.bob["token"])
        self.openstack("router", "remove", "port", "rt-b1", port["id"], **bob)
        for listed in self.openstack("floating", "ip", "list", "-f", "json", **bob):
            self.openstack("floating", "ip", "delete", listed["ID"], **bob)
        self.openstack("router", "delete", "rt-b1", "rt-b2", **bob)


if __name__ == "__main__":
    unittest.main()
