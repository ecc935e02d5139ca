"""neutrino-pktbench path: builds each path (bench_paths.py) on simulated hosts, measures it
with `neutrino-pktbench run`, and prints every path's figures and our throughput as a fraction
of each baseline's, per frame size. Run as root; `neutrino-pktbench path --help`."""

import argparse
import json
import os
import subprocess
import sys
import time

import bench_cloud
import bench_paths
import multihost

DEFAULT_SIZES = "64,128,256,512,1024,1280,1500,imix"
DEFAULT_PATHS = ("pipeline,pipeline-nosec,sg10,vxlan,vlan,router,ovs-normal,linux-bridge,veth")
SMOKE_PATHS = "pipeline"


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="neutrino-pktbench path",
        description="Sets up the paths itself (a real controller + agents on simulated hosts "
        "with OVS's userspace datapath; beside them plain OVS NORMAL, a Linux bridge and a "
        "veth pair, the same guest namespaces on the same host), measures each in this one "
        "run and prints our throughput as a fraction of each baseline per frame size. "
        "Everything carries a unique prefix (pbXXXX) and is removed on exit, failure and "
        "SIGINT/SIGTERM/SIGHUP. Paths: " + ", ".join(
            "%s (%s)" % (p.name, p.description) for p in bench_paths.PATHS))
    ap.add_argument("--paths", default=DEFAULT_PATHS, help="comma-separated (default: all)")
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="frame sizes, FCS included, and imix")
    ap.add_argument("--duration", type=float, default=2.0, help="seconds per trial")
    ap.add_argument("--loss", type=float, default=0.001, help="loss ratio the search accepts")
    ap.add_argument("--max-trials", type=int, default=8, help="trials per search")
    ap.add_argument("--rate", type=float, help="one trial per size at this pps, no search")
    ap.add_argument("--count", type=int, help="frames per trial (stops earlier)")
    ap.add_argument("--driver", default="af_packet", choices=("af_packet", "af_xdp"))
    ap.add_argument("--smoke", action="store_true",
                    help="seconds: the pipeline path, 64-byte frames, 2000 frames at 20 kpps")
    ap.add_argument("--list", action="store_true", help="list the paths and exit")
    args = ap.parse_args(argv)
    if args.smoke:
        args.paths, args.sizes, args.rate, args.count = SMOKE_PATHS, "64", 20000, 2000
        args.duration = 1.0
    return args


def frame_fits(size, mtu):
    largest = 1518 if size == "imix" else int(size)
    return largest <= mtu + 18


def drop_guest_kernel_traffic(cloud, path_hosts, endpoints):
    """nftables netdev ingress drop on both guests' eth0: the benchmark's AF_PACKET sockets
    see frames before that hook, the guests' kernels then never answer probes."""
    rule = ('table netdev pktbench {\n chain ingress {\n  type filter hook ingress device '
            '"eth0" priority 0; policy drop;\n }\n}\n')
    for end in (endpoints.tx, endpoints.rx):
        netns_file = end.split("@", 1)[1]
        guest = os.path.basename(netns_file)
        host = next(h for h in path_hosts if netns_file.startswith("/proc/%d/" % h.pid))
        host.run(["ip", "netns", "exec", guest, "nft", "-f", "-"], input=rule)


def measure(args, endpoints):
    sizes = [s for s in args.sizes.split(",") if frame_fits(s, endpoints.mtu)]
    if not sizes:
        return {}
    argv = [os.environ.get("NEUTRINO_PKTBENCH", "neutrino-pktbench"), "run",
            "--tx", endpoints.tx, "--rx", endpoints.rx, "--src-ip", endpoints.tx_ip,
            "--dst-ip", endpoints.rx_ip, "--sizes", ",".join(sizes),
            "--duration", str(args.duration), "--loss", str(args.loss),
            "--max-trials", str(args.max_trials), "--driver", args.driver]
    if args.rate is not None:
        argv += ["--rate", str(args.rate)]
    if args.count:
        argv += ["--count", str(args.count)]
    # setpriv: the benchmark dies with this driver, whatever kills it.
    out = subprocess.run(["setpriv", "--pdeathsig", "KILL", "--"] + argv, text=True,
                         capture_output=True, timeout=600 + 40 * args.duration * len(sizes))
    sys.stdout.write("".join("  " + line + "\n" for line in out.stdout.splitlines()
                             if not line.startswith("{")))
    if out.returncode != 0:
        raise RuntimeError("neutrino-pktbench run exited %d:\n%s" % (out.returncode, out.stderr))
    last = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    return {r["size"]: r for r in json.loads(last)["results"]}


