#!/usr/bin/python3
"""Convergence: from `POST /v2.0/ports` with `binding:host_id` to the port ACTIVE (the agent
acknowledges a port only once its flows are on the switch, and only then does the controller
set ACTIVE) and to the first ping answered between two guest namespaces.

Two simulated hypervisors (tests/integration/multihost.py: their own ovsdb-server and
ovs-vswitchd on the userspace datapath, a neutrino-agent each) and a real neutrino-controller.
One anchor guest on h1; then, one port at a time, a port bound to h2 is created, its guest
namespace plugged at once (as Nova plugs the VIF after binding), and the guest pings the
anchor (`ping -i 0.01 -c 1 -w 30`: the first answer ends it; its -D timestamp is the mark)
while the API is polled for ACTIVE every 10 ms. The plug (namespace, veth, `ovs-vsctl
add-port` with the iface-id, waiting for ovs-vswitchd) stands in for Nova and libvirt, so
the table also gives each mark from the moment the plug returned. Ports accumulate: the last
ones converge on a host that already holds N-1 guests. Run as root:

  bench/convergence_bench.py --ports 200
  bench/convergence_bench.py --smoke        # 3 ports, a few seconds (ctest)
"""

import argparse
import re
import subprocess
import time

import service_cloud
from service_cloud import ms, percentile

PING_STAMP = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from")


def converge_one(cloud, net, host, name, anchor_ip):
    t0 = time.time()
    port = cloud.create_port(net, host=host, name=name)
    t_api = time.time() - t0
    cloud.plug(host, name, port, net)
    t_plugged = time.time() - t0
    ping = host.guest_popen(name, ["ping", "-n", "-D", "-i", "0.01", "-c", "1", "-w", "30",
                                   anchor_ip], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    t_active = None
    deadline = time.monotonic() + 30
    while t_active is None and time.monotonic() < deadline:
        if cloud.port_status(port["id"]) == "ACTIVE":
            t_active = time.time() - t0
        else:
            time.sleep(0.01)
    out, _ = ping.communicate(timeout=40)
    stamps = [float(m.group(1)) for m in map(PING_STAMP.match, out.splitlines()) if m]
    t_ping = stamps[0] - t0 if stamps else None
    after_plug = {k + "_after_plug": (v - t_plugged if v is not None else None)
                  for k, v in (("active", t_active), ("ping", t_ping))}
    return dict(after_plug, api=t_api, plugged=t_plugged, active=t_active, ping=t_ping)


def summary(samples, key):
    values = [s[key] for s in samples if s[key] is not None]
    return {"n": len(values), "p50_ms": ms(percentile(values, 50)),
            "p99_ms": ms(percentile(values, 99)), "max_ms": ms(max(values) if values else None)}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ports", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="3 ports: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.ports = 3
    service_cloud.require_root()
    started = time.monotonic()
    with service_cloud.ServiceCloud(hosts=2) as cloud:
        h1, h2 = cloud.mh.hosts
        net = cloud.network("convergence", "10.70.0.0/16")
        anchor_name = cloud.prefix + "an"
        anchor = cloud.create_port(net, host=h1, name=anchor_name)
        cloud.plug(h1, anchor_name, anchor, net)
        service_cloud.wait_for(lambda: cloud.port_status(anchor["id"]) == "ACTIVE",
                               "the anchor port ACTIVE")
        setup = time.monotonic() - started
        samples = []
        for i in range(args.ports):
            samples.append(converge_one(cloud, net, h2, "%sc%d" % (cloud.prefix, i), anchor["ip"]))
        load = service_cloud.machine()
    result = {k: summary(samples, k) for k in ("api", "plugged", "active", "ping",
                                               "active_after_plug", "ping_after_plug")}
    missing = {k: args.ports - result[k]["n"] for k in ("active", "ping")}
    print("convergence of %d ports bound to h2, pinging a guest on h1 (VXLAN), setup %.1f s"
          % (args.ports, setup))
    service_cloud.print_table(
        [("from POST /v2.0/ports to", 28), ("p50 ms", 9), ("p99 ms", 9), ("max ms", 9),
         ("n", 5)],
        [[label, result[k]["p50_ms"], result[k]["p99_ms"], result[k]["max_ms"], result[k]["n"]]
         for label, k in (("API answered (201)", "api"), ("guest plugged", "plugged"),
                          ("port ACTIVE (flows on)", "active"), ("first ping answered", "ping"),
                          ("  plug -> ACTIVE", "active_after_plug"),
                          ("  plug -> first ping", "ping_after_plug"))])
    ping_over_active = service_cloud.ratio(result["ping"]["p50_ms"], result["active"]["p50_ms"])
    print("ratio first ping / ACTIVE (p50): %sx; missing: %s" % (ping_over_active, missing))
    service_cloud.emit_json("convergence", {
        "ports": args.ports, "phases": result, "missing": missing, "setup_s": round(setup, 1),
        "ratio_ping_over_active_p50": ping_over_active, "load_at_end": load["loadavg"]})
    return 0 if not any(missing.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
