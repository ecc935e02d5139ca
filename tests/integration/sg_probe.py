"""TCP and UDP probes run inside guests (network namespaces) by the security group tests.

  sg_probe.py serve --tcp 22 80 --udp 53        echo servers; prints "ready" once listening
  sg_probe.py connect tcp|udp IP PORT [--timeout S]
                                                exit 0 if the echo came back, 1 if not
  sg_probe.py stream IP PORT [--interval S]     one long-lived TCP connection: a line every
                                                interval, each echo awaited; on SIGTERM prints
                                                {"sent", "echoed", "longest_gap", "error"} as JSON
"""

import argparse
import json
import select
import signal
import socket
import sys
import threading
import time


def serve(args):
    sockets = []
    for port in args.tcp:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(16)
        sockets.append(s)
    for port in args.udp:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        sockets.append(s)
    print("ready", flush=True)

    def echo(conn):
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(data)

    while True:
        ready, _, _ = select.select(sockets, [], [])
        for s in ready:
            if s.type == socket.SOCK_STREAM:
                conn, _ = s.accept()
                threading.Thread(target=echo, args=(conn,), daemon=True).start()
            else:
                data, peer = s.recvfrom(4096)
                s.sendto(data, peer)


def connect(args):
    payload = b"probe\n"
    try:
        if args.protocol == "tcp":
            with socket.create_connection((args.ip, args.port), timeout=args.timeout) as s:
                s.sendall(payload)
                ok = s.recv(64) == payload
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(args.timeout)
                s.sendto(payload, (args.ip, args.port))
                ok = s.recvfrom(64)[0] == payload
    except OSError:
        ok = False
    sys.exit(0 if ok else 1)


def stream(args):
    stats = {"sent": 0, "echoed": 0, "longest_gap": 0.0, "error": None}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        s = socket.create_connection((args.ip, args.port), timeout=5)
    except OSError as e:
        stats["error"] = "connect: %s" % e
        print(json.dumps(stats), flush=True)
        return
    print("connected", flush=True)
    s.settimeout(0.5)
    last_echo = time.monotonic()
    buffered = b""
    while not stop.is_set():
        line = b"%d\n" % stats["sent"]
        try:
            s.sendall(line)
            stats["sent"] += 1
            while b"\n" not in buffered:
                chunk = s.recv(4096)
                if not chunk:
                    raise OSError("closed by the server")
                buffered += chunk
            buffered = buffered.split(b"\n", 1)[1]
            stats["echoed"] += 1
            now = time.monotonic()
            stats["longest_gap"] = max(stats["longest_gap"], now - last_echo)
            last_echo = now
        except socket.timeout:
            continue  # TCP retransmits what was lost; the gap shows in longest_gap
        except OSError as e:
            stats["error"] = str(e)
            break
        stop.wait(args.interval)
    print(json.dumps(stats), flush=True)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--tcp", type=int, nargs="*", default=[])
    p.add_argument("--udp", type=int, nargs="*", default=[])
    p = sub.add_parser("connect")
    p.add_argument("protocol", choices=["tcp", "udp"])
    p.add_argument("ip")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=1.0)
    p = sub.add_parser("stream")
    p.add_argument("ip")
    p.add_argument("port", type=int)
    p.add_argument("--interval", type=float, default=0.05)
    args = parser.parse_args()
    {"serve": serve, "connect": connect, "stream": stream}[args.mode](args)


if __name__ == "__main__":
    main()
