// Tokens end the moment what backs them goes: Keystone's revocation events for deleted or
// disabled users and projects, removed role assignments and deleted roles. Validation reads the
// store on every request, so nothing cached keeps a token alive.
#include <gtest/gtest.h>

#include "tests/unit/controller/identity/keystone_fixture.hpp"

namespace neutrino::identity::testing {
namespace {

class KeystoneRevocationTest : public KeystoneApiTest {
 protected:
  KeystoneRevocationTest() {
    admin_ = admin_token();
    project_ = create("projects", "project", {{"name", "demo"}});
    user_ = create("users", "user", {{"name", "erin"}, {"password", "erin-pw"}});
    grant("member");
    grant("reader");
    token_ = token_for("erin", "erin-pw", "demo");
  }

  std::string create(const std::string& collection, const std::string& key, const Json& body) {
    const auto r = call("POST", "/v3/" + collection, Json{{key, body}}, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r)[key]["id"];
  }
  std::string role_id(const std::string& name) {
    return json(call("GET", "/v3/roles?name=" + name, nullptr, admin_))["roles"][0]["id"];
  }
  std::string grant_path(const std::string& role) {
    return "/v3/projects/" + project_ + "/users/" + user_ + "/roles/" + role_id(role);
  }
  void grant(const std::string& role) {
    EXPECT_EQ(call("PUT", grant_path(role), nullptr, admin_).status, 204);
  }

  // What a service does with the token (401 once it is gone) and what Keystone says of it.
  void expect_valid(const std::string& token) {
    EXPECT_EQ(call("GET", "/v3/auth/projects", nullptr, token).status, 200);
    EXPECT_TRUE(tokens_.validate(token).has_value());
    EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, admin_, {{"x-subject-token", token}}).status,
              200);
  }
  void expect_revoked(const std::string& token) {
    EXPECT_EQ(call("GET", "/v3/auth/projects", nullptr, token).status, 401);
    EXPECT_FALSE(tokens_.validate(token).has_value());
    EXPECT_EQ(call("GET", "/v3/auth/tokens", nullptr, admin_, {{"x-subject-token", token}}).status,
              404);
  }

  std::string admin_;
  std::string project_;
  std::string user_;
  std::string token_;
};

TEST_F(KeystoneRevocationTest, DeletingTheProjectEndsItsTokensAtOnce) {
  expect_valid(token_);
  EXPECT_EQ(call("DELETE", "/v3/projects/" + project_, nullptr, admin_).status, 204);
  expect_revoked(token_);
}

TEST_F(KeystoneRevocationTest, DeletingTheUserEndsItsTokens) {
  Json unscoped = password_auth("erin", "erin-pw");
  unscoped["auth"]["scope"] = "unscoped";
  const std::string plain = header(call("POST", "/v3/auth/tokens", unscoped), "X-Subject-Token");
  expect_valid(token_);
  EXPECT_EQ(call("DELETE", "/v3/users/" + user_, nullptr, admin_).status, 204);
  expect_revoked(token_);
  EXPECT_FALSE(tokens_.validate(plain).has_value());
}

TEST_F(KeystoneRevocationTest, DisablingTheProjectRevokesForGood) {
  const auto patch = [&](bool enabled) {
    return call("PATCH", "/v3/projects/" + project_, Json{{"project", {{"enabled", enabled}}}},
                admin_)
        .status;
  };
  EXPECT_EQ(patch(false), 200);
  expect_revoked(token_);
  EXPECT_EQ(patch(true), 200);
  expect_revoked(token_);  // Keystone's revocation event outlives the re-enable
  expect_valid(token_for("erin", "erin-pw", "demo"));
}

TEST_F(KeystoneRevocationTest, DisablingTheUserRevokesForGood) {
  const auto patch = [&](bool enabled) {
    return call("PATCH", "/v3/users/" + user_, Json{{"user", {{"enabled", enabled}}}}, admin_)
        .status;
  };
  EXPECT_EQ(patch(false), 200);
  expect_revoked(token_);
  EXPECT_EQ(token_for("erin", "erin-pw", "demo"), "");
  EXPECT_EQ(patch(true), 200);
  expect_revoked(token_);
  expect_valid(token_for("erin", "erin-pw", "demo"));
}

TEST_F(KeystoneRevocationTest, RemovingOneRoleAssignmentRevokesEvenWithAnotherLeft) {
  const std::string elsewhere = create("projects", "project", {{"name", "other"}});
  EXPECT_EQ(
      call("PUT", "/v3/projects/" + elsewhere + "/users/" + user_ + "/roles/" + role_id("member"),
           nullptr, admin_)
          .status,
      204);
  const std::string other_token = token_for("erin", "erin-pw", "other");
  EXPECT_EQ(call("DELETE", grant_path("reader"), nullptr, admin_).status, 204);
  expect_revoked(token_);
  expect_valid(other_token);  // only the tokens of that project go
  const std::string fresh = token_for("erin", "erin-pw", "demo");
  const Json shown =
      json(call("GET", "/v3/auth/tokens", nullptr, fresh, {{"x-subject-token", fresh}}));
  EXPECT_EQ(shown["token"]["roles"].size(), 1u);
}

TEST_F(KeystoneRevocationTest, DeletingARoleRevokesTheTokensItBacked) {
  const std::string bystander = admin_token();
  EXPECT_EQ(call("DELETE", "/v3/roles/" + role_id("reader"), nullptr, admin_).status, 204);
  expect_revoked(token_);
  expect_valid(bystander);
}

TEST_F(KeystoneRevocationTest, RescopingToAProjectWithoutARoleIsRefused) {
  const std::string elsewhere = create("projects", "project", {{"name", "other"}});
  for (const Json& project :
       {Json{{"id", elsewhere}}, Json{{"name", "other"}, {"domain", {{"id", "default"}}}},
        Json{{"name", "admin"}, {"domain", {{"id", "default"}}}}}) {
    const Json rescope = {{"auth",
                           {{"identity", {{"methods", {"token"}}, {"token", {{"id", token_}}}}},
                            {"scope", {{"project", project}}}}}};
    const auto r = call("POST", "/v3/auth/tokens", rescope);
    EXPECT_EQ(r.status, 401) << project.dump();
    EXPECT_EQ(header(r, "X-Subject-Token"), "");
  }
  expect_valid(token_);
}

}  // namespace
}  // namespace neutrino::identity::testing
