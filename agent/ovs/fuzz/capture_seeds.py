"""Captures the fuzzer's seed corpus from a real ovsdb-server: a client sends what OvsdbClient
sends in the fuzzer (a "monitor" of Interface as id 1, a "transact" as id 2), ovs-vsctl adds
bridges and ports so that "update" notifications follow, and every byte the server sends is
recorded, the monitor's id replaced by "@monitor@" (ovsdb_reader_fuzzer.cpp puts the real one
back). Each seed is a chunk-size byte followed by a stretch of that stream.

    python3 agent/ovs/fuzz/capture_seeds.py agent/ovs/fuzz/corpus
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
MONITOR_ID = "neutrino-monitor-1"
COLUMNS = ["name", "type", "external_ids", "ofport", "mac_in_use", "link_state"]


def main(out_dir):
    tmp = tempfile.mkdtemp(prefix="ovsdb-seeds-")
    server = None
    try:
        db = os.path.join(tmp, "conf.db")
        sock_path = os.path.join(tmp, "db.sock")
        subprocess.run(["ovsdb-tool", "create", db, SCHEMA], check=True)
        server = subprocess.Popen(["ovsdb-server", db, "--remote=punix:" + sock_path,
                                   "--unixctl=" + os.path.join(tmp, "ctl"),
                                   "--log-file=" + os.path.join(tmp, "ovsdb.log")],
                                  stderr=subprocess.DEVNULL)
        while not os.path.exists(sock_path):
            time.sleep(0.05)
        vsctl = ["ovs-vsctl", "--no-wait", "--db=unix:" + sock_path]
        subprocess.run(vsctl + ["init"], check=True)

        subprocess.run(vsctl + ["add-br", "br-int", "--", "set", "Bridge", "br-int",
                                "datapath_type=netdev"], check=True)
        subprocess.run(vsctl + ["set", "Interface", "br-int", "ofport=65534"], check=True)
        client = socket.socket(socket.AF_UNIX)
        client.connect(sock_path)
        select = {"initial": True, "insert": True, "delete": True, "modify": True}
        client.sendall(json.dumps({"method": "monitor", "id": 1, "params": [
            "Open_vSwitch", MONITOR_ID,
            {"Interface": {"columns": COLUMNS, "select": select}}]}).encode())
        client.sendall(json.dumps({"method": "transact", "id": 2, "params": [
            "Open_vSwitch", {"op": "select", "table": "Bridge", "where": [],
                             "columns": ["name", "datapath_type", "ports"]}]}).encode())
        time.sleep(0.2)  # the replies first, then the updates
        subprocess.run(vsctl + ["add-port", "br-int", "tap1", "--", "set", "Interface", "tap1",
                                "type=internal", "external_ids:iface-id=4f5c1a0e-port",
                                "external_ids:attached-mac=fa:16:3e:00:00:01"], check=True)
        subprocess.run(vsctl + ["set", "Interface", "tap1", "ofport=7",
                                "mac_in_use=\"fa:16:3e:00:00:01\"", "link_state=up"],
                       check=True)
        subprocess.run(vsctl + ["del-port", "br-int", "tap1"], check=True)
        # A transaction the server refuses: its error reply.
        client.sendall(json.dumps({"method": "transact", "id": 3, "params": [
            "Open_vSwitch", {"op": "insert", "table": "NoSuchTable", "row": {}}]}).encode())
        client.settimeout(1)
        stream = b""
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                data = client.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            stream += data
        client.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    stream = stream.replace(MONITOR_ID.encode(), b"@monitor@")
    echo = b'{"id":"echo","method":"echo","params":[]}'
    seeds = {
        "session-whole": (255, stream),
        "session-in-5-byte-reads": (4, stream),
        "echo-then-session": (255, echo + stream),
        "session-in-1-byte-reads": (0, stream[:1500]),
    }
    os.makedirs(out_dir, exist_ok=True)
    for name, (chunk, data) in seeds.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes([chunk]) + data)
        print("%s: %d bytes" % (name, len(data) + 1))


if __name__ == "__main__":
    main(sys.argv[1])
