"""Correctness of the store under load: concurrent IP allocation, kill -9 and clean restarts.

Real controller processes and real HTTP: every client thread has its own keep-alive
http.client connection to 127.0.0.1. The store is inspected afterwards with the sqlite3 CLI.
The numbers of each run (ports acknowledged before a kill, found after it) are written to
stderr.
"""

import collections
import http.client
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness

SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
THREADS = 8
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


def report(text):
    sys.stderr.write("\n    [durability] %s" % text)
    sys.stderr.flush()


def sqlite(db_path, sql):
    """Rows of `sql` run by the sqlite3 CLI on db_path, each a list of column strings."""
    result = subprocess.run(
        [SQLITE3, "-bail", "-batch", "-separator", "|", "-cmd", ".timeout 10000", db_path, sql],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError("sqlite3 %s %r exited %d: %s"
                             % (db_path, sql, result.returncode, result.stderr))
    return [line.split("|") for line in result.stdout.splitlines()]


def neutron_error_type(resp):
    try:
        return resp.json()["NeutronError"]["type"]
    except (ValueError, KeyError, TypeError):
        return None


def only_ip(port):
    ips = [f["ip_address"] for f in port["fixed_ips"]]
    if len(ips) != 1:
        raise AssertionError("port %s has fixed_ips %r, expected exactly one"
                             % (port["id"], port["fixed_ips"]))
    return ips[0]


class StoreTestCase(unittest.TestCase):
    """A fresh controller per test, run with the controller's default durability (no
    --db-sync flag: `full`), stopped and its temporary directory removed even on failure."""

    def setUp(self):
        self.controller = harness.ControllerProcess(db_sync=None)
        self.addCleanup(self.controller.stop)
        self.controller.start()
        self.assertNotIn("--db-sync", self.controller.argv())
        self.token = self.controller.token()
        self.lift_port_quota()

    def lift_port_quota(self):
        """The load creates ports as fast as it can, past Neutron's default quota of 500 per
        project: an operator lifts it as for any bulk job (the quota is stored, so it holds
        after a restart on the same store)."""
        projects = self.api("GET", "/v3/projects?name=admin", expect=200).json()["projects"]
        self.api("PUT", "/v2.0/quotas/%s" % projects[0]["id"], {"quota": {"port": -1}},
                 expect=200)

    # --- API helpers -----------------------------------------------------------------------

    def api(self, method, path, body=None, expect=None):
        resp = self.controller.request(method, path, body, token=self.token)
        if expect is not None:
            self.assertEqual(resp.status, expect, resp)
        return resp

    def make_subnet(self, cidr, pools=None, name="net"):
        net = self.api("POST", "/v2.0/networks", {"network": {"name": name}}, expect=201)
        network_id = net.json()["network"]["id"]
        body = {"network_id": network_id, "cidr": cidr, "ip_version": 4}
        if pools is not None:
            body["allocation_pools"] = [{"start": s, "end": e} for s, e in pools]
        subnet = self.api("POST", "/v2.0/subnets", {"subnet": body}, expect=201).json()["subnet"]
        return network_id, subnet

    def list_ports(self, network_id):
        """{port id: port} of the network, from GET /v2.0/ports."""
        resp = self.api("GET", "/v2.0/ports?network_id=%s" % network_id, expect=200)
        body = resp.json()
        self.assertNotIn("ports_links", body)  # not paginated: this is every port
        return {p["id"]: p for p in body["ports"]}

    # --- store checks ----------------------------------------------------------------------

    def assertStoreConsistent(self, db_path, network_id=None, subnet_id=None):
        """integrity_check ok, no foreign-key violation, no address allocated twice, no
        allocation without its port; with network_id/subnet_id also no port of the network
        without its allocation (port insert and address allocation are one transaction).
        Returns the number of ipallocations rows of subnet_id (of all subnets without it)."""
        self.assertEqual(sqlite(db_path, "PRAGMA integrity_check"), [["ok"]])
        self.assertEqual(sqlite(db_path, "PRAGMA foreign_key_check"), [])
        self.assertEqual(sqlite(db_path, "select ip_address, count(*) from ipallocations "
                                         "group by subnet_id, ip_address having count(*) > 1"), [])
        self.assertEqual(sqlite(db_path, "select a.port_id, a.ip_address from ipallocations a "
                                         "left join ports p on p.id = a.port_id "
                                         "where p.id is null"), [])
        if network_id is not None:
            self.assertEqual(sqlite(db_path, "select p.id from ports p where p.network_id = '%s' "
                                             "and not exists (select 1 from ipallocations a "
                                             "where a.port_id = p.id)" % network_id), [])
        where = " where subnet_id = '%s'" % subnet_id if subnet_id else ""
        return int(sqlite(db_path, "select count(*) from ipallocations" + where)[0][0])

    def assertPortCreatesFail(self, network_id, error_type, count=3):
        for _ in range(count):
            resp = self.api("POST", "/v2.0/ports", {"port": {"network_id": network_id}})
            self.assertEqual((resp.status, neutron_error_type(resp)), (409, error_type), resp)


def run_threads(count, target):
    """Runs target(i) in `count` threads released together by a barrier; returns when all
    are done and re-raises the first exception (assertion or transport error) of any."""
    barrier = threading.Barrier(count)
    failures = []

    def body(i):
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as exc:  # surfaced below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if any(t.is_alive() for t in threads):
        raise AssertionError("client threads still running after 120 s")
    if failures:
        raise failures[0]


def connected_clients(test, url, token, count=THREADS):
    """`count` keep-alive clients, connected before the race starts (closed at cleanup)."""
    clients = []
    for _ in range(count):
        client = harness.KeepAliveClient(url, token)
        test.addCleanup(client.close)
        client.conn.connect()
        clients.append(client)
    return clients


class ConcurrentAllocationTest(StoreTestCase):

    POOL = ("10.20.0.20", "10.20.0.219")  # 200 addresses
    POOL_SIZE = 200
    PER_THREAD = 26  # 8 x 26 = 208 requests: the whole pool, then 8 beyond it

    def test_concurrent_port_creates_never_share_an_address(self):
        network_id, subnet = self.make_subnet("10.20.0.0/24", [self.POOL])
        clients = connected_clients(self, self.controller.url, self.token)
        sockets = [c.conn.sock for c in clients]
        results = [[] for _ in range(THREADS)]  # per thread, its responses in order

        def create(i):
            for n in range(self.PER_THREAD):
                resp = clients[i].request("POST", "/v2.0/ports", {"port": {
                    "network_id": network_id, "name": "c-%d-%d" % (i, n)}})
                results[i].append(resp)

        run_threads(THREADS, create)
        # Every thread sent all its requests over its one connection.
        self.assertEqual([c.conn.sock for c in clients], sockets)

        created = {}  # port id -> port
        for i, responses in enumerate(results):
            self.assertEqual(len(responses), self.PER_THREAD)
            exhausted = False
            for resp in responses:
                if resp.status == 201:
                    # The pool never refills: a 201 after a 409 means the 409 came too early.
                    self.assertFalse(exhausted, "thread %d: 201 after a 409: %r" % (i, resp))
                    port = resp.json()["port"]
                    self.assertNotIn(port["id"], created)
                    created[port["id"]] = port
                else:
                    self.assertEqual((resp.status, neutron_error_type(resp)),
                                     (409, "IpAddressGenerationFailure"), resp)
                    exhausted = True
        ips = [only_ip(p) for p in created.values()]
        duplicates = [ip for ip, n in collections.Counter(ips).items() if n > 1]
        self.assertEqual(duplicates, [], "addresses handed out more than once")
        first, last = (ipaddress.ip_address(a) for a in self.POOL)
        outside = [ip for ip in ips if not first <= ipaddress.ip_address(ip) <= last]
        self.assertEqual(outside, [], "addresses outside the pool %s-%s" % self.POOL)
        for port in created.values():
            self.assertEqual(port["fixed_ips"][0]["subnet_id"], subnet["id"])
        macs = [p["mac_address"] for p in created.values()]
        self.assertEqual(len(set(macs)), len(macs), "a MAC address handed out twice")
        report("concurrent creates: %d x 201, %d x 409 IpAddressGenerationFailure "
               "(pool of %d)" % (len(created), THREADS * self.PER_THREAD - len(created),
                                 self.POOL_SIZE))
        # Nothing else allocates from this pool: it fills completely, not one address less.
        self.assertEqual(len(created), self.POOL_SIZE)
        self.assertPortCreatesFail(network_id, "IpAddressGenerationFailure")

        listed = self.list_ports(network_id)
        self.assertEqual({pid: only_ip(p) for pid, p in listed.items()},
                         {pid: only_ip(p) for pid, p in created.items()})
        db = self.controller.database_path
        self.assertEqual(self.assertStoreConsistent(db, network_id), len(created))
        self.assertEqual(sqlite(db, "select count(*) from ports"), [[str(len(created))]])

    def test_same_fixed_ip_requested_at_once_is_granted_once(self):
        pool = ("10.30.0.100", "10.30.0.199")  # 100 addresses
        network_id, subnet = self.make_subnet("10.30.0.0/24", [pool])
        wanted = ["10.30.0.%d" % n for n in (100, 150, 151, 177, 199)]  # all inside the pool
        clients = connected_clients(self, self.controller.url, self.token)
        winners = {}
        for ip in wanted:
            results = [None] * THREADS

            def create(i, ip=ip, results=results):
                results[i] = clients[i].request("POST", "/v2.0/ports", {"port": {
                    "network_id": network_id,
                    "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": ip}]}})

            run_threads(THREADS, create)
            won = [r for r in results if r.status == 201]
            lost = [r for r in results if r.status != 201]
            self.assertEqual(len(won), 1, "%s: %r" % (ip, results))
            self.assertEqual(only_ip(won[0].json()["port"]), ip)
            for resp in lost:
                self.assertEqual((resp.status, neutron_error_type(resp)),
                                 (409, "IpAddressAlreadyAllocated"), resp)
            winners[won[0].json()["port"]["id"]] = ip
        report("same fixed IP from %d threads, %d rounds: one 201 and %d x 409 each"
               % (THREADS, len(wanted), THREADS - 1))

        listed = self.list_ports(network_id)
        self.assertEqual({pid: only_ip(p) for pid, p in listed.items()}, winners)
        db = self.controller.database_path
        self.assertEqual(self.assertStoreConsistent(db, network_id), len(wanted))
        # The losers left nothing behind: no port row without its address.
        self.assertEqual(sqlite(db, "select count(*) from ports"), [[str(len(wanted))]])

        # Automatic allocation then fills the rest of the pool around the taken addresses.
        auto = []

        def fill(i):
            while True:
                resp = clients[i].request("POST", "/v2.0/ports",
                                          {"port": {"network_id": network_id}})
                if resp.status != 201:
                    self.assertEqual((resp.status, neutron_error_type(resp)),
                                     (409, "IpAddressGenerationFailure"), resp)
                    return
                auto.append(only_ip(resp.json()["port"]))

        run_threads(THREADS, fill)
        self.assertEqual(len(auto), 100 - len(wanted))
        self.assertEqual(len(set(auto) | set(wanted)), 100)
        self.assertEqual(self.assertStoreConsistent(db, network_id), 100)


