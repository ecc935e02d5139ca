#!/usr/bin/python3
"""The Neutron API on a real neutrino-controller (4 API threads, loopback): port create, list
and delete, one keep-alive client and then 8 at once; then list latency with filters and
pagination as the port table grows to 10,000 and 100,000 ports, grown with bulk
`POST /v2.0/ports` of 1,000 (timed) in networks of 10,000 ports (a /18 each). Pages
(limit, marker) list the first network; the filters (mac_address, device_id, fixed_ips) look
for one port among all. --max-setup bounds the growing: past it, the lists are measured at
the count reached and the output says so.

Clients are Python threads (http.client, keep-alive, one request in flight each) on the same
2 cores as the controller. The store runs as the integration harness runs it
(`--db-sync normal`) unless --db-sync says otherwise. Needs no root.

  bench/api_scale_bench.py --ops 500 --sizes 10000,100000 --reps 10
  bench/api_scale_bench.py --smoke     # 16 ops, 200 and 500 ports (ctest)
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse

import service_cloud
from service_cloud import ms, percentile

CLIENTS = 8


class Client:
    """One keep-alive connection to the API, with the token."""

    def __init__(self, url, token):
        parsed = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)
        self.headers = {"X-Auth-Token": token, "Accept": "application/json",
                        "Content-Type": "application/json"}

    def call(self, method, path, body=None, expect=200):
        self.conn.request(method, path, json.dumps(body) if body is not None else None,
                          self.headers)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.status != expect:
            raise RuntimeError("%s %s -> %d %s" % (method, path, resp.status, data[:300]))
        return json.loads(data) if data else None


def timed(fn):
    t0 = time.monotonic()
    value = fn()
    return time.monotonic() - t0, value


def phase(cloud, work, clients):
    """Runs work(client, i) for i in each client's share; returns (per second, latencies)."""
    latencies = [[] for _ in range(clients)]
    shares = [list(range(c, len(work[1]), clients)) for c in range(clients)]
    errors = []

    def run(c):
        client = Client(cloud.ctl.url, cloud.token)
        try:
            for i in shares[c]:
                latencies[c].append(timed(lambda: work[0](client, work[1][i]))[0])
        except Exception as err:  # reported after the phase
            errors.append(err)

    t0 = time.monotonic()
    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    if errors:
        raise errors[0]
    flat = [x for per in latencies for x in per]
    return {"per_s": round(len(flat) / elapsed, 1), "p50_ms": ms(percentile(flat, 50)),
            "p99_ms": ms(percentile(flat, 99)), "n": len(flat)}


