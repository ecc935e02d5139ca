#include "controller/neutron/port_device_attributes.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class PortDeviceAttributesTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
  }
  Json port(Json extra = Json::object()) {
    Json body = {{"network_id", network_id_}};
    body.update(extra);
    return create_port(alice_, body);
  }
  std::string network_id_;
};

TEST_F(PortDeviceAttributesTest, UnsetAttributesShowAsNull) {
  const Json p = port();
  ASSERT_TRUE(p.contains("numa_affinity_policy"));
  EXPECT_TRUE(p["numa_affinity_policy"].is_null());
  ASSERT_TRUE(p.contains("device_profile"));
  EXPECT_TRUE(p["device_profile"].is_null());
}

TEST_F(PortDeviceAttributesTest, NumaPolicyIsSetChangedAndCleared) {
  const Json p = port({{"numa_affinity_policy", "required"}});
  EXPECT_EQ(p["numa_affinity_policy"], "required");
  for (const char* policy : {"preferred", "legacy", "socket"}) {
    EXPECT_EQ(
        update_port(alice_, p["id"], {{"numa_affinity_policy", policy}})["numa_affinity_policy"],
        policy);
  }
  const Json cleared = update_port(alice_, p["id"], {{"numa_affinity_policy", nullptr}});
  EXPECT_TRUE(cleared["numa_affinity_policy"].is_null());
  EXPECT_GT(cleared["revision_number"].get<int>(), p["revision_number"].get<int>());
  // Another change leaves the policy alone.
  update_port(alice_, p["id"], {{"numa_affinity_policy", "legacy"}});
  EXPECT_EQ(update_port(alice_, p["id"], {{"name", "x"}})["numa_affinity_policy"], "legacy");
}

TEST_F(PortDeviceAttributesTest, UnknownNumaPolicyIsBadRequestAndStoresNothing) {
  EXPECT_EQ(refusal([&] {
              port({{"numa_affinity_policy", "anywhere"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] { port({{"numa_affinity_policy", 1}}); }), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
  const Json p = port({{"numa_affinity_policy", "preferred"}});
  EXPECT_EQ(refusal([&] {
              update_port(alice_, p["id"], {{"numa_affinity_policy", "Required"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE numa_affinity_policy = 'preferred'"), 1);
}

TEST_F(PortDeviceAttributesTest, DeviceProfileIsSetOnCreateOnly) {
  const Json p = port({{"device_profile", "gpu-profile"}});
  EXPECT_EQ(p["device_profile"], "gpu-profile");
  EXPECT_EQ(refusal([&] {
              update_port(alice_, p["id"], {{"device_profile", "other"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              port({{"device_profile", std::string(256, 'x')}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_TRUE(port({{"device_profile", nullptr}})["device_profile"].is_null());
  // Everyone who sees the port sees both, in lists too.
  const auto listed = db().read([&](store::SqlSession& s) { return ports_.list(s, alice_); });
  bool found = false;
  for (const auto& item : listed) {
    if (item["id"] == p["id"]) {
      found = true;
      EXPECT_EQ(item["device_profile"], "gpu-profile");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace neutrino::neutron
