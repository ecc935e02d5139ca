"""neutrino-pktbench end to end, as a person runs it: `--help`, `run` between the two ends of
a veth pair in two namespaces this test creates, and `path --smoke` (a real controller, agent
and OVS userspace datapath, one path, one size, 2000 frames). Figures are printed, never
asserted: this tier only proves the benchmark still works."""

import glob
import json
import os
import secrets
import subprocess
import time
import unittest

import harness

NFT_DROP = ('table netdev pktbench {\n chain ingress {\n  type filter hook ingress device '
            '"eth0" priority 0; policy drop;\n }\n}\n')


def pktbench():
    return os.path.join(harness.bin_dir(), "neutrino-pktbench")


def last_json(stdout):
    return json.loads([line for line in stdout.splitlines() if line.startswith("{")][-1])


@unittest.skipUnless(os.geteuid() == 0, "needs root for namespaces")
class PktbenchTest(unittest.TestCase):

    def test_help_says_how_to_use_it_against_two_ports(self):
        out = subprocess.run([pktbench(), "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        for words in ("--tx IFACE[@NETNS]", "--rx IFACE[@NETNS]", "--rate", "imix", "path"):
            self.assertIn(words, out.stdout)
        bad = subprocess.run([pktbench(), "run", "--tx", "x"], capture_output=True, text=True,
                             timeout=10)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--rx are required", bad.stderr)

    def veth_pair(self):
        """Two namespaces joined by a veth pair (eth0 in each), kernels muted; removed after."""
        prefix = "pbt" + secrets.token_hex(2)
        a, b = prefix + "a", prefix + "b"
        self.addCleanup(subprocess.run, ["ip", "netns", "del", b], check=False)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", a], check=False)
        for ns in (a, b):
            subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "link", "add", "eth0", "netns", a, "type", "veth", "peer", "name",
                        "eth0", "netns", b], check=True)
        for ns in (a, b):
            subprocess.run(["ip", "-n", ns, "link", "set", "eth0", "up"], check=True)
            subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=NFT_DROP,
                           text=True, check=True)
        return a, b

    def test_run_between_two_namespaces(self):
        a, b = self.veth_pair()
        runtime_dirs = set(glob.glob("/var/run/dpdk/neutrino-pktbench-*"))
        out = subprocess.run(
            [pktbench(), "run", "--tx", "eth0@" + a, "--rx", "eth0@" + b, "--sizes", "64,imix",
             "--duration", "0.5", "--max-trials", "3"],
            capture_output=True, text=True, timeout=120)
        print(out.stdout)
        self.assertEqual(out.returncode, 0, out.stderr)
        results = last_json(out.stdout)["results"]
        self.assertEqual([r["size"] for r in results], ["64", "imix"])
        for r in results:
            self.assertGreater(r["result"]["received"], 0, r)
            self.assertIn("p99.9", r["result"]["latency_us"])
        # The EAL's runtime directory goes with the process.
        self.assertLessEqual(set(glob.glob("/var/run/dpdk/neutrino-pktbench-*")), runtime_dirs)

    def test_run_stops_cleanly_on_sigterm(self):
        a, b = self.veth_pair()
        proc = subprocess.Popen(
            [pktbench(), "run", "--tx", "eth0@" + a, "--rx", "eth0@" + b, "--sizes", "64",
             "--duration", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.kill)
        deadline = time.monotonic() + 30
        while not glob.glob("/var/run/dpdk/neutrino-pktbench-%d" % proc.pid):
            self.assertLess(time.monotonic(), deadline, "the EAL never started")
            self.assertIsNone(proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
            time.sleep(0.05)
        time.sleep(0.5)
        proc.terminate()
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("interrupted", err)
        self.assertFalse(glob.glob("/var/run/dpdk/neutrino-pktbench-%d" % proc.pid))

    def test_path_smoke_through_our_pipeline(self):
        out = subprocess.run([pktbench(), "path", "--smoke"], capture_output=True, text=True,
                             timeout=300)
        print(out.stdout)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = last_json(out.stdout)["pktbench_paths"]
        self.assertEqual(report["errors"], {})
        smoke = report["results"]["pipeline"]["64"]["result"]
        self.assertEqual(smoke["sent"], 2000)
        self.assertGreater(smoke["received"], 0, smoke)  # the path forwards at all
        prefix = out.stdout.split("prefix ", 1)[1].split(",", 1)[0]
        leftovers = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        self.assertNotIn(prefix, leftovers)


if __name__ == "__main__":
    unittest.main()
