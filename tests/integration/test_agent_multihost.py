"""neutrino-agent on simulated hypervisors (issue 3): a real controller, two hosts each with its
own ovsdb-server, ovs-vswitchd (userspace datapath) and agent, joined by a VXLAN underlay and a
VLAN physnet; guests are namespaces plugged into br-int the Nova way.

Proves: ping on one host and across hosts on VXLAN (the underlay shows the VNI) and on a VLAN
provider network (the physnet shows the 802.1Q tag); no traffic between networks with the same
CIDR; spoofed MAC and IP dropped; agent restart loses no packet; controller restart keeps
forwarding; deleted ports and unneeded tunnels are cleaned up within a second. Daemons killed
under traffic are test_agent_faults.py's.
"""

import json
import os
import subprocess
import time
import unittest

import multihost
import multihost_cloud


class AgentMultiHostTest(multihost_cloud.MultiHostCloud):

    # --- tests -----------------------------------------------------------------------------

    def test_agents_are_listed_alive_with_their_configuration(self):
        agents = {a["host"]: a for a in self.alive_agents()}
        self.assertEqual(set(agents), {h.name for h in self.mh.hosts})
        for h in self.mh.hosts:
            a = agents[h.name]
            self.assertEqual(a["agent_type"], "Open vSwitch agent")
            self.assertEqual(a["binary"], "neutrino-agent")
            self.assertEqual(a["configurations"]["tunneling_ip"], h.tunnel_ip)
            self.assertEqual(a["configurations"]["bridge_mappings"],
                             {"physnet1": multihost.PHYSNET_BRIDGE})
        listed = self.ctl.openstack("network", "agent", "list", "--agent-type", "open-vswitch",
                                    "-f", "json")
        self.assertEqual(sorted(row["Host"] for row in listed), sorted(agents))
        self.assertTrue(all(row["Alive"] in (True, ":-)") for row in listed), listed)

    def test_agent_show_set_and_delete_through_the_cli(self):
        h1, _ = self.mh.hosts
        agent = next(a for a in self.alive_agents() if a["host"] == h1.name)
        shown = self.ctl.openstack("network", "agent", "show", agent["id"], "-f", "json")
        self.assertEqual(shown["host"], h1.name)
        self.assertEqual(shown["agent_type"], "Open vSwitch agent")
        self.ctl.openstack("network", "agent", "set", "--disable", agent["id"])
        self.assertIs(self.api("GET", "/v2.0/agents/" + agent["id"]).json()["agent"][
            "admin_state_up"], False)
        # A disabled agent's host takes no new port bindings.
        net = self.network("10.43.0.0/24")
        port = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": h1.name}}).json()["port"]
        self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + port["id"])
        self.assertEqual(port["binding:vif_type"], "binding_failed")
        self.ctl.openstack("network", "agent", "set", "--enable", agent["id"])
        # Deleted while alive, it registers again at its next heartbeat, as in Neutron.
        self.ctl.openstack("network", "agent", "delete", agent["id"])
        self.wait_for(lambda: any(a["host"] == h1.name for a in self.alive_agents()),
                      "the deleted agent registering again", timeout=10)

    def test_vxlan_on_one_host_and_across_hosts(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.31.0.0/24")
        vni = self.api("GET", "/v2.0/networks/" + net["id"]).json()["network"][
            "provider:segmentation_id"]
        a = self.guest(h1, "vxa", net)
        b = self.guest(h1, "vxb", net)
        c = self.guest(h2, "vxc", net)
        print("\nport create -> ACTIVE: %.2f s" % c["active_after"])
        self.assert_ping(h1, "vxa", b["ip"])
        cap = self.mh.capture(h1, "tunnel")
        first = h1.wait_ping("vxa", c["ip"], timeout=10)
        print("first cross-host ping after plug: %.3f s" % first)
        self.assert_ping(h2, "vxc", a["ip"])
        lines = "\n".join(cap.stop())
        self.assertIn("vni %d" % vni, lines)

    def test_vlan_provider_network_across_hosts(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.32.0.0/24", **{"provider:network_type": "vlan",
                                              "provider:physical_network": "physnet1",
                                              "provider:segmentation_id": 150})
        self.assertEqual(net["mtu"], 1500)
        a = self.guest(h1, "vla", net)
        b = self.guest(h2, "vlb", net)
        cap = self.mh.capture(h1, "physnet")
        h1.wait_ping("vla", b["ip"], timeout=10)
        self.assert_ping(h2, "vlb", a["ip"])
        lines = "\n".join(cap.stop())
        self.assertIn("vlan 150", lines)

    def test_networks_with_the_same_cidr_never_see_each_other(self):
        h1, h2 = self.mh.hosts
        red = self.network("10.33.0.0/24")
        blue = self.network("10.33.0.0/24")
        red1 = self.guest(h1, "red1", red, ip="10.33.0.10")
        red2 = self.guest(h2, "red2", red, ip="10.33.0.11")
        self.guest(h1, "blue1", blue, ip="10.33.0.11")
        self.guest(h2, "blue2", blue, ip="10.33.0.12")
        self.assert_ping(h1, "red1", "10.33.0.11")   # red2 across hosts
        self.assert_ping(h1, "blue1", "10.33.0.12")  # blue2 across hosts
        # The address exists only on the other network: nothing may answer.
        self.assert_no_ping(h1, "red1", "10.33.0.12")
        self.assert_no_ping(h2, "blue2", "10.33.0.10")
        # Not even a broadcast crosses: blue1 (same host, same CIDR, holding the IP red1 pings)
        # sees no frame from red's ports while red1 floods its network.
        red_macs = " or ".join("ether src " + p["mac_address"] for p in (red1, red2))
        sniffer = h1.guest_popen("blue1", ["timeout", "5", "tcpdump", "-i", "eth0", "-nn", "-l",
                                           "--immediate-mode", red_macs],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        h1.guest_run("red1", ["ping", "-n", "-b", "-c", "5", "-i", "0.2", "-W", "1",
                              "10.33.0.255"], check=False)
        h1.guest_run("red1", "ip neigh flush all")
        self.assert_ping(h1, "red1", "10.33.0.11")
        out, err = sniffer.communicate(timeout=15)
        self.assertIn("0 packets captured", err, err)
        self.assertEqual(out.strip(), "", out)

    def test_spoofed_mac_and_ip_are_dropped(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.34.0.0/24")
        self.guest(h1, "spa", net, ip="10.34.0.10")
        self.guest(h2, "spb", net, ip="10.34.0.11")
        self.assert_ping(h1, "spa", "10.34.0.11")
        # Another source IP on the same interface.
        h1.guest_run("spa", "ip addr add 10.34.0.99/24 dev eth0")
        r = h1.guest_run("spa", ["ping", "-n", "-c", "3", "-i", "0.2", "-W", "1", "-I",
                                 "10.34.0.99", "10.34.0.11"], check=False)
        self.assertIn(" 0 received", r.stdout, r.stdout)
        h1.guest_run("spa", "ip addr del 10.34.0.99/24 dev eth0")
        # Another source MAC.
        h1.guest_run("spa", "ip link set eth0 address fa:16:3e:de:ad:01")
        self.assert_no_ping(h1, "spa", "10.34.0.11")

    def test_agent_restart_loses_no_packet(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.35.0.0/24")
        self.guest(h1, "ra", net)
        b = self.guest(h2, "rb", net)
        h1.wait_ping("ra", b["ip"], timeout=10)
        counter = h1.start_ping("ra", b["ip"], count=400, interval=0.01)
        time.sleep(0.5)
        agent = h1.daemons["neutrino-agent"]
        offset = agent.log_size()
        agent.restart()
        agent.wait_for_log("connected to the controller", after=offset, timeout=10)
        time.sleep(1)
        result = counter.wait()
        print("\nagent restart under a 100 packets/s ping: %s" % result)
        self.assertEqual(result.lost, 0, result)
        self.assertEqual(result.received, 400, result)
        # Nothing to change after the restart: the agent reinstalled no flow.
        self.assertNotIn("flow changes applied", agent.log_text()[offset:])

    def test_controller_restart_keeps_forwarding_and_agents_resync(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.37.0.0/24")
        self.guest(h1, "ca", net)
        b = self.guest(h2, "cb", net)
        h1.wait_ping("ca", b["ip"], timeout=10)
        offsets = [a.log_size() for a in self.agents]
        counter = h1.start_ping("ca", b["ip"], count=300, interval=0.01)
        self.ctl.terminate()
        time.sleep(0.5)
        self.ctl.restart()
        type(self).token = self.ctl.token()
        result = counter.wait()
        self.assertEqual(result.lost, 0, result)
        for agent, offset in zip(self.agents, offsets):
            agent.wait_for_log("connected to the controller", after=offset, timeout=15)
        self.wait_for(lambda: len(self.alive_agents()) == 2, "agents alive after restart")
        # The resync found nothing to change.
        time.sleep(1)
        for agent, offset in zip(self.agents, offsets):
            self.assertNotIn("flow changes applied", agent.log_text()[offset:])

    def dhcp_guest(self, host, name, net):
        """A port bound to `host` and a guest plugged for it with no address configured."""
        port = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": host.name}}).json()["port"]
        host.add_guest(name, port["id"], port["mac_address"], None, create_bridge=False)

        def cleanup():
            if name in host.guests:
                host.remove_guest(name)
            self.api("DELETE", "/v2.0/ports/" + port["id"])
        self.addCleanup(cleanup)
        return port

    def test_dhcp_udhcpc_and_dhclient_get_their_address_and_options(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.39.0.0/24")
        subnet = self.api("GET", "/v2.0/subnets?network_id=" + net["id"]).json()["subnets"][0]
        self.api("PUT", "/v2.0/subnets/" + subnet["id"],
                 {"subnet": {"dns_nameservers": ["10.39.0.53"]}})
        busy = self.dhcp_guest(h1, "dh1", net)
        isc = self.dhcp_guest(h2, "dh2", net)
        # One DHCP port per host of the network, created through the controller, ACTIVE.
        self.wait_for(lambda: self.dhcp_port(net, h1) and self.dhcp_port(net, h2),
                      "a DHCP port on each host")
        self.wait_for(lambda: self.dhcp_port(net, h1)["status"] == "ACTIVE", "DHCP port ACTIVE")
        server = self.dhcp_port(net, h1)["fixed_ips"][0]["ip_address"]
        self.assertIn("qdhcp-" + net["id"], h1.run("ip netns list").stdout)

        script = "/tmp/%s-udhcpc.sh" % self.mh.prefix
        with open(script, "w") as f:
            f.write('#!/bin/sh\necho "event=$1 ip=$ip subnet=$subnet router=$router dns=$dns '
                    'mtu=$mtu routes=$staticroutes hostname=$hostname serverid=$serverid"\n')
        os.chmod(script, 0o755)
        self.addCleanup(os.remove, script)
        out = h1.guest_run("dh1", "busybox udhcpc -i eth0 -n -q -f -t 5 -T 1 -s " + script,
                           check=False).stdout
        bound = [line for line in out.splitlines() if line.startswith("event=bound")]
        self.assertTrue(bound, out)
        ip = busy["fixed_ips"][0]["ip_address"]
        self.assertIn("ip=%s " % ip, bound[0])
        self.assertIn("subnet=255.255.255.0 ", bound[0])
        self.assertIn("router=10.39.0.1 ", bound[0])
        self.assertIn("dns=10.39.0.53 ", bound[0])
        self.assertIn("mtu=1450 ", bound[0])
        self.assertIn("169.254.169.254/32 %s" % server, bound[0])
        self.assertIn("hostname=host-%s " % ip.replace(".", "-"), bound[0])

        # ISC dhclient configures the interface itself with its stock dhclient-script:
        # address, default route, MTU, the route to the metadata address via the DHCP port and
        # resolv.conf. It runs in a private mount namespace so the resolv.conf it writes is a
        # scratch file, never the machine's.
        lease = "/tmp/%s-dhclient.leases" % self.mh.prefix
        resolv = "/tmp/%s-resolv.conf" % self.mh.prefix
        open(resolv, "w").close()
        self.addCleanup(lambda: [os.remove(f) for f in (lease, resolv) if os.path.exists(f)])
        r = h2.guest_run("dh2", ["unshare", "--mount", "sh", "-c",
                                 "mount --bind %s /etc/resolv.conf && "
                                 "dhclient -1 -v -lf %s -pf /dev/null eth0" % (resolv, lease)],
                         check=False, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        isc_ip = isc["fixed_ips"][0]["ip_address"]
        self.assertIn(isc_ip + "/24", h2.guest_run("dh2", "ip -4 -o addr show dev eth0").stdout)
        routes = h2.guest_run("dh2", "ip route").stdout
        self.assertIn("default via 10.39.0.1", routes)
        self.assertRegex(routes, r"169\.254\.169\.254 via 10\.39\.0\.\d+")
        self.assertIn("mtu 1450", h2.guest_run("dh2", "ip link show eth0").stdout)
        with open(resolv) as f:
            self.assertIn("nameserver 10.39.0.53", f.read())
        # With their DHCP addresses, the guests on the two hosts reach each other.
        h1.guest_run("dh1", "ip addr add %s/24 dev eth0" % ip)
        self.assert_ping(h1, "dh1", isc_ip)

    def test_metadata_guests_with_the_same_ip_get_their_own_instance(self):
        h1, _ = self.mh.hosts
        seen = {}
        for name, cidr in (("mdred", "10.41.0.0/24"), ("mdblue", "10.41.0.0/24")):
            net = self.network(cidr)
            instance = self.api("POST", "/v2.1/neutrino/instances", {"instance": {
                "name": name, "key_name": "k-" + name, "public_key": "ssh-ed25519 AAAA" + name,
                "user_data": "I2Nsb3VkLWNvbmZpZw=="}}).json()["instance"]
            self.addCleanup(self.api, "DELETE", "/v2.1/neutrino/instances/" + instance["id"])
            port = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "binding:host_id": h1.name,
                "device_id": instance["id"], "fixed_ips": [{"ip_address": "10.41.0.20"}]}})
            port = port.json()["port"]
            h1.add_guest(name, port["id"], port["mac_address"], "10.41.0.20/24",
                         create_bridge=False)
            self.addCleanup(lambda n=name, p=port["id"]: (h1.remove_guest(n),
                                                          self.api("DELETE", "/v2.0/ports/" + p)))
            self.route_metadata_via_dhcp_port(h1, name, net)
            seen[name] = instance
        for name, instance in seen.items():
            code, body = self.metadata(h1, name, "/latest/meta-data/instance-id")
            self.assertEqual((code, body), (200, instance["ec2_id"]))
            code, body = self.metadata(h1, name, "/openstack/latest/meta_data.json")
            self.assertEqual(code, 200, body)
            document = json.loads(body)
            self.assertEqual(document["uuid"], instance["id"])
            self.assertEqual(document["public_keys"], {"k-" + name: "ssh-ed25519 AAAA" + name})
            self.assertEqual(self.metadata(h1, name, "/latest/meta-data/local-ipv4"),
                             (200, "10.41.0.20"))
            self.assertEqual(self.metadata(h1, name, "/latest/user-data"),
                             (200, "#cloud-config"))
            self.assertEqual(self.metadata(h1, name, "/latest/meta-data/nonsense")[0], 404)

    def test_metadata_from_an_address_no_port_holds_is_refused(self):
        h1, _ = self.mh.hosts
        net = self.network("10.42.0.0/24")
        # Port security off, so the guest can send from an address it does not own.
        port = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": h1.name,
            "port_security_enabled": False}}).json()["port"]
        h1.add_guest("mdx", port["id"], port["mac_address"], "10.42.0.250/24",
                     create_bridge=False)
        self.addCleanup(lambda: (h1.remove_guest("mdx"),
                                 self.api("DELETE", "/v2.0/ports/" + port["id"])))
        self.route_metadata_via_dhcp_port(h1, "mdx", net)
        code, body = self.metadata(h1, "mdx", "/latest/meta-data/instance-id")
        self.assertEqual(code, 404, body)

    def test_agent_restart_costs_dhcp_and_metadata_at_most_a_retry(self):
        h1, _ = self.mh.hosts
        net = self.network("10.44.0.0/24")
        instance = self.api("POST", "/v2.1/neutrino/instances", {"instance": {
            "name": "restarted"}}).json()["instance"]
        self.addCleanup(self.api, "DELETE", "/v2.1/neutrino/instances/" + instance["id"])
        port = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": h1.name,
            "device_id": instance["id"]}}).json()["port"]
        ip = port["fixed_ips"][0]["ip_address"]
        h1.add_guest("rs", port["id"], port["mac_address"], ip + "/24", create_bridge=False)
        self.addCleanup(lambda: (h1.remove_guest("rs"),
                                 self.api("DELETE", "/v2.0/ports/" + port["id"])))
        self.route_metadata_via_dhcp_port(h1, "rs", net)
        self.assertEqual(self.metadata(h1, "rs", "/latest/meta-data/local-ipv4"), (200, ip))
        agent = h1.daemons["neutrino-agent"]
        agent.restart()
        # Clients retry once a second: the lease and the document still come.
        dhcp = h1.guest_run("rs", "busybox udhcpc -i eth0 -n -q -f -t 5 -T 1 -s /bin/true",
                            check=False)
        self.assertIn("lease of %s obtained" % ip, dhcp.stdout + dhcp.stderr)
        r = h1.guest_run("rs", ["curl", "-s", "-m", "3", "--retry", "3", "--retry-delay", "1",
                                "--retry-connrefused",
                                "http://169.254.169.254/latest/meta-data/local-ipv4"],
                         check=False)
        self.assertEqual(r.stdout, ip)

    def test_dhcp_namespace_goes_with_the_last_port(self):
        h1, _ = self.mh.hosts
        net = self.network("10.40.0.0/24")
        port = self.dhcp_guest(h1, "dn1", net)
        self.wait_for(lambda: "qdhcp-" + net["id"] in h1.run("ip netns list").stdout,
                      "qdhcp namespace")
        h1.remove_guest("dn1")
        self.assertEqual(self.api("DELETE", "/v2.0/ports/" + port["id"]).status, 204)
        self.wait_for(lambda: "qdhcp-" + net["id"] not in h1.run("ip netns list").stdout,
                      "qdhcp namespace removed", timeout=5)
        self.wait_for(lambda: self.dhcp_port(net, h1) is None, "DHCP port deleted", timeout=5)

    def test_deleted_port_and_unneeded_tunnel_are_gone_within_a_second(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.38.0.0/24")
        a = self.guest(h1, "da", net)
        b = self.guest(h2, "db", net)
        h1.wait_ping("da", b["ip"], timeout=10)
        tunnel = "vxlan-%08x" % int.from_bytes(bytes(map(int, h2.tunnel_ip.split("."))), "big")
        other_networks = [p for p in self.api("GET", "/v2.0/ports").json()["ports"]
                          if p["binding:host_id"] == h2.name and p["id"] != b["id"]]
        deleted = time.monotonic()
        self.assertEqual(self.api("DELETE", "/v2.0/ports/" + b["id"]).status, 204)
        self.wait_for(lambda: not any(b["mac_address"] in f for f in h1.dump_flows("br-int")),
                      "flows of the deleted port gone", timeout=1.0, interval=0.02)
        print("\nflows of a deleted port gone after %.3f s" % (time.monotonic() - deleted))
        if not other_networks:
            self.wait_for(lambda: tunnel not in h1.vsctl("list-ports", "br-tun"),
                          "tunnel to %s removed" % h2.name, timeout=1.0, interval=0.02)
        self.assertEqual(self.api("GET", "/v2.0/ports/" + a["id"]).json()["port"]["status"],
                         "ACTIVE")


if __name__ == "__main__":
    unittest.main()
