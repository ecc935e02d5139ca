"""The machinery `neutrino-pktbench path` measures on: simulated hosts from the integration
harness (tests/integration/multihost.py: namespaces, a private ovsdb-server + ovs-vswitchd with
the userspace datapath per host, a VXLAN underlay and a VLAN physnet), and, when a path needs
our pipeline, a real neutrino-controller with one neutrino-agent per host.

Everything lives in namespaces and temporary directories named by one unique prefix;
BenchCloud.stop() removes it, also after a failed start, at exit and on SIGTERM/SIGHUP
(multihost's handlers), and on SIGINT (KeyboardInterrupt unwinds through the caller's
try/finally).
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "tests", "integration")))

import harness  # noqa: E402
import multihost  # noqa: E402

AGENT_SECRET = "pktbench-agent-secret"


class BenchCloud:
    def __init__(self, hosts, with_pipeline):
        self.host_count = hosts
        self.with_pipeline = with_pipeline
        self.ctl = None
        self.mh = None
        self.token = None

    @property
    def prefix(self):
        return self.mh.prefix if self.mh else None

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        agent_port = multihost.free_port()
        if self.with_pipeline:
            self.ctl = harness.ControllerProcess(extra_args=[
                "--agent-listen", "127.0.0.1:%d" % agent_port, "--agent-secret", AGENT_SECRET,
                "--network-vlan-ranges", "physnet1:100:199", "--log-level", "info"])
            self.ctl.start()
        self.mh = multihost.MultiHost(self.host_count)
        self.mh.start()
        if not self.with_pipeline:
            return
        relay = self.mh.forward(agent_port)
        for h in self.mh.hosts:
            h.start_agent(relay.hostport, extra=("--agent-secret", AGENT_SECRET))
        for h in self.mh.hosts:
            h.attach_physnet()
        self.token = self.ctl.token()
        self.wait_for(lambda: len(self.alive_agents()) == self.host_count, "agents alive", 30)

    def stop(self):
        if self.mh is not None:
            self.mh.stop()
            self.mh = None
        if self.ctl is not None:
            self.ctl.stop()
            self.ctl = None

    # --- the API, as a tenant's tooling would call it --------------------------------------

    @staticmethod
    def wait_for(predicate, what, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise RuntimeError("timed out waiting for " + what)

    def api(self, method, path, body=None, expect=None):
        resp = self.ctl.request(method, path, body, token=self.token)
        if expect is not None and resp.status != expect:
            raise RuntimeError("%s %s: %r" % (method, path, resp))
        return resp.json()

    def alive_agents(self):
        # One Open vSwitch agent per host (a host also shows as its DHCP and metadata agents).
        return [a for a in self.api("GET", "/v2.0/agents?agent_type=Open%20vSwitch%20agent")["agents"]
                if a["alive"]]

    def network(self, name, cidr, **provider):
        net = self.api("POST", "/v2.0/networks", {"network": dict(name=name, **provider)}, 201)
        net = net["network"]
        self.api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": cidr,
            "enable_dhcp": False}}, 201)
        return net

    def security_group(self, name, ingress_rules):
        group = self.api("POST", "/v2.0/security-groups",
                         {"security_group": {"name": name}}, 201)["security_group"]
        for rule in ingress_rules:
            self.api("POST", "/v2.0/security-group-rules", {"security_group_rule": dict(
                rule, security_group_id=group["id"], direction="ingress",
                ethertype="IPv4")}, 201)
        return group

    def port(self, host, name, net, **attributes):
        """A port bound to `host`, the guest namespace plugged the Nova way, ACTIVE."""
        body = dict(attributes, name=name, network_id=net["id"],
                    **{"binding:host_id": host.name})
        port = self.api("POST", "/v2.0/ports", {"port": body}, 201)["port"]
        address = port["fixed_ips"][0]["ip_address"]
        host.add_guest(name, port["id"], port["mac_address"], address + "/24",
                       mtu=net["mtu"], create_bridge=False)
        self.wait_for(lambda: self.api("GET", "/v2.0/ports/" + port["id"])["port"]["status"]
                      == "ACTIVE", "port %s ACTIVE" % name)
        port["ip"] = address
        return port
