"""A multi-host cloud with an external network for the router tests (issue 11): an external
flat network on physnet1 (admin, through the API) whose subnet's gateway address is an
"outside" interface on the physnet underlay, routers made with the real `openstack` CLI, and
small TCP services that tell who answered and from which address they were reached."""

import json
import os
import signal
import subprocess
import time

import multihost_cloud

EXTERNAL_CIDR = "198.51.100.0/24"
OUTSIDE_IP = "198.51.100.1"  # the external subnet's gateway_ip: the next hop outside
WHO_PORT = 5613
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


class L3Cloud(multihost_cloud.MultiHostCloud):

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

    def router(self, name, external, tenant, snat=True):
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
        self.ctl.openstack("router", "set", "--external-gateway", external["id"],
                           "--enable-snat" if snat else "--disable-snat", router["id"])
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
        """A guest whose default route is its subnet's first address (the router's)."""
        port = self.guest(host, name, net, ip=ip, security_groups=[group["id"]])
        host.guest_run(name, "ip route add default via " + ip.rsplit(".", 1)[0] + ".1")
        return port

    def serve_outside_who(self):
        proc = self.mh.underlay.popen(["python3", "-c", WHO_SERVER, "outside", str(WHO_PORT)],
                                      stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertEqual(proc.stdout.readline().strip(), "listening")

    def guest_who(self, host, guest, ip):
        r = host.guest_run(guest, ["python3", "-c", WHO_CLIENT, ip, str(WHO_PORT)], check=False,
                           timeout=10)
        return r.stdout.strip() if r.returncode == 0 else None

    def assert_stream_survives_agent_restart(self, serve_popen, stream_popen, target, port,
                                             agent, what):
        """A TCP stream (tcp_stream.py) served by `serve_popen(argv, ...)` and sent to
        `target`:`port` by `stream_popen(argv, ...)` loses nothing while `agent` restarts, which
        finds nothing to change (the learned and conntrack flows read back as compiled)."""
        serve = serve_popen(["python3", TCP_STREAM, "serve", str(port)],
                            stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: serve.poll() is None and serve.kill())
        self.assertEqual(serve.stdout.readline().strip(), "listening")
        stream = stream_popen(["python3", TCP_STREAM, "stream", target, str(port)],
                              stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: stream.poll() is None and stream.kill())
        self.assertEqual(stream.stdout.readline().strip(), "connected")
        offset = agent.log_size()
        agent.restart()
        agent.wait_for_log("connected to the controller", after=offset, timeout=10)
        time.sleep(1)
        stream.send_signal(signal.SIGTERM)
        figures = json.loads(stream.communicate(timeout=15)[0].strip().splitlines()[-1])
        print("TCP stream %s across an agent restart: %s" % (what, figures))
        self.assertIsNone(figures["error"], figures)
        self.assertGreater(figures["echoed"], 10, figures)
        self.assertNotIn("flow changes applied", agent.log_text()[offset:])
