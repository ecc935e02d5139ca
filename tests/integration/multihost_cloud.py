"""A cloud on simulated hypervisors for the multi-host tests: a real controller, two hosts (or
HOSTS) each with its own ovsdb-server, ovs-vswitchd (userspace datapath) and agent, joined by a
VXLAN underlay and a VLAN physnet (multihost.py), and helpers that create networks and plug
guests through the API the way Nova would."""

import ipaddress
import time
import unittest

import harness
import multihost

SECRET = "multihost-agent-secret"
METADATA_SECRET = "multihost-metadata-secret"


class MultiHostCloud(unittest.TestCase):

    HOSTS = 2  # simulated hypervisors, each with its agent
    CONTROLLER_ARGS = ()  # more controller flags for a test class

    @classmethod
    def setUpClass(cls):
        cls.agent_port = multihost.free_port()
        cls.metadata_port = multihost.free_port()
        cls.ctl = harness.ControllerProcess(extra_args=[
            "--agent-listen", "127.0.0.1:%d" % cls.agent_port, "--agent-secret", SECRET,
            "--metadata-listen", "127.0.0.1:%d" % cls.metadata_port,
            "--metadata-secret", METADATA_SECRET,
            "--agent-heartbeat", "2", "--network-vlan-ranges", "physnet1:100:199",
            "--flat-networks", "physnet1", *cls.CONTROLLER_ARGS])
        cls.ctl.start()
        cls.mh = multihost.MultiHost(cls.HOSTS)
        try:
            cls.mh.start()
            cls.relay = cls.mh.forward(cls.agent_port)
            cls.metadata_relay = cls.mh.forward(cls.metadata_port)
            cls.agents = [h.start_agent(cls.relay.hostport, extra=(
                "--agent-secret", SECRET, "--metadata-service", cls.metadata_relay.hostport,
                "--metadata-secret", METADATA_SECRET)) for h in cls.mh.hosts]
            for h in cls.mh.hosts:
                h.attach_physnet()
            cls.token = cls.ctl.token()
            cls.wait_for(lambda: len(cls.alive_agents()) == cls.HOSTS, "every agent alive")
        except BaseException:
            cls.mh.stop()
            cls.ctl.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.mh.stop()
        cls.ctl.stop()

    def setUp(self):
        # Registered first, so it runs last: after the test and its own cleanups, every host's
        # incrementally pushed state must equal a full recompute from the store.
        self.addCleanup(self.assert_fanout_consistent)

    def assert_fanout_consistent(self):
        r = self.api("GET", "/debug/fanout-consistency")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["diverging_hosts"], [], r.body)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def wait_for(predicate, what, timeout=10.0, interval=0.05):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(interval)
        raise AssertionError("timed out waiting for " + what)

    @classmethod
    def api(cls, method, path, body=None):
        return cls.ctl.request(method, path, body, token=cls.token)

    @classmethod
    def alive_agents(cls, agent_type="Open vSwitch agent"):
        """Alive agents of one type (each host's agent also shows as its DHCP and metadata
        agents); agent_type=None: all of them."""
        return [a for a in cls.api("GET", "/v2.0/agents").json()["agents"]
                if a["alive"] and agent_type in (None, a["agent_type"])]

    def network(self, cidr, **provider):
        net = self.api("POST", "/v2.0/networks", {"network": dict(name="mh", **provider)})
        self.assertEqual(net.status, 201, net)
        net = net.json()["network"]
        # Addresses given out (DHCP ports, guests named without an address) come from the upper
        # half: the fixed addresses tests choose are low ones, and a DHCP port drawing one at
        # random would answer in its place.
        hosts = ipaddress.ip_network(cidr)
        pool = {"start": str(hosts[hosts.num_addresses // 2]), "end": str(hosts[-2])}
        sub = self.api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": cidr, "allocation_pools": [pool]}})
        self.assertEqual(sub.status, 201, sub)
        self.addCleanup(self.api, "DELETE", "/v2.0/networks/" + net["id"])
        return net

    def guest(self, host, name, net, ip=None, **port_attributes):
        """Creates a port bound to `host` (with `port_attributes`, e.g. security_groups), plugs
        a guest for it, waits for ACTIVE."""
        body = dict(port_attributes, network_id=net["id"], **{"binding:host_id": host.name})
        if ip:
            body["fixed_ips"] = [{"ip_address": ip}]
        created = time.monotonic()
        port = self.api("POST", "/v2.0/ports", {"port": body})
        self.assertEqual(port.status, 201, port)
        port = port.json()["port"]
        self.assertEqual(port["binding:vif_type"], "ovs")
        address = port["fixed_ips"][0]["ip_address"]
        host.add_guest(name, port["id"], port["mac_address"], address + "/24",
                       mtu=net["mtu"], create_bridge=False)

        def cleanup():
            if name in host.guests:
                host.remove_guest(name)
            self.api("DELETE", "/v2.0/ports/" + port["id"])
        self.addCleanup(cleanup)
        self.wait_for(lambda: self.api("GET", "/v2.0/ports/" + port["id"]).json()["port"][
            "status"] == "ACTIVE", "port %s ACTIVE" % name)
        port["active_after"] = time.monotonic() - created
        port["ip"] = address
        return port

    def assert_ping(self, host, guest, ip):
        result = host.ping(guest, ip, count=2, interval=0.2, wait=1)
        self.assertGreater(result.received, 0, "%s could not ping %s: %s" % (guest, ip, result))

    def assert_no_ping(self, host, guest, ip):
        result = host.ping(guest, ip, count=3, interval=0.2, wait=1)
        self.assertEqual(result.received, 0, "%s reached %s: %s" % (guest, ip, result))

    def dhcp_port(self, net, host):
        ports = self.api("GET", "/v2.0/ports?device_owner=network:dhcp&network_id=" +
                         net["id"]).json()["ports"]
        return next((p for p in ports if p["binding:host_id"] == host.name), None)

    def route_metadata_via_dhcp_port(self, host, guest, net):
        """Waits for the network's DHCP port on `host` to be ACTIVE and routes 169.254.169.254
        through it, as the classless route DHCP hands out would."""
        self.wait_for(lambda: self.dhcp_port(net, host) and
                      self.dhcp_port(net, host)["status"] == "ACTIVE", "DHCP port ACTIVE")
        dhcp_ip = self.dhcp_port(net, host)["fixed_ips"][0]["ip_address"]
        host.guest_run(guest, "ip route add 169.254.169.254/32 via " + dhcp_ip)

    def metadata(self, host, guest, path):
        r = host.guest_run(guest, ["curl", "-s", "-m", "5", "-w", "\n%{http_code}",
                                   "http://169.254.169.254" + path], check=False)
        body, _, code = r.stdout.rpartition("\n")
        return int(code or 0), body
