"""Floating IPs in the OpenFlow pipeline (issue 11): 1:1 conntrack NAT on the host of the
associated port. An external flat network on physnet1 (admin, through the API) whose subnet's
gateway address is an "outside" interface on the physnet underlay; a tenant network behind a
router made with the real `openstack` CLI, guests on two simulated hosts. Outside reaches a
guest through its floating IP and sees the floating IP as the guest's source; moving the
floating IP moves the traffic to the other host's guest; disassociating stops it; the guest's
security group still decides what comes in; a TCP stream through it survives an agent restart.
"""

import json
import os
import signal
import subprocess
import time
import unittest

import multihost_cloud

EXTERNAL_CIDR = "198.51.100.0/24"
OUTSIDE_IP = "198.51.100.1"  # the external subnet's gateway_ip: the next hop outside
WHO_PORT = 5613
STREAM_PORT = 5614
TCP_STREAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tcp_stream.py")

# Answers every TCP connection with its owner's name and the peer address it saw.
WHO_SERVER = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2]))); s.listen(8); print("listening", flush=True)
while True:
    c, peer = s.accept(); c.sendall(("%s %s\\n" % (sys.argv[1], peer[0])).encode()); c.close()
"""
WHO_CLIENT = """
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
print(c.makefile().readline().strip())
"""


class FloatingIpNatTest(multihost_cloud.MultiHostCloud):

    def setUp(self):
        super().setUp()
        self.outside = self.mh.prefix + "ox"
        ul = self.mh.underlay
        ul.run(["sh", "-c", "set -e; ip link add %s type veth peer name %sb;"
                " ip link set %sb master %s up; ip addr add %s/24 dev %s; ip link set %s up;"
                # Userspace conntrack drops segments whose checksum the kernel left to offload.
                " ethtool -K %s tx off >/dev/null"
                % (self.outside, self.outside, self.outside, ul.physnet_bridge, OUTSIDE_IP,
                   self.outside, self.outside, self.outside)])
        self.addCleanup(ul.run, ["ip", "link", "del", self.outside], check=False)

    def outside_ping(self, ip, wait=0.5):
        r = self.mh.underlay.run(["ping", "-n", "-c", "1", "-W", str(wait), ip], check=False)
        return r.returncode == 0

    def outside_who(self, ip):
        """The answer of the guest behind `ip` on WHO_PORT, or None."""
        r = self.mh.underlay.run(["python3", "-c", WHO_CLIENT, ip, str(WHO_PORT)], check=False,
                                 timeout=10)
        return r.stdout.strip() if r.returncode == 0 else None

    def serve_who(self, host, guest):
        proc = host.guest_popen(guest, ["python3", "-c", WHO_SERVER, guest, str(WHO_PORT)],
                                stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertEqual(proc.stdout.readline().strip(), "listening")

    def external_network(self):
        return self.network(EXTERNAL_CIDR, **{
            "router:external": True, "provider:network_type": "flat",
            "provider:physical_network": "physnet1"})

    def router(self, name, external, tenant):
        router = self.ctl.openstack("router", "create", name, "-f", "json")
        subnet = self.api("GET", "/v2.0/subnets?network_id=" + tenant["id"]).json()[
            "subnets"][0]["id"]

        def cleanup():
            self.api("PUT", "/v2.0/routers/%s" % router["id"],
                     {"router": {"external_gateway_info": {}}})
            self.api("PUT", "/v2.0/routers/%s/remove_router_interface" % router["id"],
                     {"subnet_id": subnet})
            self.api("DELETE", "/v2.0/routers/" + router["id"])
        self.addCleanup(cleanup)
        self.ctl.openstack("router", "add", "subnet", router["id"], subnet)
        self.ctl.openstack("router", "set", "--external-gateway", external["id"], router["id"])
        return router

    def open_group(self):
        """A security group admitting ICMP and TCP from anywhere (the default one admits only
        its members)."""
        group = self.api("POST", "/v2.0/security-groups",
                         {"security_group": {"name": "fip-open"}}).json()["security_group"]
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        return group

    def admit(self, group, protocol):
        self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": {
            "security_group_id": group["id"], "direction": "ingress", "ethertype": "IPv4",
            "protocol": protocol, "remote_ip_prefix": "0.0.0.0/0"}})

    def routed_guest(self, host, name, net, ip, group):
        port = self.guest(host, name, net, ip=ip, security_groups=[group["id"]])
        host.guest_run(name, "ip route add default via 10.64.1.1")
        return port

    # --- tests -----------------------------------------------------------------------------

    def test_floating_ip_in_out_move_and_disassociate(self):
        h1, h2 = self.mh.hosts
        external = self.external_network()
        tenant = self.network("10.64.1.0/24")
        self.router("fip-router", external, tenant)
        group = self.open_group()
        self.admit(group, "tcp")
        a = self.routed_guest(h1, "fipa", tenant, "10.64.1.10", group)
        b = self.routed_guest(h2, "fipb", tenant, "10.64.1.20", group)
        self.serve_who(h1, "fipa")
        self.serve_who(h2, "fipb")
        # Without a floating IP (and no source NAT yet) nothing leaves.
        self.assert_no_ping(h1, "fipa", OUTSIDE_IP)

        fip = self.ctl.openstack("floating", "ip", "create", external["id"], "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/floatingips/" + fip["id"])
        address = fip["floating_ip_address"]
        t0 = time.monotonic()
        self.ctl.openstack("floating", "ip", "set", "--port", a["id"], address)
        cli = time.monotonic() - t0
        self.wait_for(lambda: self.outside_who(address) is not None, "TCP in through the FIP")
        print("\nfloating ip set --port -> first TCP answer from outside: %.3f s (CLI %.3f s)"
              % (time.monotonic() - t0, cli))
        # In: DNAT to a, which sees outside's own address.
        self.assertEqual(self.outside_who(address), "fipa " + OUTSIDE_IP)
        # The security group decides: ICMP is not admitted yet, then it is.
        self.assertFalse(self.outside_ping(address, wait=1))
        self.admit(group, "icmp")
        self.wait_for(lambda: self.outside_ping(address), "ping in through the FIP")
        # Out: a reaches outside from the floating address.
        self.assert_ping(h1, "fipa", OUTSIDE_IP)
        self.serve_outside_who()
        self.assertEqual(self.guest_who(h1, "fipa", OUTSIDE_IP), "outside " + address)
        self.assert_stream_survives_agent_restart(h1, "fipa", address)
        # b has no floating IP: it still cannot leave.
        self.assert_no_ping(h2, "fipb", OUTSIDE_IP)

        # Move to b (another host): b's traffic leaves from the address, and what comes in
        # for it reaches b once the physical network has seen the address's MAC from b's host.
        t0 = time.monotonic()
        self.ctl.openstack("floating", "ip", "set", "--port", b["id"], address)
        self.wait_for(lambda: h2.ping("fipb", OUTSIDE_IP, wait=0.5).ok, "b out via the FIP")
        self.assertEqual(self.guest_who(h2, "fipb", OUTSIDE_IP), "outside " + address)
        self.wait_for(lambda: self.outside_who(address) == "fipb " + OUTSIDE_IP,
                      "TCP in to b through the moved FIP")
        print("floating ip moved -> b answers from outside: %.3f s" % (time.monotonic() - t0))
        self.assert_no_ping(h1, "fipa", OUTSIDE_IP)

        # Disassociated: nothing in, nothing out.
        self.ctl.openstack("floating", "ip", "unset", "--port", address)
        self.wait_for(lambda: not self.outside_ping(address), "the FIP to stop answering")
        self.assertIsNone(self.outside_who(address))
        self.assert_no_ping(h2, "fipb", OUTSIDE_IP)

    def assert_stream_survives_agent_restart(self, host, guest, address):
        """A TCP stream from outside through the floating IP loses nothing while the guest's
        host restarts its agent, which finds nothing to change (the learned and conntrack
        flows read back as compiled)."""
        serve = host.guest_popen(guest, ["python3", TCP_STREAM, "serve", str(STREAM_PORT)],
                                 stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: serve.poll() is None and serve.kill())
        self.assertEqual(serve.stdout.readline().strip(), "listening")
        stream = self.mh.underlay.popen(["python3", TCP_STREAM, "stream", address,
                                         str(STREAM_PORT)], stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: stream.poll() is None and stream.kill())
        self.assertEqual(stream.stdout.readline().strip(), "connected")
        agent = host.daemons["neutrino-agent"]
        offset = agent.log_size()
        agent.restart()
        agent.wait_for_log("connected to the controller", after=offset, timeout=10)
        time.sleep(1)
        stream.send_signal(signal.SIGTERM)
        figures = json.loads(stream.communicate(timeout=15)[0].strip().splitlines()[-1])
        print("TCP stream through the FIP across an agent restart: %s" % figures)
        self.assertIsNone(figures["error"], figures)
        self.assertGreater(figures["echoed"], 10, figures)
        self.assertNotIn("flow changes applied", agent.log_text()[offset:])

    def serve_outside_who(self):
        proc = self.mh.underlay.popen(["python3", "-c", WHO_SERVER, "outside", str(WHO_PORT)],
                                      stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertEqual(proc.stdout.readline().strip(), "listening")

    def guest_who(self, host, guest, ip):
        r = host.guest_run(guest, ["python3", "-c", WHO_CLIENT, ip, str(WHO_PORT)], check=False,
                           timeout=10)
        return r.stdout.strip() if r.returncode == 0 else None


if __name__ == "__main__":
    unittest.main()
