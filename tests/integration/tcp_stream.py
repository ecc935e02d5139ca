"""An established TCP stream between two guests, to show it survives what a test does meanwhile
(run inside guest namespaces with /usr/bin/python3, standard library only).

  serve PORT                echoes everything on the first connection to PORT until it closes
  stream HOST PORT          connects once, then sends a numbered line every 10 ms and reads its
                            echo; on SIGTERM (or a broken connection) prints one JSON line:
                            {"sent", "echoed", "max_gap" (longest wait for an echo, s),
                             "error" (null while the same connection lasted)}
"""

import json
import signal
import socket
import sys
import threading
import time

stop = threading.Event()


def _on_term(signum, frame):
    stop.set()


def serve(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(1)
    print("listening", flush=True)
    conn, _ = listener.accept()
    while True:
        data = conn.recv(65536)
        if not data:
            return
        conn.sendall(data)


def stream(host, port):
    figures = {"sent": 0, "echoed": 0, "max_gap": 0.0, "error": None}
    try:
        conn = socket.create_connection((host, port), timeout=10)
        conn.settimeout(30)  # an echo that takes longer: the stream is broken
        reader = conn.makefile("rb")
        print("connected", flush=True)
        while not stop.is_set():
            sent_at = time.monotonic()
            conn.sendall(b"%d\n" % figures["sent"])
            figures["sent"] += 1
            line = reader.readline()
            if int(line) != figures["sent"] - 1:
                raise RuntimeError("echo out of order: %r" % line)
            figures["echoed"] += 1
            figures["max_gap"] = max(figures["max_gap"], round(time.monotonic() - sent_at, 3))
            time.sleep(0.01)
    except Exception as exc:  # reported: the stream did not survive
        figures["error"] = "%s: %s" % (type(exc).__name__, exc)
    print(json.dumps(figures), flush=True)


def main(argv):
    signal.signal(signal.SIGTERM, _on_term)
    if argv[0] == "serve":
        serve(int(argv[1]))
    elif argv[0] == "stream":
        stream(argv[1], int(argv[2]))
    else:
        sys.exit("usage: tcp_stream.py serve PORT | stream HOST PORT")


if __name__ == "__main__":
    main(sys.argv[1:])