def crud(cloud, net, ops, clients):
    """Create, list and delete `ops` ports with `clients` clients; returns the three phases."""
    created = []
    lock = threading.Lock()

    def create(client, i):
        port = client.call("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "name": "crud-%d" % i}}, 201)["port"]
        with lock:
            created.append(port["id"])

    def list_page(client, i):
        client.call("GET", "/v2.0/ports?network_id=%s&limit=100" % net["id"])

    def delete(client, port_id):
        client.call("DELETE", "/v2.0/ports/" + port_id, expect=204)

    result = {"create": phase(cloud, (create, list(range(ops))), clients)}
    result["list"] = phase(cloud, (list_page, list(range(ops))), clients)
    result["delete"] = phase(cloud, (delete, list(created)), clients)
    return result


def queries(net, sample, marker, size):
    """Filtered and paginated lists a dashboard or SDK sends: (name, path, ports expected).
    `net` is the first network, holding `size` ports; `marker` is the middle of its ids in
    the API's order (by id); `sample` a port to find by its attributes among all ports."""
    nid = net["id"]
    after_marker = size - size // 2 - 1
    return [
        ("page 1 (network_id, limit=100)", "/v2.0/ports?network_id=%s&limit=100" % nid,
         min(100, size)),
        ("middle page (limit=100, marker)",
         "/v2.0/ports?network_id=%s&limit=100&marker=%s" % (nid, marker),
         min(100, after_marker)),
        ("filter mac_address (1 match)", "/v2.0/ports?mac_address=" + sample["mac_address"], 1),
        ("filter device_id (1 match)", "/v2.0/ports?device_id=" + sample["device_id"], 1),
        ("filter fixed_ips ip_address", "/v2.0/ports?fixed_ips=ip_address%%3D%s"
         % sample["fixed_ips"][0]["ip_address"], 1),
        ("page of ids (fields=id, limit=1000)",
         "/v2.0/ports?network_id=%s&fields=id&limit=1000" % nid, min(1000, size)),
    ]


def list_checked(client, path, expected):
    ports = client.call("GET", path)["ports"]
    if len(ports) != expected:
        raise RuntimeError("GET %s: %d ports, expected %d" % (path, len(ports), expected))


class Fleet:
    """The ports of the scale phase, in networks of at most `per_network` ports (a /18
    each), grown by bulk POSTs of 1,000."""

    def __init__(self, cloud, per_network):
        self.cloud = cloud
        self.per_network = per_network
        self.client = Client(cloud.ctl.url, cloud.token)
        self.networks = []
        self.first_ids = []  # the first network's port ids
        self.sample = None
        self.count = 0

    def network_with_room(self):
        if not self.networks or self.networks[-1][1] >= self.per_network:
            k = len(self.networks)
            cidr = "10.%d.%d.0/18" % (64 + k // 4, (k % 4) * 64)
            self.networks.append([self.cloud.network("scale-%d" % k, cidr), 0])
        return self.networks[-1]

    def grow(self, target, deadline):
        """Bulk-creates ports until there are `target` or `deadline` (monotonic) passed;
        returns the seconds it took."""
        t0 = time.monotonic()
        while self.count < target and time.monotonic() < deadline:
            entry = self.network_with_room()
            net, held = entry
            n = min(1000, target - self.count, self.per_network - held)
            ports = self.client.call("POST", "/v2.0/ports", {"ports": [
                {"network_id": net["id"], "device_id": "vm-%d" % (self.count + i),
                 "name": "scale-%d" % (self.count + i)} for i in range(n)]}, 201)["ports"]
            if len(self.networks) == 1:
                self.first_ids.extend(p["id"] for p in ports)
            self.sample = ports[len(ports) // 2]
            entry[1] += n
            self.count += n
        return time.monotonic() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=500, help="ports per create/list/delete")
    parser.add_argument("--sizes", default="10000,100000", help="port counts to list at")
    parser.add_argument("--reps", type=int, default=10, help="requests per list query")
    parser.add_argument("--per-network", type=int, default=10000,
                        help="ports per network in the scale phase")
    parser.add_argument("--max-setup", type=float, default=1800,
                        help="seconds the scale phase may spend growing; past it, the lists "
                        "are measured at the count reached")
    parser.add_argument("--db-sync", default="normal", choices=("full", "normal"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.ops, args.sizes, args.reps, args.per_network = 16, "200,500", 2, 300
    sizes = [int(s) for s in args.sizes.split(",")]
    cloud = service_cloud.ServiceCloud(hosts=0, db_sync=args.db_sync,
                                       controller_flags=["--api-workers", "4"])
    with cloud:
        crud_net = cloud.network("crud", "10.10.0.0/16")
        ops = {"sequential": crud(cloud, crud_net, args.ops, 1),
               "8 clients": crud(cloud, crud_net, args.ops, CLIENTS)}
        # The scale phase holds far more ports than the default quota (Neutron's 500) allows.
        cloud.api("PUT", "/v2.0/quotas/" + crud_net["project_id"], {"quota": {"port": -1}},
                  expect=200)
        fleet = Fleet(cloud, args.per_network)
        scale = []
        deadline = time.monotonic() + args.max_setup
        for size in sizes:
            setup = fleet.grow(size, deadline)
            first = fleet.networks[0]
            marker = sorted(fleet.first_ids)[first[1] // 2]
            client = Client(cloud.ctl.url, cloud.token)
            for name, path, expected in queries(first[0], fleet.sample, marker, first[1]):
                times = [timed(lambda: list_checked(client, path, expected))[0]
                         for _ in range(args.reps)]
                scale.append({"ports": fleet.count, "asked": size, "query": name,
                              "networks": len(fleet.networks), "setup_s": round(setup, 1),
                              "p50_ms": ms(percentile(times, 50)),
                              "p99_ms": ms(percentile(times, 99))})
            print("measured at %d ports in %d networks (grown in %.1f s)"
                  % (fleet.count, len(fleet.networks), setup), flush=True)
            if fleet.count < size:
                break
        load = service_cloud.machine()
    print("API: %d ports per create/list/delete phase (list: network_id filter, limit=100)"
          % args.ops)
    service_cloud.print_table(
        [("clients / operation", 22), ("ops/s", 8), ("p50 ms", 8), ("p99 ms", 8)],
        [["%s %s" % (who, op), r["per_s"], r["p50_ms"], r["p99_ms"]]
         for who, phases in ops.items() for op, r in phases.items()])
    sizes = sorted({r["ports"] for r in scale})
    for size in sizes:
        row = next(r for r in scale if r["ports"] == size)
        print("\nlist latency at %d ports in %d networks (grown by bulk POST in %.1f s), "
              "%d requests each" % (size, row["networks"], row["setup_s"], args.reps))
        service_cloud.print_table(
            [("query", 36), ("p50 ms", 9), ("p99 ms", 9)],
            [[r["query"], r["p50_ms"], r["p99_ms"]] for r in scale if r["ports"] == size])
    ratios = {"8_clients_vs_sequential_per_s": {
        op: service_cloud.ratio(ops["8 clients"][op]["per_s"], ops["sequential"][op]["per_s"])
        for op in ("create", "list", "delete")}}
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        ratios["list_p50_%d_vs_%d" % (last, first)] = {
            r["query"]: service_cloud.ratio(r["p50_ms"], next(
                s["p50_ms"] for s in scale if s["ports"] == first and s["query"] == r["query"]))
            for r in scale if r["ports"] == last}
    print("\nratios:", json.dumps(ratios))
    service_cloud.emit_json("api", {"ops": args.ops, "db_sync": args.db_sync, "crud": ops,
                                    "scale": scale, "ratios": ratios,
                                    "load_at_end": load["loadavg"]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
