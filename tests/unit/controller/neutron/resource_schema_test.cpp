#include "controller/neutron/resource_schema.hpp"

#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/neutron/resource_schemas.hpp"

namespace neutrino::neutron {
namespace {

const char* kNet = "6a1b9c3e-0000-4000-8000-000000000001";

std::string message_of(const Json& body, Operation op) {
  try {
    port_schema().validate(body, op);
  } catch (const api::ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "";
}

TEST(ResourceSchemaTest, ConvertsNeutronBooleansAndIntegers) {
  const Json out = network_schema().validate(
      {{"admin_state_up", "False"}, {"mtu", "1400"}, {"name", "n"}}, Operation::kCreate);
  EXPECT_EQ(out["admin_state_up"], false);
  EXPECT_EQ(out["mtu"], 1400);
  EXPECT_EQ(out["name"], "n");
}

TEST(ResourceSchemaTest, RefusesWithNeutronMessages) {
  EXPECT_EQ(message_of({{"network_id", kNet}, {"foo", 1}, {"bar", 2}}, Operation::kCreate),
            "Unrecognized attribute(s) 'bar', 'foo'");
  EXPECT_EQ(message_of({{"name", "x"}}, Operation::kCreate),
            "Failed to parse request. Required attribute 'network_id' not specified");
  EXPECT_EQ(message_of({{"network_id", kNet}, {"status", "ACTIVE"}}, Operation::kCreate),
            "Attribute 'status' not allowed in POST");
  EXPECT_EQ(message_of({{"network_id", "y"}}, Operation::kUpdate),
            "Cannot update read-only attribute network_id");
  EXPECT_EQ(message_of({{"network_id", kNet}, {"admin_state_up", "maybe"}}, Operation::kCreate),
            "Invalid input for operation: 'maybe' cannot be converted to boolean.");
  EXPECT_EQ(message_of({{"network_id", "not-a-uuid"}}, Operation::kCreate),
            "Invalid input for network_id. Reason: 'not-a-uuid' is not a valid UUID.");
  EXPECT_EQ(message_of({{"network_id", kNet}, {"name", 5}}, Operation::kCreate),
            "Invalid input for name. Reason: '5' is not a valid string.");
  EXPECT_NE(message_of({{"network_id", kNet}, {"name", std::string(256, 'a')}}, Operation::kCreate)
                .find("exceeds maximum length of 255"),
            std::string::npos);
  EXPECT_EQ(message_of(Json::array(), Operation::kCreate), "Unable to find 'port' in request body");
}

TEST(ResourceSchemaTest, UpdatesMayOmitRequiredAttributes) {
  EXPECT_NO_THROW(subnet_schema().validate({{"name", "renamed"}}, Operation::kUpdate));
  EXPECT_TRUE(network_schema().attribute_names().contains("provider:network_type"));
}

}  // namespace
}  // namespace neutrino::neutron
