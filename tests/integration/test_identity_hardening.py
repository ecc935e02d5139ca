"""Identity under hostile tenants, through the real `openstack` CLI and raw HTTP.

- Failed password logins: Keystone's account lockout ([security_compliance]
  lockout_failure_attempts / lockout_duration) and Neutrino's per-address limit
  (source_lockout_failure_attempts / source_lockout_duration), both refusing before any password
  is hashed; the figures measured are printed.
- A token is bound to its project: headers, bodies, query strings and re-scoping cannot reach
  another project.
- Deleting or disabling a project or user, removing a role assignment or deleting a role ends
  the tokens it backed on the next request.

Raw requests come from their own loopback addresses (127.0.0.x), so each test's failures count
against an address of its own, as separate clients' would.
"""

import http.client
import json
import statistics
import time
import unittest
import urllib.parse

import harness

GENERIC_401 = "The request you have made requires authentication."


def request_from(controller, source, method, path, body=None, token=None, headers=None):
    """One request to the controller sent from the local address `source`."""
    url = urllib.parse.urlsplit(controller.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60,
                                      source_address=(source, 0))
    try:
        all_headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["X-Auth-Token"] = token
        all_headers.update(headers or {})
        conn.request(method, path, body=data, headers=all_headers)
        resp = conn.getresponse()
        return harness.HttpResponse(resp.status, resp.msg, resp.read().decode())
    finally:
        conn.close()


def password_body(user, password, project=None):
    auth = {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}}}
    if project:
        auth["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
    return {"auth": auth}


def login_from(controller, source, user, password, project=None):
    return request_from(controller, source, "POST", "/v3/auth/tokens?nocatalog",
                        password_body(user, password, project))


class IdentityTestCase(harness.ControllerTestCase):

    def assertKeystoneError(self, resp, status, message):
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.json(), {"error": {
            "code": status, "title": {401: "Unauthorized", 429: "Too Many Requests",
                                      403: "Forbidden", 404: "Not Found"}[status],
            "message": message}}, resp)

    def assertLocked(self, resp, user_id):
        self.assertKeystoneError(resp, 401, "The account is locked for user: %s." % user_id)
        self.assertTrue(resp.headers.get("WWW-Authenticate", "").startswith("Keystone uri="))


class LockoutTest(IdentityTestCase):
    """Short limits, so the tests can wait them out: a user locks after 3 failures for 4 s, an
    address after 6 failures within 6 s for 6 s. Raw HTTP only: a CLI call can take longer
    than that on a busy machine."""

    controller_args = ("--lockout-failure-attempts", "3", "--lockout-duration", "4",
                       "--source-lockout-failure-attempts", "6",
                       "--source-lockout-duration", "6")

    def member(self, name):
        return self.controller.create_member("lock-" + name, name, name + "-pw")

    def test_a_lock_ends_after_the_duration(self):
        carol = self.member("carol")
        for _ in range(3):
            resp = login_from(self.controller, "127.0.0.20", "carol", "guess")
            self.assertKeystoneError(resp, 401, GENERIC_401)
        self.assertLocked(login_from(self.controller, "127.0.0.20", "carol", "carol-pw"),
                          carol["user_id"])
        self.assertEqual(self.controller.sql(
            "select failed_auth_count from users where name = 'carol'"), [("3",)])
        time.sleep(4.2)
        self.assertEqual(login_from(self.controller, "127.0.0.20", "carol", "carol-pw").status,
                         201)
        self.assertEqual(self.controller.sql(
            "select failed_auth_count from users where name = 'carol'"), [("0",)])

    def test_a_success_resets_the_count(self):
        self.member("dave")
        for _ in range(2):
            self.assertEqual(login_from(self.controller, "127.0.0.21", "dave", "x").status, 401)
        self.assertEqual(login_from(self.controller, "127.0.0.21", "dave", "dave-pw").status, 201)
        for _ in range(2):
            self.assertEqual(login_from(self.controller, "127.0.0.21", "dave", "x").status, 401)
        self.assertEqual(login_from(self.controller, "127.0.0.21", "dave", "dave-pw").status, 201)

    def test_locked_refusals_cost_no_hash(self):
        frank = self.member("frank")

        def timed(source, user, password, expect):
            started = time.monotonic()
            resp = login_from(self.controller, source, user, password)
            elapsed = time.monotonic() - started
            self.assertEqual(resp.status, expect, resp)
            return elapsed

        # Ten failures that each cost a scrypt verification (unknown names verify a dummy hash),
        # against thirty refusals of the locked user (well within its 4 s).
        hashed = [timed("127.0.0.%d" % (40 + i), "nobody-%d" % i, "x", 401) for i in range(10)]
        for _ in range(3):
            login_from(self.controller, "127.0.0.23", "frank", "x")
        refused = [timed("127.0.0.23", "frank", "frank-pw", 401) for _ in range(30)]
        hashed_ms = statistics.median(hashed) * 1000
        refused_ms = statistics.median(refused) * 1000
        print("\nfailed login with a verification: median %.1f ms; locked user refused: median "
              "%.1f ms (shared machine, noisy)" % (hashed_ms, refused_ms))
        self.assertLess(refused_ms, hashed_ms / 3)
        self.assertLocked(login_from(self.controller, "127.0.0.23", "frank", "frank-pw"),
                          frank["user_id"])

    def test_an_address_spraying_many_users_is_refused(self):
        self.member("gina")
        self.member("hank")
        source = "127.0.0.25"
        # One guess at each of 6 names, real and unknown: under every user's limit.
        for i in range(6):
            name = ("gina", "hank")[i] if i < 2 else "spray-%d" % i
            resp = login_from(self.controller, source, name, "Summer2026!")
            self.assertKeystoneError(resp, 401, GENERIC_401)
        resp = login_from(self.controller, source, "gina", "gina-pw")
        # Whole seconds: a second may have begun since the block did.
        wait = resp.headers.get("Retry-After")
        self.assertIn(wait, ("5", "6"), resp)
        self.assertKeystoneError(resp, 429, "Too many failed authentication attempts from "
                                 "127.0.0.25. Retry after %s seconds." % wait)
        # Another client is not affected; the address is again after the block.
        self.assertEqual(login_from(self.controller, "127.0.0.26", "gina", "gina-pw").status, 201)
        time.sleep(6.2)
        self.assertEqual(login_from(self.controller, source, "gina", "gina-pw").status, 201)


