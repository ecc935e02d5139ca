#!/usr/bin/python3
"""Metadata through the agent's proxy from guest namespaces to 169.254.169.254, beside the
controller's metadata service called directly (signed GETs, as the proxy sends them), with the
same generator (bench/http_load.py: asyncio, keep-alive, one request in flight per
connection), in one run, so the proxy's cost is its own figure.

Two simulated hypervisors (tests/integration/multihost.py: their own ovsdb-server and
ovs-vswitchd on the userspace datapath, a neutrino-agent each) and a real controller. Each
host has GUESTS guests on a network of its own, each an instance registered through
`POST /v2.1/neutrino/instances` with a port (`device_id`) bound to that host, its namespace
plugged the Nova way with 169.254.169.254 routed through the network's DHCP port.

  proxy (limits)   h1's agent with its default per-guest limit (10 requests/s after a burst of
                   20, then 429; docs/metadata.md "Limits"): what a guest gets
  proxy (raised)   h2's agent with --metadata-rate-limit/--metadata-rate-burst 1000000: the
                   proxy's own capacity
  direct           the controller's metadata listener from the machine's namespace, headers
                   signed with the shared secret for h2's guests (X-Forwarded-For: their
                   addresses)

Each for meta-data/instance-id and openstack/latest/meta_data.json, with 1 guest (one
connection) and with every guest at once (one connection each). Every 200 answer is checked.
Run as root:

  bench/metadata_proxy_bench.py --guests 100 --seconds 5
  bench/metadata_proxy_bench.py --smoke     # 2 guests, 0.5 s per figure (ctest)
"""

import argparse
import hashlib
import hmac
import time

import http_load
import service_cloud

RAISED = ("--metadata-rate-limit", "1000000", "--metadata-rate-burst", "1000000")
PATHS = ("/latest/meta-data/instance-id", "/openstack/latest/meta_data.json")
METADATA = ("169.254.169.254", 80)


def netns_file(host, name):
    """A guest's namespace as this process (in the machine's namespaces) opens it."""
    return "/proc/%d/root/run/netns/%s" % (host.pid, name)


def guests(cloud, host, tag, cidr, count):
    net = cloud.network(cloud.prefix + tag, cidr, enable_dhcp=True)
    made = []
    for i in range(count):
        name = "%s%s%d" % (cloud.prefix, tag, i)
        instance = cloud.api("POST", "/v2.1/neutrino/instances",
                             {"instance": {"name": name}}, 201)["instance"]
        port = cloud.create_port(net, host=host, name=name, device_id=instance["id"])
        made.append({"name": name, "instance": instance, "port": port, "host": host})
    dhcp_ip = cloud.wait_dhcp_port(net, host)["fixed_ips"][0]["ip_address"]
    prefix_len = net["subnet"]["cidr"].split("/")[1]
    for g in made:
        host.add_guest(g["name"], g["port"]["id"], g["port"]["mac_address"],
                       "%s/%s" % (g["port"]["ip"], prefix_len), mtu=net["mtu"],
                       gateway=dhcp_ip, create_bridge=False)
    ids = {g["port"]["id"] for g in made}
    service_cloud.wait_for(lambda: ids <= {p["id"] for p in cloud.api(
        "GET", "/v2.0/ports?status=ACTIVE&network_id=" + net["id"])["ports"]},
        "every guest port of %s ACTIVE" % tag, 120)
    return made


def checker(path, guest):
    instance = guest["instance"]
    if path.endswith("instance-id"):
        expected = instance["ec2_id"].encode()
        return lambda status, body: body == expected
    uuid = instance["id"].encode()
    return lambda status, body: uuid in body


def via_proxy(path, gs):
    return [http_load.Connection(netns_file(g["host"], g["name"]), METADATA, path,
                                 check=checker(path, g)) for g in gs]


def direct(cloud, path, gs):
    conns = []
    for g in gs:
        iid = g["instance"]["id"]
        headers = {"X-Instance-ID": iid, "X-Tenant-ID": g["port"]["project_id"],
                   "X-Forwarded-For": g["port"]["ip"],
                   "X-Instance-ID-Signature": hmac.new(
                       service_cloud.METADATA_SECRET.encode(), iid.encode(),
                       hashlib.sha256).hexdigest()}
        conns.append(http_load.Connection(None, ("127.0.0.1", cloud.metadata_port), path,
                                          headers, checker(path, g)))
    return conns


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guests", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5, help="per measurement")
    parser.add_argument("--smoke", action="store_true", help="2 guests, 0.5 s: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.guests, args.seconds = 2, 0.5
    service_cloud.require_root()
    started = time.monotonic()
    rows = []
    with service_cloud.ServiceCloud(hosts=2, agent_flags=[(), RAISED]) as cloud:
        h1, h2 = cloud.mh.hosts
        limited = guests(cloud, h1, "ml", "10.91.0.0/16", args.guests)
        raised = guests(cloud, h2, "mr", "10.92.0.0/16", args.guests)
        setup = time.monotonic() - started
        for path in PATHS:
            for scope, n in (("1 guest", 1), ("%d guests" % args.guests, args.guests)):
                for how, conns in (("direct", direct(cloud, path, raised[:n])),
                                   ("proxy (raised)", via_proxy(path, raised[:n])),
                                   ("proxy (limits)", via_proxy(path, limited[:n]))):
                    rows.append(dict(http_load.run(conns, args.seconds), path=path,
                                     scope=scope, how=how))
        load = service_cloud.machine()
    print("metadata: %d guests per host, %g s per figure; setup %.1f s"
          % (args.guests, args.seconds, setup))
    service_cloud.print_table(
        [("path / clients / via", 58), ("200/s", 8), ("429/s", 8), ("p50 ms", 8),
         ("p99 ms", 8), ("errors", 7), ("bad", 5)],
        [["%s  %s  %s" % (r["path"], r["scope"], r["how"]), r["ok_per_s"],
          round(r["statuses"].get("429", 0) / r["seconds"], 1), r["p50_ms"], r["p99_ms"],
          r["errors"], r["bad_bodies"]] for r in rows])
    ratios = []
    for path in PATHS:
        for scope in sorted({r["scope"] for r in rows}):
            by = {r["how"]: r for r in rows if r["path"] == path and r["scope"] == scope}
            entry = {"path": path, "scope": scope,
                     "raised_proxy_vs_direct_ok_per_s": service_cloud.ratio(
                         by["proxy (raised)"]["ok_per_s"], by["direct"]["ok_per_s"]),
                     "raised_proxy_vs_direct_p99": service_cloud.ratio(
                         by["proxy (raised)"]["p99_ms"], by["direct"]["p99_ms"]),
                     "limited_vs_raised_ok_per_s": service_cloud.ratio(
                         by["proxy (limits)"]["ok_per_s"], by["proxy (raised)"]["ok_per_s"])}
            ratios.append(entry)
            print("%s %s: proxy/direct 200/s %sx, p99 %sx; limited/raised 200/s %sx"
                  % (path, scope, entry["raised_proxy_vs_direct_ok_per_s"],
                     entry["raised_proxy_vs_direct_p99"], entry["limited_vs_raised_ok_per_s"]))
    service_cloud.emit_json("metadata", {
        "guests": args.guests, "seconds": args.seconds, "setup_s": round(setup, 1),
        "rows": rows, "ratios": ratios, "load_at_end": load["loadavg"]})
    healthy = all(r["ok"] > 0 and r["bad_bodies"] == 0 for r in rows)
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