class PortLoad:
    """THREADS threads creating ports on a network as fast as the controller answers, each
    over its own keep-alive connection, until stopped or until the connection fails.

    A port is acknowledged when its 201 response arrived in full. A request that ended in a
    transport error (the controller was killed under it) is unacknowledged: its port may or
    may not exist afterwards, and its name is kept in `unanswered`.
    """

    def __init__(self, url, token, network_id, prefix):
        self.url = url
        self.token = token
        self.network_id = network_id
        self.prefix = prefix
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.acked = {}  # port id -> port
        self.unanswered = set()  # names of requests that got no response
        self.transport_errors = []
        self.other_responses = []  # anything but 201
        self.barrier = threading.Barrier(THREADS + 1)
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(THREADS)]

    def start(self):
        for t in self.threads:
            t.start()
        self.barrier.wait(timeout=30)
        return self

    def _run(self, i):
        client = harness.KeepAliveClient(self.url, self.token, timeout=30)
        try:
            self.barrier.wait(timeout=30)
            n = 0
            while not self.stop_event.is_set():
                name = "%s-t%d-%d" % (self.prefix, i, n)
                n += 1
                try:
                    resp = client.request("POST", "/v2.0/ports", {"port": {
                        "network_id": self.network_id, "name": name}})
                except TRANSPORT_ERRORS as exc:
                    with self.lock:
                        self.unanswered.add(name)
                        self.transport_errors.append("%s: %r" % (name, exc))
                    return
                with self.lock:
                    if resp.status == 201:
                        port = resp.json()["port"]
                        self.acked[port["id"]] = port
                    else:
                        self.other_responses.append((name, resp))
        finally:
            client.close()

    def stop(self, timeout=60):
        """Stops the threads and waits for them; True if all ended."""
        self.stop_event.set()
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)


