"""The cloud the service benchmarks measure: a real neutrino-controller (agent channel, Neutron
API, metadata listener) and simulated hypervisors from the integration harness
(tests/integration/multihost.py: namespaces, a private ovsdb-server + ovs-vswitchd on the
userspace datapath and a neutrino-agent per host). Ports are created through the API with
`binding:host_id` and plugged the Nova way.

Everything lives under one prefix and is removed by stop(), also after a failed start; SIGTERM
and SIGHUP unwind as SystemExit and SIGINT as KeyboardInterrupt through the caller's `with`.
"""

import json
import os
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "tests", "integration")))

import harness  # noqa: E402
import multihost  # noqa: E402

AGENT_SECRET = "service-bench-agent-secret"
METADATA_SECRET = "service-bench-metadata-secret"


class ServiceCloud:
    """`agent_flags[i]` are extra flags of host i's agent (e.g. raised rate limits); hosts=0
    runs the controller alone."""

    def __init__(self, hosts=1, agent_flags=None, controller_flags=(), db_sync="normal"):
        self.host_count = hosts
        self.db_sync = db_sync
        self.agent_flags = agent_flags or [()] * hosts
        self.controller_flags = list(controller_flags)
        self.ctl = None
        self.mh = None
        self.token = None
        self.metadata_port = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def prefix(self):
        return self.mh.prefix

    def start(self):
        _exit_on_signals()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        agent_port = multihost.free_port()
        self.metadata_port = multihost.free_port()
        self.ctl = harness.ControllerProcess(extra_args=[
            "--agent-listen", "127.0.0.1:%d" % agent_port, "--agent-secret", AGENT_SECRET,
            "--metadata-listen", "127.0.0.1:%d" % self.metadata_port,
            "--metadata-secret", METADATA_SECRET, "--log-level", "info"]
            + self.controller_flags, db_sync=self.db_sync)
        self.ctl.start()
        self.token = self.ctl.token()
        if not self.host_count:
            return
        self.mh = multihost.MultiHost(self.host_count)
        self.mh.start()
        relay = self.mh.forward(agent_port)
        metadata_relay = self.mh.forward(self.metadata_port)
        for host, flags in zip(self.mh.hosts, self.agent_flags):
            host.start_agent(relay.hostport, extra=(
                "--agent-secret", AGENT_SECRET, "--metadata-service", metadata_relay.hostport,
                "--metadata-secret", METADATA_SECRET, "--log-level", "info") + tuple(flags))
        # One Open vSwitch agent per host (a host also shows as its DHCP and metadata agents).
        ovs_agents = "/v2.0/agents?agent_type=Open%20vSwitch%20agent"
        wait_for(lambda: len([a for a in self.api("GET", ovs_agents)["agents"]
                              if a["alive"]]) == self.host_count, "every agent alive", 30)

    def stop(self):
        if self.mh is not None:
            self.mh.stop()
            self.mh = None
        if self.ctl is not None:
            self.ctl.stop()
            self.ctl = None

    # --- the API, as a tenant's tooling calls it ------------------------------------------

    def api(self, method, path, body=None, expect=None):
        resp = self.ctl.request(method, path, body, token=self.token, timeout=600)
        if expect is not None and resp.status != expect:
            raise RuntimeError("%s %s: %r" % (method, path, resp))
        return resp.json()

    def network(self, name, cidr, enable_dhcp=False, **attributes):
        net = self.api("POST", "/v2.0/networks", {"network": dict(attributes, name=name)},
                       201)["network"]
        net["subnet"] = self.api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": cidr,
            "enable_dhcp": enable_dhcp}}, 201)["subnet"]
        return net

    def create_port(self, net, host=None, **attributes):
        body = dict(attributes, network_id=net["id"])
        if host is not None:
            body["binding:host_id"] = host.name
        port = self.api("POST", "/v2.0/ports", {"port": body}, 201)["port"]
        port["ip"] = port["fixed_ips"][0]["ip_address"] if port["fixed_ips"] else None
        return port

    def bulk_ports(self, net, count, batch=500, **attributes):
        """`count` ports in bulk POSTs of `batch` (Neutron's {"ports": [...]})."""
        ports = []
        while len(ports) < count:
            n = min(batch, count - len(ports))
            body = {"ports": [dict(attributes, network_id=net["id"]) for _ in range(n)]}
            ports += self.api("POST", "/v2.0/ports", body, 201)["ports"]
        return ports

    def port_status(self, port_id):
        return self.api("GET", "/v2.0/ports/" + port_id)["port"]["status"]

    def plug(self, host, name, port, net, with_address=True):
        """The port's guest namespace `name` on `host`, plugged into br-int the Nova way."""
        cidr = net["subnet"]["cidr"]
        address = "%s/%s" % (port["ip"], cidr.split("/")[1]) if with_address else None
        return host.add_guest(name, port["id"], port["mac_address"], address, mtu=net["mtu"],
                              create_bridge=False)

    def dhcp_port(self, net, host):
        ports = self.api("GET", "/v2.0/ports?device_owner=network:dhcp&network_id=" +
                         net["id"])["ports"]
        return next((p for p in ports if p["binding:host_id"] == host.name), None)

    def wait_dhcp_port(self, net, host, timeout=60):
        wait_for(lambda: (self.dhcp_port(net, host) or {}).get("status") == "ACTIVE",
                 "the DHCP port of %s on %s ACTIVE" % (net["name"], host.name), timeout)
        return self.dhcp_port(net, host)


def _exit_on_signals():
    """SIGTERM and SIGHUP unwind as SystemExit, so the caller's `with` stops the controller
    too (multihost's own handlers, which it installs only where none is set, would stop the
    hosts and leave the controller running)."""
    def leave(signum, frame):
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, leave)


def wait_for(predicate, what, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError("timed out after %ss waiting for %s" % (timeout, what))


# --- figures -------------------------------------------------------------------------------

def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[min(len(ordered), int(rank)) - 1]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


def ratio(a, b):
    return round(a / b, 3) if a and b else None


def fmt(value, width, digits=2):
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return ("%.*f" % (digits, value)).rjust(width)
    return str(value).rjust(width)


def print_table(columns, rows):
    """columns: [(title, width)]; rows: lists of values (the first column left-aligned)."""
    print(" ".join(t.ljust(w) if i == 0 else t.rjust(w) for i, (t, w) in enumerate(columns)))
    for row in rows:
        print(" ".join(str(v).ljust(w) if i == 0 else fmt(v, w)
                       for i, (v, (_, w)) in enumerate(zip(row, columns))))


def machine():
    """What the figures were measured on: load average and CPUs."""
    with open("/proc/loadavg") as f:
        load = [float(x) for x in f.read().split()[:3]]
    return {"cpus": os.cpu_count(), "loadavg": load}


def emit_json(bench, result):
    """The one machine-readable line every benchmark prints last."""
    print(json.dumps(dict({"bench": bench, "machine": machine()}, **result), sort_keys=True),
          flush=True)


def require_root():
    if os.geteuid() != 0:
        raise SystemExit("run as root: the benchmark builds namespaces and OVS instances")
