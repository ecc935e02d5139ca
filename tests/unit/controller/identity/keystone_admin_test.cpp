#include <gtest/gtest.h>

#include "tests/unit/controller/identity/keystone_fixture.hpp"

namespace neutrino::identity::testing {
namespace {

class KeystoneAdminTest : public KeystoneApiTest {
 protected:
  std::string create(const std::string& collection, const std::string& key, const Json& body) {
    const auto r = call("POST", "/v3/" + collection, Json{{key, body}}, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r)[key]["id"];
  }
  std::string role_id(const std::string& name) {
    return json(call("GET", "/v3/roles?name=" + name, nullptr, admin_))["roles"][0]["id"];
  }

  std::string admin_ = admin_token();
};

TEST_F(KeystoneAdminTest, ProjectLifecycle) {
  const auto r =
      call("POST", "/v3/projects",
           Json{{"project", {{"name", "demo"}, {"description", "d"}, {"enabled", true}}}}, admin_);
  ASSERT_EQ(r.status, 201) << r.body;
  const Json p = json(r)["project"];
  EXPECT_EQ(p["name"], "demo");
  EXPECT_EQ(p["domain_id"], "default");
  EXPECT_EQ(p["description"], "d");
  EXPECT_EQ(p["id"].get<std::string>().size(), 32u);
  EXPECT_EQ(p["links"]["self"], kBase + "/v3/projects/" + p["id"].get<std::string>());

  const auto dup = call("POST", "/v3/projects", Json{{"project", {{"name", "demo"}}}}, admin_);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(json(dup)["error"]["title"], "Conflict");

  // The CLI's name resolution: the name as an id is 404, then a ?name= query finds it.
  const auto by_name = call("GET", "/v3/projects/demo", nullptr, admin_);
  EXPECT_EQ(by_name.status, 404);
  EXPECT_EQ(json(by_name)["error"]["message"], "Could not find project: demo.");
  const auto found = call("GET", "/v3/projects?name=demo", nullptr, admin_);
  ASSERT_EQ(json(found)["projects"].size(), 1u);
  EXPECT_EQ(json(found)["projects"][0]["id"], p["id"]);
  EXPECT_EQ(json(found)["links"]["self"], kBase + "/v3/projects?name=demo");
  EXPECT_TRUE(json(found)["links"]["next"].is_null());

  const std::string id = p["id"];
  const auto patched =
      call("PATCH", "/v3/projects/" + id,
           Json{{"project", {{"description", "new"}, {"enabled", false}}}}, admin_);
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(json(patched)["project"]["description"], "new");
  EXPECT_EQ(json(patched)["project"]["enabled"], false);
  EXPECT_EQ(json(call("GET", "/v3/projects?enabled=false", nullptr, admin_))["projects"].size(),
            1u);
  EXPECT_EQ(call("GET", "/v3/projects/" + id, nullptr, admin_).status, 200);
  EXPECT_EQ(call("DELETE", "/v3/projects/" + id, nullptr, admin_).status, 204);
  EXPECT_EQ(call("DELETE", "/v3/projects/" + id, nullptr, admin_).status, 404);
  EXPECT_EQ(json(call("GET", "/v3/projects", nullptr, admin_))["projects"].size(), 1u);
}

TEST_F(KeystoneAdminTest, ProjectsInUnknownDomainsAreRefused) {
  const auto r = call("POST", "/v3/projects",
                      Json{{"project", {{"name", "x"}, {"domain_id", "elsewhere"}}}}, admin_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(call("POST", "/v3/projects",
                 Json{{"project", {{"name", "y"}, {"domain_id", "Default"}}}}, admin_)
                .status,
            201);
  EXPECT_EQ(
      call("POST", "/v3/projects", Json{{"project", {{"description", "no name"}}}}, admin_).status,
      400);
}

TEST_F(KeystoneAdminTest, UsersNeverShowPasswords) {
  const std::string project = create("projects", "project", {{"name", "demo"}});
  const auto r = call("POST", "/v3/users",
                      Json{{"user",
                            {{"name", "alice"},
                             {"password", "alicepw"},
                             {"email", "a@example.com"},
                             {"default_project_id", project}}}},
                      admin_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find("alicepw"), std::string::npos);
  EXPECT_FALSE(json(r)["user"].contains("password"));
  EXPECT_EQ(json(r)["user"]["default_project_id"], project);
  EXPECT_EQ(json(r)["user"]["email"], "a@example.com");
  EXPECT_EQ(call("POST", "/v3/users", Json{{"user", {{"name", "alice"}}}}, admin_).status, 409);

  const auto list = call("GET", "/v3/users", nullptr, admin_);
  EXPECT_EQ(json(list)["users"].size(), 2u);
  EXPECT_EQ(list.body.find("password_hash"), std::string::npos);
  EXPECT_EQ(call("GET", "/v3/users/alice", nullptr, admin_).status, 404);
  EXPECT_EQ(json(call("GET", "/v3/users?name=alice", nullptr, admin_))["users"].size(), 1u);
}

TEST_F(KeystoneAdminTest, RoleAssignmentFlow) {
  const std::string project = create("projects", "project", {{"name", "demo"}});
  const std::string user = create(
      "users", "user", {{"name", "bob"}, {"password", "bobpw"}, {"default_project_id", project}});
  EXPECT_EQ(call("GET", "/v3/roles/member", nullptr, admin_).status, 404);
  const std::string member = role_id("member");
  // No role yet: a token scoped to the project is refused.
  EXPECT_EQ(token_for("bob", "bobpw", "demo"), "");

  const std::string grant = "/v3/projects/" + project + "/users/" + user + "/roles/" + member;
  EXPECT_EQ(call("HEAD", grant, nullptr, admin_).status, 404);
  EXPECT_EQ(call("PUT", grant, nullptr, admin_).status, 204);
  EXPECT_EQ(call("PUT", grant, nullptr, admin_).status, 204);
  EXPECT_EQ(call("HEAD", grant, nullptr, admin_).status, 204);
  EXPECT_EQ(call("GET", grant, nullptr, admin_).status, 204);
  const auto roles =
      call("GET", "/v3/projects/" + project + "/users/" + user + "/roles", nullptr, admin_);
  EXPECT_EQ(json(roles)["roles"][0]["name"], "member");

  const auto assignments =
      call("GET", "/v3/role_assignments?user.id=" + user + "&include_names=True", nullptr, admin_);
  ASSERT_EQ(assignments.status, 200);
  const Json a = json(assignments)["role_assignments"];
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0]["role"]["name"], "member");
  EXPECT_EQ(a[0]["user"]["name"], "bob");
  EXPECT_EQ(a[0]["scope"]["project"]["name"], "demo");
  EXPECT_EQ(a[0]["links"]["assignment"], kBase + grant);

