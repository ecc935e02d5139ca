"""The service benchmarks (bench/*_bench.py) in their smoke modes, as a person runs them: each
builds its cloud (real controller, agents, OVS userspace datapath, dnsmasq), measures tiny
sizes for a second or so, prints its table and one JSON line, and removes everything. Figures
are printed, never asserted: this tier only proves the benchmarks still work (every client got
its lease, every guest its documents, every port converged, every list its ports, a
restarted agent back in step without losing a ping)."""

import json
import os
import subprocess
import sys
import time
import unittest

import harness

BENCH = os.path.normpath(os.path.join(harness.HERE, "..", "..", "bench"))


def run_bench(test, script, timeout=180):
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, os.path.join(BENCH, script), "--smoke"],
                         capture_output=True, text=True, timeout=timeout,
                         env=dict(os.environ, NEUTRINO_BIN_DIR=harness.bin_dir()))
    print("\n%s --smoke (%.1f s):\n%s" % (script, time.monotonic() - t0, out.stdout[-3000:]))
    test.assertEqual(out.returncode, 0, out.stdout[-3000:] + out.stderr[-3000:])
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    test.assertTrue(lines, "no JSON line:\n" + out.stdout)
    result = json.loads(lines[-1])
    test.assertEqual(result["machine"]["cpus"], os.cpu_count())
    return result


class ApiBenchTest(unittest.TestCase):

    def test_api_smoke(self):
        r = run_bench(self, "api_scale_bench.py")
        for who in ("sequential", "8 clients"):
            for op in ("create", "list", "delete"):
                self.assertEqual(r["crud"][who][op]["n"], 16)
        self.assertEqual({s["ports"] for s in r["scale"]}, {200, 500})
        self.assertEqual(len(r["scale"]), 12)


@unittest.skipUnless(os.geteuid() == 0, "needs root for namespaces and OVS")
class ServiceBenchTest(unittest.TestCase):

    def test_convergence_smoke(self):
        r = run_bench(self, "convergence_bench.py")
        self.assertEqual(r["missing"], {"active": 0, "ping": 0})
        self.assertEqual(r["phases"]["ping"]["n"], 3)

    def test_agent_resync_smoke(self):
        r = run_bench(self, "agent_resync_bench.py")
        [run] = r["runs"]
        self.assertEqual(run["ports_wired"], 51)  # 50 plugged ports and the pinging guest
        self.assertEqual((run["flows_changed"], run["ping_lost"]), (0, 0))
        self.assertGreater(run["ping_sent"], 0)

    def test_dhcp_smoke(self):
        r = run_bench(self, "dhcp_compare_bench.py")
        self.assertEqual(set(r["servers"]), {"neutrino (limits)", "neutrino (raised)", "dnsmasq",
                                             "dnsmasq (DHCP only)"})
        for name, server in r["servers"].items():
            self.assertEqual(server["storm"]["leased"], 20, name)
            self.assertGreater(server["dora"]["acks"], 0, name)

    def test_metadata_smoke(self):
        r = run_bench(self, "metadata_proxy_bench.py")
        self.assertEqual(len(r["rows"]), 12)
        for row in r["rows"]:
            self.assertGreater(row["ok"], 0, row)
            self.assertEqual(row["bad_bodies"], 0, row)


if __name__ == "__main__":
    unittest.main()
