"""Connections a hostile client can hold against the real controller's API listener (issue 14):
deadlines for headers and idle keep-alive connections, the per-listener connection limit with
its 503, and above all that ordinary requests keep their latency while 2,000 idle and 200
slow-drip connections are held against the listener.

The latency figures (p50/p99 of ordinary request sequences with and without the attack) and
the attacker's counts are written to stderr.
"""

import http.client
import json
import socket
import statistics
import sys
import time
import unittest

import connection_flood
import harness

IDLE = 2000
DRIP = 200
SAMPLES = 30
# Bounds for a busy 2-core machine (other builds and tests running): under attack the p99 may
# grow to RATIO times the quiet p99 (or by SLACK seconds, whichever is more), never beyond
# CEILING seconds.
RATIO = 5.0
SLACK = 0.5
CEILING = 3.0


def report(text):
    sys.stderr.write("\n    [connections] %s" % text)
    sys.stderr.flush()


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class OrdinaryClient:
    """What a tenant's tool does: a keep-alive connection for a token, a list and a create."""

    def __init__(self, controller, password):
        self.controller = controller
        self.password = password
        self.created = []

    def sequence(self, number):
        """One token issue + GET /v2.0/networks + POST /v2.0/networks; returns seconds taken."""
        auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "ordinary", "domain": {"id": "default"}, "password": self.password}}},
            "scope": {"project": {"name": "ordinary", "domain": {"id": "default"}}}}}
        start = time.monotonic()
        with harness.KeepAliveClient(self.controller.url, timeout=30) as client:
            resp = client.request("POST", "/v3/auth/tokens?nocatalog", auth)
            if resp.status != 201:
                raise AssertionError("token issue failed: %r" % resp)
            client.token = resp.headers["X-Subject-Token"]
            resp = client.request("GET", "/v2.0/networks")
            if resp.status != 200:
                raise AssertionError("network list failed: %r" % resp)
            resp = client.request("POST", "/v2.0/networks",
                                  {"network": {"name": "ordinary-%d" % number}})
            if resp.status != 201:
                raise AssertionError("network create failed: %r" % resp)
            self.created.append((client.token, resp.json()["network"]["id"]))
        return time.monotonic() - start

    def run(self, count, first):
        return [self.sequence(first + i) for i in range(count)]


class FloodTest(unittest.TestCase):
    """The API listener with its default limits and deadlines, under a connection flood."""

    @classmethod
    def setUpClass(cls):
        connection_flood.raise_fd_limit(IDLE + DRIP + 512)
        cls.controller = harness.ControllerProcess()
        cls.addClassCleanup(cls.controller.stop)
        cls.controller.start()
        cls.controller.create_member("ordinary", "ordinary", "ordinary-pw")

    def test_ordinary_requests_keep_their_latency_under_a_connection_flood(self):
        client = OrdinaryClient(self.controller, "ordinary-pw")
        client.run(3, 0)  # warm up
        quiet = client.run(SAMPLES, 100)

        flood = connection_flood.ConnectionFlood(self._port(), IDLE, DRIP)
        flood.start()
        try:
            self.assertTrue(flood.wait_established(), flood.snapshot())
            time.sleep(1)  # let the server shed and the attacker reopen for a while
            attacked = client.run(SAMPLES, 200)
            held = flood.snapshot()
        finally:
            flood.stop()
        self.assertIsNone(flood.error)
        self.assertIsNone(self.controller.proc.poll(), "the controller died")

        q50, q99 = percentile(quiet, 0.5), percentile(quiet, 0.99)
        a50, a99 = percentile(attacked, 0.5), percentile(attacked, 0.99)
        report("ordinary sequence (token + GET + POST), %d samples each: quiet p50 %.0f ms "
               "p99 %.0f ms; under attack p50 %.0f ms p99 %.0f ms (mean %.0f vs %.0f ms)"
               % (SAMPLES, q50 * 1e3, q99 * 1e3, a50 * 1e3, a99 * 1e3,
                  statistics.mean(quiet) * 1e3, statistics.mean(attacked) * 1e3))
        report("attacker: %s" % json.dumps(held))
        self.assertGreaterEqual(held["opened"].get("idle", 0), IDLE)
        self.assertGreaterEqual(held["opened"].get("drip", 0), DRIP)
        self.assertLess(a99, max(RATIO * q99, q99 + SLACK),
                        "p99 under attack %.3f s vs quiet %.3f s" % (a99, q99))
        self.assertLess(a99, CEILING)

    def _port(self):
        return int(self.controller.url.rsplit(":", 1)[1])


