"""The store on a full disk (issue 14), with the real controller: its data directory is a small
tmpfs, filled up while it runs. Writes then answer 503 (Neutron's and Keystone's formats)
saying the store is out of space, reads keep working, PRAGMA integrity_check stays "ok", and
writes succeed again once space is freed, without a restart, with nothing lost.

The tmpfs is mounted in a private mount namespace (unshare -m) in which the controller runs:
no one else sees it and it disappears with the process, even if this test is killed. The test
reaches the files through /proc/<pid>/root.
"""

import errno
import os
import shutil
import subprocess
import sys
import unittest

import harness

TMPFS_SIZE = "8m"
MAX_WRITES_TO_FILL = 1000


def report(text):
    sys.stderr.write("\n    [full disk] %s" % text)
    sys.stderr.flush()


class TmpfsControllerProcess(harness.ControllerProcess):
    """A controller whose data directory is a fresh tmpfs of TMPFS_SIZE in its own mount
    namespace."""

    def _host_path(self, name):
        # Before the process runs, the path outside the namespace (where nothing is).
        base = self.data_dir if self.proc is None else os.path.join(
            "/proc/%d/root" % self.proc.pid, self.data_dir.lstrip("/"))
        return os.path.join(base, name)

    @property
    def url_file(self):
        return self._host_path("controller.url")

    @property
    def database_path(self):
        return self._host_path("neutrino.db")

    def argv(self):
        mount = 'mount -t tmpfs -o size=%s neutrino-full-disk "$0" && exec "$@"' % TMPFS_SIZE
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount,
                self.data_dir] + super().argv()

    def _launch(self):
        os.makedirs(self.data_dir, exist_ok=True)
        super()._launch()


class StoreFullDiskTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            raise unittest.SkipTest("needs root and unshare(1) to mount a private tmpfs")
        cls.controller = TmpfsControllerProcess()
        cls.addClassCleanup(cls.controller.stop)
        cls.controller.start()
        cls.member = cls.controller.create_member("disk", "disk-user", "disk-pw")

    def api(self, method, path, body=None):
        return self.controller.request(method, path, body, token=self.member["token"])

    def create_network(self, name):
        return self.api("POST", "/v2.0/networks", {"network": {"name": name}})

    def integrity(self):
        result = subprocess.run(
            ["sqlite3", "-bail", "-cmd", ".timeout 10000", self.controller.database_path,
             "PRAGMA integrity_check"], stdin=subprocess.DEVNULL, capture_output=True,
            text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip()

    def fill_disk(self, path):
        chunk = b"\0" * 65536
        written = 0
        with open(path, "wb", buffering=0) as filler:
            while True:
                try:
                    written += filler.write(chunk)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
        return written

    def network_names(self):
        resp = self.api("GET", "/v2.0/networks?fields=name")
        self.assertEqual(resp.status, 200, resp)
        return {n["name"] for n in resp.json()["networks"]}

    def assertOutOfSpace(self, resp):
        self.assertEqual(resp.status, 503, resp)
        self.assertEqual(resp.headers.get("Retry-After"), "10", resp)
        error = resp.json()["NeutronError"]
        self.assertEqual(error["type"], "ServiceUnavailable", resp)
        self.assertIn("out of disk space", error["message"])

    def test_writes_503_reads_work_and_writes_resume_when_space_is_freed(self):
        acknowledged = []
        for i in range(5):
            resp = self.create_network("before-%d" % i)
            self.assertEqual(resp.status, 201, resp)
            acknowledged.append("before-%d" % i)

        filler = self.controller._host_path("filler")
        report("filled the %s tmpfs with %d KiB" % (TMPFS_SIZE, self.fill_disk(filler) >> 10))
        # SQLite reuses space its WAL already holds, so a few writes may still fit.
        first_refusal = None
        for i in range(MAX_WRITES_TO_FILL):
            resp = self.create_network("filling-%d" % i)
            if resp.status == 201:
                acknowledged.append("filling-%d" % i)
                continue
            first_refusal = resp
            break
        self.assertIsNotNone(first_refusal, "no write was refused on a full disk")
        self.assertOutOfSpace(first_refusal)
        report("%d writes fitted in space the store already had; then 503"
               % (len(acknowledged) - 5))

        # Every write is refused, in each API's own format; nothing is half-written.
        for i in range(3):
            self.assertOutOfSpace(self.create_network("refused-%d" % i))
        token = self.controller.request("POST", "/v3/auth/tokens", {"auth": {"identity": {
            "methods": ["password"], "password": {"user": {
                "name": "disk-user", "domain": {"id": "default"}, "password": "disk-pw"}}}}})
        self.assertEqual(token.status, 503, token)
        self.assertEqual(token.json()["error"]["code"], 503, token)
        self.assertEqual(token.json()["error"]["title"], "Service Unavailable", token)
        self.assertIn("out of disk space", token.json()["error"]["message"])

        # Reads go on: lists, single resources, token validation.
        self.assertEqual(self.network_names(), set(acknowledged))
        some = self.api("GET", "/v2.0/networks?name=before-0").json()["networks"][0]
        self.assertEqual(self.api("GET", "/v2.0/networks/" + some["id"]).status, 200)
        self.assertEqual(self.controller.request(
            "GET", "/v3/auth/tokens", token=self.member["token"],
            headers={"X-Subject-Token": self.member["token"]}).status, 200)
        self.assertEqual(self.integrity(), "ok")

        # Space is back: writes work again, with no restart, and nothing was lost.
        os.remove(filler)
        resp = self.create_network("after")
        self.assertEqual(resp.status, 201, resp)
        acknowledged.append("after")
        self.assertEqual(self.network_names(), set(acknowledged))
        self.assertEqual(self.integrity(), "ok")
        self.assertIsNone(self.controller.proc.poll())


if __name__ == "__main__":
    unittest.main()
