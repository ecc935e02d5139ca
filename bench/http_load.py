"""A keep-alive HTTP GET load generator (asyncio, standard library only) whose connections
may each live in another network namespace: the socket is created inside the namespace
(setns on this thread, then back), so one process drives 100 guests at once and the same code
measures a service directly and through a proxy.

run(connections, seconds) -> {"ok": n, "statuses": {...}, "errors": n, "req_per_s": ...,
"ok_per_s": ..., "p50_ms": ..., "p99_ms": ...} (latencies of the 200 answers); each
connection is a Connection (where, what to send, how to check the answer) and keeps one
request in flight.
"""

import asyncio
import ctypes
import os
import socket
import time

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def socket_in(netns_path):
    """A TCP socket of the namespace at `netns_path` (None: this process's)."""
    if netns_path is None:
        return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(netns_path, os.O_RDONLY)
    try:
        _setns(target)
        try:
            return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        finally:
            _setns(own)
    finally:
        os.close(target)
        os.close(own)


class Connection:
    """One client: `netns` (a namespace file or None), `address` (host, port), the request's
    `path` and extra `headers`, and `check(status, body)` -> bool for a 200's body."""

    def __init__(self, netns, address, path, headers=None, check=None):
        self.netns = netns
        self.address = address
        self.path = path
        self.headers = headers or {}
        self.check = check or (lambda status, body: True)

    def request(self):
        lines = ["GET %s HTTP/1.1" % self.path, "Host: %s" % self.address[0]]
        lines += ["%s: %s" % kv for kv in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


class _Stats:
    def __init__(self):
        self.latencies = []
        self.statuses = {}
        self.errors = 0
        self.bad_bodies = 0
        self.reconnects = 0


async def _open(conn):
    sock = socket_in(conn.netns)
    sock.setblocking(False)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, conn.address), 10)
        return await asyncio.open_connection(sock=sock)
    except BaseException:
        sock.close()
        raise


async def _read_answer(reader):
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed by the server")
    status = int(status_line.split()[1])
    length, close = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, body, close


async def _client(conn, end, stats):
    request = conn.request()
    reader = writer = None
    while time.monotonic() < end:
        try:
            if writer is None:
                reader, writer = await _open(conn)
                stats.reconnects += 1
            t0 = time.monotonic()
            writer.write(request)
            status, body, close = await asyncio.wait_for(_read_answer(reader), 15)
            if status == 200:  # the figures are the answers' (a 429 costs next to nothing)
                stats.latencies.append(time.monotonic() - t0)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if status == 200 and not conn.check(status, body):
                stats.bad_bodies += 1
            if close:
                writer.close()
                writer = None
        except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                ValueError, IndexError):
            stats.errors += 1
            if writer is not None:
                writer.close()
                writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def _percentile_ms(ordered, p):
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * p // 100))
    return round(ordered[min(len(ordered), int(rank)) - 1] * 1000, 2)


def run(connections, seconds):
    stats = _Stats()

    async def main():
        end = time.monotonic() + seconds
        await asyncio.gather(*(_client(c, end, stats) for c in connections))

    t0 = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - t0
    ok = stats.statuses.get(200, 0)
    ordered = sorted(stats.latencies)
    return {"connections": len(connections), "seconds": round(elapsed, 2), "ok": ok,
            "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
            "errors": stats.errors, "bad_bodies": stats.bad_bodies,
            "connects": stats.reconnects,
            "req_per_s": round(sum(stats.statuses.values()) / elapsed, 1),
            "ok_per_s": round(ok / elapsed, 1), "p50_ms": _percentile_ms(ordered, 50),
            "p99_ms": _percentile_ms(ordered, 99)}
