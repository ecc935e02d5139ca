#pragma once
// What this host's guests hold, as its hypervisor and file system show it, for the hello's
// "compute" member (as Nova's libvirt driver reports vcpus_used and disk_available_least
// next to the totals). The controller's scheduler still counts from its own instance records,
// as Nova's resource tracker does; this shows what the host really carries, domains the
// controller does not know of included.
#include <cstdint>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "compute/driver/compute_driver.hpp"

namespace neutrino::agent {

struct HostUsage {
  int64_t vcpus = 0;      // of active (running or paused) domains
  int64_t memory_mb = 0;  // of active domains
  int64_t disk_gb = 0;    // allocated under the instances path (disks, image cache), rounded up
  int64_t disk_available_gb = 0;  // free on the instances file system, rounded down
  int64_t instances = 0;          // defined domains
  int64_t running = 0;            // active domains

  Json to_json() const;
  bool operator==(const HostUsage&) const = default;
};

// Counts the domains; disk figures are left 0.
HostUsage usage_of_domains(const std::vector<compute::DomainStatus>& domains);
// usage_of_domains plus the disk figures of `instances_path` (a directory walk and statvfs).
HostUsage measure_host_usage(const std::vector<compute::DomainStatus>& domains,
                             const std::string& instances_path);

}  // namespace neutrino::agent