class CrashDurabilityTest(StoreTestCase):

    LOAD_SECONDS = 2.0
    NEW_PORTS_AFTER_RESTART = 16

    def start_load(self, network_id, prefix):
        load = PortLoad(self.controller.url, self.token, network_id, prefix)
        self.addCleanup(load.stop)
        return load.start()

    def snapshot_store(self, with_wal=True):
        """A copy of the store's files as the dead controller left them (the WAL included
        unless with_wal is false; never the shared-memory index, which SQLite rebuilds), for
        checks that must not run the recovery in place of the restarted controller."""
        copy_dir = tempfile.mkdtemp(prefix="neutrino-crash-")
        self.addCleanup(shutil.rmtree, copy_dir, True)
        db = self.controller.database_path
        for suffix in ("", "-wal") if with_wal else ("",):
            if os.path.exists(db + suffix):
                shutil.copyfile(db + suffix, os.path.join(copy_dir, "neutrino.db" + suffix))
        return os.path.join(copy_dir, "neutrino.db")

    def ports_only_in_wal(self, acked):
        """How many of `acked` the main database file alone lacks: writes a restart can only
        find by replaying the WAL (None if the file is unreadable without it)."""
        try:
            rows = sqlite(self.snapshot_store(with_wal=False), "select id from ports")
        except AssertionError:
            return None
        return len(set(acked) - {row[0] for row in rows})

    def test_kill_9_under_load_loses_no_acknowledged_port(self):
        # /16: room for every port of every cycle.
        network_id, subnet = self.make_subnet("10.64.0.0/16")
        known = {}  # port id -> port: everything that exists, acknowledged or found later
        # Three cycles at the default durability, then one with --db-sync normal: a process
        # crash must not lose an acknowledged write in WAL mode either. The entry is the
        # setting of the controller that is killed.
        cycles = [None, None, None, "normal"]
        for cycle, sync in enumerate(cycles, 1):
            self.assertEqual(self.controller.db_sync, sync)
            report("cycle %d: load on pid %d, %s" % (cycle, self.controller.pid,
                                                     " ".join(self.controller.argv()[1:])))
            prefix = "k%d" % cycle
            load = self.start_load(network_id, prefix)
            time.sleep(self.LOAD_SECONDS)
            killed_pid = self.controller.pid
            self.assertEqual(self.controller.kill(), -signal.SIGKILL)
            with self.assertRaises(ProcessLookupError):  # reaped, nothing left behind
                os.kill(killed_pid, 0)
            self.assertTrue(load.stop(), "client threads did not end after the kill")
            acked = dict(load.acked)
            self.assertEqual(load.other_responses, [],
                             "non-201 answers before the kill")
            self.assertGreater(len(acked), 0, "no port acknowledged before the kill")

            # The files as left by the crash already hold every acknowledged port.
            only_in_wal = self.ports_only_in_wal(acked)
            copy = self.snapshot_store()
            self.assertEqual(sqlite(copy, "PRAGMA integrity_check"), [["ok"]])
            in_copy = {row[0] for row in sqlite(copy, "select id from ports")}
            self.assertEqual(set(acked) - in_copy, set(),
                             "acknowledged ports missing from the crashed store's files")

            next_sync = cycles[cycle] if cycle < len(cycles) else None
            self.controller.restart(db_sync=next_sync)
            self.token = self.controller.token()
            listed = self.list_ports(network_id)

            lost = {pid: only_ip(p) for pid, p in acked.items() if pid not in listed}
            changed = {pid: ((only_ip(p), p["mac_address"]),
                             (only_ip(listed[pid]), listed[pid]["mac_address"]))
                       for pid, p in acked.items()
                       if pid in listed
                       and (only_ip(listed[pid]), listed[pid]["mac_address"])
                       != (only_ip(p), p["mac_address"])}
            # Ports that exist without an acknowledgement: only requests the kill cut off.
            extra = {pid: p for pid, p in listed.items()
                     if pid not in acked and pid not in known}
            earlier_lost = set(known) - set(listed)
            report("cycle %d (killed controller: --db-sync %s): %d ports acknowledged "
                   "before SIGKILL, %d of them found after restart; %d unanswered "
                   "requests, %d of those committed; %d ports in all; %s of the acknowledged "
                   "only in the WAL at the kill"
                   % (cycle, sync or "default=full", len(acked), len(set(acked) & set(listed)),
                      len(load.unanswered), len(extra), len(listed), only_in_wal))
            self.assertEqual(lost, {}, "%d of %d acknowledged ports lost by the kill"
                             % (len(lost), len(acked)))
            self.assertEqual(changed, {}, "acknowledged ports whose address or MAC changed")
            self.assertEqual({p["name"] for p in extra.values()} - load.unanswered, set(),
                             "ports nobody asked for, or whose create was refused")
            self.assertEqual(earlier_lost, set(), "ports of earlier cycles lost")
            known.update(acked)
            known.update(extra)

            db = self.controller.database_path
            allocations = self.assertStoreConsistent(db, network_id, subnet["id"])
            self.assertEqual(allocations, len(listed))
            addresses = [only_ip(p) for p in listed.values()]
            self.assertEqual(len(set(addresses)), len(addresses))

            # Allocation goes on: new ports, new addresses.
            fresh = []
            for n in range(self.NEW_PORTS_AFTER_RESTART):
                resp = self.api("POST", "/v2.0/ports", {"port": {
                    "network_id": network_id, "name": "%s-after-%d" % (prefix, n)}},
                    expect=201)
                fresh.append(resp.json()["port"])
            fresh_ips = [only_ip(p) for p in fresh]
            self.assertEqual(len(set(fresh_ips)), len(fresh_ips))
            self.assertEqual(set(fresh_ips) & set(addresses), set())
            known.update({p["id"]: p for p in fresh})
            self.assertEqual(self.assertStoreConsistent(db, network_id, subnet["id"]),
                             len(known))

        # The last restarted controller runs at the default durability and stops cleanly.
        self.assertIsNone(self.controller.db_sync)
        self.assertEqual(self.controller.terminate(), 0, self.controller.log_text()[-4000:])
        self.assertFalse(os.path.exists(self.controller.url_file))


