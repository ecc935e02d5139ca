"""East-west routing in the OpenFlow pipeline (issue 11): two tenant networks joined by a router
made with the real `openstack` CLI, guests (namespaces) on two simulated hosts with real OVS.
The sending guest's host routes (TTL decremented, MACs rewritten, straight to the destination
port's host with the destination network's VNI); the router's interface addresses answer ARP and
ping from every host holding the router; removing the interface stops it.
"""

import json
import signal
import time
import unittest

import guest_stream
import multihost_cloud

STREAM_PORT = 5611


class EastWestRoutingTest(multihost_cloud.MultiHostCloud):

    def subnet_of(self, net):
        return self.api("GET", "/v2.0/subnets?network_id=" + net["id"]).json()["subnets"][0]

    def router(self, name, *nets):
        """A router with an interface on each network's subnet, through the CLI; removed (with
        its interfaces) before the networks are deleted."""
        router = self.ctl.openstack("router", "create", name, "-f", "json")
        attached = []

        def cleanup():  # raw HTTP: an interface the test removed already is a 404, not a failure
            for subnet in attached:
                self.api("PUT", "/v2.0/routers/%s/remove_router_interface" % router["id"],
                         {"subnet_id": subnet})
            self.api("DELETE", "/v2.0/routers/" + router["id"])
        self.addCleanup(cleanup)
        for net in nets:
            subnet = self.subnet_of(net)["id"]
            self.ctl.openstack("router", "add", "subnet", router["id"], subnet)
            attached.append(subnet)
        return router

    def routed_guest(self, host, name, net, ip):
        port = self.guest(host, name, net, ip=ip)
        gateway = self.subnet_of(net)["gateway_ip"]
        host.guest_run(name, "ip route add default via " + gateway)
        port["name"] = name
        return port

    def ping_ttl(self, host, guest, dst, ttl):
        """One ping with the given TTL: the reply's TTL, or None when nothing came back."""
        r = host.guest_run(guest, ["ping", "-n", "-c", "1", "-W", "1", "-t", str(ttl), dst],
                           check=False)
        for word in r.stdout.split():
            if word.startswith("ttl="):
                return int(word[4:])
        return None

    def tcp_echo(self, client_host, client, server_host, server, seconds=1.0):
        stream = guest_stream.start(self, client_host, client, server_host, server, STREAM_PORT)
        time.sleep(seconds)
        stream.send_signal(signal.SIGTERM)
        return json.loads(stream.communicate(timeout=15)[0].strip().splitlines()[-1])

    # --- tests -----------------------------------------------------------------------------

    def test_routing_on_one_host_and_across_hosts(self):
        h1, h2 = self.mh.hosts
        left = self.network("10.61.1.0/24")
        right = self.network("10.61.2.0/24")
        router = self.router("ew-router", left, right)
        a = self.routed_guest(h1, "ewa", left, "10.61.1.10")
        b = self.routed_guest(h1, "ewb", right, "10.61.2.10")
        c = self.routed_guest(h2, "ewc", right, "10.61.2.20")
        right_vni = self.api("GET", "/v2.0/networks/" + right["id"]).json()["network"][
            "provider:segmentation_id"]

        # The router answers ARP and ping for its addresses, on each host holding it.
        print("\nfirst ping of the router after plug: %.3f s"
              % h1.wait_ping("ewa", "10.61.1.1", timeout=10))
        self.assert_ping(h1, "ewa", "10.61.2.1")
        h2.wait_ping("ewc", "10.61.2.1", timeout=10)
        self.assert_ping(h2, "ewc", "10.61.1.1")

        # One host: a (left) <-> b (right).
        h1.wait_ping("ewa", b["ip"], timeout=10)
        self.assert_ping(h1, "ewb", a["ip"])
        # Across hosts: h1 routes a's packets and sends them with right's VNI straight to h2;
        # h2, which holds the router through c, routes the replies.
        cap = self.mh.capture(h1, "tunnel")
        print("first routed cross-host ping: %.3f s" % h1.wait_ping("ewa", c["ip"], timeout=10))
        self.assert_ping(h2, "ewc", a["ip"])
        self.assertIn("vni %d" % right_vni, "\n".join(cap.stop()))

        # One hop: TTL 1 expires at the router, TTL 2 arrives, and the reply (sent with 64)
        # comes back one lower.
        self.assertIsNone(self.ping_ttl(h1, "ewa", c["ip"], 1))
        self.assertEqual(self.ping_ttl(h1, "ewa", c["ip"], 2), 63)
        self.assertEqual(self.ping_ttl(h1, "ewa", b["ip"], 2), 63)
        # The router's own answers carry a fresh TTL.
        self.assertEqual(self.ping_ttl(h1, "ewa", "10.61.1.1", 64), 255)

        # TCP across the router and across hosts.
        figures = self.tcp_echo(h1, a, h2, c)
        self.assertIsNone(figures["error"], figures)
        self.assertGreater(figures["echoed"], 10, figures)

        # Removing the interface stops routing to right and the router's answers there.
        self.ctl.openstack("router", "remove", "subnet", router["id"],
                           self.subnet_of(right)["id"])
        self.wait_for(lambda: not h1.ping("ewa", c["ip"], wait=0.5).ok, "routing to stop")
        self.assert_no_ping(h1, "ewa", b["ip"])
        self.assert_no_ping(h1, "ewa", "10.61.2.1")
        self.assert_no_ping(h2, "ewc", "10.61.2.1")
        self.assert_ping(h1, "ewa", "10.61.1.1")

    def test_static_routes_go_through_their_next_hop(self):
        """extraroute: `openstack router set --route` sends a destination behind a guest (a
        "virtual appliance" holding 192.168.77.1, allowed by an address pair) to that guest on
        the other host, and its removal stops it."""
        h1, h2 = self.mh.hosts
        left = self.network("10.63.1.0/24")
        right = self.network("10.63.2.0/24")
        router = self.router("route-router", left, right)
        self.routed_guest(h1, "rta", left, "10.63.1.10")
        self.guest(h2, "rtc", right, ip="10.63.2.20",
                   allowed_address_pairs=[{"ip_address": "192.168.77.0/24"}])
        h2.guest_run("rtc", "ip route add default via 10.63.2.1; ip addr add 192.168.77.1/32 dev lo")
        self.assert_ping(h1, "rta", "10.63.2.20")
        self.assert_no_ping(h1, "rta", "192.168.77.1")
        self.ctl.openstack("router", "set", "--route",
                           "destination=192.168.77.0/24,gateway=10.63.2.20", router["id"])
        self.wait_for(lambda: h1.ping("rta", "192.168.77.1", wait=0.5).ok,
                      "the route to 192.168.77.0/24 via rtc")
        # The answer crossed the router once (routed on h2, the appliance's host).
        self.assertEqual(self.ping_ttl(h1, "rta", "192.168.77.1", 64), 63)
        self.ctl.openstack("router", "unset", "--route",
                           "destination=192.168.77.0/24,gateway=10.63.2.20", router["id"])
        self.wait_for(lambda: not h1.ping("rta", "192.168.77.1", wait=0.5).ok,
                      "the route to go")

    def test_security_groups_apply_to_routed_traffic(self):
        h1, h2 = self.mh.hosts
        left = self.network("10.62.1.0/24")
        right = self.network("10.62.2.0/24")
        self.router("ew-sg-router", left, right)
        # c's group admits nothing in: routed pings from a are dropped at c's port.
        closed = self.api("POST", "/v2.0/security-groups",
                          {"security_group": {"name": "ew-closed"}}).json()["security_group"]
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + closed["id"])
        self.routed_guest(h1, "ewsa", left, "10.62.1.10")
        c = self.guest(h2, "ewsc", right, ip="10.62.2.20", security_groups=[closed["id"]])
        h2.guest_run("ewsc", "ip route add default via 10.62.2.1")
        h1.wait_ping("ewsa", "10.62.1.1", timeout=10)
        self.assert_no_ping(h1, "ewsa", c["ip"])
        # A rule admitting ICMP from left's subnet opens it, through the same router.
        self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": {
            "security_group_id": closed["id"], "direction": "ingress", "ethertype": "IPv4",
            "protocol": "icmp", "remote_ip_prefix": "10.62.1.0/24"}})
        h1.wait_ping("ewsa", c["ip"], timeout=10)
        # Anti-spoofing stays: a source address a does not own is dropped before routing.
        h1.guest_run("ewsa", "ip addr add 10.62.1.99/24 dev eth0")
        r = h1.guest_run("ewsa", ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-I",
                                  "10.62.1.99", c["ip"]], check=False)
        self.assertIn(" 0 received", r.stdout, r.stdout)


if __name__ == "__main__":
    unittest.main()