  const std::string bob = token_for("bob", "bobpw", "demo");
  ASSERT_NE(bob, "");
  const Json t = json(call("GET", "/v3/auth/tokens", nullptr, bob, {{"x-subject-token", bob}}));
  EXPECT_EQ(t["token"]["roles"][0]["name"], "member");
  // Without a scope, bob lands on his default project.
  const auto plain = call("POST", "/v3/auth/tokens", password_auth("bob", "bobpw"));
  EXPECT_EQ(json(plain)["token"]["project"]["id"], project);

  EXPECT_EQ(call("DELETE", grant, nullptr, admin_).status, 204);
  EXPECT_EQ(call("DELETE", grant, nullptr, admin_).status, 404);
  EXPECT_EQ(call("GET", "/v3/projects", nullptr, bob).status, 401);
  const std::string missing =
      "/v3/projects/" + project + "/users/" + user + "/roles/0123456789abcdef";
  EXPECT_EQ(call("PUT", missing, nullptr, admin_).status, 404);
}

TEST_F(KeystoneAdminTest, MembersMayOnlyLookAtThemselves) {
  const std::string project = create("projects", "project", {{"name", "demo"}});
  const std::string user = create("users", "user", {{"name", "carol"}, {"password", "pw"}});
  const std::string admin_user =
      json(call("GET", "/v3/users?name=admin", nullptr, admin_))["users"][0]["id"];
  call("PUT", "/v3/projects/" + project + "/users/" + user + "/roles/" + role_id("member"), nullptr,
       admin_);
  const std::string carol = token_for("carol", "pw", "demo");
  ASSERT_NE(carol, "");

  const auto denied = call("POST", "/v3/projects", Json{{"project", {{"name", "mine"}}}}, carol);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(json(denied)["error"]["title"], "Forbidden");
  EXPECT_EQ(json(denied)["error"]["message"],
            "You are not authorized to perform the requested action: identity:create_project.");
  EXPECT_EQ(call("GET", "/v3/users", nullptr, carol).status, 403);
  EXPECT_EQ(call("GET", "/v3/projects", nullptr, carol).status, 403);
  EXPECT_EQ(call("GET", "/v3/roles", nullptr, carol).status, 403);
  EXPECT_EQ(call("PUT", "/v3/projects/" + project + "/users/" + user + "/roles/" + role_id("admin"),
                 nullptr, carol)
                .status,
            403);

  EXPECT_EQ(call("GET", "/v3/users/" + user, nullptr, carol).status, 200);
  EXPECT_EQ(call("GET", "/v3/users/" + admin_user, nullptr, carol).status, 403);
  const auto mine = call("GET", "/v3/users/" + user + "/projects", nullptr, carol);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(json(mine)["projects"][0]["name"], "demo");
  EXPECT_EQ(call("GET", "/v3/users/" + admin_user + "/projects", nullptr, carol).status, 403);
  EXPECT_EQ(call("GET", "/v3/projects/" + project, nullptr, carol).status, 200);
  EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, carol, {{"x-subject-token", carol}}).status,
            200);
  EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, carol, {{"x-subject-token", admin_}}).status,
            403);
}

