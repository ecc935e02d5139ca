#include "agent/compute/desired_instance.hpp"

#include <gtest/gtest.h>

#include "tests/unit/agent/compute/compute_fixture.hpp"

namespace neutrino::agent {
namespace {

TEST(DesiredInstance, ParsesTheContractObject) {
  Json object = testing::instance_json(10);
  object["kernel_cmdline"] = "console=ttyS0";
  const DesiredInstance d = DesiredInstance::from_json(object);
  EXPECT_EQ(d.id, testing::uuid_of(10));
  EXPECT_EQ(d.name, "instance-0000000a");
  EXPECT_EQ(d.hostname, "vm10");
  EXPECT_EQ(d.memory_mb, 64);
  EXPECT_EQ(d.root_gb, 1);
  EXPECT_EQ(d.image.id, "image-1");
  EXPECT_EQ(d.image.os_hash_algo, "sha512");
  EXPECT_FALSE(d.kernel);
  EXPECT_EQ(d.kernel_cmdline, "console=ttyS0");
  ASSERT_EQ(d.ports.size(), 1u);
  EXPECT_EQ(d.ports[0].mtu, 1450);
  EXPECT_TRUE(d.running);
  EXPECT_FALSE(d.hard_reboot);
}

TEST(DesiredInstance, RefusesWhatWouldBreakPathsOrNames) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, Json>>{{"id", "../../etc"},
                                                 {"name", "instance-1; rm -rf"},
                                                 {"memory_mb", "lots"},
                                                 {"vcpus", 0},
                                                 {"power", "off"},
                                                 {"image", nullptr}}) {
    Json object = testing::instance_json(1);
    object[key] = value;
    EXPECT_THROW(DesiredInstance::from_json(object), std::invalid_argument) << key;
  }
}

TEST(DesiredInstance, CollectsInstancesAndInvalidOnes) {
  channel::HostState state = testing::state_of({testing::instance_json(1)});
  state["instance:bad"] = {{"id", "bad"}};
  state["port:p"] = {{"id", "p"}};
  std::map<std::string, std::string> invalid;
  const auto instances = desired_instances(state, &invalid);
  EXPECT_EQ(instances.size(), 1u);
  EXPECT_TRUE(instances.contains(testing::uuid_of(1)));
  EXPECT_TRUE(invalid.contains("bad"));
}

}  // namespace
}  // namespace neutrino::agent