class LockoutCliTest(IdentityTestCase):
    """What a user of the `openstack` CLI sees, with limits long enough for the CLI's pace."""

    controller_args = ("--lockout-failure-attempts", "3", "--lockout-duration", "600",
                       "--source-lockout-failure-attempts", "1000")

    def test_locked_user_and_admin_unlock(self):
        erin = self.controller.create_member("lock-erin", "erin", "erin-pw")
        cli = {"user": "erin", "project": "lock-erin"}
        for _ in range(3):
            err = self.assertCommandFails("token", "issue", password="guess", **cli)
            self.assertIn(GENERIC_401, err.stderr)
            self.assertIn("HTTP 401", err.stderr)
        err = self.assertCommandFails("token", "issue", password="erin-pw", **cli)
        self.assertIn("The account is locked for user: %s. (HTTP 401)" % erin["user_id"],
                      err.stderr)
        # A locked user's existing tokens keep working, as in Keystone.
        resp = self.controller.request("GET", "/v2.0/networks", token=erin["token"])
        self.assertEqual(resp.status, 200, resp)
        self.openstack("user", "set", "--enable", "erin")
        token = self.openstack("token", "issue", "-f", "json", password="erin-pw", **cli)
        self.assertEqual(token["user_id"], erin["user_id"])

    def test_an_operator_exempts_an_account_from_the_lock(self):
        # Keystone's user option: anyone could otherwise lock an operator's account out.
        self.controller.create_member("lock-oscar", "oscar", "oscar-pw")
        self.openstack("user", "set", "--ignore-lockout-failure-attempts", "oscar")
        for _ in range(5):
            self.assertEqual(login_from(self.controller, "127.0.0.27", "oscar", "x").status, 401)
        self.assertEqual(self.controller.sql(
            "select failed_auth_count from users where name = 'oscar'"), [("5",)])
        self.assertEqual(
            login_from(self.controller, "127.0.0.27", "oscar", "oscar-pw").status, 201)
        shown = self.openstack("user", "show", "oscar", "-f", "json")
        self.assertEqual(shown["options"], {"ignore_lockout_failure_attempts": True})

    def test_blocked_address(self):
        # Its own controller: 127.0.0.1, the CLI's address, stays blocked for the whole window.
        proc = harness.ControllerProcess(extra_args=[
            "--source-lockout-failure-attempts", "5", "--source-lockout-duration", "600"])
        self.addCleanup(proc.stop)
        proc.start()
        proc.create_member("lock-ivan", "ivan", "ivan-pw")
        for i in range(5):
            self.assertEqual(login_from(proc, "127.0.0.1", "spray-%d" % i, "x").status, 401)
        with self.assertRaises(harness.CommandError) as ctx:
            proc.openstack("token", "issue", user="ivan", project="lock-ivan",
                           password="ivan-pw")
        self.assertIn("Too many failed authentication attempts from 127.0.0.1. Retry after",
                      ctx.exception.stderr)
        self.assertIn("HTTP 429", ctx.exception.stderr)


