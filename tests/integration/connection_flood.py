"""An attacker holding many TCP connections open against a listener: idle ones (connected,
sending nothing) and slow-drip ones (a request header sent one byte at a time, never
finished). One thread drives them all through a selector. A connection the server closes (shed
at its limit, or cut at a deadline) is opened again, as a real attacker would, at a bounded
rate so the attacker does not simply eat the machine's CPU.

Standard library only; used by test_connection_limits.py.
"""

import collections
import resource
import selectors
import socket
import threading
import time

DRIP_HEADER = b"GET /v2.0/networks HTTP/1.1\r\nHost: flood\r\nX-Drip: "


def raise_fd_limit(needed):
    """Raises this process's soft RLIMIT_NOFILE to at least `needed` (up to the hard limit);
    returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


class ConnectionFlood(threading.Thread):
    """Holds `idle` idle and `drip` dripping connections to 127.0.0.1:`port` until stop()."""

    def __init__(self, port, idle, drip, drip_interval=0.5, reopen_per_second=500):
        super().__init__(name="connection-flood", daemon=True)
        self.port = port
        self.wanted = {"idle": idle, "drip": drip}
        self.drip_interval = drip_interval
        self.reopen_per_second = reopen_per_second
        self._stop_event = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._to_open = collections.deque(["idle"] * idle + ["drip"] * drip)
        self._dripping = {}  # socket -> bytes sent so far
        self._lock = threading.Lock()
        self.open_now = collections.Counter()
        self.opened = collections.Counter()
        self.closed_by_server = collections.Counter()
        self.connect_failures = 0
        self.lifetimes = collections.defaultdict(list)  # kind -> seconds, for server closes
        self._opened_at = {}
        self.error = None

    # --- control ---------------------------------------------------------------------------

    def stop(self):
        self._stop_event.set()
        self.join(timeout=30)

    def wait_established(self, timeout=60):
        """Waits until every wanted connection has been opened once."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if all(self.opened[k] >= n for k, n in self.wanted.items()):
                    return True
            if self.error:
                raise self.error
            time.sleep(0.05)
        return False

    def snapshot(self):
        with self._lock:
            return {"open": dict(self.open_now), "opened": dict(self.opened),
                    "closed_by_server": dict(self.closed_by_server),
                    "connect_failures": self.connect_failures}

    # --- the loop --------------------------------------------------------------------------

    def run(self):
        try:
            self._loop()
        except BaseException as error:  # reported to the test through wait_established
            self.error = error
        finally:
            for key in list(self._selector.get_map().values()):
                key.fileobj.close()
            self._selector.close()

    def _loop(self):
        budget = float(sum(self.wanted.values()))  # the first round opens at once
        last = time.monotonic()
        next_drip = last
        while not self._stop_event.is_set():
            now = time.monotonic()
            budget = min(budget + (now - last) * self.reopen_per_second,
                         max(budget, self.reopen_per_second))
            last = now
            while self._to_open and budget >= 1:
                budget -= 1
                self._open(self._to_open.popleft())
            if now >= next_drip:
                next_drip = now + self.drip_interval
                self._drip_all()
            for key, _ in self._selector.select(timeout=0.02):
                self._readable(key.fileobj, key.data)

    def _open(self, kind):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", self.port))
        except OSError:
            sock.close()
            with self._lock:
                self.connect_failures += 1
            self._to_open.append(kind)
            return
        sock.setblocking(False)
        self._selector.register(sock, selectors.EVENT_READ, kind)
        self._opened_at[sock] = time.monotonic()
        if kind == "drip":
            self._dripping[sock] = 0
        with self._lock:
            self.opened[kind] += 1
            self.open_now[kind] += 1

    def _drip_all(self):
        for sock, sent in list(self._dripping.items()):
            byte = DRIP_HEADER[sent:sent + 1] or b"a"
            try:
                sock.send(byte)
                self._dripping[sock] = sent + 1
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                self._closed(sock, "drip")

    def _readable(self, sock, kind):
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._closed(sock, kind)
        # Anything else (a 503 or 400 before the close) is read and dropped.

    def _closed(self, sock, kind):
        self._selector.unregister(sock)
        self._dripping.pop(sock, None)
        lifetime = time.monotonic() - self._opened_at.pop(sock, time.monotonic())
        sock.close()
        with self._lock:
            self.open_now[kind] -= 1
            self.closed_by_server[kind] += 1
            self.lifetimes[kind].append(lifetime)
        self._to_open.append(kind)
