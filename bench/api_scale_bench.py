#!/usr/bin/python3
"""The Neutron API on a real neutrino-controller (4 API threads, loopback): port create, list
and delete, one keep-alive client and then 8 at once; then list latency with filters and
pagination as the port table grows to 10,000 and 100,000 ports (grown with bulk
`POST /v2.0/ports` of 1,000, timed).

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
    `marker` is the middle id in the API's order (by id)."""
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


def grow(cloud, net, target, have, ids):
    """Bulk-creates ports until the network holds `target` (their ids added to `ids`);
    returns (seconds, the middle port created)."""
    client = Client(cloud.ctl.url, cloud.token)
    t0 = time.monotonic()
    middle = None
    while have < target:
        n = min(1000, target - have)
        ports = client.call("POST", "/v2.0/ports", {"ports": [
            {"network_id": net["id"], "device_id": "vm-%d" % (have + i),
             "name": "scale-%d" % (have + i)} for i in range(n)]}, 201)["ports"]
        ids.extend(p["id"] for p in ports)
        if have <= target // 2 < have + n:
            middle = ports[target // 2 - have]
        have += n
    return time.monotonic() - t0, middle


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=500, help="ports per create/list/delete")
    parser.add_argument("--sizes", default="10000,100000", help="port counts to list at")
    parser.add_argument("--reps", type=int, default=10, help="requests per list query")
    parser.add_argument("--db-sync", default="normal", choices=("full", "normal"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks it works")
    args = parser.parse_args()
    if args.smoke:
        args.ops, args.sizes, args.reps = 16, "200,500", 2
    sizes = [int(s) for s in args.sizes.split(",")]
    cloud = service_cloud.ServiceCloud(hosts=0, db_sync=args.db_sync,
                                       controller_flags=["--api-workers", "4"])
    with cloud:
        crud_net = cloud.network("crud", "10.10.0.0/16")
        ops = {"sequential": crud(cloud, crud_net, args.ops, 1),
               "8 clients": crud(cloud, crud_net, args.ops, CLIENTS)}
        net = cloud.network("scale", "10.0.0.0/12")
        scale, have, ids = [], 0, []
        for size in sizes:
            setup, middle = grow(cloud, net, size, have, ids)
            have = size
            marker = sorted(ids)[size // 2]
            client = Client(cloud.ctl.url, cloud.token)
            for name, path, expected in queries(net, middle, marker, size):
                times = [timed(lambda: list_checked(client, path, expected))[0]
                         for _ in range(args.reps)]
                scale.append({"ports": size, "query": name, "p50_ms": ms(percentile(times, 50)),
                              "p99_ms": ms(percentile(times, 99)), "setup_s": round(setup, 1)})
        load = service_cloud.machine()
    print("API: %d ports per create/list/delete phase (list: network_id filter, limit=100)"
          % args.ops)
    service_cloud.print_table(
        [("clients / operation", 22), ("ops/s", 8), ("p50 ms", 8), ("p99 ms", 8)],
        [["%s %s" % (who, op), r["per_s"], r["p50_ms"], r["p99_ms"]]
         for who, phases in ops.items() for op, r in phases.items()])
    for size in sizes:
        setup = next(r["setup_s"] for r in scale if r["ports"] == size)
        print("\nlist latency at %d ports (grown by bulk POST in %.1f s), %d requests each"
              % (size, setup, args.reps))
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