class LockoutDefaultsTest(IdentityTestCase):
    """The limits are on without any configuration, and a lock survives a restart."""

    def test_defaults_lock_after_six_failures(self):
        judy = self.controller.create_member("defaults", "judy", "judy-pw")
        for i in range(6):
            resp = login_from(self.controller, "127.0.0.31", "judy", "guess-%d" % i)
            self.assertKeystoneError(resp, 401, GENERIC_401)
        self.assertLocked(login_from(self.controller, "127.0.0.31", "judy", "judy-pw"),
                          judy["user_id"])
        # Only an unlock or 30 minutes end it; so does a restart not.
        self.controller.restart()
        self.assertEqual(self.controller.sql(
            "select failed_auth_count from users where name = 'judy'"), [("6",)])
        self.assertLocked(login_from(self.controller, "127.0.0.32", "judy", "judy-pw"),
                          judy["user_id"])

    def test_help_documents_the_limits(self):
        out = harness.subprocess.run(
            [harness.os.path.join(harness.bin_dir(), "neutrino-controller"), "--help"],
            capture_output=True, text=True, timeout=30).stdout
        for text in ("--lockout-failure-attempts", "(6; 0 = never)", "(1800)",
                     "--source-lockout-failure-attempts", "(20; 0 = never)", "(300)",
                     "[security_compliance]"):
            self.assertIn(text, out)


