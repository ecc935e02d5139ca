"""An established TCP stream between two guests: tcp_stream.py run in their namespaces."""

import os
import subprocess

TCP_STREAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tcp_stream.py")


def start(test, client_host, client, server_host, server, port):
    """Starts the echo server in guest `server` and the client in guest `client` (dicts with
    "name", and "ip" for the server), both killed at the test's cleanup if still running;
    returns the connected client, which prints its figures on SIGTERM."""
    serve = server_host.guest_popen(server["name"], ["python3", TCP_STREAM, "serve", str(port)],
                                    stdout=subprocess.PIPE, text=True)
    test.addCleanup(lambda: serve.poll() is None and serve.kill())
    test.assertEqual(serve.stdout.readline().strip(), "listening")
    stream = client_host.guest_popen(client["name"], ["python3", TCP_STREAM, "stream",
                                                      server["ip"], str(port)],
                                     stdout=subprocess.PIPE, text=True)
    test.addCleanup(lambda: stream.poll() is None and stream.kill())
    test.assertEqual(stream.stdout.readline().strip(), "connected")
    return stream
