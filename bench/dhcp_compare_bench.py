#!/usr/bin/python3
"""DHCP through the real namespaces and sockets: our agent's DHCP server beside dnsmasq
configured as Neutron's DHCP agent configures it, on the same setup, in one run.

Two simulated hypervisors (tests/integration/multihost.py: their own ovsdb-server and
ovs-vswitchd on the userspace datapath, a neutrino-agent each) and a real controller. Per
server, a network with a /16 and CLIENTS ports (bulk POST) whose MACs and addresses are the
clients', and a generator guest (port security off, so it may send from every client's MAC)
running bench/dhcp_load.py in its namespace: frames cross br-int's pipeline to the server
and back, exactly as a guest's would.

  neutrino (limits)  h1's agent with its default limits (each port: 4 requests/s after a
                     burst of 16; docs/metadata.md "Limits")
  neutrino (raised)  h2's agent with --dhcp-rate-limit/--dhcp-rate-burst 100000: the server's
                     own capacity
  dnsmasq            on h1, in a namespace plugged into br-int like a DHCP port, with
                     Neutron's flags (--no-hosts --no-resolv --dhcp-hostsfile with a static
                     lease per MAC, --dhcp-optsfile, --dhcp-leasefile, --dhcp-range
                     set:subnet-ID,NET,static,MASK,86400s, --bind-interfaces --interface,
                     --dhcp-lease-max, --conf-file=/dev/null, --domain=openstacklocal)
  dnsmasq (DHCP only) the same on h2 with --port=0 (no DNS) and --leasefile-ro (no lease
                     file): what our server does. With DNS on (Neutron's default: dnsmasq
                     answers the instances' names), dnsmasq updates its DNS records of every
                     DHCP host at each lease change, and fsyncs its lease file

Per server, first the boot storm (every client starts at once, retransmitting as dhclient
backs off, until all have a lease), then DORA exchanges/s with WINDOW clients at once for
SECONDS. Run as root:

  bench/dhcp_compare_bench.py --clients 500 --seconds 10 --window 32
  bench/dhcp_compare_bench.py --smoke      # 20 clients, 1 s (ctest)
"""

import argparse
import json
import os
import subprocess
import time

import service_cloud

HERE = os.path.dirname(os.path.abspath(__file__))
DHCP_LOAD = os.path.join(HERE, "dhcp_load.py")
RAISED = ("--dhcp-rate-limit", "100000", "--dhcp-rate-burst", "100000")


def run_load(host, guest, *args, timeout=300):
    r = host.guest_run(guest, ["/usr/bin/python3", DHCP_LOAD] + [str(a) for a in args],
                       timeout=timeout)
    return json.loads(r.stdout.strip().splitlines()[-1])


def mac_file(cloud, name, ports):
    path = os.path.join(cloud.mh.dir, name + ".macs")  # removed with the harness's dir
    with open(path, "w") as f:
        f.write("".join(p["mac_address"] + "\n" for p in ports))
    return path


def generator(cloud, host, net, name):
    port = cloud.create_port(net, host=host, name=name, port_security_enabled=False)
    cloud.plug(host, name, port, net, with_address=False)
    service_cloud.wait_for(lambda: cloud.port_status(port["id"]) == "ACTIVE",
                           "generator %s ACTIVE" % name)
    return name


def ours(cloud, host, tag, cidr, clients):
    net = cloud.network(cloud.prefix + tag, cidr, enable_dhcp=True)
    ports = cloud.bulk_ports(net, clients, **{"binding:host_id": host.name})
    guest = generator(cloud, host, net, cloud.prefix + tag + "g")
    cloud.wait_dhcp_port(net, host)
    return guest, mac_file(cloud, tag, ports)