class ProjectBindingTest(IdentityTestCase):
    """A token scoped to project A reaches nothing of project B, whatever the request says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a = cls.controller.create_member("bind-a", "kate", "kate-pw")
        cls.b = cls.controller.create_member("bind-b", "liam", "liam-pw")
        net = cls.controller.request("POST", "/v2.0/networks", {"network": {"name": "b-net"}},
                                     token=cls.b["token"])
        assert net.status == 201, net
        cls.b_net = net.json()["network"]
        group = cls.controller.request("POST", "/v2.0/security-groups",
                                       {"security_group": {"name": "b-group"}},
                                       token=cls.b["token"])
        assert group.status == 201, group
        cls.b_group = group.json()["security_group"]

    def as_a(self, method, path, body=None, headers=None):
        return self.controller.request(method, path, body, token=self.a["token"],
                                       headers=headers)

    def test_identity_headers_from_clients_are_ignored(self):
        # keystonemiddleware overwrites these in front of Neutron; here nothing reads them.
        spoof = {"X-Project-Id": self.b["project_id"], "X-Tenant-Id": self.b["project_id"],
                 "X-Tenant": "bind-b", "X-Project-Name": "bind-b", "X-Roles": "admin",
                 "X-User-Id": self.b["user_id"], "X-Identity-Status": "Confirmed"}
        resp = self.as_a("POST", "/v2.0/networks", {"network": {"name": "a-net"}}, spoof)
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["network"]["project_id"], self.a["project_id"])
        self.as_a("DELETE", "/v2.0/networks/" + resp.json()["network"]["id"])
        resp = self.as_a("GET", "/v2.0/networks/" + self.b_net["id"], headers=spoof)
        self.assertNeutronError(resp, 404, "NetworkNotFound")
        resp = self.as_a("POST", "/v2.0/networks", {"network": {"shared": True}}, spoof)
        self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
        resp = self.as_a("GET", "/v3/projects/" + self.b["project_id"], headers=spoof)
        self.assertKeystoneError(resp, 403, "You are not authorized to perform the requested "
                                 "action: identity:get_project.")

    def test_bodies_and_query_strings_cannot_name_another_project(self):
        message = ("Specifying 'project_id' or 'tenant_id' other than the authenticated project "
                   "in request requires admin or advsvc privileges")
        for key in ("project_id", "tenant_id"):
            resp = self.as_a("POST", "/v2.0/networks", {"network": {
                "name": "planted", key: self.b["project_id"]}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest", message)
            resp = self.as_a("PUT", "/v2.0/networks/" + self.b_net["id"],
                             {"network": {key: self.a["project_id"]}})
            self.assertEqual(resp.status, 400, resp)
            for collection, path in (("networks", "networks"), ("ports", "ports"),
                                     ("subnets", "subnets"),
                                     ("security_groups", "security-groups")):
                resp = self.as_a("GET", "/v2.0/%s?%s=%s" % (path, key, self.b["project_id"]))
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()[collection], [], (path, key))
        names = [n["name"] for n in self.controller.request(
            "GET", "/v2.0/networks", token=self.controller.token()).json()["networks"]]
        self.assertNotIn("planted", names)

    def test_another_projects_security_group_cannot_be_referenced(self):
        own = self.as_a("POST", "/v2.0/security-groups", {"security_group": {"name": "a-group"}})
        self.assertEqual(own.status, 201, own)
        own = own.json()["security_group"]
        self.addCleanup(self.as_a, "DELETE", "/v2.0/security-groups/" + own["id"])
        resp = self.as_a("POST", "/v2.0/security-group-rules", {"security_group_rule": {
            "security_group_id": own["id"], "direction": "ingress",
            "remote_group_id": self.b_group["id"]}})
        self.assertNeutronError(resp, 404, "SecurityGroupNotFound")
        net = self.as_a("POST", "/v2.0/networks", {"network": {"name": "a-sg-net"}})
        net_id = net.json()["network"]["id"]
        self.addCleanup(self.as_a, "DELETE", "/v2.0/networks/" + net_id)
        resp = self.as_a("POST", "/v2.0/ports", {"port": {
            "network_id": net_id, "security_groups": [self.b_group["id"]]}})
        self.assertNeutronError(resp, 404, "SecurityGroupNotFound")

    def test_rescoping_to_a_project_without_a_role_is_401(self):
        for scope in ({"project": {"id": self.b["project_id"]}},
                      {"project": {"name": "bind-b", "domain": {"id": "default"}}}):
            resp = self.controller.request("POST", "/v3/auth/tokens", {"auth": {
                "identity": {"methods": ["token"], "token": {"id": self.a["token"]}},
                "scope": scope}})
            self.assertKeystoneError(resp, 401, GENERIC_401)
            self.assertIsNone(resp.headers.get("X-Subject-Token"))
        self.assertCommandFails("token", "issue", user="kate", project="bind-b",
                                password="kate-pw", expect="401")

    def test_token_validation_shows_and_keeps_the_scope(self):
        resp = self.as_a("GET", "/v3/auth/tokens", headers={"X-Subject-Token": self.a["token"]})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["token"]["project"]["id"], self.a["project_id"])
        # A member may not inspect somebody else's token, and an unknown one is 404.
        resp = self.as_a("GET", "/v3/auth/tokens", headers={"X-Subject-Token": self.b["token"]})
        self.assertKeystoneError(resp, 403, "You are not authorized to perform the requested "
                                 "action: identity:validate_token.")
        resp = self.as_a("GET", "/v3/auth/tokens", headers={"X-Subject-Token": "x" * 43})
        self.assertKeystoneError(resp, 404, "Failed to validate token")
        projects = self.as_a("GET", "/v3/auth/projects").json()["projects"]
        self.assertEqual([p["id"] for p in projects], [self.a["project_id"]])


class RevocationTest(IdentityTestCase):
    """What an admin does through the CLI ends the affected tokens on their next request."""

    def setUp(self):
        name = self.id().rsplit(".", 1)[-1][5:25]
        self.project = "rv-" + name
        self.user = "rv-" + name
        self.password = "pw-" + name
        self.member = self.controller.create_member(self.project, self.user, self.password)
        self.openstack("role", "add", "--user", self.user, "--project", self.project, "reader")
        self.token = self.controller.token(self.user, self.project, self.password)
        self.assertUsable(self.token)

    def assertUsable(self, token):
        self.assertEqual(self.controller.request("GET", "/v2.0/networks", token=token).status,
                         200)

    def assertRevoked(self, token):
        resp = self.controller.request("GET", "/v2.0/networks", token=token)
        self.assertKeystoneError(resp, 401, GENERIC_401)
        resp = self.controller.request("GET", "/v3/auth/tokens", token=self.controller.token(),
                                       headers={"X-Subject-Token": token})
        self.assertEqual(resp.status, 404, resp)

    def test_project_delete(self):
        self.openstack("project", "delete", self.project)
        self.assertRevoked(self.token)

    def test_project_disable_for_good(self):
        self.openstack("project", "set", "--disable", self.project)
        self.assertRevoked(self.token)
        self.openstack("project", "set", "--enable", self.project)
        self.assertRevoked(self.token)

    def test_user_delete(self):
        self.openstack("user", "delete", self.user)
        self.assertRevoked(self.token)

    def test_user_disable_for_good(self):
        self.openstack("user", "set", "--disable", self.user)
        self.assertRevoked(self.token)
        self.openstack("user", "set", "--enable", self.user)
        self.assertRevoked(self.token)

    def test_role_assignment_removed_with_another_left(self):
        self.openstack("role", "remove", "--user", self.user, "--project", self.project,
                       "reader")
        self.assertRevoked(self.token)

    def test_role_delete(self):
        self.openstack("role", "create", "rv-extra")
        self.openstack("role", "add", "--user", self.user, "--project", self.project, "rv-extra")
        token = self.controller.token(self.user, self.project, self.password)
        self.assertUsable(token)
        self.openstack("role", "delete", "rv-extra")
        self.assertRevoked(token)
        # A new login still works on the roles that remain.
        self.assertUsable(self.controller.token(self.user, self.project, self.password))


if __name__ == "__main__":
    unittest.main()