class CleanRestartTest(StoreTestCase):

    def test_sigterm_under_load_exits_0_and_removes_url_file(self):
        network_id, subnet = self.make_subnet("10.70.0.0/16")
        first = self.controller
        url_file = first.url_file
        self.assertTrue(os.path.exists(url_file))
        load = PortLoad(first.url, self.token, network_id, "t")
        self.addCleanup(load.stop)
        load.start()
        time.sleep(1.0)
        self.assertEqual(first.terminate(), 0, first.log_text()[-4000:])
        self.assertFalse(os.path.exists(url_file), "controller.url left behind after SIGTERM")
        self.assertTrue(load.stop())
        self.assertEqual(load.other_responses, [])
        acked = dict(load.acked)
        self.assertGreater(len(acked), 0)

        # A new process on the data directory as is. The store is bootstrapped already: the
        # admin password in its environment is not used, the stored one still is.
        second = harness.ControllerProcess(admin_password="not-the-bootstrap-password",
                                           db_sync=None, data_dir=first.data_dir)
        self.addCleanup(second.stop)
        second.start()
        self.token = second.token(password=harness.ADMIN_PASSWORD)
        self.controller = second
        listed = self.list_ports(network_id)
        self.assertEqual({pid: only_ip(p) for pid, p in acked.items() if pid in listed},
                         {pid: only_ip(p) for pid, p in acked.items()},
                         "acknowledged ports lost by a clean shutdown")
        extra = {p["name"] for pid, p in listed.items() if pid not in acked}
        self.assertEqual(extra - load.unanswered, set())
        report("SIGTERM under load: exit 0, %d ports acknowledged, %d found after restart, "
               "%d unanswered requests (%d committed)"
               % (len(acked), len(set(acked) & set(listed)), len(load.unanswered), len(extra)))
        self.assertEqual(self.assertStoreConsistent(second.database_path, network_id,
                                                    subnet["id"]), len(listed))
        self.api("POST", "/v2.0/ports", {"port": {"network_id": network_id}}, expect=201)

        # And idle: exit 0, URL file removed; the data directory is left alone.
        self.assertTrue(os.path.exists(url_file))
        self.assertEqual(second.terminate(), 0, second.log_text()[-4000:])
        self.assertFalse(os.path.exists(url_file))
        self.assertTrue(os.path.exists(second.database_path))
        second.stop()
        self.assertTrue(os.path.exists(second.database_path))  # not second's to remove


if __name__ == "__main__":
    unittest.main()
