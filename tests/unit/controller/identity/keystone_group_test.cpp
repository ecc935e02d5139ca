// Keystone's groups and their members through the API.
#include <gtest/gtest.h>

#include "tests/unit/controller/identity/keystone_fixture.hpp"

namespace neutrino::identity::testing {
namespace {

class KeystoneGroupTest : public KeystoneApiTest {
 protected:
  std::string admin_ = admin_token();
};

TEST_F(KeystoneGroupTest, GroupLifecycleAndMembers) {
  const auto created =
      call("POST", "/v3/groups", Json{{"group", {{"name", "ops"}, {"description", "d"}}}}, admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  const Json group = json(created)["group"];
  const std::string id = group["id"];
  EXPECT_EQ(group["domain_id"], "default");
  EXPECT_EQ(group["links"]["self"], kBase + "/v3/groups/" + id);
  EXPECT_EQ(call("POST", "/v3/groups", Json{{"group", {{"name", "ops"}}}}, admin_).status, 409);

  EXPECT_EQ(json(call("GET", "/v3/groups?domain_id=default", nullptr, admin_))["groups"].size(),
            1u);
  EXPECT_EQ(json(call("GET", "/v3/groups?domain_id=other", nullptr, admin_))["groups"].size(), 0u);
  EXPECT_EQ(json(call("GET", "/v3/groups?name=ops", nullptr, admin_))["groups"][0]["id"], id);

  const auto renamed =
      call("PATCH", "/v3/groups/" + id, Json{{"group", {{"name", "operators"}}}}, admin_);
  EXPECT_EQ(json(renamed)["group"]["name"], "operators");
  EXPECT_EQ(json(renamed)["group"]["description"], "d");

  const std::string user =
      json(call("POST", "/v3/users", Json{{"user", {{"name", "u1"}, {"password", "pw"}}}},
                admin_))["user"]["id"];
  const std::string member = "/v3/groups/" + id + "/users/" + user;
  EXPECT_EQ(call("GET", member, nullptr, admin_).status, 404);
  EXPECT_EQ(call("PUT", member, nullptr, admin_).status, 204);
  EXPECT_EQ(call("HEAD", member, nullptr, admin_).status, 204);
  EXPECT_EQ(json(call("GET", "/v3/groups/" + id + "/users", nullptr, admin_))["users"][0]["id"],
            user);
  EXPECT_EQ(json(call("GET", "/v3/users/" + user + "/groups", nullptr, admin_))["groups"][0]["id"],
            id);
  EXPECT_EQ(call("PUT", "/v3/groups/" + id + "/users/nobody", nullptr, admin_).status, 404);
  EXPECT_EQ(call("DELETE", member, nullptr, admin_).status, 204);
  EXPECT_EQ(call("DELETE", member, nullptr, admin_).status, 404);

  // a member of a project is not an identity admin
  const std::string member_token = [&] {
    const std::string project = json(
        call("POST", "/v3/projects", Json{{"project", {{"name", "p1"}}}}, admin_))["project"]["id"];
    const std::string role =
        json(call("GET", "/v3/roles?name=member", nullptr, admin_))["roles"][0]["id"];
    call("PUT", "/v3/projects/" + project + "/users/" + user + "/roles/" + role, nullptr, admin_);
    return token_for("u1", "pw", "p1");
  }();
  EXPECT_EQ(call("GET", "/v3/groups", nullptr, member_token).status, 403);

  EXPECT_EQ(call("DELETE", "/v3/groups/" + id, nullptr, admin_).status, 204);
  EXPECT_EQ(call("GET", "/v3/groups/" + id, nullptr, admin_).status, 404);
}

}  // namespace
}  // namespace neutrino::identity::testing
