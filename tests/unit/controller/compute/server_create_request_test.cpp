// The boot request body, checked before anything is looked up.
#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/compute/server_create_request.hpp"

namespace neutrino::compute {
namespace {

identity::AuthContext member() {
  identity::AuthContext ctx;
  ctx.project_id = "p";
  ctx.roles = {"member"};
  return ctx;
}

identity::AuthContext admin() {
  identity::AuthContext ctx = member();
  ctx.roles = {"admin"};
  return ctx;
}

Json body(Json extra = Json::object()) {
  Json server = {{"name", "vm"}, {"imageRef", "img"}, {"flavorRef", "42"}};
  for (const auto& [k, v] : extra.items()) {
    server[k] = v;
  }
  return {{"server", server}};
}

std::pair<int, std::string> refusal(const Json& b, ApiVersion v = kMinVersion,
                                    const identity::AuthContext& ctx = member()) {
  try {
    parse_server_create(b, v, ctx);
  } catch (const api::ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

TEST(ServerCreateRequest, ReadsWhatNovaAccepts) {
  const auto r = parse_server_create(
      body({{"flavorRef", "http://h/compute/v2.1/flavors/7"},
            {"networks", Json::array({{{"uuid", "11111111-2222-3333-4444-555555555555"}}})},
            {"key_name", "k"},
            {"user_data", "I2Nsb3Vk\nLWNvbmZpZw=="},
            {"availability_zone", "az1"},
            {"security_groups", Json::array({{{"name", "web"}}, {{"name", "web"}}})},
            {"metadata", {{"a", "b"}}},
            {"min_count", 2},
            {"max_count", 3}}),
      kMinVersion, member());
  EXPECT_EQ(r.flavor_ref, "7");
  EXPECT_EQ(r.networks_mode, ServerCreateRequest::Networks::kList);
  EXPECT_EQ(r.networks[0].network_id, "11111111-2222-3333-4444-555555555555");
  const auto fixed = parse_server_create(
      body({{"networks", Json::array({{{"uuid", "11111111-2222-3333-4444-555555555555"},
                                       {"fixed_ip", "10.0.0.5"}}})}}),
      kMinVersion, member());
  EXPECT_EQ(fixed.networks[0].fixed_ip, "10.0.0.5");
  EXPECT_EQ(r.user_data, "I2Nsb3VkLWNvbmZpZw==");
  EXPECT_EQ(r.availability_zone, "az1");
  EXPECT_EQ(r.security_groups, (std::vector<std::string>{"web"}));
  EXPECT_EQ(r.min_count, 2);
  EXPECT_EQ(r.max_count, 3);
}

TEST(ServerCreateRequest, NetworksAtEachMicroversion) {
  EXPECT_EQ(parse_server_create(body(), kMinVersion, member()).networks_mode,
            ServerCreateRequest::Networks::kUnspecified);
  EXPECT_EQ(refusal(body(), ApiVersion{2, 37}).second,
            "Invalid input for field/attribute server. Value: "
            "{\"flavorRef\":\"42\",\"imageRef\":\"img\",\"name\":\"vm\"}. 'networks' is a required "
            "property");
  EXPECT_EQ(
      parse_server_create(body({{"networks", "none"}}), ApiVersion{2, 37}, member()).networks_mode,
      ServerCreateRequest::Networks::kNone);
  EXPECT_EQ(refusal(body({{"networks", "some"}}), ApiVersion{2, 37}).first, 400);
  EXPECT_EQ(refusal(body({{"networks", Json::array({{{"uuid", "not-a-uuid"}}})}})).second,
            "Bad networks format: network uuid is not in proper format (not-a-uuid)");
}

TEST(ServerCreateRequest, RefusesWhatNovaRefuses) {
  EXPECT_EQ(refusal({{"servers", {}}}).first, 400);
  EXPECT_EQ(refusal(body({{"name", ""}})).first, 400);
  EXPECT_EQ(refusal(body({{"unknown", 1}})).second,
            "Invalid input for field/attribute server. Value: "
            "{\"flavorRef\":\"42\",\"imageRef\":\"img\",\"name\":\"vm\",\"unknown\":1}. Additional "
            "properties are not allowed ('unknown' was unexpected)");
  EXPECT_EQ(refusal(body({{"user_data", "%%%"}})).second, "User data needs to be valid base 64.");
  EXPECT_EQ(refusal(body({{"min_count", 3}, {"max_count", 2}})).second,
            "min_count must be <= max_count");
  EXPECT_EQ(refusal(body({{"availability_zone", "nova:compute1"}})).first, 403);
  EXPECT_EQ(refusal(body({{"description", "d"}})).first, 400);  // before 2.19
  EXPECT_EQ(refusal(body({{"host", "compute1"}, {"networks", "none"}}), ApiVersion{2, 74}).first,
            403);
  EXPECT_EQ(
      refusal(body({{"max_count", 2},
                    {"networks", Json::array({{{"uuid", "11111111-2222-3333-4444-555555555555"},
                                               {"fixed_ip", "10.0.0.5"}}})}}))
          .second,
      "Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is "
      "specified.");
  EXPECT_EQ(refusal(body({{"block_device_mapping_v2", Json::array({{{"uuid", "v"}}})}})).first,
            400);
  EXPECT_EQ(refusal(body({{"max_count", 2},
                          {"networks",
                           Json::array({{{"port", "11111111-2222-3333-4444-555555555555"}}})}}))
                .first,
            400);
}

TEST(ServerCreateRequest, AdminsMayNameAHost) {
  const auto r = parse_server_create(body({{"availability_zone", "nova:compute1:node1"}}),
                                     kMinVersion, admin());
  EXPECT_EQ(r.availability_zone, "nova");
  EXPECT_EQ(r.host, "compute1");
  EXPECT_EQ(r.node, "node1");
  EXPECT_EQ(
      parse_server_create(body({{"host", "c2"}, {"networks", "none"}}), ApiVersion{2, 74}, admin())
          .host,
      "c2");
}

}  // namespace
}  // namespace neutrino::compute
