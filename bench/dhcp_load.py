#!/usr/bin/python3
"""A DHCP load generator, run inside a guest namespace (standard library only): it plays many
DHCP clients through one interface with a packet socket, each with its own MAC as the
Ethernet source and chaddr (the interface's port must have port security off), and prints one
JSON line.

  dhcp_load.py dora MACFILE SECONDS WINDOW   full DISCOVER/OFFER/REQUEST/ACK exchanges, WINDOW
                                             clients at once, MACs taken round-robin
  dhcp_load.py storm MACFILE TIMEOUT         every MAC starts at once, retransmitting after 1,
                                             2, 4, ... s (as ISC dhclient backs off) until it
                                             has a lease; the time until all have one

MACFILE has one MAC a line. Requests set the broadcast flag, so every server answers to the
broadcast address and the packet socket sees it. An exchange not answered within 1 s (dora)
is counted as a time-out and another one starts.
"""

import json
import random
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK = 1, 2, 3, 4, 5, 6
EXCHANGE_TIMEOUT = 1.0


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(mac, xid, message_type, requested=None, server=None):
    """An Ethernet broadcast frame with a client's DHCP message (UDP checksum 0: optional)."""
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"\0" * 4,
                        b"\0" * 4, b"\0" * 4, b"\0" * 4, mac + b"\0" * 10, b"\0" * 64,
                        b"\0" * 128)
    options = b"\x63\x82\x53\x63" + bytes([53, 1, message_type])
    options += b"\x3d\x07\x01" + mac  # client identifier, as dhclient sends it
    if requested:
        options += b"\x32\x04" + requested
    if server:
        options += b"\x36\x04" + server
    options += b"\x37\x05\x01\x03\x06\x0f\x1a" + b"\xff"
    payload = bootp + options
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     b"\0\0\0\0", b"\xff\xff\xff\xff")
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def parse_reply(data):
    """(xid, message type, yiaddr, server id) of a server's DHCP reply, else None."""
    if len(data) < 14 + 20 + 8 + 240 or data[12:14] != b"\x08\x00" or data[23] != 17:
        return None
    udp = 14 + (data[14] & 0x0F) * 4
    if struct.unpack("!H", data[udp:udp + 2])[0] != 67:
        return None
    bootp = udp + 8
    if data[bootp] != 2 or data[bootp + 236:bootp + 240] != b"\x63\x82\x53\x63":
        return None
    xid = struct.unpack("!I", data[bootp + 4:bootp + 8])[0]
    yiaddr = data[bootp + 16:bootp + 20]
    kind, server, i = None, None, bootp + 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, length = data[i], data[i + 1]
        value = data[i + 2:i + 2 + length]
        if code == 53 and length == 1:
            kind = value[0]
        elif code == 54 and length == 4:
            server = value
        i += 2 + length
    return xid, kind, yiaddr, server


class Client:
    def __init__(self, mac):
        self.mac = mac
        self.xid = 0
        self.state = "idle"
        self.started = 0.0
        self.sent = 0.0
        self.tries = 0


class Generator:
    def __init__(self, macs, iface="eth0"):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.sock.bind((iface, ETH_P_IP))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.setblocking(False)
        self.clients = [Client(m) for m in macs]
        self.by_xid = {}
        self.counts = {"sent": 0, "send_errors": 0, "offers": 0, "acks": 0, "naks": 0,
                       "timeouts": 0, "stray": 0}

    def send(self, client, kind, requested=None, server=None):
        try:
            self.sock.send(frame(client.mac, client.xid, kind, requested, server))
            self.counts["sent"] += 1
        except OSError:
            self.counts["send_errors"] += 1
        client.sent = time.monotonic()

    def begin(self, client, now):
        self.by_xid.pop(client.xid, None)
        client.xid = random.getrandbits(32)
        self.by_xid[client.xid] = client
        client.state = "selecting"
        client.started = now
        self.send(client, DISCOVER)

    def receive(self, timeout):
        """Handles every reply that arrives within `timeout`; yields finished clients."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return
        while True:
            try:
                data = self.sock.recv(2048)
            except BlockingIOError:
                return
            reply = parse_reply(data)
            if reply is None:
                continue
            xid, kind, yiaddr, server = reply
            client = self.by_xid.get(xid)
            if client is None or client.state == "idle":
                self.counts["stray"] += 1
                continue
            if kind == OFFER and client.state == "selecting":
                self.counts["offers"] += 1
                client.state = "requesting"
                self.send(client, REQUEST, yiaddr, server)
            elif kind == ACK and client.state == "requesting":
                self.counts["acks"] += 1
                client.state = "idle"
                yield client
            elif kind == NAK:
                self.counts["naks"] += 1
                client.state = "idle"
            else:
                self.counts["stray"] += 1


def dora(macs, seconds, window):
    gen = Generator(macs)
    latencies = []
    t0 = time.monotonic()
    end = t0 + seconds
    next_client = 0
    active = []
    while True:
        now = time.monotonic()
        active = [c for c in active if c.state != "idle"]
        for c in active:
            if now - c.started > EXCHANGE_TIMEOUT:
                gen.counts["timeouts"] += 1
                c.state = "idle"
        active = [c for c in active if c.state != "idle"]
        if now >= end:
            if not active:
                break
            if now >= end + EXCHANGE_TIMEOUT:
                gen.counts["timeouts"] += len(active)
                break
        while now < end and len(active) < window:
            client = gen.clients[next_client % len(gen.clients)]
            next_client += 1
            if client.state == "idle":
                gen.begin(client, now)
                active.append(client)
            elif next_client % len(gen.clients) == 0:
                break  # every MAC is busy: a window larger than the MACs
        for client in gen.receive(0.05):
            latencies.append(time.monotonic() - client.started)
    elapsed = min(time.monotonic(), end) - t0
    latencies.sort()
    return dict(gen.counts, seconds=round(elapsed, 3), window=window, macs=len(macs),
                dora_per_s=round(len(latencies) / elapsed, 1),
                p50_ms=_ms(latencies, 50), p99_ms=_ms(latencies, 99))


def storm(macs, timeout):
    gen = Generator(macs)
    t0 = time.monotonic()
    leased = {}
    for c in gen.clients:
        gen.begin(c, t0)
    while len(leased) < len(macs) and time.monotonic() - t0 < timeout:
        now = time.monotonic()
        for c in gen.clients:
            if c.mac in leased:
                continue
            backoff = min(2 ** c.tries, 8)
            if now - c.sent > backoff:  # retransmit: the exchange starts again
                c.tries += 1
                gen.begin(c, now)
        for client in gen.receive(0.02):
            leased[client.mac] = time.monotonic() - t0
    times = sorted(leased.values())
    return dict(gen.counts, clients=len(macs), leased=len(leased),
                all_leased_s=round(times[-1], 3) if len(times) == len(macs) else None,
                p50_ms=_ms(times, 50), p99_ms=_ms(times, 99),
                retransmits=sum(c.tries for c in gen.clients))


def _ms(ordered, p):
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * p // 100))
    return round(ordered[min(len(ordered), int(rank)) - 1] * 1000, 2)


def main(argv):
    command = argv[1]
    with open(argv[2]) as f:
        macs = [bytes.fromhex(line.strip().replace(":", "")) for line in f if line.strip()]
    if command == "dora":
        result = dora(macs, float(argv[3]), int(argv[4]))
    elif command == "storm":
        result = storm(macs, float(argv[3]))
    else:
        raise SystemExit("unknown command " + command)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv)
