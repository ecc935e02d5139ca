"""Integration-test harness: runs a real neutrino-controller and drives it with the real
`openstack` CLI and with raw HTTP.

Standard library only; run with /usr/bin/python3 (the interpreter python3-openstackclient is
installed for). The binaries come from $NEUTRINO_BIN_DIR (set by CMake), else ../../build/bin.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OPENSTACK = "/usr/bin/openstack"
ADMIN_PASSWORD = "admin-secret"


def bin_dir():
    return os.environ.get("NEUTRINO_BIN_DIR") or os.path.normpath(
        os.path.join(HERE, "..", "..", "build", "bin"))


def clean_env():
    """The caller's environment without OS_* variables, so no outside cloud leaks in."""
    return {k: v for k, v in os.environ.items() if not k.startswith("OS_")}


class CommandError(Exception):
    """A CLI command exited non-zero; carries its output for assertions."""

    def __init__(self, args, returncode, stdout, stderr):
        super().__init__("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), returncode, stdout, stderr))
        self.args_list = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


class HttpResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # email.message.Message: case-insensitive get()
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def __repr__(self):
        return "HttpResponse(%d, %r)" % (self.status, self.body[:200])


class ControllerProcess:
    """One neutrino-controller on 127.0.0.1 with an ephemeral port and a temporary data dir.

    Use as a context manager, or call start() and stop(); stop() always reaps the process and
    removes the temporary directory, also when start() failed half-way.
    """

    def __init__(self, admin_password=ADMIN_PASSWORD, extra_args=(), start_timeout=30):
        self.admin_password = admin_password
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.tmp = None
        self.proc = None
        self.url = None
        self._log = None

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def data_dir(self):
        return os.path.join(self.tmp, "data")

    @property
    def log_path(self):
        return os.path.join(self.tmp, "controller.log")

    def start(self):
        binary = os.path.join(bin_dir(), "neutrino-controller")
        if not os.access(binary, os.X_OK):
            raise RuntimeError("%s is missing: build the neutrino-controller target first" % binary)
        self.tmp = tempfile.mkdtemp(prefix="neutrino-it-")
        try:
            env = clean_env()
            env["NEUTRINO_ADMIN_PASSWORD"] = self.admin_password
            self._log = open(self.log_path, "wb")
            self.proc = subprocess.Popen(
                [binary, "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
                 "--db-sync", "normal", "--log-level", "debug"] + self.extra_args,
                env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
            self.url = self._wait_for_url()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_url(self):
        url_file = os.path.join(self.data_dir, "controller.url")
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("neutrino-controller exited with %d before serving:\n%s"
                                   % (self.proc.returncode, self.log_text()))
            if os.path.exists(url_file):
                with open(url_file) as f:
                    url = f.read().strip()
                if url:
                    return url
            time.sleep(0.05)
        raise RuntimeError("neutrino-controller did not publish its URL within %ss:\n%s"
                           % (self.start_timeout, self.log_text()))

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after `timeout`; always waits. Returns the exit code."""
        code = None
        try:
            if self.proc is not None:
                if self.proc.poll() is None:
                    self.proc.send_signal(signal.SIGTERM)
                    try:
                        self.proc.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()
                        self.proc.wait()
                code = self.proc.returncode
                self.proc = None
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        return code

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    # --- the openstack CLI -----------------------------------------------------------------

    @property
    def auth_url(self):
        return self.url + "/v3"

    def cli_env(self, user="admin", project="admin", password=None):
        env = clean_env()
        env.update({
            "OS_AUTH_URL": self.auth_url,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_USERNAME": user,
            "OS_PASSWORD": self.admin_password if password is None else password,
            "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_DOMAIN_NAME": "Default",
            "OS_REGION_NAME": "RegionOne",
            "OS_INTERFACE": "public",
        })
        if project:
            env["OS_PROJECT_NAME"] = project
        return env

    def openstack(self, *args, user="admin", project="admin", password=None, timeout=120):
        """Runs `openstack ARGS...`; parsed JSON when `-f json` is among ARGS, else stdout.

        Raises CommandError (with the CLI's stderr) when the command fails.
        """
        argv = [OPENSTACK] + [str(a) for a in args]
        result = subprocess.run(argv, env=self.cli_env(user, project, password),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise CommandError(argv, result.returncode, result.stdout, result.stderr)
        if _wants_json(args):
            return json.loads(result.stdout) if result.stdout.strip() else None
        return result.stdout

    # --- raw HTTP --------------------------------------------------------------------------

    def request(self, method, path, body=None, token=None, headers=None, timeout=30):
        """Sends one request; HTTP errors are returned, not raised."""
        data = None
        all_headers = {"Accept": "application/json"}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["X-Auth-Token"] = token
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return HttpResponse(resp.status, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as err:
            with err:
                return HttpResponse(err.code, err.headers, err.read().decode())

    def token(self, user="admin", project="admin", password=None):
        """A project-scoped token for user (unscoped when project is None)."""
        auth = {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"},
            "password": self.admin_password if password is None else password}}}}
        if project:
            auth["scope"] = {"project": {"name": project, "domain": {"name": "Default"}}}
        else:
            auth["scope"] = "unscoped"
        resp = self.request("POST", "/v3/auth/tokens?nocatalog", {"auth": auth})
        if resp.status != 201:
            raise RuntimeError("authentication as %s failed: %r" % (user, resp))
        return resp.headers["X-Subject-Token"]


def _wants_json(args):
    args = [str(a) for a in args]
    for i, arg in enumerate(args):
        if arg in ("-f", "--format") and i + 1 < len(args) and args[i + 1] == "json":
            return True
        if arg in ("-fjson", "--format=json"):
            return True
    return False


class ControllerTestCase(unittest.TestCase):
    """One controller shared by the tests of a class; stopped and cleaned even on failure."""

    controller_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controller = ControllerProcess(extra_args=cls.controller_args)
        cls.addClassCleanup(cls.controller.stop)
        cls.controller.start()

    def openstack(self, *args, **kwargs):
        return self.controller.openstack(*args, **kwargs)

    def assertCommandFails(self, *args, expect=None, **kwargs):
        """The command fails; `expect`, if given, appears in its stderr. Returns the error."""
        with self.assertRaises(CommandError) as ctx:
            self.openstack(*args, **kwargs)
        if expect is not None:
            self.assertIn(expect, ctx.exception.stderr)
        return ctx.exception
