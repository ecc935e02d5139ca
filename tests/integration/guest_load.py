"""Hostile guest behaviour for the shared-services tests, run inside a guest namespace with
/usr/bin/python3 (standard library only). Each command prints one JSON line when it ends.

  hold N SECONDS [--reopen]   N TCP connections to 169.254.169.254:80 that send nothing;
                              counts how many the server closes (and, with --reopen, opens
                              them again at once, as a hostile guest would)
  flood SECONDS THREADS PATH  keep-alive GETs as fast as THREADS connections allow; counts
                              answers by status and connections the server closed
  dhcp-flood SECONDS RATE [--random-chaddr]
                              DHCPDISCOVERs broadcast on eth0 from the guest's own MAC at
                              RATE frames/s (0: as fast as possible); chaddr is the guest's
                              MAC, or a random one per frame (MACs no port has)
  dhcp-listen SECONDS         counts the DHCP replies (UDP from port 67) seen on eth0, by
                              the client MAC (chaddr) they are for

SIGTERM ends a command early; it still prints its figures.
"""

import errno
import http.client
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import threading
import time

METADATA = ("169.254.169.254", 80)
stop = threading.Event()


def _on_term(signum, frame):
    stop.set()


def _connect(timeout=2.0, errors=None):
    """A connected non-blocking socket, or None; `errors` counts why not, by errno name."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(METADATA)
    except OSError as e:
        s.close()
        if errors is not None:
            name = errno.errorcode.get(e.errno, type(e).__name__)
            errors[name] = errors.get(name, 0) + 1
        return None
    s.setblocking(False)
    return s


def hold(n, seconds, reopen):
    opened = 0
    closed_by_server = 0
    first_close = []
    socks = []
    errors = {}
    started = time.monotonic()
    for _ in range(n):
        # Generous: on a loaded machine a SYN through the userspace datapath can take seconds.
        s = _connect(timeout=10.0, errors=errors)
        if s:
            socks.append(s)
            opened += 1
    print(json.dumps({"connected": opened, "connect_errors": errors,
                      "connect_seconds": round(time.monotonic() - started, 3)}), flush=True)
    t0 = time.monotonic()
    end = t0 + seconds
    while not stop.is_set() and time.monotonic() < end:
        readable, _, _ = select.select(socks, [], [], 0.05) if socks else ([], [], [])
        for s in readable:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed_by_server += 1
                if len(first_close) < 10:
                    first_close.append(round(time.monotonic() - t0, 3))
                socks.remove(s)
                s.close()
                if reopen:
                    fresh = _connect()
                    if fresh:
                        socks.append(fresh)
                        opened += 1
        if not socks:
            time.sleep(0.05)
    still_open = len(socks)
    for s in socks:
        s.close()
    return {"opened": opened, "closed_by_server": closed_by_server, "still_open": still_open,
            "close_times": first_close}


def flood(seconds, threads, path):
    lock = threading.Lock()
    statuses = {}
    counts = {"requests": 0, "errors": 0, "reconnects": 0}
    end = time.monotonic() + seconds

    def worker():
        conn = None
        while not stop.is_set() and time.monotonic() < end:
            if conn is None:
                conn = http.client.HTTPConnection(*METADATA, timeout=3)
                with lock:
                    counts["reconnects"] += 1
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                with lock:
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                    counts["requests"] += 1
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                if conn:
                    conn.close()
                conn = None
                time.sleep(0.01)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    counts["statuses"] = {str(k): v for k, v in sorted(statuses.items())}
    return counts


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _discover_frame(src_mac, chaddr, xid):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                        b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, chaddr + b"\0" * 10,
                        b"\0" * 64, b"\0" * 128)
    options = b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\x37\x03\x01\x03\x06" + b"\xff"
    payload = bootp + options
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     b"\0\0\0\0", b"\xff\xff\xff\xff")
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    return b"\xff" * 6 + src_mac + b"\x08\x00" + ip + udp


def dhcp_flood(seconds, rate, random_chaddr):
    with open("/sys/class/net/eth0/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("eth0", 0))
    sent = 0
    errors = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while not stop.is_set():
        now = time.monotonic()
        if now >= end:
            break
        if rate and sent >= (now - t0) * rate:
            time.sleep(0.001)
            continue
        chaddr = (b"\x02" + os.urandom(5)) if random_chaddr else mac
        try:
            s.send(_discover_frame(mac, chaddr, random.getrandbits(32)))
            sent += 1
        except OSError:  # a full transmit queue: the guest's own problem
            errors += 1
            time.sleep(0.001)
    elapsed = time.monotonic() - t0
    return {"sent": sent, "send_errors": errors, "per_second": round(sent / elapsed)}


def dhcp_listen(seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind(("eth0", 0))
    s.settimeout(0.1)
    replies = {}
    end = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < end:
        try:
            frame = s.recv(4096)
        except socket.timeout:
            continue
        if len(frame) < 14 + 20 + 8 + 34 or frame[14 + 9] != 17:
            continue
        ihl = (frame[14] & 0x0F) * 4
        udp = 14 + ihl
        if struct.unpack("!H", frame[udp:udp + 2])[0] != 67:
            continue
        bootp = udp + 8
        chaddr = ":".join("%02x" % b for b in frame[bootp + 28:bootp + 34])
        replies[chaddr] = replies.get(chaddr, 0) + 1
    return {"replies_by_chaddr": replies}


def main(argv):
    signal.signal(signal.SIGTERM, _on_term)
    command = argv[1]
    if command == "hold":
        result = hold(int(argv[2]), float(argv[3]), "--reopen" in argv)
    elif command == "flood":
        result = flood(float(argv[2]), int(argv[3]), argv[4])
    elif command == "dhcp-flood":
        result = dhcp_flood(float(argv[2]), int(argv[3]), "--random-chaddr" in argv)
    elif command == "dhcp-listen":
        result = dhcp_listen(float(argv[2]))
    else:
        raise SystemExit("unknown command " + command)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv)
