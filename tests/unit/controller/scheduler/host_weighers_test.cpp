// Nova's weighing: raw weights normalised between 0 and the largest, times the multiplier.
#include <gtest/gtest.h>

#include "controller/scheduler/host_weighers.hpp"

namespace neutrino::scheduler {
namespace {

HostState host(const std::string& name, int64_t memory_mb, int64_t memory_used) {
  HostState h;
  h.host = name;
  h.vcpus = 4;
  h.memory_mb = memory_mb;
  h.memory_mb_used = memory_used;
  h.local_gb = 100;
  return h;
}

TEST(HostWeighers, RamWeigherPrefersTheMostFreeMemory) {
  const SchedulerSettings settings;
  const HostState a = host("a", 4096, 2048);  // 1536 free after the 512 reserved
  const HostState b = host("b", 4096, 0);     // 3584 free
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<RamWeigher>());
  const auto weights = weigh_hosts({&a, &b}, weighers, settings);
  EXPECT_DOUBLE_EQ(weights[1], 1.0);
  EXPECT_DOUBLE_EQ(weights[0], 1536.0 / 3584.0);
}

TEST(HostWeighers, ANegativeMultiplierPacks) {
  SchedulerSettings settings;
  settings.ram_weight_multiplier = -1.0;
  const HostState a = host("a", 4096, 2048);
  const HostState b = host("b", 4096, 0);
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<RamWeigher>());
  const auto weights = weigh_hosts({&a, &b}, weighers, settings);
  EXPECT_GT(weights[0], weights[1]);
}

TEST(HostWeighers, EqualHostsWeighTheSameAndOneHostIsNotWeighed) {
  const SchedulerSettings settings;
  const HostState a = host("a", 4096, 0);
  const HostState b = host("b", 4096, 0);
  const auto weighers = default_weighers();
  // Each of the three weighers gives both hosts its full 1.0 (minval 0, as in Nova).
  EXPECT_EQ(weigh_hosts({&a, &b}, weighers, settings), (std::vector<double>{3.0, 3.0}));
  EXPECT_EQ(weigh_hosts({&a}, weighers, settings), (std::vector<double>{0.0}));
}

TEST(HostWeighers, NegativeFreeMemoryClampsAtZero) {
  const SchedulerSettings settings;
  const HostState full = host("a", 4096, 4096);  // -512 free: overcommitted by the reservation
  const HostState b = host("b", 4096, 2048);
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<RamWeigher>());
  const auto weights = weigh_hosts({&full, &b}, weighers, settings);
  EXPECT_DOUBLE_EQ(weights[0], 0.0);
  EXPECT_DOUBLE_EQ(weights[1], 1.0);
}

}  // namespace
}  // namespace neutrino::scheduler
