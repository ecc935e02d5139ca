"""The paths `neutrino-pktbench path` measures. Each builds two guest namespaces (eth0 in
each) joined by one kind of datapath and returns their Endpoints; BenchCloud removes them.

Ours go through the real controller and agents (OVS userspace datapath); the baselines put
the same namespaces on the same host behind a plain OVS bridge (NORMAL), a Linux bridge, or
one veth pair. New paths (routers, once they exist) are one more Path in PATHS.
"""

import collections

Endpoints = collections.namedtuple("Endpoints", "tx rx tx_ip rx_ip mtu")

# What limits each figure on this machine (printed with the results, kept in
# docs/benchmarks.md).
LIMIT_USERSPACE = ("OVS userspace datapath (dpif-netdev) reading and writing the taps through "
                   "AF_PACKET sockets in its main thread, sharing 2 cores with the generator")
LIMIT_KERNEL = "the kernel's veth/bridge forwarding, one softirq per frame, 2 cores shared"


class Path:
    def __init__(self, name, kind, hosts, description, limit, build=None, unavailable=None):
        self.name = name
        self.kind = kind          # "ours" or "baseline"
        self.hosts = hosts        # simulated hosts it needs
        self.description = description
        self.limit = limit
        self.build = build        # build(cloud, prefix) -> Endpoints
        self.unavailable = unavailable


def _guest_ns(host, name, mtu=1500):
    """A namespace with a veth whose inside end is eth0; returns the outside end's name."""
    outside = "v" + name
    host.run("set -e; ip netns add {n}; ip link add {o} mtu {m} type veth peer name eth0 "
             "mtu {m} netns {n}; ip link set {o} up; ip -n {n} link set eth0 up; "
             "ip -n {n} link set lo up".format(n=name, o=outside, m=mtu))
    return outside


def netns_file(host, name):
    """The guest's namespace as the benchmark (in the machine's namespaces) opens it: through
    the host's mount namespace, where its /run/netns lives."""
    return "/proc/%d/root/run/netns/%s" % (host.pid, name)


def _endpoints(host_a, a, host_b, b, mtu, ip_a="10.99.0.1", ip_b="10.99.0.2"):
    return Endpoints("eth0@" + netns_file(host_a, a), "eth0@" + netns_file(host_b, b),
                     ip_a, ip_b, mtu)


def build_veth(cloud, p):
    h = cloud.mh[0]
    h.run("set -e; ip netns add {p}va; ip netns add {p}vb; ip link add eth0 netns {p}va type "
          "veth peer name eth0 netns {p}vb; ip -n {p}va link set eth0 up; "
          "ip -n {p}vb link set eth0 up".format(p=p))
    return _endpoints(h, p + "va", h, p + "vb", 1500)


def build_linux_bridge(cloud, p):
    h = cloud.mh[0]
    h.run("ip link add {p}lbr type bridge && ip link set {p}lbr up".format(p=p))
    for side in ("la", "lb"):
        outside = _guest_ns(h, p + side)
        h.run("ip link set %s master %slbr" % (outside, p))
    return _endpoints(h, p + "la", h, p + "lb", 1500)


def build_ovs_normal(cloud, p):
    h = cloud.mh[0]
    bridge = p + "ob"
    h.ensure_bridge(bridge)  # datapath_type=netdev; a new bridge's one flow is NORMAL
    for side in ("oa", "ob"):
        outside = _guest_ns(h, p + side)
        h.vsctl("add-port", bridge, outside)
    return _endpoints(h, p + "oa", h, p + "ob", 1500)


