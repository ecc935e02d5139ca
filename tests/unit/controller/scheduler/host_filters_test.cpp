// Nova's filter semantics with placement's arithmetic: used + requested <= (total - reserved)
// * ratio, and the service/zone/destination filters.
#include <gtest/gtest.h>

#include "controller/scheduler/host_filters.hpp"

namespace neutrino::scheduler {
namespace {

HostState host(int64_t vcpus, int64_t memory_mb, int64_t disk_gb) {
  HostState h;
  h.host = "compute1";
  h.node = "compute1";
  h.vcpus = vcpus;
  h.memory_mb = memory_mb;
  h.local_gb = disk_gb;
  return h;
}

RequestSpec spec(int64_t vcpus, int64_t memory_mb, int64_t root_gb) {
  RequestSpec s;
  s.vcpus = vcpus;
  s.memory_mb = memory_mb;
  s.root_gb = root_gb;
  return s;
}

TEST(HostFilters, ComputeFilterWantsAnUpAndEnabledService) {
  const SchedulerSettings settings;
  HostState h = host(4, 4096, 40);
  EXPECT_TRUE(ComputeFilter().passes(h, spec(1, 64, 1), settings));
  h.up = false;
  EXPECT_FALSE(ComputeFilter().passes(h, spec(1, 64, 1), settings));
  h.up = true;
  h.enabled = false;
  EXPECT_FALSE(ComputeFilter().passes(h, spec(1, 64, 1), settings));
}

TEST(HostFilters, AvailabilityZoneFilterMatchesTheRequestedZoneOnly) {
  const SchedulerSettings settings;
  HostState h = host(4, 4096, 40);
  h.availability_zone = "az1";
  RequestSpec s = spec(1, 64, 1);
  EXPECT_TRUE(AvailabilityZoneFilter().passes(h, s, settings));  // no zone asked: any
  s.availability_zone = "az1";
  EXPECT_TRUE(AvailabilityZoneFilter().passes(h, s, settings));
  s.availability_zone = "az2";
  EXPECT_FALSE(AvailabilityZoneFilter().passes(h, s, settings));
}

TEST(HostFilters, RequestedDestinationFilterKeepsTheNamedHostAndNode) {
  const SchedulerSettings settings;
  HostState h = host(4, 4096, 40);
  RequestSpec s = spec(1, 64, 1);
  s.host = "compute2";
  EXPECT_FALSE(RequestedDestinationFilter().passes(h, s, settings));
  s.host = "compute1";
  s.node = "compute1";
  EXPECT_TRUE(RequestedDestinationFilter().passes(h, s, settings));
}

TEST(HostFilters, RamFilterSubtractsTheReservedMemoryAndAppliesTheRatio) {
  SchedulerSettings settings;  // reserved 512 MB, ratio 1.0
  HostState h = host(4, 2048, 40);
  EXPECT_TRUE(RamFilter().passes(h, spec(1, 1536, 1), settings));
  EXPECT_FALSE(RamFilter().passes(h, spec(1, 1537, 1), settings));
  h.memory_mb_used = 1024;
  EXPECT_TRUE(RamFilter().passes(h, spec(1, 512, 1), settings));
  EXPECT_FALSE(RamFilter().passes(h, spec(1, 513, 1), settings));
  settings.ram_allocation_ratio = 1.5;  // capacity (2048 - 512) * 1.5 = 2304
  EXPECT_TRUE(RamFilter().passes(h, spec(1, 1280, 1), settings));
  EXPECT_FALSE(RamFilter().passes(h, spec(1, 1281, 1), settings));
}

TEST(HostFilters, CoreFilterAppliesTheCpuAllocationRatio) {
  SchedulerSettings settings;  // ratio 4.0
  HostState h = host(2, 8192, 40);
  h.vcpus_used = 6;
  EXPECT_TRUE(CoreFilter().passes(h, spec(2, 64, 1), settings));
  EXPECT_FALSE(CoreFilter().passes(h, spec(3, 64, 1), settings));
  settings.cpu_allocation_ratio = 16.0;
  EXPECT_TRUE(CoreFilter().passes(h, spec(26, 64, 1), settings));
  EXPECT_FALSE(CoreFilter().passes(h, spec(27, 64, 1), settings));
  settings.reserved_host_cpus = 1;  // (2 - 1) * 16 = 16
  EXPECT_TRUE(CoreFilter().passes(h, spec(10, 64, 1), settings));
  EXPECT_FALSE(CoreFilter().passes(h, spec(11, 64, 1), settings));
}

TEST(HostFilters, DiskFilterCountsRootEphemeralAndSwap) {
  SchedulerSettings settings;
  HostState h = host(4, 8192, 10);
  RequestSpec s = spec(1, 64, 8);
  s.ephemeral_gb = 1;
  s.swap_mb = 1024;
  EXPECT_TRUE(DiskFilter().passes(h, s, settings));  // exactly 10 GB
  s.swap_mb = 1025;
  EXPECT_FALSE(DiskFilter().passes(h, s, settings));
  settings.reserved_host_disk_mb = 1024;
  s.swap_mb = 0;
  EXPECT_TRUE(DiskFilter().passes(h, s, settings));
  h.disk_mb_used = 1;
  EXPECT_FALSE(DiskFilter().passes(h, s, settings));
}

}  // namespace
}  // namespace neutrino::scheduler
