#!/usr/bin/python3
"""Agent resync (issue 10): the agent of a host holding N ports (default 5,000) restarts; how
long until it is in step with the controller again, what it changed on the switch meanwhile,
what a guest's traffic lost, and the agent's resident memory once in step.

Two simulated hypervisors (tests/integration/multihost.py: their own ovsdb-server and
ovs-vswitchd on the userspace datapath, a neutrino-agent each) and a real neutrino-controller.
N ports bound to h2 over N/100 VXLAN networks are plugged on h2 the Nova way (iface-id,
attached-mac) as OVS internal ports, with no guest behind them; one real guest on h2 pings a
guest on h1 every 5 ms across the restarts. Each restart stops h2's agent (SIGTERM, as an
upgrade does; --kill: SIGKILL, a crash), starts it again and measures:

- in step: from the new agent's start to its "in step with the controller" log line, i.e. its
  first acknowledgement after connecting: the controller's snapshot received, every part's
  pass done and checked against OVS (the agent's own figure, from connecting, is given too);
- flows changed: br-int and br-tun flows that differ between before the stop and after;
- ping: echo requests sent from 1 s before the stop to 1 s after "in step", and the answers
  missing (but for those in flight when ping is stopped), with when they were lost.

Run as root:

  bench/agent_resync_bench.py --ports 5000 --restarts 3
  bench/agent_resync_bench.py --smoke        # 50 ports, one restart (ctest)
"""

import argparse
import re
import signal
import subprocess
import time

import service_cloud
from service_cloud import ms

PORTS_PER_NETWORK = 100
PLUG_BATCH = 250
PING_INTERVAL = 0.005
PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received")
PING_REPLY = re.compile(r"^\[(\d+\.\d+)\] .*icmp_seq=(\d+)", re.M)
IN_STEP = re.compile(r"in step with the controller at revision (\d+): (\d+) ports wired, "
                     r"(\d+) not, (\d+) ms after connecting")


