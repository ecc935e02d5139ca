"""Source NAT through a router's gateway (issue 11): guests without a floating IP on two
simulated hosts reach outside with the router's gateway address as their source, whichever
host the controller chose as the router's gateway host (the other one sends to it over VXLAN,
or across the physical network to the gateway port's MAC from a VLAN network);
nothing from outside reaches them; two tenants with the same CIDR behind their own routers
each go out from their own gateway address and never reach each other; a TCP stream through
the gateway survives the gateway host's agent restarting; and when the gateway host's agent
is gone, the other host takes the gateway over (the note gives how long traffic stops).
Without source NAT the gateway routes the guests' own addresses both ways. A static route via
another router on the external subnet takes its destination there.
"""

import subprocess
import time
import unittest

from l3_cloud import L3Cloud, OUTSIDE_IP, WHO_PORT, WHO_SERVER

STREAM_PORT = 5615


class SourceNatTest(L3Cloud):

    def gateway_address(self, router):
        info = self.api("GET", "/v2.0/routers/" + router["id"]).json()["router"][
            "external_gateway_info"]
        return info["external_fixed_ips"][0]["ip_address"]

    def gateway_host(self):
        """The host whose br-int source-NATs (the controller's choice is not in the API)."""
        holders = [h for h in self.mh.hosts
                   if "nat(src=" in h.ofctl("dump-flows", "br-int", "table=44")]
        return holders[0] if len(holders) == 1 else None

    def tenant(self, cidr, router_name, external, group, guests):
        """A tenant network behind its own router with SNAT, and guests [(host, name, ip)]."""
        net = self.network(cidr)
        router = self.router(router_name, external, net)
        for host, name, ip in guests:
            self.routed_guest(host, name, net, ip, group)
        return router

    def test_guests_on_both_hosts_go_out_from_the_gateway_address(self):
        h1, h2 = self.mh.hosts
        external = self.external_network()
        group = self.open_group()
        self.admit(group, "tcp")
        router = self.tenant("10.66.1.0/24", "snat-router", external, group,
                             [(h1, "snata", "10.66.1.10"), (h2, "snatb", "10.66.1.20")])
        address = self.gateway_address(router)
        self.serve_outside_who()
        self.serve_who(h1, "snata")
        for host, guest in ((h1, "snata"), (h2, "snatb")):
            self.wait_for(lambda: host.ping(guest, OUTSIDE_IP, wait=0.5).ok,
                          guest + " pinging outside")
            self.assertEqual(self.guest_who(host, guest, OUTSIDE_IP), "outside " + address)
        self.assertIsNotNone(self.gateway_host())
        # Nothing new comes in: not through the gateway address, not to a fixed address.
        self.assertIsNone(self.outside_who(address))
        self.assertFalse(self.outside_ping("10.66.1.10", wait=0.5))
        # A guest's TCP stream to outside loses nothing while the gateway host's agent restarts.
        self.assert_stream_survives_agent_restart(
            self.mh.underlay.popen, lambda argv, **kw: h1.guest_popen("snata", argv, **kw),
            OUTSIDE_IP, STREAM_PORT, self.gateway_host().daemons["neutrino-agent"],
            "through source NAT")

    def test_guests_on_a_vlan_network_go_out_from_both_hosts(self):
        """A VLAN tenant network: the host that is not the gateway host sends its guest's
        packets for outside across the physical network to the gateway port's MAC."""
        h1, h2 = self.mh.hosts
        external = self.external_network()
        group = self.open_group()
        self.admit(group, "tcp")
        net = self.network("10.70.1.0/24", **{"provider:network_type": "vlan",
                                              "provider:physical_network": "physnet1"})
        # Whichever host is the gateway host, h2's port of the physical network carries the
        # frames for the gateway port's MAC and the RARPs that show the switches where it is.
        cap = self.mh.capture(h2, "physnet")
        router = self.router("vlan-snat-router", external, net)
        for host, name, ip in ((h1, "vsna", "10.70.1.10"), (h2, "vsnb", "10.70.1.20")):
            self.routed_guest(host, name, net, ip, group)
        address = self.gateway_address(router)
        self.serve_outside_who()
        for host, guest in ((h1, "vsna"), (h2, "vsnb")):
            self.wait_for(lambda: self.guest_who(host, guest, OUTSIDE_IP) is not None,
                          guest + " reaching outside over TCP")
            self.assertEqual(self.guest_who(host, guest, OUTSIDE_IP), "outside " + address)
        self.assertIsNotNone(self.gateway_host())
        self.assertIsNone(self.outside_who(address))
        gateway_mac = self.api("GET", "/v2.0/ports?device_owner=network:router_gateway"
                               "&device_id=" + router["id"]).json()["ports"][0]["mac_address"]
        lines = cap.stop()
        vlan = "vlan %d," % net["provider:segmentation_id"]
        self.assertTrue([l for l in lines if "> %s," % gateway_mac in l and vlan in l
                         and "ethertype IPv4" in l], "\n".join(lines))
        self.assertTrue([l for l in lines if l.split(" ")[1] == gateway_mac and vlan in l
                         and "Reverse Request" in l], "\n".join(lines))
        # Without source NAT the same way carries the guests' own addresses, both ways.
        self.ctl.openstack("router", "set", "--external-gateway", external["id"],
                           "--disable-snat", router["id"])
        ul = self.mh.underlay
        ul.run(["ip", "route", "add", "10.70.1.0/24", "via", address])
        self.addCleanup(ul.run, ["ip", "route", "del", "10.70.1.0/24"], check=False)
        for host, guest, ip in ((h1, "vsna", "10.70.1.10"), (h2, "vsnb", "10.70.1.20")):
            self.wait_for(lambda: self.guest_who(host, guest, OUTSIDE_IP) == "outside " + ip,
                          guest + " reaching outside with its own address")
            self.serve_who(host, guest)
            self.assertEqual(self.outside_who(ip), "%s %s" % (guest, OUTSIDE_IP))

    def far_router(self, address, served):
        """Another router on the external subnet, at `address`, in a namespace of its own; it
        holds `served` and answers there who reached it. Only it reaches `served`."""
        ns = self.mh.prefix + "far"
        link = self.mh.prefix + "fx"
        subprocess.run(["ip", "netns", "add", ns], check=True)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", ns], check=False)
        self.mh.underlay.run(["sh", "-c", "set -e; ip link add %s type veth peer name eth0 netns"
                              " %s; ip link set %s master %s up"
                              % (link, ns, link, self.mh.underlay.physnet_bridge)])
        self.addCleanup(self.mh.underlay.run, ["ip", "link", "del", link], check=False)
        subprocess.run(["ip", "netns", "exec", ns, "sh", "-c",
                        "set -e; ip link set lo up; ip addr add %s/32 dev lo;"
                        " ip addr add %s/24 dev eth0; ip link set eth0 up;"
                        " ethtool -K eth0 tx off >/dev/null" % (served, address)], check=True)
        proc = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c", WHO_SERVER, "far",
                                 str(WHO_PORT)], stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        self.assertEqual(proc.stdout.readline().strip(), "listening")

    def test_a_route_via_another_router_outside(self):
        """extraroute with a next hop on the external subnet: what the router's guests send to
        that destination goes to that next hop (asked for its MAC by the gateway host), not to
        the subnet's gateway, which cannot reach it."""
        h1, h2 = self.mh.hosts
        external = self.external_network()
        group = self.open_group()
        self.admit(group, "tcp")
        net = self.network("10.71.1.0/24")
        router = self.router("far-router", external, net)
        guests = ((h1, "fara", "10.71.1.10"), (h2, "farb", "10.71.1.20"))
        for host, name, ip in guests:
            self.routed_guest(host, name, net, ip, group)
        self.far_router("198.51.100.2", "100.64.7.1")
        address = self.gateway_address(router)
        self.serve_outside_who()
        self.wait_for(lambda: self.guest_who(h1, "fara", OUTSIDE_IP) is not None, "fara out")
        self.assertIsNone(self.guest_who(h1, "fara", "100.64.7.1"))  # no route yet
        self.ctl.openstack("router", "set", "--route",
                           "destination=100.64.7.0/24,gateway=198.51.100.2", router["id"])
        for host, guest, _ in guests:
            self.wait_for(lambda: self.guest_who(host, guest, "100.64.7.1") is not None,
                          guest + " reaching the far router's destination")
            self.assertEqual(self.guest_who(host, guest, "100.64.7.1"), "far " + address)
        # The subnet's gateway is still the way to everything else.
        self.assertEqual(self.guest_who(h2, "farb", OUTSIDE_IP), "outside " + address)

    def test_two_tenants_with_one_cidr_go_out_from_their_own_gateway(self):
        h1, h2 = self.mh.hosts
        external = self.external_network()
        group = self.open_group()
        self.admit(group, "tcp")
        self.admit(group, "icmp")
        red = self.tenant("10.67.1.0/24", "red-router", external, group,
                          [(h1, "reda", "10.67.1.10"), (h2, "redb", "10.67.1.30")])
        blue = self.tenant("10.67.1.0/24", "blue-router", external, group,
                           [(h2, "bluea", "10.67.1.10")])
        self.serve_outside_who()
        for host, guest, router in ((h1, "reda", red), (h2, "bluea", blue)):
            # TCP first: the gateway host asked for the next hop's MAC when it took the
            # gateway, so a SYN is not sent to the broadcast MAC (which outside would drop).
            self.wait_for(lambda: self.guest_who(host, guest, OUTSIDE_IP) is not None,
                          guest + " reaching outside over TCP")
            self.assertEqual(self.guest_who(host, guest, OUTSIDE_IP),
                             "outside " + self.gateway_address(router))
        # Same addresses, different networks: blue never reaches red's other guest.
        self.assert_ping(h1, "reda", "10.67.1.30")
        self.assert_no_ping(h2, "bluea", "10.67.1.30")

    def test_without_snat_the_gateway_routes_fixed_addresses(self):
        """enable_snat false, as in Neutron: guests go out with their own addresses through
        the gateway host, and outside, routing the tenant subnet to the gateway address,
        reaches them (as their security group allows)."""
        h1, h2 = self.mh.hosts
        external = self.external_network()
        group = self.open_group()
        self.admit(group, "tcp")
        net = self.network("10.69.1.0/24")
        router = self.router("routed-router", external, net, snat=False)
        guests = [(h1, "rta", "10.69.1.10"), (h2, "rtb", "10.69.1.20")]
        for host, name, ip in guests:
            self.routed_guest(host, name, net, ip, group)
        ul = self.mh.underlay
        ul.run(["ip", "route", "add", "10.69.1.0/24", "via", self.gateway_address(router)])
        self.addCleanup(ul.run, ["ip", "route", "del", "10.69.1.0/24"], check=False)
        self.serve_outside_who()
        for host, guest, ip in guests:
            self.wait_for(lambda: self.guest_who(host, guest, OUTSIDE_IP) is not None,
                          guest + " reaching outside over TCP")
            self.assertEqual(self.guest_who(host, guest, OUTSIDE_IP), "outside " + ip)
            self.serve_who(host, guest)
            self.assertEqual(self.outside_who(ip), "%s %s" % (guest, OUTSIDE_IP))
        self.assertIsNone(self.gateway_host())  # nothing is NATed

    def test_the_other_host_takes_the_gateway_over_when_its_agent_is_gone(self):
        external = self.external_network()
        group = self.open_group()
        guests = [(h, "snatt%d" % i, "10.68.1.%d" % (10 + i)) for i, h in enumerate(self.mh.hosts)]
        self.tenant("10.68.1.0/24", "takeover-router", external, group, guests)
        for host, guest, _ in guests:
            self.wait_for(lambda: host.ping(guest, OUTSIDE_IP, wait=0.5).ok, guest + " out")
        gateway = self.gateway_host()
        self.assertIsNotNone(gateway)
        other, guest = [(h, g) for h, g, _ in guests if h is not gateway][0]
        agent = gateway.daemons["neutrino-agent"]
        self.addCleanup(self.restart_agent, agent)
        t0 = time.monotonic()
        agent.kill9()
        # The old host's switch keeps NATing what it already has; the other host's guest goes
        # out again once that host holds the gateway.
        self.wait_for(lambda: self.gateway_host_is(other), "the other host to take over",
                      timeout=30)
        self.wait_for(lambda: other.ping(guest, OUTSIDE_IP, wait=0.2).ok,
                      guest + " out through the new gateway host", timeout=30)
        print("\ngateway host's agent killed -> other host's guest out again: %.3f s"
              % (time.monotonic() - t0))

    def gateway_host_is(self, host):
        return "nat(src=" in host.ofctl("dump-flows", "br-int", "table=44")

    def restart_agent(self, agent):
        offset = agent.log_size()
        agent.start()
        agent.wait_for_log("connected to the controller", after=offset, timeout=10)
        self.wait_for(lambda: len(self.alive_agents()) == self.HOSTS, "every agent alive", 30)


if __name__ == "__main__":
    unittest.main()