def dnsmasq(cloud, host, tag, cidr, clients, dhcp_only=False):
    """dnsmasq in a namespace on br-int, its files written as Neutron's DHCP agent writes
    them (neutron/agent/linux/dhcp.py: Dnsmasq). dhcp_only: no DNS (--port=0) and no lease
    file (--leasefile-ro), which is what our server does."""
    net = cloud.network(cloud.prefix + tag, cidr, enable_dhcp=False)
    subnet = net["subnet"]
    ports = cloud.bulk_ports(net, clients)
    server_name = cloud.prefix + tag + "s"
    server = cloud.create_port(net, host=host, name=server_name, port_security_enabled=False,
                               device_owner="network:dhcp-bench")
    cloud.plug(host, server_name, server, net)
    conf = os.path.join(cloud.mh.dir, "dnsmasq-" + tag)  # removed with the harness's dir
    os.makedirs(conf, mode=0o777, exist_ok=True)
    os.chmod(conf, 0o777)  # dnsmasq drops root; it writes its lease file here
    with open(conf + "/host", "w") as f:
        for p in ports:
            ip = p["fixed_ips"][0]["ip_address"]
            f.write("%s,host-%s.openstacklocal,%s\n" % (p["mac_address"], ip.replace(".", "-"),
                                                         ip))
    with open(conf + "/opts", "w") as f:
        f.write("tag:subnet-%s,option:router,%s\n" % (subnet["id"], subnet["gateway_ip"]))
        f.write("tag:subnet-%s,option:dns-server,%s\n" % (subnet["id"], server["ip"]))
    network, prefix_len = subnet["cidr"].split("/")
    mask = ".".join(str((0xFFFFFFFF << (32 - int(prefix_len)) >> (24 - 8 * i)) & 0xFF)
                    for i in range(4))
    argv = ["dnsmasq", "--keep-in-foreground", "--no-hosts", "--no-resolv",
            "--pid-file=%s/pid" % conf, "--dhcp-hostsfile=%s/host" % conf,
            "--addn-hosts=/dev/null", "--dhcp-optsfile=%s/opts" % conf,
            "--leasefile-ro" if dhcp_only else "--dhcp-leasefile=%s/leases" % conf,
            "--dhcp-match=set:ipxe,175",
            "--local-service", "--bind-interfaces", "--interface=eth0",
            "--dhcp-range=set:subnet-%s,%s,static,%s,86400s" % (subnet["id"], network, mask),
            "--dhcp-option-force=option:mtu,%d" % net["mtu"],
            "--dhcp-lease-max=%d" % (2 ** (32 - int(prefix_len))), "--conf-file=/dev/null",
            "--domain=openstacklocal"] + (["--port=0"] if dhcp_only else [])
    proc = host.guest_popen(server_name, argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    if proc.poll() is not None:
        raise RuntimeError("dnsmasq exited with %s: %s" % (proc.returncode, " ".join(argv)))
    guest = generator(cloud, host, net, cloud.prefix + tag + "g")
    return guest, mac_file(cloud, tag, ports)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500, help="distinct MACs (ports)")
    parser.add_argument("--seconds", type=float, default=10, help="DORA phase per server")
    parser.add_argument("--window", type=int, default=32, help="exchanges in flight")
    parser.add_argument("--smoke", action="store_true", help="20 clients, 1 s: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.clients, args.seconds, args.window = 20, 1, 4
    service_cloud.require_root()
    started = time.monotonic()
    results = {}
    with service_cloud.ServiceCloud(hosts=2, agent_flags=[(), RAISED]) as cloud:
        h1, h2 = cloud.mh.hosts
        servers = [("neutrino (limits)", h1) + ours(cloud, h1, "dl", "10.81.0.0/16",
                                                    args.clients),
                   ("neutrino (raised)", h2) + ours(cloud, h2, "dr", "10.82.0.0/16",
                                                    args.clients),
                   ("dnsmasq", h1) + dnsmasq(cloud, h1, "dm", "10.83.0.0/16", args.clients),
                   ("dnsmasq (DHCP only)", h2) + dnsmasq(cloud, h2, "do", "10.84.0.0/16",
                                                         args.clients, dhcp_only=True)]
        setup = time.monotonic() - started
        for name, host, guest, macs in servers:
            results[name] = {"storm": run_load(host, guest, "storm", macs, 60)}
        for name, host, guest, macs in servers:
            results[name]["dora"] = run_load(host, guest, "dora", macs, args.seconds,
                                             args.window)
        load = service_cloud.machine()
    print("DHCP: %d clients (MACs), DORA for %g s with %d in flight; setup %.1f s"
          % (args.clients, args.seconds, args.window, setup))
    service_cloud.print_table(
        [("server", 19), ("DORA/s", 8), ("p50 ms", 8), ("p99 ms", 8), ("timeouts", 8),
         ("storm ms", 9), ("lease p50", 9), ("lease p99", 9), ("leased", 7), ("resent", 7)],
        [[name, r["dora"]["dora_per_s"], r["dora"]["p50_ms"], r["dora"]["p99_ms"],
          r["dora"]["timeouts"], service_cloud.ms(r["storm"]["all_leased_s"]),
          r["storm"]["p50_ms"],
          r["storm"]["p99_ms"], r["storm"]["leased"], r["storm"]["retransmits"]]
         for name, r in results.items()])
    ratios = {}
    for name, base in (("neutrino (limits)", "dnsmasq"), ("neutrino (raised)", "dnsmasq"),
                       ("neutrino (raised)", "dnsmasq (DHCP only)"),
                       ("dnsmasq (DHCP only)", "dnsmasq")):
        r, b = results[name], results[base]
        entry = {"dora_per_s": service_cloud.ratio(r["dora"]["dora_per_s"],
                                                   b["dora"]["dora_per_s"]),
                 "dora_p99": service_cloud.ratio(r["dora"]["p99_ms"], b["dora"]["p99_ms"]),
                 "storm_time": service_cloud.ratio(r["storm"]["all_leased_s"],
                                                   b["storm"]["all_leased_s"])}
        ratios["%s / %s" % (name, base)] = entry
        print("%s / %s: DORA/s %sx, DORA p99 %sx, storm time %sx"
              % (name, base, entry["dora_per_s"], entry["dora_p99"], entry["storm_time"]))
    service_cloud.emit_json("dhcp", {
        "clients": args.clients, "seconds": args.seconds, "window": args.window,
        "setup_s": round(setup, 1), "servers": results, "ratios": ratios,
        "load_at_end": load["loadavg"]})
    complete = all(r["storm"]["leased"] == args.clients and r["dora"]["acks"] > 0
                   for r in results.values())
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
