#include "agent/compute/desired_instance.hpp"

#include <gtest/gtest.h>

#include "common/model/host_model.hpp"
#include "tests/unit/agent/compute/compute_fixture.hpp"

namespace neutrino::agent {
namespace {

// Through the codec, as the agent's host model decodes the channel's object.
DesiredInstance from_wire(const Json& object) {
  return DesiredInstance::from_model(object.get<model::Instance>());
}

TEST(DesiredInstance, ParsesTheContractObject) {
  Json object = testing::instance_json(10);
  object["kernel_cmdline"] = "console=ttyS0";
  const DesiredInstance d = from_wire(object);
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

TEST(DesiredInstance, ReadsAHardRebootAndNoCmdline) {
  Json object = testing::instance_json(1);
  object["reboot_type"] = "HARD";
  object["reboot_count"] = 2;
  object["power"] = "stopped";
  const DesiredInstance d = from_wire(object);
  EXPECT_TRUE(d.hard_reboot);
  EXPECT_EQ(d.reboot_count, 2);
  EXPECT_FALSE(d.running);
  EXPECT_EQ(d.kernel_cmdline, "");
}

TEST(DesiredInstance, RefusesWhatWouldBreakPathsOrNames) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, Json>>{{"id", "../../etc"},
                                                 {"name", "instance-1; rm -rf"},
                                                 {"memory_mb", 8},
                                                 {"vcpus", 0},
                                                 {"vcpus", 4096},
                                                 {"root_gb", int64_t{1} << 21},
                                                 {"power", "off"},
                                                 {"image", nullptr},
                                                 {"image", {{"disk_format", "raw"}}},
                                                 {"kernel", {{"disk_format", "aki"}}},
                                                 {"reboot_count", -1},
                                                 {"start_count", -1}}) {
    Json object = testing::instance_json(1);
    object[key] = value;
    EXPECT_THROW(from_wire(object), std::invalid_argument) << key << " " << value.dump();
  }
}

TEST(DesiredInstance, RefusesPortsItCannotPlug) {
  for (const auto& [key, value] : std::vector<std::pair<std::string, Json>>{
           {"id", ""}, {"mac_address", ""}, {"mtu", 70000}, {"mtu", -1}}) {
    Json object = testing::instance_json(1);
    object["ports"][0][key] = value;
    EXPECT_THROW(from_wire(object), std::invalid_argument) << key << " " << value.dump();
  }
}

// A member missing or of the wrong JSON type: the host model drops the object (and logs it),
// so compute never sees the instance, where it used to report it as a fault.
TEST(DesiredInstance, ObjectsThatDoNotDecodeNeverReachCompute) {
  Json wrong_type = testing::instance_json(1);
  wrong_type["memory_mb"] = "lots";
  Json missing = testing::instance_json(2);
  missing.erase("power");
  model::HostModel host;
  host.apply("instance:" + testing::uuid_of(1), &wrong_type);
  host.apply("instance:" + testing::uuid_of(2), &missing);
  EXPECT_TRUE(host.instances().empty());
}

TEST(DesiredInstance, CollectsInstancesAndInvalidOnes) {
  Json bad = testing::instance_json(2);
  bad["name"] = "vm-2";
  std::map<std::string, std::string> invalid;
  const auto instances =
      desired_instances(testing::state_of({testing::instance_json(1), bad}), &invalid);
  EXPECT_EQ(instances.size(), 1u);
  EXPECT_TRUE(instances.contains(testing::uuid_of(1)));
  ASSERT_TRUE(invalid.contains(testing::uuid_of(2)));
  EXPECT_NE(invalid[testing::uuid_of(2)].find("vm-2"), std::string::npos);
}

}  // namespace
}  // namespace neutrino::agent
