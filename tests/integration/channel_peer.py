"""The controller's end of the agent push channel and its image download route, played by the
test (standard library only), for testing the agent's compute part before the controller
pushes instances (compute contract: /work/briefs/compute-contract.md §2-§5). It speaks the
real protocol: 4-byte big-endian length + JSON frames, challenge -> signed hello -> snapshot,
then deltas; images are served at /image/v2/images/<id>/file only with the agent's
HMAC-SHA256 signature.

    peer = ChannelPeer(secret).start()          # .port: the agent's --controller port
    images = ImageServer(secret).start()        # .port; images.add(id, bytes) -> metadata
    peer.set_state({...})                       # snapshot on connect, deltas afterwards
    peer.wait_for(lambda m: m["type"] == "instance_state", timeout=30)
"""

import hashlib
import hmac
import http.server
import json
import secrets
import socket
import struct
import threading
import time


def sign(secret, message):
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class ChannelPeer:
    def __init__(self, secret, heartbeat_seconds=5):
        self.secret = secret
        self.heartbeat_seconds = heartbeat_seconds
        self.state = {}
        self.revision = 1
        self.received = []          # every message from the agent, in order
        self.hellos = []
        self.connections = 0
        self._sent_state = None
        self._conn = None
        self._lock = threading.Condition()
        self._stopping = False
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]

    def start(self):
        threading.Thread(target=self._accept_loop, daemon=True).start()
        threading.Thread(target=self._heartbeats, daemon=True).start()
        return self

    def stop(self):
        self._stopping = True
        self.sock.close()
        self.drop()

    def drop(self):
        """Closes the agent's connection (it reconnects)."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def set_state(self, state):
        """The host's desired state; sent as a delta when an agent is connected."""
        with self._lock:
            self.state = json.loads(json.dumps(state))
            if self._conn is not None and self._sent_state is not None:
                self._send_delta_locked()

    def set_state_applied(self, state, timeout=30):
        """set_state, then wait until the agent acknowledges having applied it: the agent
        plans on the newest state it holds, so a state replaced before it was applied may
        never be seen (a stop immediately followed by a start)."""
        with self._lock:
            if self._conn is None or self._sent_state is None:
                raise RuntimeError("no agent connected")
        self.set_state(state)
        with self._lock:
            revision = self.revision
        self.wait_for(lambda m: m.get("type") == "ack" and m.get("revision", 0) >= revision,
                      timeout, "ack of revision %d" % revision)

    def send(self, message):
        with self._lock:
            if self._conn is None:
                raise RuntimeError("no agent connected")
            self._write(self._conn, message)

    def messages(self, type_=None):
        with self._lock:
            return [m for m in self.received if type_ is None or m.get("type") == type_]

    def wait_for(self, predicate, timeout=30, what="a message"):
        """The first message (from now on, or already received when `since` is None) for
        which predicate(message) is true."""
        deadline = time.monotonic() + timeout
        with self._lock:
            seen = 0
            while True:
                for m in self.received[seen:]:
                    if predicate(m):
                        return m
                seen = len(self.received)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no %s within %ss; last messages: %s"
                                         % (what, timeout, self.received[-5:]))
                self._lock.wait(left)

    def instance_reports(self, instance_id):
        return [r for m in self.messages("instance_state") for r in m["instances"]
                if r["id"] == instance_id]

    def wait_report(self, instance_id, power_state, task, timeout=60):
        def match(m):
            return m.get("type") == "instance_state" and any(
                r["id"] == instance_id and r["power_state"] == power_state and r["task"] == task
                for r in m["instances"])
        # a report that already arrived counts too
        for r in reversed(self.instance_reports(instance_id)):
            if r["power_state"] == power_state and r["task"] == task:
                return r
            break
        self.wait_for(match, timeout, "report %s %s/%s" % (instance_id, power_state, task))
        return self.instance_reports(instance_id)[-1]

    # --- protocol ----------------------------------------------------------------------------

    @staticmethod
    def _write(conn, message):
        data = json.dumps(message).encode()
        conn.sendall(struct.pack(">I", len(data)) + data)

    @staticmethod
    def _read(conn):
        head = b""
        while len(head) < 4:
            chunk = conn.recv(4 - len(head))
            if not chunk:
                return None
            head += chunk
        (size,) = struct.unpack(">I", head)
        body = b""
        while len(body) < size:
            chunk = conn.recv(min(65536, size - len(body)))
            if not chunk:
                return None
            body += chunk
        return json.loads(body)

    def _send_delta_locked(self):
        before, after = self._sent_state, self.state
        delta = {"set": {k: v for k, v in after.items() if before.get(k) != v},
                 "remove": [k for k in before if k not in after]}
        if delta["set"] or delta["remove"]:
            self.revision += 1
            self._write(self._conn, dict(delta, type="delta", revision=self.revision))
        self._sent_state = json.loads(json.dumps(after))

    def _accept_loop(self):
        while not self._stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.drop()
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        nonce = secrets.token_hex(16)
        try:
            self._write(conn, {"type": "challenge", "nonce": nonce})
            hello = self._read(conn)
            if hello is None or hello.get("signature") != sign(
                    self.secret, nonce + "|" + hello.get("host", "")):
                self._write(conn, {"type": "refused", "reason": "bad signature"})
                conn.close()
                return
            with self._lock:
                self.hellos.append(hello)
                self.connections += 1
                self._conn = conn
                self.revision += 1
                self._write(conn, {"type": "snapshot", "revision": self.revision,
                                   "agent_id": "agent-1",
                                   "heartbeat_seconds": self.heartbeat_seconds,
                                   "state": self.state})
                self._sent_state = json.loads(json.dumps(self.state))
                self._lock.notify_all()
            while True:
                message = self._read(conn)
                if message is None:
                    break
                with self._lock:
                    self.received.append(message)
                    self._lock.notify_all()
        except OSError:
            pass
        finally:
            with self._lock:
                if self._conn is conn:
                    self._conn = None
                    self._sent_state = None
            conn.close()

    def _heartbeats(self):
        while not self._stopping:
            time.sleep(self.heartbeat_seconds)
            with self._lock:
                if self._conn is not None:
                    try:
                        self._write(self._conn, {"type": "heartbeat"})
                    except OSError:
                        pass


class ImageServer:
    """GET /image/v2/images/<id>/file for agents that sign "<host>\\n<id>" (contract §3)."""

    def __init__(self, secret):
        self.secret = secret
        self.images = {}
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = self.path.split("/")
                ok = len(parts) == 6 and parts[1:4] == ["image", "v2", "images"] \
                    and parts[5] == "file"
                image_id = parts[4] if ok else None
                host = self.headers.get("X-Neutrino-Agent-Host", "")
                signature = self.headers.get("X-Neutrino-Agent-Signature", "")
                server.requests.append((self.path, host))
                if not ok or image_id not in server.images:
                    self.send_error(404)
                    return
                if not hmac.compare_digest(signature,
                                           sign(server.secret, host + "\n" + image_id)):
                    self.send_error(403)
                    return
                data = server.images[image_id]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def add(self, image_id, data, disk_format="raw"):
        """Serves `data` as image `image_id`; returns its metadata as the contract gives it."""
        self.images[image_id] = data
        return {"id": image_id, "disk_format": disk_format, "container_format": "bare",
                "size": len(data), "checksum": hashlib.md5(data).hexdigest(),
                "os_hash_algo": "sha512", "os_hash_value": hashlib.sha512(data).hexdigest()}
