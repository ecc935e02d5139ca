"""Faults under traffic (issue 14): ovs-vswitchd and ovsdb-server killed with SIGKILL and
started again while two guests on different hosts ping each other 100 times a second, and the
controller killed with SIGKILL and started again on its data directory while API clients keep
creating ports. Each must heal without operator action; each test prints how long it took:
the traffic gap (longest time between two answered pings), the time until the agent's flows
are back, until ports are ACTIVE again, until the API answers.

The harness re-applies the tunnel IP to br-phy after ovs-vswitchd restarts: with the userspace
datapath that internal port is a tap that dies with the daemon, which a real host (kernel
datapath, or the address on the NIC) does not have to do.
"""

import re
import signal
import subprocess
import threading
import time
import unittest

import multihost_cloud


class TrafficMeter:
    """`ping -D -i 0.01` from a guest in the background; stop() gives the figures."""

    _REPLY = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .* icmp_seq=(\d+)")

    def __init__(self, host, guest, dst):
        self.proc = host.guest_popen(guest, ["ping", "-D", "-n", "-i", "0.01", "-W", "1", dst],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.replies = []  # (unix time, icmp_seq) of each answered ping
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = self._REPLY.match(line)
            if m:
                self.replies.append((float(m.group(1)), int(m.group(2))))

    def received_since(self, wall_time):
        return sum(1 for t, _ in self.replies if t > wall_time)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        summary = multihost_cloud.multihost.PingResult("".join(self.lines), self.proc.returncode)
        times = [t for t, _ in self.replies]
        gaps = [b - a for a, b in zip(times, times[1:])]
        # Lost: pings before the last answered one that got no answer (the one in flight when
        # ping was stopped is not lost, it was cut short).
        answered = {seq for _, seq in self.replies}
        self.figures = {"sent": summary.sent, "received": summary.received,
                        "lost": max(answered, default=0) - len(answered),
                        "gap": max(gaps) if gaps else None}
        return self.figures


class StatusWatcher:
    """Polls the status of ports every 50 ms in the background and keeps every change, with
    the seconds since start (or "unreachable" while the API does not answer)."""

    def __init__(self, cloud, ports):
        self.cloud = cloud
        self.ports = ports
        self.t0 = time.monotonic()
        self.seen = {p["id"]: [] for p in ports}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            for p in self.ports:
                try:
                    status = self.cloud.api("GET", "/v2.0/ports/" + p["id"]).json()["port"][
                        "status"]
                except Exception:  # the controller is down, or has no URL yet
                    status = "unreachable"
                changes = self.seen[p["id"]]
                if not changes or changes[-1][1] != status:
                    changes.append((round(time.monotonic() - self.t0, 3), status))
            time.sleep(0.05)

    def stop(self):
        self.done.set()
        self.thread.join(timeout=10)
        return {p["name"]: self.seen[p["id"]] for p in self.ports}


class AgentFaultsTest(multihost_cloud.MultiHostCloud):

    def pair(self, cidr):
        """Two guests on one network, on h1 and h2, that reach each other."""
        h1, h2 = self.mh.hosts
        net = self.network(cidr)
        a = self.guest(h1, "fa" + cidr.split(".")[1], net)
        b = self.guest(h2, "fb" + cidr.split(".")[1], net)
        h1.wait_ping(a["name"], b["ip"], timeout=10)
        return net, a, b

    def guest(self, host, name, net, **kw):
        port = super().guest(host, name, net, **kw)
        port["name"] = name
        return port

    def assert_dhcp_answers(self, host, guest):
        r = host.guest_run(guest["name"], "busybox udhcpc -i eth0 -n -q -f -t 3 -T 1 "
                           "-s /bin/true", check=False)
        self.assertIn("lease of %s obtained" % guest["ip"], r.stdout + r.stderr)

    def port_status(self, port):
        return self.api("GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"]

    # --- tests -----------------------------------------------------------------------------

    def test_vswitchd_killed_under_traffic_heals_by_itself(self):
        h1, h2 = self.mh.hosts
        net, a, b = self.pair("10.61.0.0/24")
        flows_before = len(h1.dump_flows("br-int"))
        meter = TrafficMeter(h1, a["name"], b["ip"])
        time.sleep(1)
        watcher = StatusWatcher(self, [a, b])
        down_for = h1.restart_vswitchd(kill=True)
        serving = time.monotonic()
        self.wait_for(lambda: len(h1.dump_flows("br-int")) >= flows_before,
                      "flows back on br-int", timeout=10, interval=0.02)
        flows_back = time.monotonic() - serving
        self.wait_for(lambda: meter.received_since(time.time() - 0.2) > 0,
                      "pings answered again", timeout=15)
        time.sleep(1)
        traffic = meter.stop()
        statuses = watcher.stop()
        print("\novs-vswitchd SIGKILL + restart: serving again %.3f s after the kill, the "
              "agent's flows back %.3f s later; traffic %s; port statuses %s"
              % (down_for, flows_back, traffic, statuses))
        self.assertLess(flows_back, 2.0)
        self.assertLess(traffic["gap"], down_for + 3.0, traffic)
        self.assertEqual(self.port_status(a), "ACTIVE")
        self.assertEqual(self.port_status(b), "ACTIVE")
        self.assert_dhcp_answers(h1, a)
        # A guest plugged now is wired as usual.
        c = self.guest(h1, "fc61", net)
        h1.wait_ping("fc61", b["ip"], timeout=10)
        print("port plugged after the restart ACTIVE in %.3f s" % c["active_after"])

    def test_ovsdb_server_killed_under_traffic_heals_by_itself(self):
        # ovs-vswitchd holds its database lock only while connected; without it, it stops
        # running its bridges (with the userspace datapath, forwarding too) until it
        # reconnects, which it retries with a backoff of up to 8 s. The agent reconnects
        # within its own backoff (at most 1 s) and needs nothing else.
        h1, h2 = self.mh.hosts
        net, a, b = self.pair("10.62.0.0/24")
        agent = h1.daemons["neutrino-agent"]
        offset = agent.log_size()
        meter = TrafficMeter(h1, a["name"], b["ip"])
        time.sleep(1)
        watcher = StatusWatcher(self, [a, b])
        down = 1.0
        took = h1.restart_ovsdb_server(kill=True, down=down)
        serving = time.monotonic()
        agent.wait_for_log("connected to ovsdb-server", after=offset, timeout=15)
        reconnected = time.monotonic() - serving
        self.wait_for(lambda: meter.received_since(time.time() - 0.2) > 0,
                      "pings answered again", timeout=20)
        traffic_back = time.monotonic() - serving
        time.sleep(1)
        traffic = meter.stop()
        statuses = watcher.stop()
        self.assert_dhcp_answers(h1, a)
        # The database serves again, vswitchd and the agent use it: a new guest is wired.
        c = self.guest(h1, "fc62", net)
        h1.wait_ping("fc62", b["ip"], timeout=10)
        print("\novsdb-server SIGKILL, %.1f s down, restart: serving %.3f s after the kill; "
              "agent reconnected %.3f s and traffic back %.3f s after that; traffic %s; port "
              "statuses %s; a port plugged afterwards ACTIVE in %.3f s"
              % (down, took, reconnected, traffic_back, traffic, statuses, c["active_after"]))
        self.assertLess(reconnected, 3.0)
        self.assertLess(traffic["gap"], took + 10.0, traffic)  # vswitchd's backoff: <= 8 s
        self.assertLess(c["active_after"], 10.0)
        self.assertEqual([s for _, s in statuses[a["name"]]], ["ACTIVE"])

    def test_controller_killed_under_load_heals_by_itself(self):
        h1, h2 = self.mh.hosts
        net, a, b = self.pair("10.63.0.0/24")
        load = self.network("10.64.0.0/20")
        offsets = [agent.log_size() for agent in self.agents]
        meter = TrafficMeter(h1, a["name"], b["ip"])
        created, failures, stop = [], [], threading.Event()
        lock = threading.Lock()

        def client():
            # An API user creating ports bound to h2 (its agent gets each one) until told to
            # stop; while the controller is down it retries every 50 ms.
            token = None
            while not stop.is_set():
                try:
                    token = token or self.ctl.token()
                    r = self.ctl.request("POST", "/v2.0/ports", {"port": {
                        "network_id": load["id"], "binding:host_id": h2.name}},
                        token=token, timeout=5)
                except Exception as exc:  # refused, reset, or no URL yet: down
                    with lock:
                        failures.append((time.monotonic(), type(exc).__name__))
                    time.sleep(0.05)
                    continue
                with lock:
                    if r.status == 201:
                        created.append((time.monotonic(), r.json()["port"]["id"]))
                    else:
                        failures.append((time.monotonic(), r.status))
                if r.status == 401:
                    token = None
                time.sleep(0.02)

        clients = [threading.Thread(target=client, daemon=True) for _ in range(3)]
        for t in clients:
            t.start()
        time.sleep(1.5)
        watcher = StatusWatcher(self, [a, b])
        killed = time.monotonic()
        self.ctl.kill()
        dead = time.monotonic()  # answers after this come from the new process
        self.ctl.restart()
        serving = time.monotonic() - killed
        type(self).token = self.ctl.token()
        self.wait_for(lambda: any(t > dead for t, _ in created),
                      "a port created after the restart", timeout=20)
        api_back = min(t for t, _ in created if t > dead) - killed
        for agent, offset in zip(self.agents, offsets):
            agent.wait_for_log("connected to the controller", after=offset, timeout=15)
        agents_back = time.monotonic() - killed
        self.wait_for(lambda: len(self.alive_agents()) == 2, "agents alive", timeout=15)
        time.sleep(1)
        stop.set()
        for t in clients:
            t.join(timeout=10)
        traffic = meter.stop()
        statuses = watcher.stop()
        ids = [port_id for _, port_id in created]
        self.addCleanup(lambda: [self.api("DELETE", "/v2.0/ports/" + i) for i in ids])
        # Every port the API acknowledged is there after the crash.
        missing = [i for i in ids if self.api("GET", "/v2.0/ports/" + i).status != 200]
        c = self.guest(h1, "fc63", net)
        h1.wait_ping("fc63", b["ip"], timeout=10)
        print("\ncontroller SIGKILL + restart under load: %d ports created, %d attempts failed "
              "while it was down; serving %.3f s after the kill, first port created %.3f s "
              "after, agents reconnected %.3f s after; traffic %s; guest port statuses %s; a "
              "port plugged afterwards ACTIVE in %.3f s"
              % (len(ids), len(failures), serving, api_back, agents_back, traffic, statuses,
                 c["active_after"]))
        self.assertEqual(missing, [])
        # The agents kept their flows: no outage (a flow missing for a moment loses every ping
        # of 10 ms in it). A lone ping lost on these 2 starved cores is not one: seen 1-2 of
        # ~250 with the longest gap 44 ms.
        self.assertLess(traffic["gap"], 0.5, traffic)
        self.assertLessEqual(traffic["lost"], traffic["sent"] // 100, traffic)
        self.assertLess(api_back, serving + 3.0)
        self.assertLess(agents_back, serving + 10.0)
        self.assertLess(c["active_after"], 10.0)
        for name, changes in statuses.items():
            self.assertEqual(changes[-1][1], "ACTIVE", statuses)


if __name__ == "__main__":
    unittest.main()