def build_host(cloud, host, ports):
    """`ports` ports bound to `host`, plugged there; returns the networks (the first one has
    room for the guests)."""
    networks, plugged = [], 0
    while plugged < ports:
        net = cloud.network("resync%d" % len(networks), "10.%d.%d.0/24"
                            % (80 + len(networks) // 256, len(networks) % 256))
        if not networks:  # far more ports than Neutron's default quota (500)
            cloud.api("PUT", "/v2.0/quotas/" + net["project_id"],
                      {"quota": {"port": -1, "network": -1, "subnet": -1}})
        networks.append(net)
        count = min(PORTS_PER_NETWORK, ports - plugged)
        created = cloud.bulk_ports(net, count, **{"binding:host_id": host.name})
        for start in range(0, len(created), PLUG_BATCH):
            args = []
            for i, port in enumerate(created[start:start + PLUG_BATCH], plugged + start):
                dev = "%si%d" % (cloud.prefix, i)
                args += ["--", "add-port", "br-int", dev, "--", "set", "Interface", dev,
                         "type=internal", "external_ids:iface-id=%s" % port["id"],
                         "external_ids:attached-mac=\"%s\"" % port["mac_address"],
                         "external_ids:iface-status=active"]
            host.vsctl(*args, timeout=300)
        plugged += count
    return networks


def active_ports(cloud, host):
    ports = cloud.api("GET", "/v2.0/ports?fields=status&binding:host_id=" + host.name)["ports"]
    return sum(1 for p in ports if p["status"] == "ACTIVE")


def flows(host):
    """Every flow of br-int and br-tun, without counters."""
    return {bridge + " " + flow for bridge in ("br-int", "br-tun")
            for flow in host.dump_flows(bridge, "--no-stats")}


def rss_mib(pid):
    """Resident memory of process `pid`, MiB."""
    with open("/proc/%d/status" % pid) as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return round(kib / 1024)


def restart(agent, kill):
    """Stops and starts `agent`; returns (stop started, start, in step) as wall-clock times
    (ping -D's clock) and the in-step log line's match."""
    offset = agent.log_size()
    stopping = time.time()
    if kill:
        agent.kill9()
    else:
        agent.stop()
    started = time.time()
    agent.start()
    match = agent.wait_for_log(IN_STEP.pattern, timeout=600, after=offset)
    return stopping, started, time.time(), match


def measure(cloud, h2, pinger, anchor_ip, kill):
    agent = h2.daemons["neutrino-agent"]
    before = flows(h2)
    ping = h2.guest_popen(pinger, ["ping", "-n", "-D", "-i", str(PING_INTERVAL), anchor_ip],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    stopping, started, in_step, match = restart(agent, kill)
    time.sleep(1)
    agent_rss = rss_mib(agent.pid)
    interrupted = time.time()
    ping.send_signal(signal.SIGINT)
    out, _ = ping.communicate(timeout=10)
    summary = PING_SUMMARY.search(out)
    sent = int(summary.group(1)) if summary else 0
    answered = {int(m.group(2)): float(m.group(1)) for m in PING_REPLY.finditer(out)}
    # A lost request is placed at the answer before it, from the stop; those in flight when
    # ping was stopped (the last 100 ms) are no loss.
    lost, last_answer = [], stopping
    for seq in range(1, sent + 1):
        if seq in answered:
            last_answer = answered[seq]
        elif last_answer < interrupted - 0.1:
            lost.append(ms(last_answer - stopping))
    after = flows(h2)
    return {"stop_ms": ms(started - stopping), "in_step_ms": ms(in_step - started),
            "agent_in_step_ms": int(match.group(4)), "ports_wired": int(match.group(2)),
            "flows": len(after), "flows_changed": len(before ^ after), "agent_rss_mib": agent_rss,
            "ping_sent": sent, "ping_lost": len(lost), "lost_at_ms": lost[:20]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ports", type=int, default=5000)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    parser.add_argument("--smoke", action="store_true", help="50 ports, one restart")
    args = parser.parse_args()
    if args.smoke:
        args.ports, args.restarts = 50, 1
    service_cloud.require_root()
    started = time.monotonic()
    with service_cloud.ServiceCloud(hosts=2) as cloud:
        h1, h2 = cloud.mh.hosts
        networks = build_host(cloud, h2, args.ports)
        guests = []
        for host, name in ((h1, cloud.prefix + "an"), (h2, cloud.prefix + "pg")):
            port = cloud.create_port(networks[0], host=host, name=name)
            cloud.plug(host, name, port, networks[0])
            guests.append(port)
        service_cloud.wait_for(lambda: active_ports(cloud, h2) == args.ports + 1,
                               "every port of h2 ACTIVE", timeout=1200, interval=1)
        service_cloud.wait_for(lambda: h2.ping(cloud.prefix + "pg", guests[0]["ip"]).ok,
                               "the guests reaching each other", timeout=30)
        setup = time.monotonic() - started
        runs = [measure(cloud, h2, cloud.prefix + "pg", guests[0]["ip"], args.kill)
                for _ in range(args.restarts)]
        load = service_cloud.machine()
    print("agent resync: h2 holds %d ports on %d networks; %s; setup %.0f s"
          % (args.ports, len(networks), "SIGKILL" if args.kill else "SIGTERM", setup))
    service_cloud.print_table(
        [("restart", 8), ("stop ms", 9), ("in step ms", 11), ("agent ms", 9), ("wired", 6),
         ("flows", 7), ("changed", 8), ("pings", 6), ("lost", 5), ("RSS MiB", 8)],
        [[i + 1, r["stop_ms"], r["in_step_ms"], r["agent_in_step_ms"], r["ports_wired"],
          r["flows"], r["flows_changed"], r["ping_sent"], r["ping_lost"], r["agent_rss_mib"]]
         for i, r in enumerate(runs)])
    service_cloud.emit_json("agent_resync", {
        "ports": args.ports, "networks": len(networks), "kill": args.kill, "runs": runs,
        "setup_s": round(setup, 1), "load_at_end": load["loadavg"]})
    failed = any(r["ping_lost"] or r["flows_changed"] or not r["ping_sent"] for r in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