def _pipeline(cloud, p, tag, hosts, network=None, guest_mtu=None, **port_attributes):
    net = cloud.network(p + tag, "10.100.0.0/24", **(network or {}))
    a = cloud.port(hosts[0], p + tag + "a", net, **port_attributes)
    b = cloud.port(hosts[1], p + tag + "b", net, **port_attributes)
    mtu = net["mtu"]
    if guest_mtu:
        # One host: frames never leave br-int, so the guests may use 1500 whatever the
        # tenant network's (tunnel-sized) MTU says.
        for host, name in ((hosts[0], p + tag + "a"), (hosts[1], p + tag + "b")):
            host.run("ip -n {n} link set eth0 mtu {m}; ip link set {d} mtu {m}".format(
                n=name, m=guest_mtu, d=host.guests[name].dev))
        mtu = guest_mtu
    return _endpoints(hosts[0], p + tag + "a", hosts[1], p + tag + "b", mtu, a["ip"], b["ip"])


def build_pipeline(cloud, p):
    h = cloud.mh[0]
    return _pipeline(cloud, p, "pl", (h, h), guest_mtu=1500)


def build_pipeline_nosec(cloud, p):
    h = cloud.mh[0]
    return _pipeline(cloud, p, "pn", (h, h), guest_mtu=1500, port_security_enabled=False)


def build_sg10(cloud, p):
    # 8 ingress rules + the 2 egress rules Neutron gives every new group = 10 rules; the UDP
    # rule the probes match is the sixth one written.
    rules = [dict(protocol="tcp", port_range_min=22, port_range_max=22),
             dict(protocol="tcp", port_range_min=80, port_range_max=80),
             dict(protocol="tcp", port_range_min=443, port_range_max=443),
             dict(protocol="tcp", port_range_min=8000, port_range_max=8999,
                  remote_ip_prefix="10.0.0.0/8"),
             dict(protocol="icmp"),
             dict(protocol="udp", port_range_min=9, port_range_max=9),
             dict(protocol="udp", port_range_min=53, port_range_max=53,
                  remote_ip_prefix="192.168.0.0/16"),
             dict(protocol="udp", port_range_min=5000, port_range_max=5100)]
    group = cloud.security_group(p + "sg10", rules)
    h = cloud.mh[0]
    return _pipeline(cloud, p, "sg", (h, h), guest_mtu=1500, security_groups=[group["id"]])


def build_vxlan(cloud, p):
    return _pipeline(cloud, p, "vx", (cloud.mh[0], cloud.mh[1]))


def build_vlan(cloud, p):
    return _pipeline(cloud, p, "vl", (cloud.mh[0], cloud.mh[1]), network={
        "provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": 150})


PATHS = [
    Path("pipeline", "ours", 1, "our pipeline, two ports on one host (default security group)",
         LIMIT_USERSPACE + "; conntrack for the default group", build_pipeline),
    Path("pipeline-nosec", "ours", 1, "our pipeline, one host, port_security_enabled=false",
         LIMIT_USERSPACE, build_pipeline_nosec),
    Path("sg10", "ours", 1, "our pipeline, one host, a 10-rule security group on both ports",
         LIMIT_USERSPACE + "; conntrack + the group's flows", build_sg10),
    Path("vxlan", "ours", 2, "our pipeline, two hosts, VXLAN tenant network (MTU 1450)",
         LIMIT_USERSPACE + " on both hosts; VXLAN push/pop in userspace, the underlay is "
         "another veth + Linux bridge", build_vxlan),
    Path("vlan", "ours", 2, "our pipeline, two hosts, VLAN provider network (physnet1:150)",
         LIMIT_USERSPACE + " on both hosts, two OVS bridges each (br-int + br-physnet1)",
         build_vlan),
    Path("router", "ours", 2, "our pipeline through a router", "", None,
         unavailable="routers do not exist yet"),
    Path("ovs-normal", "baseline", 1, "a plain OVS bridge (userspace datapath), NORMAL action",
         LIMIT_USERSPACE, build_ovs_normal),
    Path("linux-bridge", "baseline", 1, "a Linux bridge", LIMIT_KERNEL, build_linux_bridge),
    Path("veth", "baseline", 1, "a bare veth pair (the ceiling)",
         "the generator itself: AF_PACKET copies and one syscall per burst, 2 cores",
         build_veth),
]


def by_name(name):
    for path in PATHS:
        if path.name == name:
            return path
    raise KeyError(name)
