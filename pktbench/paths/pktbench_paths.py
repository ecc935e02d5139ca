"""neutrino-pktbench path: builds each path (bench_paths.py) on simulated hosts, measures it
with `neutrino-pktbench run`, and prints every path's figures and our throughput as a fraction
of each baseline's, per frame size. Run as root; `neutrino-pktbench path --help`."""

import argparse
import json
import os
import signal
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
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure every path and size this many times, report the median")
    ap.add_argument("--rate", type=float, help="one trial per size at this pps, no search")
    ap.add_argument("--count", type=int, help="frames per trial (stops earlier)")
    ap.add_argument("--driver", default="af_packet", choices=("af_packet", "af_xdp"))
    ap.add_argument("--smoke", action="store_true",
                    help="seconds: the pipeline path, 64-byte frames, 2000 frames at 20 kpps")
    ap.add_argument("--list", action="store_true", help="list the paths and exit")
    args = ap.parse_args(argv)
    if args.smoke:
        args.paths, args.sizes, args.rate, args.count = SMOKE_PATHS, "64", 20000, 2000
        args.duration, args.rounds = 1.0, 1
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


def measure(args, endpoints, size):
    """One `neutrino-pktbench run` of one frame size; returns its result (JSON)."""
    argv = [os.environ.get("NEUTRINO_PKTBENCH", "neutrino-pktbench"), "run",
            "--tx", endpoints.tx, "--rx", endpoints.rx, "--src-ip", endpoints.tx_ip,
            "--dst-ip", endpoints.rx_ip, "--sizes", size,
            "--duration", str(args.duration), "--loss", str(args.loss),
            "--max-trials", str(args.max_trials), "--driver", args.driver]
    if args.rate is not None:
        argv += ["--rate", str(args.rate)]
    if args.count:
        argv += ["--count", str(args.count)]
    # setpriv: the benchmark ends (SIGTERM: it closes its ports and its EAL directory) with
    # this driver, whatever kills it; on Ctrl-C or a timeout it gets SIGTERM too, not SIGKILL.
    proc = subprocess.Popen(["setpriv", "--pdeathsig", "TERM", "--"] + argv, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = proc.communicate(timeout=120 + 20 * args.duration * args.max_trials)
    except BaseException:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    out = subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr)
    if out.returncode != 0:
        raise RuntimeError("neutrino-pktbench run exited %d:\n%s" % (out.returncode, out.stderr))
    last = [line for line in out.stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(last)["results"][0]


def median_round(rounds):
    """The round with the median received rate: noise on a shared machine comes in bursts,
    so one round that met a build is left out rather than averaged in."""
    ordered = sorted(rounds, key=lambda r: r["result"]["rx_pps"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["rounds_rx_pps"] = [round(r["result"]["rx_pps"]) for r in rounds]
    return chosen


def measure_all(args, built, errors):
    """Sizes outside, paths inside, rounds around both: every path meets the same moment of
    the machine's load for a given size, so the ratios compare like with like."""
    sizes = args.sizes.split(",")
    rounds = {p.name: {} for p, _ in built}
    for n in range(args.rounds):
        for size in sizes:
            for path, endpoints in built:
                if not frame_fits(size, endpoints.mtu) or path.name in errors:
                    continue
                try:
                    result = measure(args, endpoints, size)
                except Exception as err:  # the other paths still get measured
                    errors[path.name] = str(err)
                    print("%-15s %-5s FAILED: %s" % (path.name, size, err))
                    continue
                rounds[path.name].setdefault(size, []).append(result)
                if n == args.rounds - 1:
                    chosen = median_round(rounds[path.name][size])
                    print_row(path.name, size, chosen)
    return {name: {size: median_round(r) for size, r in by_size.items()}
            for name, by_size in rounds.items()}


def print_row(name, size, chosen):
    t = chosen["result"]
    lat = t.get("latency_us", {})
    print("%-15s %-5s %11.0f %11.0f %8.4f %8.3f %8.3f %8s %9.1f %9.1f %9.1f%s" % (
        name, size, t["tx_pps"], t["rx_pps"], t["rx_pps"] / 1e6, t["rx_gbps"],
        t["loss_ratio"] * 100, t["reordered"], lat.get("p50", 0), lat.get("p99", 0),
        lat.get("p99.9", 0), "  NO RATE PASSED" if chosen.get("no_rate_passed") else ""))


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
        built = []
        for p in runnable:
            try:
                endpoints = p.build(cloud, cloud.prefix)
                drop_guest_kernel_traffic(cloud, cloud.mh.hosts, endpoints)
                built.append((p, endpoints))
                limits[p.name] = p.limit
                too_big = [s for s in args.sizes.split(",") if not frame_fits(s, endpoints.mtu)]
                print("%-15s %s%s" % (p.name, p.description, "; not measured above MTU %d + 18:"
                                      " %s" % (endpoints.mtu, ",".join(too_big))
                                      if too_big else ""))
            except Exception as err:  # one broken path must not hide the others' figures
                errors[p.name] = str(err)
                print("%-15s FAILED to build: %s" % (p.name, err))
        print("\n%-15s %-5s %11s %11s %8s %8s %8s %8s %9s %9s %9s" % (
            "path", "size", "tx pps", "rx pps", "rx Mpps", "Gbit/s", "loss %", "reorder",
            "p50 us", "p99 us", "p99.9 us"))
        results = measure_all(args, built, errors)
        print("\nwhat limits each figure:")
        for p, _ in built:
            print("  %-15s %s" % (p.name, p.limit))
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
    # Ctrl-C unwinds through BenchCloud.stop() even when started from a shell that ignores
    # SIGINT for background jobs (Python keeps an inherited SIG_IGN otherwise).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    multihost.become_subreaper()
    sys.exit(main(sys.argv[1:]))
