#include <gtest/gtest.h>

#include "tests/unit/controller/identity/keystone_fixture.hpp"

namespace neutrino::identity::testing {
namespace {

using KeystoneAuthTest = KeystoneApiTest;

TEST_F(KeystoneAuthTest, VersionDocumentAtV3WithAndWithoutSlash) {
  for (const char* path : {"/v3", "/v3/"}) {
    const auto r = call("GET", path);
    ASSERT_EQ(r.status, 200) << path;
    const Json v = json(r)["version"];
    EXPECT_EQ(v["id"], "v3.14");
    EXPECT_EQ(v["status"], "stable");
    EXPECT_EQ(v["links"][0]["href"], kBase + "/v3/");
    EXPECT_EQ(v["media-types"][0]["type"], "application/vnd.openstack.identity-v3+json");
  }
  // The root belongs to Neutron.
  EXPECT_EQ(call("GET", "/").status, 404);
}

TEST_F(KeystoneAuthTest, PasswordAuthScopedByNames) {
  const auto r = call("POST", "/v3/auth/tokens", password_auth("admin", "adminpw", "admin"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(header(r, "X-Subject-Token").size(), 43u);
  const Json t = json(r)["token"];
  EXPECT_EQ(t["methods"], Json::array({"password"}));
  EXPECT_EQ(t["user"]["name"], "admin");
  EXPECT_EQ(t["user"]["domain"], Json({{"id", "default"}, {"name", "Default"}}));
  EXPECT_TRUE(t["user"]["password_expires_at"].is_null());
  EXPECT_EQ(t["project"]["name"], "admin");
  EXPECT_EQ(t["roles"][0]["name"], "admin");
  EXPECT_EQ(t["is_domain"], false);
  EXPECT_EQ(t["audit_ids"].size(), 1u);
  const std::string expires = t["expires_at"];
  EXPECT_EQ(expires.size(), 27u);
  EXPECT_EQ(expires.substr(19), ".000000Z");
  ASSERT_EQ(t["catalog"].size(), 4u);
  EXPECT_EQ(t["catalog"][0]["type"], "identity");
  EXPECT_EQ(t["catalog"][0]["endpoints"].size(), 3u);
  EXPECT_EQ(t["catalog"][0]["endpoints"][0]["url"], kBase + "/v3");
  EXPECT_EQ(t["catalog"][0]["endpoints"][0]["region_id"], "RegionOne");
  EXPECT_EQ(t["catalog"][1]["type"], "network");
  EXPECT_EQ(t["catalog"][1]["endpoints"][0]["url"], kBase);
  EXPECT_EQ(t["catalog"][2]["type"], "compute");
  EXPECT_EQ(t["catalog"][2]["endpoints"][0]["url"], kBase + "/compute/v2.1");
  EXPECT_EQ(t["catalog"][3]["type"], "image");
  EXPECT_EQ(t["catalog"][3]["endpoints"][0]["url"], kBase + "/image");
}

TEST_F(KeystoneAuthTest, PasswordAuthByIds) {
  const std::string token = admin_token();
  const Json me =
      json(call("GET", "/v3/auth/tokens", nullptr, token, {{"x-subject-token", token}}));
  const std::string user_id = me["token"]["user"]["id"];
  const std::string project_id = me["token"]["project"]["id"];
  const Json body = {{"auth",
                      {{"identity",
                        {{"methods", {"password"}},
                         {"password", {{"user", {{"id", user_id}, {"password", "adminpw"}}}}}}},
                       {"scope", {{"project", {{"id", project_id}}}}}}}};
  const auto r = call("POST", "/v3/auth/tokens?nocatalog", body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(json(r)["token"].contains("catalog"));
  EXPECT_EQ(json(r)["token"]["project"]["id"], project_id);
}

TEST_F(KeystoneAuthTest, WrongPasswordUnknownUserOrDomainIs401) {
  for (const auto& body :
       {password_auth("admin", "wrong", "admin"), password_auth("nobody", "adminpw", "admin"),
        password_auth("admin", "adminpw", "no-such-project")}) {
    const auto r = call("POST", "/v3/auth/tokens", body);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json(r)["error"]["code"], 401);
    EXPECT_EQ(json(r)["error"]["title"], "Unauthorized");
    EXPECT_EQ(json(r)["error"]["message"], "The request you have made requires authentication.");
    EXPECT_EQ(header(r, "WWW-Authenticate"), "Keystone uri=\"" + kBase + "/v3\"");
  }
  Json other_domain = password_auth("admin", "adminpw");
  other_domain["auth"]["identity"]["password"]["user"]["domain"] = {{"name", "Elsewhere"}};
  EXPECT_EQ(call("POST", "/v3/auth/tokens", other_domain).status, 401);
  EXPECT_EQ(call("POST", "/v3/auth/tokens", Json{{"auth", 1}}).status, 400);
  const auto garbage = call("POST", "/v3/auth/tokens", Json("not an object"));
  EXPECT_EQ(garbage.status, 400);
}

TEST_F(KeystoneAuthTest, UnscopedThenRescopedWithTokenMethod) {
  const auto r = call("POST", "/v3/auth/tokens", password_auth("admin", "adminpw"));
  ASSERT_EQ(r.status, 201);
  // The admin's default project is "admin", so an auth without scope lands there, as Keystone.
  EXPECT_EQ(json(r)["token"]["project"]["name"], "admin");

  Json unscoped = password_auth("admin", "adminpw");
  unscoped["auth"]["scope"] = "unscoped";
  const auto u = call("POST", "/v3/auth/tokens", unscoped);
  ASSERT_EQ(u.status, 201);
  EXPECT_FALSE(json(u)["token"].contains("project"));
  EXPECT_FALSE(json(u)["token"].contains("catalog"));
  const std::string token = header(u, "X-Subject-Token");
  EXPECT_EQ(call("GET", "/v3/auth/catalog", nullptr, token).status, 403);

  const Json rescope = {
      {"auth",
       {{"identity", {{"methods", {"token"}}, {"token", {{"id", token}}}}},
        {"scope", {{"project", {{"name", "admin"}, {"domain", {{"name", "Default"}}}}}}}}}};
  const auto s = call("POST", "/v3/auth/tokens", rescope);
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(json(s)["token"]["project"]["name"], "admin");
  EXPECT_EQ(json(s)["token"]["methods"], Json::array({"password", "token"}));
  EXPECT_EQ(json(s)["token"]["expires_at"], json(u)["token"]["expires_at"]);
}

TEST_F(KeystoneAuthTest, ProtectedCallsNeedAValidToken) {
  for (const char* path : {"/v3/projects", "/v3/users", "/v3/roles", "/v3/auth/projects"}) {
    EXPECT_EQ(call("GET", path).status, 401) << path;
    EXPECT_EQ(call("GET", path, nullptr, "bogus").status, 401) << path;
  }
}

TEST_F(KeystoneAuthTest, ValidateAndRevoke) {
  const std::string admin = admin_token();
  const std::string other = admin_token();
  const auto v = call("GET", "/v3/auth/tokens", nullptr, admin, {{"x-subject-token", other}});
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(header(v, "X-Subject-Token"), other);
  EXPECT_EQ(json(v)["token"]["roles"][0]["name"], "admin");
  EXPECT_EQ(call("HEAD", "/v3/auth/tokens", nullptr, admin, {{"x-subject-token", other}}).status,
            200);
  EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, admin, {{"x-subject-token", "junk"}}).status,
            404);

  EXPECT_EQ(call("DELETE", "/v3/auth/tokens", nullptr, admin, {{"x-subject-token", other}}).status,
            204);
  EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, admin, {{"x-subject-token", other}}).status,
            404);
  EXPECT_EQ(call("GET", "/v3/projects", nullptr, other).status, 401);
}

TEST_F(KeystoneAuthTest, CatalogAndAuthProjects) {
  const std::string token = admin_token();
  const auto c = call("GET", "/v3/auth/catalog", nullptr, token);
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(json(c)["catalog"].size(), 4u);  // identity, network, compute, image
  const auto p = call("GET", "/v3/auth/projects", nullptr, token);
  ASSERT_EQ(p.status, 200);
  ASSERT_EQ(json(p)["projects"].size(), 1u);
  EXPECT_EQ(json(p)["projects"][0]["name"], "admin");
  EXPECT_EQ(json(p)["links"]["self"], kBase + "/v3/auth/projects");
}

}  // namespace
}  // namespace neutrino::identity::testing