def raw_connection(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def read_until_close(sock, timeout):
    """Everything the server sends until it closes; (bytes, seconds waited, closed?)."""
    sock.settimeout(0.1)
    start = time.monotonic()
    data = b""
    while time.monotonic() - start < timeout:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return data, time.monotonic() - start, True
        if not chunk:
            return data, time.monotonic() - start, True
        data += chunk
    return data, time.monotonic() - start, False


class LimitsTest(harness.ControllerTestCase):
    """A listener with a small connection limit and short deadlines, set by flags."""

    controller_args = ("--max-connections", "20", "--client-header-timeout", "2",
                       "--client-socket-timeout", "2", "--client-body-timeout", "30")

    def port(self):
        return int(self.controller.url.rsplit(":", 1)[1])

    def test_connection_beyond_the_limit_gets_503_with_retry_after(self):
        busy = []
        try:
            for _ in range(20):  # each holds an admitted request: header in, body pending
                sock = raw_connection(self.port())
                sock.sendall(b"POST /v2.0/networks HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                busy.append(sock)
            time.sleep(0.3)
            refused = raw_connection(self.port())
            refused.sendall(b"GET /v2.0/networks HTTP/1.1\r\nHost: x\r\n\r\n")
            data, _, closed = read_until_close(refused, 5)
            refused.close()
        finally:
            for sock in busy:
                sock.close()
        self.assertTrue(closed)
        head, _, body = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), data)
        self.assertIn(b"\r\nRetry-After: 1", head)
        error = json.loads(body)["NeutronError"]
        self.assertEqual(error["type"], "HTTPServiceUnavailable")
        self.assertEqual(error["message"],
                         "The server is handling too many connections; retry later.")
        # Once the busy connections are gone, the listener serves again.
        time.sleep(0.3)
        self.assertEqual(self.controller.request("GET", "/").status, 200)

    def test_idle_connections_are_shed_for_a_real_request(self):
        idle = [raw_connection(self.port()) for _ in range(20)]
        try:
            time.sleep(0.2)
            token = self.controller.token()  # needs a slot: an idle connection gives way
            resp = self.controller.request("GET", "/v2.0/networks", token=token)
            self.assertEqual(resp.status, 200, resp)
            shed = sum(1 for sock in idle if read_until_close(sock, 0.05)[2])
            self.assertGreaterEqual(shed, 2)
        finally:
            for sock in idle:
                sock.close()

    def test_header_drip_is_cut_at_the_deadline(self):
        sock = raw_connection(self.port())
        start = time.monotonic()
        header = b"GET /v2.0/networks HTTP/1.1\r\nHost: x\r\nX-Drip: " + b"a" * 1000
        closed = False
        try:
            for i in range(len(header)):
                if time.monotonic() - start > 8:
                    break
                try:
                    sock.sendall(header[i:i + 1])
                except OSError:
                    closed = True
                    break
                if read_until_close(sock, 0.2)[2]:
                    closed = True
                    break
        finally:
            sock.close()
        lasted = time.monotonic() - start
        report("a header dripped at 5 bytes/s was cut after %.2f s (deadline 2 s)" % lasted)
        self.assertTrue(closed)
        self.assertGreaterEqual(lasted, 1.5)
        self.assertLess(lasted, 4)

    def test_idle_keep_alive_connection_is_closed_after_its_timeout(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port(), timeout=10)
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 200)
            self.assertFalse(resp.will_close)
            data, lasted, closed = read_until_close(conn.sock, 6)
        finally:
            conn.close()
        report("an idle keep-alive connection was closed after %.2f s (timeout 2 s)" % lasted)
        self.assertTrue(closed)
        self.assertEqual(data, b"")
        self.assertGreaterEqual(lasted, 1.5)
        self.assertLess(lasted, 4)


if __name__ == "__main__":
    unittest.main()
