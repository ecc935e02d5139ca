"""A throw-away PostgreSQL server for integration tests, through tests/support/postgres-server.sh:
initdb in a temporary directory, a unix socket only, an unprivileged user (postgres refuses
root). stop() stops it by the PID in its postmaster.pid, never by name, and removes the
directory; it also runs at interpreter exit, so a failing test leaves no server behind.
"""

import atexit
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.normpath(os.path.join(HERE, "..", "support", "postgres-server.sh"))


class PostgresServer:
    def __init__(self):
        self.dir = None
        self.url = None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="neutrino-pg-")
        atexit.register(self.stop)
        try:
            result = subprocess.run([SCRIPT, "start", self.dir], capture_output=True, text=True,
                                    stdin=subprocess.DEVNULL, timeout=120)
        except BaseException:
            self.stop()
            raise
        if result.returncode != 0:
            self.stop()
            raise RuntimeError("cannot start PostgreSQL (%d): %s"
                               % (result.returncode, result.stderr))
        self.url = result.stdout.strip()
        return self

    def stop(self):
        if self.dir is not None:
            subprocess.run([SCRIPT, "stop", self.dir], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
            self.dir = None

    def psql(self, query):
        """Runs `psql URL -c QUERY` as an operator would; returns the rows as tuples."""
        result = subprocess.run(["psql", self.url, "-AtX", "-c", query], capture_output=True,
                                text=True, stdin=subprocess.DEVNULL, timeout=60)
        if result.returncode != 0:
            raise RuntimeError("psql %r failed: %s" % (query, result.stderr))
        return [tuple(line.split("|")) for line in result.stdout.splitlines() if line]

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
