#include "agent/compute/host_usage.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/compute/temp_dir.hpp"

namespace neutrino::agent {
namespace {

using compute::DomainStatus;
using compute::PowerState;

TEST(HostUsage, ActiveDomainsHoldCpusAndMemoryStoppedOnesDoNot) {
  const std::vector<DomainStatus> domains = {
      {"instance-00000001", "u1", PowerState::kRunning, 2, 512},
      {"instance-00000002", "u2", PowerState::kPaused, 1, 64},
      {"instance-00000003", "u3", PowerState::kShutdown, 4, 1024},
      {"instance-00000004", "u4", PowerState::kCrashed, 8, 2048},
  };
  const HostUsage usage = usage_of_domains(domains);
  EXPECT_EQ(usage.instances, 4);
  EXPECT_EQ(usage.running, 2);
  EXPECT_EQ(usage.vcpus, 3);
  EXPECT_EQ(usage.memory_mb, 576);
  EXPECT_EQ(usage.disk_gb, 0);
  EXPECT_EQ(usage_of_domains({}), HostUsage{});
}

TEST(HostUsage, DiskCountsWhatFilesHoldRoundedUp) {
  compute::testing::TempDir dir;
  EXPECT_EQ(measure_host_usage({}, dir.path()).disk_gb, 0);
  std::filesystem::create_directories(dir.path() + "/u1");
  {
    std::ofstream disk(dir.path() + "/u1/disk");
    disk << std::string(1 << 20, 'x');
  }
  { std::ofstream sparse(dir.path() + "/u1/sparse"); }
  std::filesystem::resize_file(dir.path() + "/u1/sparse", int64_t{8} << 30);  // holds nothing
  const HostUsage usage = measure_host_usage({}, dir.path());
  EXPECT_EQ(usage.disk_gb, 1);
  EXPECT_GE(usage.disk_available_gb, 0);
}

TEST(HostUsage, JsonForTheHello) {
  HostUsage usage;
  usage.vcpus = 1;
  usage.memory_mb = 64;
  usage.disk_gb = 2;
  usage.disk_available_gb = 30;
  usage.instances = 2;
  usage.running = 1;
  EXPECT_EQ(usage.to_json(), Json::parse(R"({"vcpus": 1, "memory_mb": 64, "disk_gb": 2,
      "disk_available_gb": 30, "instances": 2, "running": 1})"));
}

}  // namespace
}  // namespace neutrino::agent
