"""Captures the fuzzer's seed corpus from a real controller: plays an agent on the push
channel (challenge, signed hello), creates a network, a subnet, a port bound to the agent's
host and a security group rule through the API, deletes them again, and records every byte the
controller sends. Each seed is a chunk-size byte (what the fuzzer feeds per call, see
channel_frame_fuzzer.cpp) followed by a stretch of that stream.

    NEUTRINO_BIN_DIR=build/bin python3 common/channel/fuzz/capture_seeds.py common/channel/fuzz/corpus
"""

import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "tests", "integration"))
import harness  # noqa: E402

SECRET = "seed-secret"
HOST = "seed-host"


def recv_exactly(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the controller closed the channel")
        data += chunk
    return data


def read_frame(sock, record):
    header = recv_exactly(sock, 4)
    (length,) = struct.unpack(">I", header)
    body = recv_exactly(sock, length)
    record.append(header + body)
    return json.loads(body)


def send_frame(sock, message):
    body = json.dumps(message).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)


def main(out_dir):
    ctl = harness.ControllerProcess(extra_args=[
        "--agent-listen", "127.0.0.1:0", "--agent-secret", SECRET, "--agent-heartbeat", "1"])
    ctl.start()
    try:
        with open(os.path.join(ctl.data_dir, "agent-channel.address")) as f:
            host, port = f.read().strip().rsplit(":", 1)
        token = ctl.token()
        frames = []
        sock = socket.create_connection((host, int(port)), timeout=10)
        challenge = read_frame(sock, frames)
        signature = hmac.new(SECRET.encode(), (challenge["nonce"] + "|" + HOST).encode(),
                             hashlib.sha256).hexdigest()
        send_frame(sock, {"type": "hello", "host": HOST, "tunnel_ip": "192.0.2.11",
                          "bridge_mappings": {"physnet1": "br-physnet1"},
                          "datapath_type": "netdev", "integration_bridge": "br-int",
                          "binary": "neutrino-agent", "version": "0.1.0", "last_revision": 0,
                          "signature": signature})
        read_frame(sock, frames)  # snapshot

        def api(method, path, body=None):
            resp = ctl.request(method, path, body, token=token)
            assert resp.status in (200, 201, 204), resp
            return resp.json()

        net = api("POST", "/v2.0/networks", {"network": {"name": "seed"}})["network"]
        sub = api("POST", "/v2.0/subnets", {"subnet": {
            "network_id": net["id"], "ip_version": 4, "cidr": "10.9.0.0/24",
            "dns_nameservers": ["10.9.0.53"],
            "host_routes": [{"destination": "192.168.0.0/16", "nexthop": "10.9.0.254"}]}})
        group = api("POST", "/v2.0/security-groups", {"security_group": {"name": "seed"}})
        group = group["security_group"]
        api("POST", "/v2.0/security-group-rules", {"security_group_rule": {
            "security_group_id": group["id"], "direction": "ingress", "protocol": "tcp",
            "port_range_min": 22, "port_range_max": 22, "remote_group_id": group["id"]}})
        port = api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": HOST,
            "security_groups": [group["id"]]}})["port"]
        other = api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "binding:host_id": "other-host"}})["port"]
        sock.settimeout(5)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # deltas, and heartbeats every second
            send_frame(sock, {"type": "heartbeat"})  # or the controller drops us after 3 s
            read_frame(sock, frames)
        send_frame(sock, {"type": "ack", "revision": 1, "ports_up": [port["id"]],
                          "ports_down": []})
        for path in ("/v2.0/ports/" + other["id"], "/v2.0/ports/" + port["id"],
                     "/v2.0/networks/" + net["id"]):
            api("DELETE", path)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            send_frame(sock, {"type": "heartbeat"})
            read_frame(sock, frames)
        sock.close()
        del sub
    finally:
        ctl.stop()

    os.makedirs(out_dir, exist_ok=True)
    stream = b"".join(frames)
    seeds = {
        "challenge-snapshot": (255, b"".join(frames[:2])),
        "session-whole": (255, stream),
        "session-in-7-byte-reads": (6, stream),
        "session-in-1-byte-reads": (0, stream[:2048]),
    }
    kinds = {}
    for frame in frames[2:]:
        kinds.setdefault(json.loads(frame[4:])["type"], []).append(frame)
    for kind, same in kinds.items():
        largest = max(same, key=len)
        seeds[kind] = (255, largest)
    for name, (chunk, data) in seeds.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes([chunk]) + data)
        print("%s: %d bytes" % (name, len(data) + 1))


if __name__ == "__main__":
    main(sys.argv[1])
