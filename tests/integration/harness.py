"""Integration-test harness: runs a real neutrino-controller and drives it with the real
`openstack` CLI and with raw HTTP.

Standard library only; run with /usr/bin/python3 (the interpreter python3-openstackclient is
installed for). The binaries come from $NEUTRINO_BIN_DIR (set by CMake), else ../../build/bin.
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
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

    `db_sync` is passed as --db-sync; None leaves the flag out, so the controller runs with its
    default durability (full). `data_dir`, if given, is an existing data directory to run on:
    it is used as is and never removed (the temporary directory then only holds the log).
    kill() and terminate() end the process but keep the data, and restart() runs a new process
    on the same data directory, as an operator restarting the service would.
    """

    def __init__(self, admin_password=ADMIN_PASSWORD, extra_args=(), start_timeout=30,
                 db_sync="normal", data_dir=None):
        self.admin_password = admin_password
        self.extra_args = list(extra_args)
        self.start_timeout = start_timeout
        self.db_sync = db_sync
        self._data_dir = data_dir
        self.tmp = None
        self.proc = None
        self.url = None
        self._log = None

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def data_dir(self):
        return self._data_dir if self._data_dir is not None else os.path.join(self.tmp, "data")

    @property
    def log_path(self):
        return os.path.join(self.tmp, "controller.log")

    @property
    def database_path(self):
        return os.path.join(self.data_dir, "neutrino.db")

    @property
    def url_file(self):
        return os.path.join(self.data_dir, "controller.url")

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    def argv(self):
        argv = [os.path.join(bin_dir(), "neutrino-controller"), "--listen", "127.0.0.1:0",
                "--data-dir", self.data_dir, "--log-level", "debug"]
        if self.db_sync is not None:
            argv += ["--db-sync", self.db_sync]
        return argv + self.extra_args

    def start(self):
        binary = os.path.join(bin_dir(), "neutrino-controller")
        if not os.access(binary, os.X_OK):
            raise RuntimeError("%s is missing: build the neutrino-controller target first" % binary)
        if self.tmp is None:
            self.tmp = tempfile.mkdtemp(prefix="neutrino-it-")
        try:
            self._launch()
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self):
        if self.proc is not None:
            raise RuntimeError("neutrino-controller is already running (pid %d)" % self.proc.pid)
        # A controller killed with SIGKILL leaves its controller.url behind; the new process
        # replaces it, but must not be raced: read too early, it names the dead one's port.
        try:
            os.remove(self.url_file)
        except FileNotFoundError:
            pass
        self.url = None
        env = clean_env()
        env["NEUTRINO_ADMIN_PASSWORD"] = self.admin_password
        if self._log is None:
            self._log = open(self.log_path, "ab")
        self._log.write(b"=== harness: starting %s\n" % " ".join(self.argv()).encode())
        self._log.flush()
        self.proc = subprocess.Popen(
            self.argv(), env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT)
        self.url = self._wait_for_url()

    def _wait_for_url(self):
        url_file = self.url_file
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

    def terminate(self, timeout=15):
        """SIGTERM, then SIGKILL after `timeout`; always waits. Keeps the data directory.

        Returns the exit code (negative: killed by that signal), None if nothing was running.
        """
        code = None
        if self.proc is not None:
            try:
                if self.proc.poll() is None:
                    self.proc.send_signal(signal.SIGTERM)
                    try:
                        self.proc.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()
            finally:
                self.proc.wait()
                code = self.proc.returncode
                self.proc = None
        return code

    def kill(self):
        """SIGKILL to the controller's pid, then waits for it. Keeps the data directory.

        Returns the exit code: -9 unless the process had already ended by itself.
        """
        code = None
        if self.proc is not None:
            try:
                if self.proc.poll() is None:
                    os.kill(self.proc.pid, signal.SIGKILL)
            finally:
                self.proc.wait()
                code = self.proc.returncode
                self.proc = None
        return code

    def restart(self, db_sync=..., extra_args=None):
        """A new controller process on the same data directory (stopping the old one with
        SIGTERM if it still runs). db_sync and extra_args, if given, replace the old ones."""
        self.terminate()
        if db_sync is not ...:
            self.db_sync = db_sync
        if extra_args is not None:
            self.extra_args = list(extra_args)
        self._launch()
        return self

    def stop(self, timeout=15):
        """SIGTERM, then SIGKILL after `timeout`; always waits. Returns the exit code.

        Removes the temporary directory (never a data_dir given to the constructor).
        """
        code = None
        try:
            code = self.terminate(timeout)
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

    def create_member(self, project, user, password, role="member"):
        """Creates `project` and `user` and grants `role` on it through raw Keystone calls (no
        CLI, so it is cheap). Returns {"project_id", "user_id", "token"}; the token is scoped to
        the new project."""
        admin = self.token()

        def call(method, path, body=None):
            resp = self.request(method, path, body, token=admin)
            if resp.status not in (200, 201, 204):
                raise RuntimeError("%s %s failed: %r" % (method, path, resp))
            return resp.json()

        project_id = call("POST", "/v3/projects",
                          {"project": {"name": project, "domain_id": "default"}})["project"]["id"]
        user_id = call("POST", "/v3/users", {"user": {
            "name": user, "password": password, "domain_id": "default",
            "default_project_id": project_id}})["user"]["id"]
        roles = call("GET", "/v3/roles")["roles"]
        role_id = next(r["id"] for r in roles if r["name"] == role)
        call("PUT", "/v3/projects/%s/users/%s/roles/%s" % (project_id, user_id, role_id))
        return {"project_id": project_id, "user_id": user_id,
                "token": self.token(user, project, password)}

    # --- the operator's view of the store ----------------------------------------------------

    def sql(self, query):
        """Runs `sqlite3 <data dir>/neutrino.db QUERY` as an operator would; returns the rows as
        tuples of strings (sqlite3's default list mode, '|'-separated)."""
        result = subprocess.run(["sqlite3", self.database_path, query], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError("sqlite3 %r failed (%d): %s"
                               % (query, result.returncode, result.stderr))
        return [tuple(line.split("|")) for line in result.stdout.splitlines() if line]


class KeepAliveClient:
    """Raw HTTP over one persistent connection (http.client keep-alive), e.g. one per thread
    of a load test. Transport errors (OSError, http.client.HTTPException) are raised, HTTP
    errors are returned. Not thread-safe: give every thread its own client.
    """

    def __init__(self, url, token=None, timeout=30):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "http":
            raise ValueError("KeepAliveClient speaks plain HTTP only, not %r" % url)
        self.token = token
        self.conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        data = None
        all_headers = {"Accept": "application/json"}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if self.token:
            all_headers["X-Auth-Token"] = self.token
        all_headers.update(headers or {})
        self.conn.request(method, path, body=data, headers=all_headers)
        resp = self.conn.getresponse()
        payload = resp.read()  # all of it, so the connection can carry the next request
        return HttpResponse(resp.status, resp.msg, payload.decode())

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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

    def assertNeutronError(self, resp, status, error_type=None, message=None):
        """resp is `status` with exactly Neutron's error body
        {"NeutronError": {"type", "message", "detail"}}; checks type and message when given.
        Returns the inner error dict."""
        self.assertEqual(resp.status, status, resp)
        self.assertIn("application/json", resp.headers.get("Content-Type", ""), resp)
        try:
            body = resp.json()
        except ValueError:
            self.fail("error body is not JSON: %r" % resp)
        self.assertIsInstance(body, dict, resp)
        self.assertEqual(set(body), {"NeutronError"}, resp)
        error = body["NeutronError"]
        self.assertEqual(set(error), {"type", "message", "detail"}, resp)
        self.assertIsInstance(error["message"], str, resp)
        self.assertTrue(error["message"], resp)
        if error_type is not None:
            self.assertEqual(error["type"], error_type, resp)
        if message is not None:
            self.assertEqual(error["message"], message, resp)
        return error


class MemberTestCase(ControllerTestCase):
    """A ControllerTestCase with one member project: `member_credentials` (user, project,
    password) is created once per class; its token is cls.member["token"]."""

    member_credentials = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        creds = cls.member_credentials
        cls.member = cls.controller.create_member(creds["project"], creds["user"],
                                                  creds["password"])
        cls.admin_token = cls.controller.token()

    def member_cli(self, *args):
        """The openstack CLI run as the member."""
        return self.openstack(*args, **self.member_credentials)

    def admin_api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.admin_token if token is None else token)

    def member_api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.member["token"] if token is None else token)

    def member_network(self, name):
        """A network the member creates through the CLI; the admin deletes it at cleanup."""
        net = self.member_cli("network", "create", name, "-f", "json")
        self.addCleanup(self.admin_api, "DELETE", "/v2.0/networks/" + net["id"])
        return net
