"""Keystone v3 subset, driven by the real `openstack` CLI (python3-openstackclient)."""

import unittest

import harness


class IdentityCliTest(harness.ControllerTestCase):

    def test_token_issue(self):
        token = self.openstack("token", "issue", "-f", "json")
        self.assertEqual(set(token), {"expires", "id", "project_id", "user_id"})
        admin_project = self.openstack("project", "show", "admin", "-f", "json")
        self.assertEqual(token["project_id"], admin_project["id"])
        # The token works for raw API calls too.
        resp = self.controller.request("GET", "/v3/auth/tokens", token=token["id"],
                                       headers={"X-Subject-Token": token["id"]})
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["token"]["roles"][0]["name"], "admin")

    def test_project_create_list_show_delete(self):
        created = self.openstack("project", "create", "it-proj", "--description", "first",
                                 "-f", "json")
        self.assertEqual(created["name"], "it-proj")
        self.assertEqual(created["description"], "first")
        self.assertEqual(created["domain_id"], "default")
        self.assertTrue(created["enabled"])

        names = [p["Name"] for p in self.openstack("project", "list", "-f", "json")]
        self.assertIn("it-proj", names)
        self.assertIn("admin", names)

        # By name: the CLI tries GET /v3/projects/it-proj (404), then ?name=it-proj.
        shown = self.openstack("project", "show", "it-proj", "-f", "json")
        self.assertEqual(shown["id"], created["id"])
        self.assertEqual(self.openstack("project", "show", created["id"], "-f", "json")["name"],
                         "it-proj")

        self.assertCommandFails("project", "create", "it-proj", expect="409")

        self.openstack("project", "delete", "it-proj")
        self.assertCommandFails("project", "show", "it-proj", expect="No project")

    def test_user_with_member_role_gets_a_scoped_token(self):
        project = self.openstack("project", "create", "it-team", "-f", "json")
        user = self.openstack("user", "create", "--password", "alice-pw", "--project", "it-team",
                              "--email", "alice@example.org", "it-alice", "-f", "json")
        self.assertEqual(user["default_project_id"], project["id"])
        self.assertNotIn("password", user)
        self.assertIn("it-alice", [u["Name"] for u in self.openstack("user", "list", "-f", "json")])

        # Without a role the user cannot scope to the project.
        self.assertCommandFails("token", "issue", user="it-alice", project="it-team",
                                password="alice-pw", expect="401")

        self.openstack("role", "add", "--user", "it-alice", "--project", "it-team", "member")
        assignments = self.openstack("role", "assignment", "list", "--user", "it-alice",
                                     "--names", "-f", "json")
        self.assertEqual([(a["Role"], a["Project"]) for a in assignments],
                         [("member", "it-team@Default")])

        token = self.openstack("token", "issue", "-f", "json", user="it-alice",
                               project="it-team", password="alice-pw")
        self.assertEqual(token["project_id"], project["id"])
        self.assertEqual(token["user_id"], user["id"])
        # A member may look at themself.
        me = self.openstack("user", "show", user["id"], "-f", "json", user="it-alice",
                            project="it-team", password="alice-pw")
        self.assertEqual(me["name"], "it-alice")

    def test_wrong_password_fails(self):
        self.assertCommandFails("token", "issue", password="not-the-password", expect="401")
        self.assertCommandFails("token", "issue", user="nobody-here", expect="401")

    def test_member_cannot_create_projects(self):
        self.openstack("project", "create", "it-limited", "-f", "json")
        self.openstack("user", "create", "--password", "bob-pw", "it-bob", "-f", "json")
        self.openstack("role", "add", "--user", "it-bob", "--project", "it-limited", "member")
        err = self.assertCommandFails("project", "create", "it-bobs-own", user="it-bob",
                                      project="it-limited", password="bob-pw", expect="403")
        self.assertIn("identity:create_project", err.stderr)
        self.assertCommandFails("user", "list", user="it-bob", project="it-limited",
                                password="bob-pw", expect="403")
        names = [p["Name"] for p in self.openstack("project", "list", "-f", "json")]
        self.assertNotIn("it-bobs-own", names)

    def test_role_remove_revokes_access(self):
        self.openstack("project", "create", "it-temp", "-f", "json")
        self.openstack("user", "create", "--password", "carol-pw", "it-carol", "-f", "json")
        self.openstack("role", "add", "--user", "it-carol", "--project", "it-temp", "member")
        token = self.controller.token("it-carol", "it-temp", "carol-pw")
        self.openstack("role", "remove", "--user", "it-carol", "--project", "it-temp", "member")
        resp = self.controller.request("GET", "/v3/auth/projects", token=token)
        self.assertEqual(resp.status, 401, resp)

    def test_raw_http_errors_have_keystone_shape(self):
        resp = self.controller.request("GET", "/v3/projects")
        self.assertEqual(resp.status, 401)
        self.assertEqual(resp.json()["error"]["code"], 401)
        self.assertIn("Keystone uri=", resp.headers.get("WWW-Authenticate", ""))
        token = self.controller.token()
        resp = self.controller.request("GET", "/v3/no-such-thing", token=token)
        self.assertEqual(resp.status, 404)
        self.assertEqual(resp.json()["error"]["title"], "Not Found")
        resp = self.controller.request("GET", "/v3")
        self.assertEqual(resp.json()["version"]["links"][0]["href"],
                         self.controller.url + "/v3/")


class ControllerLifecycleTest(unittest.TestCase):

    def test_refuses_to_start_without_admin_password_on_empty_store(self):
        proc = harness.ControllerProcess(admin_password="")
        with self.assertRaises(RuntimeError) as ctx:
            proc.start()
        self.assertIn("admin password", str(ctx.exception))
        self.assertIsNone(proc.tmp)  # cleaned up

    def test_sigterm_stops_cleanly(self):
        proc = harness.ControllerProcess().start()
        self.addCleanup(proc.stop)
        self.assertEqual(proc.request("GET", "/v3").status, 200)
        self.assertEqual(proc.stop(), 0)


if __name__ == "__main__":
    unittest.main()
