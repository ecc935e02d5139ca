"""Two controllers serving one cloud from one PostgreSQL database, as an operator would run
them (--database postgresql://...): a token issued by one is valid at the other, either
answers the API, IP allocation stays unique under concurrent port creation spread over both,
and a controller killed with SIGKILL leaves the other serving.

The PostgreSQL server is a real one this test starts in a temporary directory.
"""

import collections
import ipaddress
import os
import socket
import threading
import time
import unittest

from channel_peer import ChannelPeer, sign
from harness import ControllerProcess, KeepAliveClient
from postgres_server import PostgresServer

PORTS = 400
CLIENTS = 8
SECRET = "pg-agent-secret"


class FakeAgent:
    """The agent's end of the push channel, enough to see what a controller pushes: the signed
    hello, the snapshot, then deltas (read on a thread of its own)."""

    def __init__(self, address, host):
        hostname, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((hostname, int(port)), timeout=30)
        challenge = ChannelPeer._read(self.sock)
        ChannelPeer._write(self.sock, {"type": "hello", "host": host, "tunnel_ip": "192.0.2.77",
                                       "signature": sign(SECRET, challenge["nonce"] + "|" + host),
                                       "last_revision": 0})
        self.snapshot = ChannelPeer._read(self.sock)
        self.keys = set(self.snapshot.get("state", {}))
        self.cond = threading.Condition()
        threading.Thread(target=self._read_loop, daemon=True).start()

    def _read_loop(self):
        try:
            while True:
                message = ChannelPeer._read(self.sock)
                if message is None:
                    return
                with self.cond:
                    if message.get("type") == "delta":
                        self.keys |= set(message.get("set", {}))
                        self.keys -= set(message.get("remove", []))
                    elif message.get("type") == "heartbeat":
                        ChannelPeer._write(self.sock, {"type": "heartbeat"})
                    self.cond.notify_all()
        except OSError:
            return

    def wait_for_key(self, key, timeout):
        with self.cond:
            return self.cond.wait_for(lambda: key in self.keys, timeout=timeout)

    def close(self):
        self.sock.close()


class TwoControllersOnPostgresTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = PostgresServer().start()
        cls.controllers = []
        try:
            args = ["--database", cls.db.url, "--api-workers", "4", "--agent-listen",
                    "127.0.0.1:0", "--agent-secret", SECRET]
            cls.a = ControllerProcess(extra_args=args)
            cls.b = ControllerProcess(extra_args=args)
            cls.controllers = [cls.a, cls.b]
            # Started together on an empty database: one migrates and bootstraps, the other
            # waits for the migration lock and finds the admin already there.
            errors = []

            def start(controller):
                try:
                    controller.start()
                except Exception as e:  # reported below, with the log
                    errors.append(e)

            threads = [threading.Thread(target=start, args=(c,)) for c in cls.controllers]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                raise errors[0]
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for c in cls.controllers:
            c.stop()
        cls.db.stop()

    def test_a_token_issued_by_one_is_valid_at_the_other_until_revoked(self):
        token = self.a.token()
        resp = self.b.request("GET", "/v2.0/networks", token=token)
        self.assertEqual(resp.status, 200, resp)
        created = self.b.request("POST", "/v2.0/networks", {"network": {"name": "shared-net"}},
                                 token=token)
        self.assertEqual(created.status, 201, created)
        net_id = created.json()["network"]["id"]
        seen = self.a.request("GET", "/v2.0/networks/" + net_id, token=token)
        self.assertEqual(seen.status, 200, seen)
        self.assertEqual(seen.json()["network"]["name"], "shared-net")
        # Revoked at one controller, refused at the other.
        other = self.b.token()
        revoke = self.b.request("DELETE", "/v3/auth/tokens", token=other,
                                headers={"X-Subject-Token": token})
        self.assertEqual(revoke.status, 204, revoke)
        self.assertEqual(self.a.request("GET", "/v2.0/networks", token=token).status, 401)
        self.assertEqual(self.a.request("DELETE", "/v2.0/networks/" + net_id,
                                        token=other).status, 204)

    def test_b_openstack_cli_works_against_either(self):
        self.a.openstack("network", "create", "cli-net")
        shown = self.b.openstack("network", "show", "cli-net", "-f", "json")
        self.assertEqual(shown["name"], "cli-net")
        self.b.openstack("network", "delete", "cli-net")
        names = [n["Name"] for n in self.a.openstack("network", "list", "-f", "json")]
        self.assertNotIn("cli-net", names)

    def test_c_ip_allocation_stays_unique_across_controllers(self):
        token = self.a.token()
        net = self.a.request("POST", "/v2.0/networks", {"network": {"name": "ipam"}},
                             token=token).json()["network"]
        # Two pools of 200 addresses: exactly as many as the ports created below.
        pools = [("10.9.0.10", "10.9.0.209"), ("10.9.1.10", "10.9.1.209")]
        subnet = self.b.request("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": "10.9.0.0/23",
            "allocation_pools": [{"start": s, "end": e} for s, e in pools]}}, token=token)
        self.assertEqual(subnet.status, 201, subnet)
        statuses = collections.Counter()
        addresses = []
        lock = threading.Lock()

        def client(index):
            controller = self.controllers[index % 2]
            with KeepAliveClient(controller.url, token=token, timeout=120) as http:
                for _ in range(PORTS // CLIENTS):
                    resp = http.request("POST", "/v2.0/ports",
                                        {"port": {"network_id": net["id"]}})
                    with lock:
                        statuses[resp.status] += 1
                        if resp.status == 201:
                            addresses.extend(ip["ip_address"]
                                             for ip in resp.json()["port"]["fixed_ips"])

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        print("\n%d ports by %d clients over 2 controllers on PostgreSQL: %.1f s (%.0f/s)"
              % (PORTS, CLIENTS, elapsed, PORTS / elapsed))
        self.assertEqual(statuses, collections.Counter({201: PORTS}))
        self.assertEqual(len(addresses), PORTS)
        self.assertEqual(len(set(addresses)), PORTS, "an address was handed out twice")
        ranges = [(ipaddress.ip_address(s), ipaddress.ip_address(e)) for s, e in pools]
        for address in addresses:
            ip = ipaddress.ip_address(address)
            self.assertTrue(any(s <= ip <= e for s, e in ranges), address)
        # The pools are full now, whichever controller is asked.
        for controller in self.controllers:
            full = controller.request("POST", "/v2.0/ports", {"port": {"network_id": net["id"]}},
                                      token=token)
            self.assertEqual(full.status, 409, full)
            self.assertEqual(full.json()["NeutronError"]["type"], "IpAddressGenerationFailure")
        rows = self.db.psql("SELECT COUNT(*), COUNT(DISTINCT ip_address) FROM ipallocations "
                            "WHERE network_id = '%s'" % net["id"])
        self.assertEqual(rows, [(str(PORTS), str(PORTS))])

    def test_d_an_agent_of_one_hears_of_a_port_created_at_the_other(self):
        with open(os.path.join(self.b.data_dir, "agent-channel.address")) as f:
            agent = FakeAgent(f.read().strip(), "pg-compute-1")
        try:
            self.assertEqual(agent.snapshot["type"], "snapshot", agent.snapshot)
            token = self.a.token()
            net = self.a.request("POST", "/v2.0/networks", {"network": {"name": "pushed"}},
                                 token=token).json()["network"]
            port = self.a.request("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "binding:host_id": "pg-compute-1"}}, token=token)
            self.assertEqual(port.status, 201, port)
            # Controller a's commit wakes controller b (LISTEN/NOTIFY), which pushes the delta.
            self.assertTrue(agent.wait_for_key("port:" + port.json()["port"]["id"], 30),
                            "controller b never pushed the port created at a")
        finally:
            agent.close()

    def test_z_kill_9_of_one_leaves_the_other_serving(self):
        token = self.a.token()
        self.assertEqual(self.b.kill(), -9)
        resp = self.a.request("POST", "/v2.0/networks", {"network": {"name": "after-kill"}},
                              token=token)
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(self.a.request("GET", "/v2.0/networks", token=self.a.token()).status,
                         200)
        # The killed one comes back on the same database and sees what happened meanwhile.
        self.b.restart()
        seen = self.b.request("GET", "/v2.0/networks/" + resp.json()["network"]["id"],
                              token=token)
        self.assertEqual(seen.status, 200, seen)


if __name__ == "__main__":
    unittest.main()