def print_ratios(results, selected, sizes):
    ours = [p for p in selected if p.kind == "ours" and p.name in results]
    baselines = [p for p in selected if p.kind == "baseline" and p.name in results]
    if not ours or not baselines:
        return {}
    ratios = {}
    print("\nreceived pps of our path / received pps of the baseline, per frame size:")
    print("%-16s %-13s " % ("path", "vs") + " ".join("%7s" % s for s in sizes))
    for o in ours:
        for b in baselines:
            cells = []
            for s in sizes:
                mine, theirs = results[o.name].get(s), results[b.name].get(s)
                if mine and theirs and theirs["result"]["rx_pps"] > 0:
                    r = mine["result"]["rx_pps"] / theirs["result"]["rx_pps"]
                    ratios.setdefault(o.name, {}).setdefault(b.name, {})[s] = r
                    cells.append("%6.2fx" % r)
                else:
                    cells.append("%7s" % "-")
            print("%-16s %-13s " % (o.name, b.name) + " ".join(cells))
    return ratios


def run(args):
    selected = [bench_paths.by_name(n) for n in args.paths.split(",") if n]
    for p in selected:
        if p.unavailable:
            print("%s: skipped, %s" % (p.name, p.unavailable))
    runnable = [p for p in selected if not p.unavailable]
    if not runnable:
        return 0
    hosts = max(p.hosts for p in runnable)
    with_pipeline = any(p.kind == "ours" for p in runnable)
    t0 = time.monotonic()
    cloud = bench_cloud.BenchCloud(hosts, with_pipeline)
    results, limits, errors = {}, {}, {}
    try:
        cloud.start()
        print("prefix %s, %d simulated host(s), set up in %.1f s, %s, %s s per trial"
              % (cloud.prefix, hosts, time.monotonic() - t0, args.driver, args.duration))
        for p in runnable:
            print("\n== %s: %s" % (p.name, p.description))
            try:
                endpoints = p.build(cloud, cloud.prefix)
                drop_guest_kernel_traffic(cloud, cloud.mh.hosts, endpoints)
                results[p.name] = measure(args, endpoints)
                limits[p.name] = p.limit
                skipped = [s for s in args.sizes.split(",") if s not in results[p.name]]
                if skipped:
                    print("  sizes above MTU %d + 18: %s not measured"
                          % (endpoints.mtu, ",".join(skipped)))
                print("  limit: " + p.limit)
            except Exception as err:  # one broken path must not hide the others' figures
                errors[p.name] = str(err)
                print("  FAILED: %s" % err)
    finally:
        cloud.stop()
    ratios = print_ratios(results, runnable, args.sizes.split(","))
    print(json.dumps({"pktbench_paths": {"results": results, "ratios": ratios,
                                         "limits": limits, "errors": errors,
                                         "driver": args.driver, "duration_s": args.duration,
                                         "seconds": round(time.monotonic() - t0, 1)}}))
    return 1 if errors else 0


def main(argv):
    args = parse_args(argv)
    if args.list:
        for p in bench_paths.PATHS:
            print("%-15s %-8s %s%s" % (p.name, p.kind, p.description,
                                       " (unavailable: %s)" % p.unavailable
                                       if p.unavailable else ""))
        return 0
    if os.geteuid() != 0:
        print("neutrino-pktbench path needs root (namespaces, OVS)", file=sys.stderr)
        return 2
    try:
        return run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    multihost.become_subreaper()
    sys.exit(main(sys.argv[1:]))
