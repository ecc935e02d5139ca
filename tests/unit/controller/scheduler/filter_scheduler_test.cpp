// Selection over several hosts and instances: spreading, packing, consumption between the
// instances of one request, and the reasons given when nothing fits.
#include <gtest/gtest.h>

#include "controller/scheduler/filter_scheduler.hpp"

namespace neutrino::scheduler {
namespace {

HostState host(const std::string& name, int64_t vcpus, int64_t memory_mb) {
  HostState h;
  h.host = name;
  h.node = name;
  h.vcpus = vcpus;
  h.memory_mb = memory_mb;
  h.local_gb = 100;
  return h;
}

RequestSpec small() {
  RequestSpec s;
  s.vcpus = 1;
  s.memory_mb = 512;
  s.root_gb = 1;
  return s;
}

TEST(FilterScheduler, SpreadsInstancesOverHostsByDefault) {
  FilterScheduler scheduler{SchedulerSettings{}};
  std::vector<HostState> hosts = {host("a", 4, 4096), host("b", 4, 4096)};
  const Selection s = scheduler.select(hosts, small(), 4);
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.hosts, (std::vector<std::string>{"a", "b", "a", "b"}));
  EXPECT_EQ(hosts[0].memory_mb_used, 1024);
  EXPECT_EQ(hosts[1].running_vms, 2);
}

TEST(FilterScheduler, PacksWhenTheRamMultiplierIsNegative) {
  SchedulerSettings settings;
  settings.ram_weight_multiplier = -1.0;
  settings.cpu_weight_multiplier = 0.0;
  settings.disk_weight_multiplier = 0.0;
  FilterScheduler scheduler{settings};
  std::vector<HostState> hosts = {host("a", 4, 4096), host("b", 4, 4096)};
  const Selection s = scheduler.select(hosts, small(), 3);
  ASSERT_TRUE(s.found);
  // The first lands on "a" (a tie), then "a" has less free memory and keeps winning.
  EXPECT_EQ(s.hosts, (std::vector<std::string>{"a", "a", "a"}));
}

TEST(FilterScheduler, ReportsWhichFilterLeftNoHost) {
  FilterScheduler scheduler{SchedulerSettings{}};
  std::vector<HostState> hosts = {host("a", 1, 1024)};
  RequestSpec big = small();
  big.memory_mb = 4096;
  const Selection s = scheduler.select(hosts, big, 1);
  EXPECT_FALSE(s.found);
  EXPECT_EQ(s.reason, "There are not enough hosts available.");
  EXPECT_EQ(s.details, "Filter RamFilter returned 0 hosts");
  EXPECT_EQ(hosts[0].memory_mb_used, 0);  // nothing consumed
}

TEST(FilterScheduler, NoHostsAtAll) {
  FilterScheduler scheduler{SchedulerSettings{}};
  std::vector<HostState> hosts;
  const Selection s = scheduler.select(hosts, small(), 1);
  EXPECT_FALSE(s.found);
  EXPECT_EQ(s.reason, "There are not enough hosts available.");
  EXPECT_EQ(s.details, "No compute hosts are registered.");
}

TEST(FilterScheduler, ARequestFailsWholeWhenItsLastInstanceDoesNotFit) {
  FilterScheduler scheduler{SchedulerSettings{}};
  std::vector<HostState> hosts = {host("a", 4, 1536)};  // 1024 MB usable: two small ones
  const Selection s = scheduler.select(hosts, small(), 3);
  EXPECT_FALSE(s.found);
  EXPECT_TRUE(s.hosts.empty());
}

TEST(FilterScheduler, DownAndDisabledHostsAreSkipped) {
  FilterScheduler scheduler{SchedulerSettings{}};
  std::vector<HostState> hosts = {host("a", 4, 8192), host("b", 4, 4096), host("c", 4, 4096)};
  hosts[0].up = false;
  hosts[1].enabled = false;
  const Selection s = scheduler.select(hosts, small(), 2);
  ASSERT_TRUE(s.found);
  EXPECT_EQ(s.hosts, (std::vector<std::string>{"c", "c"}));
  hosts[2].enabled = false;
  const Selection none = scheduler.select(hosts, small(), 1);
  EXPECT_FALSE(none.found);
  EXPECT_EQ(none.details, "Filter ComputeFilter returned 0 hosts");
}

}  // namespace
}  // namespace neutrino::scheduler