TEST_F(KeystoneAdminTest, PasswordChanges) {
  const std::string project = create("projects", "project", {{"name", "demo"}});
  const std::string user = create("users", "user", {{"name", "dave"}, {"password", "old"}});
  call("PUT", "/v3/projects/" + project + "/users/" + user + "/roles/" + role_id("member"), nullptr,
       admin_);
  const std::string dave = token_for("dave", "old", "demo");
  const auto wrong =
      call("POST", "/v3/users/" + user + "/password",
           Json{{"user", {{"original_password", "nope"}, {"password", "new"}}}}, dave);
  EXPECT_EQ(wrong.status, 401);
  const auto ok = call("POST", "/v3/users/" + user + "/password",
                       Json{{"user", {{"original_password", "old"}, {"password", "new"}}}}, dave);
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(token_for("dave", "old", "demo"), "");
  EXPECT_NE(token_for("dave", "new", "demo"), "");

  EXPECT_EQ(call("PATCH", "/v3/users/" + user, Json{{"user", {{"password", "admin-set"}}}}, admin_)
                .status,
            200);
  EXPECT_NE(token_for("dave", "admin-set", "demo"), "");
}

TEST_F(KeystoneAdminTest, DomainsAndRoles) {
  EXPECT_EQ(json(call("GET", "/v3/domains/default", nullptr, admin_))["domain"]["name"], "Default");
  EXPECT_EQ(json(call("GET", "/v3/domains/Default", nullptr, admin_))["domain"]["id"], "default");
  EXPECT_EQ(call("GET", "/v3/domains/other", nullptr, admin_).status, 404);
  EXPECT_EQ(json(call("GET", "/v3/domains?name=Default", nullptr, admin_))["domains"].size(), 1u);
  EXPECT_EQ(json(call("GET", "/v3/domains?name=x", nullptr, admin_))["domains"].size(), 0u);

  const std::string role = create("roles", "role", {{"name", "observer"}});
  EXPECT_EQ(call("POST", "/v3/roles", Json{{"role", {{"name", "observer"}}}}, admin_).status, 409);
  EXPECT_EQ(json(call("GET", "/v3/roles", nullptr, admin_))["roles"].size(), 4u);
  EXPECT_EQ(json(call("GET", "/v3/roles/" + role, nullptr, admin_))["role"]["name"], "observer");
  EXPECT_EQ(call("DELETE", "/v3/roles/" + role, nullptr, admin_).status, 204);
  EXPECT_EQ(call("GET", "/v3/roles/" + role, nullptr, admin_).status, 404);
  EXPECT_EQ(call("PUT", "/v3/roles", nullptr, admin_).status, 405);
}

}  // namespace
}  // namespace neutrino::identity::testing
